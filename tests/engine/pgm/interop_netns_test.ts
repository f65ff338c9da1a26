/**
 * epgm:// interop with libzmq (pyzmq, libzmq 4.3.4 with OpenPGM) across two
 * network namespaces joined by a veth pair: libzmq in A, our PGM modules
 * (tests/engine/pgm/_epgm_peer.ts over the runtime's udp API) in B. Needs
 * root; skipped with a note otherwise. Loss is injected with iptables'
 * `statistic` match on the receiving side's INPUT chain.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { HAS_LIBZMQ, PYTHON, sha256, withTimeout } from "../../_helpers.ts";

const ROOT = (() => {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
})();
const HAS_IP = (() => {
  try {
    return new Deno.Command("ip", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
})();
const SKIP = !ROOT
  ? "needs root to create network namespaces"
  : !HAS_IP
  ? "needs iproute2 (ip)"
  : !HAS_LIBZMQ
  ? "needs python3-zmq"
  : false;

const PEER_PY = new URL("./epgm_peer.py", import.meta.url).pathname;
const PEER_TS = new URL("./_epgm_peer.ts", import.meta.url).pathname;
const GROUP = "239.192.1.1";
const PORT = 5555;

async function run(cmd: string, args: string[], allowFail = false): Promise<boolean> {
  const r = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
  if (!r.success && !allowFail) throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
  return r.success;
}

/** Two namespaces, A (libzmq) and B (us), joined by a veth pair; removed on dispose. */
class NetnsPair implements AsyncDisposable {
  readonly a: string;
  readonly b: string;
  readonly addrA: string;
  readonly addrB: string;
  constructor(tag: string) {
    const id = `${Deno.pid % 100000}${tag}`;
    this.a = `zpa${id}`;
    this.b = `zpb${id}`;
    const net = Deno.pid % 250;
    this.addrA = `198.19.${net}.1`;
    this.addrB = `198.19.${net}.2`;
  }
  async create(): Promise<void> {
    const va = `v${this.a}`.slice(0, 15);
    const vb = `v${this.b}`.slice(0, 15);
    await run("ip", ["netns", "add", this.a]);
    await run("ip", ["netns", "add", this.b]);
    await run("ip", ["link", "add", va, "netns", this.a, "type", "veth", "peer", "name", vb, "netns", this.b]);
    await run("ip", ["-n", this.a, "addr", "add", `${this.addrA}/24`, "dev", va]);
    await run("ip", ["-n", this.b, "addr", "add", `${this.addrB}/24`, "dev", vb]);
    for (const [ns, dev] of [[this.a, va], [this.b, vb]]) {
      await run("ip", ["-n", ns, "link", "set", dev, "up"]);
      await run("ip", ["-n", ns, "link", "set", "lo", "up"]);
    }
  }
  /** Drops a share of the UDP datagrams to PORT arriving in `ns`; false if iptables cannot. */
  loss(ns: string, probability: number): Promise<boolean> {
    return run("ip", [
      "netns",
      "exec",
      ns,
      "iptables",
      "-A",
      "INPUT",
      "-p",
      "udp",
      "--dport",
      String(PORT),
      "-m",
      "statistic",
      "--mode",
      "random",
      "--probability",
      String(probability),
      "-j",
      "DROP",
    ], true);
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await run("ip", ["netns", "del", this.a], true);
    await run("ip", ["netns", "del", this.b], true);
  }
}

/** A process inside a namespace whose stdout is JSON lines. */
class NsProcess implements AsyncDisposable {
  #child: Deno.ChildProcess;
  #lines: AsyncIterator<string>;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly seen: Record<string, unknown>[] = [];
  constructor(ns: string, cmd: string[]) {
    this.#child = new Deno.Command("ip", {
      args: ["netns", "exec", ns, ...cmd],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.#lines = this.#child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter())[
      Symbol.asyncIterator
    ]();
  }
  /** Reads lines until one has `key`; returns it. */
  async until(key: string, ms: number): Promise<Record<string, unknown>> {
    return await withTimeout(
      (async () => {
        for (;;) {
          const next = await this.#lines.next();
          if (next.done) throw new Error(`process ended before a line with ${key}`);
          if (!next.value.startsWith("{")) continue;
          const o = JSON.parse(next.value) as Record<string, unknown>;
          this.seen.push(o);
          if (key in o) return o;
        }
      })(),
      ms,
      `a line with ${key}`,
    );
  }
  /** Closes its stdin (our publisher stops lingering). */
  async endInput(): Promise<void> {
    try {
      await this.#stdin.close();
    } catch {
      // Already gone.
    }
  }
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Exited.
    }
    await this.#child.status;
    await this.endInput();
    await this.#lines.return?.();
  }
}

