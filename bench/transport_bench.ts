/**
 * Transports side by side: PUSH/PULL throughput over inproc, ipc and tcp
 * (loopback) in one run, for small messages (16 B) and 64 KiB messages.
 * Each iteration pumps a batch of messages from a Push to a Pull (sending and
 * receiving concurrently, default high-water marks); socket setup is outside
 * the timed part. tcp is the baseline of each group.
 *
 * Run: `deno bench -A bench/transport_bench.ts`
 *
 * @module
 */

import { Pull, Push } from "../mod.ts";

const TRANSPORTS = ["tcp", "ipc", "inproc"] as const;
type Transport = typeof TRANSPORTS[number];
const CASES = [
  { label: "16 B", size: 16, count: 20_000 },
  { label: "64 KiB", size: 64 * 1024, count: 1_000 },
];

let serial = 0;

async function rig(transport: Transport): Promise<{ push: Push; pull: Pull; close: () => Promise<void> }> {
  const pull = new Pull();
  const push = new Push();
  let dir: string | null = null;
  if (transport === "tcp") await pull.bind("tcp://127.0.0.1:*");
  else if (transport === "ipc") {
    dir = await Deno.makeTempDir({ prefix: "zmq-ts-bench-" });
    await pull.bind(`ipc://${dir}/s`);
  } else await pull.bind(`inproc://bench-${serial++}`);
  push.connect(pull.lastEndpoint!);
  await push.send("warm-up");
  await pull.receive();
  return {
    push,
    pull,
    close: async () => {
      await Promise.all([push[Symbol.asyncDispose](), pull[Symbol.asyncDispose]()]);
      if (dir !== null) await Deno.remove(dir, { recursive: true });
    },
  };
}

async function pump(push: Push, pull: Pull, frame: Uint8Array, count: number): Promise<void> {
  const sending = (async () => {
    for (let i = 0; i < count; i++) await push.send(frame);
  })();
  for (let i = 0; i < count; i++) await pull.receive();
  await sending;
}

for (const { label, size, count } of CASES) {
  const frame = new Uint8Array(size).fill(0x5a);
  for (const transport of TRANSPORTS) {
    Deno.bench({
      name: `${transport} push/pull ${label} x${count}`,
      group: `push/pull ${label}`,
      baseline: transport === "tcp",
      n: 10,
      warmup: 2,
      async fn(b) {
        const { push, pull, close } = await rig(transport);
        b.start();
        await pump(push, pull, frame, count);
        b.end();
        await close();
      },
    });
  }
}
