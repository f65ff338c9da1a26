import assert from "node:assert/strict";
import { Pull, Push, Reply, Request, type SocketEvent, ZmqError } from "../../mod.ts";
import { freePort, HAS_LIBZMQ, LibzmqPeer, sleep, text, waitFor, withTimeout } from "../_helpers.ts";

const ignore = !HAS_LIBZMQ;

Deno.test({ name: "interop robustness - connect before the libzmq peer binds", ignore }, async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  await using push = new Push({ linger: 0, reconnectInterval: 20 });
  push.connect(endpoint);
  await push.send("queued before bind");
  await sleep(100);
  await using peer = await LibzmqPeer.start("PULL");
  await peer.bind(endpoint);
  assert.deepEqual(await peer.recvText(), ["queued before bind"]);
});

Deno.test({ name: "interop robustness - a killed libzmq peer is reconnected after restart", ignore }, async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  await using req = new Request({ linger: 0, reconnectInterval: 20, relaxed: true });
  let disconnects = 0;
  req.events.on("disconnect", () => disconnects++);
  req.connect(endpoint);
  const first = await LibzmqPeer.start("REP");
  await first.bind(endpoint);
  await req.send("before");
  assert.deepEqual(await first.recvText(), ["before"]);
  await first.send(["ok"]);
  assert.deepEqual((await withTimeout(req.receive(), 5000, "reply")).map(text), ["ok"]);
  await first.kill(); // SIGKILL by PID: no orderly close
  await waitFor(() => disconnects > 0, 5000, "the Request to notice the crash");
  await using second = await LibzmqPeer.start("REP");
  await second.bind(endpoint);
  await req.send("after");
  assert.deepEqual(await second.recvText(10000), ["after"]);
  await second.send(["back"]);
  assert.deepEqual((await withTimeout(req.receive(), 5000, "reply")).map(text), ["back"]);
});

Deno.test({ name: "interop robustness - HWM bounds memory when a libzmq PULL does not read", ignore }, async () => {
  await using peer = await LibzmqPeer.start("PULL", { RCVHWM: 4 });
  const endpoint = await peer.bind();
  await using push = new Push({ sendHighWaterMark: 4, sendTimeout: 300, linger: 0 });
  push.connect(endpoint);
  const payload = new Uint8Array(256 * 1024);
  let accepted = 0;
  let error: unknown;
  while (accepted < 10_000) {
    try {
      await push.send(payload);
      accepted++;
    } catch (err) {
      error = err;
      break;
    }
  }
  assert.ok(error instanceof ZmqError && error.code === "EAGAIN", `send stopped with EAGAIN (got ${error})`);
  assert.ok(accepted < 4 + 4 + 64, `bounded: ${accepted} messages accepted`);
  // Once the peer reads, sending works again.
  for (let i = 0; i < 6; i++) await peer.recv();
  await withTimeout(push.send("more"), 5000, "send after the peer read");
});

Deno.test({ name: "interop robustness - a libzmq PUSH connecting to a zmq-ts Push is refused", ignore }, async () => {
  await using push = new Push({ linger: 0 });
  await push.bind("tcp://127.0.0.1:*");
  const errors: SocketEvent[] = [];
  push.events.on("handshake:error:protocol", (e) => errors.push(e));
  await using wrong = await LibzmqPeer.start("PUSH");
  await wrong.connect(push.lastEndpoint!);
  await wrong.poll(50);
  await waitFor(() => errors.length > 0, 5000, "protocol error");
  // A good libzmq peer is still served.
  await using good = await LibzmqPeer.start("PULL");
  await good.connect(push.lastEndpoint!);
  await push.send("served");
  assert.deepEqual(await good.recvText(), ["served"]);
});

Deno.test(
  { name: "interop robustness - zmq-ts Pull refuses a libzmq PULL and keeps its PUSH peer", ignore },
  async () => {
    await using pull = new Pull();
    await pull.bind("tcp://127.0.0.1:*");
    const errors: SocketEvent[] = [];
    pull.events.on("handshake:error:protocol", (e) => errors.push(e));
    await using good = await LibzmqPeer.start("PUSH");
    await good.connect(pull.lastEndpoint!);
    await using wrong = await LibzmqPeer.start("PULL");
    await wrong.connect(pull.lastEndpoint!);
    await wrong.poll(50);
    await waitFor(() => errors.length > 0, 5000, "protocol error");
    await good.send(["still here"]);
    assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["still here"]);
  },
);

Deno.test({ name: "interop robustness - zmq-ts Reply answers many libzmq REQ clients", ignore }, async () => {
  await using rep = new Reply();
  await rep.bind("tcp://127.0.0.1:*");
  const peers = await Promise.all([1, 2, 3].map(() => LibzmqPeer.start("REQ")));
  try {
    for (const p of peers) await p.connect(rep.lastEndpoint!);
    for (const [i, p] of peers.entries()) await p.send([`q${i}`]);
    for (let i = 0; i < peers.length; i++) {
      const [q] = await withTimeout(rep.receive(), 5000, "request");
      await rep.send(`a${text(q).slice(1)}`);
    }
    for (const [i, p] of peers.entries()) assert.deepEqual(await p.recvText(), [`a${i}`]);
  } finally {
    for (const p of peers) await p[Symbol.asyncDispose]();
  }
});
