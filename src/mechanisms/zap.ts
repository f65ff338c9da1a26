/**
 * ZAP, the ZeroMQ Authentication Protocol (RFC 27): the wire format of
 * requests and replies exactly as libzmq 4.3 writes and checks them, and
 * {@linkcode ZapPolicy}, a ready-made handler policy (address allow/deny
 * lists, PLAIN passwords, CURVE keys) in the manner of czmq's `zauth`.
 *
 * Frames here exclude the empty delimiter frame that precedes them on the
 * wire; whoever sends them adds it (libzmq writes request frames straight
 * into the handler's pipe behind an empty frame). Everything is pure:
 * binding a handler at `inproc://zeromq.zap.01` is the socket layer's job.
 *
 * @example Usage
 * ```ts
 * import { encodeZapReply, encodeZapRequest, parseZapReply, parseZapRequest, ZapPolicy } from "./zap.ts";
 * import assert from "node:assert/strict";
 * const text = (s: string) => new TextEncoder().encode(s);
 * const policy = new ZapPolicy({ plain: { admin: "secret" } });
 * const frames = encodeZapRequest({ domain: "", address: "127.0.0.1", routingId: new Uint8Array(0),
 *   mechanism: "PLAIN", credentials: [text("admin"), text("secret")] });
 * // The handler side:
 * const { requestId, request } = parseZapRequest(frames);
 * const replyFrames = encodeZapReply(policy.decide(request), requestId);
 * // Back at the server socket:
 * assert.equal(parseZapReply(replyFrames).status, 200);
 * ```
 *
 * @module
 */

import { encodeMetadata, type Metadata, parseMetadata } from "../codec/command.ts";
import type { MechanismName } from "../codec/greeting.ts";
import { constantTimeEqual, equalBytes } from "../bytes.ts";
import { ProtocolError } from "../errors.ts";
import { type CurveKey, curveKeyBytes } from "./curve_keys.ts";
import { encodeZ85 } from "../z85.ts";
import type { MechanismOptions, ZapReply, ZapRequest } from "./mechanism.ts";

/**
 * The endpoint a ZAP handler binds, in the server socket's context.
 *
 * @example Usage
 * ```ts
 * import { ZAP_ENDPOINT } from "./zap.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ZAP_ENDPOINT, "inproc://zeromq.zap.01");
 * ```
 */
export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";
/**
 * The only ZAP version there is.
 *
 * @example Usage
 * ```ts
 * import { ZAP_VERSION } from "./zap.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ZAP_VERSION, "1.0");
 * ```
 */
export const ZAP_VERSION = "1.0";
/**
 * The request id libzmq always uses.
 *
 * @example Usage
 * ```ts
 * import { ZAP_REQUEST_ID } from "./zap.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ZAP_REQUEST_ID, "1");
 * ```
 */
export const ZAP_REQUEST_ID = "1";
/**
 * The status codes a ZAP reply may carry.
 *
 * @example Usage
 * ```ts
 * import { ZAP_STATUS_CODES } from "./zap.ts";
 * import assert from "node:assert/strict";
 * assert.ok(ZAP_STATUS_CODES.includes(300));
 * ```
 */
export const ZAP_STATUS_CODES: readonly number[] = Object.freeze([200, 300, 400, 500]);

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/**
 * Encodes a ZAP request as the frames libzmq sends after the delimiter:
 * `["1.0", id, domain, address, identity, mechanism, ...credentials]`, where
 * identity is the server socket's own routing id (what libzmq sends, not
 * the client's).
 *
 * @example Usage
 * ```ts
 * import { encodeZapRequest } from "./zap.ts";
 * import assert from "node:assert/strict";
 * const frames = encodeZapRequest({ domain: "global", address: "127.0.0.1", routingId: new Uint8Array(0),
 *   mechanism: "NULL", credentials: [] });
 * assert.deepEqual(frames.map((f) => new TextDecoder().decode(f)), ["1.0", "1", "global", "127.0.0.1", "", "NULL"]);
 * ```
 *
 * @param request The request.
 * @param requestId The request id to send; libzmq always uses `"1"`.
 * @returns The frames, without the empty delimiter.
 */
