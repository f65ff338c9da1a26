/**
 * End-to-end PUB/SUB fan-out over TCP on loopback: one Publisher in this
 * process, 1, 10 and 100 Subscribers in a second process (so publishing and
 * receiving each get a core), small messages, in one run of well under a
 * minute.
 *
 * ```sh
 * deno run -A bench/pubsub_bench.ts [--seconds=1] [--size=16] [--counts=1,10,100]
 * ```
 *
 * Each subscriber count runs twice:
 * - `noDrop`: the publisher waits whenever a subscriber's queue is full, so
 *   every subscriber gets every message (the rate of the slowest one);
 * - `drop` (libzmq's default): the publisher never waits and full
 *   subscribers lose copies.
 *
 * The publisher sends `bench.` + payload (`--size` bytes in all) for
 * `--seconds`, then an end marker, repeated until the subscriber process
 * reports (a subscriber whose queue filled up gets no copy until it drains).
 * The subscribers subscribe to `bench.` and count what they receive between
 * the first message and the end marker. Printed per run: messages published
 * per second, delivered per second per subscriber and in total, and the share of
 * copies delivered; then a Markdown table for bench/RESULTS.md.
 *
 * @module
 */

import { Publisher, Subscriber } from "../mod.ts";

const TOPIC = "bench.";
const END = new TextEncoder().encode(`${TOPIC}END`);

function flag(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return Deno.args.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

/** The subscriber side: `--role=sub --endpoint=... --subscribers=N --size=S`. */
async function subscribers(): Promise<void> {
  const endpoint = flag("endpoint", "");
  const n = Number(flag("subscribers", "1"));
  const size = Number(flag("size", "16"));
  const subs = Array.from({ length: n }, () => new Subscriber());
  for (const sub of subs) {
    sub.subscribe(TOPIC);
    sub.connect(endpoint);
  }
  console.log("READY");
  const counts = new Array<number>(n).fill(0);
  let first = 0;
  let last = 0;
  await Promise.all(subs.map(async (sub, i) => {
    for await (const [frame] of sub) {
      if (frame.length !== size) break; // the end marker
      if (first === 0) first = performance.now();
      counts[i]++;
    }
    last = Math.max(last, performance.now());
  }));
  console.log(`RESULT ${JSON.stringify({ counts, ms: last - first })}`);
  await Promise.all(subs.map((s) => s[Symbol.asyncDispose]()));
}

interface Run {
  subscribers: number;
  mode: "noDrop" | "drop";
  published: number;
  publishMs: number;
  delivered: number;
  receiveMs: number;
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
  }
}

async function run(n: number, mode: Run["mode"], seconds: number, size: number): Promise<Run> {
  await using pub = new Publisher({ noDrop: mode === "noDrop", linger: 0 });
  await pub.bind("tcp://127.0.0.1:*");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      "--role=sub",
      `--endpoint=${pub.lastEndpoint}`,
      `--subscribers=${n}`,
      `--size=${size}`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const out = lines(child.stdout);
  if ((await out.next()).value !== "READY") throw new Error("subscriber process did not start");
  const deadline = Date.now() + 10_000;
  while (pub.subscriptionCount < n) {
    if (Date.now() > deadline) throw new Error("subscriptions did not arrive");
    await new Promise((r) => setTimeout(r, 5));
  }
  const message = new Uint8Array(size);
  message.set(new TextEncoder().encode(TOPIC));
  let published = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) await pub.send(message);
    published += 1000;
  }
  const publishMs = performance.now() - started;
  // The end marker must reach everyone, but a subscriber whose queue filled up is out of the fan-out until it
  // drains (it gets no copy, even with noDrop), so repeat the marker until the subscriber process reports.
  pub.noDrop = false;
  const reported = (async () => {
    for await (const line of out) {
      if (line.startsWith("RESULT ")) return JSON.parse(line.slice(7)) as { counts: number[]; ms: number };
    }
    return null;
  })();
  let done = false;
  reported.finally(() => done = true);
  while (!done) {
    await pub.send(END);
    await new Promise((r) => setTimeout(r, 10));
  }
  const result = await reported;
  await child.status;
  if (result === null) throw new Error("subscriber process reported nothing");
  const delivered = result.counts.reduce((a, b) => a + b, 0);
  return { subscribers: n, mode, published, publishMs, delivered, receiveMs: result.ms };
}

const fmt = (x: number) => x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`;

async function main(): Promise<void> {
  const seconds = Number(flag("seconds", "1"));
  const size = Number(flag("size", "16"));
  const counts = flag("counts", "1,10,100").split(",").map(Number);
  console.log(`PUB/SUB fan-out over tcp://127.0.0.1, ${size}-byte messages, ${seconds} s per run`);
  const runs: Run[] = [];
  for (const n of counts) {
    for (const mode of ["noDrop", "drop"] as const) {
      const r = await run(n, mode, seconds, size);
      runs.push(r);
      const perSub = r.delivered / n / (r.receiveMs / 1000);
      console.log(
        `${String(n).padStart(3)} subscribers, ${mode.padEnd(6)}: published ${
          fmt(r.published / (r.publishMs / 1000))
        }` +
          `msg/s, delivered ${fmt(perSub)}msg/s per subscriber, ${fmt(perSub * n)}msg/s in total, ` +
          `${((100 * r.delivered) / (r.published * n)).toFixed(1)}% of copies`,
      );
    }
  }
  const base = new Map(runs.filter((r) => r.subscribers === counts[0]).map((r) => [r.mode, r]));
  console.log(
    "\n| subscribers | mode | published msg/s | delivered per subscriber | delivered in total | copies delivered | total vs 1 subscriber |",
  );
  console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of runs) {
    const perSub = r.delivered / r.subscribers / (r.receiveMs / 1000);
    const b = base.get(r.mode)!;
    const baseTotal = b.delivered / (b.receiveMs / 1000);
    console.log(
      `| ${r.subscribers} | ${r.mode} | ${fmt(r.published / (r.publishMs / 1000))} | ${fmt(perSub)} | ` +
        `${fmt(perSub * r.subscribers)} | ${((100 * r.delivered) / (r.published * r.subscribers)).toFixed(1)}% | ` +
        `${((perSub * r.subscribers) / baseTotal).toFixed(2)} |`,
    );
  }
}

if (flag("role", "pub") === "sub") await subscribers();
else await main();
