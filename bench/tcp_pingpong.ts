/**
 * The latency floor: a bare Deno TCP ping-pong with the same message size and
 * the same reporting as `remote_lat.ts` (one-way latency = round trip / 2;
 * mean, p50, p99; the first round trip not counted). No ZeroMQ, no framing:
 * the server echoes whatever it reads, the client writes `<message-size>`
 * bytes and reads until it has them all back. TCP_NODELAY is on, as in
 * libzmq and zmq-ts.
 *
 * ```sh
 * deno run -A bench/tcp_pingpong.ts local tcp://127.0.0.1:* 16 10000    # prints "endpoint: tcp://127.0.0.1:<port>"
 * deno run -A bench/tcp_pingpong.ts remote tcp://127.0.0.1:<port> 16 10000
 * ```
 *
 * Exits 1 on error, 3 after `--timeout=SECONDS` (default 120), 2 on bad arguments.
 *
 * @module
 */

import { latencyStats, reportLatency } from "./_zmq.ts";

const TOOL = "tcp_pingpong";

function usage(message: string): never {
  console.error(`${TOOL}: ${message}`);
  console.error(
    `usage: ${TOOL} local|remote tcp://<host>:<port|*> <message-size> <roundtrip-count> [--timeout=SECONDS]`,
  );
  Deno.exit(2);
}

function parse(): { role: string; host: string; port: number; size: number; count: number; timeoutMs: number } {
  const positional = Deno.args.filter((a) => !a.startsWith("--"));
  const timeoutArg = Deno.args.find((a) => a.startsWith("--timeout="));
  const timeoutMs = timeoutArg === undefined ? 120_000 : Number(timeoutArg.slice(10)) * 1000;
  if (positional.length !== 4) usage("expected four arguments");
  const [role, endpoint, sizeText, countText] = positional;
  const m = /^tcp:\/\/(.+):(\d+|\*)$/.exec(endpoint);
  if (role !== "local" && role !== "remote") usage(`role must be local or remote, not ${role}`);
  if (m === null) usage(`not a tcp:// endpoint: ${endpoint}`);
  const size = Number(sizeText);
  const count = Number(countText);
  if (!Number.isInteger(size) || size < 1) usage(`bad message size ${sizeText}`);
  if (!Number.isInteger(count) || count < 1) usage(`bad roundtrip count ${countText}`);
  if (!(timeoutMs > 0)) usage("bad timeout");
  return { role, host: m[1].replace(/^\[|\]$/g, ""), port: m[2] === "*" ? 0 : Number(m[2]), size, count, timeoutMs };
}

/** Reads exactly `buf.length` bytes into `buf`. */
async function readFull(conn: Deno.Conn, buf: Uint8Array): Promise<void> {
  let got = 0;
  while (got < buf.length) {
    const n = await conn.read(got === 0 ? buf : buf.subarray(got));
    if (n === null) throw new Error("connection closed by peer");
    got += n;
  }
}

/** Writes all of `buf`. */
async function writeFull(conn: Deno.Conn, buf: Uint8Array): Promise<void> {
  let done = 0;
  while (done < buf.length) done += await conn.write(done === 0 ? buf : buf.subarray(done));
}

async function server(host: string, port: number, size: number, count: number): Promise<void> {
  const listener = Deno.listen({ hostname: host, port });
  const addr = listener.addr as Deno.NetAddr;
  console.log(`endpoint: tcp://${addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname}:${addr.port}`);
  const conn = await listener.accept();
  listener.close();
  conn.setNoDelay(true);
  // Echo byte for byte until `count` messages' worth went back.
  const buf = new Uint8Array(Math.max(size, 64 * 1024));
  let left = size * count;
  while (left > 0) {
    const n = await conn.read(buf);
    if (n === null) throw new Error("connection closed by peer");
    await writeFull(conn, buf.subarray(0, n));
    left -= n;
  }
  conn.close();
}

async function client(host: string, port: number, size: number, count: number): Promise<void> {
  const conn = await Deno.connect({ hostname: host, port });
  conn.setNoDelay(true);
  const out = new Uint8Array(size);
  const back = new Uint8Array(size);
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await writeFull(conn, out);
    await readFull(conn, back);
    samples[i] = performance.now() - start;
  }
  conn.close();
  reportLatency(TOOL, "deno-tcp", size, count, latencyStats(count > 1 ? samples.subarray(1) : samples));
}

if (import.meta.main) {
  const args = parse();
  const timer = setTimeout(() => {
    console.error(`${TOOL}: timed out after ${args.timeoutMs / 1000} s`);
    Deno.exit(3);
  }, args.timeoutMs);
  try {
    if (args.role === "local") await server(args.host, args.port, args.size, args.count);
    else await client(args.host, args.port, args.size, args.count);
  } catch (err) {
    console.error(`${TOOL}: error: ${err instanceof Error ? err.message : err}`);
    Deno.exit(1);
  }
  clearTimeout(timer);
}