export function encodeZapRequest(request: ZapRequest, requestId: string = ZAP_REQUEST_ID): Uint8Array[] {
  return [
    utf8(ZAP_VERSION),
    utf8(requestId),
    utf8(request.domain),
    utf8(request.address),
    request.routingId,
    utf8(request.mechanism),
    ...request.credentials,
  ];
}

/**
 * Parses a ZAP request on the handler side, checking the version, the
 * mechanism and the credential count for it (NULL none, PLAIN two, CURVE
 * one 32-byte key).
 *
 * @example Usage
 * ```ts
 * import { encodeZapRequest, parseZapRequest } from "./zap.ts";
 * import assert from "node:assert/strict";
 * const frames = encodeZapRequest({ domain: "", address: "::1", routingId: new Uint8Array(0),
 *   mechanism: "CURVE", credentials: [new Uint8Array(32)] });
 * const { requestId, request } = parseZapRequest(frames);
 * assert.equal(requestId, "1");
 * assert.equal(request.mechanism, "CURVE");
 * ```
 *
 * @param frames The frames after the empty delimiter.
 * @returns The request id (to echo) and the request.
 */
export function parseZapRequest(frames: readonly Uint8Array[]): { requestId: string; request: ZapRequest } {
  if (frames.length < 6) {
    throw new ProtocolError("mechanism", `Malformed ZAP request: ${frames.length} frames, expected at least 6`);
  }
  const version = text(frames[0]);
  if (version !== ZAP_VERSION) {
    throw new ProtocolError("mechanism", `Malformed ZAP request: version ${JSON.stringify(version)}, expected "1.0"`);
  }
  const mechanism = text(frames[5]);
  const credentials = frames.slice(6);
  const expected = mechanism === "NULL" ? 0 : mechanism === "PLAIN" ? 2 : mechanism === "CURVE" ? 1 : -1;
  if (expected < 0) {
    throw new ProtocolError("mechanism", `Malformed ZAP request: unknown mechanism ${JSON.stringify(mechanism)}`);
  }
  if (credentials.length !== expected || (mechanism === "CURVE" && credentials[0].length !== 32)) {
    throw new ProtocolError(
      "mechanism",
      `Malformed ZAP request: ${mechanism} takes ${expected} credential frame(s)` +
        (mechanism === "CURVE" ? " (a 32-byte key)" : "") + `, got ${credentials.length}`,
    );
  }
  return {
    requestId: text(frames[1]),
    request: {
      domain: text(frames[2]),
      address: text(frames[3]),
      routingId: frames[4],
      mechanism: mechanism as MechanismName,
      credentials,
    },
  };
}

/**
 * Encodes a ZAP reply on the handler side: `["1.0", id, status, text,
 * user id, metadata]`.
 *
 * @example Usage
 * ```ts
 * import { encodeZapReply } from "./zap.ts";
 * import assert from "node:assert/strict";
 * const frames = encodeZapReply({ status: 400, statusText: "No access", userId: "", metadata: new Map() }, "1");
 * assert.equal(new TextDecoder().decode(frames[2]), "400");
 * ```
 *
 * @param reply The reply.
 * @param requestId The id of the request it answers.
 * @returns The frames, without the empty delimiter.
 */
export function encodeZapReply(reply: ZapReply, requestId: string = ZAP_REQUEST_ID): Uint8Array[] {
  checkZapStatus(reply.status);
  return [
    utf8(ZAP_VERSION),
    utf8(requestId),
    utf8(String(reply.status)),
    utf8(reply.statusText),
    utf8(reply.userId),
    encodeMetadata(reply.metadata),
  ];
}

