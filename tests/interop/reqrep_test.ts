import assert from "node:assert/strict";
import { Dealer, Reply, Request, Router } from "../../mod.ts";
import { bytes, HAS_LIBZMQ, hex, LibzmqPeer, text, withTimeout } from "../_helpers.ts";
import { assertPeerFrames, assertReceived, peerSizedFrames, sizedMessage } from "./_interop.ts";

const ignore = !HAS_LIBZMQ;
const endpoints = ["bind", "connect"] as const;

for (const role of endpoints) {
  Deno.test({ name: `interop REQ/REP - zmq-ts Request (${role}s) to libzmq REP`, ignore }, async () => {
    await using peer = await LibzmqPeer.start("REP");
    await using req = new Request({ linger: 0 });
    if (role === "bind") {
      await req.bind("tcp://127.0.0.1:*");
      await peer.connect(req.lastEndpoint!);
    } else {
      req.connect(await peer.bind());
    }
    for (let i = 0; i < 3; i++) {
      const request = sizedMessage(i);
      await req.send(request);
      await assertPeerFrames(await peer.recv(), request); // REP strips the delimiter
      const sent = await peer.send(peerSizedFrames(i));
      await assertReceived(await withTimeout(req.receive(), 5000, "reply"), sent);
    }
  });

  Deno.test({ name: `interop REQ/REP - libzmq REQ to zmq-ts Reply (${role}s)`, ignore }, async () => {
    await using peer = await LibzmqPeer.start("REQ");
    await using rep = new Reply({ linger: 0 });
    if (role === "bind") {
      await rep.bind("tcp://127.0.0.1:*");
      await peer.connect(rep.lastEndpoint!);
    } else {
      rep.connect(await peer.bind());
    }
    for (let i = 0; i < 3; i++) {
      const sent = await peer.send(peerSizedFrames(i));
      await assertReceived(await withTimeout(rep.receive(), 5000, "request"), sent);
      const reply = sizedMessage(i);
      await rep.send(reply);
      await assertPeerFrames(await peer.recv(), reply);
    }
  });

  Deno.test({ name: `interop DEALER/ROUTER - zmq-ts Dealer (${role}s) with libzmq ROUTER`, ignore }, async () => {
    await using peer = await LibzmqPeer.start("ROUTER");
    await using dealer = new Dealer({ routingId: "ts-dealer", linger: 0 });
    if (role === "bind") {
      await dealer.bind("tcp://127.0.0.1:*");
      await peer.connect(dealer.lastEndpoint!);
    } else {
      dealer.connect(await peer.bind());
    }
    const message = sizedMessage(1);
    await dealer.send(message);
    const got = await peer.recv();
    assert.equal(got[0], hex(bytes("ts-dealer")), "ROUTER sees our routing id");
    await assertPeerFrames(got.slice(1), message);
    const sent = await peer.send([bytes("ts-dealer"), ...peerSizedFrames(2)] as never);
    await assertReceived(await withTimeout(dealer.receive(), 5000, "reply"), sent.slice(1));
  });

  Deno.test({ name: `interop DEALER/ROUTER - libzmq DEALER with zmq-ts Router (${role}s)`, ignore }, async () => {
    await using peer = await LibzmqPeer.start("DEALER", { ROUTING_ID: hex(bytes("py-dealer")) });
    await using router = new Router({ linger: 0, mandatory: true });
    if (role === "bind") {
      await router.bind("tcp://127.0.0.1:*");
      await peer.connect(router.lastEndpoint!);
    } else {
      router.connect(await peer.bind());
    }
    const sent = await peer.send(peerSizedFrames(4));
    const [id, ...rest] = await withTimeout(router.receive(), 5000, "request");
    assert.equal(text(id), "py-dealer");
    await assertReceived(rest, sent);
    const reply = sizedMessage(5);
    await router.send([id, ...reply]);
    await assertPeerFrames(await peer.recv(), reply);
  });
}

Deno.test(
  { name: "interop REQ/ROUTER - zmq-ts Request through a libzmq ROUTER keeps the envelope", ignore },
  async () => {
    await using peer = await LibzmqPeer.start("ROUTER");
    await using req = new Request({ linger: 0, routingId: "client-1" });
    req.connect(await peer.bind());
    await req.send("question");
    const got = await peer.recvText();
    assert.deepEqual(got, ["client-1", "", "question"]);
    await peer.send(["client-1", "", "answer"]);
    assert.deepEqual((await req.receive()).map(text), ["answer"]);
  },
);

Deno.test(
  { name: "interop DEALER/REP - zmq-ts Dealer adds the delimiter itself for a libzmq REP", ignore },
  async () => {
    await using peer = await LibzmqPeer.start("REP");
    await using dealer = new Dealer({ linger: 0 });
    dealer.connect(await peer.bind());
    await dealer.send(["", "ping"]);
    assert.deepEqual(await peer.recvText(), ["ping"]);
    await peer.send(["pong"]);
    assert.deepEqual((await dealer.receive()).map(text), ["", "pong"]);
  },
);

Deno.test({ name: "interop REQ correlate - libzmq ROUTER echoing the request id", ignore }, async () => {
  await using peer = await LibzmqPeer.start("ROUTER");
  await using req = new Request({ linger: 0, correlate: true, relaxed: true, routingId: "c" });
  req.connect(await peer.bind());
  await req.send("one");
  const first = await peer.recv();
  assert.equal(first.length, 4); // id, request id, delimiter, body
  await req.send("two"); // relaxed: a new request before the reply
  const second = await peer.recv();
  // A late reply to the first request is dropped; the reply to the second arrives.
  await peer.ok({ op: "send", frames: first.slice(0, 3).concat([hex(bytes("late"))]) });
  await peer.ok({ op: "send", frames: second.slice(0, 3).concat([hex(bytes("fresh"))]) });
  assert.deepEqual((await withTimeout(req.receive(), 5000, "reply")).map(text), ["fresh"]);
});
