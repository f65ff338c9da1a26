/**
 * Throughput receiver, after libzmq's `perf/local_thr`: binds a PULL socket,
 * receives `<message-count>` messages of `<message-size>` bytes and reports
 * msg/s and MB/s (10^6 payload bytes/s) from the first message to the last.
 * Pair it with `remote_thr.ts`, with libzmq's `remote_thr` or with
 * `peers/remote_thr.c`.
 *
 * With an `inproc://` endpoint the sender runs in this process too.
 *
 * ```sh
 * deno run -A bench/local_thr.ts tcp://127.0.0.1:5555 16 1000000
 * deno run -A bench/local_thr.ts inproc://thr 16 1000000
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
  receiveLoop,
  reportThroughput,
  sendLoop,
  watchdog,
} from "./_zmq.ts";

const TOOL = "local_thr";

main(TOOL, async () => {
  const args = parseArgs(TOOL, "message-count");
  const stop = watchdog(TOOL, args.timeoutMs, () => `${progress.received} of ${args.count} received`);
  const zmq = await loadZmq(args.lib);
  const pull = new zmq.Pull() as unknown as BenchSocket;
  await pull.bind(args.endpoint);
  console.log(`endpoint: ${pull.lastEndpoint ?? args.endpoint}`);
  let sender: Promise<void> = Promise.resolve();
  let push: BenchSocket | null = null;
  if (args.endpoint.startsWith("inproc://")) {
    push = new zmq.Push() as unknown as BenchSocket;
    push.connect(args.endpoint);
    sender = sendLoop(push, args.size, args.count);
  }
  const result = await receiveLoop(pull, args.size, args.count);
  await sender;
  stop();
  reportThroughput(TOOL, args.lib, args.size, args.count, result);
  if (push !== null) await closeSocket(push);
  await closeSocket(pull);
});
