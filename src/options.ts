/**
 * Socket options, declared once. Each entry of {@linkcode OptionTable} is the
 * single source of an option's TypeScript type (from its check), its
 * validation, its default (libzmq's), the socket types it applies to, its
 * libzmq option number (for zeromq.js's `getInt32Option(n)` family) and its
 * documentation (the JSDoc on the entry). Sockets get a getter/setter pair
 * per option from {@linkcode defineOptionAccessors}, and their property types
 * from {@linkcode OptionsOf}; nothing else lists the options again.
 *
 * An unknown option or a value of the wrong type is a `TypeError`; a value
 * out of range is a `RangeError`; both at the moment it is set.
 *
 * @module
 */

import type { CodecKind } from "./codec/codec.ts";
import { defaultCodec } from "./codec/select.ts";
import type { SocketTypeName } from "./types.ts";

/** How zeromq.js's by-number accessors read and write an option (`getInt32Option`, `setBoolOption`, ...). */
export type OptionWireType = "Int32" | "Int64" | "Uint32" | "Uint64" | "Bool" | "String";

/**
 * Validates and normalises one option value; the type parameter is the
 * option's TypeScript type.
 *
 * @example Usage
 * ```ts
 * import { OptionTable } from "./options.ts";
 * import assert from "node:assert/strict";
 * assert.equal(OptionTable.linger.check.parse(10, "linger"), 10);
 * assert.throws(() => OptionTable.linger.check.parse("10", "linger"), TypeError);
 * ```
 */
export interface OptionCheck<T> {
  /**
   * Returns the value to store, or throws a `TypeError`/`RangeError` that
   * names the option `what`; `warn` reports a value accepted with a caveat.
   */
  parse(value: unknown, what: string, warn?: (message: string) => void): T;
}

/**
 * One option's declaration: its value type `T`, and the socket types `S` it
 * exists on (`never`, the default, for options every type has).
 */
export interface OptionSpec<T, S extends SocketTypeName = never> {
  /** libzmq's option number (`ZMQ_SNDHWM` is 23, ...), or `null` for zmq-ts's own options. */
  readonly id: number | null;
  /** The by-number accessor family that reads and writes it, or `null` when there is no libzmq number. */
  readonly wire: OptionWireType | null;
  /** The check every value passes when it is set. */
  readonly check: OptionCheck<T>;
  /** libzmq's default. */
  readonly default: T;
  /** Socket types whose default differs (libzmq gives SUB and XSUB a `linger` of 0). */
  readonly defaultFor?: Readonly<Partial<Record<SocketTypeName, T>>>;
  /** The socket types the option exists on (exactly those of `S`); every type when absent. */
  readonly types?: readonly S[];
  /**
   * Whether a change takes effect at once on a bound or connected socket
   * (zeromq.js's list); setting any other option then warns that it waits
   * for the next connect or bind.
   */
  readonly immediate?: boolean;
}

const INT32_MAX = 2 ** 31 - 1;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value;
}

/** An integer in `[min, max]`. */
function int(min: number, max: number = INT32_MAX): OptionCheck<number> {
  return {
    parse(value, what) {
      if (typeof value !== "number") {
        throw new TypeError(`Option value must be a number: ${what} got ${describe(value)}`);
      }
      if (!Number.isInteger(value)) {
        throw new TypeError(`Option value must be a number (an integer): ${what} got ${describe(value)}`);
      }
      if (value < min || value > max) {
        throw new RangeError(`Option ${what} must be between ${min} and ${max}, got ${value}`);
      }
      return value;
    },
  };
}

/** An unsigned 64-bit integer; above 2^53 a JavaScript number may have been rounded, and that is said. */
const uint64: OptionCheck<number> = {
  parse(value, what, warn) {
    const n = int(0, 2 ** 64).parse(value, what);
    if (n > Number.MAX_SAFE_INTEGER) {
      warn?.("Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately.");
    }
    return n;
  },
};