/**
 * Parses and validates a ZAP reply exactly as libzmq's `zap_client_t`
 * does: 6 frames after the delimiter (the delimiter itself may be passed
 * as a 7th, leading frame, and must then be empty), version `1.0`, the
 * request id echoed, a status of exactly `200`, `300`, `400` or `500`, and
 * well-formed metadata. Anything else is a `ProtocolError` whose message
 * names libzmq's error: ZAP_MALFORMED_REPLY, ZAP_BAD_VERSION,
 * ZAP_BAD_REQUEST_ID, ZAP_INVALID_STATUS_CODE or ZAP_INVALID_METADATA.
 *
 * @example Usage
 * ```ts
 * import { parseZapReply } from "./zap.ts";
 * import assert from "node:assert/strict";
 * const f = (s: string) => new TextEncoder().encode(s);
 * const reply = parseZapReply([f("1.0"), f("1"), f("200"), f("OK"), f("admin"), new Uint8Array(0)]);
 * assert.equal(reply.userId, "admin");
 * assert.throws(() => parseZapReply([f("1.0"), f("1"), f("201"), f(""), f(""), new Uint8Array(0)]),
 *   /ZAP_INVALID_STATUS_CODE/);
 * ```
 *
 * @param frames The reply frames, with or without the leading empty delimiter.
 * @param requestId The id of the request it must answer.
 * @returns The reply.
 */
export function parseZapReply(frames: readonly Uint8Array[], requestId: string = ZAP_REQUEST_ID): ZapReply {
  if (frames.length === 7) {
    if (frames[0].length !== 0) {
      throw new ProtocolError(
        "mechanism",
        "Malformed ZAP reply (ZAP_MALFORMED_REPLY): the first of 7 frames must be the empty delimiter",
        "ERR_ZAP_MALFORMED_REPLY",
      );
    }
    frames = frames.slice(1);
  }
  if (frames.length !== 6) {
    throw new ProtocolError(
      "mechanism",
      `Malformed ZAP reply (ZAP_MALFORMED_REPLY): ${frames.length} frames after the delimiter, expected 6 ` +
        "(version, request id, status code, status text, user id, metadata)",
      "ERR_ZAP_MALFORMED_REPLY",
    );
  }
  if (text(frames[0]) !== ZAP_VERSION) {
    throw new ProtocolError(
      "mechanism",
      `ZAP reply has a bad version (ZAP_BAD_VERSION): ${JSON.stringify(text(frames[0]))}, expected "1.0"`,
      "ERR_ZAP_BAD_VERSION",
    );
  }
  if (!equalBytes(frames[1], utf8(requestId))) {
    throw new ProtocolError(
      "mechanism",
      `ZAP reply has a bad request id (ZAP_BAD_REQUEST_ID): ${JSON.stringify(text(frames[1]))}, ` +
        `expected ${JSON.stringify(requestId)}`,
      "ERR_ZAP_BAD_REQUEST_ID",
    );
  }
  const code = frames[2];
  // libzmq: exactly 3 characters, '2'..'5' then "00".
  if (code.length !== 3 || code[0] < 0x32 || code[0] > 0x35 || code[1] !== 0x30 || code[2] !== 0x30) {
    throw new ProtocolError(
      "mechanism",
      `ZAP reply has an invalid status code (ZAP_INVALID_STATUS_CODE): ${JSON.stringify(text(code))}, ` +
        "expected 200, 300, 400 or 500",
      "ERR_ZAP_INVALID_STATUS_CODE",
    );
  }
  let metadata: Metadata;
  try {
    metadata = parseMetadata(frames[5]);
  } catch (cause) {
    throw new ProtocolError(
      "mechanism",
      `ZAP reply has invalid metadata (ZAP_INVALID_METADATA): ${(cause as Error).message}`,
      "ERR_ZAP_INVALID_METADATA",
    );
  }
  return { status: Number(text(code)), statusText: text(frames[3]), userId: text(frames[4]), metadata };
}

