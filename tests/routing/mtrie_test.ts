import assert from "node:assert/strict";
import type { Mtrie, MtrieKind } from "../../src/routing/mtrie.ts";
import { MTRIE_PEER_LIMIT } from "../../src/routing/mtrie_js.ts";
import { createMtrie } from "../../src/routing/mtrie_select.ts";
import { wasmInstance } from "../../src/wasm/instance.ts";
import { prng } from "../_vectors.ts";

const KINDS: MtrieKind[] = ["js", "wasm"];
const t = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function matches(trie: Mtrie, data: Uint8Array): number[] {
  const peers: number[] = [];
  trie.match(data, (p) => peers.push(p));
  return peers;
}

function removePeer(trie: Mtrie, peer: number): string[] {
  const emptied: string[] = [];
  trie.removePeer(peer, (prefix) => emptied.push(text(prefix)));
  return emptied;
}

for (const kind of KINDS) {
  Deno.test(`${kind} mtrie - add() is true only for the first peer of a prefix; duplicates do not stack`, () => {
    const trie = createMtrie(kind);
    assert.equal(trie.add(t("news"), 1), true);
    assert.equal(trie.add(t("news"), 2), false);
    assert.equal(trie.add(t("news"), 1), false, "a pair that is already there");
    assert.equal(trie.add(t("new"), 1), true, "a shorter prefix is another prefix");
    assert.equal(trie.add(t(""), 3), true);
    assert.equal(trie.size, 4);
    // One cancel removes a duplicated subscription (libzmq: present or absent per peer).
    assert.equal(trie.remove(t("news"), 1), "values_remain");
    assert.equal(trie.remove(t("news"), 1), "not_found");
    trie.dispose();
  });

  Deno.test(`${kind} mtrie - remove() reports not_found, values_remain and last_value_removed`, () => {
    const trie = createMtrie(kind);
    trie.add(t("abc"), 1);
    trie.add(t("abc"), 2);
    assert.equal(trie.remove(t("ab"), 1), "not_found", "a path node without peers");
    assert.equal(trie.remove(t("abcd"), 1), "not_found", "beyond the trie");
    assert.equal(trie.remove(t("x"), 1), "not_found");
    assert.equal(trie.remove(t("abc"), 9), "not_found", "another peer");
    assert.equal(trie.remove(t("abc"), -1), "not_found", "an invalid peer");
    assert.equal(trie.remove(t("abc"), 1), "values_remain");
    assert.equal(trie.remove(t("abc"), 2), "last_value_removed");
    assert.equal(trie.remove(t("abc"), 2), "not_found");
    assert.equal(trie.size, 0);
    assert.deepEqual(matches(trie, t("abcdef")), []);
    // The empty prefix works like any other.
    trie.add(t(""), 4);
    assert.equal(trie.remove(t(""), 4), "last_value_removed");
    // Pruned paths can be added again.
    assert.equal(trie.add(t("abc"), 1), true);
    assert.deepEqual(matches(trie, t("abc")), [1]);
    trie.dispose();
  });

  Deno.test(`${kind} mtrie - removePeer() calls back in byte order for prefixes nobody holds any more`, () => {
    const trie = createMtrie(kind);
    for (const p of ["b", "a", "ab", "", "abc", "c"]) trie.add(t(p), 1);
    trie.add(t("ab"), 2);
    trie.add(t("z"), 2);
    assert.deepEqual(removePeer(trie, 1), ["", "a", "abc", "b", "c"]);
    assert.equal(trie.size, 2);
    assert.deepEqual(removePeer(trie, 1), [], "nothing left of peer 1");
    assert.deepEqual(removePeer(trie, 99), [], "an unknown peer");
    assert.deepEqual(matches(trie, t("abz")), [2]);
    assert.deepEqual(removePeer(trie, 2), ["ab", "z"]);
    assert.equal(trie.size, 0);
    trie.dispose();
  });

  Deno.test(`${kind} mtrie - match() reports each matching peer once, shorter prefixes first`, () => {
    const trie = createMtrie(kind);
    trie.add(t("weather.paris"), 5);
    trie.add(t("weather."), 7);
    trie.add(t("weather."), 5);
    trie.add(t("w"), 9);
    trie.add(t("sport"), 1);
    assert.deepEqual(matches(trie, t("weather.paris 21C")), [9, 5, 7]);
    assert.deepEqual(matches(trie, t("weather")), [9], "data shorter than a prefix does not match it");
    assert.deepEqual(matches(trie, t("news")), []);
    assert.deepEqual(matches(trie, new Uint8Array()), []);
    trie.add(t(""), 2);
    assert.deepEqual(matches(trie, new Uint8Array()), [2], "the empty prefix matches everything");
    assert.deepEqual(matches(trie, t("news")), [2]);
    trie.dispose();
  });

  Deno.test(`${kind} mtrie - matchInto() writes what fits and returns the full count`, () => {
    const trie = createMtrie(kind);
    for (let p = 0; p < 40; p++) trie.add(t("topic"), p);
    const out = new Uint32Array(8);
    assert.equal(trie.matchInto(t("topic/1"), out), 40);
    assert.deepEqual([...out], [0, 1, 2, 3, 4, 5, 6, 7]);
    const all = new Uint32Array(64);
    assert.equal(trie.matchInto(t("topic/1"), all), 40);
    assert.deepEqual([...all.subarray(0, 40)], Array.from({ length: 40 }, (_, i) => i));
    assert.equal(trie.matchInto(t("x"), all), 0);
    trie.dispose();
  });

  Deno.test(`${kind} mtrie - peers must be integers below MTRIE_PEER_LIMIT; binary and long prefixes work`, () => {
    const trie = createMtrie(kind);
    for (const bad of [-1, 1.5, MTRIE_PEER_LIMIT, NaN]) assert.throws(() => trie.add(t("a"), bad), RangeError);
    assert.equal(trie.add(new Uint8Array([0, 255, 0]), MTRIE_PEER_LIMIT - 1), true);
    assert.deepEqual(matches(trie, new Uint8Array([0, 255, 0, 1])), [MTRIE_PEER_LIMIT - 1]);
    const long = new Uint8Array(100_000).map((_, i) => i * 7);
    assert.equal(trie.add(long, 3), true);
    assert.deepEqual(matches(trie, long), [3]);
    assert.deepEqual(matches(trie, long.subarray(0, 99_999)), []);
    const emptied: Uint8Array[] = [];
    trie.removePeer(3, (p) => emptied.push(p));
    assert.equal(emptied.length, 1);
    assert.deepEqual(emptied[0], long);
    trie.dispose();
  });

  Deno.test(`${kind} mtrie - a callback may change the trie; it affects later calls only`, () => {
    const trie = createMtrie(kind);
    trie.add(t("a"), 1);
    trie.add(t("a"), 2);
    const seen: number[] = [];
    trie.match(t("a"), (p) => {
      seen.push(p);
      trie.add(t("a"), 3);
      trie.remove(t("a"), 2);
    });
    assert.deepEqual(seen, [1, 2]);
    assert.deepEqual(matches(trie, t("a")), [1, 3]);
    // Matching again from inside a callback, with more peers than the buffers start with.
    for (let p = 10; p < 60; p++) trie.add(t("b"), p);
    const outer: number[] = [];
    const inner: number[][] = [];
    trie.match(t("b"), (p) => {
      outer.push(p);
      if (p % 10 === 0) inner.push(matches(trie, t("ab")));
    });
    assert.deepEqual(outer, Array.from({ length: 50 }, (_, i) => i + 10));
    assert.deepEqual(inner, Array.from({ length: 5 }, () => [1, 3]));
    trie.dispose();
  });
}