const bool: OptionCheck<boolean> = {
  parse(value, what) {
    if (typeof value !== "boolean") {
      throw new TypeError(`Option value must be a boolean: ${what} got ${describe(value)}`);
    }
    return value;
  },
};

/** A string; bytes (a `Buffer`, say) are read as UTF-8, as zeromq.js does; null or undefined is none. */
const text: OptionCheck<string | null> = {
  parse(value, what) {
    if (value === null || value === undefined) return null;
    if (typeof value === "string") return value;
    if (value instanceof Uint8Array) return new TextDecoder().decode(value);
    throw new TypeError(`Option value must be a string or buffer: ${what} got ${describe(value)}`);
  },
};

/** A routing id: 1..255 bytes, not starting with a zero byte (reserved for generated ids); "" means none. */
const routingId: OptionCheck<string | null> = {
  parse(value, what) {
    const id = text.parse(value, what);
    if (id === null) return null;
    const bytes = new TextEncoder().encode(id);
    if (bytes.length > 255) throw new RangeError(`Option ${what} must be at most 255 bytes`);
    if (bytes[0] === 0) {
      throw new RangeError(`Option ${what} must not start with a zero byte (reserved for generated ids)`);
    }
    return id === "" ? null : id;
  },
};

/** A CURVE key: 40 Z85 characters, or 32 bytes (kept as given; the mechanism reads both). */
const curveKey: OptionCheck<string | null> = {
  parse(value, what) {
    if (value === null) return null;
    if (typeof value === "string" && value.length === 40) return value;
    if (value instanceof Uint8Array && value.length === 32) return value as unknown as string;
    throw new TypeError(
      `Option value must be a string or buffer: ${what} takes a 40-character Z85 string or 32 bytes, got ${
        describe(value)
      }`,
    );
  },
};

/** The frame codec's name. */
const codecKind: OptionCheck<CodecKind> = {
  parse(value, what) {
    if (value !== "js" && value !== "wasm") {
      throw new TypeError(`Option value must be "js" or "wasm": ${what} got ${describe(value)}`);
    }
    return value;
  },
};

/**
 * Every option zmq-ts knows, one static member each. Names are zeromq.js's,
 * defaults libzmq's. The JSDoc of each member is the option's documentation:
 * it travels to the socket properties through {@linkcode OptionsOf}. (A
 * class, so that each entry's type is written once, explicitly, beside its
 * value.)
 *
 * @example Usage
 * ```ts
 * import { OptionTable } from "./options.ts";
 * import assert from "node:assert/strict";
 * assert.equal(OptionTable.sendHighWaterMark.id, 23); // ZMQ_SNDHWM
 * assert.equal(OptionTable.sendHighWaterMark.default, 1000);
 * assert.deepEqual(OptionTable.mandatory.types, ["ROUTER"]);
 * ```
 */
