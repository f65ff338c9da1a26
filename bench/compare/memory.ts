/**
 * The memory check: zmq-ts PUSH→PULL over tcp for 10 M small messages while
 * the resident memory of both processes is sampled from `/proc/<pid>/status`,
 * to show that neither side grows.
 *
 * @module
 */

import { type Flags, MEMORY_COUNT, MEMORY_SIZE, ZMQTS_IMPLS } from "./flags.ts";
import { mb } from "./format.ts";
import type { Impl, Setup } from "./implementations.ts";
import { type RunOptions, runPairing } from "./pairing.ts";

/** One RSS sample: seconds since the sender started, and bytes. */
export interface RssSample {
  t: number;
  rss: number;
}

/** One implementation's memory check. */
export interface MemorySeries {
  impl: Impl;
  count: number;
  msgPerSec: number | null;
  error: string | null;
  seconds: number;
  receiver: RssSample[];
  sender: RssSample[];
}

/** Start, middle, end and peak RSS of one process, with the times of the samples. */
export interface RssSummary {
  start: number;
  mid: number;
  end: number;
  peak: number;
  startT: number;
  midT: number;
  endT: number;
}

async function vmRss(pid: number): Promise<number | null> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const kb = status.match(/^VmRSS:\s+(\d+) kB$/m)?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** Sends `count` messages from `impl` to `impl`, sampling both processes every 250 ms. */
async function memoryCheck(impl: Impl, o: RunOptions, count: number): Promise<MemorySeries> {
  const series: MemorySeries = { impl, count, msgPerSec: null, error: null, seconds: 0, receiver: [], sender: [] };
  let stop = false;
  let sampler: Promise<void> = Promise.resolve();
  let t0 = performance.now();
  const progressTimer = setInterval(() => {
    const r = series.receiver.at(-1);
    const s = series.sender.at(-1);
    console.log(
      `  memory ${impl.label}: ${((performance.now() - t0) / 1000).toFixed(0)} s, receiver ${
        r ? mb(r.rss) : "-"
      }, sender ${s ? mb(s.rss) : "-"}`,
    );
  }, 10_000);
  try {
    const result = await runPairing(
      { kind: "thr", transport: "tcp", size: MEMORY_SIZE, count, server: impl, client: impl },
      {
        ...o,
        onStart: (server, client) => {
          t0 = performance.now(); // times count from the sender's start
          sampler = (async () => {
            while (!stop) {
              const t = (performance.now() - t0) / 1000;
              const r = server.exit === null ? await vmRss(server.pid) : null;
              const s = client !== null && client.exit === null ? await vmRss(client.pid) : null;
              if (r !== null) series.receiver.push({ t, rss: r });
              if (s !== null) series.sender.push({ t, rss: s });
              await new Promise((res) => setTimeout(res, 250));
            }
          })();
        },
      },
    );
    series.msgPerSec = result.msgPerSec ?? null;
  } catch (err) {
    series.error = err instanceof Error ? err.message : String(err);
  } finally {
    stop = true;
    await sampler;
    clearInterval(progressTimer);
  }
  series.seconds = (performance.now() - t0) / 1000;
  return series;
}

/** Start (first sample ≥ 2 s after the sender started), middle, end (last sample) and peak RSS of one process. */
export function rssSummary(samples: RssSample[]): RssSummary | null {
  if (samples.length === 0) return null;
  const start = samples.find((s) => s.t >= 2) ?? samples[0];
  const end = samples[samples.length - 1];
  const mid = samples.find((s) => s.t >= (start.t + end.t) / 2) ?? end;
  const peak = Math.max(...samples.map((s) => s.rss));
  return { start: start.rss, mid: mid.rss, end: end.rss, peak, startT: start.t, midT: mid.t, endT: end.t };
}

/** "Flat": the end is within 20% (or 16 MiB) of the start. */
export function isFlat(sum: { start: number; end: number }): boolean {
  return sum.end <= Math.max(sum.start * 1.2, sum.start + 16 * 1048576);
}

/**
 * Runs the memory check for zmq-ts on each available runtime (the code
 * measured, not a baseline), printing a line for each; `afterEach` is called
 * after each (load sampling).
 */
export async function runMemoryChecks(
  flags: Flags,
  setup: Setup,
  o: RunOptions,
  afterEach: () => void,
): Promise<MemorySeries[]> {
  const memory: MemorySeries[] = [];
  for (const id of ZMQTS_IMPLS) {
    const impl = setup.impls.get(id)!;
    if (impl.skip !== null) continue;
    const count = flags.memoryOnly ? Math.round(MEMORY_COUNT * flags.scale) : MEMORY_COUNT;
    console.log(`memory: ${impl.label}, PUSH→PULL over tcp, ${count} × ${MEMORY_SIZE} B ...`);
    const m = await memoryCheck(impl, { ...o, timeoutS: 900 }, count);
    memory.push(m);
    const r = rssSummary(m.receiver);
    const snd = rssSummary(m.sender);
    console.log(
      `memory ${impl.label}: ${m.error ?? "ok"}; receiver ${r ? `${mb(r.start)} → ${mb(r.end)}` : "-"}, sender ${
        snd ? `${mb(snd.start)} → ${mb(snd.end)}` : "-"
      }`,
    );
    afterEach();
  }
  return memory;
}
