import assert from "node:assert/strict";
import { type ProtocolError, Pull, Push, type SocketEvent, ZmqError } from "../../mod.ts";
import { bytes, freePort, sleep, text, waitFor, withTimeout } from "../_helpers.ts";

Deno.test("tcp - connect before bind: messages queue until the peer binds", async () => {
  const port = freePort();
  await using push = new Push({ linger: 0 });
  push.connect(`tcp://127.0.0.1:${port}`);
  await push.send("early");
  await sleep(150); // a few reconnect attempts fail first
  await using pull = new Pull();
  await pull.bind(`tcp://127.0.0.1:${port}`);
  assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["early"]);
});

Deno.test("tcp - a restarted peer is reconnected and traffic resumes", async () => {
  const port = freePort();
  const endpoint = `tcp://127.0.0.1:${port}`;
  await using push = new Push({ linger: 0, reconnectInterval: 20 });
  push.connect(endpoint);
  let disconnects = 0;
  push.events.on("disconnect", () => disconnects++);
  {
    await using pull = new Pull();
    await pull.bind(endpoint);
    await push.send("one");
    assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["one"]);
  }
  await waitFor(() => disconnects > 0, 5000, "the push to notice the peer is gone");
  await using pull = new Pull();
  await pull.bind(endpoint);
  await push.send("two");
  assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["two"]);
});

Deno.test("tcp - send waits at the high-water mark and rejects with EAGAIN after sendTimeout", async () => {
  await using pull = new Pull({ receiveHighWaterMark: 4 });
  await pull.bind("tcp://127.0.0.1:*");
  await using push = new Push({ sendHighWaterMark: 4, sendTimeout: 200, linger: 0 });
  push.connect(pull.lastEndpoint!);
  const payload = new Uint8Array(256 * 1024);
  let accepted = 0;
  let error: unknown;
  for (let i = 0; i < 10_000; i++) {
    try {
      await push.send(payload);
      accepted++;
    } catch (err) {
      error = err;
      break;
    }
  }
  assert.ok(error instanceof ZmqError && error.code === "EAGAIN", `send stopped with EAGAIN (got ${error})`);
  // HWMs of 4 + 4 messages, plus what the kernel buffers hold (a few MiB on loopback).
  assert.ok(accepted < 4 + 4 + 64, `memory stays bounded: ${accepted} messages accepted`);
  // Reading makes room again.
  for (let i = 0; i < 8; i++) await pull.receive();
  await withTimeout(push.send("more"), 5000, "send after draining");
});

Deno.test("tcp - only one send may wait at a time (EBUSY)", async () => {
  await using push = new Push({ linger: 0 });
  const first = push.send("nobody is connected");
  assert.throws(() => push.send("second"), { code: "EBUSY" }, "thrown at once, as zeromq.js does");
  push.close();
  await assert.rejects(first, { code: "EAGAIN" });
});

Deno.test("tcp - receive times out with EAGAIN, and a closed socket ends iteration", async () => {
  await using pull = new Pull({ receiveTimeout: 50 });
  await assert.rejects(pull.receive(), { code: "EAGAIN" });
  pull.receiveTimeout = -1;
  const iteration = (async () => {
    let n = 0;
    for await (const _ of pull) n++;
    return n;
  })();
  await sleep(20);
  pull.close();
  assert.equal(await withTimeout(iteration, 1000, "iteration end"), 0);
});

Deno.test("tcp - an incompatible peer is refused with an event; the socket keeps serving others", async () => {
  await using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  const errors: SocketEvent[] = [];
  pull.events.on("handshake:error:protocol", (e) => errors.push(e));
  await using wrong = new Pull({ linger: 0, reconnectInterval: 20 });
  wrong.connect(pull.lastEndpoint!);
  await waitFor(() => errors.length > 0, 5000, "protocol error event");
  const event = errors[0] as { address: string; error: Error };
  assert.equal(event.address, pull.lastEndpoint);
  assert.equal(event.error.message, "ZMTP protocol error"); // zeromq.js's text
  assert.match((event.error as ProtocolError).detail!, /PULL socket cannot talk to a PULL socket/);
  await using push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("still serving");
  assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["still serving"]);
});

Deno.test("tcp - garbage bytes on the port are refused with an event; good peers are unaffected", async () => {
  await using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  const events: SocketEvent[] = [];
  pull.events.on("handshake:error:protocol", (e) => events.push(e));
  pull.events.on("disconnect", (e) => events.push(e));
  const port = Number(pull.lastEndpoint!.split(":").pop());
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  const buf = new Uint8Array(128);
  // zmq-ts sent its greeting, then dropped the connection.
  let total = 0;
  for (;;) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null) break;
    total += n;
  }
  conn.close();
  assert.equal(total, 64, "our greeting went out before the stranger was dropped");
  await waitFor(() => events.length >= 2, 5000, "events");
  assert.equal(events[0].type, "handshake:error:protocol");
  assert.equal(events[1].type, "disconnect");
  await using push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("fine");
  assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["fine"]);
});

Deno.test("tcp - an oversized frame drops the connection before it is buffered", async () => {
  await using pull = new Pull({ maxMessageSize: 1024 });
  await pull.bind("tcp://127.0.0.1:*");
  const events: SocketEvent[] = [];
  pull.events.on("disconnect", (e) => events.push(e));
  await using push = new Push({ linger: 0, reconnectInterval: 50 });
  push.connect(pull.lastEndpoint!);
  await push.send(new Uint8Array(1024));
  assert.equal((await withTimeout(pull.receive(), 5000, "receive"))[0].length, 1024);
  await push.send(new Uint8Array(1025));
  await waitFor(() => events.length > 0, 5000, "disconnect");
});

