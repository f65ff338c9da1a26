/**
 * Subscription multi-trie: for every subscribed prefix, the set of peers
 * that subscribed to it, with the semantics of libzmq's `generic_mtrie_t`.
 * PUB/XPUB use it to pick the peers a message goes to, and XPUB to decide
 * which subscriptions to pass upstream exactly once.
 *
 * This module is the {@linkcode Mtrie} interface. Two implementations share
 * it: `mtrie_js.ts` (TypeScript, the reference) and `mtrie_wasm.ts`
 * (Rust/WebAssembly, `wasm/src/mtrie.rs`); `mtrie_select.ts` is the only
 * module that imports both, and picks the default by measurement
 * (`bench/trie_bench.ts`, `bench/RESULTS.md`).
 *
 * @module
 */

/** Which implementation backs a trie. */
export type MtrieKind = "js" | "wasm";

/**
 * What {@linkcode Mtrie.remove} did, as libzmq's `rm_result`: the pair was not
 * there; it was removed and the prefix has no peer left; or it was removed
 * and other peers still hold the prefix.
 */
export type RemoveResult = "not_found" | "last_value_removed" | "values_remain";

/**
 * A set of (prefix, peer) pairs. Peers are integers from 0 to
 * `MTRIE_PEER_LIMIT - 1`; prefixes are byte strings, the empty one included
 * (it matches everything).
 *
 * @example Usage
 * ```ts
 * import { createMtrie } from "./mtrie_select.ts";
 * import assert from "node:assert/strict";
 * const trie = createMtrie();
 * const topic = (s: string) => new TextEncoder().encode(s);
 * assert.equal(trie.add(topic("weather."), 1), true); // first peer of that prefix
 * assert.equal(trie.add(topic("weather."), 2), false);
 * const peers: number[] = [];
 * trie.match(topic("weather.paris 21C"), (peer) => peers.push(peer));
 * assert.deepEqual(peers, [1, 2]);
 * assert.equal(trie.remove(topic("weather."), 1), "values_remain");
 * trie.dispose();
 * ```
 */
export interface Mtrie {
  /** The implementation behind this trie. */
  readonly kind: MtrieKind;
  /**
   * Adds `peer` to `prefix`'s set. Returns true if the prefix had no peer
   * before (so XPUB announces it upstream); adding a pair that is already
   * there changes nothing and returns false. Throws a `RangeError` for a peer
   * outside 0 to `MTRIE_PEER_LIMIT - 1`.
   */
  add(prefix: Uint8Array, peer: number): boolean;
  /** Removes `peer` from `prefix`'s set; see {@linkcode RemoveResult}. */
  remove(prefix: Uint8Array, peer: number): RemoveResult;
  /**
   * Removes every subscription of `peer`, then calls `onPrefixEmptied` for
   * each prefix that no peer holds any more, in byte order (a prefix before
   * its extensions). The prefixes passed are the callee's to keep.
   */
  removePeer(peer: number, onPrefixEmptied: (prefix: Uint8Array) => void): void;
  /**
   * Calls `onPeer` once per distinct peer with at least one prefix of
   * `data`, peers of shorter prefixes first, ascending within a prefix. The
   * trie may be changed from the callback; that affects later calls only.
   */
  match(data: Uint8Array, onPeer: (peer: number) => void): void;
  /**
   * The fast form of {@linkcode Mtrie.match} for fan-out: writes the
   * distinct matching peers, in the same order, to `out` and returns how
   * many match. If that is more than `out.length`, only the first
   * `out.length` are written; call again with a larger array.
   */
  matchInto(data: Uint8Array, out: Uint32Array): number;
  /** Number of (prefix, peer) pairs. */
  readonly size: number;
  /** Releases resources (Wasm memory). The trie is unusable afterwards. */
  dispose(): void;
}
