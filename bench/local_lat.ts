/**
 * Latency server, after libzmq's `perf/local_lat`: binds a REP socket and
 * echoes `<roundtrip-count>` messages of `<message-size>` bytes. The client
 * (`remote_lat.ts`, libzmq's `remote_lat` or `peers/remote_lat.c`) measures.
 *
 * With an `inproc://` endpoint the client runs in this process too, and this
 * tool reports the latency.
 *
 * ```sh
 * deno run -A bench/local_lat.ts tcp://127.0.0.1:5556 16 10000
 * ```
 *
 * Flags: `--lib=zmq-ts|zeromq`, `--timeout=SECONDS` (see `_zmq.ts`).
 *
 * @module
 */

import {
  type BenchSocket,
  closeSocket,
  echoLoop,
  type LatencyStats,
  loadZmq,
  main,
  parseArgs,
  progress,
  reportLatency,
  requestLoop,
  watchdog,
  watchPeerGone,
} from "./_zmq.ts";

const TOOL = "local_lat";

main(TOOL, async () => {
  const args = parseArgs(TOOL, "roundtrip-count");
  const stop = watchdog(TOOL, args.timeoutMs, () => `${progress.sent} of ${args.count} echoed`);
  const zmq = await loadZmq(args.lib);
  const rep = new zmq.Reply({ linger: args.timeoutMs }) as unknown as BenchSocket;
  const peerGone = watchPeerGone(rep);
  await rep.bind(args.endpoint);
  console.log(`endpoint: ${rep.lastEndpoint ?? args.endpoint}`);
  let client: Promise<LatencyStats> | null = null;
  let req: BenchSocket | null = null;
  if (args.endpoint.startsWith("inproc://")) {
    req = new zmq.Request() as unknown as BenchSocket;
    req.connect(args.endpoint);
    client = requestLoop(req, args.size, args.count);
  }
  await echoLoop(rep, args.size, args.count);
  if (client !== null) reportLatency(TOOL, args.lib, args.size, args.count, await client);
  else await peerGone(Math.min(30_000, args.timeoutMs)); // the last reply has arrived once the client hangs up
  stop();
  if (req !== null) await closeSocket(req);
  await closeSocket(rep);
});
