/**
 * The command-line tool's standard streams and signals on Deno. With
 * `deno.ts`, the only files that say `Deno.`.
 *
 * @module
 */

import type { CliIo, InterruptSignal } from "./stdio.ts";

let stdoutTurn: Promise<void> = Promise.resolve();

async function writeAll(bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}

/**
 * Standard streams and SIGINT/SIGTERM of the Deno process.
 *
 * @example Usage
 * ```ts
 * import { denoCliIo } from "./deno_io.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof denoCliIo.stderrIsTerminal, "boolean");
 * ```
 */
export const denoCliIo: CliIo = {
  stdin: () => Deno.stdin.readable,
  writeStdout(bytes: Uint8Array): Promise<void> {
    // Writes keep their order even when callers do not wait for each other.
    stdoutTurn = stdoutTurn.then(() => writeAll(bytes));
    return stdoutTurn;
  },
  writeStderr(text: string): void {
    const bytes = new TextEncoder().encode(text);
    let written = 0;
    while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
  },
  get stdoutIsTerminal(): boolean {
    return Deno.stdout.isTerminal();
  },
  get stderrIsTerminal(): boolean {
    return Deno.stderr.isTerminal();
  },
  onInterrupt(handler: (signal: InterruptSignal) => void): () => void {
    const onInt = () => handler("SIGINT");
    const onTerm = () => handler("SIGTERM");
    Deno.addSignalListener("SIGINT", onInt);
    Deno.addSignalListener("SIGTERM", onTerm);
    return () => {
      Deno.removeSignalListener("SIGINT", onInt);
      Deno.removeSignalListener("SIGTERM", onTerm);
    };
  },
};

/**
 * Ends the Deno process with `code` once standard output is written.
 *
 * @example Usage
 * ```ts ignore
 * await exitDeno(await main(Deno.args, denoCliIo));
 * ```
 */
export async function exitDeno(code: number): Promise<never> {
  await stdoutTurn.catch(() => {});
  Deno.exit(code);
}

/** The command-line arguments of the Deno process. */
export function denoArgs(): string[] {
  return [...Deno.args];
}
