/**
 * The command-line tool's standard streams and signals on Node.js and Bun.
 * With `node.ts`, the only files that import `node:` modules.
 *
 * @module
 */

import { realpathSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { CliIo, InterruptSignal } from "./stdio.ts";

async function* readStdin(): AsyncGenerator<Uint8Array> {
  for await (const chunk of process.stdin) yield chunk as Uint8Array;
}

/**
 * Standard streams and SIGINT/SIGTERM of the Node.js (or Bun) process.
 *
 * @example Usage
 * ```ts
 * import { nodeCliIo } from "./node_io.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof nodeCliIo.stdoutIsTerminal, "boolean");
 * ```
 */
export const nodeCliIo: CliIo = {
  stdin: readStdin,
  writeStdout(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      process.stdout.write(bytes, (err) => (err ? reject(err) : resolve()));
    });
  },
  writeStderr(text: string): void {
    process.stderr.write(text);
  },
  get stdoutIsTerminal(): boolean {
    return process.stdout.isTTY === true;
  },
  get stderrIsTerminal(): boolean {
    return process.stderr.isTTY === true;
  },
  onInterrupt(handler: (signal: InterruptSignal) => void): () => void {
    const onInt = () => handler("SIGINT");
    const onTerm = () => handler("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    return () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    };
  },
};

/** The command-line arguments after the script's path. */
export function nodeArgs(): string[] {
  return process.argv.slice(2);
}

/**
 * Whether the module at `url` is the script Node.js was started with (the
 * `bin` link resolved), as Deno's `import.meta.main` tells.
 *
 * @example Usage
 * ```ts
 * import { isNodeMain } from "./node_io.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isNodeMain("file:///not/the/main/script.mjs"), false);
 * ```
 */
export function isNodeMain(url: string): boolean {
  const script = process.argv[1];
  // Deno's node:process names its own main module here (deno test included); this entry is Node's and Bun's.
  if (typeof process.versions.deno === "string") return false;
  if (script === undefined || !url.startsWith("file:")) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(url));
  } catch {
    return false;
  }
}

/**
 * Ends the process with `code` once standard output and error are flushed.
 *
 * @example Usage
 * ```ts ignore
 * exitNode(await main(nodeArgs(), nodeCliIo));
 * ```
 */
export function exitNode(code: number): void {
  process.exitCode = code;
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}
