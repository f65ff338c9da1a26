/**
 * PLAIN, CURVE and ZAP against real libzmq (pyzmq, libzmq 4.3.4 with
 * libsodium), both ways: zmq-ts client to libzmq server and libzmq client
 * to zmq-ts server, with good credentials (messages both directions,
 * multipart, 1 MiB frames) and bad ones (refused, nothing delivered, the
 * right events on both sides, no reconnection after an ERROR).
 */
import assert from "node:assert/strict";
import {
  Authenticator,
  Context,
  curveKeyPair,
  curvePublicKey,
  Dealer,
  Reply,
  Router,
  type SocketEvent,
  z85,
} from "../../mod.ts";
import { bytes, HAS_LIBZMQ, hex, pseudoRandomBytes, sleep, text, waitFor, withTimeout } from "../_helpers.ts";
import { assertPeerFrames, assertReceived } from "./_interop.ts";
import { HAS_LIBZMQ_CURVE, type PeerEvent, SecurePeer } from "./_secure_peer.ts";
import { assertNothingReceived, count, record } from "../_events.ts";

const ignore = !HAS_LIBZMQ;
const ignoreCurve = !HAS_LIBZMQ || !HAS_LIBZMQ_CURVE;
const MiB = 1024 * 1024;

function authStatus(events: SocketEvent[]): number | undefined {
  const event = events.find((e) => e.type === "handshake:error:auth");
  return event && "error" in event ? (event.error as Error & { status: number }).status : undefined;
}

function peerEvent(events: PeerEvent[], name: string): PeerEvent | undefined {
  return events.find(([n]) => n === name);
}

/** zmq-ts Dealer ↔ libzmq ROUTER: both directions, multipart, 1 MiB frames. */
async function exchangeWithPeerRouter(dealer: Dealer, peer: SecurePeer, id: string, seed: number): Promise<void> {
  const big = pseudoRandomBytes(MiB, seed);
  await dealer.send(["hello", big]);
  const got = await peer.recv(10_000);
  await assertPeerFrames(got, [bytes(id), bytes("hello"), big]);
  const sent = await peer.send([id, "back", { size: MiB, seed }]);
  const reply = await withTimeout(dealer.receive(), 10_000, "reply from libzmq");
  await assertReceived(reply, sent.slice(1));
}

/** libzmq DEALER ↔ zmq-ts Router: both directions, multipart, 1 MiB frames. */
async function exchangeWithPeerDealer(router: Router, peer: SecurePeer, id: string, seed: number): Promise<void> {
  const sent = await peer.send(["hi", { size: MiB, seed }]);
  const [from, ...rest] = await withTimeout(router.receive(), 10_000, "message from libzmq");
  assert.equal(text(from), id);
  await assertReceived(rest, sent);
  const big = pseudoRandomBytes(MiB, seed + 1);
  await router.send([id, "back", big]);
  await assertPeerFrames(await peer.recv(10_000), [bytes("back"), big]);
}

// ---- PLAIN ------------------------------------------------------------------

Deno.test({ name: "interop PLAIN - zmq-ts client, libzmq server with a ZAP handler", ignore }, async () => {
  await using peer = await SecurePeer.start("ROUTER", { PLAIN_SERVER: 1, ROUTING_ID: "SRV", ZAP_DOMAIN: "test" }, {
    plain: { admin: "secret" },
  });
  const endpoint = await peer.bind();
  await using dealer = new Dealer({ plainUsername: "admin", plainPassword: "secret", routingId: "c1", linger: 0 });
  const events = record(dealer);
  dealer.connect(endpoint);
  await exchangeWithPeerRouter(dealer, peer, "c1", 1);
  assert.equal(count(events, "handshake"), 1);
  // libzmq's request: identity = the server's own routing id, not the client's.
  const [request] = await peer.zapRequests();
  assert.deepEqual(request.map(text), ["1.0", "1", "test", "127.0.0.1", "SRV", "PLAIN", "admin", "secret"]);
  assert.ok(peerEvent(await peer.waitForEvent("EVENT_HANDSHAKE_SUCCEEDED"), "EVENT_HANDSHAKE_SUCCEEDED"));
});

