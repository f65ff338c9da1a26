/**
 * Subscription trie match throughput, Wasm against the TypeScript reference
 * (baseline), for 1, 100, 10 000 and 100 000 subscriptions.
 *
 * ```sh
 * deno bench -A bench/trie_bench.ts
 * ```
 *
 * Each iteration matches 1000 messages (so `b.start()`/`b.end()` apply):
 * - `weather`: topics `weather.<city>.<n>` spread over 100 peers; messages
 *   `weather.<city>.<n> <payload>`, three in four for a subscribed topic.
 * - `fan-out`: the same, plus 100 peers subscribed to `weather.` (every
 *   message goes to 100 or more peers; `matchInto` is the PUB fan-out path).
 * - `binary`: random 1–8 byte prefixes, 32-byte random messages.
 */
import type { Mtrie, MtrieKind } from "../src/routing/mtrie.ts";
import { createMtrie } from "../src/routing/mtrie_select.ts";
import { prng } from "../tests/_vectors.ts";

const COUNTS = [1, 100, 10_000, 100_000];
const MESSAGES = 1000;
const CITIES = [
  "paris",
  "london",
  "tokyo",
  "lima",
  "oslo",
  "cairo",
  "delhi",
  "quito",
  "rome",
  "seoul",
  "sydney",
  "toronto",
  "nairobi",
  "madrid",
  "berlin",
  "bogota",
];
const enc = new TextEncoder();

interface Workload {
  subscriptions: [Uint8Array, number][];
  messages: Uint8Array[];
}

function weather(count: number, fanOut: boolean): Workload {
  const random = prng(count);
  const topic = (i: number) => `weather.${CITIES[i % CITIES.length]}.${Math.floor(i / CITIES.length)}`;
  const subscriptions: [Uint8Array, number][] = [];
  for (let i = 0; i < count; i++) subscriptions.push([enc.encode(topic(i)), i % 100]);
  if (fanOut) { for (let p = 100; p < 200; p++) subscriptions.push([enc.encode("weather."), p]); }
  const messages = Array.from({ length: MESSAGES }, () => {
    const i = Math.floor(random() * count * (random() < 0.75 ? 1 : 4));
    return enc.encode(`${topic(i)} temperature=${Math.floor(random() * 40)} humidity=${Math.floor(random() * 100)}`);
  });
  return { subscriptions, messages };
}

function binary(count: number): Workload {
  const random = prng(1000 + count);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
  const subscriptions: [Uint8Array, number][] = [];
  for (let i = 0; i < count; i++) subscriptions.push([bytes(1 + Math.floor(random() * 8)), i % 100]);
  return { subscriptions, messages: Array.from({ length: MESSAGES }, () => bytes(32)) };
}

function build(kind: MtrieKind, w: Workload): Mtrie {
  const trie = createMtrie(kind);
  for (const [prefix, peer] of w.subscriptions) trie.add(prefix, peer);
  return trie;
}

const label = (n: number) => n.toLocaleString("en");
let sink = 0;
const onPeer = (peer: number) => {
  sink += peer;
};
const out = new Uint32Array(1024);

for (const count of COUNTS) {
  const scenarios: [string, Workload][] = [
    ["weather", weather(count, false)],
    ["fan-out", weather(count, true)],
    ["binary", binary(count)],
  ];
  for (const [name, workload] of scenarios) {
    for (const kind of ["js", "wasm"] as const) {
      const trie = build(kind, workload);
      const { messages } = workload;
      if (name === "weather") {
        Deno.bench({
          name: `${kind} match ${name} ${label(count)}`,
          group: `match ${name} ${label(count)}`,
          baseline: kind === "js",
          fn(b) {
            b.start();
            for (let i = 0; i < messages.length; i++) trie.match(messages[i], onPeer);
            b.end();
          },
        });
      }
      Deno.bench({
        name: `${kind} matchInto ${name} ${label(count)}`,
        group: `matchInto ${name} ${label(count)}`,
        baseline: kind === "js",
        fn(b) {
          b.start();
          for (let i = 0; i < messages.length; i++) sink += trie.matchInto(messages[i], out);
          b.end();
        },
      });
    }
  }
}

globalThis.addEventListener("unload", () => {
  if (sink === 42) console.log(sink);
});