export class OptionTable {
  /** ZMQ_SNDHWM: messages queued per peer before send blocks or drops. 0 = no limit. Default 1000. */
  static readonly sendHighWaterMark: OptionSpec<number> = {
    id: 23,
    wire: "Int32",
    check: int(0),
    default: 1000,
    immediate: true,
  };
  /** ZMQ_RCVHWM: messages queued per peer before reading from it pauses. 0 = no limit. Default 1000. */
  static readonly receiveHighWaterMark: OptionSpec<number> = {
    id: 24,
    wire: "Int32",
    check: int(0),
    default: 1000,
    immediate: true,
  };
  /** ZMQ_SNDTIMEO: ms `send()` waits before rejecting with EAGAIN; -1 waits forever, 0 never waits. Default -1. */
  static readonly sendTimeout: OptionSpec<number> = {
    id: 28,
    wire: "Int32",
    check: int(-1),
    default: -1,
    immediate: true,
  };
  /** ZMQ_RCVTIMEO: ms `receive()` waits before rejecting with EAGAIN; -1 waits forever, 0 never waits. Default -1. */
  static readonly receiveTimeout: OptionSpec<number> = {
    id: 27,
    wire: "Int32",
    check: int(-1),
    default: -1,
    immediate: true,
  };
  /** ZMQ_LINGER: ms queued messages are kept for delivery after `close()`; -1 = until sent. Default -1 (0 for SUB/XSUB). */
  static readonly linger: OptionSpec<number> = {
    id: 17,
    wire: "Int32",
    check: int(-1),
    default: -1,
    defaultFor: { SUB: 0, XSUB: 0 },
    immediate: true,
  };
  /** ZMQ_ROUTING_ID: this socket's identity, sent to peers (1..255 bytes, not starting with 0x00); null = none. */
  static readonly routingId: OptionSpec<string | null> = { id: 5, wire: "String", check: routingId, default: null };
  /** ZMQ_RECONNECT_IVL: ms before reconnecting; -1 disables reconnection. Default 100. */
  static readonly reconnectInterval: OptionSpec<number> = { id: 18, wire: "Int32", check: int(-1), default: 100 };
  /** ZMQ_RECONNECT_IVL_MAX: cap of the exponential reconnect back-off; 0 = no back-off. Default 0. */
  static readonly reconnectMaxInterval: OptionSpec<number> = { id: 21, wire: "Int32", check: int(0), default: 0 };
  /** ZMQ_CONNECT_TIMEOUT: ms one TCP connect attempt may take; 0 = OS default. Default 0. */
  static readonly connectTimeout: OptionSpec<number> = { id: 79, wire: "Int32", check: int(0), default: 0 };
  /** ZMQ_HANDSHAKE_IVL: ms the ZMTP handshake may take; 0 = no limit. Default 30000. */
  static readonly handshakeInterval: OptionSpec<number> = { id: 66, wire: "Int32", check: int(0), default: 30000 };
  /** ZMQ_HEARTBEAT_IVL: ms between PINGs; 0 = off. Default 0. */
  static readonly heartbeatInterval: OptionSpec<number> = { id: 75, wire: "Int32", check: int(0), default: 0 };
  /** ZMQ_HEARTBEAT_TIMEOUT: ms without any traffic after a PING before the peer is dropped; -1 = heartbeatInterval. */
  static readonly heartbeatTimeout: OptionSpec<number> = { id: 77, wire: "Int32", check: int(-1), default: -1 };
  /** ZMQ_HEARTBEAT_TTL: ms the peer should wait for our traffic (sent in PINGs, 0.1 s units). Default 0. */
  static readonly heartbeatTimeToLive: OptionSpec<number> = {
    id: 76,
    wire: "Int32",
    check: int(0, 6553599),
    default: 0,
  };
  /** ZMQ_IMMEDIATE: queue messages only on completed connections. Default false. */
  static readonly immediate: OptionSpec<boolean> = { id: 39, wire: "Bool", check: bool, default: false };
  /** ZMQ_MAXMSGSIZE: largest frame accepted, in bytes; -1 = no limit. A larger frame drops the connection. */
  static readonly maxMessageSize: OptionSpec<number> = {
    id: 22,
    wire: "Int64",
    check: int(-1, Number.MAX_SAFE_INTEGER),
    default: -1,
  };
  /** ZMQ_IPV6: enable IPv6 (binding `*` then listens on `::`). Default false. */
  static readonly ipv6: OptionSpec<boolean> = { id: 42, wire: "Bool", check: bool, default: false };
  /** ZMQ_BACKLOG: pending connection queue length (accepted for compatibility; the runtime decides). Default 100. */
  static readonly backlog: OptionSpec<number> = { id: 19, wire: "Int32", check: int(0), default: 100 };
  /** ZMQ_TCP_KEEPALIVE: -1 OS default, 0 off, 1 on. */
  static readonly tcpKeepalive: OptionSpec<number> = { id: 34, wire: "Int32", check: int(-1, 1), default: -1 };
  /** ZMQ_TCP_KEEPALIVE_CNT (accepted for compatibility; the runtimes do not expose it). */
  static readonly tcpKeepaliveCount: OptionSpec<number> = { id: 35, wire: "Int32", check: int(-1), default: -1 };
  /** ZMQ_TCP_KEEPALIVE_IDLE (accepted for compatibility; the runtimes do not expose it). */
  static readonly tcpKeepaliveIdle: OptionSpec<number> = { id: 36, wire: "Int32", check: int(-1), default: -1 };
  /** ZMQ_TCP_KEEPALIVE_INTVL (accepted for compatibility; the runtimes do not expose it). */
  static readonly tcpKeepaliveInterval: OptionSpec<number> = { id: 37, wire: "Int32", check: int(-1), default: -1 };
  /** ZMQ_PLAIN_SERVER: act as a PLAIN server (needs a ZAP handler, as in libzmq). */
  static readonly plainServer: OptionSpec<boolean> = { id: 44, wire: "Bool", check: bool, default: false };
  /** ZMQ_PLAIN_USERNAME: PLAIN client user name (setting it makes the socket a PLAIN client). */
  static readonly plainUsername: OptionSpec<string | null> = { id: 45, wire: "String", check: text, default: null };
  /** ZMQ_PLAIN_PASSWORD: PLAIN client password. */
  static readonly plainPassword: OptionSpec<string | null> = { id: 46, wire: "String", check: text, default: null };
  /** ZMQ_CURVE_SERVER: act as a CURVE server (needs curveSecretKey). */
  static readonly curveServer: OptionSpec<boolean> = { id: 47, wire: "Bool", check: bool, default: false };
  /** ZMQ_CURVE_PUBLICKEY: this socket's long-term public key (Z85, 40 chars, or 32 bytes). */
  static readonly curvePublicKey: OptionSpec<string | null> = {
    id: 48,
    wire: "String",
    check: curveKey,
    default: null,
  };
  /** ZMQ_CURVE_SECRETKEY: this socket's long-term secret key (Z85, 40 chars, or 32 bytes). */
  static readonly curveSecretKey: OptionSpec<string | null> = {
    id: 49,
    wire: "String",
    check: curveKey,
    default: null,
  };
  /** ZMQ_CURVE_SERVERKEY: the server's public key, for a CURVE client (Z85, 40 chars, or 32 bytes). */
  static readonly curveServerKey: OptionSpec<string | null> = {
    id: 50,
    wire: "String",
    check: curveKey,
    default: null,
  };
  /** ZMQ_ZAP_DOMAIN: the ZAP domain; with NULL security a non-empty domain turns ZAP on. */
  static readonly zapDomain: OptionSpec<string | null> = { id: 55, wire: "String", check: text, default: null };
  /** The frame codec, `"js"` or `"wasm"`, for new connections; the default is the faster (see bench/RESULTS.md). */
  static readonly codec: OptionSpec<CodecKind> = { id: null, wire: null, check: codecKind, default: defaultCodec.kind };
  /** ZMQ_ROUTER_MANDATORY: `send()` to an unknown routing id rejects with EHOSTUNREACH instead of dropping. */
  static readonly mandatory: OptionSpec<boolean, "ROUTER"> = {
    id: 33,
    wire: "Bool",
    check: bool,
    default: false,
    types: ["ROUTER"],
    immediate: true,
  };
  /** ZMQ_ROUTER_HANDOVER: a new peer with a routing id in use takes it over (the old one is disconnected). */
  static readonly handover: OptionSpec<boolean, "ROUTER"> = {
    id: 56,
    wire: "Bool",
    check: bool,
    default: false,
    types: ["ROUTER"],
    immediate: true,
  };
  /** ZMQ_PROBE_ROUTER: send an empty message to every new peer (so a Router learns of it at once). */
  static readonly probeRouter: OptionSpec<boolean, "ROUTER" | "DEALER" | "REQ"> = {
    id: 51,
    wire: "Bool",
    check: bool,
    default: false,
    types: ["ROUTER", "DEALER", "REQ"],
    immediate: true,
  };
  /** ZMQ_REQ_CORRELATE: prefix requests with an id and drop replies to older requests. */
  static readonly correlate: OptionSpec<boolean, "REQ"> = {
    id: 52,
    wire: "Bool",
    check: bool,
    default: false,
    types: ["REQ"],
    immediate: true,
  };
  /** ZMQ_REQ_RELAXED: allow a new request before the reply to the last one (pair with `correlate`). */
  static readonly relaxed: OptionSpec<boolean, "REQ"> = {
    id: 53,
    wire: "Bool",
    check: bool,
    default: false,
    types: ["REQ"],
    immediate: true,
  };
  /** ZMQ_CONFLATE: keep only the newest message queued per peer (set before bind/connect). */
  static readonly conflate: OptionSpec<boolean, "PUSH" | "PULL" | "PUB" | "SUB" | "DEALER" | "XPUB" | "XSUB"> = {
    id: 54,
    wire: "Bool",
    check: bool,
    default: false,
    types: ["PUSH", "PULL", "PUB", "SUB", "DEALER", "XPUB", "XSUB"],
  };
  /** ZMQ_XPUB_NODROP: `send()` waits (EAGAIN after `sendTimeout`) while a matching subscriber is full. */
  static readonly noDrop: OptionSpec<boolean, "XPUB" | "PUB"> = {
    id: 69,
    wire: "Bool",
    check: bool,
    default: false,
    types: ["XPUB", "PUB"],
  };
  /** ZMQ_XPUB_MANUAL: subscriptions are reported, and applied only by `subscribe()`/`unsubscribe()`. */
  static readonly manual: OptionSpec<boolean, "XPUB"> = {
    id: 71,
    wire: "Bool",
    check: bool,
    default: false,
    types: ["XPUB"],
  };
  /** ZMQ_XPUB_VERBOSE: report every subscribe (duplicates too). */
  static readonly verbose: OptionSpec<boolean, "XPUB"> = {
    id: 40,
    wire: "Bool",
    check: bool,
    default: false,
    types: ["XPUB"],
    immediate: true,
  };
  /** ZMQ_XPUB_VERBOSER: report every subscribe and every unsubscribe. */
  static readonly verboser: OptionSpec<boolean, "XPUB"> = {
    id: 78,
    wire: "Bool",
    check: bool,
    default: false,
    types: ["XPUB"],
    immediate: true,
  };
  /** ZMQ_XPUB_WELCOME_MSG: sent to each new subscriber after its handshake, unfiltered; null or "" for none. */
  static readonly welcomeMessage: OptionSpec<string | null, "XPUB"> = {
    id: 72,
    wire: "String",
    check: text,
    default: null,
    types: ["XPUB"],
  };
  /** ZMQ_INVERT_MATCHING: deliver the messages whose first frame does *not* match (both ends must invert). */
  static readonly invertMatching: OptionSpec<boolean, "PUB" | "XPUB" | "SUB" | "XSUB"> = {
    id: 74,
    wire: "Bool",
    check: bool,
    default: false,
    types: ["PUB", "XPUB", "SUB", "XSUB"],
  };
  /** ZMQ_SNDBUF: the kernel's send buffer size in bytes; -1 leaves the OS default (applied to udp and epgm sockets). */
  static readonly sendBufferSize: OptionSpec<number> = { id: 11, wire: "Int32", check: int(-1), default: -1 };
  /** ZMQ_RCVBUF: the kernel's receive buffer size in bytes; -1 leaves the OS default (applied to udp and epgm sockets). */
  static readonly receiveBufferSize: OptionSpec<number> = { id: 12, wire: "Int32", check: int(-1), default: -1 };
  /** ZMQ_AFFINITY: which of libzmq's I/O threads serve the socket (kept for compatibility: zmq-ts has no I/O threads). */
  static readonly affinity: OptionSpec<number> = {
    id: 4,
    wire: "Uint64",
    check: uint64,
    default: 0,
  };
  /** ZMQ_RATE: epgm's maximum send rate in kilobits per second. Default 100. */
  static readonly rate: OptionSpec<number> = { id: 8, wire: "Int32", check: int(1), default: 100 };
  /** ZMQ_RECOVERY_IVL: how long (ms) epgm keeps data to repair receivers' losses. Default 10000. */
  static readonly recoveryInterval: OptionSpec<number> = { id: 9, wire: "Int32", check: int(0), default: 10000 };
  /** ZMQ_MULTICAST_MAXTPDU: the largest epgm packet in bytes. Default 1500. */
  static readonly multicastMaxTransportDataUnit: OptionSpec<number> = {
    id: 84,
    wire: "Int32",
    check: int(1),
    default: 1500,
  };
  /** ZMQ_TCP_ACCEPT_FILTER: accept TCP connections only from this address (libzmq's deprecated filter; null = all). */
  static readonly tcpAcceptFilter: OptionSpec<string | null> = { id: 38, wire: "String", check: text, default: null };
  /** ZMQ_TOS: the IP type-of-service of outgoing packets (kept for compatibility: the runtimes cannot set it). */
  static readonly typeOfService: OptionSpec<number> = { id: 57, wire: "Uint32", check: int(0, 255), default: 0 };
  /** ZMQ_SOCKS_PROXY: a SOCKS5 proxy (`host:port`) for connects; null = none. */
  static readonly socksProxy: OptionSpec<string | null> = { id: 68, wire: "String", check: text, default: null };
  /** ZMQ_TCP_MAXRT: ms TCP may retransmit before it gives up (kept for compatibility: the runtimes cannot set it). */
  static readonly tcpMaxRetransmitTimeout: OptionSpec<number> = { id: 80, wire: "Int32", check: int(0), default: 0 };
  /** ZMQ_VMCI_BUFFER_SIZE: the VMCI transport's buffer (kept for compatibility: there is no VMCI transport). */
  static readonly vmciBufferSize: OptionSpec<number> = {
    id: 85,
    wire: "Uint64",
    check: uint64,
    default: 65546,
  };
  /** ZMQ_VMCI_BUFFER_MIN_SIZE (kept for compatibility: there is no VMCI transport). */
  static readonly vmciBufferMinSize: OptionSpec<number> = {
    id: 86,
    wire: "Uint64",
    check: uint64,
    default: 128,
  };
  /** ZMQ_VMCI_BUFFER_MAX_SIZE (kept for compatibility: there is no VMCI transport). */
  static readonly vmciBufferMaxSize: OptionSpec<number> = {
    id: 87,
    wire: "Uint64",
    check: uint64,
    default: 262144,
  };
  /** ZMQ_VMCI_CONNECT_TIMEOUT (kept for compatibility: there is no VMCI transport). */
  static readonly vmciConnectTimeout: OptionSpec<number> = { id: 88, wire: "Int32", check: int(-1), default: -1 };
  /** ZMQ_BINDTODEVICE: bind the socket's connections to a network interface (kept for compatibility: not applied). */
  static readonly interface: OptionSpec<string | null> = { id: 92, wire: "String", check: text, default: null };
  /** ZMQ_ZAP_ENFORCE_DOMAIN: refuse ZAP replies for a domain other than the socket's (RFC 27 strictness). */
  static readonly zapEnforceDomain: OptionSpec<boolean> = { id: 93, wire: "Bool", check: bool, default: false };
  /** ZMQ_LOOPBACK_FASTPATH: a Windows-only fast path for loopback TCP (kept for compatibility: no effect). */
  static readonly loopbackFastPath: OptionSpec<boolean> = { id: 94, wire: "Bool", check: bool, default: false };
  /** ZMQ_MULTICAST_HOPS: time-to-live of outgoing multicast packets (udp, epgm); 1 keeps them on the local network. */
  static readonly multicastHops: OptionSpec<
    number,
    "PAIR" | "PUB" | "REQ" | "REP" | "DEALER" | "ROUTER" | "PUSH" | "XPUB" | "XSUB"
  > = {
    id: 25,
    wire: "Int32",
    check: int(1, 255),
    default: 1,
    types: ["PAIR", "PUB", "REQ", "REP", "DEALER", "ROUTER", "PUSH", "XPUB", "XSUB"],
  };
}

