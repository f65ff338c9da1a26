/**
 * The PGM receiver: what an `epgm://` Subscriber does with the datagrams
 * of its group, as OpenPGM does it for libzmq. Runtime-neutral: the engine
 * passes in each datagram; NAKs and SPMRs leave through a `send` callback
 * with their destination; whole messages come out of `deliver`.
 *
 * Per source (TSI = GSI + source port):
 * - the first SPM or data packet defines the receive window (an SPM says
 *   "lead + 1 comes next"; a data packet says "this one");
 * - data is delivered strictly in sequence order to a
 *   {@linkcode Zmtp10Unpacker}, which joins at the first message start;
 * - a hole (a gap in data, or an SPM or NCF announcing a lead beyond what
 *   arrived) goes through OpenPGM's NAK states: a random back-off, a NAK
 *   unicast to the source's NLA (several holes in one NAK with
 *   OPT_NAK_LIST), waiting for an NCF, waiting for RDATA, backing off
 *   again; it is lost after the retries run out, when the source's trail
 *   passes it, or when the window must slide past it;
 * - a lost sequence number drops the partial message and the unpacker
 *   rejoins at the next message start, as libzmq does; `onLoss` reports it;
 * - without an SPM the NLA is unknown: an SPMR goes to the group and to
 *   the data's sender after 25 ms (and again while NAKs wait for it);
 * - a source silent for the peer expiry (300 s) or that sent OPT_FIN is
 *   forgotten.
 *
 * Bounds: a datagram larger than the TPDU allows is dropped (OpenPGM's
 * buffer would truncate it and fail its checksum), so a source holds at
 * most `windowSize` datagrams of at most `maxTpdu` bytes, plus its partial
 * message (bounded by `maxMessageSize` when set); at most `maxSources`
 * sources are tracked and further ones are refused until one expires.
 *
 * @module
 */

import { type PgmClock, Wakeup } from "./clock.ts";
import {
  decodePacket,
  encodePacket,
  PGM_MAX_NAK_LIST,
  type PgmData,
  type PgmNak,
  type PgmPacket,
  PgmPacketError,
  type PgmSpm,
  sqnCompare,
  tsiKey,
} from "./packet.ts";
import {
  IPV4_UDP_OVERHEAD,
  IPV6_UDP_OVERHEAD,
  PGM_DEFAULTS,
  type PgmReceiverTimers,
  RECEIVER_TIMERS,
  windowSqns,
} from "./settings.ts";
import { type Frames, Zmtp10Unpacker } from "./zmtp10.ts";

/** Who sent a message. */
export interface PgmSourceInfo {
  /** `gsihex.port`. */
  tsi: string;
  /** The source's GSI. */
  gsi: Uint8Array;
  /** The source's TSI port. */
  sourcePort: number;
  /** The source's NLA from its SPMs, or `null` before the first SPM. */
  nla: string | null;
}

/** Options of a {@linkcode PgmReceiver}. */
export interface PgmReceiverOptions {
  /** The data port: PORT of `epgm://IFACE;GROUP:PORT`. */
  dataPort: number;
  /** The multicast group (carried in NAKs). */
  group: string;
  /** kbit/s (`rate`); sizes the receive window with `recoveryInterval`. Default 100. */
  rate?: number;
  /** ms (`recoveryInterval`). Default 10000. */
  recoveryInterval?: number;
  /** `multicastMaxTpdu`. Default 1500. */
  maxTpdu?: number;
  /** Largest frame accepted (`maxMessageSize`); -1, the default, for no limit. */
  maxMessageSize?: number;
  /** Sources tracked at once; default 64. */
  maxSources?: number;
  /** Overrides of libzmq's receiver timers (for tests). */
  timers?: Partial<PgmReceiverTimers>;
  /** The clock. */
  clock: PgmClock;
  /** Uniform random numbers in [0, 1) for the NAK back-off; default `Math.random`. */
  random?: () => number;
  /** Sends an upstream datagram (NAK, SPMR) to `address`:`port`. */
  send: (datagram: Uint8Array, address: string, port: number) => void;
  /** A whole message from a source. */
  deliver: (message: Frames, source: PgmSourceInfo) => void;
  /** Sequence numbers of a source given up as lost (its partial message was dropped). */
  onLoss?: (source: PgmSourceInfo, count: number) => void;
}

