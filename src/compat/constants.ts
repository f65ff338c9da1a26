/**
 * zeromq 5's numeric constants: libzmq's socket types, socket and context
 * option numbers, poll flags, the send flag, capability flags and socket
 * states, under the `ZMQ_*` / `STATE_*` names zeromq 5 exported. The
 * numbers are libzmq's (`zmq.h`, 4.x).
 *
 * @example Usage
 * ```ts
 * import { ZMQ_LINGER, ZMQ_PUSH, ZMQ_SNDMORE } from "./constants.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([ZMQ_PUSH, ZMQ_LINGER, ZMQ_SNDMORE], [8, 17, 2]);
 * ```
 *
 * @module
 */

// ---- socket types ------------------------------------------------------------

/** Socket type PAIR. */
export const ZMQ_PAIR = 0;
/** Socket type PUB. */
export const ZMQ_PUB = 1;
/** Socket type SUB. */
export const ZMQ_SUB = 2;
/** Socket type REQ. */
export const ZMQ_REQ = 3;
/** Socket type REP. */
export const ZMQ_REP = 4;
/** Socket type DEALER. */
export const ZMQ_DEALER = 5;
/** Socket type XREQ, the old name of DEALER. */
export const ZMQ_XREQ = 5;
/** Socket type ROUTER. */
export const ZMQ_ROUTER = 6;
/** Socket type XREP, the old name of ROUTER. */
export const ZMQ_XREP = 6;
/** Socket type PULL. */
export const ZMQ_PULL = 7;
/** Socket type PUSH. */
export const ZMQ_PUSH = 8;
/** Socket type XPUB. */
export const ZMQ_XPUB = 9;
/** Socket type XSUB. */
export const ZMQ_XSUB = 10;
/** Socket type STREAM. */
export const ZMQ_STREAM = 11;

// ---- socket options ----------------------------------------------------------