Deno.test("wasm mtrie - removing every subscription frees the nodes; dispose() frees the rest", () => {
  const wasm = wasmInstance();
  const baseline = wasm.heapUsed();
  const trie = createMtrie("wasm");
  const random = prng(5);
  const prefixes = Array.from({ length: 2000 }, () => t(`weather.${Math.floor(random() * 1e9)}`));
  for (const p of prefixes) trie.add(p, 1);
  const full = wasm.heapUsed() - baseline;
  for (const p of prefixes) assert.equal(trie.remove(p, 1), "last_value_removed");
  const empty = wasm.heapUsed() - baseline;
  assert.ok(empty < full / 10, `${empty} bytes left of ${full}`);
  for (const p of prefixes) trie.add(p, 2);
  assert.equal(removePeer(trie, 2).length, prefixes.length);
  // What stays is the output buffer that held the 2000 emptied prefixes (64 KiB), not nodes.
  const afterRemovePeer = wasm.heapUsed() - baseline;
  assert.ok(afterRemovePeer < full / 5, `removePeer prunes too (${afterRemovePeer} of ${full})`);
  for (const p of prefixes) trie.add(p, 3);
  removePeer(trie, 3);
  assert.equal(wasm.heapUsed() - baseline, afterRemovePeer, "a second round leaves exactly as much");
  trie.dispose();
  assert.equal(wasm.heapUsed(), baseline);
});

