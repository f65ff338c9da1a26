/**
 * ZWS 2.0 (RFC 45) over WebSocket messages, as libzmq's `ws_engine`,
 * `ws_encoder` and `ws_decoder` do it:
 *
 * - Every ZMTP frame is one binary WebSocket message: a flags byte (`0x01`
 *   MORE, `0x02` COMMAND; no LONG flag, the WebSocket length says the size)
 *   and then the frame body. An empty message (no flags byte) is an error.
 * - There is no ZMTP greeting: the mechanism comes from the subprotocol
 *   agreed in the opening handshake (`ZWS2.0/NULL`, `ZWS2.0/PLAIN`,
 *   `ZWS2.0/CURVE`, a libzmq extension). The mechanism's commands (READY,
 *   HELLO, WELCOME, INITIATE, ERROR) then travel as COMMAND messages whose
 *   body is the ZMTP command body; both sides send theirs at once.
 * - Bare `ZWS2.0` has no mechanism and no commands: each side's first
 *   message is its routing id (one frame, flags 0), as in ZMTP/2.0.
 * - Subscriptions travel as data messages `00 01 <topic>` (cancel
 *   `00 00 <topic>`), never as SUBSCRIBE/CANCEL commands.
 * - Heartbeats are WebSocket ping/pong control frames, not ZMTP PING/PONG
 *   commands; libzmq drops COMMAND messages it does not know, PINGs included.
 *
 * Flags cross this module's boundary in the ZMTP codec's form
 * (`FLAG_MORE` 0x01, `FLAG_COMMAND` 0x04 from `codec/codec.ts`), so an engine
 * can treat frames from either transport alike.
 *
 * @module
 */

import { FLAG_COMMAND, FLAG_MORE } from "../../codec/codec.ts";
import { ProtocolError } from "../../errors.ts";

/** ZWS flags byte: more frames of this message follow. */
export const ZWS_FLAG_MORE = 0x01;
/** ZWS flags byte: the frame is a command (note: 0x04 in ZMTP over tcp). */
export const ZWS_FLAG_COMMAND = 0x02;

/** Subprotocol: no mechanism, routing ids first (RFC 45 "ZWS2.0"). */
export const ZWS_BARE = "ZWS2.0";
/** Subprotocol: the NULL mechanism. */
export const ZWS_NULL = "ZWS2.0/NULL";
/** Subprotocol: the PLAIN mechanism. */
export const ZWS_PLAIN = "ZWS2.0/PLAIN";
/** Subprotocol: the CURVE mechanism (a libzmq extension; RFC 45 does not list it). */
export const ZWS_CURVE = "ZWS2.0/CURVE";

/** A security mechanism ZWS can carry. */
export type ZwsMechanism = "NULL" | "PLAIN" | "CURVE";

/** What an agreed subprotocol means for the connection. */
export interface ZwsMode {
  /** The subprotocol, as agreed. */
  protocol: string;
  /** The mechanism to run (bare `ZWS2.0` counts as NULL). */
  mechanism: ZwsMechanism;
  /**
   * `true`: run the mechanism's handshake (READY, HELLO...) in COMMAND
   * messages. `false` (bare `ZWS2.0`): no commands and no metadata, the first
   * message each way is the routing id, and no socket-type check happens.
   */
  handshake: boolean;
}

/**
 * The subprotocols a client offers for its mechanism, in libzmq's order:
 * `ZWS2.0/NULL,ZWS2.0` for NULL, `ZWS2.0/PLAIN`, `ZWS2.0/CURVE`.
 *
 * @example Usage
 * ```ts
 * import { zwsOffer } from "./zws.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(zwsOffer("NULL"), ["ZWS2.0/NULL", "ZWS2.0"]);
 * assert.deepEqual(zwsOffer("CURVE"), ["ZWS2.0/CURVE"]);
 * ```
 */
export function zwsOffer(mechanism: ZwsMechanism): string[] {
  switch (mechanism) {
    case "NULL":
      return [ZWS_NULL, ZWS_BARE];
    case "PLAIN":
      return [ZWS_PLAIN];
    case "CURVE":
      return [ZWS_CURVE];
  }
}

