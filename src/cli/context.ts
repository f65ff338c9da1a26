/**
 * What every command is given: its arguments, the standard streams, and an
 * abort signal that fires on Ctrl-C (SIGINT) or SIGTERM.
 *
 * @module
 */

import type { CliIo, InterruptSignal } from "../runtime/stdio.ts";

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

/** A promise and its settle functions (`Promise.withResolvers`, which Node.js 20 lacks). */
export interface Deferred<T> {
  /** The promise. */
  promise: Promise<T>;
  /** Fulfils it. */
  resolve(value: T): void;
  /** Rejects it. */
  reject(error: unknown): void;
}

/**
 * Makes a {@linkcode Deferred}.
 *
 * @example Usage
 * ```ts
 * import { deferred } from "./context.ts";
 * import assert from "node:assert/strict";
 * const d = deferred<number>();
 * d.resolve(3);
 * assert.equal(await d.promise, 3);
 * ```
 */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
