/**
 * Socket options: names (zeromq.js's), defaults (libzmq's), and validation
 * at the moment an option is set. An unknown option or a value of the wrong
 * type is a `TypeError`; a value out of range is a `RangeError`.
 *
 * @module
 */

import type { CodecKind } from "./codec/codec.ts";
import type { SocketTypeName } from "./types.ts";

/** How an option's value is checked. */
type Kind =
  | { kind: "int"; min: number; max: number }
  | { kind: "bool" }
  | { kind: "string"; nullable: true }
  | { kind: "bytes"; max: number }
  | { kind: "key" }
  | { kind: "enum"; values: readonly string[] };

const INT32_MAX = 2 ** 31 - 1;
const int = (min: number, max = INT32_MAX): Kind => ({ kind: "int", min, max });
const bool: Kind = { kind: "bool" };
const str: Kind = { kind: "string", nullable: true };

/** Options every socket has, with their libzmq defaults. */
export interface CommonOptions {
  /** ZMQ_SNDHWM: messages queued per peer before send blocks or drops. 0 = no limit. Default 1000. */
  sendHighWaterMark: number;
  /** ZMQ_RCVHWM: messages queued per peer before reading from it pauses. 0 = no limit. Default 1000. */
  receiveHighWaterMark: number;
  /** ZMQ_SNDTIMEO: ms `send()` waits before rejecting with EAGAIN; -1 waits forever. Default -1. */
  sendTimeout: number;
  /** ZMQ_RCVTIMEO: ms `receive()` waits before rejecting with EAGAIN; -1 waits forever. Default -1. */
  receiveTimeout: number;
  /** ZMQ_LINGER: ms queued messages are kept for delivery after `close()`; -1 = until sent. Default -1 (0 for SUB/XSUB). */
  linger: number;
  /** ZMQ_ROUTING_ID: this socket's identity (1..255 bytes, not starting with 0x00); null = none. */
  routingId: string | null;
  /** ZMQ_RECONNECT_IVL: ms before reconnecting; -1 disables reconnection. Default 100. */
  reconnectInterval: number;
  /** ZMQ_RECONNECT_IVL_MAX: cap of the exponential back-off; 0 = no back-off. Default 0. */
  reconnectMaxInterval: number;
  /** ZMQ_CONNECT_TIMEOUT: ms a single TCP connect may take; 0 = OS default. Default 0. */
  connectTimeout: number;
  /** ZMQ_HANDSHAKE_IVL: ms the ZMTP handshake may take; 0 = no limit. Default 30000. */
  handshakeInterval: number;
  /** ZMQ_HEARTBEAT_IVL: ms between PINGs; 0 = off. Default 0. */
  heartbeatInterval: number;
  /** ZMQ_HEARTBEAT_TIMEOUT: ms without any traffic after a PING before dropping the peer; -1 = heartbeatInterval. */
  heartbeatTimeout: number;
  /** ZMQ_HEARTBEAT_TTL: ms the peer should wait for our traffic (sent in PINGs, 0.1 s units). Default 0. */
  heartbeatTimeToLive: number;
  /** ZMQ_IMMEDIATE: queue messages only on completed connections. Default false. */
  immediate: boolean;
  /** ZMQ_MAXMSGSIZE: largest frame accepted in bytes; -1 = no limit. Default -1. */
  maxMessageSize: number;
  /** ZMQ_IPV6: allow IPv6 (binding `*` listens on `::`). Default false. */
  ipv6: boolean;
  /** ZMQ_BACKLOG: pending connections queue (informational here; the runtime decides). Default 100. */
  backlog: number;
  /** ZMQ_TCP_KEEPALIVE: -1 OS default, 0 off, 1 on. */
  tcpKeepalive: number;
  /** ZMQ_TCP_KEEPALIVE_CNT (stored for compatibility; the runtimes do not expose it). */
  tcpKeepaliveCount: number;
  /** ZMQ_TCP_KEEPALIVE_IDLE (stored for compatibility; the runtimes do not expose it). */
  tcpKeepaliveIdle: number;
  /** ZMQ_TCP_KEEPALIVE_INTVL (stored for compatibility; the runtimes do not expose it). */
  tcpKeepaliveInterval: number;
  /** ZMQ_PLAIN_SERVER: act as PLAIN server. */
  plainServer: boolean;
  /** ZMQ_PLAIN_USERNAME: PLAIN client user name (setting it makes the socket a PLAIN client). */
  plainUsername: string | null;
  /** ZMQ_PLAIN_PASSWORD: PLAIN client password. */
  plainPassword: string | null;
  /** ZMQ_CURVE_SERVER: act as CURVE server (needs curveSecretKey). */
  curveServer: boolean;
  /** ZMQ_CURVE_PUBLICKEY: this socket's long-term public key (Z85, 40 chars). */
  curvePublicKey: string | null;
  /** ZMQ_CURVE_SECRETKEY: this socket's long-term secret key (Z85, 40 chars). */
  curveSecretKey: string | null;
  /** ZMQ_CURVE_SERVERKEY: the server's public key, for a CURVE client (Z85, 40 chars). */
  curveServerKey: string | null;
  /** ZMQ_ZAP_DOMAIN: the ZAP domain; with NULL security a non-empty domain enables ZAP. */
  zapDomain: string | null;
  /** The frame codec: `"js"` or `"wasm"` (default: the faster, see bench/RESULTS.md). */
  codec: CodecKind;
}

