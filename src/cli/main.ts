/**
 * The command-line tool's entry: picks the command, runs it with the
 * standard streams it is given, and turns every outcome into an exit code
 * ({@linkcode EXIT}). Runtime-neutral: `cli.ts` (Deno) and `npm/cli.ts`
 * (Node.js, Bun) bind the streams and signals and exit with the result.
 *
 * @module
 */

import { ZmqError } from "../errors.ts";
import { explain } from "./exit_codes.ts";
import { version, zmtpVersion } from "../version.ts";
import { formatHelp } from "./args.ts";
import { KEYGEN_SPEC, runKeygen } from "./commands/keygen.ts";
import { MONITOR_SPEC, runMonitor } from "./commands/monitor.ts";
import { PERF_SPEC, runPerf } from "./commands/perf.ts";
import { PROXY_SPEC, runProxy } from "./commands/proxy.ts";
import { isSocketCommand, runSocketCommand, socketCommandHelp, socketCommandSpec } from "./commands/socket.ts";
import type { CommandContext } from "./context.ts";
import { CliError, EXIT, UsageError } from "./exit_codes.ts";
import type { CliIo } from "../runtime/stdio.ts";
import { SOCKET_TYPES, socketTypeName } from "./sockets.ts";

const OTHER_COMMANDS = {
  keygen: { spec: KEYGEN_SPEC, run: runKeygen },
  proxy: { spec: PROXY_SPEC, run: runProxy },
  monitor: { spec: MONITOR_SPEC, run: runMonitor },
  perf: { spec: PERF_SPEC, run: runPerf },
} as const;

/**
 * The top-level help text.
 *
 * @example Usage
 * ```ts
 * import { mainHelp } from "./main.ts";
 * import assert from "node:assert/strict";
 * assert.match(mainHelp(), /Exit codes:/);
 * ```
 */
export function mainHelp(): string {
  const socketLines = Object.keys(SOCKET_TYPES).map((t) => `  ${t.padEnd(9)}${socketCommandSpec(t).summary}`);
  const otherLines = Object.values(OTHER_COMMANDS).map((c) => `  ${c.spec.name.padEnd(9)}${c.spec.summary}`);
  return [
    "Usage: zmq-ts COMMAND [options]   (zmq-ts COMMAND --help for each command)",
    "",
    "ZeroMQ from the shell: any socket type, bind or connect over tcp://, ipc:// or inproc://,",
    "messages from standard input to peers and from peers to standard output. zmq-ts speaks ZMTP 3.1",
    "and works with libzmq, pyzmq, zeromq.js and the other ZeroMQ implementations.",
    "",
    "Socket commands:",
    ...socketLines,
    "",
    "Other commands:",
    ...otherLines,
    "",
    "Options:",
    "  -h, --help     show this help",
    "  -V, --version  print the version",
    "",
    "Exit codes:",
    "  0    success",
    "  1    an error (a bind, connect or send failed; a permission was refused)",
    "  2    bad arguments",
    "  3    --timeout expired",
    "  4    a handshake failed (authentication, or an incompatible peer)",
    "  130  interrupted (Ctrl-C); sockets were closed first",
    "  143  terminated (SIGTERM); sockets were closed first",
    "",
    "Examples:",
    "  zmq-ts rep --bind tcp://127.0.0.1:5555 --echo &",
    "  zmq-ts req --connect tcp://127.0.0.1:5555 -m hello",
    "  zmq-ts keygen",
    "",
  ].join("\n");
}

const wantsHelp = (args: readonly string[]) => args.includes("--help") || args.includes("-h");

/**
 * Runs the tool with `args` (without the program name) and returns the exit
 * code. Never throws: errors are printed on standard error.
 *
 * @example Usage
 * ```ts
 * import { main } from "./main.ts";
 * import assert from "node:assert/strict";
 * let out = "";
 * const io = {
 *   stdin: async function* () {},
 *   writeStdout: (b: Uint8Array) => void (out += new TextDecoder().decode(b)),
 *   writeStderr: (t: string) => void (out += t),
 *   stdoutIsTerminal: false,
 *   stderrIsTerminal: false,
 *   onInterrupt: () => () => {},
 * };
 * assert.equal(await main(["keygen", "--json"], io), 0);
 * assert.equal(JSON.parse(out).publicKey.length, 40);
 * assert.equal(await main(["frobnicate"], io), 2);
 * ```
 */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  const controller = new AbortController();
  const removeHandler = io.onInterrupt((signal) => {
    if (!controller.signal.aborted) controller.abort(signal);
  });
  const ctx: CommandContext = {
    io,
    signal: controller.signal,
    note: (text) => io.writeStderr(`zmq-ts: ${text}\n`),
  };
  const print = (text: string) => io.writeStdout(new TextEncoder().encode(text));
  try {
    const [command, ...rest] = args;
    if (command === undefined || command === "help" && rest.length === 0 || command === "--help" || command === "-h") {
      await print(mainHelp());
      return command === undefined ? EXIT.USAGE : EXIT.OK;
    }
    if (command === "--version" || command === "-V") {
      await print(`zmq-ts ${version} (ZMTP ${zmtpVersion})\n`);
      return EXIT.OK;
    }
    if (command === "help") return main([rest[0], "--help"], io);
    const type = socketTypeName(command);
    if (type !== undefined && isSocketCommand(type)) {
      if (wantsHelp(rest)) {
        await print(socketCommandHelp(type));
        return EXIT.OK;
      }
      return await runSocketCommand(type, rest, ctx);
    }
    const other = OTHER_COMMANDS[command as keyof typeof OTHER_COMMANDS];
    if (other === undefined) throw new UsageError(`unknown command "${command}" (see zmq-ts --help)`);
    if (wantsHelp(rest)) {
      await print(formatHelp(other.spec));
      return EXIT.OK;
    }
    return await other.run(rest, ctx);
  } catch (err) {
    if (err instanceof CliError) {
      ctx.note(err.message);
      return err.exitCode;
    }
    if (err instanceof ZmqError) {
      ctx.note(`${err.code}: ${explain(err)}`);
      return err.code === "EAGAIN" ? EXIT.TIMEOUT : EXIT.ERROR;
    }
    ctx.note(`unexpected error: ${(err as Error)?.stack ?? err}`);
    return EXIT.ERROR;
  } finally {
    removeHandler();
  }
}