/** The declarations of {@linkcode OptionTable}, by option name. */
export type OptionDeclarations = Omit<typeof OptionTable, "prototype">;

/**
 * The name of an option. A misspelt name is a compile error wherever zmq-ts
 * reads or writes options.
 */
export type OptionName = keyof OptionDeclarations;

/** The TypeScript type of an option's value. */
export type OptionValue<K extends OptionName> = OptionDeclarations[K] extends OptionSpec<infer T, infer _> ? T : never;

/** Whether option `K` exists on socket type `T` (`true` or `false`). */
export type OptionAppliesTo<K extends OptionName, T extends SocketTypeName> = OptionDeclarations[K] extends
  OptionSpec<infer _, infer S> ? ([S] extends [never] ? true : T extends S ? true : false)
  : never;

/**
 * The options of one socket type with their value types, as properties
 * (each keeps the documentation of its {@linkcode OptionTable} entry). Socket
 * classes merge it into their instance type.
 */
export type OptionsOf<T extends SocketTypeName> = {
  -readonly [K in keyof OptionDeclarations as OptionAppliesTo<K, T> extends true ? K : never]: OptionValue<K>;
};

/** The options every socket type has. */
export type CommonOptions = OptionsOf<"PAIR">;

/** The names of the options one socket type has. */
export type OptionNameOf<T extends SocketTypeName> = keyof OptionsOf<T> & OptionName;

