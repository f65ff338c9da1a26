/**
 * Throughput sender, after libzmq's `perf/remote_thr`: connects a PUSH socket
 * and sends `<message-count>` messages of `<message-size>` zero bytes, then
 * closes with a linger as long as the timeout, so that every message is
 * delivered (libzmq's tool relies on the default infinite linger). The
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

import { type BenchSocket, closeSocket, loadZmq, main, parseArgs, progress, sendLoop, watchdog } from "./_zmq.ts";

const TOOL = "remote_thr";

main(TOOL, async () => {
  const args = parseArgs(TOOL, "message-count");
  const stop = watchdog(TOOL, args.timeoutMs, () => `${progress.sent} of ${args.count} sent`);
  const zmq = await loadZmq(args.lib);
  const push = new zmq.Push({ linger: args.timeoutMs }) as unknown as BenchSocket;
  push.connect(args.endpoint);
  await sendLoop(push, args.size, args.count);
  await closeSocket(push);
  stop();
});
