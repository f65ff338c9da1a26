/**
 * The measurements proper: every selected scenario (kind × transport × size)
 * with every available implementation, `--reps` times, in an order rotated on
 * each repetition so that drift of a shared machine hits all of them alike;
 * and the median of the repetitions.
 *
 * @module
 */

import { type Flags, type Kind, LAT_COUNT, THR_COUNT, type Transport } from "./flags.ts";
import { fmtNum, fmtRate, median, sizeLabel } from "./format.ts";
import type { Impl, ImplKey, Setup } from "./implementations.ts";
import { type Result, type RunOptions, runPairing } from "./pairing.ts";
import { output } from "./commands.ts";
import { ROOT_PATH } from "./paths.ts";

/** The repetitions of one implementation in one scenario. */
export interface Cell {
  results: Result[];
  errors: string[];
}

/** The cells of a run, by `cellKey()`. */
export type Cells = Map<string, Cell>;

/** The key of a cell. */
export function cellKey(kind: Kind, transport: Transport, size: number, impl: ImplKey): string {
  return `${kind}/${transport}/${size}/${impl}`;
}

/** The median of a cell's repetitions, with their spread. */
export interface Summary {
  msgPerSec?: number;
  mbPerSec?: number;
  meanUs?: number;
  p50Us?: number;
  p99Us?: number;
  /** Lowest and highest msg/s (throughput) or mean µs (latency). */
  range?: [number, number];
  /** Repetitions that gave a result. */
  n: number;
  /** The first failure, if any repetition failed. */
  error?: string;
}

/** Summarizes a cell; null when it was not measured. */
export function summarize(cell: Cell | undefined): Summary | null {
  if (cell === undefined) return null;
  if (cell.results.length === 0) return { n: 0, error: cell.errors[0] ?? "no result" };
  const rs = cell.results;
  if (rs[0].kind === "thr") {
    const rates = rs.map((r) => r.msgPerSec!);
    return {
      msgPerSec: median(rates),
      mbPerSec: median(rs.map((r) => r.mbPerSec!)),
      range: [Math.min(...rates), Math.max(...rates)],
      n: rs.length,
      error: cell.errors[0],
    };
  }
  const means = rs.map((r) => r.meanUs!);
  return {
    meanUs: median(means),
    p50Us: median(rs.map((r) => r.p50Us!)),
    p99Us: median(rs.map((r) => r.p99Us!)),
    range: [Math.min(...means), Math.max(...means)],
    n: rs.length,
    error: cell.errors[0],
  };
}

/** One scenario and the implementations that run it. */
interface Scenario {
  kind: Kind;
  transport: Transport;
  size: number;
  impls: Impl[];
}

/** The selected scenarios; the floor runs only tcp latency. */
function scenarios(flags: Flags, setup: Setup): Scenario[] {
  const list: Scenario[] = [];
  for (const kind of flags.kinds) {
    for (const transport of flags.transports) {
      for (const size of flags.sizes) {
        const impls: Impl[] = [];
        for (const impl of setup.impls.values()) {
          if (impl.skip !== null) continue;
          if (impl.base === "floor" && (kind !== "lat" || transport !== "tcp")) continue;
          impls.push(impl);
        }
        list.push({ kind, transport, size, impls });
      }
    }
  }
  return list;
}

/** What the report should say about scenarios that some implementations cannot run. */
export async function scenarioNotes(flags: Flags): Promise<string[]> {
  const notes: string[] = [];
  if (flags.transports.includes("ipc")) {
    const ipcLog = await output("git", ["log", "-1", "--format=%h", "--", "src/transports/ipc.ts"], { cwd: ROOT_PATH });
    if (ipcLog.stdout.trim() === "") {
      notes.push("ipc: zmq-ts has no committed ipc transport yet; ipc rows are for the other implementations.");
    }
  }
  if (flags.kinds.includes("lat") && !flags.transports.includes("tcp")) {
    notes.push("floor: the Deno TCP ping-pong runs only with tcp.");
  }
  return notes;
}

/**
 * Runs every scenario, printing each result as it comes; `afterRep` is
 * called after each repetition of a scenario (load sampling).
 */
export async function runScenarios(flags: Flags, setup: Setup, o: RunOptions, afterRep: () => void): Promise<Cells> {
  const cells: Cells = new Map();
  const list = scenarios(flags, setup);
  const total = list.reduce((n, sc) => n + sc.impls.length, 0) * flags.reps;
  let done = 0;
  for (const sc of list) {
    const count = Math.max(
      sc.kind === "thr" ? 100 : 20,
      Math.round((sc.kind === "thr" ? THR_COUNT[sc.size] : LAT_COUNT[sc.size]) * flags.scale),
    );
    for (let rep = 0; rep < flags.reps; rep++) {
      // Rotate the order on every repetition: drift hits everyone alike.
      const order = sc.impls.map((_, i) => sc.impls[(i + rep) % sc.impls.length]);
      for (const impl of order) {
        done++;
        const label = `[${done}/${total}] ${sc.kind} ${sc.transport} ${sizeLabel(sc.size)} ${impl.label} (${
          rep + 1
        }/${flags.reps})`;
        const k = cellKey(sc.kind, sc.transport, sc.size, impl.id);
        const cell = cells.get(k) ?? { results: [], errors: [] };
        cells.set(k, cell);
        try {
          const r = await runPairing(
            { kind: sc.kind, transport: sc.transport, size: sc.size, count, server: impl, client: impl },
            o,
          );
          cell.results.push(r);
          console.log(
            r.kind === "thr"
              ? `${label}: ${fmtRate(r.msgPerSec!)} msg/s, ${fmtNum(r.mbPerSec!)} MB/s`
              : `${label}: mean ${r.meanUs!.toFixed(1)} µs, p50 ${r.p50Us!.toFixed(1)}, p99 ${r.p99Us!.toFixed(1)}`,
          );
        } catch (err) {
          const msg = err instanceof Error ? err.message : String(err);
          cell.errors.push(msg);
          console.log(`${label}: FAILED: ${msg}`);
        }
      }
      afterRep();
    }
  }
  return cells;
}