/** Reads an option by name: what sessions, engines and patterns are given. */
export type OptionReader = <K extends OptionName>(name: K) => OptionValue<K>;

const NAMES = Object.keys(OptionTable) as OptionName[];

/** The declaration of an option, with its types erased (for code that handles every option alike). */
function specOf(name: OptionName): OptionSpec<unknown, SocketTypeName> {
  return OptionTable[name] as OptionSpec<unknown, SocketTypeName>;
}

/**
 * Whether an option exists on a socket type.
 *
 * @example Usage
 * ```ts
 * import { optionApplies } from "./options.ts";
 * import assert from "node:assert/strict";
 * assert.equal(optionApplies("ROUTER", "mandatory"), true);
 * assert.equal(optionApplies("PUSH", "mandatory"), false);
 * assert.equal(optionApplies("PUSH", "nonsense"), false);
 * ```
 */
export function optionApplies(type: SocketTypeName, name: string): name is OptionName {
  if (!NAMES.includes(name as OptionName)) return false;
  const types = specOf(name as OptionName).types;
  return types === undefined || types.includes(type);
}

/**
 * Validates one option value for a socket type; returns it normalised (an
 * empty `routingId` becomes `null`). Throws `TypeError` for an unknown
 * option or a wrong type, `RangeError` for a value out of range.
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
export function checkOption(
  type: SocketTypeName,
  name: string,
  value: unknown,
  warn?: (message: string) => void,
): unknown {
  if (!optionApplies(type, name)) throw new TypeError(`Unknown option ${JSON.stringify(name)} for a ${type} socket`);
  return specOf(name).check.parse(value, name, warn);
}

/**
 * Whether a change of the option takes effect at once on a bound or
 * connected socket (see {@linkcode OptionSpec.immediate}).
 *
 * @example Usage
 * ```ts
 * import { optionIsImmediate } from "./options.ts";
 * import assert from "node:assert/strict";
 * assert.equal(optionIsImmediate("linger"), true);
 * assert.equal(optionIsImmediate("routingId"), false);
 * ```
 */