/**
 * The subprotocols a browser's `WebSocket` can offer for a mechanism: only
 * bare `ZWS2.0`, for NULL; none for PLAIN and CURVE. A WebSocket subprotocol
 * must be an HTTP token (RFC 6455 §4.1, the WHATWG WebSocket constructor),
 * and `/` is not a token character, so browsers (Chromium, and Deno's
 * `WebSocket`) throw a `SyntaxError` for `ZWS2.0/NULL`, `ZWS2.0/PLAIN` and
 * `ZWS2.0/CURVE`. A page can therefore only speak the mechanism-less profile
 * with libzmq: routing ids first, no READY, no socket-type check, no
 * security (beyond wss).
 *
 * @example Usage
 * ```ts
 * import { zwsBrowserOffer } from "./zws.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(zwsBrowserOffer("NULL"), ["ZWS2.0"]);
 * assert.deepEqual(zwsBrowserOffer("CURVE"), []);
 * ```
 */
export function zwsBrowserOffer(mechanism: ZwsMechanism): string[] {
  return zwsOffer(mechanism).filter((protocol) => !protocol.includes("/"));
}

/**
 * The server's choice among a client's offer, as libzmq makes it: the first
 * offered subprotocol that fits the server's own mechanism (`ZWS2.0/NULL` or
 * `ZWS2.0` for NULL, `ZWS2.0/PLAIN` for PLAIN, `ZWS2.0/CURVE` for CURVE;
 * exact, case-sensitive names), or `null`: refuse the connection.
 *
 * @example Usage
 * ```ts
 * import { selectZwsProtocol } from "./zws.ts";
 * import assert from "node:assert/strict";
 * assert.equal(selectZwsProtocol(["ZWS2.0", "ZWS2.0/NULL"], "NULL"), "ZWS2.0");
 * assert.equal(selectZwsProtocol(["ZWS2.0/PLAIN"], "NULL"), null);
 * assert.equal(selectZwsProtocol(["chat", "ZWS2.0/CURVE"], "CURVE"), "ZWS2.0/CURVE");
 * ```
 */
export function selectZwsProtocol(offered: readonly string[], mechanism: ZwsMechanism): string | null {
  for (const protocol of offered) {
    const mode = zwsMode(protocol);
    if (mode !== null && mode.mechanism === mechanism) return protocol;
  }
  return null;
}

/**
 * What a subprotocol means, or `null` if it is not ZWS 2.0.
 *
 * @example Usage
 * ```ts
 * import { zwsMode } from "./zws.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(zwsMode("ZWS2.0"), { protocol: "ZWS2.0", mechanism: "NULL", handshake: false });
 * assert.equal(zwsMode("ZWS2.0/PLAIN")?.mechanism, "PLAIN");
 * assert.equal(zwsMode("ZWS1.0"), null);
 * ```
 */
export function zwsMode(protocol: string): ZwsMode | null {
  switch (protocol) {
    case ZWS_BARE:
      return { protocol, mechanism: "NULL", handshake: false };
    case ZWS_NULL:
      return { protocol, mechanism: "NULL", handshake: true };
    case ZWS_PLAIN:
      return { protocol, mechanism: "PLAIN", handshake: true };
    case ZWS_CURVE:
      return { protocol, mechanism: "CURVE", handshake: true };
    default:
      return null;
  }
}

/** The four flags bytes, shared (the frame encoder copies them, never writes into them). */
const FLAG_BYTES = [0, 1, 2, 3].map((flags) => new Uint8Array([flags]));
const SUBSCRIBE_PREFIX = new Uint8Array([0x00, 0x01]);
const CANCEL_PREFIX = new Uint8Array([0x00, 0x00]);

/**
 * One ZMTP frame as the parts of one WebSocket message payload: the ZWS
 * flags byte, then the body (not copied). `flags` are the ZMTP codec's
 * (`FLAG_MORE`, `FLAG_COMMAND`).
 *
 * @example Usage
 * ```ts
 * import { encodeZwsFrame } from "./zws.ts";
 * import { FLAG_MORE } from "../../codec/codec.ts";
 * import assert from "node:assert/strict";
 * const [flags, body] = encodeZwsFrame(new TextEncoder().encode("hello"), FLAG_MORE);
 * assert.deepEqual(flags, new Uint8Array([0x01]));
 * assert.equal(body.length, 5);
 * ```
 */
