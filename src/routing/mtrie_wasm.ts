/**
 * The subscription multi-trie over the Rust/WebAssembly module
 * (`wasm/src/mtrie.rs`): the same {@linkcode Mtrie} as `mtrie_js.ts`, with
 * the trie in linear memory.
 *
 * Each call copies the prefix or data into the module's input window (for
 * matching, only as many bytes as the longest prefix ever added, since
 * nothing deeper can match), makes one call, and reads the results from the
 * trie's output buffer. Callbacks run after the module call returns, so they
 * may change the trie.
 *
 * @module
 */

import type { Mtrie, RemoveResult } from "./mtrie.ts";
import { ABI, SCRATCH_SIZE, type WasmInstance, wasmInstance } from "../wasm/instance.ts";

const RESULTS: Record<number, RemoveResult> = {
  [ABI.RM_NOT_FOUND]: "not_found",
  [ABI.RM_LAST_VALUE_REMOVED]: "last_value_removed",
  [ABI.RM_VALUES_REMAIN]: "values_remain",
};

const NO_PEERS = new Uint32Array(0);

/** Frees the Wasm side of tries dropped without `dispose()`. */
const leaks = new FinalizationRegistry<{ free: () => void }>((held) => held.free());

/**
 * The Wasm multi-trie. Making one instantiates the Wasm module if needed.
 *
 * @example Usage
 * ```ts
 * import { WasmMtrie } from "./mtrie_wasm.ts";
 * import assert from "node:assert/strict";
 * const trie = new WasmMtrie();
 * trie.add(new TextEncoder().encode("a"), 3);
 * const out = new Uint32Array(8);
 * assert.equal(trie.matchInto(new TextEncoder().encode("abc"), out), 1);
 * assert.equal(out[0], 3);
 * trie.dispose();
 * ```
 */
export class WasmMtrie implements Mtrie {
  /** Always `"wasm"`. */
  readonly kind = "wasm" as const;
  #wasm: WasmInstance;
  #ptr: number;
  #held: { trie: number; input: number; inputSize: number; free: () => void };
  #depth = 0;
  /** Word index of the output buffer; it moves only in add() and removePeer(). */
  #out = 0;
  #found = new Uint32Array(16);
  #spare = new Uint32Array(16);

  /** Makes an empty trie. */
  constructor() {
    const wasm = this.#wasm = wasmInstance();
    this.#ptr = wasm.exports.zmq_mtrie_new();
    if (this.#ptr === 0) throw new RangeError("Cannot make a Wasm trie: out of memory");
    const held = this.#held = {
      trie: this.#ptr,
      input: 0,
      inputSize: 0,
      free: () => {
        if (held.trie !== 0) wasm.exports.zmq_mtrie_free(held.trie);
        if (held.input !== 0) wasm.exports.zmq_free(held.input, held.inputSize);
        held.trie = held.input = held.inputSize = 0;
      },
    };
    leaks.register(this, held, this);
  }

  /** Number of (prefix, peer) pairs. */
  get size(): number {
    return this.#ptr === 0 ? 0 : this.#wasm.exports.zmq_mtrie_size(this.#ptr);
  }

  /** Copies the first `n` bytes of `bytes` into linear memory; returns where. */
  #copyIn(bytes: Uint8Array, n: number): number {
    if (this.#ptr === 0) throw new TypeError("The trie was disposed");
    const wasm = this.#wasm;
    let ptr = wasm.scratch;
    if (n > SCRATCH_SIZE) {
      const held = this.#held;
      if (held.inputSize < n) {
        if (held.input !== 0) wasm.exports.zmq_free(held.input, held.inputSize);
        held.input = wasm.exports.zmq_alloc(n);
        held.inputSize = held.input === 0 ? 0 : n;
        if (held.input === 0) throw new RangeError("Cannot copy a prefix into Wasm memory: out of memory");
      }
      ptr = held.input;
    }
    const u8 = wasm.u8;
    if (n <= 32) { for (let i = 0; i < n; i++) u8[ptr + i] = bytes[i]; }
    else u8.set(n === bytes.length ? bytes : bytes.subarray(0, n), ptr);
    return ptr;
  }

