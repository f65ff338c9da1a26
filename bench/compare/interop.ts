/**
 * Cross-implementation pairings over tcp: a PUSH (or REQ) of one
 * implementation against a PULL (or REP) of another, one run each, to show
 * the tools interoperate. With `--baseline`, zmq-ts on Deno at the baseline
 * commit against the code measured, both ways, too.
 *
 * @module
 */

import { type Flags, type ImplId, THR_COUNT } from "./flags.ts";
import { fmtNum, fmtRate, sizeLabel } from "./format.ts";
import type { ImplKey, Setup } from "./implementations.ts";
import { type RunOptions, runPairing } from "./pairing.ts";

/** One pairing's outcome. */
export interface InteropRow {
  what: string;
  ok: boolean;
  /** The result, or why it failed. */
  detail: string;
}

/** Which implementation binds (server) and which connects (client). */
const PAIRS: [ImplId, ImplId][] = [
  ["libzmq-c", "zmqts-deno"],
  ["zmqts-deno", "libzmq-c"],
  ["zeromqjs-node", "zmqts-deno"],
  ["zmqts-deno", "zeromqjs-node"],
  ["zmqts-node", "libzmq-c"],
  ["zmqts-bun", "zeromqjs-node"],
  ["libzmq-c", "zmqts-bun"],
  ["zmqts-deno", "zmqts-node"],
];

/** The pairings to run: the fixed list, then the baseline's against the code measured. */
function pairs(setup: Setup): [ImplKey, ImplKey][] {
  const list: [ImplKey, ImplKey][] = [...PAIRS];
  if (setup.baseline !== null) {
    const before: ImplKey = `zmqts-deno@${setup.baseline.rev}`;
    list.push([before, "zmqts-deno"], ["zmqts-deno", before]);
  }
  return list;
}

/** Runs each pairing whose two sides are available, for each selected kind, at 16 B and 64 KiB. */
export async function runInterop(flags: Flags, setup: Setup, o: RunOptions): Promise<InteropRow[]> {
  const rows: InteropRow[] = [];
  const available = (id: ImplKey) => setup.impls.get(id)?.skip === null;
  for (const kind of flags.kinds) {
    for (const size of [16, 65536]) {
      for (const [serverId, clientId] of pairs(setup)) {
        if (!available(serverId) || !available(clientId)) continue;
        const server = setup.impls.get(serverId)!;
        const client = setup.impls.get(clientId)!;
        const count = Math.max(100, Math.round((kind === "thr" ? THR_COUNT[size] / 5 : 2000) * flags.scale));
        const what = kind === "thr"
          ? `PUSH ${client.label} → PULL ${server.label}, ${sizeLabel(size)} × ${count}`
          : `REQ ${client.label} → REP ${server.label}, ${sizeLabel(size)} × ${count}`;
        try {
          const r = await runPairing({ kind, transport: "tcp", size, count, server, client }, o);
          const detail = r.kind === "thr"
            ? `${fmtRate(r.msgPerSec!)} msg/s, ${fmtNum(r.mbPerSec!)} MB/s`
            : `mean ${r.meanUs!.toFixed(1)} µs, p50 ${r.p50Us!.toFixed(1)} µs, p99 ${r.p99Us!.toFixed(1)} µs`;
          rows.push({ what, ok: true, detail });
          console.log(`interop ${what}: ${detail}`);
        } catch (err) {
          const msg = err instanceof Error ? err.message : String(err);
          rows.push({ what, ok: false, detail: msg });
          console.log(`interop ${what}: FAILED: ${msg}`);
        }
      }
    }
  }
  return rows;
}
