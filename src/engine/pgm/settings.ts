/**
 * The numbers libzmq 4.3 gives OpenPGM (`pgm_socket.cpp`), and the sizes
 * derived from the socket options `rate`, `recoveryInterval` and
 * `multicastMaxTpdu`.
 *
 * @module
 */

/** libzmq's defaults for the options a PGM engine reads. */
export const PGM_DEFAULTS = {
  /** `ZMQ_RATE`: kbit/s. */
  rate: 100,
  /** `ZMQ_RECOVERY_IVL`: ms. */
  recoveryInterval: 10_000,
  /** `ZMQ_MULTICAST_MAXTPDU`: bytes of IP packet. */
  multicastMaxTpdu: 1500,
  /** `ZMQ_MULTICAST_HOPS`: IP TTL. */
  multicastHops: 1,
} as const;

/** Source timers: SPM heartbeats after data, the ambient SPM, SPMs at start and close. */
export const SOURCE_TIMERS = {
  /** Intervals of the heartbeat SPMs that follow each data packet (ms). */
  heartbeats: [100, 100, 100, 100, 1300, 7000, 16000, 25000, 30000] as readonly number[],
  /** The ambient SPM interval (ms). */
  ambient: 30_000,
  /** SPMs sent at start-up. */
  startSpms: 3,
  /** SPMs with OPT_FIN sent at close. */
  finSpms: 3,
} as const;

/** Receiver timers (ms) and retry counts. */
export interface PgmReceiverTimers {
  peerExpiry: number;
  spmrExpiry: number;
  nakBackoff: number;
  nakRepeat: number;
  nakRdata: number;
  nakDataRetries: number;
  nakNcfRetries: number;
}

/** libzmq's receiver timers (ms) and retry counts. */
export const RECEIVER_TIMERS: Readonly<PgmReceiverTimers> = {
  /** A source silent this long is forgotten. */
  peerExpiry: 300_000,
  /** Data from a source whose NLA is unknown: ask for an SPM after this long. */
  spmrExpiry: 25,
  /** NAK back-off: a random wait in [0, this) before the first NAK of a hole. */
  nakBackoff: 50,
  /** Waiting for an NCF after a NAK: repeat after this long. */
  nakRepeat: 200,
  /** Waiting for RDATA after an NCF: back off and NAK again after this long. */
  nakRdata: 200,
  /** NAKs sent for one hole before it is lost (waiting for data). */
  nakDataRetries: 50,
  /** NAKs unanswered by an NCF before the hole is lost. */
  nakNcfRetries: 50,
};

/** IPv4 and UDP header bytes counted in a TPDU. */
export const IPV4_UDP_OVERHEAD = 28;
/** IPv6 and UDP header bytes. */
export const IPV6_UDP_OVERHEAD = 48;
/** PGM header, data fields, and room for OPT_LENGTH + OPT_FRAGMENT, which OpenPGM keeps free. */
const PGM_DATA_OVERHEAD = 16 + 8 + 4 + 16;

/**
 * The largest TSDU a source sends without fragmenting, as OpenPGM's
 * `PGM_MSS`: 1428 for a 1500-byte TPDU over IPv4.
 *
 * @example Usage
 * ```ts
 * import { maxTsdu } from "./settings.ts";
 * import assert from "node:assert/strict";
 * assert.equal(maxTsdu(1500, false), 1428);
 * ```
 */
export function maxTsdu(maxTpdu: number, ipv6: boolean): number {
  const size = maxTpdu - (ipv6 ? IPV6_UDP_OVERHEAD : IPV4_UDP_OVERHEAD) - PGM_DATA_OVERHEAD;
  if (!Number.isInteger(maxTpdu) || size < 3) {
    throw new RangeError(`multicastMaxTpdu ${maxTpdu} leaves no room for data`);
  }
  return Math.min(size, 0xffff);
}

/**
 * Window size in packets, as libzmq computes it for both the transmit and
 * the receive window: `recoveryInterval (ms) × ⌊rate / 8⌋ (bytes/ms) /
 * maxTpdu`, at least 1 (80 at the defaults).
 *
 * @example Usage
 * ```ts
 * import { windowSqns } from "./settings.ts";
 * import assert from "node:assert/strict";
 * assert.equal(windowSqns(100, 10_000, 1500), 80);
 * assert.equal(windowSqns(10_000, 10_000, 1500), 8333);
 * ```
 */
export function windowSqns(rate: number, recoveryInterval: number, maxTpdu: number): number {
  if (!(rate > 0) || !(recoveryInterval > 0)) throw new RangeError("rate and recoveryInterval must be positive");
  const sqns = Math.floor((recoveryInterval * Math.floor(rate / 8)) / maxTpdu);
  return Math.max(1, Math.min(sqns, 0x7fffffff));
}

/** Rate in bytes per millisecond for `rate` kbit/s (ZMQ_RATE; libzmq passes rate × 1000 / 8 bytes/s). */
export function bytesPerMs(rate: number): number {
  return rate / 8;
}
