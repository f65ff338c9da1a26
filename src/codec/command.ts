/**
 * ZMTP commands: READY (with metadata properties), ERROR, SUBSCRIBE,
 * CANCEL, PING and PONG. A command body is `[name-length][name][data]`; it
 * travels in a frame with the COMMAND flag.
 *
 * @module
 */

import { ProtocolError } from "../errors.ts";

import type { Metadata } from "../types.ts";
export type { Metadata } from "../types.ts";

/** A decoded command. Commands zmq-ts does not know keep their raw data. */
export type Command =
  | { name: "READY"; properties: Metadata }
  | { name: "ERROR"; reason: string }
  | { name: "SUBSCRIBE"; topic: Uint8Array }
  | { name: "CANCEL"; topic: Uint8Array }
  | { name: "PING"; ttl: number; context: Uint8Array }
  | { name: "PONG"; context: Uint8Array }
  | { name: "OTHER"; command: string; data: Uint8Array };

/** The longest PING context a PONG echoes (libzmq truncates to 16 bytes). */
export const PING_CONTEXT_MAX = 16;

const latin1 = (bytes: Uint8Array): string => {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
};

const encodeText = (text: string): Uint8Array => {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) {
      throw new RangeError(`Cannot encode ${JSON.stringify(text)}: command names and property names are bytes`);
    }
    out[i] = c;
  }
  return out;
};

/**
 * Splits a command body into its name and data. The data is a view.
 *
 * @example Usage
 * ```ts
 * import { encodeCommand, splitCommand } from "./command.ts";
 * import assert from "node:assert/strict";
 * const { name, data } = splitCommand(encodeCommand("HELLO", new Uint8Array([1, 2])));
 * assert.equal(name, "HELLO");
 * assert.deepEqual([...data], [1, 2]);
 * ```
 */
export function splitCommand(body: Uint8Array): { name: string; data: Uint8Array } {
  if (body.length === 0) throw new ProtocolError("command", "Empty command frame");
  const length = body[0];
  if (length === 0 || 1 + length > body.length) {
    throw new ProtocolError(
      "command",
      `Malformed command: name length ${length} does not fit a ${body.length}-byte body`,
    );
  }
  return { name: latin1(body.subarray(1, 1 + length)), data: body.subarray(1 + length) };
}

/**
 * Builds a command body from a name and data.
 *
 * @example Usage
 * ```ts
 * import { encodeCommand } from "./command.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...encodeCommand("PONG")], [4, 0x50, 0x4f, 0x4e, 0x47]);
 * ```
 */
export function encodeCommand(name: string, data?: Uint8Array): Uint8Array {
  if (name.length === 0 || name.length > 255) {
    throw new RangeError(`Command name must be 1..255 bytes, got ${name.length}`);
  }
  const dataLength = data?.length ?? 0;
  const out = new Uint8Array(1 + name.length + dataLength);
  out[0] = name.length;
  out.set(encodeText(name), 1);
  if (data) out.set(data, 1 + name.length);
  return out;
}

/**
 * Parses a metadata property list (READY, INITIATE, ZAP replies). Applies
 * libzmq's rules: the first value of a name wins, except `Identity`, where
 * the last wins; two different `Socket-Type` values are an error. Any
 * truncated property, or a stray trailing byte, is a {@linkcode ProtocolError}.
 *
 * @example Usage
 * ```ts
 * import { encodeMetadata, parseMetadata } from "./command.ts";
 * import assert from "node:assert/strict";
 * const props = parseMetadata(encodeMetadata([["Socket-Type", "PUSH"]]));
 * assert.equal(new TextDecoder().decode(props.get("Socket-Type")), "PUSH");
 * ```
 */
export function parseMetadata(data: Uint8Array): Metadata {
  const props: Metadata = new Map();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  while (pos < data.length) {
    const nameLength = data[pos];
    if (nameLength === 0 || pos + 1 + nameLength + 4 > data.length) {
      throw new ProtocolError("command", `Malformed metadata: property at offset ${pos} is truncated`);
    }
    const name = latin1(data.subarray(pos + 1, pos + 1 + nameLength));
    pos += 1 + nameLength;
    const valueLength = view.getUint32(pos);
    pos += 4;
    if (valueLength > data.length - pos) {
      throw new ProtocolError("command", `Malformed metadata: value of ${JSON.stringify(name)} is truncated`);
    }
    const value = data.subarray(pos, pos + valueLength);
    pos += valueLength;
    const previous = props.get(name);
    if (previous === undefined || name === "Identity") {
      props.set(name, value);
    } else if (name === "Socket-Type" && latin1(previous) !== latin1(value)) {
      throw new ProtocolError("command", "Malformed metadata: two different Socket-Type values");
    }
  }
  return props;
}

/**
 * Encodes a metadata property list. Values may be strings (sent as UTF-8).
 *
 * @example Usage
 * ```ts
 * import { encodeMetadata } from "./command.ts";
 * import assert from "node:assert/strict";
 * assert.equal(encodeMetadata([["Identity", ""]]).length, 1 + 8 + 4);
 * ```
 */
export function encodeMetadata(properties: Iterable<readonly [string, Uint8Array | string]>): Uint8Array {
  const parts: [Uint8Array, Uint8Array][] = [];
  let size = 0;
  for (const [name, value] of properties) {
    if (name.length === 0 || name.length > 255) {
      throw new RangeError(`Property name must be 1..255 bytes, got ${JSON.stringify(name)}`);
    }
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
    parts.push([encodeText(name), bytes]);
    size += 1 + name.length + 4 + bytes.length;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const [name, value] of parts) {
    out[pos] = name.length;
    out.set(name, pos + 1);
    pos += 1 + name.length;
    view.setUint32(pos, value.length);
    out.set(value, pos + 4);
    pos += 4 + value.length;
  }
  return out;
}

