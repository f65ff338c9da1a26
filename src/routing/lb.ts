/**
 * Load balancing (libzmq's `lb_t`): outgoing messages go to the peers in
 * turn, one whole message each. A peer whose queue is full is skipped
 * (moved out of the active list) until it drains to its low-water mark.
 *
 * @module
 */

import type { Pipe } from "../pipe.ts";
import type { Multipart } from "../types.ts";

/**
 * Round-robin over the outbound side of pipes.
 *
 * @example Usage
 * ```ts
 * import { LoadBalancer } from "./lb.ts";
 * import { Pipe } from "../pipe.ts";
 * import assert from "node:assert/strict";
 * const lb = new LoadBalancer(() => {});
 * const a = new Pipe({ sendHighWaterMark: 1, receiveHighWaterMark: 0, endpoint: "a" });
 * const b = new Pipe({ sendHighWaterMark: 1, receiveHighWaterMark: 0, endpoint: "b" });
 * lb.attach(a);
 * lb.attach(b);
 * assert.ok(lb.send([new Uint8Array([1])]));
 * assert.ok(lb.send([new Uint8Array([2])]));
 * assert.equal(lb.send([new Uint8Array([3])]), false); // both full: mute
 * assert.equal(a.outbound.length + b.outbound.length, 2);
 * ```
 */
export class LoadBalancer {
  #active: Pipe[] = [];
  #size = 0;
  #current = 0;
  #onWritable: () => void;
  /** The pipe the last message went to. */
  lastPipe: Pipe | null = null;

  /** `onWritable` is called whenever a pipe may accept messages again. */
  constructor(onWritable: () => void) {
    this.#onWritable = onWritable;
  }

  /** Number of pipes attached. */
  get size(): number {
    return this.#size;
  }

  /** Starts sending to a pipe. */
  attach(pipe: Pipe): void {
    if (!pipe.lbAttached) this.#size++;
    pipe.lbAttached = true;
    pipe.outbound.onWritable = () => {
      this.#activate(pipe);
      this.#onWritable();
    };
    this.#activate(pipe);
    this.#onWritable();
  }

  /** Stops sending to a pipe. */
  detach(pipe: Pipe): void {
    if (pipe.lbAttached) this.#size--;
    pipe.lbAttached = false;
    pipe.outbound.onWritable = null;
    if (pipe.lbActive) this.#removeActiveAt(this.#active.indexOf(pipe));
  }

  #activate(pipe: Pipe): void {
    if (!pipe.lbActive && pipe.lbAttached) {
      pipe.lbActive = true;
      this.#active.push(pipe);
    }
  }

  #removeActiveAt(i: number): void {
    const active = this.#active;
    active[i].lbActive = false;
    const last = active.pop()!;
    if (i < active.length) active[i] = last;
  }

  /** Whether a message could be queued now. */
  hasOut(): boolean {
    const active = this.#active;
    for (let i = 0; i < active.length; i++) {
      if (active[i].outbound.writable) return true;
    }
    return false;
  }

  /** Queues a message on the next pipe with room; `false` when every pipe is full (mute). */
  send(message: Multipart): boolean {
    const active = this.#active;
    while (active.length > 0) {
      if (this.#current >= active.length) this.#current = 0;
      const pipe = active[this.#current];
      if (pipe.outbound.writable) {
        pipe.outbound.write(message);
        this.#current++;
        this.lastPipe = pipe;
        return true;
      }
      this.#removeActiveAt(this.#current);
    }
    return false;
  }
}
