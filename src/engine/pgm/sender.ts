/**
 * The PGM source: what an `epgm://` Publisher sends, as OpenPGM does it
 * for libzmq. Runtime-neutral: it is driven by a {@linkcode PgmClock} and
 * hands finished datagrams to a `send` callback (all of them go to the
 * group); the engine feeds it the upstream packets (NAK, SPMR) that reach
 * its unicast NLA.
 *
 * - SPMs: three at start (data follows 200 ms later), heartbeats after data (100, 100, 100, 100, 1300
 *   ms, then 7, 16, 25, 30 s), an ambient one every 30 s, an answer to an
 *   SPMR, three with OPT_FIN at close.
 * - ODATA: messages pulled from the engine and cut into TSDUs as libzmq
 *   does ({@linkcode Zmtp10Packer}), never with OPT_FRAGMENT (a libzmq SUB
 *   aborts on it).
 * - The transmit window keeps the last {@linkcode windowSqns} TSDUs; the
 *   trail advertised in SPMs and data moves only as packets leave it.
 * - NAKs (single or with OPT_NAK_LIST) for sequence numbers in the window
 *   are confirmed by one NCF and repaired by RDATA, ahead of new data.
 * - Everything sent is paced to `rate` kbit/s counting IP and UDP headers,
 *   with a burst of at most 10 ms of rate (or two packets).
 *
 * @module
 */

import { type PgmClock, Wakeup } from "./clock.ts";
import { encodePacket, PGM_GSI_SIZE, PGM_MAX_NAK_LIST, type PgmPacket, sqnCompare } from "./packet.ts";
import {
  bytesPerMs,
  IPV4_UDP_OVERHEAD,
  IPV6_UDP_OVERHEAD,
  maxTsdu,
  PGM_DEFAULTS,
  SOURCE_TIMERS,
  windowSqns,
} from "./settings.ts";
import { type Frames, Zmtp10Packer } from "./zmtp10.ts";

/** How many milliseconds of rate the pacing bucket may hold. */
const BURST_MS = 10;
/** Default of {@linkcode PgmSenderOptions.startupDelay}. */
const DEFAULT_STARTUP_DELAY = 200;
/** SPMR answers closer together than this are served by the SPM just sent. */
const SPMR_HOLDOFF_MS = 10;

/** Options of a {@linkcode PgmSender}. */
export interface PgmSenderOptions {
  /** The GSI (6 bytes). */
  gsi: Uint8Array;
  /** The TSI source port (random, not the data port). */
  sourcePort: number;
  /** The data port: PORT of `epgm://IFACE;GROUP:PORT`. */
  dataPort: number;
  /** The multicast group. */
  group: string;
  /** The source's unicast address advertised in SPMs (where NAKs must come to). */
  nla: string;
  /** kbit/s (`rate`, ZMQ_RATE); default 100. */
  rate?: number;
  /** ms (`recoveryInterval`, ZMQ_RECOVERY_IVL); default 10000. */
  recoveryInterval?: number;
  /** IP packet size (`multicastMaxTpdu`); default 1500. */
  maxTpdu?: number;
  /** The clock. */
  clock: PgmClock;
  /** Sends a datagram to the group. */
  send: (datagram: Uint8Array) => void;
  /**
   * Gives the next message to send, or `null` if none is queued (the engine's
   * pipe). Called whenever the source has room; call
   * {@linkcode PgmSender.activate} when messages become available again.
   */
  pull: () => Frames | null;
  /** First data sequence number (OpenPGM: 0). */
  initialSqn?: number;
  /**
   * ms between the start-up SPMs and the first data; default 200. A libzmq
   * 4.3.4 SUB that got data right behind a new source's first SPMs delivered
   * none of it and never NAKed it (seen in the netns interop test); 300 ms
   * later all of it arrived. libzmq's own sources never send data that early.
   */
  startupDelay?: number;
}

/** What a source has done, for events and tests. */
export interface PgmSenderStats {
  spm: number;
  odata: number;
  rdata: number;
  ncf: number;
  naks: number;
  /** NAKs or sequence numbers refused: wrong session, wrong NLA/group, or outside the window. */
  naksIgnored: number;
  spmr: number;
  /** IP bytes sent (headers included), as the pacing counts them. */
  bytes: number;
}

