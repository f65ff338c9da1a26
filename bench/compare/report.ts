/**
 * The report of a run, in Markdown: what was measured on which machine and
 * code, the targets, a throughput or latency table per transport, the
 * before-and-after tables of `--baseline`, the cross-implementation
 * pairings, the memory check, failures and skips, and how to reproduce it.
 * It is printed, and is the text of the `bench/RESULTS.md` section.
 *
 * @module
 */

import { beforeAfter } from "./before_after.ts";
import { type Flags, type ImplId, type Kind, MEMORY_SIZE, type Transport } from "./flags.ts";
import { fmtNum, fmtRate, fmtRatio, mb, ratio, sizeLabel, table } from "./format.ts";
import type { ImplKey, Setup } from "./implementations.ts";
import type { InteropRow } from "./interop.ts";
import { cpuModel } from "./machine.ts";
import { isFlat, type MemorySeries, rssSummary } from "./memory.ts";
import { cellKey, type Cells, summarize } from "./runs.ts";

/** Everything a run found out. */
export interface ReportInput {
  /** The arguments the run was started with. */
  args: string[];
  flags: Flags;
  setup: Setup;
  cells: Cells;
  interop: InteropRow[];
  memory: MemorySeries[];
  /** What was skipped, and why. */
  skipped: string[];
  started: Date;
  minutes: number;
  /** 1-minute load averages at the start, at the end, and after each repetition. */
  load: { start: number[]; end: number[]; samples: number[] };
  /** CPU seconds used over the run (see `machine.ts`), and its wall time in seconds. */
  cpu: { machine: number; ours: number; wall: number } | null;
  /** Other busy processes seen at the start or end. */
  busy: string[];
}