/** What a receiver has seen and done, for events and tests. */
export interface PgmReceiverStats {
  packets: number;
  /** Refused by the decoder (any reason) or too large. */
  malformed: number;
  /** Downstream packets for another data port. */
  wrongPort: number;
  odata: number;
  rdata: number;
  duplicates: number;
  spm: number;
  ncf: number;
  naksSent: number;
  spmrSent: number;
  /** Sequence numbers given up. */
  lost: number;
  messages: number;
  sourcesRefused: number;
  sourcesExpired: number;
}

const HAVE = 0;
const BACKOFF = 1;
const WAIT_NCF = 2;
const WAIT_DATA = 3;
const LOST = 4;

interface Slot {
  state: number;
  tsdu: Uint8Array | null;
  /** A TSDU that cannot be used (an APDU fragment): it breaks the stream like a loss. */
  unusable: boolean;
  deadline: number;
  ncfRetries: number;
  dataRetries: number;
}

interface Peer {
  info: PgmSourceInfo;
  /** UDP source address of its data (where a unicast SPMR goes). */
  dataAddress: string | null;
  lastSpmSqn: number | null;
  lastHeard: number;
  started: boolean;
  /** The next sequence number to deliver. */
  next: number;
  /** The highest sequence number known to exist. */
  lead: number;
  trail: number;
  slots: Map<number, Slot>;
  /** Sequence numbers waiting for a repair (BACKOFF, WAIT_NCF, WAIT_DATA). */
  missing: Set<number>;
  unpacker: Zmtp10Unpacker;
  spmrDeadline: number;
  lastSpmr: number;
}

/**
 * A PGM receiver for one group and port, any number of sources up to
 * `maxSources`.
 *
 * @example Usage
 * ```ts
 * import { PgmReceiver } from "./receiver.ts";
 * import { encodePacket } from "./packet.ts";
 * import { systemClock } from "./clock.ts";
 * import assert from "node:assert/strict";
 * const got: string[] = [];
 * const receiver = new PgmReceiver({
 *   dataPort: 5555, group: "239.192.1.1", clock: systemClock, send: () => {},
 *   deliver: (m) => got.push(new TextDecoder().decode(m[0])),
 * });
 * const gsi = new Uint8Array([1, 2, 3, 4, 5, 6]);
 * const common = { sourcePort: 4242, destinationPort: 5555, gsi };
 * receiver.receive(encodePacket({ type: "spm", ...common, spmSqn: 0, trail: 0, lead: 0xffffffff, nla: "127.0.0.1" }), "127.0.0.1");
 * receiver.receive(encodePacket({ type: "odata", ...common, sqn: 0, trail: 0, tsdu: new Uint8Array([0, 0, 3, 0, 104, 105]) }), "127.0.0.1");
 * receiver.close();
 * assert.deepEqual(got, ["hi"]);
 * ```
 */
export class PgmReceiver {
  readonly stats: PgmReceiverStats = {
    packets: 0,
    malformed: 0,
    wrongPort: 0,
    odata: 0,
    rdata: 0,
    duplicates: 0,
    spm: 0,
    ncf: 0,
    naksSent: 0,
    spmrSent: 0,
    lost: 0,
    messages: 0,
    sourcesRefused: 0,
    sourcesExpired: 0,
  };
  /** Receive window size in packets, per source. */
  readonly windowSize: number;
  /** The largest datagram accepted. */
  readonly maxDatagram: number;