/** A prefix or data over a small alphabet (so prefixes overlap), sometimes random binary. */
function randomBytes(random: () => number, maxLength: number): Uint8Array {
  const alphabet = [0x00, 0x01, 0x61, 0x62, 0x63, 0xff];
  const length = Math.floor(random() * (maxLength + 1));
  const binary = random() < 0.1;
  return Uint8Array.from(
    { length },
    () => binary ? Math.floor(random() * 256) : alphabet[Math.floor(random() * alphabet.length)],
  );
}

Deno.test("mtrie differential - js and wasm agree on random workloads of add, remove, removePeer and match", () => {
  const wasm = wasmInstance();
  const baseline = wasm.heapUsed();
  let ops = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const random = prng(500 + seed);
    const js = createMtrie("js");
    const w = createMtrie("wasm");
    const known: Uint8Array[] = [];
    const peers = 1 + Math.floor(random() * 30);
    const outJs = new Uint32Array(1 + Math.floor(random() * 8));
    const outWasm = new Uint32Array(outJs.length);
    for (let i = 0; i < 1000; i++, ops++) {
      const r = random();
      const peer = Math.floor(random() * peers);
      const pick = () => known.length > 0 && random() < 0.7 ? known[Math.floor(random() * known.length)] : null;
      const where = `seed ${seed} op ${i}`;
      if (r < 0.4) {
        const prefix = pick() ?? randomBytes(random, random() < 0.02 ? 300 : 6);
        known.push(prefix);
        assert.equal(w.add(prefix, peer), js.add(prefix, peer), `${where} add`);
      } else if (r < 0.6) {
        const prefix = pick() ?? randomBytes(random, 6);
        assert.equal(w.remove(prefix, peer), js.remove(prefix, peer), `${where} remove`);
      } else if (r < 0.63) {
        const a: Uint8Array[] = [];
        const b: Uint8Array[] = [];
        js.removePeer(peer, (p) => a.push(p));
        w.removePeer(peer, (p) => b.push(p));
        assert.deepEqual(b, a, `${where} removePeer`);
      } else if (r < 0.85) {
        const data = random() < 0.5 && known.length > 0
          ? Uint8Array.from([...known[Math.floor(random() * known.length)], ...randomBytes(random, 4)])
          : randomBytes(random, 10);
        assert.deepEqual(matches(w, data), matches(js, data), `${where} match`);
      } else {
        const data = randomBytes(random, 10);
        assert.equal(w.matchInto(data, outWasm), js.matchInto(data, outJs), `${where} matchInto`);
        assert.deepEqual(outWasm, outJs, `${where} matchInto output`);
      }
      assert.equal(w.size, js.size, `${where} size`);
    }
    js.dispose();
    w.dispose();
  }
  assert.equal(ops, 40_000);
  assert.equal(wasm.heapUsed(), baseline, "every Wasm trie freed all it allocated");
});
