/**
 * The routing-id table of a Router: routing id ⇄ pipe, and generation of
 * ids for peers that announce none (5 bytes: `0x00` + a uint32 counter, as
 * libzmq makes them).
 *
 * @module
 */

import type { Pipe } from "../pipe.ts";

/** A Map key for a routing id (bytes as a latin1 string). */
function keyOf(id: Uint8Array): string {
  let key = "";
  for (let i = 0; i < id.length; i++) key += String.fromCharCode(id[i]);
  return key;
}

/**
 * Routing ids of the peers of one socket.
 *
 * @example Usage
 * ```ts
 * import { RouterTable } from "./router_table.ts";
 * import { Pipe } from "../pipe.ts";
 * import assert from "node:assert/strict";
 * const table = new RouterTable();
 * const pipe = new Pipe({ sendHighWaterMark: 0, receiveHighWaterMark: 0, endpoint: "x" });
 * const id = table.generate();
 * assert.equal(id.length, 5);
 * assert.equal(id[0], 0);
 * table.set(id, pipe);
 * assert.equal(table.get(id), pipe);
 * ```
 */
export class RouterTable {
  #byId = new Map<string, Pipe>();
  #next = crypto.getRandomValues(new Uint32Array(1))[0];

  /** The pipe with this routing id, if any. */
  get(id: Uint8Array): Pipe | undefined {
    return this.#byId.get(keyOf(id));
  }

  /** Records a pipe's routing id. */
  set(id: Uint8Array, pipe: Pipe): void {
    this.#byId.set(keyOf(id), pipe);
  }

  /** Forgets a routing id if it still maps to this pipe. */
  delete(id: Uint8Array, pipe: Pipe): void {
    const key = keyOf(id);
    if (this.#byId.get(key) === pipe) this.#byId.delete(key);
  }

  /** Number of routed peers. */
  get size(): number {
    return this.#byId.size;
  }

  /** A fresh id: `0x00` followed by a big-endian uint32 counter. */
  generate(): Uint8Array {
    const id = new Uint8Array(5);
    this.#next = (this.#next + 1) >>> 0;
    new DataView(id.buffer).setUint32(1, this.#next);
    return id;
  }
}
