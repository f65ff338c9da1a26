/**
 * The zeromq 5 API against libzmq 4.3 (pyzmq) in both roles: pub/sub,
 * req/rep (REQ's turn-taking with several queued requests), router/dealer
 * with routing ids, and monitor events for a libzmq peer's connection.
 */
import assert from "node:assert/strict";
import * as zmq from "../../v5_compat.ts";
import { bytes, HAS_LIBZMQ, hex, LibzmqPeer, text, unhex } from "../_helpers.ts";

const ignore = !HAS_LIBZMQ;
const DEADLINE = 10_000;

function bound(sock: zmq.Socket): Promise<string> {
  return new Promise((resolve, reject) =>
    sock.bind("tcp://127.0.0.1:*", (err) => err ? reject(err) : resolve(sock.last_endpoint!))
  );
}

/** Collects "message" events as text frames. */
function inbox(sock: zmq.Socket): string[][] {
  const got: string[][] = [];
  sock.on("message", (...frames: Uint8Array[]) => got.push(frames.map(text)));
  return got;
}

async function until(check: () => boolean, step: () => Promise<unknown>, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${DEADLINE} ms`);
    await step();
  }
}

const peerText = (frames: (string | { len: number })[]) =>
  frames.map((f) => typeof f === "string" ? text(unhex(f)) : `<${f.len} bytes>`);

Deno.test(
  { name: "compat interop - zeromq 5 pub binds, libzmq SUB receives the topic it subscribed to", ignore },
  async () => {
    await using peer = await LibzmqPeer.start("SUB", { SUBSCRIBE: hex(bytes("weather")) });
    const pub = zmq.socket("pub");
    try {
      await peer.connect(await bound(pub));
      let received: string[] | null = null;
      await until(() => received !== null, async () => {
        pub.send(["news", "ignored"]);
        pub.send(["weather", "sunny"]);
        const frames = await peer.tryRecv(50);
        if (frames) received = peerText(frames);
      }, "libzmq SUB receives");
      assert.deepEqual(received, ["weather", "sunny"]);
    } finally {
      pub.close();
    }
  },
);

Deno.test({ name: "compat interop - libzmq PUB binds, zeromq 5 sub gets only its topics", ignore }, async () => {
  await using peer = await LibzmqPeer.start("PUB");
  const sub = zmq.socket("sub");
  try {
    sub.subscribe("weather");
    const got = inbox(sub);
    sub.connect(await peer.bind());
    await until(() => got.length > 0, async () => {
      await peer.send(["news", "ignored"]);
      await peer.send(["weather", "rain"]);
      await new Promise((r) => setTimeout(r, 20));
    }, "zeromq 5 sub receives");
    assert.ok(got.every((m) => m[0] === "weather"));
    assert.deepEqual(got[0], ["weather", "rain"]);
  } finally {
    sub.close();
  }
});

Deno.test(
  { name: "compat interop - zeromq 5 req queues three requests; libzmq REP answers them one by one", ignore },
  async () => {
    await using peer = await LibzmqPeer.start("REP");
    const req = zmq.socket("req");
    try {
      const replies = inbox(req);
      req.connect(await peer.bind());
      for (const q of ["one", "two", "three"]) req.send(q);
      for (const q of ["one", "two", "three"]) {
        assert.deepEqual(await peer.recvText(), [q]); // REP strips the envelope
        await peer.send([`${q}!`]);
      }
      await until(() => replies.length === 3, () => new Promise((r) => setTimeout(r, 5)), "replies");
      assert.deepEqual(replies, [["one!"], ["two!"], ["three!"]]);
    } finally {
      req.close();
    }
  },
);

Deno.test({ name: "compat interop - libzmq REQ to a zeromq 5 rep that binds", ignore }, async () => {
  await using peer = await LibzmqPeer.start("REQ");
  const rep = zmq.socket("rep");
  try {
    rep.on("message", (m: Uint8Array) => rep.send(text(m).toUpperCase()));
    await peer.connect(await bound(rep));
    for (const q of ["hello", "again"]) {
      await peer.send([q]);
      assert.deepEqual(await peer.recvText(), [q.toUpperCase()]);
    }
  } finally {
    rep.close();
  }
});

Deno.test(
  { name: "compat interop - zeromq 5 router with monitor serves a libzmq DEALER by routing id", ignore },
  async () => {
    const router = zmq.socket("router");
    const events: string[] = [];
    try {
      router.monitor();
      for (const name of ["listen", "accept", "disconnect"]) {
        router.on(name, (_value: unknown, endpoint: string) => events.push(`${name} ${endpoint}`));
      }
      router.on("message", (id: Uint8Array, body: Uint8Array) => router.send([id, `ack ${text(body)}`]));
      const endpoint = await bound(router);
      {
        await using peer = await LibzmqPeer.start("DEALER", { ROUTING_ID: hex(bytes("dealer-7")) });
        await peer.connect(endpoint);
        await peer.send(["job 1"]);
        assert.deepEqual(await peer.recvText(), ["ack job 1"]);
        await peer.send(["job 2"]);
        assert.deepEqual(await peer.recvText(), ["ack job 2"]);
      }
      await until(
        () => events.includes(`disconnect ${endpoint}`),
        () => new Promise((r) => setTimeout(r, 5)),
        "disconnect",
      );
      assert.deepEqual(events, [`listen ${endpoint}`, `accept ${endpoint}`, `disconnect ${endpoint}`]);
    } finally {
      router.close();
    }
  },
);

Deno.test({ name: "compat interop - zeromq 5 dealer with an identity talks to a libzmq ROUTER", ignore }, async () => {
  await using peer = await LibzmqPeer.start("ROUTER");
  const dealer = zmq.createSocket("dealer", { identity: "v5-dealer", linger: 0 });
  try {
    const got = inbox(dealer);
    dealer.connect(await peer.bind());
    dealer.send(["ping", "two parts"]);
    const frames = peerText(await peer.recv());
    assert.deepEqual(frames, ["v5-dealer", "ping", "two parts"]);
    await peer.send([bytes("v5-dealer"), bytes("pong")] as never);
    await until(() => got.length === 1, () => new Promise((r) => setTimeout(r, 5)), "pong");
    assert.deepEqual(got, [["pong"]]);
  } finally {
    dealer.close();
  }
});
