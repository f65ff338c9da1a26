/**
 * The clock the PGM state machines run on: the time and one-shot timers.
 * Injected so that tests drive the sender and receiver deterministically.
 *
 * @module
 */

/** Time in milliseconds and one-shot timers. */
export interface PgmClock {
  /** The current time in milliseconds (any origin; only differences matter). */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds; returns a handle for {@linkcode PgmClock.cancel}. */
  schedule(fn: () => void, ms: number): unknown;
  /** Cancels a timer from {@linkcode PgmClock.schedule}; ignores a handle that has fired. */
  cancel(handle: unknown): void;
}

/**
 * The real clock: `performance.now()` and `setTimeout`, which every runtime has.
 *
 * @example Usage
 * ```ts
 * import { systemClock } from "./clock.ts";
 * import assert from "node:assert/strict";
 * const fired = await new Promise<boolean>((resolve) => systemClock.schedule(() => resolve(true), 1));
 * assert.ok(fired);
 * ```
 */
export const systemClock: PgmClock = {
  now: () => performance.now(),
  schedule: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Keeps one timer armed for the earliest of the deadlines asked for, so a
 * state machine with many deadlines costs one runtime timer.
 *
 * @example Usage
 * ```ts
 * import { systemClock, Wakeup } from "./clock.ts";
 * import assert from "node:assert/strict";
 * let woke = 0;
 * const wakeup = new Wakeup(systemClock, () => woke++);
 * wakeup.at(systemClock.now() + 1);
 * wakeup.at(systemClock.now() + 1000); // later: the earlier one stays
 * await new Promise((r) => setTimeout(r, 20));
 * wakeup.stop();
 * assert.equal(woke, 1);
 * ```
 */
export class Wakeup {
  readonly #clock: PgmClock;
  readonly #fire: () => void;
  #handle: unknown = null;
  #deadline = Infinity;

  /** Makes a wakeup that calls `fire` at the armed deadline. */
  constructor(clock: PgmClock, fire: () => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  /** Arms for `deadline` unless an earlier one is armed already. */
  at(deadline: number): void {
    if (deadline >= this.#deadline) return;
    this.stop();
    this.#deadline = deadline;
    this.#handle = this.#clock.schedule(() => {
      this.#handle = null;
      this.#deadline = Infinity;
      this.#fire();
    }, deadline - this.#clock.now());
  }

  /** Disarms. */
  stop(): void {
    if (this.#handle !== null) this.#clock.cancel(this.#handle);
    this.#handle = null;
    this.#deadline = Infinity;
  }
}
