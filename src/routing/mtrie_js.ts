/**
 * The subscription multi-trie in TypeScript: the reference implementation
 * of {@linkcode Mtrie}, mirroring `wasm/src/mtrie.rs` step for step so both
 * report the same peers and prefixes in the same order.
 *
 * Each node keeps its peers in a sorted array and its children in an array
 * covering the byte range `min .. min + next.length` (libzmq's layout).
 * Nodes left with no peers and no children are dropped at once.
 *
 * @module
 */

import type { Mtrie, RemoveResult } from "./mtrie.ts";

/**
 * Peers are integers from 0 to `MTRIE_PEER_LIMIT - 1`: matching marks peers in
 * an array indexed by peer. The same limit as `MTRIE_PEER_LIMIT` in `wasm/src/abi.rs`.
 *
 * @example Usage
 * ```ts
 * import { MTRIE_PEER_LIMIT } from "./mtrie_js.ts";
 * import assert from "node:assert/strict";
 * assert.equal(MTRIE_PEER_LIMIT, 2 ** 24);
 * ```
 */
export const MTRIE_PEER_LIMIT = 2 ** 24;

const NO_PEERS = new Uint32Array(0);

class Node {
  peers: number[] | null = null;
  min = 0;
  next: (Node | null)[] | null = null;
  live = 0;
}

/** The child of `node` for byte `c`, or null. */
function child(node: Node, c: number): Node | null {
  const next = node.next;
  if (next === null) return null;
  const k = c - node.min;
  return k >= 0 && k < next.length ? next[k] : null;
}

/** Where `peer` is (>= 0) or would go (-(index + 1)) in a sorted array. */
function findPeer(peers: number[], peer: number): number {
  let lo = 0;
  let hi = peers.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const p = peers[mid];
    if (p === peer) return mid;
    if (p < peer) lo = mid + 1;
    else hi = mid;
  }
  return -(lo + 1);
}

/**
 * The TypeScript multi-trie.
 *
 * @example Usage
 * ```ts
 * import { JsMtrie } from "./mtrie_js.ts";
 * import assert from "node:assert/strict";
 * const trie = new JsMtrie();
 * trie.add(new Uint8Array([1]), 5);
 * trie.add(new Uint8Array([1, 2]), 6);
 * const emptied: number[][] = [];
 * trie.removePeer(6, (prefix) => emptied.push([...prefix]));
 * assert.deepEqual(emptied, [[1, 2]]);
 * assert.equal(trie.size, 1);
 * ```
 */
export class JsMtrie implements Mtrie {
  /** Always `"js"`. */
  readonly kind = "js" as const;
  #root = new Node();
  #size = 0;
  #marks = new Uint32Array(16);
  #epoch = 0;
  #found = new Uint32Array(16);
  #spare = new Uint32Array(16);

  /** Number of (prefix, peer) pairs. */
  get size(): number {
    return this.#size;
  }

