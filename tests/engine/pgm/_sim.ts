/** A deterministic clock and a lossy simulated network for the PGM state machines. */

import type { PgmClock } from "../../../src/engine/pgm/clock.ts";

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Virtual time: timers run only when the test advances the clock, in deadline order. */
export class FakeClock implements PgmClock {
  #now = 0;
  #seq = 0;
  #timers = new Map<number, Timer>();

  now(): number {
    return this.#now;
  }

  schedule(fn: () => void, ms: number): unknown {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), seq: id, fn });
    return id;
  }

  cancel(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Timers pending. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Runs every timer due up to `now + ms`, then sets the time there. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let first: Timer | null = null;
      for (const t of this.#timers.values()) {
        if (t.at <= end && (first === null || t.at < first.at || (t.at === first.at && t.seq < first.seq))) first = t;
      }
      if (first === null) break;
      this.#timers.delete(first.seq);
      this.#now = Math.max(this.#now, first.at);
      first.fn();
    }
    this.#now = end;
  }

  /** Advances in steps until `done()` or `limit` ms have passed; returns whether it is done. */
  runUntil(done: () => boolean, limit: number, step = 10): boolean {
    for (let t = 0; t < limit && !done(); t += step) this.advance(step);
    return done();
  }
}

/** A link that delivers after `latency` ms and drops a seeded share of datagrams. */
export class LossyLink {
  readonly #clock: FakeClock;
  readonly #random: () => number;
  loss: number;
  latency: number;
  sent = 0;
  dropped = 0;
  /** Extra per-datagram filter: return false to drop. */
  filter: ((datagram: Uint8Array) => boolean) | null = null;

  constructor(clock: FakeClock, random: () => number, loss = 0, latency = 1) {
    this.#clock = clock;
    this.#random = random;
    this.loss = loss;
    this.latency = latency;
  }

  /** Carries a datagram to `to` (or drops it). */
  carry(datagram: Uint8Array, to: (d: Uint8Array) => void): void {
    this.sent++;
    if ((this.filter && !this.filter(datagram)) || this.#random() < this.loss) {
      this.dropped++;
      return;
    }
    this.#clock.schedule(() => to(datagram), this.latency);
  }
}
