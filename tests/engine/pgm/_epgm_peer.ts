/**
 * Our epgm:// peer for the interop tests: the PGM sender or receiver
 * modules over the runtime's udp API, run inside a network namespace by
 * `ip netns exec`. Deno (`deno run -A`) or Bun (`bun`).
 *
 * usage: _epgm_peer.ts SPEC_JSON, with SPEC:
 *   { role: "pub" | "sub", iface, group, port, rate?, recovery?,
 *     messages?: Frame[][] (pub), lingerMs? (pub), count? and timeoutMs? (sub) }
 * A frame is a string or { size, seed } (bytes (i * 7 + seed) & 0xff), as epgm_peer.py makes them.
 * Prints JSON lines: {"ready": true}; per message (sub) {"frames": [{len, sha256}]}; at the end
 * {"done": n, "stats": ...} (sub) or {"sent": n, "stats": ...} (pub).
 */

import type { Runtime, UdpSocket } from "../../../src/runtime/runtime.ts";
import { systemClock } from "../../../src/engine/pgm/clock.ts";
import { decodePacket, PgmPacketError } from "../../../src/engine/pgm/packet.ts";
import { PgmReceiver } from "../../../src/engine/pgm/receiver.ts";
import { PgmSender } from "../../../src/engine/pgm/sender.ts";
import type { Frames } from "../../../src/engine/pgm/zmtp10.ts";

type FrameSpec = string | { size: number; seed: number };
interface Spec {
  role: "pub" | "sub";
  iface: string;
  group: string;
  port: number;
  rate?: number;
  recovery?: number;
  messages?: FrameSpec[][];
  lingerMs?: number;
  count?: number;
  timeoutMs?: number;
}

const g = globalThis as { Deno?: { args: string[] }; process?: { argv: string[]; exit(code: number): void } };
const args = g.Deno ? g.Deno.args : g.process!.argv.slice(2);
const spec = JSON.parse(args[0]) as Spec;
const runtime: Runtime = g.Deno
  ? (await import("../../../src/runtime/deno.ts")).denoRuntime
  : (await import("../../../src/runtime/node.ts")).nodeRuntime;
const udp = runtime.udp!;
const out = (o: unknown) => console.log(JSON.stringify(o));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function frame(f: FrameSpec): Uint8Array {
  if (typeof f === "string") return new TextEncoder().encode(f);
  return Uint8Array.from({ length: f.size }, (_, i) => (i * 7 + f.seed) & 0xff);
}

async function sha256(b: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", b as Uint8Array<ArrayBuffer>));
  return Array.from(d, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Resolves when standard input ends (the test's way to end a lingering publisher). */
async function stdinClosed(): Promise<void> {
  const d = globalThis as { Deno?: { stdin: { readable: ReadableStream<Uint8Array> } } };
  if (d.Deno) {
    for await (const _ of d.Deno.stdin.readable) { /* discard */ }
    return;
  }
  const p = globalThis as unknown as { process: { stdin: { on(e: string, f: () => void): void; resume(): void } } };
  await new Promise<void>((resolve) => {
    p.process.stdin.on("end", resolve);
    p.process.stdin.resume();
  });
}

function ignoreSendError(p: Promise<void>): void {
  p.catch(() => {});
}

async function sub(): Promise<void> {
  // Bound to the group, not the wildcard: unicast meant for another socket on this port stays away.
  const data = await udp.bind({ address: spec.group, port: spec.port });
  data.joinGroup(spec.group, spec.iface);
  const control = await udp.bind({ address: spec.iface });
  control.setMulticastInterface(spec.iface);
  control.setMulticastTtl(1);
  let lines: Promise<void> = Promise.resolve();
  let got = 0;
  let losses = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const receiver = new PgmReceiver({
    dataPort: spec.port,
    group: spec.group,
    rate: spec.rate ?? 10_000,
    recoveryInterval: spec.recovery ?? 10_000,
    clock: systemClock,
    send: (d, address, port) => ignoreSendError(control.send(d, { address, port })),
    deliver: (m: Frames) => {
      got++;
      // Hash in order: the lines must come out in delivery order.
      lines = lines.then(async () =>
        out({ frames: await Promise.all(m.map(async (f) => ({ len: f.length, sha256: await sha256(f) }))) })
      );
      if (got >= (spec.count ?? Infinity)) finish();
    },
    onLoss: (_s, n) => (losses += n),
  });
  data.start({ message: (d, from) => receiver.receive(d, from.address) });
  out({ ready: true });
  const timer = setTimeout(finish, spec.timeoutMs ?? 20_000);
  await finished;
  clearTimeout(timer);
  await lines;
  receiver.close();
  data.close();
  control.close();
  await Promise.all([data.closed, control.closed]);
  out({ done: got, losses, stats: receiver.stats });
}

async function pub(): Promise<void> {
  const data = await udp.bind({ address: spec.iface });
  data.setMulticastInterface(spec.iface);
  data.setMulticastTtl(1);
  // NAKs and unicast SPMRs come to <our NLA>:PORT.
  const naks: UdpSocket = await udp.bind({ address: spec.iface, port: spec.port });
  const queue: Frames[] = (spec.messages ?? []).map((m) => m.map(frame));
  const total = queue.length;
  const random = crypto.getRandomValues(new Uint8Array(8));
  let sourcePort = ((random[6] << 8) | random[7]) || 1;
  if (sourcePort === spec.port) sourcePort ^= 1;
  const sender = new PgmSender({
    gsi: random.subarray(0, 6),
    sourcePort,
    dataPort: spec.port,
    group: spec.group,
    nla: spec.iface,
    rate: spec.rate ?? 10_000,
    recoveryInterval: spec.recovery ?? 10_000,
    clock: systemClock,
    send: (d) => ignoreSendError(data.send(d, { address: spec.group, port: spec.port })),
    pull: () => queue.shift() ?? null,
  });
  let refused = 0;
  naks.start({
    message: (d) => {
      try {
        sender.handle(decodePacket(d));
      } catch (err) {
        if (!(err instanceof PgmPacketError)) throw err;
        refused++;
      }
    },
  });
  out({ ready: true });
  sender.start();
  await sender.drain();
  await Promise.race([sleep(spec.lingerMs ?? 2000), stdinClosed()]); // keep answering NAKs until told to stop
  sender.close();
  await sleep(50);
  data.close();
  naks.close();
  await Promise.all([data.closed, naks.closed]);
  out({ sent: total, refused, stats: sender.stats });
}

if (spec.role === "sub") await sub();
else await pub();
// End at once even if a stdin read is still pending.
const end = globalThis as { Deno?: { exit(code: number): never } };
if (end.Deno) end.Deno.exit(0);
else g.process!.exit(0);