/** Renders the report. */
export async function renderReport(r: ReportInput): Promise<string> {
  const { flags, setup: s, cells } = r;
  const get = (kind: Kind, transport: Transport, size: number, impl: ImplKey) =>
    summarize(cells.get(cellKey(kind, transport, size, impl)));
  const labelOf = (id: ImplKey) => s.impls.get(id)!.label;
  const out: string[] = [];
  const date = r.started.toISOString().replace("T", " ").slice(0, 16) + " UTC";
  const mem = Deno.systemMemoryInfo();
  const loadMax = Math.max(...r.load.samples, r.load.end[0]);
  const loadMean = r.load.samples.reduce((a, b) => a + b, 0) / r.load.samples.length;

  out.push(
    `\`${["deno task bench:compare", ...r.args].join(" ")}\`, ${date}, ${r.minutes.toFixed(0)} min, ${flags.reps} ${
      flags.reps === 1 ? "repetition" : "repetitions"
    } per measurement (median shown).`,
  );
  out.push("");
  out.push(
    `Machine: ${await cpuModel()}, ${navigator.hardwareConcurrency} vCPU, ${
      (mem.total / 2 ** 30).toFixed(1)
    } GiB RAM, Linux ${Deno.osRelease()}. Both peers of every measurement share these cores, over loopback.`,
  );
  out.push("");
  out.push(`Versions: ${Object.values(s.versions).join("; ")}.`);
  out.push("");
  out.push(`Code measured: ${s.code}.`);
  if (s.baseline !== null) {
    out.push("");
    out.push(
      `Baseline: ${s.baseline.description}, zmq-ts built from it and measured beside the code in the same run (the ` +
        `rows marked \`@${s.baseline.rev}\`).`,
    );
  }
  out.push("");
  let loadText = `Load: 1-minute load average ${r.load.start[0].toFixed(2)} at the start, mean ${
    loadMean.toFixed(2)
  } and peak ${loadMax.toFixed(2)} during the run (our own two processes account for up to about 2).`;
  if (r.cpu !== null && r.cpu.wall > 0) {
    const others = Math.max(0, r.cpu.machine - r.cpu.ours);
    loadText += ` CPU time: the machine was busy ${r.cpu.machine.toFixed(0)} core-seconds over ${
      r.cpu.wall.toFixed(0)
    } s, ${r.cpu.ours.toFixed(0)} of them ours, so other work used on average ${
      (others / r.cpu.wall).toFixed(2)
    } of the ${navigator.hardwareConcurrency} cores.`;
  }
  out.push(loadText);
  if (r.busy.length > 0) {
    out.push("");
    out.push("Other busy processes seen at the start or end (% of one core over 1 s):");
    out.push("");
    for (const b of r.busy) out.push(`- \`${b}\``);
  }
  out.push("");
  out.push(
    "Tools: `bench/local_thr.ts`, `remote_thr.ts`, `local_lat.ts`, `remote_lat.ts` (one source for zmq-ts on Deno, " +
      "Node and Bun and for zeromq.js: the same loops, `await send()` / `await receive()` one message at a time, one " +
      "buffer sent again and again), their C twins in `bench/peers/` against libzmq (each message a `zmq_msg_copy` of " +
      "one template, the C analogue of resending one buffer), and `bench/tcp_pingpong.ts`. Default options everywhere " +
      "(high-water marks 1000). A side that sends last waits for its peer to hang up before closing (zeromq.js 6.8 " +
      "crashes at exit with large sends in flight; libzmq's linger does not cover ipc, zeromq/libzmq#4660).",
  );
  out.push("");
  out.push(
    "Method: the receiver (`local_thr`) times from its first to its last message; msg/s counts the messages after the " +
      "first, MB/s is 10^6 payload bytes per second. Latency is measured by the REQ side (`remote_lat`) per round trip " +
      "and reported one-way (round trip / 2) as libzmq does; the first round trip (connection set-up) is not counted. " +
      "Ratios: for throughput, above 1 means faster than the reference; for latency, below 1 means faster. `range` is " +
      "the spread over the repetitions.",
  );

  out.push(...targets(r, get));
  out.push(...beforeAfter(flags, s, cells));

  // Throughput and latency tables per transport.
  const failures: string[] = [];
  const implIds = [...s.impls.values()].filter((i) => i.skip === null).map((i) => i.id);
  for (const kind of flags.kinds) {
    for (const transport of flags.transports) {
      const rows: string[][] = [];
      for (const size of flags.sizes) {
        const zjs = get(kind, transport, size, "zeromqjs-node");
        const lz = get(kind, transport, size, "libzmq-c");
        const floor = get(kind, transport, size, "floor");
        for (const id of implIds) {
          const sm = get(kind, transport, size, id);
          if (sm === null) continue;
          if (sm.n === 0) {
            failures.push(`${kind} ${transport} ${sizeLabel(size)} ${labelOf(id)}: ${sm.error ?? "no result"}`);
            rows.push([sizeLabel(size), labelOf(id), "failed", ...Array(kind === "thr" ? 4 : 6).fill("—")]);
            continue;
          }
          if (sm.error !== undefined) {
            failures.push(
              `${kind} ${transport} ${sizeLabel(size)} ${labelOf(id)} (${sm.n} of ${flags.reps} ok): ${sm.error}`,
            );
          }
          if (kind === "thr") {
            rows.push([
              sizeLabel(size),
              labelOf(id),
              fmtRate(sm.msgPerSec!),
              fmtNum(sm.mbPerSec!),
              fmtRatio(ratio(sm.msgPerSec, zjs?.msgPerSec)),
              fmtRatio(ratio(sm.msgPerSec, lz?.msgPerSec)),
              `${fmtRate(sm.range![0])}–${fmtRate(sm.range![1])}`,
            ]);
          } else {
            rows.push([
              sizeLabel(size),
              labelOf(id),
              sm.meanUs!.toFixed(1),
              sm.p50Us!.toFixed(1),
              sm.p99Us!.toFixed(1),
              fmtRatio(ratio(sm.meanUs, zjs?.meanUs)),
              fmtRatio(ratio(sm.meanUs, lz?.meanUs)),
              transport === "tcp" ? fmtRatio(ratio(sm.meanUs, floor?.meanUs)) : "—",
              `${sm.range![0].toFixed(1)}–${sm.range![1].toFixed(1)}`,
            ]);
          }
        }
      }
      if (rows.length === 0) continue;
      out.push("");
      if (kind === "thr") {
        out.push(
          `### Throughput, PUSH→PULL, ${transport}${transport === "inproc" ? " (both sides in one process)" : ""}`,
        );
        out.push("");
        out.push(table(
          ["size", "implementation", "msg/s", "MB/s", "× zeromq.js", "× libzmq", "range (msg/s)"],
          ["l", "l", "r", "r", "r", "r", "r"],
          rows,
        ));
      } else {
        out.push(
          `### Latency, REQ/REP one-way, ${transport}${transport === "inproc" ? " (both sides in one process)" : ""}`,
        );
        out.push("");
        out.push(table(
          [
            "size",
            "implementation",
            "mean µs",
            "p50 µs",
            "p99 µs",
            "× zeromq.js",
            "× libzmq",
            "× floor",
            "range (mean)",
          ],
          ["l", "l", "r", "r", "r", "r", "r", "r", "r"],
          rows,
        ));
      }
    }
  }

  if (r.interop.length > 0) {
    out.push("");
    out.push("### Cross-implementation pairings over tcp (one run each: the tools interoperate)");
    out.push("");
    out.push(table(
      ["pairing", "ok", "result"],
      ["l", "l", "l"],
      r.interop.map((i) => [i.what, i.ok ? "yes" : "**no**", i.detail.replaceAll("|", "\\|").slice(0, 160)]),
    ));
  }

  out.push(...memoryTable(r.memory));

  if (failures.length > 0) {
    out.push("");
    out.push("### Failed measurements");
    out.push("");
    for (const f of failures) out.push(`- ${f.replaceAll("\n", " ").slice(0, 300)}`);
  }

  const inprocNote = flags.transports.includes("inproc")
    ? [
      "inproc: every implementation runs both sides in one process (Deno, Node and Bun on one event loop; C with a " +
      "second thread, as libzmq's `inproc_thr`/`inproc_lat`), so cross-process pairings are not possible there. " +
      "zmq-ts passes the sender's buffer by reference and libzmq shares one reference-counted buffer, so their inproc " +
      "MB/s for large messages is not a copy bandwidth; zeromq.js copies each message into libzmq.",
    ]
    : [];
  const floorNote = ["The floor (bare Deno TCP ping-pong) exists for tcp latency only; ipc and inproc have no floor."];
  out.push("");
  out.push("### Skipped, and why");
  out.push("");
  for (const n of [...r.skipped, ...inprocNote, ...floorNote]) out.push(`- ${n}`);

  out.push("");
  out.push("### How to reproduce");
  out.push("");
  out.push(
    "`npm install` (Deno, Bun, esbuild and zeromq.js come as devDependencies), `apt-get install gcc libzmq3-dev`, then " +
      "`deno task bench:compare` (or `deno run -A bench/compare.ts`; if `deno task` tries to fetch the package.json " +
      "dependencies and fails, `DENO_NO_PACKAGE_JSON=1` keeps it to deno.json). A full run takes 12–20 minutes on 2 " +
      "cores; `--commit=REV` measures a commit instead of the working tree, `--baseline=REV` measures zmq-ts at " +
      "another commit beside it, `--quick` is a smoke run of seconds, " +
      "`--memory` runs only the 10 M message check, and `--kinds`, `--transports`, `--sizes`, `--impls`, `--reps`, " +
      "`--scale` narrow it down (see `bench/compare.ts`). It copies the sources to a temporary directory, builds the " +
      "npm package there, compiles the C peers from `bench/peers/`, bundles the tools for Node with esbuild, runs " +
      "everything from that copy and rewrites only this section. A single pairing by hand: `deno run -A " +
      "bench/local_thr.ts tcp://127.0.0.1:5555 16 1000000` and `deno run -A bench/remote_thr.ts tcp://127.0.0.1:5555 " +
      "16 1000000`; `bun bench/remote_thr.ts ...` for Bun; for Node, bundle a tool with esbuild and add `--lib=zeromq` " +
      "for zeromq.js (or set `ZMQ_TS_NPM` to the npm build for zmq-ts); the C peers take the same arguments, and so do " +
      "libzmq's own `perf/` tools.",
  );
  return out.join("\n");
}

