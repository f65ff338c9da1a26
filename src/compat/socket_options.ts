/**
 * zeromq 5's `setsockopt`/`getsockopt`: libzmq option numbers (and the
 * short property names zeromq 5 had, such as `identity` or `linger`)
 * mapped onto the v6 socket's named options, with zeromq 5's value
 * conventions: booleans read back as `1`/`0`, strings may be given as
 * bytes, `ZMQ_SUBSCRIBE` subscribes.
 *
 * @module
 */

import * as C from "./constants.ts";
import type { Socket } from "./_v6.ts";

/** How a value is converted between zeromq 5 and the v6 option. */
type Kind = "int" | "bool" | "string" | "key" | "routingId";

/** An option that is a v6 property. */
interface PropertyOption {
  name: string;
  property: string;
  kind: Kind;
  readOnly?: boolean;
}

const prop = (name: string, property: string, kind: Kind, readOnly = false): PropertyOption => ({
  name,
  property,
  kind,
  readOnly,
});

/** Options that map one to one onto a v6 property, by libzmq number. */
const PROPERTIES: ReadonlyMap<number, PropertyOption> = new Map([
  [C.ZMQ_AFFINITY, prop("ZMQ_AFFINITY", "affinity", "int")],
  [C.ZMQ_IDENTITY, prop("ZMQ_IDENTITY", "routingId", "routingId")],
  [C.ZMQ_RATE, prop("ZMQ_RATE", "rate", "int")],
  [C.ZMQ_RECOVERY_IVL, prop("ZMQ_RECOVERY_IVL", "recoveryInterval", "int")],
  [C.ZMQ_SNDBUF, prop("ZMQ_SNDBUF", "sendBufferSize", "int")],
  [C.ZMQ_RCVBUF, prop("ZMQ_RCVBUF", "receiveBufferSize", "int")],
  [C.ZMQ_LINGER, prop("ZMQ_LINGER", "linger", "int")],
  [C.ZMQ_RECONNECT_IVL, prop("ZMQ_RECONNECT_IVL", "reconnectInterval", "int")],
  [C.ZMQ_BACKLOG, prop("ZMQ_BACKLOG", "backlog", "int")],
  [C.ZMQ_RECONNECT_IVL_MAX, prop("ZMQ_RECONNECT_IVL_MAX", "reconnectMaxInterval", "int")],
  [C.ZMQ_MAXMSGSIZE, prop("ZMQ_MAXMSGSIZE", "maxMessageSize", "int")],
  [C.ZMQ_SNDHWM, prop("ZMQ_SNDHWM", "sendHighWaterMark", "int")],
  [C.ZMQ_RCVHWM, prop("ZMQ_RCVHWM", "receiveHighWaterMark", "int")],
  [C.ZMQ_MULTICAST_HOPS, prop("ZMQ_MULTICAST_HOPS", "multicastHops", "int")],
  [C.ZMQ_SNDTIMEO, prop("ZMQ_SNDTIMEO", "sendTimeout", "int")],
  [C.ZMQ_LAST_ENDPOINT, prop("ZMQ_LAST_ENDPOINT", "lastEndpoint", "string", true)],
  [C.ZMQ_ROUTER_MANDATORY, prop("ZMQ_ROUTER_MANDATORY", "mandatory", "bool")],
  [C.ZMQ_TCP_KEEPALIVE, prop("ZMQ_TCP_KEEPALIVE", "tcpKeepalive", "int")],
  [C.ZMQ_TCP_KEEPALIVE_CNT, prop("ZMQ_TCP_KEEPALIVE_CNT", "tcpKeepaliveCount", "int")],
  [C.ZMQ_TCP_KEEPALIVE_IDLE, prop("ZMQ_TCP_KEEPALIVE_IDLE", "tcpKeepaliveIdle", "int")],
  [C.ZMQ_TCP_KEEPALIVE_INTVL, prop("ZMQ_TCP_KEEPALIVE_INTVL", "tcpKeepaliveInterval", "int")],
  [C.ZMQ_TCP_ACCEPT_FILTER, prop("ZMQ_TCP_ACCEPT_FILTER", "tcpAcceptFilter", "string")],
  [C.ZMQ_DELAY_ATTACH_ON_CONNECT, prop("ZMQ_DELAY_ATTACH_ON_CONNECT", "immediate", "bool")],
  [C.ZMQ_IPV6, prop("ZMQ_IPV6", "ipv6", "bool")],
  [C.ZMQ_PLAIN_SERVER, prop("ZMQ_PLAIN_SERVER", "plainServer", "bool")],
  [C.ZMQ_PLAIN_USERNAME, prop("ZMQ_PLAIN_USERNAME", "plainUsername", "string")],
  [C.ZMQ_PLAIN_PASSWORD, prop("ZMQ_PLAIN_PASSWORD", "plainPassword", "string")],
  [C.ZMQ_CURVE_SERVER, prop("ZMQ_CURVE_SERVER", "curveServer", "bool")],
  [C.ZMQ_CURVE_PUBLICKEY, prop("ZMQ_CURVE_PUBLICKEY", "curvePublicKey", "key")],
  [C.ZMQ_CURVE_SECRETKEY, prop("ZMQ_CURVE_SECRETKEY", "curveSecretKey", "key")],
  [C.ZMQ_CURVE_SERVERKEY, prop("ZMQ_CURVE_SERVERKEY", "curveServerKey", "key")],
  [C.ZMQ_ZAP_DOMAIN, prop("ZMQ_ZAP_DOMAIN", "zapDomain", "string")],
  [C.ZMQ_ROUTER_HANDOVER, prop("ZMQ_ROUTER_HANDOVER", "handover", "bool")],
  [C.ZMQ_HEARTBEAT_IVL, prop("ZMQ_HEARTBEAT_IVL", "heartbeatInterval", "int")],
  [C.ZMQ_HEARTBEAT_TTL, prop("ZMQ_HEARTBEAT_TTL", "heartbeatTimeToLive", "int")],
  [C.ZMQ_HEARTBEAT_TIMEOUT, prop("ZMQ_HEARTBEAT_TIMEOUT", "heartbeatTimeout", "int")],
  [C.ZMQ_CONNECT_TIMEOUT, prop("ZMQ_CONNECT_TIMEOUT", "connectTimeout", "int")],
  // libzmq 4 options zeromq 5 had no constant for, by number.
  [51, prop("ZMQ_PROBE_ROUTER", "probeRouter", "bool")],
  [52, prop("ZMQ_REQ_CORRELATE", "correlate", "bool")],
  [53, prop("ZMQ_REQ_RELAXED", "relaxed", "bool")],
  [54, prop("ZMQ_CONFLATE", "conflate", "bool")],
  [66, prop("ZMQ_HANDSHAKE_IVL", "handshakeInterval", "int")],
  [69, prop("ZMQ_XPUB_NODROP", "noDrop", "bool")],
  [71, prop("ZMQ_XPUB_MANUAL", "manual", "bool")],
  [72, prop("ZMQ_XPUB_WELCOME_MSG", "welcomeMessage", "string")],
  [74, prop("ZMQ_INVERT_MATCHING", "invertMatching", "bool")],
]);

