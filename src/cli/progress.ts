/**
 * The live progress line on standard error: messages so far, the current
 * rate and the bytes moved, redrawn in place a few times a second. It is
 * drawn only when standard error is a terminal, so pipes and log files
 * never see it.
 *
 * @module
 */

/** Where the line goes. */
export interface ProgressSink {
  /** Writes text to standard error. */
  writeStderr(text: string): void;
  /** Whether standard error is a terminal. */
  readonly stderrIsTerminal: boolean;
}

/** Options of {@linkcode Progress}. */
export interface ProgressOptions {
  /** ms between redraws. Default 250. */
  interval?: number;
  /** The clock, in ms. Default `performance.now()`. */
  now?: () => number;
  /** Draw even when standard error is not a terminal (for tests). Default false. */
  force?: boolean;
}

/** `1234567` → `1,234,567`. */
function grouped(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Bytes with a binary unit. */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

/**
 * Counts messages and bytes, and redraws `label: N msgs, R msg/s, B` on
 * standard error while running.
 *
 * @example Usage
 * ```ts
 * import { Progress } from "./progress.ts";
 * import assert from "node:assert/strict";
 * let out = "";
 * let t = 0;
 * const progress = new Progress({ writeStderr: (s) => void (out += s), stderrIsTerminal: true }, "received", {
 *   now: () => t,
 * });
 * progress.add(2, 10);
 * t = 1000;
 * progress.render();
 * assert.match(out, /received 2 msgs, 2 msg\/s, 10 B/);
 * progress.stop();
 * ```
 */
export class Progress {
  readonly #sink: ProgressSink;
  readonly #label: string;
  readonly #now: () => number;
  readonly #enabled: boolean;
  readonly #intervalMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #messages = 0;
  #bytes = 0;
  #lastAt: number;
  #lastMessages = 0;
  #drawn = false;

  /** Makes a meter; nothing is drawn until {@linkcode Progress.start} (or {@linkcode Progress.render}). */
  constructor(sink: ProgressSink, label: string, options: ProgressOptions = {}) {
    this.#sink = sink;
    this.#label = label;
    this.#now = options.now ?? (() => performance.now());
    this.#enabled = sink.stderrIsTerminal || options.force === true;
    this.#intervalMs = options.interval ?? 250;
    this.#lastAt = this.#now();
  }

  /** Whether the line is drawn at all (standard error is a terminal). */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Messages counted so far. */
  get messages(): number {
    return this.#messages;
  }

  /** Bytes counted so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Counts messages and their bytes. */
  add(messages: number, bytes: number): void {
    this.#messages += messages;
    this.#bytes += bytes;
  }

  /** Starts redrawing every interval. */
  start(): void {
    if (!this.#enabled || this.#timer !== undefined) return;
    this.#lastAt = this.#now();
    this.#timer = setInterval(() => this.render(), this.#intervalMs);
  }

  /** Draws the line now. */
  render(): void {
    if (!this.#enabled) return;
    const now = this.#now();
    const seconds = (now - this.#lastAt) / 1000;
    const rate = seconds > 0 ? (this.#messages - this.#lastMessages) / seconds : 0;
    this.#lastAt = now;
    this.#lastMessages = this.#messages;
    const line = `${this.#label} ${grouped(this.#messages)} msgs, ${grouped(rate)} msg/s, ${formatBytes(this.#bytes)}`;
    this.#sink.writeStderr(`\r\x1b[2K${line}`);
    this.#drawn = true;
  }

  /** Stops redrawing and erases the line. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#drawn) this.#sink.writeStderr("\r\x1b[2K");
    this.#drawn = false;
  }
}
