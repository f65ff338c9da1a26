import assert from "node:assert/strict";
import { Publisher, Subscriber, XPublisher, XSubscriber } from "../../mod.ts";
import { waitFor } from "../_helpers.ts";
import { recvJoined } from "./_pubsub.ts";

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
