import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { freePort, HAS_LIBZMQ, sleep, text, unhex, waitFor, withTimeout } from "../_helpers.ts";
import { MonitorPeer } from "../interop/_monitor_peer.ts";

const ignore = !HAS_LIBZMQ;
const MiB = 1024 * 1024;

/** The numbers a libzmq peer in "count" mode received, in order. */
function numbersSeen(peer: MonitorPeer): number[] {
  return peer.lines.filter((l) => l.msg !== undefined).map((l) => Number(text(unhex(l.msg!))));
}

/** Asserts `xs` is first, first+1, first+2, ... */
function assertContiguous(xs: number[], what: string): void {
  for (let i = 1; i < xs.length; i++) {
    if (xs[i] !== xs[i - 1] + 1) assert.fail(`${what}: ${xs[i - 1]} followed by ${xs[i]} at position ${i}`);
  }
}

Deno.test({
  name: "faults - a libzmq PULL killed mid-stream and restarted: reconnect, traffic resumes, nothing duplicated",
  ignore,
}, async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const first = await MonitorPeer.start({ type: "PULL", bind: endpoint, mode: "count" });
  await using push = new Push({ linger: 0, reconnectInterval: 20 });
  let handshakes = 0;
  push.events.on("handshake", () => handshakes++);
  push.connect(endpoint);
  const N = 6000;
  const sending = (async () => {
    for (let i = 0; i < N; i++) {
      await push.send(String(i));
      if (i % 200 === 199) await sleep(2); // a stream over time, not one burst
    }
  })();
  await waitFor(() => numbersSeen(first).length >= 1500, 20_000, "the first PULL to get traffic");
  await first.kill(); // SIGKILL mid-stream
  await using second = await MonitorPeer.start({ type: "PULL", bind: endpoint, mode: "count" });
  await withTimeout(sending, 30_000, "sending");
  await waitFor(() => numbersSeen(second).at(-1) === N - 1, 20_000, "the restarted PULL to get the rest");
  const a = numbersSeen(first);
  const b = numbersSeen(second);
  assert.equal(a[0], 0);
  assertContiguous(a, "before the crash");
  assertContiguous(b, "after the restart");
  assert.ok(b[0] > a.at(-1)!, `nothing received before the crash came again (${a.at(-1)} then ${b[0]})`);
  assert.ok(handshakes >= 2, "reconnected");
  // What was lost was in flight to (or inside) the killed process, never more than the sender could have written.
  assert.ok(b[0] - a.at(-1)! - 1 < N - 1500, `lost at the crash: ${b[0] - a.at(-1)! - 1}`);
});

Deno.test({
  name: "faults - a libzmq PUSH killed mid-stream: what arrived is still delivered; its restart is served",
  ignore,
}, async () => {
  await using pull = new Pull({ receiveTimeout: 5000 });
  await pull.bind("tcp://127.0.0.1:*");
  const first = await MonitorPeer.start({ type: "PUSH", connect: pull.lastEndpoint!, mode: "send" });
  const seen: number[] = [];
  while (seen.length < 3000) seen.push(Number(text((await pull.receive())[0])));
  await first.kill();
  // Everything that reached us before the crash is delivered, in order.
  pull.receiveTimeout = 300;
  for (;;) {
    const m = await pull.receive().catch(() => null);
    if (m === null) break;
    seen.push(Number(text(m[0])));
  }
  assert.equal(seen[0], 0);
  assertContiguous(seen, "from the killed sender");
  await using _second = await MonitorPeer.start({ type: "PUSH", connect: pull.lastEndpoint!, mode: "send" });
  pull.receiveTimeout = 10_000;
  const again: number[] = [];
  while (again.length < 2000) again.push(Number(text((await pull.receive())[0])));
  assert.equal(again[0], 0, "the restarted sender starts over");
  assertContiguous(again, "from the restarted sender");
});

