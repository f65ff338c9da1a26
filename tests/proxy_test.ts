import assert from "node:assert/strict";
import {
  Dealer,
  Proxy,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Subscriber,
  XPublisher,
  XSubscriber,
  ZmqError,
} from "../mod.ts";
import { sleep, text, waitFor, withTimeout } from "./_helpers.ts";

const ANY = "tcp://127.0.0.1:*";

/** A started broker: Router front-end, Dealer back-end, both bound. */
async function broker(options: ConstructorParameters<typeof Proxy>[2] = {}) {
  const proxy = new Proxy(new Router({ linger: 0 }), new Dealer({ linger: 0 }), options);
  await proxy.frontEnd.bind(ANY);
  await proxy.backEnd.bind(ANY);
  const done = proxy.run();
  return {
    proxy,
    done,
    async [Symbol.asyncDispose]() {
      if (proxy.running) proxy.terminate();
      await done;
      await proxy.frontEnd[Symbol.asyncDispose]();
      await proxy.backEnd[Symbol.asyncDispose]();
    },
  };
}

Deno.test("Proxy - Router/Dealer broker carries requests from many clients to many workers and back", async () => {
  await using b = await broker();
  const workers = [1, 2, 3].map(() => new Reply({ linger: 0 }));
  const clients = [1, 2, 3, 4, 5].map(() => new Request({ linger: 0 }));
  try {
    for (const w of workers) w.connect(b.proxy.backEnd.lastEndpoint!);
    for (const c of clients) c.connect(b.proxy.frontEnd.lastEndpoint!);
    const served = workers.map(async (w, i) => {
      for await (const [q] of w) await w.send(`${text(q)} by ${i}`);
    });
    for (let round = 0; round < 20; round++) {
      await Promise.all(clients.map(async (c, i) => {
        await c.send(`c${i} r${round}`);
        const [a] = await withTimeout(c.receive(), 5000, "reply through the broker");
        assert.match(text(a), new RegExp(`^c${i} r${round} by [0-2]$`));
      }));
    }
    for (const w of workers) w.close();
    await Promise.all(served);
  } finally {
    for (const s of [...workers, ...clients]) await s[Symbol.asyncDispose]();
  }
});

Deno.test("Proxy - XSub/XPub forwarder passes subscriptions upstream and messages downstream", async () => {
  const proxy = new Proxy(new XSubscriber({ linger: 0 }), new XPublisher({ linger: 0 }));
  await proxy.frontEnd.bind(ANY);
  await proxy.backEnd.bind(ANY);
  const done = proxy.run();
  await using pub = new Publisher({ linger: 0 });
  pub.connect(proxy.frontEnd.lastEndpoint!);
  await using sub = new Subscriber({ linger: 0 });
  sub.subscribe("weather");
  sub.connect(proxy.backEnd.lastEndpoint!);
  // The subscription has to travel SUB -> XPUB -> proxy -> XSUB -> PUB before anything flows.
  let got: string[] | null = null;
  sub.receiveTimeout = 50;
  for (let i = 0; i < 200 && got === null; i++) {
    await pub.send(["sports", "ignored"]);
    await pub.send(["weather", `sunny ${i}`]);
    got = await sub.receive().then((m) => m.map(text), () => null);
  }
  assert.ok(got !== null, "a message reached the subscriber through the forwarder");
  assert.equal(got[0], "weather");
  proxy.terminate();
  await done;
});

Deno.test("Proxy - Pull/Push streamer forwards one way; back-pressure holds messages instead of dropping", async () => {
  const proxy = new Proxy(new Pull({ receiveHighWaterMark: 10 }), new Push({ sendHighWaterMark: 10, linger: 0 }));
  await proxy.frontEnd.bind(ANY);
  await proxy.backEnd.bind(ANY);
  const done = proxy.run();
  await using push = new Push({ linger: 0 });
  push.connect(proxy.frontEnd.lastEndpoint!);
  const N = 2000;
  const sending = (async () => {
    for (let i = 0; i < N; i++) await push.send(String(i));
  })();
  await sleep(100); // nobody reads yet: the proxy must hold, not drop
  await using pull = new Pull();
  pull.connect(proxy.backEnd.lastEndpoint!);
  for (let i = 0; i < N; i++) {
    const [m] = await withTimeout(pull.receive(), 5000, `message ${i}`);
    assert.equal(text(m), String(i));
  }
  await sending;
  proxy.terminate();
  await done;
});

