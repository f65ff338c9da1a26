/**
 * Publish/subscribe between zmq-ts sockets over TCP on 127.0.0.1, plus a raw
 * ZMTP peer (libzmq's recorded bytes) where a rule can only be seen on the
 * wire: per-peer subscription sets, both subscription forms, what a
 * Subscriber sends to 3.0 and 3.1 publishers and after a reconnect.
 */
import assert from "node:assert/strict";
import { Publisher, Subscriber, XPublisher, XSubscriber, ZmqError } from "../../mod.ts";
import { bytes, sleep, text, waitFor, withTimeout } from "../_helpers.ts";
import { concat, vector } from "../_vectors.ts";

type Pub = Publisher | XPublisher;

/** The port of a `tcp://host:port` endpoint. */
const portOf = (endpoint: string): number => Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));

/** Receives one message as text frames, failing after `ms`. */
async function recvText(socket: Subscriber | XSubscriber | XPublisher, ms = 5000): Promise<string[]> {
  return (await withTimeout(socket.receive(), ms, "receive")).map(text);
}

/** Receives one message as one string of its frames joined by "|". */
async function recvJoined(socket: Subscriber | XSubscriber | XPublisher, ms = 5000): Promise<string> {
  return (await recvText(socket, ms)).join("|");
}

/**
 * Publishes `probe` every few ms until the subscriber receives a message
 * (subscriptions reach a publisher asynchronously), and returns it.
 */
async function untilReceived(pub: Pub, sub: Subscriber | XSubscriber, probe: string[]): Promise<string[]> {
  const received = withTimeout(sub.receive(), 5000, "first message");
  const timer = setInterval(() => pub.send(probe).catch(() => {}), 5);
  try {
    return (await received).map(text);
  } finally {
    clearInterval(timer);
  }
}

/** Receives until a message whose first frame is `end`, skipping `skip`-prefixed ones; returns the rest joined. */
async function collect(sub: Subscriber | XSubscriber, end: string, skip = "~probe"): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const message = await recvText(sub);
    if (message[0] === end) return seen;
    if (message[0].startsWith(skip)) continue;
    seen.push(message.join("|"));
  }
}

// ---- a raw ZMTP peer built from libzmq's recorded bytes -----------------------------------------

const COMMAND = 0x04;

/** A ZMTP frame: a short or long header, then the body. */
function frame(body: Uint8Array, flags = 0): Uint8Array {
  if (body.length <= 255) return concat([Uint8Array.of(flags, body.length), body]);
  const header = new Uint8Array(9);
  header[0] = flags | 0x02;
  new DataView(header.buffer).setBigUint64(1, BigInt(body.length));
  return concat([header, body]);
}

/** A peer speaking ZMTP over a plain TCP connection: greeting, READY, then raw frames. */
class RawPeer implements AsyncDisposable {
  #conn: Deno.TcpConn;
  #buffer: Uint8Array = new Uint8Array(0);

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Completes the NULL handshake as a `type` socket announcing ZMTP 3.`minor`. */
  static async handshake(conn: Deno.TcpConn, type: "sub" | "pub", minor: number): Promise<RawPeer> {
    const peer = new RawPeer(conn);
    const greeting = vector("greeting", "greeting_null_libzmq").slice();
    greeting[11] = minor;
    await conn.write(concat([greeting, vector("ready", `ready_${type}_libzmq`)]));
    await peer.#take(64);
    const ready = await peer.frame();
    assert.equal(ready.flags & COMMAND, COMMAND, "READY first");
    return peer;
  }