/** Checks and default of one option. */
interface OptionSpec {
  check: Kind;
  default: unknown;
  /** Socket types the option applies to; all when absent. */
  types?: readonly SocketTypeName[];
}

const key: Kind = { kind: "key" };

/** Every option zmq-ts knows, with its checks and default. */
export const OPTION_SPECS: Readonly<Record<string, OptionSpec>> = {
  sendHighWaterMark: { check: int(0), default: 1000 },
  receiveHighWaterMark: { check: int(0), default: 1000 },
  sendTimeout: { check: int(-1), default: -1 },
  receiveTimeout: { check: int(-1), default: -1 },
  linger: { check: int(-1), default: -1 },
  routingId: { check: str, default: null },
  reconnectInterval: { check: int(-1), default: 100 },
  reconnectMaxInterval: { check: int(0), default: 0 },
  connectTimeout: { check: int(0), default: 0 },
  handshakeInterval: { check: int(0), default: 30000 },
  heartbeatInterval: { check: int(0), default: 0 },
  heartbeatTimeout: { check: int(-1), default: -1 },
  heartbeatTimeToLive: { check: int(0, 6553599), default: 0 },
  immediate: { check: bool, default: false },
  maxMessageSize: { check: int(-1, Number.MAX_SAFE_INTEGER), default: -1 },
  ipv6: { check: bool, default: false },
  backlog: { check: int(0), default: 100 },
  tcpKeepalive: { check: int(-1, 1), default: -1 },
  tcpKeepaliveCount: { check: int(-1), default: -1 },
  tcpKeepaliveIdle: { check: int(-1), default: -1 },
  tcpKeepaliveInterval: { check: int(-1), default: -1 },
  plainServer: { check: bool, default: false },
  plainUsername: { check: str, default: null },
  plainPassword: { check: str, default: null },
  curveServer: { check: bool, default: false },
  curvePublicKey: { check: key, default: null },
  curveSecretKey: { check: key, default: null },
  curveServerKey: { check: key, default: null },
  zapDomain: { check: str, default: null },
  codec: { check: { kind: "enum", values: ["js", "wasm"] }, default: null },
  // Type-specific options.
  mandatory: { check: bool, default: false, types: ["ROUTER"] },
  handover: { check: bool, default: false, types: ["ROUTER"] },
  probeRouter: { check: bool, default: false, types: ["ROUTER", "DEALER", "REQ"] },
  correlate: { check: bool, default: false, types: ["REQ"] },
  relaxed: { check: bool, default: false, types: ["REQ"] },
  conflate: { check: bool, default: false, types: ["PUSH", "PULL", "PUB", "SUB", "DEALER", "XPUB", "XSUB"] },
  noDrop: { check: bool, default: false, types: ["XPUB", "PUB"] },
  manual: { check: bool, default: false, types: ["XPUB"] },
  verbose: { check: bool, default: false, types: ["XPUB"] },
  verboser: { check: bool, default: false, types: ["XPUB"] },
  welcomeMessage: { check: str, default: null, types: ["XPUB"] },
  invertMatching: { check: bool, default: false, types: ["PUB", "XPUB", "SUB", "XSUB"] },
};