/**
 * Asks the connection's ZAP handler, as the server side of PLAIN and CURVE
 * (and NULL with a domain) does: builds the request from the mechanism
 * options, calls `options.zap`, and checks the reply's status. Resolves to
 * `null` when no handler is bound (`zap` absent or resolving `null`).
 *
 * @example Usage
 * ```ts
 * import { askZap } from "./zap.ts";
 * import assert from "node:assert/strict";
 * const options = { properties: [], peerAddress: "10.0.0.1", routingId: new Uint8Array(0), zapDomain: "" };
 * assert.equal(await askZap(options, "CURVE", [new Uint8Array(32)]), null);
 * ```
 *
 * @param options The mechanism's options (domain, address, routing id, handler).
 * @param mechanism The mechanism asking.
 * @param credentials The mechanism's credentials.
 * @returns The reply, or `null` without a handler.
 */
export async function askZap(
  options: MechanismOptions,
  mechanism: MechanismName,
  credentials: Uint8Array[],
): Promise<ZapReply | null> {
  if (options.zap === undefined) return null;
  const reply = await options.zap({
    domain: options.zapDomain,
    address: options.peerAddress,
    routingId: options.routingId,
    mechanism,
    credentials,
  });
  if (reply !== null) {
    try {
      checkZapStatus(reply.status);
    } catch (cause) {
      throw new ProtocolError(
        "mechanism",
        `ZAP reply has an invalid status code (ZAP_INVALID_STATUS_CODE): ${(cause as Error).message}`,
        "ERR_ZAP_INVALID_STATUS_CODE",
      );
    }
  }
  return reply;
}

/**
 * The ZAP status an ERROR command's reason stands for: 300, 400 or 500 when
 * the reason is exactly that number (what libzmq sends), else 0.
 *
 * @example Usage
 * ```ts
 * import { errorReasonStatus } from "./zap.ts";
 * import assert from "node:assert/strict";
 * assert.equal(errorReasonStatus("400"), 400);
 * assert.equal(errorReasonStatus("go away"), 0);
 * ```
 *
 * @param reason The ERROR command's reason text.
 * @returns The status, or 0.
 */
export function errorReasonStatus(reason: string): number {
  return /^[345]00$/.test(reason) ? Number(reason) : 0;
}

function checkZapStatus(status: number): void {
  if (!ZAP_STATUS_CODES.includes(status)) {
    throw new RangeError(`ZAP status must be 200, 300, 400 or 500, got ${status}`);
  }
}

/**
 * Options of {@linkcode ZapPolicy}.
 *
 * @example Usage
 * ```ts
 * import { ZapPolicy, type ZapPolicyOptions } from "./zap.ts";
 * import assert from "node:assert/strict";
 * const options: ZapPolicyOptions = { allow: ["127.0.0.1"], plain: { admin: "secret" }, curve: "any" };
 * assert.ok(new ZapPolicy(options));
 * ```
 */
export interface ZapPolicyOptions {
  /** Peer addresses to let through; when given (non-empty), every other address is refused. */
  allow?: Iterable<string>;
  /** Peer addresses to refuse. Wins over `allow`. */
  deny?: Iterable<string>;
  /** PLAIN users and their passwords. Without it, every PLAIN client is refused. */
  plain?: Record<string, string>;
  /** CURVE client public keys (Z85 or 32 bytes) to accept, or `"any"`. Without it, every CURVE client is refused. */
  curve?: Iterable<CurveKey> | "any";
}