/** The names of the options handled here that are not plain v6 properties. */
const SPECIAL_NAMES: ReadonlyMap<number, string> = new Map([
  [C.ZMQ_SUBSCRIBE, "ZMQ_SUBSCRIBE"],
  [C.ZMQ_UNSUBSCRIBE, "ZMQ_UNSUBSCRIBE"],
  [C.ZMQ_RCVMORE, "ZMQ_RCVMORE"],
  [C.ZMQ_FD, "ZMQ_FD"],
  [C.ZMQ_EVENTS, "ZMQ_EVENTS"],
  [C.ZMQ_TYPE, "ZMQ_TYPE"],
  [C.ZMQ_RCVTIMEO, "ZMQ_RCVTIMEO"],
  [C.ZMQ_IPV4ONLY, "ZMQ_IPV4ONLY"],
  [C.ZMQ_XPUB_VERBOSE, "ZMQ_XPUB_VERBOSE"],
  [C.ZMQ_ROUTER_RAW, "ZMQ_ROUTER_RAW"],
  [C.ZMQ_MECHANISM, "ZMQ_MECHANISM"],
]);

/**
 * zeromq 5's short option names (`sock.linger = 0`, `setsockopt("identity", ...)`)
 * and their libzmq numbers; exported by zeromq 5 as `zmq.options`.
 *
 * @example Usage
 * ```ts
 * import { SHORT_OPTIONS } from "./socket_options.ts";
 * import assert from "node:assert/strict";
 * assert.equal(SHORT_OPTIONS.identity, 5);
 * assert.equal(SHORT_OPTIONS.curve_server, 47);
 * ```
 */
