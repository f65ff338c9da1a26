#!/usr/bin/env -S deno run -A
/**
 * The zmq-ts command-line tool for Deno: ZeroMQ sockets from the shell.
 *
 * ```sh
 * deno run -A jsr:@zmq-ts/zmq/cli --help
 * deno run -A https://raw.githubusercontent.com/zmq-ts/zmq-ts/v0.1.0/cli.ts rep --bind tcp://127.0.0.1:5555 --echo
 * ```
 *
 * Run as a program it binds the Deno runtime (standard streams, SIGINT and
 * SIGTERM) and exits with the command's exit code. Imported, it exports
 * {@linkcode main}, which runs the tool with the streams you give it.
 * Permissions: `--allow-net` for tcp, `--allow-read --allow-write
 * --allow-net` for ipc (or `-A`).
 *
 * @module
 */

import "./mod.ts"; // binds the Deno runtime to the default context
import { main } from "./src/cli/main.ts";
import { denoArgs, denoCliIo, exitDeno } from "./src/runtime/deno_io.ts";

export { main } from "./src/cli/main.ts";
export type { CliIo, InterruptSignal } from "./src/runtime/stdio.ts";
export { EXIT } from "./src/cli/exit_codes.ts";

if (import.meta.main) await exitDeno(await main(denoArgs(), denoCliIo));