Deno.test("Proxy - capture gets a copy of every message in both directions", async () => {
  await using capture = new Push({ linger: 0 });
  await capture.bind(ANY);
  await using captured = new Pull();
  captured.connect(capture.lastEndpoint!);
  await using b = await broker({ capture });
  await using rep = new Reply({ linger: 0 });
  rep.connect(b.proxy.backEnd.lastEndpoint!);
  await using req = new Request({ linger: 0 });
  req.connect(b.proxy.frontEnd.lastEndpoint!);
  for (let i = 0; i < 5; i++) {
    await req.send(`q${i}`);
    const [q] = await withTimeout(rep.receive(), 5000, "request");
    await rep.send(`a${text(q).slice(1)}`);
    assert.equal(text((await withTimeout(req.receive(), 5000, "reply"))[0]), `a${i}`);
  }
  const copies: string[][] = [];
  for (let i = 0; i < 10; i++) copies.push((await withTimeout(captured.receive(), 5000, "copy")).map(text));
  // Front-end to back-end: [client id, "", body]; back-end to front-end: [client id, "", reply].
  const bodies = copies.map((m) => m.at(-1));
  assert.deepEqual(bodies, ["q0", "a0", "q1", "a1", "q2", "a2", "q3", "a3", "q4", "a4"]);
  for (const m of copies) {
    assert.equal(m.length, 3, "the routing envelope is captured too");
    assert.equal(m[1], "");
  }
});

Deno.test("Proxy - pause() holds messages in the queues; resume() forwards them", async () => {
  const proxy = new Proxy(new Pull(), new Push({ linger: 0 }));
  await proxy.frontEnd.bind(ANY);
  await proxy.backEnd.bind(ANY);
  const done = proxy.run();
  await using push = new Push({ linger: 0 });
  push.connect(proxy.frontEnd.lastEndpoint!);
  await using pull = new Pull({ receiveTimeout: 300 });
  pull.connect(proxy.backEnd.lastEndpoint!);
  await push.send("before");
  assert.equal(text((await withTimeout(pull.receive(), 5000, "before"))[0]), "before");
  proxy.pause();
  assert.equal(proxy.paused, true);
  for (let i = 0; i < 3; i++) await push.send(`held ${i}`);
  await assert.rejects(pull.receive(), { code: "EAGAIN" }, "nothing passes while paused");
  proxy.resume();
  pull.receiveTimeout = 5000;
  for (let i = 0; i < 3; i++) assert.equal(text((await pull.receive())[0]), `held ${i}`);
  proxy.terminate();
  await done;
});

Deno.test("Proxy - run() resolves on terminate() and closes both sockets; the API refuses misuse", async () => {
  const proxy = new Proxy(new Router(), new Dealer());
  assert.throws(() => proxy.terminate(), { code: "EBADF" }, "terminate before run");
  assert.throws(() => proxy.pause(), { code: "EBADF" }, "pause before run");
  assert.throws(() => proxy.resume(), { code: "EBADF" }, "resume before run");
  await proxy.frontEnd.bind(ANY);
  await proxy.backEnd.bind(ANY);
  const done = proxy.run();
  assert.equal(proxy.running, true);
  await assert.rejects(proxy.run(), { code: "EBUSY" }, "a second run");
  setTimeout(() => proxy.terminate(), 20);
  await withTimeout(done, 5000, "run() after terminate()");
  assert.equal(proxy.running, false);
  assert.ok(proxy.frontEnd.closed && proxy.backEnd.closed);
  assert.throws(() => proxy.terminate(), (e: unknown) => e instanceof ZmqError && e.code === "EBADF");
  await assert.rejects(proxy.run(), { code: "EBUSY" }, "run after termination");
});

Deno.test("Proxy - run() rejects with EINVAL when a socket is already closed", async () => {
  const front = new Router();
  front.close();
  await using back = new Dealer();
  await assert.rejects(new Proxy(front, back).run(), { code: "EINVAL", message: /Front-end/ });
  await using front2 = new Router();
  await front2.bind(ANY);
  const back2 = new Dealer();
  back2.close();
  await assert.rejects(new Proxy(front2, back2).run(), { code: "EINVAL", message: /Back-end/ });
});

Deno.test("Proxy - closing a socket from outside ends run() and closes the other one", async () => {
  const proxy = new Proxy(new Router(), new Dealer());
  await proxy.frontEnd.bind(ANY);
  await proxy.backEnd.bind(ANY);
  const done = proxy.run();
  await sleep(10);
  proxy.backEnd.close();
  await withTimeout(done, 5000, "run() after the back-end closed");
  await waitFor(() => proxy.frontEnd.closed, 1000, "front-end closed");
});

Deno.test("Proxy - a forwarding failure rejects run() and closes both sockets", async () => {
  // A Router that must route (mandatory) fails with EHOSTUNREACH for an unknown peer.
  const proxy = new Proxy(new Pull(), new Router({ mandatory: true, linger: 0 }));
  await proxy.frontEnd.bind(ANY);
  await proxy.backEnd.bind(ANY);
  const done = proxy.run();
  await using push = new Push({ linger: 0 });
  push.connect(proxy.frontEnd.lastEndpoint!);
  await push.send(["nobody", "", "lost"]);
  await assert.rejects(withTimeout(done, 5000, "run()"), { code: "EHOSTUNREACH" });
  assert.ok(proxy.frontEnd.closed && proxy.backEnd.closed);
});
