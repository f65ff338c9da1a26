/**
 * What every command is given: its arguments, the standard streams, and an
 * abort signal that fires on Ctrl-C (SIGINT) or SIGTERM.
 *
 * @module
 */

import type { CliIo, InterruptSignal } from "./io.ts";

/**
 * A command's surroundings.
 *
 * @example Usage
 * ```ts ignore
 * const code = await command.run(args, { io, signal, note: (t) => io.writeStderr(`zmq-ts: ${t}\n`) });
 * ```
 */
export interface CommandContext {
  /** Standard streams. */
  io: CliIo;
  /** Aborted on SIGINT or SIGTERM; its `reason` is the signal's name. */
  signal: AbortSignal;
  /** Prints a diagnostic line on standard error (`zmq-ts: ...`). */
  note(text: string): void;
}

/** The signal that aborted `signal`, if any. */
export function interruptOf(signal: AbortSignal): InterruptSignal | null {
  return signal.aborted ? (signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT") : null;
}

/**
 * Resolves when `signal` aborts (never rejects), so loops can race it.
 *
 * @example Usage
 * ```ts
 * import { aborted } from "./context.ts";
 * import assert from "node:assert/strict";
 * const controller = new AbortController();
 * const done = aborted(controller.signal);
 * controller.abort("SIGINT");
 * assert.equal(await done, "aborted");
 * ```
 */
export function aborted(signal: AbortSignal): Promise<"aborted"> {
  if (signal.aborted) return Promise.resolve("aborted");
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve("aborted"), { once: true }));
}
