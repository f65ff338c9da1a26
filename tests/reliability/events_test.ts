import assert from "node:assert/strict";
import {
  Authenticator,
  Context,
  type EventOfType,
  Pull,
  Push,
  type Runtime,
  type Socket,
  type SocketEvent,
  ZmqError,
} from "../../mod.ts";
import { denoRuntime } from "../../src/runtime/deno.ts";
import { bytes, freePort, sleep, waitFor, withTimeout } from "../_helpers.ts";
import { GREETING, RawPeer } from "./_raw.ts";

/** Every event of a socket, in order. */
function recordAll(socket: Socket): SocketEvent[] {
  const seen: SocketEvent[] = [];
  const types = [
    "accept",
    "accept:error",
    "bind",
    "bind:error",
    "connect",
    "connect:delay",
    "connect:retry",
    "close",
    "close:error",
    "disconnect",
    "end",
    "handshake",
    "handshake:error:protocol",
    "handshake:error:auth",
    "handshake:error:other",
  ] as const;
  for (const type of types) socket.events.on(type, (e) => seen.push(e));
  return seen;
}

const typesOf = (events: SocketEvent[]) => events.map((e) => e.type);

/** A private directory for ipc endpoints. */
async function tempDir() {
  const path = await Deno.makeTempDir({ prefix: "zmq-ts-events-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

for (const transport of ["tcp", "ipc"] as const) {
  Deno.test(`events - ${transport}: connect:retry carries the interval about to be waited, doubling up to the maximum`, async () => {
    await using dir = await tempDir();
    const endpoint = transport === "tcp" ? `tcp://127.0.0.1:${freePort()}` : `ipc://${dir.path}/nobody`;
    await using push = new Push({ linger: 0, reconnectInterval: 20, reconnectMaxInterval: 80 });
    const events = recordAll(push);
    push.connect(endpoint);
    await waitFor(() => events.filter((e) => e.type === "connect:retry").length >= 5, 5000, "5 retries");
    const retries = events.filter((e): e is EventOfType<"connect:retry"> => e.type === "connect:retry");
    assert.deepEqual(retries.slice(0, 5).map((e) => e.interval), [20, 40, 80, 80, 80]);
    for (const e of events) assert.equal((e as { address: string }).address, endpoint);
    // Each attempt is announced before it fails.
    assert.deepEqual(typesOf(events.slice(0, 4)), ["connect:delay", "connect:retry", "connect:delay", "connect:retry"]);
  });

  Deno.test(`events - ${transport}: the whole life of a connection on both sides, in order`, async () => {
    await using dir = await tempDir();
    const address = transport === "tcp" ? "tcp://127.0.0.1:*" : `ipc://${dir.path}/life`;
    const pull = new Pull();
    const pullEvents = recordAll(pull);
    await pull.bind(address);
    const endpoint = pull.lastEndpoint!;
    const push = new Push({ linger: 0, reconnectInterval: 20 });
    const pushEvents = recordAll(push);
    push.connect(endpoint);
    await push.send("hello");
    await withTimeout(pull.receive(), 5000, "receive");
    await pull.unbind(endpoint); // listener closed, the accepted connection too
    await waitFor(() => pushEvents.some((e) => e.type === "disconnect"), 5000, "push disconnect");
    await waitFor(() => pushEvents.filter((e) => e.type === "connect:retry").length >= 1, 5000, "push retry");
    push.close();
    pull.close();
    await waitFor(() => pushEvents.at(-1)?.type === "end" && pullEvents.at(-1)?.type === "end", 5000, "end");
    // As in libzmq, connections the socket closes itself (unbind, close) end without a disconnect event.
    assert.deepEqual(typesOf(pullEvents), ["bind", "accept", "handshake", "close", "end"]);
    const push0 = typesOf(pushEvents);
    assert.deepEqual(push0.slice(0, 5), ["connect:delay", "connect", "handshake", "disconnect", "connect:retry"]);
    assert.equal(push0.at(-1), "end");
    for (const e of pullEvents) if ("address" in e) assert.equal(e.address, endpoint);
    for (const e of pushEvents) if ("address" in e) assert.equal(e.address, endpoint);
  });
}

Deno.test("events - inproc: no bind or close (as libzmq), disconnect when the connecting side leaves, end", async () => {
  const pull = new Pull();
  const events = recordAll(pull);
  await pull.bind("inproc://events-life");
  const push = new Push({ linger: 0 });
  const pushEvents = recordAll(push);
  push.connect("inproc://events-life");
  await push.send("x");
  await withTimeout(pull.receive(), 5000, "receive");
  push.close();
  await pull.unbind("inproc://events-life");
  pull.close();
  await waitFor(() => events.at(-1)?.type === "end" && pushEvents.at(-1)?.type === "end", 5000, "end");
  assert.deepEqual(typesOf(events), ["disconnect", "end"]);
});

Deno.test("events - a handshake timeout is handshake:error:other, then disconnect", async () => {
  await using pull = new Pull({ handshakeInterval: 100 });
  const events = recordAll(pull);
  await pull.bind("tcp://127.0.0.1:*");
  await using peer = await RawPeer.connect(pull.lastEndpoint!);
  await peer.write(GREETING); // a greeting, then nothing
  await withTimeout(peer.ended, 5000, "drop");
  await waitFor(() => events.at(-1)?.type === "disconnect", 1000, "disconnect");
  assert.deepEqual(typesOf(events), ["bind", "accept", "handshake:error:other", "disconnect"]);
  assert.match((events[2] as EventOfType<"handshake:error:other">).error.message, /100 ms/);
});

Deno.test("events - a peer closing mid-handshake is handshake:error:other, then disconnect (libzmq: NO_DETAIL)", async () => {
  await using pull = new Pull();
  const events = recordAll(pull);
  await pull.bind("tcp://127.0.0.1:*");
  const peer = await RawPeer.connect(pull.lastEndpoint!);
  await peer.write(GREETING.subarray(0, 20));
  await sleep(20);
  await peer[Symbol.asyncDispose]();
  await waitFor(() => events.at(-1)?.type === "disconnect", 5000, "disconnect");
  assert.deepEqual(typesOf(events), ["bind", "accept", "handshake:error:other", "disconnect"]);
});

Deno.test("events - a broken greeting is handshake:error:protocol, then disconnect", async () => {
  await using pull = new Pull();
  const events = recordAll(pull);
  await pull.bind("tcp://127.0.0.1:*");
  await using peer = await RawPeer.connect(pull.lastEndpoint!);
  const wrong = GREETING.slice();
  wrong.set(bytes("null"), 12); // mechanism names are compared exactly
  await peer.write(wrong);
  await withTimeout(peer.ended, 5000, "drop");
  await waitFor(() => events.at(-1)?.type === "disconnect", 1000, "disconnect");
  assert.deepEqual(typesOf(events), ["bind", "accept", "handshake:error:protocol", "disconnect"]);
});

Deno.test("events - an authentication failure is handshake:error:auth on the client", async () => {
  const context = new Context();
  using _auth = new Authenticator({ context, plain: { admin: "secret" } });
  await using pull = new Pull({ context, plainServer: true });
  const serverEvents = recordAll(pull);
  await pull.bind("tcp://127.0.0.1:*");
  await using push = new Push({ linger: 0, plainUsername: "admin", plainPassword: "guess" });
  const events = recordAll(push);
  push.connect(pull.lastEndpoint!);
  await waitFor(() => events.some((e) => e.type === "disconnect"), 5000, "refusal");
  const types = typesOf(events);
  assert.deepEqual(types.slice(0, 4), ["connect:delay", "connect", "handshake:error:auth", "disconnect"]);
  await sleep(100);
  assert.ok(!typesOf(events).includes("connect:retry"), "no reconnect after an authentication failure");
  assert.deepEqual(typesOf(serverEvents), ["bind", "accept", "handshake:error:auth", "disconnect"]);
});

Deno.test("events - accept:error when accepting fails; the listener keeps accepting", async () => {
  // A runtime whose listener fails its first accept, as EMFILE would.
  const runtime: Runtime = Object.create(denoRuntime);
  runtime.listenTcp = async (host, port) => {
    const listener = await denoRuntime.listenTcp(host, port);
    const start = listener.start.bind(listener);
    listener.start = (onConn, onError) => {
      onError(new Error("Too many open files (simulated)"));
      start(onConn, onError);
    };
    return listener;
  };
  const context = new Context({ runtime });
  await using pull = new Pull({ context });
  const events = recordAll(pull);
  await pull.bind("tcp://127.0.0.1:*");
  await using push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("still accepting");
  await withTimeout(pull.receive(), 5000, "receive");
  const failure = events.find((e): e is EventOfType<"accept:error"> => e.type === "accept:error");
  assert.ok(failure, `accept:error reported (${typesOf(events)})`);
  assert.equal(failure.address, pull.lastEndpoint);
  assert.match(failure.error.message, /Too many open files/);
});

Deno.test("events - async iteration sees every event and ends with end; receive() then rejects EBADF", async () => {
  const pull = new Pull();
  const collected = (async () => {
    const seen: string[] = [];
    for await (const event of pull.events) seen.push(event.type);
    return seen;
  })();
  await pull.bind("tcp://127.0.0.1:*");
  {
    await using push = new Push({ linger: 0 });
    push.connect(pull.lastEndpoint!);
    await push.send("x");
    await withTimeout(pull.receive(), 5000, "receive");
  }
  await sleep(50);
  pull.close();
  const seen = await withTimeout(collected, 5000, "iteration end");
  assert.deepEqual(seen, ["bind", "accept", "handshake", "disconnect", "close", "end"]);
  await assert.rejects(pull.events.receive(), (e: unknown) => e instanceof ZmqError && e.code === "EBADF");
});

Deno.test("events - receive() delivers one event at a time; a second waiting receive() is EBUSY", async () => {
  await using pull = new Pull();
  const first = pull.events.receive();
  await assert.rejects(pull.events.receive(), { code: "EBUSY" });
  await pull.bind("tcp://127.0.0.1:*");
  assert.equal((await first).type, "bind");
});

Deno.test("events - off() stops a listener; other listeners keep hearing", async () => {
  await using push = new Push({ linger: 0, reconnectInterval: 10 });
  let a = 0;
  let b = 0;
  const countA = () => a++;
  push.events.on("connect:retry", countA);
  push.events.on("connect:retry", () => b++);
  push.connect(`tcp://127.0.0.1:${freePort()}`);
  await waitFor(() => a >= 2, 5000, "two retries");
  push.events.off("connect:retry", countA);
  const frozen = a;
  await waitFor(() => b >= frozen + 3, 5000, "more retries");
  assert.equal(a, frozen);
});

Deno.test("events - connect:retry without reconnectMaxInterval waits the interval plus jitter below it", async () => {
  await using push = new Push({ linger: 0, reconnectInterval: 15 });
  const intervals: number[] = [];
  push.events.on("connect:retry", (e) => intervals.push(e.interval));
  push.connect(`tcp://127.0.0.1:${freePort()}`);
  await waitFor(() => intervals.length >= 5, 5000, "5 retries");
  for (const i of intervals) assert.ok(i >= 15 && i < 30, `interval ${i} in [15, 30)`);
});