Deno.test({ name: "interop PLAIN - zmq-ts client with a wrong password is refused by libzmq", ignore }, async () => {
  await using peer = await SecurePeer.start("ROUTER", { PLAIN_SERVER: 1 }, { plain: { admin: "secret" } });
  const endpoint = await peer.bind();
  await using dealer = new Dealer({ plainUsername: "admin", plainPassword: "wrong", linger: 0, reconnectInterval: 20 });
  const events = record(dealer);
  dealer.connect(endpoint);
  await dealer.send("must not arrive");
  await waitFor(() => count(events, "handshake:error:auth") > 0, 5000, "handshake:error:auth");
  assert.equal(authStatus(events), 400); // libzmq's "^RROR" 400, read as an ERROR
  const failed = peerEvent(await peer.waitForEvent("EVENT_HANDSHAKE_FAILED_AUTH"), "EVENT_HANDSHAKE_FAILED_AUTH");
  assert.equal(failed?.[1], 400);
  assert.equal(await peer.tryRecv(200), null);
  await sleep(200); // libzmq stops reconnecting after an ERROR; so do we
  assert.equal(count(events, "connect"), 1);
  assert.equal(count(events, "connect:retry"), 0);
  assert.equal(count(events, "handshake"), 0);
});

Deno.test({ name: "interop PLAIN - libzmq client, zmq-ts server with an Authenticator", ignore }, async () => {
  const context = new Context();
  using _auth = new Authenticator({ context, plain: { admin: "secret" } });
  await using router = new Router({ context, plainServer: true, linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  const events = record(router);
  await using peer = await SecurePeer.start("DEALER", {
    PLAIN_USERNAME: "admin",
    PLAIN_PASSWORD: "secret",
    ROUTING_ID: "p1",
  });
  await peer.connect(router.lastEndpoint!);
  await exchangeWithPeerDealer(router, peer, "p1", 2);
  assert.equal(count(events, "handshake"), 1);
  assert.ok(peerEvent(await peer.waitForEvent("EVENT_HANDSHAKE_SUCCEEDED"), "EVENT_HANDSHAKE_SUCCEEDED"));
});

Deno.test({ name: "interop PLAIN - libzmq client with a wrong password is refused by zmq-ts", ignore }, async () => {
  const context = new Context();
  using _auth = new Authenticator({ context, plain: { admin: "secret" } });
  await using router = new Router({ context, plainServer: true, linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  const events = record(router);
  await using bad = await SecurePeer.start("DEALER", {
    PLAIN_USERNAME: "admin",
    PLAIN_PASSWORD: "wrong",
    RECONNECT_IVL: 20,
  });
  await bad.connect(router.lastEndpoint!);
  // The send may race with libzmq dropping the pipe after the refusal (EAGAIN): either way nothing may arrive.
  await bad.command({ op: "send", frames: [hex(bytes("must not arrive"))] }, true);
  await waitFor(() => count(events, "handshake:error:auth") > 0, 5000, "handshake:error:auth");
  assert.equal(authStatus(events), 400);
  // libzmq's PLAIN client only knows its own mis-encoded "^RROR"; our RFC-correct ERROR is an unexpected
  // command to it: a protocol failure, after which it gives up on the endpoint just the same.
  const seen = await bad.waitForEvent("EVENT_HANDSHAKE_FAILED_PROTOCOL");
  assert.ok(!peerEvent(seen, "EVENT_HANDSHAKE_SUCCEEDED"));
  for (let i = 0; i < 5; i++) await bad.poll(40);
  assert.equal(count(events, "accept"), 1, "the libzmq client did not reconnect");
  await assertNothingReceived(router, 200);
  // The socket goes on serving good clients.
  await using good = await SecurePeer.start("DEALER", {
    PLAIN_USERNAME: "admin",
    PLAIN_PASSWORD: "secret",
    ROUTING_ID: "ok",
  });
  await good.connect(router.lastEndpoint!);
  await exchangeWithPeerDealer(router, good, "ok", 3);
});

Deno.test(
  { name: "interop PLAIN - libzmq client, zmq-ts server with a Reply ZAP handler at inproc://zeromq.zap.01", ignore },
  async () => {
    const context = new Context();
    await using handler = new Reply({ context });
    await handler.bind("inproc://zeromq.zap.01");
    await using router = new Router({ context, plainServer: true, zapDomain: "d", routingId: "SRV", linger: 0 });
    await router.bind("tcp://127.0.0.1:*");
    const events = record(router);
    const seen: string[][] = [];
    const serving = (async () => {
      for (let i = 0; i < 2; i++) {
        const request = await handler.receive();
        seen.push(request.map(text));
        const ok = text(request[7]) === "secret";
        await handler.send(["1.0", "1", ok ? "200" : "400", ok ? "OK" : "No", ok ? text(request[6]) : "", ""]);
      }
    })();
    await using good = await SecurePeer.start("DEALER", {
      PLAIN_USERNAME: "ann",
      PLAIN_PASSWORD: "secret",
      ROUTING_ID: "a",
    });
    await good.connect(router.lastEndpoint!);
    await exchangeWithPeerDealer(router, good, "a", 4);
    await using bad = await SecurePeer.start("DEALER", { PLAIN_USERNAME: "bob", PLAIN_PASSWORD: "guess" });
    await bad.connect(router.lastEndpoint!);
    await bad.waitForEvent("EVENT_HANDSHAKE_FAILED_PROTOCOL");
    await withTimeout(serving, 5000, "the handler to answer two requests");
    assert.deepEqual(seen, [
      ["1.0", "1", "d", "127.0.0.1", "SRV", "PLAIN", "ann", "secret"],
      ["1.0", "1", "d", "127.0.0.1", "SRV", "PLAIN", "bob", "guess"],
    ]);
    assert.equal(authStatus(events), 400);
  },
);

// ---- CURVE ------------------------------------------------------------------

Deno.test({ name: "interop CURVE - key pairs agree with libzmq's", ignore: ignoreCurve }, async () => {
  await using peer = await SecurePeer.start();
  const theirs = await peer.curveKeyPair();
  assert.equal(await curvePublicKey(theirs.secretKey), theirs.publicKey);
  const ours = await curveKeyPair();
  assert.equal(await peer.curvePublic(ours.secretKey), ours.publicKey);
  assert.equal(z85.decode(ours.publicKey).length, 32);
});

Deno.test(
  { name: "interop CURVE - zmq-ts client, libzmq server with a ZAP handler", ignore: ignoreCurve },
  async () => {
    const server = await curveKeyPair();
    const client = await curveKeyPair();
    await using peer = await SecurePeer.start("ROUTER", { CURVE_SERVER: 1, CURVE_SECRETKEY: server.secretKey }, {
      curve: [client.publicKey],
    });
    const endpoint = await peer.bind();
    await using dealer = new Dealer({
      curveServerKey: server.publicKey,
      curvePublicKey: client.publicKey,
      curveSecretKey: client.secretKey,
      routingId: "c2",
      linger: 0,
    });
    dealer.connect(endpoint);
    await exchangeWithPeerRouter(dealer, peer, "c2", 5);
    await exchangeWithPeerRouter(dealer, peer, "c2", 6);
    const [request] = await peer.zapRequests();
    assert.deepEqual(request.slice(0, 6).map(text), ["1.0", "1", "", "127.0.0.1", "", "CURVE"]);
    assert.deepEqual(request[6], z85.decode(client.publicKey));
  },
);

Deno.test({
  name: "interop CURVE - libzmq refuses a zmq-ts client key its ZAP handler does not know",
  ignore: ignoreCurve,
}, async () => {
  const server = await curveKeyPair();
  const known = await curveKeyPair();
  const stranger = await curveKeyPair();
  await using peer = await SecurePeer.start("ROUTER", { CURVE_SERVER: 1, CURVE_SECRETKEY: server.secretKey }, {
    curve: [known.publicKey],
  });
  const endpoint = await peer.bind();
  await using dealer = new Dealer({
    curveServerKey: server.publicKey,
    curvePublicKey: stranger.publicKey,
    curveSecretKey: stranger.secretKey,
    reconnectInterval: 20,
    linger: 0,
  });
  const events = record(dealer);
  dealer.connect(endpoint);
  await dealer.send("must not arrive");
  await waitFor(() => count(events, "handshake:error:auth") > 0, 5000, "handshake:error:auth");
  assert.equal(authStatus(events), 400);
  assert.equal(
    peerEvent(await peer.waitForEvent("EVENT_HANDSHAKE_FAILED_AUTH"), "EVENT_HANDSHAKE_FAILED_AUTH")?.[1],
    400,
  );
  assert.equal(await peer.tryRecv(200), null);
  await sleep(100);
  assert.equal(count(events, "connect"), 1, "no reconnection after an ERROR");
});

Deno.test({
  name: "interop CURVE - a zmq-ts client with the wrong server key is refused by libzmq",
  ignore: ignoreCurve,
}, async () => {
  const server = await curveKeyPair();
  const impostor = await curveKeyPair();
  const client = await curveKeyPair();
  await using peer = await SecurePeer.start("ROUTER", { CURVE_SERVER: 1, CURVE_SECRETKEY: server.secretKey });
  const endpoint = await peer.bind();
  await using dealer = new Dealer({
    curveServerKey: impostor.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    reconnectInterval: 50,
    linger: 0,
  });
  const events = record(dealer);
  dealer.connect(endpoint);
  await dealer.send("must not arrive");
  const seen = await peer.waitForEvent("EVENT_HANDSHAKE_FAILED_PROTOCOL");
  assert.ok(!peerEvent(seen, "EVENT_HANDSHAKE_SUCCEEDED"));
  // libzmq closes without an ERROR: to the client it is a lost connection, retried.
  await waitFor(() => count(events, "connect:retry") > 0, 5000, "connect:retry");
  assert.equal(count(events, "handshake"), 0);
  assert.equal(await peer.tryRecv(200), null);
});

Deno.test(
  { name: "interop CURVE - libzmq client, zmq-ts server with an Authenticator", ignore: ignoreCurve },
  async () => {
    const context = new Context();
    await using keys = await SecurePeer.start();
    const server = await keys.curveKeyPair(); // libzmq-made keys on the zmq-ts side too
    const client = await keys.curveKeyPair();
    using _auth = new Authenticator({ context, curve: [client.publicKey] });
    await using router = new Router({ context, curveServer: true, curveSecretKey: server.secretKey, linger: 0 });
    await router.bind("tcp://127.0.0.1:*");
    const events = record(router);
    await using peer = await SecurePeer.start("DEALER", {
      CURVE_SERVERKEY: server.publicKey,
      CURVE_PUBLICKEY: client.publicKey,
      CURVE_SECRETKEY: client.secretKey,
      ROUTING_ID: "p2",
    });
    await peer.connect(router.lastEndpoint!);
    await exchangeWithPeerDealer(router, peer, "p2", 7);
    await exchangeWithPeerDealer(router, peer, "p2", 8);
    assert.equal(count(events, "handshake"), 1);
  },
);

Deno.test(
  { name: "interop CURVE - zmq-ts refuses a libzmq client key it does not know", ignore: ignoreCurve },
  async () => {
    const context = new Context();
    const server = await curveKeyPair();
    const known = await curveKeyPair();
    const stranger = await curveKeyPair();
    using _auth = new Authenticator({ context, curve: [known.publicKey] });
    await using router = new Router({ context, curveServer: true, curveSecretKey: server.secretKey, linger: 0 });
    await router.bind("tcp://127.0.0.1:*");
    const events = record(router);
    await using bad = await SecurePeer.start("DEALER", {
      CURVE_SERVERKEY: server.publicKey,
      CURVE_PUBLICKEY: stranger.publicKey,
      CURVE_SECRETKEY: stranger.secretKey,
      RECONNECT_IVL: 20,
    });
    await bad.connect(router.lastEndpoint!);
    // The send may race with libzmq dropping the pipe after the refusal (EAGAIN): either way nothing may arrive.
    await bad.command({ op: "send", frames: [hex(bytes("must not arrive"))] }, true);
    await waitFor(() => count(events, "handshake:error:auth") > 0, 5000, "handshake:error:auth");
    assert.equal(authStatus(events), 400);
    assert.equal(
      peerEvent(await bad.waitForEvent("EVENT_HANDSHAKE_FAILED_AUTH"), "EVENT_HANDSHAKE_FAILED_AUTH")?.[1],
      400,
    );
    for (let i = 0; i < 5; i++) await bad.poll(40);
    assert.equal(count(events, "accept"), 1, "the libzmq client did not reconnect");
    await assertNothingReceived(router, 200);
    await using good = await SecurePeer.start("DEALER", {
      CURVE_SERVERKEY: server.publicKey,
      CURVE_PUBLICKEY: known.publicKey,
      CURVE_SECRETKEY: known.secretKey,
      ROUTING_ID: "ok",
    });
    await good.connect(router.lastEndpoint!);
    await exchangeWithPeerDealer(router, good, "ok", 9);
  },
);

Deno.test({
  name: "interop CURVE - a libzmq client with the wrong server key is refused by zmq-ts",
  ignore: ignoreCurve,
}, async () => {
  const context = new Context();
  const server = await curveKeyPair();
  const impostor = await curveKeyPair();
  const client = await curveKeyPair();
  await using router = new Router({ context, curveServer: true, curveSecretKey: server.secretKey, linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  const events = record(router);
  await using bad = await SecurePeer.start("DEALER", {
    CURVE_SERVERKEY: impostor.publicKey,
    CURVE_PUBLICKEY: client.publicKey,
    CURVE_SECRETKEY: client.secretKey,
  });
  await bad.connect(router.lastEndpoint!);
  // The send may race with libzmq dropping the pipe after the refusal (EAGAIN): either way nothing may arrive.
  await bad.command({ op: "send", frames: [hex(bytes("must not arrive"))] }, true);
  await waitFor(() => count(events, "handshake:error:protocol") > 0, 5000, "handshake:error:protocol");
  assert.equal(count(events, "handshake"), 0);
  await assertNothingReceived(router, 200);
  // No ZAP handler: any client key is accepted ("stonehouse"), as libzmq does.
  await using good = await SecurePeer.start("DEALER", {
    CURVE_SERVERKEY: server.publicKey,
    CURVE_PUBLICKEY: client.publicKey,
    CURVE_SECRETKEY: client.secretKey,
    ROUTING_ID: "any",
  });
  await good.connect(router.lastEndpoint!);
  await exchangeWithPeerDealer(router, good, "any", 10);
});

Deno.test({
  name: "interop CURVE - libzmq server without a ZAP handler accepts any zmq-ts client key",
  ignore: ignoreCurve,
}, async () => {
  const server = await curveKeyPair();
  const client = await curveKeyPair();
  await using peer = await SecurePeer.start("ROUTER", { CURVE_SERVER: 1, CURVE_SECRETKEY: server.secretKey });
  const endpoint = await peer.bind();
  await using dealer = new Dealer({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    routingId: "c3",
    linger: 0,
  });
  dealer.connect(endpoint);
  await exchangeWithPeerRouter(dealer, peer, "c3", 11);
});

// ---- NULL with a ZAP domain ------------------------------------------------

Deno.test(
  { name: "interop NULL+ZAP - libzmq server with a zapDomain refuses a zmq-ts client (400)", ignore },
  async () => {
    await using peer = await SecurePeer.start("ROUTER", { ZAP_DOMAIN: "global" }, { status: 400 });
    const endpoint = await peer.bind();
    await using dealer = new Dealer({ linger: 0, reconnectInterval: 20 });
    const events = record(dealer);
    dealer.connect(endpoint);
    await dealer.send("must not arrive");
    await waitFor(() => count(events, "handshake:error:auth") > 0, 5000, "handshake:error:auth");
    assert.equal(authStatus(events), 400);
    const [request] = await peer.zapRequests();
    assert.deepEqual(request.map(text), ["1.0", "1", "global", "127.0.0.1", "", "NULL"]);
    assert.equal(await peer.tryRecv(200), null);
    assert.equal(count(events, "connect"), 1);
  },
);

Deno.test(
  { name: "interop NULL+ZAP - zmq-ts server with a zapDomain refuses a denied libzmq client", ignore },
  async () => {
    const context = new Context();
    using _auth = new Authenticator({ context, deny: ["127.0.0.1"] });
    await using router = new Router({ context, zapDomain: "global", linger: 0 });
    await router.bind("tcp://127.0.0.1:*");
    const events = record(router);
    await using bad = await SecurePeer.start("DEALER");
    await bad.connect(router.lastEndpoint!);
    // The send may race with libzmq dropping the pipe after the refusal (EAGAIN): either way nothing may arrive.
    await bad.command({ op: "send", frames: [hex(bytes("must not arrive"))] }, true);
    await waitFor(() => count(events, "handshake:error:auth") > 0, 5000, "handshake:error:auth");
    assert.equal(authStatus(events), 400);
    assert.equal(
      peerEvent(await bad.waitForEvent("EVENT_HANDSHAKE_FAILED_AUTH"), "EVENT_HANDSHAKE_FAILED_AUTH")?.[1],
      400,
    );
    await assertNothingReceived(router, 200);
  },
);
