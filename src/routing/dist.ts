/**
 * Fan-out (libzmq's `dist_t`): a copy of each outgoing message goes to every
 * matching peer (all peers, or those whose subscriptions match). A peer whose
 * queue is full is skipped for that message (its copy is dropped) and stays
 * out of the running until its queue drains to the low-water mark.
 *
 * Like libzmq, one array holds every pipe, partitioned in place so that
 * matching, activating and deactivating are O(1) swaps:
 *
 * ```
 * [0, matching)        pipes the current message goes to
 * [matching, active)   pipes that can take messages
 * [active, length)     pipes that were full, waiting to drain
 * ```
 *
 * Messages are whole arrays of frames here, so libzmq's third boundary
 * (`eligible`, for pipes that arrive in the middle of a multipart message)
 * is not needed.
 *
 * @module
 */

import type { Pipe } from "../pipe.ts";
import type { Multipart } from "../types.ts";

/**
 * Copies messages to the matching subset of a set of pipes.
 *
 * @example Usage
 * ```ts
 * import { Distributor } from "./dist.ts";
 * import { Pipe } from "../pipe.ts";
 * import assert from "node:assert/strict";
 * const dist = new Distributor(() => {});
 * const a = new Pipe({ sendHighWaterMark: 1, receiveHighWaterMark: 0, endpoint: "a" });
 * const b = new Pipe({ sendHighWaterMark: 1, receiveHighWaterMark: 0, endpoint: "b" });
 * dist.attach(a);
 * dist.attach(b);
 * dist.match(b);
 * assert.equal(dist.sendToMatching([new Uint8Array([1])]), 1); // only b matched
 * assert.equal(dist.sendToAll([new Uint8Array([2])]), 1); // b is full: its copy is dropped
 * assert.deepEqual([a.outbound.length, b.outbound.length], [1, 1]);
 * assert.equal(dist.activeCount, 1); // b waits until it drains
 * ```
 */
export class Distributor {
  #pipes: Pipe[] = [];
  /** Position of each pipe in `#pipes`. */
  #index = new Map<Pipe, number>();
  #matching = 0;
  #active = 0;
  #onWritable: () => void;

  /** `onWritable` is called whenever a full pipe may accept messages again. */
  constructor(onWritable: () => void) {
    this.#onWritable = onWritable;
  }

  /** Number of pipes attached. */
  get size(): number {
    return this.#pipes.length;
  }

  /** Number of pipes that can take messages (not waiting for a full queue to drain). */
  get activeCount(): number {
    return this.#active;
  }

  /** Number of pipes marked by {@linkcode Distributor.match} for the next message. */
  get matchingCount(): number {
    return this.#matching;
  }

  /** Whether a pipe is attached. */
  has(pipe: Pipe): boolean {
    return this.#index.has(pipe);
  }

  /** Starts sending to a pipe; it is active at once. */
  attach(pipe: Pipe): void {
    if (this.#index.has(pipe)) return;
    const last = this.#pipes.length;
    this.#pipes.push(pipe);
    this.#index.set(pipe, last);
    this.#swap(this.#active, last);
    this.#active++;
    pipe.outbound.onWritable = () => {
      this.#activate(pipe);
      this.#onWritable();
    };
  }

  /** Stops sending to a pipe. */
  detach(pipe: Pipe): void {
    let i = this.#index.get(pipe);
    if (i === undefined) return;
    if (i < this.#matching) {
      this.#swap(i, --this.#matching);
      i = this.#matching;
    }
    if (i < this.#active) {
      this.#swap(i, --this.#active);
      i = this.#active;
    }
    this.#swap(i, this.#pipes.length - 1);
    this.#pipes.pop();
    this.#index.delete(pipe);
    if (pipe.outbound.onWritable !== null) pipe.outbound.onWritable = null;
  }

  /** Marks a pipe to receive the next message (ignored unless attached and active). */
  match(pipe: Pipe): void {
    const i = this.#index.get(pipe);
    if (i === undefined || i < this.#matching || i >= this.#active) return;
    this.#swap(i, this.#matching);
    this.#matching++;
  }

  /** Marks every active pipe as matching. */
  matchAll(): void {
    this.#matching = this.#active;
  }

  /** Inverts the selection: the active pipes that did not match now do, and vice versa. */
  reverseMatch(): void {
    const previous = this.#matching;
    this.#matching = 0;
    for (let i = previous; i < this.#active; i++) this.#swap(i, this.#matching++);
  }

  /** Clears the selection. */
  unmatch(): void {
    this.#matching = 0;
  }

  /** Whether every matching pipe can take a message now (for `noDrop`). */
  checkHwm(): boolean {
    const pipes = this.#pipes;
    for (let i = 0; i < this.#matching; i++) {
      if (!pipes[i].outbound.writable) return false;
    }
    return true;
  }

  /**
   * Writes the message to every matching pipe and clears the selection. A
   * full pipe is skipped (its copy dropped) and deactivated until it drains.
   * Returns the number of pipes the message was queued on.
   */
  sendToMatching(message: Multipart): number {
    const pipes = this.#pipes;
    let delivered = 0;
    for (let i = 0; i < this.#matching;) {
      const pipe = pipes[i];
      const outbound = pipe.outbound;
      if (outbound.writable) {
        // An inproc peer receives the array itself: give each its own (the frames are shared, as in libzmq).
        outbound.write(pipe.shared ? message.slice() : message);
        delivered++;
        i++;
      } else {
        // Full: out of the matching set and out of the active set; `i` now holds another pipe.
        this.#swap(i, --this.#matching);
        this.#swap(this.#matching, --this.#active);
      }
    }
    this.#matching = 0;
    return delivered;
  }

  /** Writes the message to every active pipe; returns how many took it. */
  sendToAll(message: Multipart): number {
    this.#matching = this.#active;
    return this.sendToMatching(message);
  }

  /** Fan-out never blocks: a full peer's copy is dropped. */
  hasOut(): boolean {
    return true;
  }

  #activate(pipe: Pipe): void {
    const i = this.#index.get(pipe);
    if (i === undefined || i < this.#active) return;
    this.#swap(i, this.#active);
    this.#active++;
  }

  #swap(i: number, j: number): void {
    if (i === j) return;
    const pipes = this.#pipes;
    const a = pipes[i];
    const b = pipes[j];
    pipes[i] = b;
    pipes[j] = a;
    this.#index.set(b, i);
    this.#index.set(a, j);
  }
}
