/**
 * `zmq-ts perf thr|lat`: libzmq's perf tools behind one command.
 *
 * - `perf thr local ENDPOINT` binds a PULL socket and measures the
 *   throughput of what arrives (libzmq's `local_thr`); `perf thr remote
 *   ENDPOINT` connects a PUSH socket and sends (`remote_thr`).
 * - `perf lat local ENDPOINT` binds a REP socket that echoes (`local_lat`);
 *   `perf lat remote ENDPOINT` connects a REQ socket, makes the round trips
 *   and prints the latency (`remote_lat`).
 * - Without `local`/`remote`, both ends run in this process over ENDPOINT
 *   (default `tcp://127.0.0.1:*`).
 *
 * The figures are printed as libzmq prints them (`mean throughput: N
 * [msg/s]`, `[Mb/s]`, `average latency: N [us]`, one-way latency being
 * half a round trip), plus MB/s and latency percentiles.
 *
 * @module
 */

import { Pull } from "../../sockets/pull.ts";
import { Push } from "../../sockets/push.ts";
import { Reply } from "../../sockets/reply.ts";
import { Request } from "../../sockets/request.ts";
import type { Readable, Socket } from "../../sockets/socket.ts";
import { type CommandSpec, parseArgs } from "../args.ts";
import { aborted, type CommandContext, interruptOf } from "../context.ts";
import { CliError, EXIT, UsageError } from "../exit_codes.ts";
import { Progress } from "../progress.ts";

/** The spec of `perf`. */
export const PERF_SPEC: CommandSpec = {
  name: "perf",
  usage: "perf thr|lat [local|remote] [ENDPOINT [SIZE [COUNT]]] [options]",
  summary: "Measure throughput (thr) or latency (lat), as libzmq's local_thr/remote_thr/local_lat/remote_lat.",
  description: "local binds and remote connects, as in libzmq: start the local end first. Without local or " +
    "remote both ends run in this process. SIZE and COUNT may also be given as --size and --count.",
  flags: [
    { name: "size", kind: "integer", value: "BYTES", help: "message size", default: 64 },
    { name: "count", short: "n", kind: "integer", value: "N", help: "messages (thr) or round trips (lat)" },
    { name: "json", kind: "boolean", help: "print the figures as one JSON object" },
    { name: "no-progress", kind: "boolean", help: "never draw the progress line" },
  ],
  examples: [
    "zmq-ts perf thr --size 64 --count 100000",
    "zmq-ts perf thr local tcp://127.0.0.1:5555 64 100000   # then, elsewhere:",
    "zmq-ts perf thr remote tcp://127.0.0.1:5555 64 100000",
    "zmq-ts perf lat --size 64 --count 10000",
  ],
};

const DEFAULT_COUNT = { thr: 100_000, lat: 10_000 } as const;

interface Figures {
  [name: string]: number | string;
}

function print(ctx: CommandContext, json: boolean, figures: Figures, lines: string[]): Promise<void> | void {
  const text = json ? JSON.stringify(figures) + "\n" : lines.join("\n") + "\n";
  return ctx.io.writeStdout(new TextEncoder().encode(text));
}

async function receiveChecked(socket: Readable, size: number): Promise<void> {
  const message = await socket.receive();
  if (message.length !== 1 || message[0].length !== size) {
    throw new CliError(EXIT.ERROR, `message of the wrong size: expected one frame of ${size} bytes`);
  }
}

/** local_thr: receives `count` messages and reports the throughput from the first to the last. */
async function localThr(pull: Pull, size: number, count: number, progress: Progress): Promise<Figures> {
  await receiveChecked(pull, size);
  progress.add(1, size);
  const start = performance.now();
  for (let i = 1; i < count; i++) {
    await receiveChecked(pull, size);
    progress.add(1, size);
  }
  const elapsedUs = Math.max((performance.now() - start) * 1000, 1);
  const msgs = (count / elapsedUs) * 1_000_000;
  return {
    messageSize: size,
    messageCount: count,
    throughput: Math.round(msgs),
    megabits: (msgs * size * 8) / 1_000_000,
    megabytes: (msgs * size) / 1_000_000,
  };
}

async function remoteThr(push: Push, size: number, count: number): Promise<void> {
  const body = new Uint8Array(size);
  for (let i = 0; i < count; i++) await push.send(body);
}

async function localLat(rep: Reply, size: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const message = await rep.receive();
    if (message.length !== 1 || message[0].length !== size) {
      throw new CliError(EXIT.ERROR, `message of the wrong size: expected one frame of ${size} bytes`);
    }
    await rep.send(message);
  }
}