  readonly #o: PgmReceiverOptions;
  readonly #clock: PgmClock;
  readonly #random: () => number;
  readonly #t: PgmReceiverTimers;
  readonly #maxSources: number;
  readonly #peers = new Map<string, Peer>();
  readonly #wakeup: Wakeup;
  #closed = false;

  /** Makes a receiver; it acts only on what {@linkcode PgmReceiver.receive} gets. */
  constructor(options: PgmReceiverOptions) {
    this.#o = options;
    this.#clock = options.clock;
    this.#random = options.random ?? Math.random;
    this.#t = { ...RECEIVER_TIMERS, ...options.timers };
    this.#maxSources = options.maxSources ?? 64;
    const maxTpdu = options.maxTpdu ?? PGM_DEFAULTS.multicastMaxTpdu;
    this.windowSize = windowSqns(
      options.rate ?? PGM_DEFAULTS.rate,
      options.recoveryInterval ?? PGM_DEFAULTS.recoveryInterval,
      maxTpdu,
    );
    this.maxDatagram = maxTpdu - (options.group.includes(":") ? IPV6_UDP_OVERHEAD : IPV4_UDP_OVERHEAD);
    this.#wakeup = new Wakeup(this.#clock, () => this.#tick());
  }

  /** How many sources are tracked. */
  get sources(): number {
    return this.#peers.size;
  }

  /** Stops the timers and forgets every source (partial messages are dropped). */
  close(): void {
    this.#closed = true;
    this.#wakeup.stop();
    this.#peers.clear();
  }