function lineSplitter(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const p of parts) controller.enqueue(p);
    },
    flush(controller) {
      if (rest) controller.enqueue(rest);
    },
  });
}

type FrameSpec = string | { size: number; seed: number };

function frameBytes(f: FrameSpec): Uint8Array {
  if (typeof f === "string") return new TextEncoder().encode(f);
  return Uint8Array.from({ length: f.size }, (_, i) => (i * 7 + f.seed) & 0xff);
}

async function expected(messages: FrameSpec[][]): Promise<string[]> {
  return await Promise.all(
    messages.map(async (m) =>
      (await Promise.all(m.map(async (f) => `${frameBytes(f).length}:${await sha256(frameBytes(f))}`))).join("|")
    ),
  );
}

function received(lines: Record<string, unknown>[]): string[] {
  return lines.filter((l) => "frames" in l).map((l) =>
    (l.frames as { len: number; sha256: string }[]).map((f) => `${f.len}:${f.sha256}`).join("|")
  );
}

function messageSet(small: number): FrameSpec[][] {
  const set: FrameSpec[][] = [
    ["hello"],
    ["topic", "part-two", "3"],
    [{ size: 4096, seed: 1 }],
    [{ size: 102400, seed: 2 }],
  ];
  for (let i = 0; i < small; i++) set.push([`msg-${i}`, ...(i % 5 === 0 ? [{ size: 4096, seed: i }] : [])]);
  set.push(["bye"]);
  return set;
}

/** Bun from the devDependencies, when installed. */
const BUN = (() => {
  const path = new URL("../../../node_modules/.bin/bun", import.meta.url).pathname;
  try {
    Deno.statSync(path);
    return path;
  } catch {
    return null;
  }
})();

/** esbuild from the devDependencies: Node 20 cannot run the TypeScript peer, so it runs a bundle of it. */
const ESBUILD = (() => {
  const path = new URL("../../../node_modules/.bin/esbuild", import.meta.url).pathname;
  try {
    Deno.statSync(path);
    return new Deno.Command("node", { args: ["--version"], stdout: "null" }).outputSync().success ? path : null;
  } catch {
    return null;
  }
})();

/** The peer bundled for Node, built once into a temporary folder removed when the tests end. */
let nodeBundle: string | null = null;
function nodePeerBundle(): string {
  if (nodeBundle !== null) return nodeBundle;
  const dir = Deno.makeTempDirSync({ prefix: "zmq-ts-epgm-" });
  const out = `${dir}/epgm_peer.mjs`;
  const r = new Deno.Command(ESBUILD!, {
    args: [PEER_TS, "--bundle", "--platform=node", "--format=esm", `--outfile=${out}`, "--log-level=error"],
  }).outputSync();
  if (!r.success) throw new Error(`esbuild failed: ${new TextDecoder().decode(r.stderr)}`);
  globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  return (nodeBundle = out);
}

/** How our peer is started, per runtime. */
const PEERS: { name: string; command: (spec: unknown) => string[] }[] = [
  { name: "Deno", command: (spec) => [Deno.execPath(), "run", "-A", "--no-lock", PEER_TS, JSON.stringify(spec)] },
  ...(ESBUILD ? [{ name: "Node", command: (spec: unknown) => ["node", nodePeerBundle(), JSON.stringify(spec)] }] : []),
  ...(BUN ? [{ name: "Bun", command: (spec: unknown) => [BUN, PEER_TS, JSON.stringify(spec)] }] : []),
];

type Peer = (typeof PEERS)[number];

