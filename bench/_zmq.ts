/**
 * Shared part of the end-to-end perf tools (`local_thr.ts`, `remote_thr.ts`,
 * `local_lat.ts`, `remote_lat.ts`): it picks the ZeroMQ library and holds the
 * measuring loops, so every library and runtime runs exactly the same code.
 *
 * The library comes from `--lib=zmq-ts|zeromq` (or `ZMQ_LIB`), default
 * `zmq-ts`:
 *
 * - Deno, `zmq-ts`: `../mod.ts`.
 * - Node or Bun, `zmq-ts`: the npm build, `ZMQ_TS_NPM` (a path or file URL)
 *   or else `../npm/dist/index.mjs` next to this file.
 * - Node, `zeromq`: the `zeromq` package (zeromq.js 6, libzmq inside), or the
 *   file `ZMQ_ZEROMQ_JS` names (`compare.ts` passes its absolute path). It does
 *   not load in Bun and hangs on REQ/REP under Deno, so it is refused there.
 *
 * Both libraries have the zeromq.js v6 API (`new Push()`, `bind`, `connect`,
 * `send`, `receive`, `close`), which is all the loops use.
 *
 * Every tool prints libzmq's human-readable lines, then one machine-readable
 * line `RESULT {json}` that `compare.ts` parses. Binding tools also print
 * `endpoint: <address>` once bound (so `tcp://127.0.0.1:*` works). Errors exit
 * with status 1, the watchdog (`--timeout=SECONDS`, default 120) with 3, bad
 * arguments with 2.
 *
 * @module
 */

import process from "node:process";
import type * as ZmqTs from "../mod.ts";

/** The libraries the tools can run against. */
export type LibName = "zmq-ts" | "zeromq";
/** The JavaScript runtimes the tools can run on. */
export type RuntimeName = "deno" | "node" | "bun";

/** What the tools use of a library: the four socket classes. */
export type Zmq = Pick<typeof ZmqTs, "Push" | "Pull" | "Request" | "Reply">;

/** A socket as the loops see it (zmq-ts and zeromq.js both fit). */
export interface BenchSocket {
  bind(endpoint: string): Promise<void>;
  connect(endpoint: string): void;
  send(message: Uint8Array): Promise<void>;
  receive(): Promise<Uint8Array[]>;
  close(): void;
  readonly lastEndpoint: string | null;
  readonly events: { on(type: "disconnect", listener: () => void): unknown };
}

/** The runtime this process runs on. */
export const runtime: RuntimeName = "Deno" in globalThis
  ? "deno"
  : typeof process.versions.bun === "string"
  ? "bun"
  : "node";

/** The runtime's version, e.g. `deno 2.9.6`. */
export function runtimeVersion(): string {
  if (runtime === "deno") return `deno ${process.versions.deno}`;
  if (runtime === "bun") return `bun ${process.versions.bun}`;
  return `node ${process.versions.node}`;
}

/** Parsed command line: the three libzmq positional arguments and our flags. */
export interface ToolArgs {
  endpoint: string;
  size: number;
  count: number;
  lib: LibName;
  timeoutMs: number;
}

/** Prints usage and exits with status 2. */
function usage(tool: string, third: string, message: string): never {
  console.error(`${tool}: ${message}`);
  console.error(
    `usage: ${tool} <endpoint> <message-size> <${third}> [--lib=zmq-ts|zeromq] [--timeout=SECONDS]`,
  );
  process.exit(2);
}

