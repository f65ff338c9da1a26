import assert from "node:assert/strict";
import { Dealer, Proxy, Push, Router, XPublisher, XSubscriber } from "../../mod.ts";
import { bytes, HAS_LIBZMQ, hex, LibzmqPeer, text, unhex, withTimeout } from "../_helpers.ts";

const ignore = !HAS_LIBZMQ;
const ANY = "tcp://127.0.0.1:*";

Deno.test(
  { name: "interop proxy - libzmq REQ clients and REP workers through a zmq-ts Router/Dealer broker", ignore },
  async () => {
    const proxy = new Proxy(new Router({ linger: 0 }), new Dealer({ linger: 0 }));
    await proxy.frontEnd.bind(ANY);
    await proxy.backEnd.bind(ANY);
    const done = proxy.run();
    const workers = await Promise.all([1, 2].map(() => LibzmqPeer.start("REP")));
    const clients = await Promise.all([1, 2, 3].map(() => LibzmqPeer.start("REQ")));
    try {
      for (const w of workers) await w.connect(proxy.backEnd.lastEndpoint!);
      for (const c of clients) await c.connect(proxy.frontEnd.lastEndpoint!);
      for (let round = 0; round < 3; round++) {
        for (const [i, c] of clients.entries()) await c.send([`c${i} r${round}`]);
        // The Dealer round-robins requests over the workers; each answers what it got.
        const pending = new Set(clients.map((_, i) => `c${i} r${round}`));
        const deadline = Date.now() + 10_000;
        while (pending.size > 0) {
          assert.ok(Date.now() < deadline, `requests still missing: ${[...pending]}`);
          for (const w of workers) {
            const r = await w.command({ op: "recv", timeout: 100 }, true);
            if (!r.frames) continue;
            const q = text(unhex(r.frames[0] as string));
            assert.ok(pending.delete(q), `unexpected request ${q}`);
            await w.send([`${q} ok`]);
          }
        }
        for (const [i, c] of clients.entries()) assert.deepEqual(await c.recvText(), [`c${i} r${round} ok`]);
      }
    } finally {
      for (const p of [...workers, ...clients]) await p[Symbol.asyncDispose]();
      proxy.terminate();
      await done;
    }
  },
);

Deno.test({ name: "interop proxy - libzmq PUB and SUB through a zmq-ts XSub/XPub forwarder", ignore }, async () => {
  const proxy = new Proxy(new XSubscriber({ linger: 0 }), new XPublisher({ linger: 0 }));
  await proxy.frontEnd.bind(ANY);
  await proxy.backEnd.bind(ANY);
  const done = proxy.run();
  await using pub = await LibzmqPeer.start("PUB");
  await pub.connect(proxy.frontEnd.lastEndpoint!);
  await using sub = await LibzmqPeer.start("SUB");
  await sub.ok({ op: "setsockopt", name: "SUBSCRIBE", value: hex(bytes("weather")) });
  await sub.connect(proxy.backEnd.lastEndpoint!);
  // The subscription travels SUB -> XPUB -> proxy -> XSUB -> PUB; publish until it has arrived.
  let got: string[] | null = null;
  for (let i = 0; i < 100 && got === null; i++) {
    await pub.send(["sports", "no"]);
    await pub.send(["weather", `sunny ${i}`]);
    const r = await sub.command({ op: "recv", timeout: 50 }, true);
    if (r.frames) got = r.frames.map((f) => text(unhex(f as string)));
  }
  assert.ok(got !== null, "a weather message reached the libzmq SUB");
  assert.equal(got[0], "weather");
  // Everything after that arrives in order, and nothing for other topics.
  await pub.send(["sports", "no"]);
  await pub.send(["weather", "last"]);
  let last: string[];
  do last = await sub.recvText(); while (last[1] !== "last");
  proxy.terminate();
  await done;
});

Deno.test({ name: "interop proxy - a libzmq PULL as capture sees both directions", ignore }, async () => {
  await using capture = new Push({ linger: 0 });
  await capture.bind(ANY);
  await using captured = await LibzmqPeer.start("PULL");
  await captured.connect(capture.lastEndpoint!);
  const proxy = new Proxy(new Router({ linger: 0 }), new Dealer({ linger: 0 }), { capture });
  await proxy.frontEnd.bind(ANY);
  await proxy.backEnd.bind(ANY);
  const done = proxy.run();
  await using rep = await LibzmqPeer.start("REP");
  await rep.connect(proxy.backEnd.lastEndpoint!);
  await using req = await LibzmqPeer.start("REQ");
  await req.connect(proxy.frontEnd.lastEndpoint!);
  await req.send(["question"]);
  assert.deepEqual(await rep.recvText(), ["question"]);
  await rep.send(["answer"]);
  assert.deepEqual(await req.recvText(), ["answer"]);
  const first = await captured.recv();
  const second = await captured.recv();
  assert.equal(first.length, 3, "[routing id, empty delimiter, body]");
  assert.equal(first[1], "");
  assert.equal(first[2], hex(bytes("question")));
  assert.equal(second[0], first[0], "the reply carries the same routing id");
  assert.equal(second[2], hex(bytes("answer")));
  proxy.terminate();
  await withTimeout(done, 5000, "run()");
});