async function zmqToUs(peer: Peer, pair: NetnsPair, messages: FrameSpec[][], timeoutMs: number) {
  const endpoint = `epgm://${pair.addrA};${GROUP}:${PORT}`;
  await using ours = new NsProcess(
    pair.b,
    peer.command({ role: "sub", iface: pair.addrB, group: GROUP, port: PORT, count: messages.length, timeoutMs }),
  );
  await ours.until("ready", 20_000);
  await using zmq = new NsProcess(pair.a, [
    PYTHON,
    PEER_PY,
    "pub",
    endpoint,
    JSON.stringify({ messages, delay: 1.0, linger: timeoutMs / 1000 }),
  ]);
  await zmq.until("ready", 10_000);
  const done = await ours.until("done", timeoutMs + 10_000);
  return { got: received(ours.seen), done };
}

async function usToZmq(peer: Peer, pair: NetnsPair, messages: FrameSpec[][], timeoutMs: number) {
  const endpoint = `epgm://${pair.addrA};${GROUP}:${PORT}`;
  await using zmq = new NsProcess(pair.a, [
    PYTHON,
    PEER_PY,
    "sub",
    endpoint,
    JSON.stringify({ count: messages.length, timeout: timeoutMs / 1000 }),
  ]);
  await zmq.until("ready", 10_000);
  await new Promise((r) => setTimeout(r, 1000)); // OpenPGM's sockets are up shortly after connect
  await using ours = new NsProcess(
    pair.b,
    peer.command({ role: "pub", iface: pair.addrB, group: GROUP, port: PORT, messages, lingerMs: timeoutMs }),
  );
  await ours.until("ready", 20_000);
  const done = await zmq.until("done", timeoutMs + 10_000);
  await ours.endInput();
  const stats = await ours.until("sent", 10_000);
  return { got: received(zmq.seen), done, stats };
}

for (const [index, peer] of PEERS.entries()) {
  test(`pgm interop netns - libzmq PUB -> our receiver (${peer.name}): single, multipart, 4 KiB, 100 KiB`, {
    skip: SKIP,
  }, async () => {
    await using pair = new NetnsPair(`a${index}`);
    await pair.create();
    const messages = messageSet(20);
    const { got, done } = await zmqToUs(peer, pair, messages, 15_000);
    assert.deepEqual(got, await expected(messages));
    assert.equal(done.losses, 0);
  });

  test(`pgm interop netns - our sender (${peer.name}) -> libzmq SUB: single, multipart, 4 KiB, 100 KiB`, {
    skip: SKIP,
  }, async () => {
    await using pair = new NetnsPair(`b${index}`);
    await pair.create();
    const messages = messageSet(20);
    const { got, done } = await usToZmq(peer, pair, messages, 15_000);
    assert.equal(done.done, messages.length);
    assert.deepEqual(got, await expected(messages));
  });

  test(
    `pgm interop netns - 5% loss at our receiver: libzmq repairs our NAKs, everything in order once (${peer.name})`,
    {
      skip: SKIP,
    },
    async (t) => {
      await using pair = new NetnsPair(`c${index}`);
      await pair.create();
      if (!(await pair.loss(pair.b, 0.05))) {
        t.skip("iptables statistic match not available");
        return;
      }
      const messages = messageSet(200);
      const { got, done } = await zmqToUs(peer, pair, messages, 30_000);
      assert.deepEqual(got, await expected(messages));
      const stats = done.stats as { naksSent: number; rdata: number };
      assert.ok(stats.naksSent > 0 && stats.rdata > 0, JSON.stringify(stats));
      assert.equal(done.losses, 0);
    },
  );

  test(`pgm interop netns - 5% loss at libzmq's SUB: we repair its NAKs, everything in order once (${peer.name})`, {
    skip: SKIP,
  }, async (t) => {
    await using pair = new NetnsPair(`d${index}`);
    await pair.create();
    if (!(await pair.loss(pair.a, 0.05))) {
      t.skip("iptables statistic match not available");
      return;
    }
    const messages = messageSet(200);
    const { got, stats } = await usToZmq(peer, pair, messages, 30_000);
    assert.deepEqual(got, await expected(messages));
    const s = stats.stats as { naks: number; rdata: number };
    assert.ok(s.naks > 0 && s.rdata > 0, JSON.stringify(s));
  });
}