type Get = (kind: Kind, transport: Transport, size: number, impl: ImplKey) => ReturnType<typeof summarize>;

/** The targets table: the performance goals, and the memory check's verdicts. */
function targets(r: ReportInput, get: Get): string[] {
  const rows: string[][] = [];
  const target = (what: string, value: number | null, goal: string, met: ((v: number) => boolean) | null) => {
    rows.push([
      what,
      value === null ? "not measured" : fmtRatio(value),
      goal,
      value === null || met === null ? "—" : met(value) ? "yes" : "**no**",
    ]);
  };
  const thr16 = (id: ImplId) => get("thr", "tcp", 16, id)?.msgPerSec;
  const thr1m = (id: ImplId) => get("thr", "tcp", 1048576, id)?.msgPerSec;
  const lat16 = (id: ImplId) => get("lat", "tcp", 16, id)?.meanUs;
  target(
    "PUSH→PULL tcp 16 B: zmq-ts/Deno ÷ zeromq.js/Node",
    ratio(thr16("zmqts-deno"), thr16("zeromqjs-node")),
    "≥ 3",
    (v) => v >= 3,
  );
  target(
    "PUSH→PULL tcp 16 B: zmq-ts/Node ÷ zeromq.js/Node",
    ratio(thr16("zmqts-node"), thr16("zeromqjs-node")),
    "≥ 2",
    (v) => v >= 2,
  );
  target(
    "PUSH→PULL tcp 1 MiB: zmq-ts/Deno ÷ zeromq.js/Node",
    ratio(thr1m("zmqts-deno"), thr1m("zeromqjs-node")),
    "≥ 1",
    (v) => v >= 1,
  );
  target(
    "PUSH→PULL tcp 1 MiB: zmq-ts/Node ÷ zeromq.js/Node",
    ratio(thr1m("zmqts-node"), thr1m("zeromqjs-node")),
    "≥ 1",
    (v) => v >= 1,
  );
  target(
    "REQ/REP tcp 16 B mean latency: zmq-ts/Deno ÷ zeromq.js/Node",
    ratio(lat16("zmqts-deno"), lat16("zeromqjs-node")),
    "≤ 1",
    (v) => v <= 1,
  );
  target(
    "REQ/REP tcp 16 B mean latency: zmq-ts/Node ÷ zeromq.js/Node",
    ratio(lat16("zmqts-node"), lat16("zeromqjs-node")),
    "≤ 1",
    (v) => v <= 1,
  );
  target(
    "REQ/REP tcp 16 B mean latency: zmq-ts/Deno ÷ Deno TCP ping-pong",
    ratio(lat16("zmqts-deno"), lat16("floor")),
    "≤ 1.2",
    (v) => v <= 1.2,
  );
  for (const m of r.memory) {
    const rs = rssSummary(m.receiver);
    const ss = rssSummary(m.sender);
    const flat = m.error === null && rs !== null && ss !== null && isFlat(rs) && isFlat(ss);
    rows.push([
      `Memory, ${m.impl.label}, ${m.count / 1e6} M × ${MEMORY_SIZE} B: RSS start → end (receiver; sender)`,
      rs && ss ? `${mb(rs.start)} → ${mb(rs.end)}; ${mb(ss.start)} → ${mb(ss.end)}` : (m.error ?? "no samples"),
      "flat",
      m.error !== null ? "**failed**" : flat ? "yes" : "**no**",
    ]);
  }
  return [
    "",
    "### Targets (issue: performance)",
    "",
    table(["target", "measured", "goal", "met"], ["l", "r", "l", "l"], rows),
  ];
}