  /** Takes one datagram that arrived on the group's port; `from` is its UDP source address. */
  receive(datagram: Uint8Array, from: string): void {
    if (this.#closed) return;
    this.stats.packets++;
    if (datagram.length > this.maxDatagram) {
      this.stats.malformed++;
      return;
    }
    let packet: PgmPacket;
    try {
      packet = decodePacket(datagram);
    } catch (err) {
      if (!(err instanceof PgmPacketError)) throw err;
      this.stats.malformed++;
      return;
    }
    if (packet.type === "nak" || packet.type === "nnak") return; // another receiver's, upstream
    if (packet.type === "spmr") {
      this.#otherSpmr(packet);
      return;
    }
    if (packet.destinationPort !== this.#o.dataPort) {
      this.stats.wrongPort++;
      return;
    }
    const now = this.#clock.now();
    const key = tsiKey(packet.gsi, packet.sourcePort);
    let peer = this.#peers.get(key);
    if (peer === undefined) {
      if (packet.type === "ncf" || (packet.type === "spm" && packet.options?.fin)) return;
      peer = this.#newPeer(key, packet, now);
      if (peer === undefined) return;
    }
    peer.lastHeard = now;
    switch (packet.type) {
      case "spm":
        this.#onSpm(peer, packet, now);
        break;
      case "odata":
      case "rdata":
        if (peer.dataAddress === null) peer.dataAddress = from;
        this.#onData(peer, packet, now);
        break;
      case "ncf":
        this.#onNcf(peer, packet, now);
        break;
    }
    if (this.#peers.has(key)) this.#deliver(peer);
  }

  #newPeer(key: string, packet: PgmPacket, now: number): Peer | undefined {
    if (this.#peers.size >= this.#maxSources) this.#expire(now);
    if (this.#peers.size >= this.#maxSources) {
      this.stats.sourcesRefused++;
      return undefined;
    }
    const info: PgmSourceInfo = {
      tsi: key,
      gsi: packet.gsi.slice(),
      sourcePort: packet.sourcePort,
      nla: null,
    };
    const peer: Peer = {
      info,
      dataAddress: null,
      lastSpmSqn: null,
      lastHeard: now,
      started: false,
      next: 0,
      lead: 0,
      trail: 0,
      slots: new Map(),
      missing: new Set(),
      unpacker: new Zmtp10Unpacker({ maxMessageSize: this.#o.maxMessageSize }),
      spmrDeadline: Infinity,
      lastSpmr: -Infinity,
    };
    this.#peers.set(key, peer);
    this.#wakeup.at(now + this.#t.peerExpiry);
    return peer;
  }

  #start(peer: Peer, next: number, trail: number): void {
    peer.started = true;
    peer.next = next >>> 0;
    peer.lead = (next - 1) >>> 0;
    peer.trail = trail >>> 0;
  }

  #onSpm(peer: Peer, spm: PgmSpm, now: number): void {
    if (peer.lastSpmSqn !== null && sqnCompare(spm.spmSqn, peer.lastSpmSqn) <= 0) return; // old or repeated
    this.stats.spm++;
    peer.lastSpmSqn = spm.spmSqn;
    peer.info.nla = spm.nla;
    peer.spmrDeadline = Infinity;
    if (!peer.started) {
      this.#start(peer, (spm.lead + 1) >>> 0, spm.trail);
    } else {
      this.#advanceTrail(peer, spm.trail);
      if (sqnCompare(spm.lead, peer.lead) > 0) this.#extend(peer, spm.lead, now);
    }
    if (spm.options?.fin) {
      // The source is gone: nothing more can be repaired.
      for (const sqn of peer.missing) this.#lose(peer, sqn);
      this.#deliver(peer);
      this.#peers.delete(peer.info.tsi);
    }
  }

  #onData(peer: Peer, data: PgmData, now: number): void {
    if (sqnCompare(data.sqn, data.trail) < 0) {
      this.stats.malformed++; // data older than its own trail: not a packet a source sends
      return;
    }
    if (data.type === "odata") this.stats.odata++;
    else this.stats.rdata++;
    if (!peer.started) {
      this.#start(peer, data.sqn, data.trail);
      if (peer.info.nla === null) {
        peer.spmrDeadline = now + this.#t.spmrExpiry;
        this.#wakeup.at(peer.spmrDeadline);
      }
    }
    this.#advanceTrail(peer, data.trail);
    if (sqnCompare(data.sqn, peer.next) < 0) {
      this.stats.duplicates++;
      return;
    }
    if (sqnCompare(data.sqn, peer.lead) > 0) this.#extend(peer, data.sqn, now);
    // The window may have slid past it while extending (it was far ahead): then it is the new lead anyway.
    const slot = peer.slots.get(data.sqn);
    if (slot === undefined) {
      if (sqnCompare(data.sqn, peer.next) < 0) this.stats.duplicates++;
      return;
    }
    if (slot.state === HAVE) {
      this.stats.duplicates++;
      return;
    }
    const fragment = data.options?.fragment;
    peer.missing.delete(data.sqn);
    slot.state = HAVE;
    slot.tsdu = data.tsdu;
    // libzmq never fragments; a TSDU that is only part of an APDU cannot be decoded on its own.
    slot.unusable = fragment !== undefined && (fragment.offset !== 0 || fragment.apduLength !== data.tsdu.length);
  }

  #onNcf(peer: Peer, ncf: PgmNak, now: number): void {
    if (!peer.started || ncf.groupNla !== this.#o.group) return;
    this.stats.ncf++;
    for (const sqn of [ncf.sqn, ...(ncf.options?.nakList ?? [])]) {
      if (sqnCompare(sqn, peer.next) < 0) continue;
      if (sqnCompare(sqn, peer.lead) > 0) this.#extend(peer, sqn, now);
      const slot = peer.slots.get(sqn);
      if (slot === undefined || slot.state === HAVE || slot.state === LOST) continue;
      // A repair is on its way: stop NAKing (also for holes not yet NAKed: NAK suppression).
      slot.state = WAIT_DATA;
      slot.deadline = now + this.#t.nakRdata;
      this.#wakeup.at(slot.deadline);
    }
  }

  /** Another receiver's SPMR on the group: ours for the same source is not needed (SPMR suppression). */
  #otherSpmr(spmr: PgmPacket): void {
    const peer = this.#peers.get(tsiKey(spmr.gsi, spmr.destinationPort));
    if (peer !== undefined && peer.spmrDeadline !== Infinity) {
      peer.spmrDeadline = Infinity;
      peer.lastSpmr = this.#clock.now();
    }
  }

