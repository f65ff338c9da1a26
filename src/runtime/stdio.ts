/**
 * What the command-line tool needs from its runtime: standard input and
 * output, whether they are terminals, and interrupt signals. The entry
 * points bind it (`cli.ts` to Deno, `npm/cli.ts` to Node.js and Bun); the
 * tool itself is runtime-neutral.
 *
 * @module
 */

/** The signals that stop the tool cleanly. */
export type InterruptSignal = "SIGINT" | "SIGTERM";

/**
 * Standard streams and signals.
 *
 * @example Usage
 * ```ts
 * import type { CliIo } from "./stdio.ts";
 * import assert from "node:assert/strict";
 * const out: string[] = [];
 * const io: CliIo = {
 *   stdin: async function* () {},
 *   writeStdout: (bytes) => void out.push(new TextDecoder().decode(bytes)),
 *   writeStderr: (text) => void out.push(text),
 *   stdoutIsTerminal: false,
 *   stderrIsTerminal: false,
 *   onInterrupt: () => () => {},
 * };
 * await io.writeStdout(new TextEncoder().encode("hi\n"));
 * assert.deepEqual(out, ["hi\n"]);
 * ```
 */
export interface CliIo {
  /** Standard input as chunks of bytes, until its end. Called at most once. */
  stdin(): AsyncIterable<Uint8Array>;
  /** Writes bytes to standard output; resolves once they are taken (back-pressure). */
  writeStdout(bytes: Uint8Array): Promise<void> | void;
  /** Writes text to standard error (diagnostics, the progress line). */
  writeStderr(text: string): void;
  /** Whether standard output is a terminal. */
  readonly stdoutIsTerminal: boolean;
  /** Whether standard error is a terminal (the progress line is shown only then). */
  readonly stderrIsTerminal: boolean;
  /** Calls `handler` on SIGINT (Ctrl-C) and SIGTERM until the returned function is called. */
  onInterrupt(handler: (signal: InterruptSignal) => void): () => void;
}