export const SHORT_OPTIONS: Readonly<Record<string, number>> = Object.freeze({
  _fd: C.ZMQ_FD,
  _ioevents: C.ZMQ_EVENTS,
  _receiveMore: C.ZMQ_RCVMORE,
  _subscribe: C.ZMQ_SUBSCRIBE,
  _unsubscribe: C.ZMQ_UNSUBSCRIBE,
  affinity: C.ZMQ_AFFINITY,
  backlog: C.ZMQ_BACKLOG,
  identity: C.ZMQ_IDENTITY,
  linger: C.ZMQ_LINGER,
  rate: C.ZMQ_RATE,
  rcvbuf: C.ZMQ_RCVBUF,
  last_endpoint: C.ZMQ_LAST_ENDPOINT,
  reconnect_ivl: C.ZMQ_RECONNECT_IVL,
  recovery_ivl: C.ZMQ_RECOVERY_IVL,
  sndbuf: C.ZMQ_SNDBUF,
  mechanism: C.ZMQ_MECHANISM,
  plain_server: C.ZMQ_PLAIN_SERVER,
  plain_username: C.ZMQ_PLAIN_USERNAME,
  plain_password: C.ZMQ_PLAIN_PASSWORD,
  curve_server: C.ZMQ_CURVE_SERVER,
  curve_publickey: C.ZMQ_CURVE_PUBLICKEY,
  curve_secretkey: C.ZMQ_CURVE_SECRETKEY,
  curve_serverkey: C.ZMQ_CURVE_SERVERKEY,
  zap_domain: C.ZMQ_ZAP_DOMAIN,
  heartbeat_ivl: C.ZMQ_HEARTBEAT_IVL,
  heartbeat_ttl: C.ZMQ_HEARTBEAT_TTL,
  heartbeat_timeout: C.ZMQ_HEARTBEAT_TIMEOUT,
  connect_timeout: C.ZMQ_CONNECT_TIMEOUT,
});

/** What option handling needs from a zeromq 5 socket. */
export interface OptionTarget {
  /** The v6 socket behind it. */
  readonly socket: Socket;
  /** Its libzmq socket type number (ZMQ_TYPE). */
  readonly typeNumber: number;
  /** Its zeromq 5 type name (`"dealer"`), for messages. */
  readonly typeName: string;
  /**
   * ZMQ_RCVTIMEO as last set. It is kept here and not given to the v6
   * socket: zeromq 5 read only when a message was ready, so a receive
   * timeout never fired for `on("message")` listeners.
   */
  receiveTimeout: number;
}

/** An option given by number or by short name, as a libzmq number. */
function optionNumber(option: number | string): number {
  if (typeof option === "number") return option;
  const number = Object.hasOwn(SHORT_OPTIONS, option) ? SHORT_OPTIONS[option] : undefined;
  if (number === undefined) throw new TypeError(`Unknown socket option ${JSON.stringify(option)}`);
  return number;
}