  /** Connects to a zmq-ts socket. */
  static async connect(endpoint: string, type: "sub" | "pub", minor = 1): Promise<RawPeer> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: portOf(endpoint) });
    return await RawPeer.handshake(conn, type, minor);
  }

  /** Writes raw bytes. */
  async write(data: Uint8Array): Promise<void> {
    await this.#conn.write(data);
  }

  async #take(n: number): Promise<Uint8Array> {
    while (this.#buffer.length < n) {
      const chunk = new Uint8Array(65536);
      const got = await withTimeout(this.#conn.read(chunk), 5000, "raw read");
      if (got === null) throw new Error("raw peer: connection closed");
      this.#buffer = concat([this.#buffer, chunk.subarray(0, got)]);
    }
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.slice(n);
    return out;
  }

  /** Reads the next frame. */
  async frame(): Promise<{ flags: number; body: Uint8Array }> {
    const [flags] = await this.#take(1);
    let size: number;
    if (flags & 0x02) size = Number(new DataView((await this.#take(8)).buffer).getBigUint64(0));
    else [size] = await this.#take(1);
    return { flags, body: await this.#take(size) };
  }

  /** Reads the next message (commands are skipped), as text frames. */
  async message(): Promise<string[]> {
    const parts: string[] = [];
    for (;;) {
      const { flags, body } = await this.frame();
      if (flags & COMMAND) continue;
      parts.push(text(body));
      if (!(flags & 0x01)) return parts;
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
    return Promise.resolve();
  }
}

const SUBSCRIBE_WEATHER = vector("command", "subscribe_cmd_weather_zmtp31");
const CANCEL_WEATHER = vector("command", "cancel_cmd_weather_zmtp31");
const SUBSCRIBE_MSG_WEATHER = vector("command", "subscribe_msg_weather_zmtp30");
const subscribeMessage = (topic: string) => frame(concat([Uint8Array.of(1), bytes(topic)]));

// ---- Publisher / Subscriber ---------------------------------------------------------------------

Deno.test("pubsub - Subscriber gets only messages whose first frame starts with a subscription", async () => {
  await using pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  await using sub = new Subscriber();
  sub.connect(pub.lastEndpoint!);
  sub.subscribe("a", "bc", "~");
  await untilReceived(pub, sub, ["~probe"]);
  const sent = [
    ["a"],
    ["abc", "x"],
    ["b"],
    ["bc"],
    ["bcd", "more", "parts"],
    ["xa"],
    [""],
    ["", "a"],
    ["B", "c"],
    ["ab", new Uint8Array(0), new Uint8Array(300)],
  ];
  for (const message of sent) await pub.send(message);
  await pub.send("~end");
  const got = await collect(sub, "~end");
  assert.deepEqual(got, ["a", "abc|x", "bc", "bcd|more|parts", `ab||${"\0".repeat(300)}`]);
});

Deno.test("pubsub - the empty subscription (subscribe() without arguments) matches everything", async () => {
  await using pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  await using sub = new Subscriber();
  sub.connect(pub.lastEndpoint!);
  sub.subscribe();
  await untilReceived(pub, sub, ["~probe"]);
  for (const message of [[""], ["x"], ["", ""], ["\u00ff"]]) await pub.send(message);
  await pub.send("~end");
  assert.deepEqual(await collect(sub, "~end"), ["", "x", "|", "\u00ff"]);
  // Unsubscribing from everything stops the flow (the last matching message is the end marker).
  sub.subscribe("~end2");
  await waitFor(() => pub.subscriptionCount === 2, 5000, "subscription at the publisher");
  sub.unsubscribe();
  await waitFor(() => pub.subscriptionCount === 1, 5000, "cancel at the publisher");
  await pub.send("x");
  await pub.send("~end2");
  assert.deepEqual(await recvText(sub), ["~end2"]);
});

Deno.test("pubsub - Publisher keeps one set of topics per peer: subscribe twice, cancel once = gone", async () => {
  await using pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  await using raw = await RawPeer.connect(pub.lastEndpoint!, "sub");
  // Both forms on one ZMTP 3.1 connection: the command, and the 0x01 message libzmq's XSUB sends.
  await raw.write(concat([SUBSCRIBE_WEATHER, SUBSCRIBE_MSG_WEATHER, SUBSCRIBE_WEATHER]));
  await waitFor(() => pub.subscriptionCount === 1, 5000, "subscription");
  await pub.send(["weather", "sunny"]);
  assert.deepEqual(await raw.message(), ["weather", "sunny"]);
  await raw.write(CANCEL_WEATHER);
  await waitFor(() => pub.subscriptionCount === 0, 5000, "cancel");
  // Data from a subscriber that is not a subscription is dropped.
  await raw.write(concat([frame(bytes("hello upstream")), frame(new Uint8Array(0)), subscribeMessage("end")]));
  await waitFor(() => pub.subscriptionCount === 1, 5000, "subscription to end");
  await pub.send(["weather", "rain"]);
  await pub.send("end");
  assert.deepEqual(await raw.message(), ["end"]);
  await assert.rejects(pub.receive(), { code: "ENOTSUP" });
});

Deno.test("pubsub - a ZMTP 3.0 subscriber may use either form; its messages arrive unchanged", async () => {
  await using pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  await using raw = await RawPeer.connect(pub.lastEndpoint!, "sub", 0);
  await raw.write(concat([SUBSCRIBE_WEATHER, subscribeMessage("news")]));
  await waitFor(() => pub.subscriptionCount === 2, 5000, "subscriptions");
  await pub.send(["news", new Uint8Array(256)]);
  await pub.send("weather");
  assert.deepEqual(await raw.message(), ["news", "\0".repeat(256)]);
  assert.deepEqual(await raw.message(), ["weather"]);
});

Deno.test("pubsub - Subscriber sends commands to 3.1 publishers, messages to 3.0 ones, and resubscribes after reconnecting", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const endpoint = `tcp://127.0.0.1:${listener.addr.port}`;
  await using sub = new Subscriber({ reconnectInterval: 20 });
  sub.subscribe("weather");
  sub.connect(endpoint);
  {
    await using raw = await RawPeer.handshake(await listener.accept(), "pub", 1);
    // The subscriptions made before the connection, once per topic (libzmq's exact bytes).
    assert.deepEqual(concat([Uint8Array.of(4, 0x11), (await raw.frame()).body]), SUBSCRIBE_WEATHER);
    // Every subscribe goes upstream, duplicates too.
    sub.subscribe("weather");
    assert.deepEqual(concat([Uint8Array.of(4, 0x11), (await raw.frame()).body]), SUBSCRIBE_WEATHER);
    sub.subscribe("news");
    sub.unsubscribe("weather"); // count 2 -> 1: nothing sent
    sub.unsubscribe("unknown"); // never subscribed: nothing sent
    sub.unsubscribe("news"); // count 1 -> 0: CANCEL
    const next = [await raw.frame(), await raw.frame()];
    assert.deepEqual(next.map((f) => [f.flags, text(f.body)]), [[4, "\x09SUBSCRIBEnews"], [4, "\x06CANCELnews"]]);
  } // the "publisher" goes away
  {
    // The subscriber reconnects (to a ZMTP 3.0 peer this time) and sends its subscriptions again, as messages.
    await using raw = await RawPeer.handshake(await withTimeout(listener.accept(), 5000, "reconnect"), "pub", 0);
    const again = await raw.frame();
    assert.deepEqual([again.flags, text(again.body)], [0, "\x01weather"]);
    await raw.write(frame(bytes("weather: fine")));
    assert.deepEqual(await recvText(sub), ["weather: fine"]);
    await raw.write(frame(bytes("news: ignored")));
    await raw.write(frame(bytes("weather: still fine")));
    assert.deepEqual(await recvText(sub), ["weather: still fine"]);
  }
  await assert.rejects(sub.send("x"), { code: "ENOTSUP" });
});

Deno.test("pubsub - Subscriber resubscribes after the publisher restarts on the same port", async () => {
  let pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  const endpoint = pub.lastEndpoint!;
  await using sub = new Subscriber({ reconnectInterval: 20 });
  sub.connect(endpoint);
  sub.subscribe("t");
  try {
    assert.deepEqual(await untilReceived(pub, sub, ["t", "first"]), ["t", "first"]);
    await pub[Symbol.asyncDispose]();
    pub = new Publisher();
    await pub.bind(endpoint);
    // Nothing tells the new publisher about "t" but the subscriber re-sending it on its own.
    await waitFor(() => pub.subscriptionCount === 1, 5000, "resubscription");
    await pub.send(["t", "second"]);
    // Copies of "first" sent while waiting may still be queued at the subscriber.
    for (let body = ""; body !== "second";) [, body] = await recvText(sub);
  } finally {
    await pub[Symbol.asyncDispose]();
  }
});

Deno.test("pubsub - subscriptions reach every publisher, also ones connected later; disconnects remove them", async () => {
  await using pub1 = new XPublisher();
  await pub1.bind("tcp://127.0.0.1:*");
  await using pub2 = new XPublisher();
  await pub2.bind("tcp://127.0.0.1:*");
  const sub = new Subscriber();
  try {
    sub.connect(pub1.lastEndpoint!);
    sub.subscribe("x", "y");
    assert.deepEqual([await recvJoined(pub1), await recvJoined(pub1)], ["\x01x", "\x01y"]);
    sub.connect(pub2.lastEndpoint!);
    assert.deepEqual([await recvJoined(pub2), await recvJoined(pub2)], ["\x01x", "\x01y"]);
    sub.unsubscribe("x");
    assert.equal(await recvJoined(pub1), "\x00x");
    assert.equal(await recvJoined(pub2), "\x00x");
    assert.equal(pub1.subscriptionCount, 1);
  } finally {
    await sub[Symbol.asyncDispose]();
  }
  // The subscriber is gone: topics nobody else wants are reported and removed.
  assert.equal(await recvJoined(pub1), "\x00y");
  assert.equal(await recvJoined(pub2), "\x00y");
  assert.equal(pub1.subscriptionCount, 0);
});

// ---- high-water marks ---------------------------------------------------------------------------

Deno.test("pubsub - a full subscriber's copies are dropped; send never waits", async () => {
  await using pub = new Publisher({ sendHighWaterMark: 10 });
  await pub.bind("tcp://127.0.0.1:*");
  await using slow = new Subscriber({ receiveHighWaterMark: 10 });
  slow.connect(pub.lastEndpoint!);
  slow.subscribe("");
  await waitFor(() => pub.subscriptionCount === 1, 5000, "subscription");
  const payload = new Uint8Array(4096);
  const count = 20_000; // 80 MB: far more than the HWMs and the kernel buffers hold
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    payload[0] = i & 0xff;
    await withTimeout(pub.send(payload), 5000, `send ${i}`);
  }
  const elapsed = Date.now() - started;
  // The full pipe is out of the running until it drains, so the end marker is repeated until one gets through.
  const timer = setInterval(() => pub.send("~end").catch(() => {}), 10);
  let received = 0;
  try {
    for (;;) {
      const [body] = await withTimeout(slow.receive(), 5000, "receive");
      if (body.length !== 4096) break;
      received++;
    }
  } finally {
    clearInterval(timer);
  }
  assert.ok(received < count, `some copies were dropped (${received} of ${count} arrived, sending took ${elapsed} ms)`);
});

Deno.test("pubsub - noDrop: send rejects with EAGAIN (sendTimeout 0) while a matching subscriber is full", async () => {
  await using pub = new Publisher({ noDrop: true, sendHighWaterMark: 4, sendTimeout: 0 });
  await pub.bind("tcp://127.0.0.1:*");
  await using sub = new Subscriber({ receiveHighWaterMark: 4 });
  sub.connect(pub.lastEndpoint!);
  sub.subscribe("full");
  await waitFor(() => pub.subscriptionCount === 1, 5000, "subscription");
  const payload = bytes("full" + "x".repeat(64 * 1024));
  let accepted = 0;
  let error: unknown;
  for (let i = 0; i < 10_000; i++) {
    try {
      await pub.send(payload);
      accepted++;
    } catch (err) {
      error = err;
      break;
    }
    if (i % 4 === 3) await sleep(1); // let the connection fill up
  }
  assert.ok(error instanceof ZmqError && error.code === "EAGAIN", `EAGAIN (got ${error})`);
  assert.ok(accepted < 1000, `bounded: ${accepted} accepted`);
  // Messages for other topics match no full pipe, so they still go (to nobody).
  await pub.send("other");
  // Reading makes room; a waiting send then completes.
  pub.sendTimeout = 5000;
  const waiting = pub.send(payload);
  for (let i = 0; i <= accepted; i++) await withTimeout(sub.receive(), 5000, `receive ${i}`);
  await waiting;
});

// ---- XPublisher ---------------------------------------------------------------------------------

Deno.test("pubsub - XPublisher reports the first subscribe and the last unsubscribe of a topic across peers", async () => {
  await using xpub = new XPublisher();
  await xpub.bind("tcp://127.0.0.1:*");
  await using s1 = new Subscriber();
  await using s2 = new Subscriber();
  s1.connect(xpub.lastEndpoint!);
  s2.connect(xpub.lastEndpoint!);
  s1.subscribe("t");
  assert.equal(await recvJoined(xpub), "\x01t");
  s2.subscribe("t");
  s2.subscribe("sync2"); // same connection, so processed after s2's "t"
  assert.equal(await recvJoined(xpub), "\x01sync2");
  s1.unsubscribe("t");
  s1.subscribe("sync1");
  assert.equal(await recvJoined(xpub), "\x01sync1");
  s2.unsubscribe("t");
  assert.equal(await recvJoined(xpub), "\x00t");
  s1.close();
  assert.equal(await recvJoined(xpub), "\x00sync1");
  assert.equal(xpub.subscriptionCount, 1);
});

Deno.test("pubsub - XPublisher verbose reports every subscribe; verboser every unsubscribe too", async () => {
  await using xpub = new XPublisher({ verbose: true });
  await xpub.bind("tcp://127.0.0.1:*");
  await using s1 = new XSubscriber();
  await using s2 = new XSubscriber();
  s1.connect(xpub.lastEndpoint!);
  s2.connect(xpub.lastEndpoint!);
  await s1.send("\x01t");
  assert.equal(await recvJoined(xpub), "\x01t");
  await s2.send("\x01t");
  assert.equal(await recvJoined(xpub), "\x01t");
  await s2.send("\x00t"); // another peer still wants it: not reported without verboser
  await s2.send("\x01sync");
  assert.equal(await recvJoined(xpub), "\x01sync");
  xpub.verboser = true;
  await s2.send("\x01t");
  await s2.send("\x00t");
  assert.deepEqual([await recvJoined(xpub), await recvJoined(xpub)], ["\x01t", "\x00t"]);
  // On disconnect, verboser reports each of the peer's topics, wanted elsewhere or not.
  await s2.send("\x01t");
  assert.equal(await recvJoined(xpub), "\x01t");
  s2.close();
  const gone = [await recvJoined(xpub), await recvJoined(xpub)].sort();
  assert.deepEqual(gone, ["\x00sync", "\x00t"]);
});

Deno.test("pubsub - XPublisher receives other upstream messages as they are; XSubscriber forwards them to every publisher", async () => {
  await using a = new XPublisher();
  await a.bind("tcp://127.0.0.1:*");
  await using b = new XPublisher();
  await b.bind("tcp://127.0.0.1:*");
  await using xsub = new XSubscriber();
  xsub.connect(a.lastEndpoint!);
  xsub.connect(b.lastEndpoint!);
  await xsub.send("\x01weather");
  await xsub.send("\x01weather");
  await xsub.send("\x01news");
  await xsub.send("hello upstream");
  await xsub.send("");
  await xsub.send(["multi", "part"]);
  await xsub.send("\x00weather"); // count 2 -> 1: not forwarded
  await xsub.send("\x00weather"); // count 1 -> 0: forwarded
  await xsub.send("\x00unknown"); // never subscribed: not forwarded
  await xsub.send("\x01end");
  for (const xpub of [a, b]) {
    const got: string[] = [];
    for (let m = await recvJoined(xpub); m !== "\x01end"; m = await recvJoined(xpub)) got.push(m);
    assert.deepEqual(got, ["\x01weather", "\x01news", "hello upstream", "", "multi|part", "\x00weather"]);
  }
  assert.equal(xsub.topicCount, 2);
  // XSubscriber does not filter: everything its publishers send arrives.
  await a.send("end: to everyone subscribed to end");
  await b.send(["endless", "x"]);
  const got = [await recvJoined(xsub), await recvJoined(xsub)].sort();
  assert.deepEqual(got, ["end: to everyone subscribed to end", "endless|x"]);
});

Deno.test("pubsub - XPublisher manual mode: subscriptions are reported, applied only by subscribe()/unsubscribe()", async () => {
  await using xpub = new XPublisher({ manual: true });
  await xpub.bind("tcp://127.0.0.1:*");
  await using sub = new Subscriber();
  sub.connect(xpub.lastEndpoint!);
  sub.subscribe("z");
  sub.subscribe("a");
  sub.subscribe("a"); // reported again: manual mode reports every subscription
  assert.equal(await recvJoined(xpub), "\x01z");
  xpub.subscribe("z"); // applies to the pipe of the subscription just received
  assert.deepEqual([await recvJoined(xpub), await recvJoined(xpub)], ["\x01a", "\x01a"]);
  await xpub.send("a1"); // not applied yet: goes nowhere
  await xpub.send("z1");
  assert.deepEqual(await recvText(sub), ["z1"]);
  xpub.subscribe("a");
  await xpub.send("a2");
  await xpub.send("z2");
  assert.deepEqual([await recvJoined(sub), await recvJoined(sub)], ["a2", "z2"]);
  xpub.unsubscribe("a");
  await xpub.send("a3");
  await xpub.send("z3");
  assert.equal(await recvJoined(sub), "z3");
  // The application may apply something else than what was asked for ("" = everything).
  xpub.subscribe();
  await xpub.send("a4");
  assert.equal(await recvJoined(sub), "a4");
  sub.close();
  // Every topic the peer asked for is reported on disconnect.
  const gone = [await recvJoined(xpub), await recvJoined(xpub)].sort();
  assert.deepEqual(gone, ["\x00a", "\x00z"]);
  xpub.subscribe("nobody"); // the last pipe is gone: nothing happens
  assert.equal(xpub.subscriptionCount, 0);
});

Deno.test("pubsub - XPublisher welcome message reaches each new subscriber, unfiltered by its subscriptions", async () => {
  await using xpub = new XPublisher({ welcomeMessage: "WELCOME!" });
  await xpub.bind("tcp://127.0.0.1:*");
  await using sub = new Subscriber();
  sub.subscribe("WELCOME"); // a SUB filters locally, so it subscribes to the welcome message
  sub.connect(xpub.lastEndpoint!);
  assert.deepEqual(await recvText(sub), ["WELCOME!"]);
  await using xsub = new XSubscriber(); // an XSUB receives it without subscribing
  xsub.connect(xpub.lastEndpoint!);
  assert.deepEqual(await recvText(xsub), ["WELCOME!"]);
  await using raw = await RawPeer.connect(xpub.lastEndpoint!, "sub");
  assert.deepEqual(await raw.message(), ["WELCOME!"]);
  assert.equal(await recvJoined(xpub), "\x01WELCOME");
});

Deno.test("pubsub - XPublisher reports both subscription forms alike, upstream data, and cancels of unknown topics", async () => {
  await using xpub = new XPublisher();
  await xpub.bind("tcp://127.0.0.1:*");
  await using raw = await RawPeer.connect(xpub.lastEndpoint!, "sub");
  await raw.write(concat([
    SUBSCRIBE_WEATHER,
    SUBSCRIBE_WEATHER,
    subscribeMessage("news"),
    frame(bytes("hello upstream")),
    frame(new Uint8Array(0)),
    CANCEL_WEATHER,
    CANCEL_WEATHER, // not subscribed any more: libzmq reports it too ("not found" is not "values remain")
  ]));
  const got: string[] = [];
  for (let i = 0; i < 6; i++) got.push(await recvJoined(xpub));
  assert.deepEqual(got, ["\x01weather", "\x01news", "hello upstream", "", "\x00weather", "\x00weather"]);
});

// ---- options ------------------------------------------------------------------------------------

Deno.test("pubsub - invertMatching: the publisher sends, and the subscriber keeps, what does not match", async () => {
  // A verbose XPublisher reports every subscription, so the test knows when each has arrived.
  await using pub = new XPublisher({ invertMatching: true, verbose: true });
  await pub.bind("tcp://127.0.0.1:*");
  // An XSubscriber shows what the publisher sends (it does not filter).
  await using xsub = new XSubscriber();
  xsub.connect(pub.lastEndpoint!);
  await xsub.send("\x01a");
  assert.equal(await recvJoined(pub), "\x01a");
  for (const m of ["a1", "b1", "ab", "c1"]) await pub.send(m);
  assert.deepEqual([await recvJoined(xsub), await recvJoined(xsub)], ["b1", "c1"]);
  await using sub = new Subscriber({ invertMatching: true });
  assert.equal(sub.invertMatching, true);
  sub.connect(pub.lastEndpoint!);
  sub.subscribe("a");
  assert.equal(await recvJoined(pub), "\x01a");
  for (const m of ["a2", "b2", "a3", "c2"]) await pub.send(m);
  assert.deepEqual([await recvJoined(sub), await recvJoined(sub)], ["b2", "c2"]);
});

Deno.test("pubsub - conflate: a Subscriber keeps only the newest message", async () => {
  await using pub = new Publisher({ sendHighWaterMark: 0 }); // nothing dropped on the way
  await pub.bind("tcp://127.0.0.1:*");
  await using sub = new Subscriber({ conflate: true });
  assert.equal(sub.conflate, true);
  sub.connect(pub.lastEndpoint!);
  sub.subscribe("");
  await waitFor(() => pub.subscriptionCount === 1, 5000, "subscription");
  const count = 2000;
  for (let i = 1; i <= count; i++) await pub.send(String(i));
  const got: number[] = [];
  for (;;) {
    const [body] = await recvText(sub);
    got.push(Number(body));
    if (Number(body) === count) break;
  }
  assert.ok(got.length < count / 10, `only the newest survive: ${got.length} of ${count} read`);
  assert.ok(got.every((n, i) => i === 0 || n > got[i - 1]), "in order");
  sub.receiveTimeout = 50;
  await assert.rejects(sub.receive(), { code: "EAGAIN" });
});

Deno.test("pubsub - options: types, defaults and where they apply", async () => {
  await using pub = new Publisher({ noDrop: true, conflate: true });
  assert.equal(pub.noDrop, true);
  assert.equal(pub.conflate, true);
  assert.equal(pub.invertMatching, false);
  await using xpub = new XPublisher({ verbose: true, manual: true, welcomeMessage: "hi" });
  assert.deepEqual([xpub.verbose, xpub.verboser, xpub.manual, xpub.welcomeMessage, xpub.noDrop], [
    true,
    false,
    true,
    "hi",
    false,
  ]);
  xpub.welcomeMessage = null;
  assert.equal(xpub.welcomeMessage, null);
  await using sub = new Subscriber();
  assert.equal(sub.linger, 0);
  await using xsub = new XSubscriber();
  assert.equal(xsub.linger, 0);
  assert.throws(() => new Subscriber({ noDrop: true } as never), TypeError);
  assert.throws(() => new Publisher({ verbose: true } as never), TypeError);
  assert.throws(() => new XPublisher({ verbose: 1 as unknown as boolean }), TypeError);
  assert.throws(() => sub.subscribe(42 as unknown as string), TypeError);
  assert.throws(() => xpub.verboser = "yes" as unknown as boolean, TypeError);
  await assert.rejects(sub.send("x"), { code: "ENOTSUP" });
  await assert.rejects(pub.receive(), { code: "ENOTSUP" });
  assert.equal(pub.readable, false);
  assert.equal(sub.writable, false);
  assert.equal(xsub.writable, true);
  sub.close();
  assert.throws(() => sub.subscribe("x"), { code: "EBADF" });
});

// ---- a proxy in zmq-ts --------------------------------------------------------------------------

Deno.test("pubsub - XSubscriber/XPublisher forwarder: subscriptions flow up, messages flow down", async () => {
  await using pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  await using xsub = new XSubscriber();
  xsub.connect(pub.lastEndpoint!);
  await using xpub = new XPublisher();
  await xpub.bind("tcp://127.0.0.1:*");
  const abort = new AbortController();
  const forward = async (from: XSubscriber | XPublisher, to: XSubscriber | XPublisher) => {
    try {
      for await (const message of from) {
        if (abort.signal.aborted) return;
        await to.send(message);
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    }
  };
  const up = forward(xpub, xsub);
  const down = forward(xsub, xpub);
  try {
    await using sub = new Subscriber();
    sub.connect(xpub.lastEndpoint!);
    sub.subscribe("k");
    await waitFor(() => pub.subscriptionCount === 1, 5000, "subscription through the forwarder");
    await pub.send(["k1", "v"]);
    await pub.send(["x1", "v"]);
    await pub.send("k2");
    assert.deepEqual([await recvJoined(sub), await recvJoined(sub)], ["k1|v", "k2"]);
  } finally {
    abort.abort();
    xpub.close();
    xsub.close();
    await Promise.all([up, down]);
  }
  // The subscriber left; the forwarder passed its cancellation on.
});

Deno.test("pubsub - over inproc, each subscriber gets its own copy of the message array", async () => {
  await using pub = new XPublisher();
  await pub.bind("inproc://pubsub-test");
  await using a = new Subscriber();
  await using b = new Subscriber();
  a.connect("inproc://pubsub-test");
  b.connect("inproc://pubsub-test");
  a.subscribe("x");
  b.subscribe("");
  assert.deepEqual([await recvJoined(pub), await recvJoined(pub)].sort(), ["\x01", "\x01x"]);
  await pub.send(["x1", "y"]);
  await pub.send("z");
  const [ma, mb] = [await a.receive(), await b.receive()];
  assert.deepEqual([ma.map(text), mb.map(text)], [["x1", "y"], ["x1", "y"]]);
  assert.notEqual(ma, mb);
  ma.shift();
  assert.equal(mb.length, 2);
  assert.deepEqual(await recvText(b), ["z"]);
});