/**
 * A PGM source session (one TSI).
 *
 * @example Usage
 * ```ts
 * import { PgmSender } from "./sender.ts";
 * import { systemClock } from "./clock.ts";
 * import { decodePacket } from "./packet.ts";
 * import assert from "node:assert/strict";
 * const sent: Uint8Array[] = [];
 * const queue = [[new TextEncoder().encode("hello")]];
 * const sender = new PgmSender({
 *   gsi: new Uint8Array(6), sourcePort: 4242, dataPort: 5555, group: "239.192.1.1", nla: "127.0.0.1",
 *   clock: systemClock, send: (d) => sent.push(d), pull: () => queue.shift() ?? null, startupDelay: 0,
 * });
 * sender.start();
 * sender.close();
 * assert.deepEqual(sent.map((d) => decodePacket(d).type), ["spm", "spm", "spm", "odata", "spm", "spm", "spm"]);
 * ```
 */
export class PgmSender {
  readonly stats: PgmSenderStats = { spm: 0, odata: 0, rdata: 0, ncf: 0, naks: 0, naksIgnored: 0, spmr: 0, bytes: 0 };
  /** The TSDU size this source sends (1428 for a 1500-byte TPDU over IPv4). */
  readonly maxTsdu: number;
  /** Transmit window size in packets. */
  readonly windowSize: number;

  readonly #o: PgmSenderOptions;
  readonly #clock: PgmClock;
  readonly #packer: Zmtp10Packer;
  readonly #ipOverhead: number;
  readonly #rate: number; // bytes per ms
  readonly #burst: number;
  readonly #wakeup: Wakeup;
  /** Ring of the TSDUs still repairable, indexed by sqn modulo the window size. */
  readonly #window: (Uint8Array | undefined)[];
  #trail: number;
  #lead: number;
  #spmSqn = 0;
  /** Pacing bucket (bytes) and when it was last filled. */
  #tokens: number;
  #filledAt: number;
  /** Repairs to send, in NAK order; the set avoids duplicates. */
  #repairs: number[] = [];
  #repairSet = new Set<number>();
  /** Index into the heartbeat intervals; -1 when no heartbeat is due. */
  #heartbeat = -1;
  #nextHeartbeat = Infinity;
  #nextAmbient = Infinity;
  #lastSpm = -Infinity;
  #started = false;
  #closed = false;
  #holdUntil = -Infinity;

  /** Makes a source; nothing is sent before {@linkcode PgmSender.start}. */
  constructor(options: PgmSenderOptions) {
    if (options.gsi.length !== PGM_GSI_SIZE) throw new TypeError("A GSI is 6 bytes");
    for (const [name, port] of [["sourcePort", options.sourcePort], ["dataPort", options.dataPort]] as const) {
      if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new RangeError(`${name} must be a 16-bit port`);
    }
    if (options.sourcePort === options.dataPort) throw new RangeError("sourcePort must differ from dataPort");
    this.#o = options;
    this.#clock = options.clock;
    const ipv6 = options.nla.includes(":");
    const maxTpdu = options.maxTpdu ?? PGM_DEFAULTS.multicastMaxTpdu;
    const rate = options.rate ?? PGM_DEFAULTS.rate;
    this.maxTsdu = maxTsdu(maxTpdu, ipv6);
    this.windowSize = windowSqns(rate, options.recoveryInterval ?? PGM_DEFAULTS.recoveryInterval, maxTpdu);
    this.#window = new Array(this.windowSize);
    this.#packer = new Zmtp10Packer(this.maxTsdu);
    this.#ipOverhead = ipv6 ? IPV6_UDP_OVERHEAD : IPV4_UDP_OVERHEAD;
    this.#rate = bytesPerMs(rate);
    this.#burst = Math.max(this.#rate * BURST_MS, 2 * maxTpdu);
    this.#tokens = this.#burst;
    this.#filledAt = this.#clock.now();
    this.#trail = (options.initialSqn ?? 0) >>> 0;
    this.#lead = (this.#trail - 1) >>> 0;
    this.#wakeup = new Wakeup(this.#clock, () => this.#tick());
  }

