/**
 * Side-by-side end-to-end benchmark: zmq-ts on Deno, Node and Bun, zeromq.js
 * on Node and libzmq in C, all running the same libzmq-style perf tools
 * (`local_thr`/`remote_thr`, `local_lat`/`remote_lat`; C versions in
 * `peers/`), plus a bare Deno TCP ping-pong as the latency floor.
 *
 * For each scenario (PUSH→PULL throughput or REQ/REP latency, transport,
 * message size) it runs every implementation in turn, `--reps` times, with
 * the order rotated on each repetition so that drift of a shared machine hits
 * all of them alike, and keeps the median. Each measurement is two processes
 * (receiver and sender, or server and client) on 127.0.0.1 with a free port
 * (`tcp://127.0.0.1:*`, the bound address read back from the receiver) or a
 * fresh `ipc://` path; `inproc://` runs both sides in one process. A few
 * cross-implementation pairings prove the tools interoperate, and a memory
 * check sends 10 M messages while sampling the resident memory of both
 * processes from `/proc/<pid>/status`.
 *
 * What is missing is installed or skipped, with the reason printed and
 * written into the table: the zmq-ts npm build (Node, Bun) until
 * `npm/build.ts` is committed, Bun (`npm install --no-save bun` into a
 * temporary directory), zeromq.js (the `zeromq` devDependency), gcc/libzmq.
 *
 * ```sh
 * deno task bench:compare            # full run, writes the section of bench/RESULTS.md
 * deno task bench:compare --quick    # smoke run: small counts, one repetition, prints only
 * deno task bench:compare --memory   # only the 10 M message memory check, prints only
 * deno task bench:compare --baseline=main --kinds=thr --transports=tcp --sizes=16,1048576 \
 *   --impls=zmqts-deno,zmqts-node --no-interop --no-memory   # before and after, side by side
 * ```
 *
 * Other flags: `--reps=N`, `--kinds=thr,lat`, `--transports=tcp,ipc,inproc`,
 * `--sizes=16,1048576`, `--impls=zmqts-deno,zeromqjs-node,...`, `--scale=F`
 * (multiply message counts), `--no-memory`, `--no-interop`, `--write` (write
 * RESULTS.md even for a partial run), `--no-write`, `--commit=REV` (measure a
 * commit instead of the working tree; either way the sources are copied to a
 * temporary directory first, so edits made during the run do not leak in),
 * `--baseline=REV` (also measure zmq-ts at that commit, copied to its own
 * directory, as the implementations `zmqts-deno@<rev>`, `zmqts-node@<rev>`,
 * `zmqts-bun@<rev>` beside each selected zmq-ts one, in the same rotation;
 * the report adds before-and-after tables with the ratio, and a run with a
 * baseline writes RESULTS.md only with `--write`).
 *
 * The parts live in `bench/compare/`: `flags.ts` (scenarios and the command
 * line), `snapshot.ts` (the copy of the sources), `toolchains.ts` and
 * `implementations.ts` (what runs, and how it is started), `pairing.ts` (one
 * measurement), `runs.ts` (the rotated repetitions), `interop.ts`,
 * `memory.ts`, `machine.ts` (load and CPU), `report.ts` with
 * `before_after.ts`, and `results_md.ts` (the section of RESULTS.md).
 *
 * @module
 */

import { parseFlags } from "./compare/flags.ts";
import { setup } from "./compare/implementations.ts";
import { type InteropRow, runInterop } from "./compare/interop.ts";
import { cpuTimes, otherBusyProcesses } from "./compare/machine.ts";
import { type MemorySeries, runMemoryChecks } from "./compare/memory.ts";
import type { RunOptions } from "./compare/pairing.ts";
import { renderReport } from "./compare/report.ts";
import { SECTION_TITLE, writeSection } from "./compare/results_md.ts";
import { type Cells, runScenarios, scenarioNotes } from "./compare/runs.ts";

async function main(): Promise<void> {
  const flags = parseFlags(Deno.args);
  const started = new Date();
  const t0 = performance.now();
  const cpu0 = await cpuTimes();
  const load0 = Deno.loadavg();
  console.log("compare: setting up (esbuild for Node, gcc for the C peers, versions) ...");
  const busyBefore = await otherBusyProcesses();
  const s = await setup(flags);
  for (const note of s.notes) console.log(`note: ${note}`);
  const o: RunOptions = { tmp: s.tmp, timeoutS: flags.quick ? 60 : 180 };
  const loads: number[] = [load0[0]];
  const sampleLoad = () => loads.push(Deno.loadavg()[0]);
  let cells: Cells = new Map();
  let interop: InteropRow[] = [];
  let memory: MemorySeries[] = [];
  const skipped: string[] = [...s.notes];

  try {
    if (!flags.memoryOnly) {
      skipped.push(...await scenarioNotes(flags));
      cells = await runScenarios(flags, s, o, sampleLoad);
      if (flags.interop && flags.transports.includes("tcp")) interop = await runInterop(flags, s, o);
    }
    if (flags.memory || flags.memoryOnly) memory = await runMemoryChecks(flags, s, o, sampleLoad);
  } finally {
    await Deno.remove(s.tmp, { recursive: true }).catch(() => {});
  }

  const cpu1 = await cpuTimes();
  const busyAfter = await otherBusyProcesses();
  const minutes = (performance.now() - t0) / 60000;
  const report = await renderReport({
    args: Deno.args,
    flags,
    setup: s,
    cells,
    interop,
    memory,
    skipped,
    started,
    minutes,
    load: { start: load0, end: Deno.loadavg(), samples: loads },
    cpu: cpu0 && cpu1
      ? { machine: cpu1.machine - cpu0.machine, ours: cpu1.ours - cpu0.ours, wall: minutes * 60 }
      : null,
    busy: [...new Set([...busyBefore, ...busyAfter])],
  });
  console.log("\n" + report);
  if (flags.write) {
    await writeSection(report);
    console.log(`compare: wrote the "${SECTION_TITLE.slice(3)}" section of bench/RESULTS.md`);
  } else {
    console.log("compare: RESULTS.md not written (partial or quick run; --write forces it)");
  }
}

if (import.meta.main) {
  await main();
}