Deno.test(
  { name: "faults - a libzmq PULL that stops reading (SIGSTOP): the sender is held at its HWM", ignore },
  async () => {
    await using peer = await MonitorPeer.start({ type: "PULL", bind: "tcp://127.0.0.1:*", mode: "sink" });
    await using push = new Push({ linger: 0, sendHighWaterMark: 20, sendTimeout: 300 });
    push.connect(peer.endpoint);
    await push.send("hello");
    await waitFor(() => peer.progress === 1, 10_000, "first message");
    peer.freeze();
    try {
      const before = Deno.memoryUsage().rss;
      const payload = new Uint8Array(64 * 1024);
      let accepted = 0;
      let stopped: unknown = null;
      while (accepted < 5000 && stopped === null) {
        await push.send(payload).then(() => accepted++, (err) => stopped = err);
      }
      const growth = Deno.memoryUsage().rss - before;
      assert.equal((stopped as { code?: string })?.code, "EAGAIN", "send blocked at the HWM");
      // HWM 20 plus what the kernel's socket buffers hold (a few MiB on loopback) -- not the 312 MiB attempted.
      assert.ok(accepted < 20 + 200, `${accepted} messages of 64 KiB accepted`);
      assert.ok(growth < 64 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
      peer.thaw();
      await waitFor(() => peer.progress >= 1 + accepted, 20_000, "the thawed peer to read everything");
    } finally {
      peer.thaw();
    }
  },
);

Deno.test("faults - a zmq-ts Pull that never reads: memory stays bounded by both HWMs", async () => {
  await using pull = new Pull({ receiveHighWaterMark: 5 });
  await pull.bind("tcp://127.0.0.1:*");
  await using push = new Push({ linger: 0, sendHighWaterMark: 5, sendTimeout: 300 });
  push.connect(pull.lastEndpoint!);
  const before = Deno.memoryUsage().rss;
  const payload = new Uint8Array(MiB);
  let accepted = 0;
  let stopped: unknown = null;
  while (accepted < 1000 && stopped === null) await push.send(payload).then(() => accepted++, (err) => stopped = err);
  assert.equal((stopped as { code?: string })?.code, "EAGAIN");
  assert.ok(accepted < 5 + 5 + 32, `${accepted} messages of 1 MiB accepted`);
  const growth = Deno.memoryUsage().rss - before;
  assert.ok(growth < 128 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  for (let i = 0; i < accepted; i++) await withTimeout(pull.receive(), 5000, `message ${i}`);
});

Deno.test("faults - close() with linger 0 drops what is queued for an absent peer, at once", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const push = new Push({ linger: 0, reconnectInterval: 20 });
  push.connect(endpoint);
  for (let i = 0; i < 5; i++) await push.send(`dropped ${i}`);
  await withTimeout(push[Symbol.asyncDispose](), 1000, "close with linger 0");
  await using pull = new Pull({ receiveTimeout: 300 });
  await pull.bind(endpoint);
  await assert.rejects(pull.receive(), { code: "EAGAIN" }, "nothing was delivered");
});

Deno.test("faults - close() with linger N delivers to a peer that appears within N ms", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const push = new Push({ linger: 2000, reconnectInterval: 20 });
  push.connect(endpoint);
  for (let i = 0; i < 5; i++) await push.send(`kept ${i}`);
  const closing = push[Symbol.asyncDispose]();
  await sleep(150);
  await using pull = new Pull();
  await pull.bind(endpoint);
  for (let i = 0; i < 5; i++) assert.equal(text((await withTimeout(pull.receive(), 5000, "receive"))[0]), `kept ${i}`);
  await withTimeout(closing, 5000, "close once delivered");
});

Deno.test("faults - close() with linger N gives up after N ms when the peer never comes", async () => {
  const push = new Push({ linger: 200, reconnectInterval: 20 });
  push.connect(`tcp://127.0.0.1:${freePort()}`);
  await push.send("never delivered");
  const started = Date.now();
  await withTimeout(push[Symbol.asyncDispose](), 5000, "close after the linger period");
  assert.ok(Date.now() - started >= 190, "waited for the linger period");
});

