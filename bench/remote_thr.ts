/**
 * Throughput sender, after libzmq's `perf/remote_thr`: connects a PUSH socket
 * and sends `<message-count>` messages of `<message-size>` zero bytes (one
 * buffer, sent again and again), then waits for the receiver to hang up
 * (see `watchPeerGone` in `_zmq.ts`) and closes with a linger as long as the
 * timeout, so that every message is delivered. The
 * receiver (`local_thr.ts`, libzmq's `local_thr` or `peers/local_thr.c`)
 * does the measuring.
 *
 * ```sh
 * deno run -A bench/remote_thr.ts tcp://127.0.0.1:5555 16 1000000
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
  sendLoop,
  watchdog,
  watchPeerGone,
} from "./_zmq.ts";

const TOOL = "remote_thr";

main(TOOL, async () => {
  const args = parseArgs(TOOL, "message-count");
  const stop = watchdog(TOOL, args.timeoutMs, () => `${progress.sent} of ${args.count} sent`);
  const zmq = await loadZmq(args.lib);
  const push = new zmq.Push({ linger: args.timeoutMs }) as unknown as BenchSocket;
  const peerGone = watchPeerGone(push);
  push.connect(args.endpoint);
  await sendLoop(push, args.size, args.count);
  await peerGone(Math.min(30_000, args.timeoutMs));
  await closeSocket(push);
  stop();
});