  /** Adds a pair; true if the prefix had no peer before. */
  add(prefix: Uint8Array, peer: number): boolean {
    if (!Number.isInteger(peer) || peer < 0 || peer >= ABI.MTRIE_PEER_LIMIT) {
      throw new RangeError(`Peer must be an integer from 0 to ${ABI.MTRIE_PEER_LIMIT - 1}: received ${peer}`);
    }
    const ptr = this.#copyIn(prefix, prefix.length);
    const status = this.#wasm.exports.zmq_mtrie_add(this.#ptr, ptr, prefix.length, peer);
    if (status < 0) throw new RangeError(`Cannot add a subscription: Wasm trie error ${status} (out of memory)`);
    this.#out = this.#wasm.exports.zmq_mtrie_output(this.#ptr) >> 2;
    if (prefix.length > this.#depth) this.#depth = prefix.length;
    return status === 1;
  }

  /** Removes a pair; see {@linkcode RemoveResult}. */
  remove(prefix: Uint8Array, peer: number): RemoveResult {
    if (!Number.isInteger(peer) || peer < 0 || peer >= ABI.MTRIE_PEER_LIMIT) return "not_found";
    const ptr = this.#copyIn(prefix, prefix.length);
    return RESULTS[this.#wasm.exports.zmq_mtrie_remove(this.#ptr, ptr, prefix.length, peer)];
  }

  /** Removes all of a peer's pairs; calls back for each prefix left without peers. */
  removePeer(peer: number, onPrefixEmptied: (prefix: Uint8Array) => void): void {
    if (this.#ptr === 0) throw new TypeError("The trie was disposed");
    if (!Number.isInteger(peer) || peer < 0 || peer >= ABI.MTRIE_PEER_LIMIT) return;
    const wasm = this.#wasm;
    const count = wasm.exports.zmq_mtrie_remove_peer(this.#ptr, peer);
    if (count < 0) throw new RangeError(`Cannot remove a peer: Wasm trie error ${count} (out of memory)`);
    const out = wasm.exports.zmq_mtrie_output(this.#ptr);
    this.#out = out >> 2;
    if (count === 0) return;
    const words = wasm.u32;
    const emptied: Uint8Array[] = [];
    let at = out;
    for (let i = 0; i < count; i++) {
      const len = words[at >> 2];
      emptied.push(wasm.copyOut(at + 4, len));
      at += 4 + ((len + 3) & ~3);
    }
    for (const prefix of emptied) onPrefixEmptied(prefix);
  }

  /** Runs the match in Wasm; returns the count of peers in the output buffer. */
  #match(data: Uint8Array): number {
    const n = data.length < this.#depth ? data.length : this.#depth;
    const ptr = this.#copyIn(data, n);
    return this.#wasm.exports.zmq_mtrie_match(this.#ptr, ptr, n);
  }

  /** Calls back once per distinct matching peer. */
  match(data: Uint8Array, onPeer: (peer: number) => void): void {
    const count = this.#match(data);
    if (count === 0) return;
    const wasm = this.#wasm;
    const at = this.#out;
    const words = wasm.u32;
    if (count === 1) return onPeer(words[at]);
    // Copy the peers out first: callbacks may change the trie or match again.
    let found = this.#found;
    if (found.length < count) found = new Uint32Array(2 * count);
    if (count <= 16) { for (let i = 0; i < count; i++) found[i] = words[at + i]; }
    else found.set(words.subarray(at, at + count));
    this.#found = this.#spare;
    this.#spare = NO_PEERS;
    try {
      for (let i = 0; i < count; i++) onPeer(found[i]);
    } finally {
      this.#spare = this.#found;
      this.#found = found;
    }
  }

  /** Writes the distinct matching peers to `out`; returns how many match. */
  matchInto(data: Uint8Array, out: Uint32Array): number {
    const count = this.#match(data);
    if (count === 0) return 0;
    const wasm = this.#wasm;
    const at = this.#out;
    const n = count < out.length ? count : out.length;
    const words = wasm.u32;
    if (n <= 16) { for (let i = 0; i < n; i++) out[i] = words[at + i]; }
    else out.set(words.subarray(at, at + n));
    return count;
  }

  /** Frees the trie's Wasm memory. */
  dispose(): void {
    if (this.#ptr === 0) return;
    leaks.unregister(this);
    this.#held.free();
    this.#ptr = 0;
  }
}