Deno.test(
  { name: "faults - close() with linger -1 delivers every queued message to a libzmq PULL", ignore },
  async () => {
    await using peer = await MonitorPeer.start({ type: "PULL", bind: "tcp://127.0.0.1:*", mode: "sink" });
    const push = new Push({ linger: -1, sendHighWaterMark: 0 });
    push.connect(peer.endpoint);
    const N = 20_000;
    for (let i = 0; i < N; i++) await push.send(`m${i}`);
    await withTimeout(push[Symbol.asyncDispose](), 20_000, "close with linger -1");
    await waitFor(() => peer.progress === N, 10_000, `all ${N} messages at libzmq`);
  },
);

Deno.test("faults - disconnect() while traffic flows: the other peer takes over, lingering messages still arrive", async () => {
  await using a = new Pull();
  await a.bind("tcp://127.0.0.1:*");
  await using b = new Pull();
  await b.bind("tcp://127.0.0.1:*");
  await using push = new Push({ linger: -1 });
  push.connect(a.lastEndpoint!);
  push.connect(b.lastEndpoint!);
  const got = new Map<Pull, number[]>([[a, []], [b, []]]);
  let stop = false;
  const readers = [a, b].map(async (pull) => {
    pull.receiveTimeout = 100;
    while (!stop || pull.readable) {
      const m = await pull.receive().catch(() => null);
      if (m !== null) got.get(pull)!.push(Number(text(m[0])));
    }
  });
  const N = 10_000;
  for (let i = 0; i < N; i++) {
    await push.send(String(i));
    if (i === N / 2) push.disconnect(a.lastEndpoint!);
    if (i % 500 === 0) await sleep(1);
  }
  await waitFor(() => got.get(a)!.length + got.get(b)!.length === N, 10_000, "every message");
  stop = true;
  await Promise.all(readers);
  const all = [...got.get(a)!, ...got.get(b)!].sort((x, y) => x - y);
  assert.deepEqual(all, Array.from({ length: N }, (_, i) => i), "nothing lost or duplicated");
  assert.ok(got.get(a)!.every((x) => x <= N / 2 + 1000), "after disconnect, only lingering messages went to a");
  assert.ok(got.get(b)!.at(-1) === N - 1);
});

Deno.test("faults - unbind() while traffic flows, then bind again: the stream resumes without duplicates", async () => {
  await using pull = new Pull({ receiveTimeout: 5000 });
  await pull.bind("tcp://127.0.0.1:*");
  const endpoint = pull.lastEndpoint!;
  await using push = new Push({ linger: 0, reconnectInterval: 20 });
  push.connect(endpoint);
  const N = 6000;
  const sending = (async () => {
    for (let i = 0; i < N; i++) {
      await push.send(String(i));
      if (i % 200 === 0) await sleep(1);
    }
  })();
  const seen: number[] = [];
  while (seen.length < 2000) seen.push(Number(text((await pull.receive())[0])));
  await pull.unbind(endpoint);
  await sleep(100);
  await pull.bind(endpoint);
  while (seen.at(-1) !== N - 1) seen.push(Number(text((await withTimeout(pull.receive(), 10_000, "receive"))[0])));
  await sending;
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `in order, no duplicate at ${i}`);
});

Deno.test("faults - hundreds of connections opening and closing at once", async () => {
  await using pull = new Pull({ receiveTimeout: 10_000 });
  let accepts = 0;
  let disconnects = 0;
  pull.events.on("accept", () => accepts++);
  pull.events.on("disconnect", () => disconnects++);
  await pull.bind("tcp://127.0.0.1:*");
  const ROUND = 300;
  for (let round = 0; round < 2; round++) {
    const pushes = Array.from({ length: ROUND }, () => new Push({ linger: 1000 }));
    for (const p of pushes) p.connect(pull.lastEndpoint!);
    await Promise.all(pushes.map((p, i) => p.send(`${round}:${i}`)));
    const got = new Set<string>();
    while (got.size < ROUND) got.add(text((await pull.receive())[0]));
    assert.equal(got.size, ROUND);
    await Promise.all(pushes.map((p) => p[Symbol.asyncDispose]()));
  }
  await waitFor(() => disconnects === 2 * ROUND, 10_000, `${2 * ROUND} disconnects (${disconnects})`);
  assert.equal(accepts, 2 * ROUND);
  await using push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("still serving");
  assert.equal(text((await pull.receive())[0]), "still serving");
});
