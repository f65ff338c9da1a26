/**
 * One measurement: a receiver (or REP server) and a sender (or REQ client),
 * each a tool process of its implementation, over a fresh endpoint; or, for
 * `inproc://`, both sides in the server's one process.
 *
 * @module
 */

import type { Kind, Transport } from "./flags.ts";
import type { Impl } from "./implementations.ts";

/** The `RESULT {json}` line a tool prints at the end. */
export interface Result {
  kind: Kind;
  msgPerSec?: number;
  mbPerSec?: number;
  meanUs?: number;
  p50Us?: number;
  p99Us?: number;
  rssStart?: number;
  rssEnd?: number;
  runtime?: string;
}

/** A tool's child process whose output is collected as it arrives. */
export class ToolProcess {
  /** The process. */
  readonly child: Deno.ChildProcess;
  /** The command line it was started with. */
  readonly argv: string[];
  /** Everything printed on stdout so far. */
  stdout = "";
  /** Everything printed on stderr so far. */
  stderr = "";
  /** The exit status once the process ended and its output was read, else null. */
  exit: Deno.CommandStatus | null = null;
  /** Resolves like `exit` is set. */
  readonly status: Promise<Deno.CommandStatus>;
  #listeners: (() => void)[] = [];

  /** Starts `argv` in `cwd` with `env` added to our environment. */
  constructor(argv: string[], options: { cwd: string; env: Record<string, string> }) {
    this.argv = argv;
    this.child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      cwd: options.cwd,
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const pump = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        add(chunk);
        for (const l of this.#listeners) l();
      }
    };
    const out = pump(this.child.stdout, (s) => (this.stdout += s));
    const err = pump(this.child.stderr, (s) => (this.stderr += s));
    this.status = Promise.all([this.child.status, out, err]).then(([s]) => {
      this.exit = s;
      for (const l of this.#listeners) l();
      return s;
    });
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid;
  }

  /** Resolves with the first match of `re` in stdout; rejects if the process ends first. */
  waitFor(re: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.stdout.match(re);
        if (m !== null) {
          this.#listeners = this.#listeners.filter((l) => l !== check);
          resolve(m);
        } else if (this.exit !== null) {
          this.#listeners = this.#listeners.filter((l) => l !== check);
          reject(new Error(`exited with ${this.exit.code} before printing ${re}: ${this.tail()}`));
        }
      };
      this.#listeners.push(check);
      check();
    });
  }

  /** Kills the process (SIGKILL) unless it has ended. */
  kill(): void {
    if (this.exit !== null) return;
    try {
      this.child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }

  /** The parsed `RESULT` line; throws if there is none. */
  result(): Result {
    const line = this.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    if (line === undefined) throw new Error(`no RESULT line: ${this.tail()}`);
    return JSON.parse(line.slice(7));
  }

  /** The last lines of stderr (or stdout), for an error message. */
  tail(): string {
    const text = (this.stderr.trim() || this.stdout.trim()).split("\n").slice(-3).join(" | ");
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  }
}

/** What to measure, and with which implementation on each side. */
export interface Pairing {
  kind: Kind;
  transport: Transport;
  size: number;
  count: number;
  /** The binding side: PULL (`local_thr`) or REP (`local_lat`); for inproc, both. */
  server: Impl;
  /** The connecting side: PUSH (`remote_thr`) or REQ (`remote_lat`). */
  client: Impl;
}

/** How to run a pairing. */
export interface RunOptions {
  /** The temporary directory of the run (ipc sockets go there). */
  tmp: string;
  /** The tools' watchdog (`--timeout`), in seconds; we give up 15 s later. */
  timeoutS: number;
  /** Called with both processes once both run (memory sampling). */
  onStart?: (server: ToolProcess, client: ToolProcess | null) => void;
}

let endpointCounter = 0;

/** `p`, or a rejection after `ms` milliseconds. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms / 1000} s, killed`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs one measurement: the server (or the single inproc process), then the
 * client on the endpoint the server printed; returns the measuring side's
 * result (the receiver for throughput, the REQ side for latency). Both
 * processes are gone when it returns or throws.
 */
export async function runPairing(p: Pairing, o: RunOptions): Promise<Result> {
  const serverTool = p.kind === "thr" ? "local_thr" : "local_lat";
  const clientTool = p.kind === "thr" ? "remote_thr" : "remote_lat";
  const bindTo = p.transport === "tcp"
    ? "tcp://127.0.0.1:*"
    : p.transport === "ipc"
    ? `ipc://${o.tmp}/ipc-${++endpointCounter}.sock`
    : `inproc://bench-${++endpointCounter}`;
  const tail = [String(p.size), String(p.count), `--timeout=${o.timeoutS}`];
  const start = (impl: Impl, tool: string, endpoint: string) =>
    new ToolProcess(impl.cmd(tool, [endpoint, ...tail]), { cwd: impl.cwd, env: { ...impl.env } });
  const procs: ToolProcess[] = [];
  try {
    const server = start(p.server, serverTool, bindTo);
    procs.push(server);
    if (p.transport === "inproc") {
      o.onStart?.(server, null);
      const status = await withTimeout(server.status, (o.timeoutS + 15) * 1000, "inproc run");
      if (!status.success) throw new Error(`${serverTool} exited with ${status.code}: ${server.tail()}`);
      return server.result();
    }
    const [, endpoint] = await withTimeout(server.waitFor(/^endpoint: (\S+)$/m), 30_000, `${serverTool} bind`);
    const client = start(p.client, clientTool, endpoint);
    procs.push(client);
    o.onStart?.(server, client);
    const [s, c] = await withTimeout(
      Promise.all([server.status, client.status]),
      (o.timeoutS + 15) * 1000,
      "run",
    );
    if (!c.success) throw new Error(`${clientTool} (${p.client.id}) exited with ${c.code}: ${client.tail()}`);
    if (!s.success) throw new Error(`${serverTool} (${p.server.id}) exited with ${s.code}: ${server.tail()}`);
    return p.kind === "thr" ? server.result() : client.result();
  } finally {
    for (const proc of procs) proc.kill();
    await Promise.allSettled(procs.map((proc) => proc.status));
  }
}