/** The memory check's table, when it ran. */
function memoryTable(memory: MemorySeries[]): string[] {
  if (memory.length === 0) return [];
  const out: string[] = [];
  out.push("");
  out.push(`### Memory: PUSH→PULL over tcp, ${memory[0].count / 1e6} M × ${MEMORY_SIZE} B`);
  out.push("");
  const rows: string[][] = [];
  for (const m of memory) {
    for (const [role, samples] of [["receiver", m.receiver], ["sender", m.sender]] as const) {
      const sm = rssSummary(samples);
      rows.push([
        m.impl.label,
        role,
        sm ? `${mb(sm.start)} (${sm.startT.toFixed(1)} s)` : "—",
        sm ? `${mb(sm.mid)} (${sm.midT.toFixed(1)} s)` : "—",
        sm ? `${mb(sm.end)} (${sm.endT.toFixed(1)} s)` : "—",
        sm ? mb(sm.peak) : "—",
        m.error !== null ? `failed: ${m.error.slice(0, 60)}` : m.msgPerSec ? `${fmtRate(m.msgPerSec)} msg/s` : "",
      ]);
    }
  }
  out.push(table(["implementation", "process", "RSS start", "RSS middle", "RSS end", "RSS peak", "throughput"], [
    "l",
    "l",
    "r",
    "r",
    "r",
    "r",
    "l",
  ], rows));
  out.push("");
  out.push(
    "RSS is VmRSS from `/proc/<pid>/status`, sampled every 250 ms; times count from the start of the sender; start " +
      "is the first sample at least 2 s in (past start-up and JIT warm-up), end the last sample before the process " +
      "exited. Flat means the end is within 20% (or 16 MiB) of the start.",
  );
  return out;
}
