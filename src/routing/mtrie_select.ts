/**
 * Both subscription trie implementations, and the default one (see
 * `mtrie.ts` for the interface).
 *
 * @module
 */

import { JsMtrie } from "./mtrie_js.ts";
import type { Mtrie, MtrieKind } from "./mtrie.ts";
import { WasmMtrie } from "./mtrie_wasm.ts";

/**
 * The implementation {@linkcode createMtrie} uses by default: the faster one
 * for realistic workloads in `bench/trie_bench.ts`. That is Wasm: with topic
 * strings it is about even with JS up to 100 subscriptions and faster from
 * 10 000 on, and faster at every size when a message fans out to many peers
 * (`bench/RESULTS.md`). JS stays faster for tries of very short binary
 * prefixes, where the per-call cost of Wasm dominates.
 *
 * @example Usage
 * ```ts
 * import { defaultMtrieKind } from "./mtrie_select.ts";
 * import assert from "node:assert/strict";
 * assert.ok(defaultMtrieKind === "js" || defaultMtrieKind === "wasm");
 * ```
 */
export const defaultMtrieKind: MtrieKind = "wasm";

/**
 * Makes an empty trie of the given kind (default {@linkcode defaultMtrieKind}).
 * Making a Wasm trie instantiates the Wasm module if it is not yet.
 *
 * @example Usage
 * ```ts
 * import { createMtrie } from "./mtrie_select.ts";
 * import assert from "node:assert/strict";
 * for (const kind of ["js", "wasm"] as const) {
 *   const trie = createMtrie(kind);
 *   assert.equal(trie.kind, kind);
 *   assert.equal(trie.add(new Uint8Array(), 7), true);
 *   assert.equal(trie.matchInto(new Uint8Array([1, 2]), new Uint32Array(4)), 1);
 *   trie.dispose();
 * }
 * ```
 */
export function createMtrie(kind: MtrieKind = defaultMtrieKind): Mtrie {
  return kind === "wasm" ? new WasmMtrie() : new JsMtrie();
}