async function remoteLat(req: Request, size: number, count: number, progress: Progress): Promise<Figures> {
  const body = new Uint8Array(size);
  const trips = new Float64Array(count);
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await req.send(body);
    await receiveChecked(req, size);
    trips[i] = performance.now() - t;
    progress.add(1, size);
  }
  const elapsedUs = (performance.now() - start) * 1000;
  trips.sort();
  const oneWay = (q: number) => (trips[Math.min(count - 1, Math.floor(q * count))] * 1000) / 2;
  return {
    messageSize: size,
    roundtripCount: count,
    averageLatency: elapsedUs / (count * 2),
    p50: oneWay(0.5),
    p99: oneWay(0.99),
  };
}

function thrLines(f: Figures): string[] {
  return [
    `message size: ${f.messageSize} [B]`,
    `message count: ${f.messageCount}`,
    `mean throughput: ${f.throughput} [msg/s]`,
    `mean throughput: ${(f.megabits as number).toFixed(3)} [Mb/s]`,
    `mean throughput: ${(f.megabytes as number).toFixed(3)} [MB/s]`,
  ];
}

function latLines(f: Figures): string[] {
  return [
    `message size: ${f.messageSize} [B]`,
    `roundtrip count: ${f.roundtripCount}`,
    `average latency: ${(f.averageLatency as number).toFixed(3)} [us]`,
    `latency p50: ${(f.p50 as number).toFixed(3)} [us]`,
    `latency p99: ${(f.p99 as number).toFixed(3)} [us]`,
  ];
}

/**
 * Runs `perf`.
 *
 * @example Usage
 * ```ts ignore
 * await runPerf(["thr", "--size", "64", "--count", "1000"], ctx);
 * ```
 */
export async function runPerf(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, PERF_SPEC);
  const [test, ...rest] = args.positionals;
  if (test !== "thr" && test !== "lat") throw new UsageError("perf needs thr or lat (see zmq-ts perf --help)");
  let role: "local" | "remote" | "both" = "both";
  if (rest[0] === "local" || rest[0] === "remote") role = rest.shift() as "local" | "remote";
  const endpoint = rest.shift() ?? (role === "both" ? "tcp://127.0.0.1:*" : undefined);
  if (endpoint === undefined) throw new UsageError(`perf ${test} ${role} needs an ENDPOINT`);
  const number = (text: string | undefined, name: string, fallback: number): number => {
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${name} must be a positive whole number`);
    return Number(text);
  };
  const size = number(rest.shift(), "SIZE", args.integer("size")!);
  const count = number(rest.shift(), "COUNT", args.integer("count") ?? DEFAULT_COUNT[test]);
  if (rest.length > 0) throw new UsageError(`perf: unexpected argument "${rest[0]}"`);
  if (size < 0) throw new UsageError("--size must not be negative");
  const json = args.boolean("json");
  const progress = new Progress(ctx.io, test === "thr" ? "received" : "round trips", {});
  const sockets: Socket[] = [];
  const open = <S extends Socket>(socket: S): S => (sockets.push(socket), socket);
  const run = async (): Promise<void> => {
    if (test === "thr") {
      const pull = role === "remote" ? null : open(new Pull({ receiveHighWaterMark: 1000 }));
      if (pull !== null) {
        await pull.bind(endpoint);
        ctx.note(`bound to ${pull.lastEndpoint}`);
      }
      const push = role === "local" ? null : open(new Push({ sendHighWaterMark: 1000 }));
      push?.connect(pull?.lastEndpoint ?? endpoint);
      const [figures] = await Promise.all([
        pull === null ? null : localThr(pull, size, count, progress),
        push === null ? null : remoteThr(push, size, count).then(() => push[Symbol.asyncDispose]()),
      ]);
      if (figures !== null) await print(ctx, json, figures, thrLines(figures));
    } else {
      const rep = role === "remote" ? null : open(new Reply());
      if (rep !== null) {
        await rep.bind(endpoint);
        ctx.note(`bound to ${rep.lastEndpoint}`);
      }
      const req = role === "local" ? null : open(new Request());
      req?.connect(rep?.lastEndpoint ?? endpoint);
      const [, figures] = await Promise.all([
        rep === null ? null : localLat(rep, size, count),
        req === null ? null : remoteLat(req, size, count, progress),
      ]);
      if (figures !== null) await print(ctx, json, figures, latLines(figures));
    }
  };
  if (!args.boolean("no-progress")) progress.start();
  try {
    const working = run();
    working.catch(() => {});
    const outcome = await Promise.race([working.then(() => "done" as const), aborted(ctx.signal)]);
    if (outcome === "aborted") return interruptOf(ctx.signal) === "SIGTERM" ? EXIT.TERMINATED : EXIT.INTERRUPTED;
    return EXIT.OK;
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  } finally {
    progress.stop();
    for (const socket of sockets) socket.linger = 0;
    await Promise.all(sockets.map((s) => s[Symbol.asyncDispose]()));
  }
}
