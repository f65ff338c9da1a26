/**
 * Fair queueing (libzmq's `fq_t`): incoming messages are taken from the
 * peers in turn, one whole message per peer per turn, so a busy peer cannot
 * starve the others. Peers with nothing queued are kept out of the active
 * list (swap-remove, O(1)) until their queue stops being empty.
 *
 * @module
 */

import type { Pipe } from "../pipe.ts";
import type { Multipart } from "../types.ts";

/**
 * A fair queue over the inbound side of pipes.
 *
 * @example Usage
 * ```ts
 * import { FairQueue } from "./fq.ts";
 * import { Pipe } from "../pipe.ts";
 * import assert from "node:assert/strict";
 * const fq = new FairQueue(() => {});
 * const a = new Pipe({ sendHighWaterMark: 0, receiveHighWaterMark: 0, endpoint: "a" });
 * const b = new Pipe({ sendHighWaterMark: 0, receiveHighWaterMark: 0, endpoint: "b" });
 * fq.attach(a);
 * fq.attach(b);
 * a.inbound.write([new Uint8Array([1])]);
 * a.inbound.write([new Uint8Array([2])]);
 * b.inbound.write([new Uint8Array([3])]);
 * assert.deepEqual([fq.recv()![0][0], fq.recv()![0][0], fq.recv()![0][0]], [1, 3, 2]);
 * ```
 */
export class FairQueue {
  #active: Pipe[] = [];
  #current = 0;
  #onReadable: () => void;
  /** The pipe the last message returned by {@linkcode FairQueue.recv} came from. */
  lastPipe: Pipe | null = null;

  /** `onReadable` is called whenever a message may have become available. */
  constructor(onReadable: () => void) {
    this.#onReadable = onReadable;
  }

  /** Number of pipes that may have messages. */
  get activeCount(): number {
    return this.#active.length;
  }

  /** Starts reading from a pipe. */
  attach(pipe: Pipe): void {
    pipe.fqAttached = true;
    pipe.inbound.onReadable = () => {
      this.#activate(pipe);
      this.#onReadable();
    };
    if (pipe.inbound.length > 0) this.#activate(pipe);
  }

  /**
   * Stops reading from a pipe once it is drained: messages that already
   * arrived from a peer that went away are still delivered, as in libzmq.
   */
  detach(pipe: Pipe): void {
    if (pipe.inbound.length === 0) this.#forget(pipe);
  }

  /** Drops a pipe at once, with whatever it still holds. */
  remove(pipe: Pipe): void {
    this.#forget(pipe);
  }

  #forget(pipe: Pipe): void {
    pipe.fqAttached = false;
    pipe.inbound.onReadable = null;
    if (pipe.fqActive) this.#removeActiveAt(this.#active.indexOf(pipe));
  }

  #activate(pipe: Pipe): void {
    if (!pipe.fqActive && pipe.fqAttached) {
      pipe.fqActive = true;
      this.#active.push(pipe);
    }
  }

  #removeActiveAt(i: number): void {
    const active = this.#active;
    active[i].fqActive = false;
    const last = active.pop()!;
    if (i < active.length) active[i] = last;
  }

  /** Whether a message is available now. */
  hasIn(): boolean {
    const active = this.#active;
    for (let i = 0; i < active.length; i++) {
      if (active[i].inbound.length > 0) return true;
    }
    return false;
  }

  /** Takes the next message in fair order, or `undefined` when none is queued. */
  recv(): Multipart | undefined {
    const active = this.#active;
    while (active.length > 0) {
      if (this.#current >= active.length) this.#current = 0;
      const pipe = active[this.#current];
      const message = pipe.inbound.read();
      if (message !== undefined) {
        this.#current++;
        this.lastPipe = pipe;
        return message;
      }
      this.#removeActiveAt(this.#current);
      if (pipe.detached) this.#forget(pipe);
    }
    return undefined;
  }

  /** Takes the next message from one specific pipe (REQ reads only from the pipe it sent to). */
  recvFrom(pipe: Pipe): Multipart | undefined {
    const message = pipe.inbound.read();
    if (message !== undefined) this.lastPipe = pipe;
    else if (pipe.detached) this.#forget(pipe);
    return message;
  }
}