/**
 * A ZAP handler policy in the manner of czmq's `zauth`: first the address
 * (a denied address is refused; when an allow list exists only its
 * addresses pass), then the mechanism: NULL passes, PLAIN needs a matching
 * username and password, CURVE a known client key (or `curve: "any"`).
 * Successful replies carry the user id zauth gives: the username for
 * PLAIN, the client key in Z85 for CURVE. Refusals are status 400.
 *
 * @example Usage
 * ```ts
 * import { ZapPolicy } from "./zap.ts";
 * import assert from "node:assert/strict";
 * const policy = new ZapPolicy({ deny: ["10.0.0.66"], curve: "any" });
 * const request = { domain: "", address: "10.0.0.1", routingId: new Uint8Array(0), mechanism: "CURVE" as const,
 *   credentials: [new Uint8Array(32)] };
 * assert.equal(policy.decide(request).status, 200);
 * assert.equal(policy.decide({ ...request, address: "10.0.0.66" }).status, 400);
 * ```
 */
export class ZapPolicy {
  #allow: Set<string>;
  #deny: Set<string>;
  #plain: Map<string, Uint8Array>;
  #curve: Set<string> | "any" | null;

  /**
   * Makes a policy. Keys are validated here (a bad key is a `TypeError`).
   *
   * @param options Address lists, PLAIN users and CURVE keys.
   */
  constructor(options: ZapPolicyOptions = {}) {
    this.#allow = new Set(options.allow ?? []);
    this.#deny = new Set(options.deny ?? []);
    this.#plain = new Map(Object.entries(options.plain ?? {}).map(([user, password]) => [user, utf8(password)]));
    const curve = options.curve;
    if (curve === undefined) this.#curve = null;
    else if (curve === "any") this.#curve = "any";
    else if (typeof curve === "string") {
      throw new TypeError('ZapPolicy curve must be "any" or a list of keys, not a single string');
    } else this.#curve = new Set([...curve].map((key) => encodeZ85(curveKeyBytes(key, "client key"))));
  }

  /**
   * Decides one request.
   *
   * @example Usage
   * ```ts
   * import { ZapPolicy } from "./zap.ts";
   * import assert from "node:assert/strict";
   * const f = (s: string) => new TextEncoder().encode(s);
   * const policy = new ZapPolicy({ allow: ["127.0.0.1"], plain: { admin: "secret" } });
   * const request = { domain: "", address: "127.0.0.1", routingId: new Uint8Array(0), mechanism: "PLAIN" as const,
   *   credentials: [f("admin"), f("secret")] };
   * assert.equal(policy.decide(request).userId, "admin");
   * assert.equal(policy.decide({ ...request, address: "127.0.0.2" }).status, 400);
   * ```
   *
   * @param request The request to decide.
   * @returns A 200 or 400 reply.
   */
  decide(request: ZapRequest): ZapReply {
    if (this.#deny.has(request.address) || (this.#allow.size > 0 && !this.#allow.has(request.address))) {
      return refuse("Address not allowed");
    }
    switch (request.mechanism) {
      case "NULL":
        return accept("");
      case "PLAIN": {
        if (request.credentials.length !== 2) return refuse("Malformed PLAIN credentials");
        const username = text(request.credentials[0]);
        const expected = this.#plain.get(username);
        if (expected === undefined || !constantTimeEqual(expected, request.credentials[1])) {
          return refuse("Invalid username or password");
        }
        return accept(username);
      }
      case "CURVE": {
        const key = request.credentials[0];
        if (request.credentials.length !== 1 || key.length !== 32) return refuse("Malformed CURVE credentials");
        const z85Key = encodeZ85(key);
        if (this.#curve === "any" || this.#curve?.has(z85Key)) return accept(z85Key);
        return refuse("Unknown CURVE client key");
      }
      default:
        return refuse(`Unsupported mechanism ${JSON.stringify(request.mechanism)}`);
    }
  }
}

function accept(userId: string): ZapReply {
  return { status: 200, statusText: "OK", userId, metadata: new Map() };
}

function refuse(statusText: string): ZapReply {
  return { status: 400, statusText, userId: "", metadata: new Map() };
}
