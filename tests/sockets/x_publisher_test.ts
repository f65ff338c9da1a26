import assert from "node:assert/strict";
import { Subscriber, XPublisher, XSubscriber } from "../../mod.ts";
import { bytes } from "../_helpers.ts";
import {
  CANCEL_WEATHER,
  frame,
  RawPeer,
  recvJoined,
  recvText,
  SUBSCRIBE_WEATHER,
  subscribeMessage,
} from "./_pubsub.ts";
import { concat } from "../_vectors.ts";

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
