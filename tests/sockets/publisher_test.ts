import assert from "node:assert/strict";
import { Publisher, type Readable, Subscriber, type Writable, XPublisher, XSubscriber, ZmqError } from "../../mod.ts";
import { bytes, sleep, text, waitFor, withTimeout } from "../_helpers.ts";
import {
  CANCEL_WEATHER,
  frame,
  RawPeer,
  recvJoined,
  recvText,
  SUBSCRIBE_MSG_WEATHER,
  SUBSCRIBE_WEATHER,
  subscribeMessage,
} from "./_pubsub.ts";
import { concat } from "../_vectors.ts";

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
  await assert.rejects((pub as unknown as Readable).receive(), { code: "ENOTSUP" }); // present at run time, as in zeromq.js
});

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
  await assert.rejects((sub as unknown as Writable).send("x"), { code: "ENOTSUP" }); // present at run time, as in zeromq.js
  await assert.rejects((pub as unknown as Readable).receive(), { code: "ENOTSUP" }); // present at run time, as in zeromq.js
  assert.equal(pub.readable, false);
  assert.equal(sub.writable, false);
  assert.equal(xsub.writable, true);
  sub.close();
  assert.throws(() => sub.subscribe("x"), { code: "EBADF" });
});

// ---- a proxy in zmq-ts --------------------------------------------------------------------------

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
