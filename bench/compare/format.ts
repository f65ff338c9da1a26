/**
 * How numbers look in the log and the report: sizes, rates, ratios, memory,
 * medians, and Markdown tables.
 *
 * @module
 */

/** `16 B`, `4 KiB`, `1 MiB`. */
export function sizeLabel(size: number): string {
  if (size >= 1048576) return `${size / 1048576} MiB`;
  if (size >= 1024) return `${size / 1024} KiB`;
  return `${size} B`;
}

/** A rate with three significant digits or so: `1.23 M`, `456 k`, `12.3 k`, `789`. */
export function fmtRate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 1 : 2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)} k`;
  return n.toFixed(0);
}

/** A number with three significant digits or so: `123`, `12.3`, `1.23`. */
export function fmtNum(n: number): string {
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** `1.23×`, or `—` when there is nothing to compare with. */
export function fmtRatio(n: number | null): string {
  return n === null || !Number.isFinite(n) ? "—" : `${n.toFixed(2)}×`;
}

/** `a ÷ b`, or null when either is missing or `b` is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || b === 0 ? null : a / b;
}

/** Bytes as `12.3 MiB`. */
export function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A Markdown table with padded columns, each aligned left (`l`) or right (`r`). */
export function table(header: string[], align: ("l" | "r")[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (align[i] === "r" ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`;
  const sep = `| ${widths.map((w, i) => (align[i] === "r" ? "-".repeat(w - 1) + ":" : "-".repeat(w))).join(" | ")} |`;
  return [line(header), sep, ...rows.map(line)].join("\n");
}