/**
 * Validates one option value; returns it normalised (e.g. an empty
 * `routingId` string becomes `null`). Throws `TypeError`/`RangeError`.
 *
 * @example Usage
 * ```ts
 * import { checkOption } from "./options.ts";
 * import assert from "node:assert/strict";
 * assert.equal(checkOption("PUSH", "sendHighWaterMark", 5), 5);
 * assert.throws(() => checkOption("PUSH", "sendHighWaterMark", "5"), TypeError);
 * assert.throws(() => checkOption("PUSH", "sendHighWaterMark", -1), RangeError);
 * assert.throws(() => checkOption("PUSH", "mandatory", true), TypeError);
 * ```
 */
export function checkOption(type: SocketTypeName, name: string, value: unknown): unknown {
  const spec = Object.hasOwn(OPTION_SPECS, name) ? OPTION_SPECS[name] : undefined;
  if (!spec || (spec.types && !spec.types.includes(type))) {
    throw new TypeError(`Unknown option ${JSON.stringify(name)} for a ${type} socket`);
  }
  const check = spec.check;
  const what = `Option ${name}`;
  switch (check.kind) {
    case "int":
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw new TypeError(`${what} must be an integer, got ${describe(value)}`);
      }
      if (value < check.min || value > check.max) {
        throw new RangeError(`${what} must be between ${check.min} and ${check.max}, got ${value}`);
      }
      return value;
    case "bool":
      if (typeof value !== "boolean") throw new TypeError(`${what} must be a boolean, got ${describe(value)}`);
      return value;
    case "string":
      if (value !== null && typeof value !== "string") {
        throw new TypeError(`${what} must be a string or null, got ${describe(value)}`);
      }
      if (name === "routingId" && typeof value === "string") {
        const bytes = new TextEncoder().encode(value);
        if (bytes.length > 255) throw new RangeError(`${what} must be at most 255 bytes`);
        if (bytes[0] === 0) {
          throw new RangeError(`${what} must not start with a zero byte (reserved for generated ids)`);
        }
        return value === "" ? null : value;
      }
      return value;
    case "key":
      if (value === null) return null;
      if (typeof value === "string" && value.length === 40) return value;
      if (value instanceof Uint8Array && value.length === 32) return value;
      throw new TypeError(`${what} must be a 40-character Z85 string or 32 bytes, got ${describe(value)}`);
    case "enum":
      if (typeof value !== "string" || !check.values.includes(value)) {
        throw new TypeError(`${what} must be one of ${check.values.join(", ")}, got ${describe(value)}`);
      }
      return value;
    case "bytes":
      return value;
  }
}

/**
 * The default value of an option for a socket type.
 *
 * @example Usage
 * ```ts
 * import { defaultOption } from "./options.ts";
 * import assert from "node:assert/strict";
 * assert.equal(defaultOption("SUB", "linger"), 0);
 * assert.equal(defaultOption("PUSH", "linger"), -1);
 * ```
 */
export function defaultOption(type: SocketTypeName, name: string): unknown {
  if (name === "linger" && (type === "SUB" || type === "XSUB")) return 0;
  return OPTION_SPECS[name]?.default;
}

/**
 * Every option a socket type has, with its default, as a plain object.
 *
 * @example Usage
 * ```ts
 * import { optionDefaults } from "./options.ts";
 * import assert from "node:assert/strict";
 * const pub = optionDefaults("PUB");
 * assert.equal(pub.noDrop, false);
 * assert.equal("mandatory" in pub, false);
 * ```
 */
export function optionDefaults(type: SocketTypeName): Record<string, unknown> {
  const values: Record<string, unknown> = Object.create(null);
  for (const [name, spec] of Object.entries(OPTION_SPECS)) {
    if (spec.types === undefined || spec.types.includes(type)) values[name] = defaultOption(type, name);
  }
  return values;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value;
}