export function optionIsImmediate(name: OptionName): boolean {
  return specOf(name).immediate === true;
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
export function defaultOption<K extends OptionName>(type: SocketTypeName, name: K): OptionValue<K> {
  const spec = specOf(name);
  const special = spec.defaultFor?.[type];
  return (special === undefined ? spec.default : special) as OptionValue<K>;
}

/**
 * Every option with its default for a socket type, as a plain object (the
 * socket's option store starts as this): the type's own options, and the
 * others at their defaults so that code shared by every type can read them.
 *
 * @example Usage
 * ```ts
 * import { optionDefaults } from "./options.ts";
 * import assert from "node:assert/strict";
 * const pub = optionDefaults("PUB");
 * assert.equal(pub.noDrop, false);
 * assert.equal(optionDefaults("SUB").linger, 0);
 * ```
 */
export function optionDefaults<T extends SocketTypeName>(type: T): OptionsOf<T> {
  const values: Record<string, unknown> = Object.create(null);
  // Every option's default is there, also those the type does not have, so that code shared by all types
  // (pipes, sessions) can read any option; only the type's own can be set.
  for (const name of NAMES) values[name] = defaultOption(type, name);
  return values as OptionsOf<T>;
}

/**
 * The option with a libzmq option number, for zeromq.js's by-number
 * accessors; `undefined` when zmq-ts has none with that number.
 *
 * @example Usage
 * ```ts
 * import { optionById } from "./options.ts";
 * import assert from "node:assert/strict";
 * assert.equal(optionById(17), "linger");
 * assert.equal(optionById(9999), undefined);
 * ```
 */
export function optionById(id: number): OptionName | undefined {
  return NAMES.find((name) => specOf(name).id === id);
}

/** How the accessors {@linkcode defineOptionAccessors} defines reach an object's option store. */
export interface OptionAccess<S> {
  /** Reads the current value of an option. */
  get(target: S, name: OptionName): unknown;
  /** Validates and stores a value (throws `TypeError`/`RangeError`). */
  set(target: S, name: OptionName, value: unknown): void;
}

/**
 * Defines a getter/setter pair on a prototype for each named option that the
 * prototype (or its chain) does not define already, forwarding to the
 * object's option store. This is how socket classes get their option
 * properties.
 *
 * @example Usage
 * ```ts
 * import { defineOptionAccessors } from "./options.ts";
 * import assert from "node:assert/strict";
 * class Store {
 *   values: Record<string, unknown> = { linger: 5 };
 * }
 * defineOptionAccessors(Store.prototype, ["linger"], {
 *   get: (store: Store, name) => store.values[name],
 *   set: (store: Store, name, value) => void (store.values[name] = value),
 * });
 * const store = new Store() as Store & { linger: number };
 * store.linger = 7;
 * assert.equal(store.linger, 7);
 * ```
 */
export function defineOptionAccessors<S extends object>(
  prototype: S,
  names: readonly OptionName[],
  access: OptionAccess<S>,
): void {
  for (const name of names) {
    if (name in prototype) continue;
    Object.defineProperty(prototype, name, {
      get(this: S) {
        return access.get(this, name);
      },
      set(this: S, value: unknown) {
        access.set(this, name, value);
      },
      enumerable: false,
      configurable: true,
    });
  }
}

/**
 * The names of the options that exist on a socket type, and the subset that
 * exists on every type.
 *
 * @example Usage
 * ```ts
 * import { optionNamesOf } from "./options.ts";
 * import assert from "node:assert/strict";
 * assert.ok(optionNamesOf("ROUTER").includes("mandatory"));
 * assert.ok(!optionNamesOf(null).includes("mandatory"));
 * ```
 */
export function optionNamesOf(type: SocketTypeName | null): OptionName[] {
  return NAMES.filter((name) => {
    const types = specOf(name).types;
    return type === null ? types === undefined : types === undefined || types.includes(type);
  });
}