/** Parses `<endpoint> <message-size> <count>` plus `--lib=` and `--timeout=`. */
export function parseArgs(tool: string, third: string): ToolArgs {
  const positional: string[] = [];
  let lib = (process.env.ZMQ_LIB ?? "zmq-ts") as string;
  let timeout = 120;
  for (const arg of process.argv.slice(2)) {
    if (arg.startsWith("--lib=")) lib = arg.slice(6);
    else if (arg.startsWith("--timeout=")) timeout = Number(arg.slice(10));
    else if (arg.startsWith("--")) usage(tool, third, `unknown flag ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 3) usage(tool, third, "expected three arguments");
  const [endpoint, sizeText, countText] = positional;
  const size = Number(sizeText);
  const count = Number(countText);
  if (!Number.isInteger(size) || size < 0) usage(tool, third, `bad message size ${sizeText}`);
  if (!Number.isInteger(count) || count < 1) usage(tool, third, `bad ${third} ${countText}`);
  if (lib !== "zmq-ts" && lib !== "zeromq") usage(tool, third, `unknown library ${lib}`);
  if (!(timeout > 0)) usage(tool, third, `bad timeout ${timeout}`);
  return { endpoint, size, count, lib, timeoutMs: timeout * 1000 };
}

/** Loads the library (see the module doc for where it comes from). */
export async function loadZmq(lib: LibName): Promise<Zmq> {
  if (lib === "zeromq") {
    if (runtime !== "node") throw new Error(`zeromq.js is only benchmarked on Node (this is ${runtime})`);
    // A variable, so neither deno check nor esbuild tries to resolve it; ZMQ_ZEROMQ_JS may point at a copy.
    const name = process.env.ZMQ_ZEROMQ_JS || "zeromq";
    return await import(name) as Zmq;
  }
  if (runtime === "deno") {
    return await import(new URL("../mod.ts", import.meta.url).href) as Zmq;
  }
  const given = process.env.ZMQ_TS_NPM;
  const url = given === undefined || given === ""
    ? new URL("../npm/dist/index.mjs", import.meta.url).href
    : given.startsWith("file:")
    ? given
    : new URL(`file://${given}`).href;
  try {
    return await import(url) as Zmq;
  } catch (err) {
    throw new Error(`cannot load the zmq-ts npm build from ${url} (run \`deno task npm:build\`): ${err}`);
  }
}

/** Starts the watchdog: after `ms`, print what was going on and exit with status 3. */
export function watchdog(tool: string, ms: number, progress: () => string): () => void {
  const timer = setTimeout(() => {
    console.error(`${tool}: timed out after ${ms / 1000} s (${progress()})`);
    process.exit(3);
  }, ms);
  return () => clearTimeout(timer);
}

/** Resident set size of this process in bytes. */
export function rss(): number {
  return process.memoryUsage().rss;
}

/** Prints the machine-readable result line. */
export function report(result: Record<string, unknown>): void {
  console.log(`RESULT ${JSON.stringify({ ...result, runtime: runtimeVersion() })}`);
}

/** Keeps a timer from holding the process open. */
function unref(timer: unknown): void {
  const deno = (globalThis as { Deno?: { unrefTimer(id: number): void } }).Deno;
  if (typeof timer === "number" && deno !== undefined) deno.unrefTimer(timer);
  else (timer as { unref?: () => void }).unref?.();
}

/** How long a tool may take to exit once its work is done. */
const EXIT_GRACE_MS = 30_000;

/**
 * Runs a tool's main function. On success the process ends by itself, so that
 * zeromq.js can flush lingering messages at exit (`process.exit()` would drop
 * them); if something keeps it alive it exits with 3 after a grace period. On
 * failure it prints the error and exits with 1.
 */
export function main(tool: string, fn: () => Promise<void>): void {
  fn().then(
    () => {
      process.exitCode = 0;
      unref(setTimeout(() => {
        console.error(`${tool}: did not exit ${EXIT_GRACE_MS / 1000} s after finishing`);
        process.exit(3);
      }, EXIT_GRACE_MS));
    },
    (err) => {
      console.error(`${tool}: error: ${err instanceof Error ? err.stack ?? err.message : err}`);
      process.exit(1);
    },
  );
}

/** Closes a socket and waits for its linger to end where the library lets us (zmq-ts). */
export async function closeSocket(socket: BenchSocket): Promise<void> {
  const dispose = (socket as Partial<AsyncDisposable>)[Symbol.asyncDispose];
  if (typeof dispose === "function") await dispose.call(socket);
  else socket.close();
}

/**
 * Watches for a peer's disconnection; call it right after creating the socket.
 * The returned function waits (at most `ms`) until a peer has gone.
 *
 * A side that sends last (the throughput sender, the latency server) waits for
 * its peer to hang up before closing: then every message has arrived. libzmq
 * gets this from its linger; zeromq.js 6.8 needs it, because at process exit
 * it frees buffers that libzmq is still sending (a REP server echoing 1 MiB
 * messages crashes with SIGSEGV on exit, and the last reply is lost).
 */
export function watchPeerGone(socket: BenchSocket): (ms: number) => Promise<void> {
  let gone = false;
  let wake: (() => void) | null = null;
  socket.events.on("disconnect", () => {
    gone = true;
    wake?.();
  });
  return (ms) =>
    gone ? Promise.resolve() : new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
}

/** Throws unless `msg` is one frame of `size` bytes. */
function check(msg: Uint8Array[], size: number): void {
  if (msg.length !== 1 || msg[0].byteLength !== size) {
    throw new Error(
      `message of incorrect size received: ${msg.length} frame(s), ${msg.map((f) => f.byteLength).join("+")} B`,
    );
  }
}

/** Progress counters, read by the watchdog. */
export const progress = { received: 0, sent: 0 };

/** Throughput receiver: receives `count` messages, timed from the first to the last. */
export async function receiveLoop(
  pull: BenchSocket,
  size: number,
  count: number,
): Promise<{ seconds: number; rssStart: number; rssEnd: number }> {
  check(await pull.receive(), size);
  progress.received = 1;
  const rssStart = rss();
  const start = performance.now();
  for (let i = 1; i < count; i++) {
    const msg = await pull.receive();
    if (msg.length !== 1 || msg[0].byteLength !== size) check(msg, size);
    progress.received++;
  }
  const seconds = (performance.now() - start) / 1000;
  return { seconds, rssStart, rssEnd: rss() };
}

/** Throughput sender: sends `count` messages of `size` zero bytes. */
export async function sendLoop(push: BenchSocket, size: number, count: number): Promise<void> {
  const body = new Uint8Array(size);
  for (let i = 0; i < count; i++) {
    await push.send(body);
    progress.sent++;
  }
}

/** Latency server: echoes `count` messages. */
export async function echoLoop(rep: BenchSocket, size: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const msg = await rep.receive();
    check(msg, size);
    progress.received++;
    await rep.send(msg[0]);
    progress.sent++;
  }
}

/** Latency statistics in µs, one-way (round trip / 2, as libzmq reports). */
export interface LatencyStats {
  meanUs: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

/**
 * Latency client: `count` round trips. The first one (which carries the
 * connection set-up) is made but not counted; the others are timed one by one.
 */
export async function requestLoop(req: BenchSocket, size: number, count: number): Promise<LatencyStats> {
  const body = new Uint8Array(size);
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await req.send(body);
    const msg = await req.receive();
    samples[i] = performance.now() - start;
    if (msg.length !== 1 || msg[0].byteLength !== size) check(msg, size);
    progress.sent++;
  }
  return latencyStats(count > 1 ? samples.subarray(1) : samples);
}

/** Mean, p50, p99 and max of round-trip times in ms, as one-way µs. */
export function latencyStats(rttMs: Float64Array): LatencyStats {
  const sorted = Float64Array.from(rttMs).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const oneWayUs = (ms: number) => (ms * 1000) / 2;
  return {
    meanUs: oneWayUs(sum / sorted.length),
    p50Us: oneWayUs(at(0.5)),
    p99Us: oneWayUs(at(0.99)),
    maxUs: oneWayUs(sorted[sorted.length - 1]),
  };
}

/** Prints libzmq's throughput lines and the RESULT line. */
export function reportThroughput(
  tool: string,
  lib: string,
  size: number,
  count: number,
  r: { seconds: number; rssStart: number; rssEnd: number },
): void {
  const msgPerSec = (count - 1) / r.seconds;
  const mbPerSec = (msgPerSec * size) / 1e6;
  console.log(`message size: ${size} [B]`);
  console.log(`message count: ${count}`);
  console.log(`mean throughput: ${Math.round(msgPerSec)} [msg/s]`);
  console.log(`mean throughput: ${(mbPerSec * 8).toFixed(3)} [Mb/s]`);
  report({
    tool,
    kind: "thr",
    lib,
    size,
    count,
    seconds: r.seconds,
    msgPerSec,
    mbPerSec,
    rssStart: r.rssStart,
    rssEnd: r.rssEnd,
  });
}

/** Prints libzmq's latency lines plus percentiles, and the RESULT line. */
export function reportLatency(tool: string, lib: string, size: number, count: number, s: LatencyStats): void {
  console.log(`message size: ${size} [B]`);
  console.log(`roundtrip count: ${count}`);
  console.log(`average latency: ${s.meanUs.toFixed(3)} [us]`);
  console.log(`p50 latency: ${s.p50Us.toFixed(3)} [us]`);
  console.log(`p99 latency: ${s.p99Us.toFixed(3)} [us]`);
  report({ tool, kind: "lat", lib, size, count, ...s, rssEnd: rss() });
}