export function encodeZwsFrame(body: Uint8Array, flags: number): Uint8Array[] {
  const command = (flags & FLAG_COMMAND) !== 0;
  const zws = (command ? ZWS_FLAG_COMMAND : 0) | ((flags & FLAG_MORE) !== 0 ? ZWS_FLAG_MORE : 0);
  return body.length === 0 ? [FLAG_BYTES[zws]] : [FLAG_BYTES[zws], body];
}

/**
 * A command (its ZMTP body: name length, name, data) as message parts.
 *
 * @example Usage
 * ```ts
 * import { encodeZwsCommand } from "./zws.ts";
 * import { encodeReady } from "../../codec/command.ts";
 * import assert from "node:assert/strict";
 * const [flags] = encodeZwsCommand(encodeReady([["Socket-Type", "REP"]]));
 * assert.deepEqual(flags, new Uint8Array([0x02]));
 * ```
 */
export function encodeZwsCommand(body: Uint8Array): Uint8Array[] {
  return encodeZwsFrame(body, FLAG_COMMAND);
}

/**
 * A subscription (or, with `cancel`, its cancellation) as message parts, in
 * the only form libzmq uses over ws: a data message `00 01 <topic>`
 * (`00 00 <topic>`).
 *
 * @example Usage
 * ```ts
 * import { encodeZwsSubscription } from "./zws.ts";
 * import assert from "node:assert/strict";
 * const parts = encodeZwsSubscription(new TextEncoder().encode("weather"), false);
 * assert.deepEqual(parts[0], new Uint8Array([0x00, 0x01]));
 * ```
 */
export function encodeZwsSubscription(topic: Uint8Array, cancel: boolean): Uint8Array[] {
  const prefix = cancel ? CANCEL_PREFIX : SUBSCRIBE_PREFIX;
  return topic.length === 0 ? [prefix] : [prefix, topic];
}

/** One decoded ZWS frame. */
export interface ZwsFrame {
  /** The frame body: a view of the message payload, after the flags byte. */
  body: Uint8Array;
  /** The ZMTP codec's flags: `FLAG_MORE` and/or `FLAG_COMMAND`. */
  flags: number;
}

/**
 * Reads one WebSocket message payload as a ZWS frame. Throws a
 * `ProtocolError` for an empty payload (libzmq's rule) and, unless `strict`
 * is false, for reserved flag bits (`0xFC`) or a COMMAND with MORE, as the
 * ZMTP codec does (libzmq ignores both).
 *
 * @example Usage
 * ```ts
 * import { decodeZwsFrame } from "./zws.ts";
 * import { FLAG_COMMAND } from "../../codec/codec.ts";
 * import assert from "node:assert/strict";
 * const frame = decodeZwsFrame(new Uint8Array([0x02, 0x05, 0x52, 0x45, 0x41, 0x44, 0x59]));
 * assert.equal(frame.flags, FLAG_COMMAND);
 * assert.equal(frame.body.length, 6);
 * ```
 */
export function decodeZwsFrame(payload: Uint8Array, strict = true): ZwsFrame {
  if (payload.length === 0) throw new ProtocolError("frame", "An empty ZWS message: the flags byte is missing");
  const zws = payload[0];
  if (strict) {
    if ((zws & ~(ZWS_FLAG_MORE | ZWS_FLAG_COMMAND)) !== 0) {
      throw new ProtocolError("frame", `Reserved ZWS flag bits are set (flags 0x${zws.toString(16).padStart(2, "0")})`);
    }
    if (zws === (ZWS_FLAG_MORE | ZWS_FLAG_COMMAND)) {
      throw new ProtocolError("frame", "A command frame has the MORE flag set");
    }
  }
  const flags = ((zws & ZWS_FLAG_MORE) !== 0 ? FLAG_MORE : 0) | ((zws & ZWS_FLAG_COMMAND) !== 0 ? FLAG_COMMAND : 0);
  return { body: payload.subarray(1), flags };
}