/** Socket option: I/O thread affinity (uint64). */
export const ZMQ_AFFINITY = 4;
/** Socket option: routing id (libzmq's old name ZMQ_IDENTITY). */
export const ZMQ_IDENTITY = 5;
/** Socket option (write-only): add a SUB subscription. */
export const ZMQ_SUBSCRIBE = 6;
/** Socket option (write-only): remove a SUB subscription. */
export const ZMQ_UNSUBSCRIBE = 7;
/** Socket option: multicast data rate in kbit/s. */
export const ZMQ_RATE = 8;
/** Socket option: multicast recovery interval in ms. */
export const ZMQ_RECOVERY_IVL = 9;
/** Socket option: the same number as ZMQ_RECOVERY_IVL (libzmq 4 dropped the _MSEC variant; zeromq.js maps it to 9). */
export const ZMQ_RECOVERY_IVL_MSEC = 9;
/** Socket option: kernel send buffer size. */
export const ZMQ_SNDBUF = 11;
/** Socket option: kernel receive buffer size. */
export const ZMQ_RCVBUF = 12;
/** Socket option (read-only): more frames of the current message follow. */
export const ZMQ_RCVMORE = 13;
/** Socket option (read-only): the file descriptor to poll. */
export const ZMQ_FD = 14;
/** Socket option (read-only): ZMQ_POLLIN / ZMQ_POLLOUT readiness. */
export const ZMQ_EVENTS = 15;
/** Socket option (read-only): the socket type number. */
export const ZMQ_TYPE = 16;
/** Socket option: linger period in ms (-1 = until delivered). */
export const ZMQ_LINGER = 17;
/** Socket option: reconnect interval in ms. */
export const ZMQ_RECONNECT_IVL = 18;
/** Socket option: listen backlog. */
export const ZMQ_BACKLOG = 19;
/** Socket option: maximum reconnect interval in ms. */
export const ZMQ_RECONNECT_IVL_MAX = 21;
/** Socket option: largest accepted frame in bytes (-1 = no limit). */
export const ZMQ_MAXMSGSIZE = 22;
/** Socket option: send high-water mark. */
export const ZMQ_SNDHWM = 23;
/** Socket option: receive high-water mark. */
export const ZMQ_RCVHWM = 24;
/** Socket option: multicast hops. */
export const ZMQ_MULTICAST_HOPS = 25;
/** Socket option: receive timeout in ms. */
export const ZMQ_RCVTIMEO = 27;
/** Socket option: send timeout in ms. */
export const ZMQ_SNDTIMEO = 28;
/** Socket option: IPv4 only (the inverse of ZMQ_IPV6). */
export const ZMQ_IPV4ONLY = 31;
/** Socket option (read-only): the endpoint last bound. */
export const ZMQ_LAST_ENDPOINT = 32;
/** Socket option: ROUTER reports unroutable messages (EHOSTUNREACH). */
export const ZMQ_ROUTER_MANDATORY = 33;
/** Socket option: TCP keep-alive (-1 OS default, 0 off, 1 on). */
export const ZMQ_TCP_KEEPALIVE = 34;
/** Socket option: TCP keep-alive probe count. */
export const ZMQ_TCP_KEEPALIVE_CNT = 35;
/** Socket option: TCP keep-alive idle time. */
export const ZMQ_TCP_KEEPALIVE_IDLE = 36;
/** Socket option: TCP keep-alive probe interval. */
export const ZMQ_TCP_KEEPALIVE_INTVL = 37;
/** Socket option: TCP accept filter (deprecated in libzmq). */
export const ZMQ_TCP_ACCEPT_FILTER = 38;
/** Socket option: queue only on completed connections (libzmq's ZMQ_IMMEDIATE). */
export const ZMQ_DELAY_ATTACH_ON_CONNECT = 39;
/** Socket option (write-only): XPUB passes on every subscription. */
export const ZMQ_XPUB_VERBOSE = 40;
/** Socket option: ROUTER raw mode (not supported). */
export const ZMQ_ROUTER_RAW = 41;
/** Socket option: enable IPv6. */
export const ZMQ_IPV6 = 42;
/** Socket option (read-only): security mechanism (0 NULL, 1 PLAIN, 2 CURVE, 3 GSSAPI). */
export const ZMQ_MECHANISM = 43;
/** Socket option: act as a PLAIN server. */
export const ZMQ_PLAIN_SERVER = 44;
/** Socket option: PLAIN user name. */
export const ZMQ_PLAIN_USERNAME = 45;
/** Socket option: PLAIN password. */
export const ZMQ_PLAIN_PASSWORD = 46;
/** Socket option: act as a CURVE server. */
export const ZMQ_CURVE_SERVER = 47;
/** Socket option: CURVE long-term public key. */
export const ZMQ_CURVE_PUBLICKEY = 48;
/** Socket option: CURVE long-term secret key. */
export const ZMQ_CURVE_SECRETKEY = 49;
/** Socket option: the CURVE server's public key. */
export const ZMQ_CURVE_SERVERKEY = 50;
/** Socket option: ZAP domain. */
export const ZMQ_ZAP_DOMAIN = 55;
/** Socket option: ROUTER hands a routing id over to a new connection. */
export const ZMQ_ROUTER_HANDOVER = 56;
/** Socket option: heartbeat interval in ms. */
export const ZMQ_HEARTBEAT_IVL = 75;
/** Socket option: heartbeat time-to-live in ms. */
export const ZMQ_HEARTBEAT_TTL = 76;
/** Socket option: heartbeat timeout in ms. */
export const ZMQ_HEARTBEAT_TIMEOUT = 77;
/** Socket option: TCP connect timeout in ms. */
export const ZMQ_CONNECT_TIMEOUT = 79;

// ---- context options ---------------------------------------------------------

/** Context option: number of I/O threads. */
export const ZMQ_IO_THREADS = 1;
/** Context option: maximum number of sockets. */
export const ZMQ_MAX_SOCKETS = 2;

// ---- poll flags, send flags ----------------------------------------------------

/** ZMQ_EVENTS bit: a message can be received. */
export const ZMQ_POLLIN = 1;
/** ZMQ_EVENTS bit: a message can be sent. */
export const ZMQ_POLLOUT = 2;
/** ZMQ_EVENTS bit: error (never set). */
export const ZMQ_POLLERR = 4;
/** Send flag: more frames of this message follow. */
export const ZMQ_SNDMORE = 2;

// ---- capabilities, states ------------------------------------------------------

/** Capability flag: `monitor()` is available (always 1). */
export const ZMQ_CAN_MONITOR = 1;
/** Capability flag: `disconnect()` is available (always 1). */
export const ZMQ_CAN_DISCONNECT = 1;
/** Capability flag: `unbind()` is available (always 1). */
export const ZMQ_CAN_UNBIND = 1;
/** Capability flag: context options can be set (always 1). */
export const ZMQ_CAN_SET_CTX = 1;

/** Socket state: ready. */
export const STATE_READY = 0;
/** Socket state: busy. */
export const STATE_BUSY = 1;
/** Socket state: closed. */
export const STATE_CLOSED = 2;
