/**
 * The report's before-and-after tables for `--baseline=REV`: zmq-ts on each
 * runtime at the baseline commit beside the code measured, scenario by
 * scenario, with the ratio between the two.
 *
 * @module
 */

import type { Flags } from "./flags.ts";
import { fmtNum, fmtRate, fmtRatio, ratio, sizeLabel, table } from "./format.ts";
import type { Setup } from "./implementations.ts";
import { cellKey, type Cells, summarize } from "./runs.ts";

/** The before-and-after section as Markdown lines; none without a baseline or when nothing was measured. */
export function beforeAfter(flags: Flags, setup: Setup, cells: Cells): string[] {
  const base = setup.baseline;
  if (base === null) return [];
  const pairs = [...setup.impls.values()].filter((i) => i.rev !== null && i.skip === null).map((before) => ({
    before,
    after: setup.impls.get(before.base)!,
  })).filter((p) => p.after.skip === null);
  const out: string[] = [];
  for (const kind of flags.kinds) {
    const rows: string[][] = [];
    for (const transport of flags.transports) {
      for (const size of flags.sizes) {
        for (const { before, after } of pairs) {
          const b = summarize(cells.get(cellKey(kind, transport, size, before.id)));
          const a = summarize(cells.get(cellKey(kind, transport, size, after.id)));
          if (b === null || a === null) continue;
          const failed = (s: typeof a) => s.n === 0 ? "failed" : null;
          if (kind === "thr") {
            rows.push([
              sizeLabel(size),
              transport,
              after.label,
              failed(b) ?? `${fmtRate(b.msgPerSec!)} (${fmtNum(b.mbPerSec!)} MB/s)`,
              failed(a) ?? `${fmtRate(a.msgPerSec!)} (${fmtNum(a.mbPerSec!)} MB/s)`,
              fmtRatio(ratio(a.msgPerSec, b.msgPerSec)),
              failed(b) ?? `${fmtRate(b.range![0])}–${fmtRate(b.range![1])}`,
              failed(a) ?? `${fmtRate(a.range![0])}–${fmtRate(a.range![1])}`,
            ]);
          } else {
            rows.push([
              sizeLabel(size),
              transport,
              after.label,
              failed(b) ?? `${b.meanUs!.toFixed(1)} (p99 ${b.p99Us!.toFixed(1)})`,
              failed(a) ?? `${a.meanUs!.toFixed(1)} (p99 ${a.p99Us!.toFixed(1)})`,
              fmtRatio(ratio(a.meanUs, b.meanUs)),
              failed(b) ?? `${b.range![0].toFixed(1)}–${b.range![1].toFixed(1)}`,
              failed(a) ?? `${a.range![0].toFixed(1)}–${a.range![1].toFixed(1)}`,
            ]);
          }
        }
      }
    }
    if (rows.length === 0) continue;
    out.push("");
    if (kind === "thr") {
      out.push(`### Before and after: throughput, PUSH→PULL, baseline ${base.rev} against the code measured`);
      out.push("");
      out.push(table(
        [
          "size",
          "transport",
          "implementation",
          `msg/s @${base.rev}`,
          "msg/s",
          "× baseline",
          `range @${base.rev}`,
          "range",
        ],
        ["l", "l", "l", "r", "r", "r", "r", "r"],
        rows,
      ));
    } else {
      out.push(`### Before and after: latency, REQ/REP one-way, baseline ${base.rev} against the code measured`);
      out.push("");
      out.push(table(
        [
          "size",
          "transport",
          "implementation",
          `mean µs @${base.rev}`,
          "mean µs",
          "× baseline",
          `range @${base.rev}`,
          "range (mean)",
        ],
        ["l", "l", "l", "r", "r", "r", "r", "r"],
        rows,
      ));
    }
  }
  if (out.length === 0) return [];
  out.push("");
  out.push(
    `\`× baseline\` is the code measured ÷ the baseline \`@${base.rev}\`, both built from their own snapshot and ` +
      "measured in the same run, their order rotated with the others: for throughput above 1 means the code measured " +
      "is faster, for latency below 1 means it is faster. A difference within the ranges (the spread over the " +
      "repetitions) is noise.",
  );
  return out;
}