/**
 * Builds a READY command body.
 *
 * @example Usage
 * ```ts
 * import { encodeReady } from "./command.ts";
 * import assert from "node:assert/strict";
 * const body = encodeReady([["Socket-Type", "REP"]]);
 * assert.equal(body.length, 0x19);
 * ```
 */
export function encodeReady(properties: Iterable<readonly [string, Uint8Array | string]>): Uint8Array {
  return encodeCommand("READY", encodeMetadata(properties));
}

/**
 * Builds an ERROR command body. The reason is cut to 255 bytes.
 *
 * @example Usage
 * ```ts
 * import { encodeError } from "./command.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...encodeError("400")], [5, 69, 82, 82, 79, 82, 3, 52, 48, 48]);
 * ```
 */
export function encodeError(reason: string): Uint8Array {
  const text = new TextEncoder().encode(reason).subarray(0, 255);
  const data = new Uint8Array(1 + text.length);
  data[0] = text.length;
  data.set(text, 1);
  return encodeCommand("ERROR", data);
}

/**
 * Builds a ZMTP 3.1 SUBSCRIBE (or, with `cancel`, CANCEL) command body.
 *
 * @example Usage
 * ```ts
 * import { encodeSubscription } from "./command.ts";
 * import assert from "node:assert/strict";
 * assert.equal(encodeSubscription(new Uint8Array(0), false).length, 10);
 * ```
 */
export function encodeSubscription(topic: Uint8Array, cancel: boolean): Uint8Array {
  return encodeCommand(cancel ? "CANCEL" : "SUBSCRIBE", topic);
}

/**
 * Builds a PING body. `ttl` is in tenths of a second (0..65535); keep it at
 * 655 or less for libzmq peers, which wrap larger values.
 *
 * @example Usage
 * ```ts
 * import { encodePing } from "./command.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...encodePing(25)], [4, 0x50, 0x49, 0x4e, 0x47, 0, 25]);
 * ```
 */
export function encodePing(ttl: number, context: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 0xffff) {
    throw new RangeError(`PING ttl must be 0..65535 tenths of a second, got ${ttl}`);
  }
  if (context.length > PING_CONTEXT_MAX) throw new RangeError(`PING context must be at most ${PING_CONTEXT_MAX} bytes`);
  const data = new Uint8Array(2 + context.length);
  data[0] = ttl >> 8;
  data[1] = ttl & 0xff;
  data.set(context, 2);
  return encodeCommand("PING", data);
}

/**
 * Builds a PONG body echoing a PING's context (cut to 16 bytes).
 *
 * @example Usage
 * ```ts
 * import { encodePong } from "./command.ts";
 * import assert from "node:assert/strict";
 * assert.equal(encodePong(new Uint8Array(20)).length, 5 + 16);
 * ```
 */
export function encodePong(context: Uint8Array): Uint8Array {
  return encodeCommand("PONG", context.subarray(0, PING_CONTEXT_MAX));
}

/**
 * Decodes a command body into a {@linkcode Command}. Unknown commands come
 * back as `OTHER` with their raw data (libzmq ignores unknown commands after
 * the handshake). Malformed known commands are a {@linkcode ProtocolError}.
 *
 * @example Usage
 * ```ts
 * import { decodeCommand, encodePing } from "./command.ts";
 * import assert from "node:assert/strict";
 * const cmd = decodeCommand(encodePing(30));
 * assert.equal(cmd.name, "PING");
 * ```
 */
export function decodeCommand(body: Uint8Array): Command {
  const { name, data } = splitCommand(body);
  switch (name) {
    case "READY":
      return { name, properties: parseMetadata(data) };
    case "ERROR": {
      if (data.length < 1 || 1 + data[0] > data.length) {
        throw new ProtocolError("command", "Malformed ERROR: reason length exceeds the command body");
      }
      return { name, reason: new TextDecoder().decode(data.subarray(1, 1 + data[0])) };
    }
    case "SUBSCRIBE":
    case "CANCEL":
      return { name, topic: data };
    case "PING": {
      if (data.length < 2) throw new ProtocolError("command", "Malformed PING: shorter than its 2-byte TTL");
      return { name, ttl: (data[0] << 8) | data[1], context: data.subarray(2) };
    }
    case "PONG":
      return { name, context: data };
    default:
      return { name: "OTHER", command: name, data };
  }
}

/**
 * Re-encodes a decoded command into its body bytes.
 *
 * @example Usage
 * ```ts
 * import { decodeCommand, encodeDecodedCommand, encodeError } from "./command.ts";
 * import assert from "node:assert/strict";
 * const body = encodeError("400");
 * assert.deepEqual(encodeDecodedCommand(decodeCommand(body)), body);
 * ```
 */
export function encodeDecodedCommand(command: Command): Uint8Array {
  switch (command.name) {
    case "READY":
      return encodeReady(command.properties);
    case "ERROR":
      return encodeError(command.reason);
    case "SUBSCRIBE":
      return encodeSubscription(command.topic, false);
    case "CANCEL":
      return encodeSubscription(command.topic, true);
    case "PING":
      return encodePing(command.ttl, command.context);
    case "PONG":
      return encodePong(command.context);
    case "OTHER":
      return encodeCommand(command.command, command.data);
  }
}