  /** Adds a pair; true if the prefix had no peer before. */
  add(prefix: Uint8Array, peer: number): boolean {
    if (!Number.isInteger(peer) || peer < 0 || peer >= MTRIE_PEER_LIMIT) {
      throw new RangeError(`Peer must be an integer from 0 to ${MTRIE_PEER_LIMIT - 1}: received ${peer}`);
    }
    if (peer >= this.#marks.length) {
      const marks = new Uint32Array(Math.max(peer + 1, 2 * this.#marks.length));
      marks.set(this.#marks);
      this.#marks = marks;
    }
    let node = this.#root;
    for (let i = 0; i < prefix.length; i++) {
      const c = prefix[i];
      let next = node.next;
      if (next === null || c < node.min || c >= node.min + next.length) {
        const lo = next === null ? c : Math.min(node.min, c);
        const hi = next === null ? c + 1 : Math.max(node.min + next.length, c + 1);
        const table: (Node | null)[] = new Array(hi - lo).fill(null);
        if (next !== null) { for (let k = 0; k < next.length; k++) table[node.min - lo + k] = next[k]; }
        node.next = next = table;
        node.min = lo;
      }
      let found = next[c - node.min];
      if (found === null) {
        found = next[c - node.min] = new Node();
        node.live++;
      }
      node = found;
    }
    const peers = node.peers ??= [];
    const at = findPeer(peers, peer);
    if (at >= 0) return false;
    peers.splice(-(at + 1), 0, peer);
    this.#size++;
    return peers.length === 1;
  }

  /** Removes a pair; see {@linkcode RemoveResult}. */
  remove(prefix: Uint8Array, peer: number): RemoveResult {
    let keep = this.#root;
    let keepDepth = 0;
    let node: Node | null = this.#root;
    for (let i = 0; i < prefix.length; i++) {
      if (i > 0 && ((node.peers !== null && node.peers.length > 0) || node.live > 1)) {
        keep = node;
        keepDepth = i;
      }
      node = child(node, prefix[i]);
      if (node === null) return "not_found";
    }
    const peers = node.peers;
    const at = peers === null ? -1 : findPeer(peers, peer);
    if (peers === null || at < 0) return "not_found";
    peers.splice(at, 1);
    this.#size--;
    if (peers.length > 0) return "values_remain";
    node.peers = null;
    if (prefix.length > 0 && node.live === 0) {
      // Drop the chain of nodes below `keep` that existed only for this prefix.
      keep.next![prefix[keepDepth] - keep.min] = null;
      if (--keep.live === 0) {
        keep.next = null;
        keep.min = 0;
      }
    }
    return "last_value_removed";
  }

  /** Removes all of a peer's pairs; calls back for each prefix left without peers. */
  removePeer(peer: number, onPrefixEmptied: (prefix: Uint8Array) => void): void {
    const emptied: Uint8Array[] = [];
    const path: number[] = [];
    const dropPeer = (node: Node) => {
      const peers = node.peers;
      if (peers === null) return;
      const at = findPeer(peers, peer);
      if (at < 0) return;
      peers.splice(at, 1);
      this.#size--;
      if (peers.length === 0) {
        node.peers = null;
        emptied.push(new Uint8Array(path));
      }
    };
    dropPeer(this.#root);
    const stack: { node: Node; index: number }[] = [{ node: this.#root, index: 0 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const node = frame.node;
      const next = node.next;
      if (next !== null && frame.index < next.length) {
        const k = frame.index++;
        const c = next[k];
        if (c === null) continue;
        path.push(node.min + k);
        stack.push({ node: c, index: 0 });
        dropPeer(c);
        continue;
      }
      stack.pop();
      if (node.live === 0) {
        node.next = null;
        node.min = 0;
      }
      if (stack.length > 0) {
        path.pop();
        if (node.peers === null && node.live === 0) {
          const parent = stack[stack.length - 1];
          parent.node.next![parent.index - 1] = null;
          parent.node.live--;
        }
      }
    }
    for (const prefix of emptied) onPrefixEmptied(prefix);
  }

  /** Writes the distinct peers matching `data` to `out` (as many as fit); returns how many match. */
  #walk(data: Uint8Array, out: Uint32Array): number {
    let epoch = ++this.#epoch;
    const marks = this.#marks;
    if (epoch > 0xffffffff) {
      marks.fill(0);
      epoch = this.#epoch = 1;
    }
    const limit = out.length;
    let n = 0;
    let node: Node | null = this.#root;
    for (let i = 0;; i++) {
      const peers = node.peers;
      if (peers !== null) {
        for (let k = 0; k < peers.length; k++) {
          const p = peers[k];
          if (marks[p] !== epoch) {
            marks[p] = epoch;
            if (n < limit) out[n] = p;
            n++;
          }
        }
      }
      if (i >= data.length) break;
      const next: (Node | null)[] | null = node.next;
      if (next === null) break;
      const k: number = data[i] - node.min;
      if (k < 0 || k >= next.length) break;
      node = next[k];
      if (node === null) break;
    }
    return n;
  }

  /** Calls back once per distinct matching peer. */
  match(data: Uint8Array, onPeer: (peer: number) => void): void {
    let found = this.#found;
    let n = this.#walk(data, found);
    if (n > found.length) {
      found = this.#found = new Uint32Array(2 * n);
      n = this.#walk(data, found);
    }
    if (n <= 1) {
      if (n === 1) onPeer(found[0]);
      return;
    }
    // Callbacks may match again: they get the spare buffer while this one is read.
    this.#found = this.#spare;
    this.#spare = NO_PEERS;
    try {
      for (let i = 0; i < n; i++) onPeer(found[i]);
    } finally {
      this.#spare = this.#found;
      this.#found = found;
    }
  }

  /** Writes the distinct matching peers to `out`; returns how many match. */
  matchInto(data: Uint8Array, out: Uint32Array): number {
    return this.#walk(data, out);
  }

  /** Drops every node. */
  dispose(): void {
    this.#root = new Node();
    this.#size = 0;
  }
}
