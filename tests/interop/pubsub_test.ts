/**
 * Publish/subscribe against libzmq 4.3 (pyzmq): both directions, both roles,
 * XPUB/XSUB with both subscription forms, reconnects, and forwarders across
 * the two libraries. libzmq acts on subscriptions and reconnects only when
 * its application calls in, so the tests keep polling the libzmq peers.
 */
import assert from "node:assert/strict";
import { Publisher, Subscriber, XPublisher, XSubscriber, ZmqError } from "../../mod.ts";
import { bytes, HAS_LIBZMQ, hex, LibzmqPeer, type PeerFrame, PYTHON, text, withTimeout } from "../_helpers.ts";
import { assertPeerFrames, assertReceived, peerSizedFrames, sizedMessage } from "./_interop.ts";

const ignore = !HAS_LIBZMQ;
const roles = ["bind", "connect"] as const;
const DEADLINE = 10_000;

/** Repeats `step` until `done()` holds, failing after a deadline. */
async function until(done: () => boolean, step: () => Promise<unknown>, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${DEADLINE} ms`);
    await step();
  }
}

/** Receives from a zmq-ts socket, or `null` after `ms`. */
async function tryReceive(socket: Subscriber | XSubscriber | XPublisher, ms: number): Promise<Uint8Array[] | null> {
  socket.receiveTimeout = ms;
  try {
    return await socket.receive();
  } catch (err) {
    if (err instanceof ZmqError && err.code === "EAGAIN") return null;
    throw err;
  } finally {
    socket.receiveTimeout = -1;
  }
}

/** Receives from a zmq-ts socket within the deadline, as one string of "|"-joined frames. */
async function recvJoined(socket: Subscriber | XSubscriber | XPublisher): Promise<string> {
  return (await withTimeout(socket.receive(), DEADLINE, "receive")).map(text).join("|");
}

/** Receives from a libzmq peer, or `null` after `ms`. */
async function peerTryRecv(peer: LibzmqPeer, ms: number): Promise<PeerFrame[] | null> {
  const reply = await peer.command({ op: "recv", timeout: ms }, true);
  if (reply.error) {
    if (reply.errno === "EAGAIN") return null;
    throw new Error(`libzmq peer recv failed: ${reply.error}`);
  }
  return reply.frames!;
}

/** Hex of a string's UTF-8 bytes (the peer harness's byte encoding). */
const h = (s: string): string => hex(bytes(s));

/** A message with a topic frame followed by frames of 0 B, 255 B, 256 B and 4 MiB. */
const topicSized = (topic: string, seed: number): Uint8Array[] => [bytes(topic), ...sizedMessage(seed)];

// ---- zmq-ts Publisher -> libzmq SUB ------------------------------------------------------------

for (const role of roles) {
  Deno.test({ name: `interop PUB/SUB - zmq-ts Publisher (${role}s) to a filtering libzmq SUB`, ignore }, async () => {
    await using pub = new Publisher({ linger: 1000 });
    await using peer = await LibzmqPeer.start("SUB", { SUBSCRIBE: h("A") });
    if (role === "bind") {
      await pub.bind("tcp://127.0.0.1:*");
      await peer.connect(pub.lastEndpoint!);
    } else {
      pub.connect(await peer.bind());
    }
    await until(() => pub.subscriptionCount === 1, () => peer.poll(20), "subscription A at zmq-ts");
    const big = topicSized("A", 1);
    await pub.send(["B", "not for A"]);
    await pub.send(big);
    await pub.send(["bA"]);
    await pub.send(["AB"]);
    await assertPeerFrames(await peer.recv(), big);
    assert.deepEqual(await peer.recvText(), ["AB"]);
    // Later subscriptions and cancellations (libzmq sends them as ZMTP 3.1 commands).
    await peer.ok({ op: "setsockopt", name: "SUBSCRIBE", value: h("C") });
    await until(() => pub.subscriptionCount === 2, () => peer.poll(20), "subscription C");
    await peer.ok({ op: "setsockopt", name: "UNSUBSCRIBE", value: h("A") });
    await until(() => pub.subscriptionCount === 1, () => peer.poll(20), "cancel A");
    await pub.send("A: gone");
    await pub.send(["C", new Uint8Array(0)]);
    assert.deepEqual(await peer.recvText(), ["C", ""]);
  });

  // ---- libzmq PUB -> zmq-ts Subscriber ---------------------------------------------------------

  Deno.test({ name: `interop PUB/SUB - libzmq PUB to a zmq-ts Subscriber (${role}s)`, ignore }, async () => {
    await using peer = await LibzmqPeer.start("PUB");
    await using sub = new Subscriber();
    if (role === "bind") {
      await sub.bind("tcp://127.0.0.1:*");
      await peer.connect(sub.lastEndpoint!);
    } else {
      sub.connect(await peer.bind());
    }
    sub.subscribe("A");
    // libzmq drops what it publishes before the subscription arrives: probe until one gets through.
    let probe: Uint8Array[] | null = null;
    await until(() => probe !== null, async () => {
      await peer.send(["A-probe"]);
      probe = await tryReceive(sub, 20);
    }, "first message from libzmq");
    await peer.send(["B", "not for A"]);
    const sent = await peer.send(["A", ...peerSizedFrames(2)]);
    await peer.send(["A-end"]);
    let got = await withTimeout(sub.receive(), DEADLINE, "receive");
    while (text(got[0]) === "A-probe") got = await withTimeout(sub.receive(), DEADLINE, "receive");
    await assertReceived(got, sent);
    assert.equal(await recvJoined(sub), "A-end");
    // Unsubscribing reaches libzmq: it stops sending A.
    sub.subscribe("Z");
    sub.unsubscribe("A");
    await until(() => probe === null, async () => {
      await peer.send(["Z-probe"]);
      const next = await tryReceive(sub, 20);
      if (next !== null && text(next[0]) === "Z-probe") probe = null;
    }, "subscription Z at libzmq");
    await peer.send(["A", "unwanted"]);
    await peer.send(["Z-end"]);
    let last = await recvJoined(sub);
    while (last === "Z-probe") last = await recvJoined(sub);
    assert.equal(last, "Z-end");
  });
}

// ---- zmq-ts XPublisher <- libzmq SUB and XSUB ----------------------------------------------------

Deno.test(
  { name: "interop XPUB - zmq-ts XPublisher sees libzmq SUB subscriptions (command form)", ignore },
  async () => {
    await using xpub = new XPublisher({ verbose: true });
    await xpub.bind("tcp://127.0.0.1:*");
    await using peer = await LibzmqPeer.start("SUB", { SUBSCRIBE: h("first") });
    await peer.connect(xpub.lastEndpoint!);
    let first: Uint8Array[] | null = null;
    await until(() => first !== null, async () => {
      await peer.poll(20);
      first = await tryReceive(xpub, 20);
    }, "first subscription");
    assert.equal(text(first![0]), "\x01first");
    for (
      const [name, topic] of [
        ["SUBSCRIBE", "weather"],
        ["SUBSCRIBE", "weather"],
        ["SUBSCRIBE", "news"],
        ["UNSUBSCRIBE", "weather"], // libzmq's count 2 -> 1: nothing sent
        ["UNSUBSCRIBE", "weather"], // 1 -> 0: CANCEL
        ["UNSUBSCRIBE", "never"], // unknown: nothing sent
        ["SUBSCRIBE", "end"],
      ]
    ) {
      await peer.ok({ op: "setsockopt", name, value: h(topic) });
    }
    const got: string[] = [];
    for (let m = await recvJoined(xpub); m !== "\x01end"; m = await recvJoined(xpub)) got.push(m);
    // verbose: the duplicate subscribe is reported too.
    assert.deepEqual(got, ["\x01weather", "\x01weather", "\x01news", "\x00weather"]);
    const news = topicSized("news", 4);
    await xpub.send(news);
    await xpub.send("weather: not subscribed any more");
    await xpub.send("end");
    await assertPeerFrames(await peer.recv(), news);
    assert.deepEqual(await peer.recvText(), ["end"]);
    // The subscriber leaves: its topics are reported gone.
    await peer[Symbol.asyncDispose]();
    const gone = [await recvJoined(xpub), await recvJoined(xpub), await recvJoined(xpub)].sort();
    assert.deepEqual(gone, ["\x00end", "\x00first", "\x00news"]);
  },
);

for (const role of roles) {
  Deno.test(
    { name: `interop XPUB - zmq-ts XPublisher (${role}s) and a libzmq XSUB (message form)`, ignore },
    async () => {
      await using xpub = new XPublisher();
      await using peer = await LibzmqPeer.start("XSUB");
      if (role === "bind") {
        await xpub.bind("tcp://127.0.0.1:*");
        await peer.connect(xpub.lastEndpoint!);
      } else {
        xpub.connect(await peer.bind());
      }
      // A bound libzmq XSUB drops what it sends before a peer is attached: probe until one arrives.
      let probe: Uint8Array[] | null = null;
      await until(() => probe !== null, async () => {
        await peer.send(["\x01probe"]);
        probe = await tryReceive(xpub, 20);
      }, "first subscription");
      assert.equal(text(probe![0]), "\x01probe");
      for (const m of ["\x01weather", "\x01weather", "\x01news", "hello upstream", "", "\x00weather", "\x00weather"]) {
        await peer.send([m]);
      }
      await peer.send(["\x01end"]);
      const got: string[] = [];
      for (let m = await recvJoined(xpub); m !== "\x01end"; m = await recvJoined(xpub)) got.push(m);
      assert.deepEqual(got, ["\x01weather", "\x01news", "hello upstream", "", "\x00weather"]);
      // Downstream: only subscribed topics reach the XSUB, which does not filter.
      const message = topicSized("news", 5);
      await xpub.send("weather: cancelled");
      await xpub.send(message);
      await assertPeerFrames(await peer.recv(), message);
    },
  );
}

// ---- zmq-ts XSubscriber / Subscriber -> libzmq XPUB, with restarts -------------------------------

Deno.test(
  { name: "interop XSUB - zmq-ts XSubscriber with libzmq XPUB, resubscribing after it restarts", ignore },
  async () => {
    let peer = await LibzmqPeer.start("XPUB");
    try {
      const endpoint = await peer.bind();
      await using xsub = new XSubscriber({ reconnectInterval: 20 });
      xsub.connect(endpoint);
      await xsub.send("\x01topic");
      assert.deepEqual(await peer.recvText(), ["\x01topic"]);
      await xsub.send(["hello", "upstream"]);
      assert.deepEqual(await peer.recvText(), ["hello", "upstream"]);
      const sent = await peer.send(["topic", ...peerSizedFrames(6)]);
      await assertReceived(await withTimeout(xsub.receive(), DEADLINE, "receive"), sent);
      // The publisher crashes and comes back on the same port.
      await peer.kill();
      peer = await LibzmqPeer.start("XPUB");
      await peer.bind(endpoint);
      const again = await peer.recvText(DEADLINE); // recv polls libzmq, so it takes the reconnection in
      assert.deepEqual(again, ["\x01topic"]);
      const after = await peer.send(["topic", "after restart"]);
      await assertReceived(await withTimeout(xsub.receive(), DEADLINE, "receive"), after);
    } finally {
      await peer[Symbol.asyncDispose]();
    }
  },
);

Deno.test(
  { name: "interop SUB - zmq-ts Subscriber resubscribes to a restarted libzmq publisher", ignore },
  async () => {
    let peer = await LibzmqPeer.start("XPUB", { XPUB_VERBOSE: 1 });
    try {
      const endpoint = await peer.bind();
      await using sub = new Subscriber({ reconnectInterval: 20 });
      sub.subscribe("t1");
      sub.connect(endpoint);
      sub.subscribe("t2");
      sub.subscribe("t2");
      const got = [await peer.recvText(), await peer.recvText(), await peer.recvText()].map((m) => m[0]);
      assert.deepEqual(got, ["\x01t1", "\x01t2", "\x01t2"]); // every subscribe is sent
      await peer.kill();
      peer = await LibzmqPeer.start("XPUB", { XPUB_VERBOSE: 1 });
      await peer.bind(endpoint);
      const again = [await peer.recvText(DEADLINE), await peer.recvText()].map((m) => m[0]).sort();
      assert.deepEqual(again, ["\x01t1", "\x01t2"]); // resent once per topic
      await peer.send(["t2", "back"]);
      assert.equal(await recvJoined(sub), "t2|back");
    } finally {
      await peer[Symbol.asyncDispose]();
    }
  },
);

// ---- forwarders across the two libraries ---------------------------------------------------------

/** Runs `from` → `to` until aborted (a zmq-ts proxy half). */
async function forward(from: XSubscriber | XPublisher, to: XSubscriber | XPublisher, abort: AbortSignal) {
  try {
    for await (const message of from) {
      if (abort.aborted) return;
      await to.send(message);
    }
  } catch (err) {
    if (!abort.aborted) throw err;
  }
}

Deno.test(
  { name: "interop proxy - libzmq PUB -> zmq-ts XSubscriber/XPublisher forwarder -> libzmq SUB", ignore },
  async () => {
    await using pubPeer = await LibzmqPeer.start("PUB");
    const upstream = await pubPeer.bind();
    const xsub = new XSubscriber();
    const xpub = new XPublisher();
    const abort = new AbortController();
    let halves: Promise<void>[] = [];
    try {
      xsub.connect(upstream);
      await xpub.bind("tcp://127.0.0.1:*");
      halves = [forward(xpub, xsub, abort.signal), forward(xsub, xpub, abort.signal)];
      await using subPeer = await LibzmqPeer.start("SUB", { SUBSCRIBE: h("k") });
      await subPeer.connect(xpub.lastEndpoint!);
      // The subscription travels libzmq SUB -> XPublisher -> XSubscriber -> libzmq PUB; probe until data flows back.
      let probe: PeerFrame[] | null = null;
      await until(() => probe !== null, async () => {
        await pubPeer.send(["k-probe"]);
        probe = await peerTryRecv(subPeer, 20);
      }, "data through the forwarder");
      await pubPeer.send(["x", "not subscribed"]);
      const sent = await pubPeer.send(["k", ...peerSizedFrames(7)]);
      await pubPeer.send(["k-end"]);
      let got = await subPeer.recv();
      while (got.length === 1 && got[0] === h("k-probe")) got = await subPeer.recv();
      assert.deepEqual(got, sent);
      assert.deepEqual(await subPeer.recvText(), ["k-end"]);
    } finally {
      abort.abort();
      xpub.close();
      xsub.close();
      await Promise.all(halves);
      await xpub[Symbol.asyncDispose]();
      await xsub[Symbol.asyncDispose]();
    }
  },
);

/** The libzmq XSUB/XPUB proxy process of `zmq_proxy_peer.py`. */
class LibzmqProxy implements AsyncDisposable {
  readonly frontend: string;
  readonly backend: string;
  #child: Deno.ChildProcess;

  private constructor(child: Deno.ChildProcess, frontend: string, backend: string) {
    this.#child = child;
    this.frontend = frontend;
    this.backend = backend;
  }

  static async start(): Promise<LibzmqProxy> {
    const child = new Deno.Command(PYTHON, {
      args: [new URL("./zmq_proxy_peer.py", import.meta.url).pathname],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.getReader();
    let line = "";
    const decoder = new TextDecoder();
    while (!line.includes("\n")) {
      const { value, done } = await withTimeout(reader.read(), DEADLINE, "proxy start");
      if (done) throw new Error("libzmq proxy exited before reporting its endpoints");
      line += decoder.decode(value, { stream: true });
    }
    reader.releaseLock();
    await child.stdout.cancel();
    const { frontend, backend } = JSON.parse(line) as { frontend: string; backend: string };
    return new LibzmqProxy(child, frontend, backend);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.#child.stdin.close(); // the proxy exits at EOF
    } catch {
      // Already gone.
    }
    const exited = await Promise.race([this.#child.status.then(() => true), sleepFalse(2000)]);
    if (!exited) {
      this.#child.kill("SIGKILL");
      await this.#child.status;
    }
  }
}

function sleepFalse(ms: number): Promise<false> {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms));
}

Deno.test(
  { name: "interop proxy - zmq-ts Publisher -> libzmq zmq_proxy (XSUB/XPUB) -> zmq-ts Subscriber", ignore },
  async () => {
    await using proxy = await LibzmqProxy.start();
    await using pub = new Publisher({ linger: 1000 });
    pub.connect(proxy.frontend);
    await using sub = new Subscriber();
    sub.connect(proxy.backend);
    sub.subscribe("k");
    // The proxy's XSUB forwards the subscription as a 0x01 message over ZMTP 3.1; the Publisher takes it.
    await until(
      () => pub.subscriptionCount === 1,
      () => new Promise((r) => setTimeout(r, 10)),
      "subscription via proxy",
    );
    const message = topicSized("k", 8);
    await pub.send(["x", "not subscribed"]);
    await pub.send(message);
    await pub.send(["k2", "", "multi"]);
    const got = await withTimeout(sub.receive(), DEADLINE, "receive");
    assert.equal(got.length, message.length);
    for (let i = 0; i < message.length; i++) {
      assert.deepEqual(got[i], message[i], `frame ${i}`);
    }
    assert.equal(await recvJoined(sub), "k2||multi");
    // The cancellation goes the same way.
    sub.unsubscribe("k");
    await until(() => pub.subscriptionCount === 0, () => new Promise((r) => setTimeout(r, 10)), "cancel via proxy");
  },
);