function optionName(option: number): string {
  return PROPERTIES.get(option)?.name ?? SPECIAL_NAMES.get(option) ?? `option ${option}`;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** zeromq 5 value → v6 value for one kind. */
function toV6(spec: PropertyOption, value: unknown): unknown {
  switch (spec.kind) {
    case "bool":
      return Boolean(value);
    case "string":
      return isBytes(value) ? decoder.decode(value) : value;
    case "routingId":
      if (!isBytes(value)) return value;
      try {
        return decoder.decode(value);
      } catch {
        throw new TypeError(`${spec.name}: zmq-ts takes routing ids as UTF-8 text; these bytes are not UTF-8`);
      }
    case "int":
    case "key":
      return value;
  }
}

function v6Socket(target: OptionTarget): Record<string, unknown> {
  return target.socket as unknown as Record<string, unknown>;
}

function notAvailable(target: OptionTarget, name: string, what: string): Error {
  return new Error(`${name} is not available on a ${target.typeName} socket in zmq-ts (${what})`);
}

function subscription(value: unknown): string | Uint8Array {
  if (typeof value === "string" || isBytes(value)) return value;
  return String(value);
}

/**
 * zeromq 5's `setsockopt(option, value)` on the v6 socket behind `target`.
 * Throws `TypeError` for an unknown option and `Error` for one zmq-ts or
 * this socket type does not have; the v6 setter's own `TypeError`/`RangeError`
 * for bad values passes through.
 *
 * @example Usage
 * ```ts
 * import { getSocketOption, setSocketOption } from "./socket_options.ts";
 * import { ZMQ_LINGER } from "./constants.ts";
 * import { Dealer } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const target = { socket: new Dealer(), typeNumber: 5, typeName: "dealer", receiveTimeout: -1 };
 * setSocketOption(target, ZMQ_LINGER, 0);
 * setSocketOption(target, "identity", new TextEncoder().encode("me"));
 * assert.equal(getSocketOption(target, "linger"), 0);
 * assert.equal(getSocketOption(target, "identity"), "me");
 * target.socket.close();
 * ```
 */
export function setSocketOption(target: OptionTarget, option: number | string, value: unknown): void {
  const number = optionNumber(option);
  const socket = v6Socket(target);
  const spec = PROPERTIES.get(number);
  if (spec !== undefined) {
    if (spec.readOnly) throw new TypeError(`${spec.name} is read-only`);
    if (!(spec.property in socket)) throw notAvailable(target, spec.name, `no ${spec.property} option`);
    socket[spec.property] = toV6(spec, value);
    return;
  }
  switch (number) {
    case C.ZMQ_SUBSCRIBE:
    case C.ZMQ_UNSUBSCRIBE: {
      const method = number === C.ZMQ_SUBSCRIBE ? "subscribe" : "unsubscribe";
      if (target.typeNumber !== C.ZMQ_SUB) throw notAvailable(target, optionName(number), "SUB sockets only");
      (socket[method] as (topic: string | Uint8Array) => void).call(socket, subscription(value));
      return;
    }
    case C.ZMQ_RCVTIMEO:
      if (typeof value !== "number" || !Number.isInteger(value) || value < -1) {
        throw new TypeError(`ZMQ_RCVTIMEO must be an integer of at least -1, got ${String(value)}`);
      }
      target.receiveTimeout = value;
      return;
    case C.ZMQ_IPV4ONLY:
      socket.ipv6 = !value;
      return;
    case C.ZMQ_XPUB_VERBOSE:
      if ("verbosity" in socket) socket.verbosity = value ? "allSubs" : null;
      else if ("verbose" in socket) socket.verbose = Boolean(value);
      else throw notAvailable(target, "ZMQ_XPUB_VERBOSE", "XPUB sockets only");
      return;
    case C.ZMQ_RCVMORE:
    case C.ZMQ_FD:
    case C.ZMQ_EVENTS:
    case C.ZMQ_TYPE:
    case C.ZMQ_MECHANISM:
      throw new TypeError(`${optionName(number)} is read-only`);
    case C.ZMQ_ROUTER_RAW:
      throw new Error("ZMQ_ROUTER_RAW is not supported: use a stream socket");
  }
  throw new TypeError(`Unknown socket option ${number}`);
}

/**
 * zeromq 5's `getsockopt(option)` on the v6 socket behind `target`:
 * numbers, `1`/`0` for booleans, strings (or `null`) for text options.
 *
 * @example Usage
 * ```ts
 * import { getSocketOption } from "./socket_options.ts";
 * import { ZMQ_EVENTS, ZMQ_IPV4ONLY, ZMQ_TYPE } from "./constants.ts";
 * import { Push } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const target = { socket: new Push(), typeNumber: 8, typeName: "push", receiveTimeout: -1 };
 * assert.equal(getSocketOption(target, ZMQ_TYPE), 8);
 * assert.equal(getSocketOption(target, ZMQ_IPV4ONLY), 1);
 * assert.equal(typeof getSocketOption(target, ZMQ_EVENTS), "number");
 * target.socket.close();
 * ```
 */
export function getSocketOption(target: OptionTarget, option: number | string): string | number | null {
  const number = optionNumber(option);
  const socket = v6Socket(target);
  const spec = PROPERTIES.get(number);
  if (spec !== undefined) {
    if (!(spec.property in socket)) throw notAvailable(target, spec.name, `no ${spec.property} option`);
    const value = socket[spec.property];
    if (spec.kind === "bool") return value ? 1 : 0;
    if (value === undefined) return null;
    return value as string | number | null;
  }
  switch (number) {
    case C.ZMQ_TYPE:
      return target.typeNumber;
    case C.ZMQ_RCVTIMEO:
      return target.receiveTimeout;
    case C.ZMQ_IPV4ONLY:
      return socket.ipv6 ? 0 : 1;
    case C.ZMQ_RCVMORE:
      // Messages are delivered whole: no frame of a message is ever left unread.
      return 0;
    case C.ZMQ_EVENTS:
      return (target.socket.readable ? C.ZMQ_POLLIN : 0) | (target.socket.writable ? C.ZMQ_POLLOUT : 0);
    case C.ZMQ_MECHANISM:
      switch (socket.securityMechanism) {
        case "plain":
          return 1;
        case "curve":
          return 2;
        case "gssapi":
          return 3;
        default:
          return 0;
      }
    case C.ZMQ_SUBSCRIBE:
    case C.ZMQ_UNSUBSCRIBE:
    case C.ZMQ_XPUB_VERBOSE:
      throw new TypeError(`${optionName(number)} is write-only`);
    case C.ZMQ_FD:
      throw new Error("ZMQ_FD is not supported: zmq-ts sockets have no file descriptor to poll");
    case C.ZMQ_ROUTER_RAW:
      throw new Error("ZMQ_ROUTER_RAW is not supported: use a stream socket");
  }
  throw new TypeError(`Unknown socket option ${number}`);
}