Deno.test("tcp - bind errors: EADDRINUSE, bad endpoints, unknown transports", async () => {
  await using a = new Pull();
  await a.bind("tcp://127.0.0.1:*");
  await using b = new Pull();
  await assert.rejects(b.bind(a.lastEndpoint!), { code: "EADDRINUSE" });
  await assert.rejects(b.bind("tcp://127.0.0.1"), { code: "EINVAL" });
  await assert.rejects(b.bind("tcp://127.0.0.1:99999"), { code: "EINVAL" });
  await assert.rejects(b.bind("udp://127.0.0.1:5555"), { code: "EPROTONOSUPPORT" });
  assert.throws(() => b.connect("tcp://127.0.0.1:*"), { code: "EINVAL" });
  await assert.rejects(b.unbind("tcp://127.0.0.1:1"), { code: "ENOENT" });
  assert.throws(() => b.disconnect("tcp://127.0.0.1:1"), { code: "ENOENT" });
});

Deno.test("tcp - options are validated when set", () => {
  assert.throws(() => new Push({ sendHighWaterMark: -1 }), RangeError);
  assert.throws(() => new Push({ linger: "1" as unknown as number }), TypeError);
  assert.throws(() => new Push({ mandatory: true } as never), TypeError);
  assert.throws(() => new Push({ nonsense: 1 } as never), TypeError);
  const push = new Push();
  assert.throws(() => (push.routingId = "\0abc"), RangeError);
  push.sendHighWaterMark = 5;
  assert.equal(push.sendHighWaterMark, 5);
  push.close();
  assert.throws(() => push.connect("tcp://127.0.0.1:5555"), { code: "EBADF" });
});

Deno.test("tcp - IPv6 loopback with the ipv6 option", async () => {
  await using pull = new Pull({ ipv6: true });
  try {
    await pull.bind("tcp://[::1]:*");
  } catch (err) {
    if ((err as ZmqError).code === "EADDRNOTAVAIL") return; // no IPv6 on this machine
    throw err;
  }
  assert.match(pull.lastEndpoint!, /^tcp:\/\/\[::1\]:\d+$/);
  await using push = new Push({ ipv6: true, linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("v6");
  assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["v6"]);
});

Deno.test("tcp - events: bind, accept, handshake, connect, disconnect, close, end", async () => {
  const seen: string[] = [];
  const pull = new Pull();
  for (const type of ["bind", "accept", "handshake", "disconnect", "close", "end"] as const) {
    pull.events.on(type, () => seen.push(`pull:${type}`));
  }
  await pull.bind("tcp://127.0.0.1:*");
  const push = new Push({ linger: 0 });
  for (const type of ["connect:delay", "connect", "handshake"] as const) {
    push.events.on(type, () => seen.push(`push:${type}`));
  }
  push.connect(pull.lastEndpoint!);
  await push.send("x");
  await pull.receive();
  await push[Symbol.asyncDispose]();
  await waitFor(() => seen.includes("pull:disconnect"), 5000, "disconnect");
  await pull[Symbol.asyncDispose]();
  for (
    const e of [
      "pull:bind",
      "pull:accept",
      "pull:handshake",
      "pull:close",
      "pull:end",
      "push:connect",
      "push:handshake",
    ]
  ) {
    assert.ok(seen.includes(e), `${e} in ${seen.join(", ")}`);
  }
});

Deno.test("tcp - immediate: messages go only to completed connections", async () => {
  const deadPort = freePort();
  await using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  await using push = new Push({ immediate: true, linger: 0, sendTimeout: 100 });
  push.connect(`tcp://127.0.0.1:${deadPort}`); // never answers
  await assert.rejects(push.send("nowhere to go"), { code: "EAGAIN" }); // no completed connection: mute
  const ready = new Promise((resolve) => push.events.on("handshake", resolve));
  push.connect(pull.lastEndpoint!);
  await ready;
  for (let i = 0; i < 4; i++) await push.send(`m${i}`);
  const got = [];
  for (let i = 0; i < 4; i++) got.push(text((await withTimeout(pull.receive(), 5000, "receive"))[0]));
  assert.deepEqual(got, ["m0", "m1", "m2", "m3"], "nothing was queued for the dead endpoint");
});

Deno.test("tcp - without immediate, round-robin queues on a pipe whose peer is not there yet", async () => {
  const laterPort = freePort();
  await using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  await using push = new Push({ linger: 0 });
  push.connect(`tcp://127.0.0.1:${laterPort}`);
  push.connect(pull.lastEndpoint!);
  for (let i = 0; i < 4; i++) await push.send(`m${i}`);
  const first = [];
  for (let i = 0; i < 2; i++) first.push(text((await withTimeout(pull.receive(), 5000, "receive"))[0]));
  assert.equal(first.length, 2, "half went to the live peer");
  await using late = new Pull();
  await late.bind(`tcp://127.0.0.1:${laterPort}`);
  const rest = [];
  for (let i = 0; i < 2; i++) rest.push(text((await withTimeout(late.receive(), 5000, "late receive"))[0]));
  assert.deepEqual([...first, ...rest].sort(), ["m0", "m1", "m2", "m3"]);
});
