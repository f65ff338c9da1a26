import assert from "node:assert/strict";
import { Pull, Push, type SocketEvent } from "../../mod.ts";
import { bytes, hex, sleep, text, waitFor, withTimeout } from "../_helpers.ts";
import { commandName, dataFrame, ping, RawPeer, RawServer } from "./_raw.ts";

Deno.test("heartbeats - a PING is answered with a PONG echoing its context", async () => {
  await using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  await using peer = await RawPeer.connect(pull.lastEndpoint!);
  await peer.handshake("push");
  await peer.write(ping(30, bytes("ctx-1234")), ping(0), ping(0, bytes("0123456789abcdefXYZW")));
  await waitFor(() => peer.commands("PONG").length === 3, 5000, "three PONGs");
  const pongs = peer.commands("PONG").map((f) => hex(f.body));
  assert.deepEqual(pongs, [
    "04504f4e47" + hex(bytes("ctx-1234")),
    "04504f4e47",
    "04504f4e47" + hex(bytes("0123456789abcdef")), // contexts are cut to 16 bytes, as libzmq does
  ]);
  // PINGs between the parts of a multipart message do not disturb it.
  await peer.write(dataFrame("a", true), ping(0), dataFrame("b"));
  assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["a", "b"]);
});

Deno.test("heartbeats - PINGs go out every heartbeatInterval with heartbeatTimeToLive in tenths of a second", async () => {
  await using server = new RawServer((p) => p.handshake("pull"));
  await using push = new Push({ linger: 0, heartbeatInterval: 40, heartbeatTimeout: 5000, heartbeatTimeToLive: 2500 });
  push.connect(server.endpoint);
  await waitFor(() => server.peers.length === 1 && server.peers[0].commands("PING").length >= 3, 5000, "3 PINGs");
  const [first] = server.peers[0].commands("PING");
  assert.equal(hex(first.body), "0450494e470019", "TTL 25 = 2.5 s, empty context (libzmq's own PING)");
});

Deno.test("heartbeats - a peer silent after a PING is dropped after heartbeatTimeout, then reconnected", async () => {
  // The server completes the handshake and then never says anything again (no PONG).
  await using server = new RawServer((p) => p.handshake("pull"));
  await using push = new Push({ linger: 0, reconnectInterval: 20, heartbeatInterval: 50, heartbeatTimeout: 150 });
  const events: SocketEvent[] = [];
  for (const type of ["handshake", "disconnect", "connect:retry"] as const) push.events.on(type, (e) => events.push(e));
  const started = Date.now();
  push.connect(server.endpoint);
  await waitFor(() => server.peers.length >= 1 && server.peers[0].closed, 5000, "the silent peer to be dropped");
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 150, `dropped after the timeout, not before (${elapsed} ms)`);
  await waitFor(() => server.peers.length >= 2, 5000, "a reconnection");
  const types = events.map((e) => e.type);
  assert.deepEqual(types.slice(0, 3), ["handshake", "disconnect", "connect:retry"]);
  // A message queued meanwhile reaches the new connection.
  await push.send("after");
  const second = server.peers.at(-1)!;
  await waitFor(() => second.frames.some((f) => commandName(f) === null), 5000, "data on the new connection");
  assert.equal(text(second.frames.find((f) => commandName(f) === null)!.body), "after");
});

Deno.test("heartbeats - any traffic keeps a connection alive, not only PONG", async () => {
  // The peer never answers PINGs but keeps sending data: libzmq counts any frame as a sign of life.
  await using pull = new Pull({ heartbeatInterval: 30, heartbeatTimeout: 300 });
  await pull.bind("tcp://127.0.0.1:*");
  let disconnects = 0;
  pull.events.on("disconnect", () => disconnects++);
  await using peer = await RawPeer.connect(pull.lastEndpoint!);
  await peer.handshake("push");
  for (let i = 0; i < 20; i++) {
    await peer.write(dataFrame(`tick ${i}`));
    await sleep(25);
  }
  assert.equal(disconnects, 0);
  assert.ok(!peer.closed);
  assert.ok(peer.commands("PING").length > 0, "PINGs went out all along");
  for (let i = 0; i < 20; i++) assert.equal(text((await pull.receive())[0]), `tick ${i}`);
});

Deno.test("heartbeats - a peer's PING TTL drops it when it then goes silent", async () => {
  await using pull = new Pull(); // no heartbeating of its own
  await pull.bind("tcp://127.0.0.1:*");
  let disconnects = 0;
  pull.events.on("disconnect", () => disconnects++);
  await using peer = await RawPeer.connect(pull.lastEndpoint!);
  await peer.handshake("push");
  const started = Date.now();
  await peer.write(ping(2)); // "drop me if you hear nothing for 200 ms"
  await withTimeout(peer.ended, 5000, "the silent peer to be dropped");
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 190, `dropped at the TTL, not before (${elapsed} ms)`);
  await waitFor(() => disconnects === 1, 1000, "disconnect event");
});

Deno.test("heartbeats - a peer's PING TTL does not drop it while it keeps talking", async () => {
  await using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  let disconnects = 0;
  pull.events.on("disconnect", () => disconnects++);
  await using peer = await RawPeer.connect(pull.lastEndpoint!);
  await peer.handshake("push");
  for (let i = 0; i < 10; i++) {
    await peer.write(ping(5)); // "drop me after 500 ms of silence", renewed every 80 ms
    await sleep(80);
  }
  assert.equal(disconnects, 0);
  assert.ok(!peer.closed);
});

Deno.test("heartbeats - two zmq-ts sockets heartbeating stay connected while idle", async () => {
  const options = { heartbeatInterval: 25, heartbeatTimeout: 250, heartbeatTimeToLive: 500 };
  await using pull = new Pull(options);
  await pull.bind("tcp://127.0.0.1:*");
  await using push = new Push({ ...options, linger: 0 });
  let disconnects = 0;
  push.events.on("disconnect", () => disconnects++);
  pull.events.on("disconnect", () => disconnects++);
  push.connect(pull.lastEndpoint!);
  await push.send("hello");
  await withTimeout(pull.receive(), 5000, "receive");
  await sleep(600); // 24 heartbeat intervals
  assert.equal(disconnects, 0);
  await push.send("still here");
  assert.equal(text((await withTimeout(pull.receive(), 5000, "receive"))[0]), "still here");
});

Deno.test("heartbeats - the bound side drops a silent connected peer too", async () => {
  await using pull = new Pull({ heartbeatInterval: 30, heartbeatTimeout: 90 });
  await pull.bind("tcp://127.0.0.1:*");
  const events: string[] = [];
  pull.events.on("disconnect", (e) => events.push(e.type));
  await using peer = await RawPeer.connect(pull.lastEndpoint!);
  await peer.handshake("push");
  await withTimeout(peer.ended, 5000, "the silent peer to be dropped");
  assert.ok(peer.commands("PING").length >= 1);
  await waitFor(() => events.length === 1, 1000, "disconnect event");
});