  /** The source says `trail` is its oldest repairable packet: holes before it are lost. */
  #advanceTrail(peer: Peer, trail: number): void {
    if (sqnCompare(trail, peer.trail) <= 0) return;
    peer.trail = trail;
    for (const sqn of peer.missing) if (sqnCompare(sqn, trail) < 0) this.#lose(peer, sqn);
  }

  /** Makes `lead` known: placeholders (holes) for everything after the old lead, sliding the window if needed. */
  #extend(peer: Peer, lead: number, now: number): void {
    const size = this.windowSize;
    if (sqnCompare(lead, peer.next) >= size) {
      // Only `size` packets fit: what falls out of the window is delivered if present, else lost.
      const newNext = (lead - size + 1) >>> 0;
      const known = sqnCompare(peer.lead, peer.next) + 1; // at most size
      for (let i = 0, sqn = peer.next; i < known && sqnCompare(sqn, newNext) < 0; i++, sqn = (sqn + 1) >>> 0) {
        const slot = peer.slots.get(sqn);
        if (slot !== undefined && slot.state !== HAVE && slot.state !== LOST) this.#lose(peer, sqn);
      }
      this.#deliverUntil(peer, newNext);
      if (sqnCompare(peer.next, newNext) < 0) {
        // Sequence numbers never seen at all (beyond the old lead): lost too.
        const gap = sqnCompare(newNext, peer.next);
        this.#reportLoss(peer, gap);
        peer.next = newNext;
      }
      if (sqnCompare(peer.lead, peer.next) < 0) peer.lead = (peer.next - 1) >>> 0;
    }
    // One back-off for the holes found together (as OpenPGM), so they go out in one NAK.
    const deadline = now + this.#random() * this.#t.nakBackoff;
    for (let sqn = (peer.lead + 1) >>> 0; sqnCompare(sqn, lead) <= 0; sqn = (sqn + 1) >>> 0) {
      peer.slots.set(sqn, { state: BACKOFF, tsdu: null, unusable: false, deadline, ncfRetries: 0, dataRetries: 0 });
      peer.missing.add(sqn);
    }
    peer.lead = lead >>> 0;
    this.#wakeup.at(deadline);
  }

  #lose(peer: Peer, sqn: number): void {
    const slot = peer.slots.get(sqn);
    if (slot === undefined || slot.state === HAVE) return;
    slot.state = LOST;
    peer.missing.delete(sqn);
  }

  #reportLoss(peer: Peer, count: number): void {
    if (count <= 0) return;
    this.stats.lost += count;
    peer.unpacker.reset("loss");
    this.#o.onLoss?.(peer.info, count);
  }

  /** Delivers in order from `next` while the slots allow. */
  #deliver(peer: Peer): void {
    this.#deliverUntil(peer, null);
  }

  /** Delivers in order; with `until`, also passes lost slots before it. */
  #deliverUntil(peer: Peer, until: number | null): void {
    if (!peer.started) return;
    let lost = 0;
    for (;;) {
      if (until !== null && sqnCompare(peer.next, until) >= 0) break;
      const slot = peer.slots.get(peer.next);
      if (slot === undefined || (slot.state !== HAVE && slot.state !== LOST)) break;
      peer.slots.delete(peer.next);
      peer.next = (peer.next + 1) >>> 0;
      if (slot.state === LOST || slot.unusable) {
        lost++;
        continue;
      }
      if (lost > 0) {
        this.#reportLoss(peer, lost);
        lost = 0;
      }
      for (const message of peer.unpacker.push(slot.tsdu!)) {
        this.stats.messages++;
        this.#o.deliver(message, peer.info);
        if (this.#closed) return;
      }
    }
    if (lost > 0) this.#reportLoss(peer, lost);
  }

  #expire(now: number): void {
    for (const [key, peer] of this.#peers) {
      if (now - peer.lastHeard >= this.#t.peerExpiry) {
        this.#peers.delete(key);
        this.stats.sourcesExpired++;
      }
    }
  }

  #nak(peer: Peer, sqns: number[]): void {
    const nla = peer.info.nla!;
    for (let i = 0; i < sqns.length; i += PGM_MAX_NAK_LIST + 1) {
      const chunk = sqns.slice(i, i + PGM_MAX_NAK_LIST + 1);
      const packet = encodePacket({
        type: "nak",
        sourcePort: this.#o.dataPort,
        destinationPort: peer.info.sourcePort,
        gsi: peer.info.gsi,
        sqn: chunk[0],
        sourceNla: nla,
        groupNla: this.#o.group,
        options: chunk.length > 1 ? { nakList: chunk.slice(1) } : undefined,
      });
      this.stats.naksSent++;
      this.#o.send(packet, nla, this.#o.dataPort);
    }
  }

  #spmr(peer: Peer, now: number): void {
    const packet = encodePacket({
      type: "spmr",
      sourcePort: this.#o.dataPort,
      destinationPort: peer.info.sourcePort,
      gsi: peer.info.gsi,
    });
    this.stats.spmrSent++;
    peer.lastSpmr = now;
    peer.spmrDeadline = Infinity;
    this.#o.send(packet, this.#o.group, this.#o.dataPort);
    if (peer.dataAddress !== null) this.#o.send(packet, peer.dataAddress, this.#o.dataPort);
  }

  #tick(): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    this.#expire(now);
    let next = Infinity;
    for (const peer of this.#peers.values()) {
      if (peer.spmrDeadline <= now) this.#spmr(peer, now);
      next = Math.min(next, peer.spmrDeadline, peer.lastHeard + this.#t.peerExpiry);
      const naks: number[] = [];
      for (const sqn of peer.missing) {
        const slot = peer.slots.get(sqn)!;
        if (slot.deadline > now) continue;
        if (slot.state === WAIT_NCF) {
          if (++slot.ncfRetries >= this.#t.nakNcfRetries) this.#lose(peer, sqn);
          else this.#backOff(slot, now);
        } else if (slot.state === WAIT_DATA) {
          if (++slot.dataRetries >= this.#t.nakDataRetries) this.#lose(peer, sqn);
          else this.#backOff(slot, now);
        } else if (peer.info.nla !== null) {
          naks.push(sqn);
          slot.state = WAIT_NCF;
          slot.deadline = now + this.#t.nakRepeat;
        } else {
          // No SPM yet, so nowhere to send a NAK: ask for one and wait (counts as a try).
          if (peer.spmrDeadline === Infinity && now - peer.lastSpmr >= this.#t.nakRepeat) this.#spmr(peer, now);
          if (++slot.dataRetries >= this.#t.nakDataRetries) this.#lose(peer, sqn);
          else slot.deadline = now + this.#t.nakRepeat;
        }
      }
      if (naks.length > 0) {
        naks.sort((a, b) => sqnCompare(a, peer.next) - sqnCompare(b, peer.next));
        this.#nak(peer, naks);
      }
      this.#deliver(peer);
      if (this.#closed) return;
      for (const sqn of peer.missing) next = Math.min(next, peer.slots.get(sqn)!.deadline);
    }
    if (next !== Infinity) this.#wakeup.at(next);
  }

  #backOff(slot: Slot, now: number): void {
    slot.state = BACKOFF;
    slot.deadline = now + this.#random() * this.#t.nakBackoff;
  }
}