  /** The last data sequence number sent. */
  get lead(): number {
    return this.#lead;
  }

  /** The oldest sequence number still repairable. */
  get trail(): number {
    return this.#trail;
  }

  /** Stream bytes taken from the engine and not yet sent. */
  get pendingBytes(): number {
    return this.#packer.pendingBytes;
  }

  /** Whether it was closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sends the start-up SPMs and starts pulling messages. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    for (let i = 0; i < SOURCE_TIMERS.startSpms; i++) this.#sendSpm(false);
    this.#holdUntil = this.#clock.now() + (this.#o.startupDelay ?? DEFAULT_STARTUP_DELAY);
    this.#pump();
  }

  /** Messages are available from `pull` again. */
  activate(): void {
    if (this.#started && !this.#closed) this.#pump();
  }

  /**
   * Takes an upstream packet that reached this source's NLA (or the group):
   * NAKs are confirmed and repaired, SPMRs answered; anything for another
   * session is ignored.
   */
  handle(packet: PgmPacket): void {
    if (this.#closed || !this.#started) return;
    if (packet.destinationPort !== this.#o.sourcePort || packet.sourcePort !== this.#o.dataPort) return;
    if (!sameGsi(packet.gsi, this.#o.gsi)) return;
    if (packet.type === "spmr") {
      this.stats.spmr++;
      if (this.#clock.now() - this.#lastSpm >= SPMR_HOLDOFF_MS) this.#sendSpm(false);
      return;
    }
    if (packet.type === "nnak") return;
    if (packet.type !== "nak") return;
    this.stats.naks++;
    if (packet.sourceNla !== this.#o.nla || packet.groupNla !== this.#o.group) {
      this.stats.naksIgnored++;
      return;
    }
    const fresh: number[] = [];
    for (const sqn of [packet.sqn, ...(packet.options?.nakList ?? [])]) {
      if (!this.#inWindow(sqn)) {
        this.stats.naksIgnored++;
        continue;
      }
      if (this.#repairSet.has(sqn)) continue; // already confirmed and queued
      fresh.push(sqn);
    }
    if (fresh.length === 0) return;
    // One NCF for what will be repaired (OpenPGM answers a NAK list with an NCF list).
    const [first, ...rest] = fresh;
    this.#emit({
      type: "ncf",
      sourcePort: this.#o.sourcePort,
      destinationPort: this.#o.dataPort,
      gsi: this.#o.gsi,
      sqn: first,
      sourceNla: this.#o.nla,
      groupNla: this.#o.group,
      options: rest.length > 0 ? { nakList: rest.slice(0, PGM_MAX_NAK_LIST) } : undefined,
    }, true);
    this.stats.ncf++;
    for (const sqn of fresh) {
      this.#repairs.push(sqn);
      this.#repairSet.add(sqn);
    }
    this.#pump();
  }

  /**
   * Closes the session: sends the three FIN SPMs at once and stops. Data
   * the engine handed over but not yet sent is dropped; to linger, wait
   * with {@linkcode PgmSender.drain} first.
   */
  close(): void {
    if (this.#closed) return;
    if (this.#started) { for (let i = 0; i < SOURCE_TIMERS.finSpms; i++) this.#sendSpm(true); }
    this.#closed = true;
    this.#wakeup.stop();
    this.#repairs = [];
    this.#repairSet.clear();
  }

  /** Resolves when everything pulled so far has been sent (or at close). */
  drain(): Promise<void> {
    if (this.#closed || this.#packer.empty) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.#closed || this.#packer.empty) resolve();
        else this.#clock.schedule(check, 5);
      };
      check();
    });
  }

  #inWindow(sqn: number): boolean {
    return sqnCompare(sqn, this.#trail) >= 0 && sqnCompare(sqn, this.#lead) <= 0 &&
      this.#window[sqn % this.windowSize] !== undefined;
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#filledAt) * this.#rate);
    this.#filledAt = now;
  }

  /** Whether a packet of `size` PGM bytes may leave now; if not, arms the wakeup for when it may. */
  #mayPass(size: number): boolean {
    this.#refill();
    const cost = size + this.#ipOverhead;
    if (this.#tokens >= cost) return true;
    this.#wakeup.at(this.#clock.now() + Math.ceil((cost - this.#tokens) / this.#rate));
    return false;
  }

  /** Encodes and sends; paced packets take tokens, control packets (SPM, NCF) too, but may run the bucket negative. */
  #emit(packet: PgmPacket, control: boolean): number {
    const bytes = encodePacket(packet);
    const cost = bytes.length + this.#ipOverhead;
    if (control) this.#refill();
    this.#tokens -= cost;
    this.stats.bytes += cost;
    this.#o.send(bytes);
    return bytes.length;
  }

  #sendSpm(fin: boolean): void {
    this.#emit({
      type: "spm",
      sourcePort: this.#o.sourcePort,
      destinationPort: this.#o.dataPort,
      gsi: this.#o.gsi,
      spmSqn: this.#spmSqn,
      trail: this.#trail,
      lead: this.#lead,
      nla: this.#o.nla,
      options: fin ? { fin: true } : undefined,
    }, true);
    this.#spmSqn = (this.#spmSqn + 1) >>> 0;
    this.stats.spm++;
    this.#lastSpm = this.#clock.now();
    this.#nextAmbient = this.#lastSpm + SOURCE_TIMERS.ambient;
  }

  /** Sends what pacing allows: repairs first, then new data; then arms the next timer. */
  #pump(): void {
    if (this.#closed) return;
    while (this.#repairs.length > 0) {
      const sqn = this.#repairs[0];
      if (!this.#inWindow(sqn)) {
        this.#repairs.shift();
        this.#repairSet.delete(sqn);
        continue;
      }
      const tsdu = this.#window[sqn % this.windowSize]!;
      if (!this.#mayPass(24 + tsdu.length)) return this.#armTimers();
      this.#repairs.shift();
      this.#repairSet.delete(sqn);
      this.#emit(this.#data("rdata", sqn, tsdu), false);
      this.stats.rdata++;
    }
    if (this.#clock.now() < this.#holdUntil) {
      this.#wakeup.at(this.#holdUntil);
      return this.#armTimers();
    }
    for (;;) {
      // Pull like libzmq: keep taking messages while the next packet has room.
      while (this.#packer.pendingBytes < this.maxTsdu) {
        const message = this.#o.pull();
        if (message === null) break;
        this.#packer.push(message);
      }
      if (this.#packer.empty) break;
      // The next TSDU's size is known only once cut; pace on the largest it can be.
      if (!this.#mayPass(24 + Math.min(this.maxTsdu, this.#packer.pendingBytes + 2))) return this.#armTimers();
      const tsdu = this.#packer.next()!;
      const sqn = (this.#lead + 1) >>> 0;
      // The oldest packet leaves the window when the ring is full: the trail moves.
      if (sqnCompare(sqn, this.#trail) >= this.windowSize) {
        this.#trail = (this.#trail + 1) >>> 0;
      }
      this.#window[sqn % this.windowSize] = tsdu;
      this.#lead = sqn;
      this.#emit(this.#data("odata", sqn, tsdu), false);
      this.stats.odata++;
      // Heartbeats restart after every data packet.
      this.#heartbeat = 0;
      this.#nextHeartbeat = this.#clock.now() + SOURCE_TIMERS.heartbeats[0];
    }
    this.#armTimers();
  }

  #data(type: "odata" | "rdata", sqn: number, tsdu: Uint8Array): PgmPacket {
    return {
      type,
      sourcePort: this.#o.sourcePort,
      destinationPort: this.#o.dataPort,
      gsi: this.#o.gsi,
      sqn,
      trail: this.#trail,
      tsdu,
    };
  }

  #armTimers(): void {
    if (this.#closed) return;
    this.#wakeup.at(Math.min(this.#nextHeartbeat, this.#nextAmbient));
  }

  #tick(): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    if (now >= this.#nextHeartbeat) {
      this.#sendSpm(false);
      this.#heartbeat++;
      const intervals = SOURCE_TIMERS.heartbeats;
      this.#nextHeartbeat = this.#heartbeat < intervals.length ? now + intervals[this.#heartbeat] : Infinity;
    } else if (now >= this.#nextAmbient) {
      this.#sendSpm(false);
    }
    this.#pump();
  }
}

function sameGsi(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
