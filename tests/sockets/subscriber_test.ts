import assert from "node:assert/strict";
import { Publisher, Subscriber, type Writable, XPublisher } from "../../mod.ts";
import { bytes, text, waitFor, withTimeout } from "../_helpers.ts";
import {
  collect,
  frame,
  RawPeer,
  recvJoined,
  recvText,
  SUBSCRIBE_WEATHER,
  subscribeMessage,
  untilReceived,
} from "./_pubsub.ts";
import { concat } from "../_vectors.ts";

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
  await assert.rejects((sub as unknown as Writable).send("x"), { code: "ENOTSUP" }); // present at run time, as in zeromq.js
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
