/**
 * Latency client, after libzmq's `perf/remote_lat`: connects a REQ socket,
 * makes `<roundtrip-count>` round trips with `<message-size>` bytes and
 * reports the one-way latency (round trip / 2, as libzmq does): mean, p50
 * and p99. The first round trip, which carries the connection set-up, is
 * made but not counted. Pair it with `local_lat.ts`, libzmq's `local_lat` or
 * `peers/local_lat.c`.
 *
 * ```sh
 * deno run -A bench/remote_lat.ts tcp://127.0.0.1:5556 16 10000
 * ```
 *
 * Flags: `--lib=zmq-ts|zeromq`, `--timeout=SECONDS` (see `_zmq.ts`).
 *
 * @module
 */

import {
  type BenchSocket,
  closeSocket,
  loadZmq,
  main,
  parseArgs,
  progress,
  reportLatency,
  requestLoop,
  watchdog,
} from "./_zmq.ts";

const TOOL = "remote_lat";

main(TOOL, async () => {
  const args = parseArgs(TOOL, "roundtrip-count");
  const stop = watchdog(TOOL, args.timeoutMs, () => `${progress.sent} of ${args.count} round trips`);
  const zmq = await loadZmq(args.lib);
  const req = new zmq.Request() as unknown as BenchSocket;
  req.connect(args.endpoint);
  const stats = await requestLoop(req, args.size, args.count);
  stop();
  reportLatency(TOOL, args.lib, args.size, args.count, stats);
  await closeSocket(req);
});
