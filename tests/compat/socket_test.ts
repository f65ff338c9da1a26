/**
 * zeromq 5 sockets over inproc and tcp: message events, multipart and
 * ZMQ_SNDMORE, send callbacks and errors, bind/unbind callbacks and events,
 * bindSync, pause/resume, REQ/REP turn-taking, listener exceptions.
 */
import assert from "node:assert/strict";
import * as zmq from "../../v5_compat.ts";
import { freePort, text, withTimeout } from "../_helpers.ts";

let counter = 0;
const inproc = () => `inproc://compat-socket-${counter++}`;

/** Resolves with the arguments of the next `event`. */
function next(sock: zmq.Socket, event: string, ms = 5000): Promise<unknown[]> {
  return withTimeout(new Promise((resolve) => sock.once(event, (...args: unknown[]) => resolve(args))), ms, event);
}

/** Resolves with the next `n` messages, each as its frames' text. */
function messages(sock: zmq.Socket, n: number, ms = 5000): Promise<string[][]> {
  const got: string[][] = [];
  return withTimeout(
    new Promise((resolve) => {
      const listener = (...frames: Uint8Array[]) => {
        got.push(frames.map(text));
        if (got.length === n) {
          sock.off("message", listener);
          resolve(got);
        }
      };
      sock.on("message", listener);
    }),
    ms,
    `${n} messages`,
  );
}

function bound(sock: zmq.Socket, address: string): Promise<void> {
  return new Promise((resolve, reject) => sock.bind(address, (err) => err ? reject(err) : resolve()));
}

/** Lets queued microtasks and a timer turn run. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

for (const transport of ["inproc", "tcp"]) {
  const address = () => transport === "inproc" ? inproc() : "tcp://127.0.0.1:*";

  Deno.test(`socket (${transport}) - push/pull: strings, numbers and bytes arrive as single frames, in order`, async () => {
    const pull = zmq.socket("pull");
    const push = zmq.socket("push");
    try {
      await bound(pull, address());
      push.connect(pull.last_endpoint!);
      const got = messages(pull, 4);
      push.send("string");
      push.send(15.99);
      push.send(new TextEncoder().encode("bytes"));
      push.send(true);
      assert.deepEqual(await got, [["string"], ["15.99"], ["bytes"], ["true"]]);
    } finally {
      push.close();
      pull.close();
    }
  });

  Deno.test(`socket (${transport}) - multipart arrays and ZMQ_SNDMORE build one message`, async () => {
    const pull = zmq.socket("pull");
    const push = zmq.socket("push");
    try {
      await bound(pull, address());
      push.connect(pull.last_endpoint!);
      const got = messages(pull, 2);
      push.send(["a", "b"], zmq.ZMQ_SNDMORE);
      push.send("c", zmq.ZMQ_SNDMORE);
      push.send(["d", "e"]);
      push.send(["one", null, ""], null);
      assert.deepEqual(await got, [["a", "b", "c", "d", "e"], ["one", "", ""]]);
    } finally {
      push.close();
      pull.close();
    }
  });

  Deno.test(`socket (${transport}) - send callbacks run once per message, after it is queued`, async () => {
    const pull = zmq.socket("pull");
    const push = zmq.socket("push");
    try {
      await bound(pull, address());
      push.connect(pull.last_endpoint!);
      const got = messages(pull, 3);
      const results: (Error | undefined)[] = [];
      const done = new Promise<void>((resolve) => {
        const cb = (err?: Error) => {
          results.push(err);
          if (results.length === 3) resolve();
        };
        push.send("x", 0, cb);
        push.send(["y", "z"], undefined, cb);
        push.send("w", cb); // zeromq 5 also took (message, callback)
      });
      await withTimeout(done, 5000, "callbacks");
      assert.deepEqual(results, [undefined, undefined, undefined]);
      assert.deepEqual(await got, [["x"], ["y", "z"], ["w"]]);
    } finally {
      push.close();
      pull.close();
    }
  });

  Deno.test(`socket (${transport}) - the callbacks of ZMQ_SNDMORE parts run when the whole message is queued`, async () => {
    const pull = zmq.socket("pull");
    const push = zmq.socket("push");
    try {
      await bound(pull, address());
      push.connect(pull.last_endpoint!);
      const got = messages(pull, 1);
      const called: string[] = [];
      const both = new Promise<void>((resolve) => {
        push.send("head", zmq.ZMQ_SNDMORE, (err?: Error) => called.push(`head ${err}`));
        assert.equal(called.length, 0);
        push.send("tail", 0, (err?: Error) => {
          called.push(`tail ${err}`);
          resolve();
        });
      });
      await withTimeout(both, 5000, "callbacks");
      assert.deepEqual(called, ["head undefined", "tail undefined"]);
      assert.deepEqual(await got, [["head", "tail"]]);
    } finally {
      push.close();
      pull.close();
    }
  });

  Deno.test(`socket (${transport}) - REQ sends its next request only after the reply; REP replies in turn`, async () => {
    const rep = zmq.socket("rep");
    const req = zmq.socket("req");
    try {
      let inFlight = 0;
      let maxInFlight = 0;
      rep.on("message", (msg: Uint8Array) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Reply on a later turn, so a second request would have had time to arrive.
        setTimeout(() => {
          inFlight--;
          rep.send(`re:${text(msg)}`);
        }, 2);
      });
      await bound(rep, address());
      req.connect(rep.last_endpoint!);
      const replies = messages(req, 10);
      for (let i = 0; i < 10; i++) req.send(`q${i}`);
      assert.deepEqual(await replies, Array.from({ length: 10 }, (_, i) => [`re:q${i}`]));
      assert.equal(maxInFlight, 1);
    } finally {
      req.close();
      rep.close();
    }
  });

  Deno.test(`socket (${transport}) - pause holds messages back, resume delivers them in order`, async () => {
    const pull = zmq.socket("pull");
    const push = zmq.socket("push");
    try {
      await bound(pull, address());
      push.connect(pull.last_endpoint!);
      const first = messages(pull, 1);
      push.send("before");
      assert.deepEqual(await first, [["before"]]);
      pull.pause();
      const early: string[] = [];
      const spy = (m: Uint8Array) => early.push(text(m));
      pull.on("message", spy);
      for (const m of ["p1", "p2", "p3"]) push.send(m);
      // Wait until the messages are surely in the socket: a probe over a second connection.
      const probe = zmq.socket("pull");
      const probePush = zmq.socket("push");
      await bound(probe, address());
      probePush.connect(probe.last_endpoint!);
      const probed = messages(probe, 1);
      probePush.send("probe");
      await probed;
      for (let i = 0; i < 5; i++) await tick();
      probePush.close();
      probe.close();
      assert.deepEqual(early, []);
      pull.off("message", spy);
      const after = messages(pull, 3);
      pull.resume();
      assert.deepEqual(await after, [["p1"], ["p2"], ["p3"]]);
    } finally {
      push.close();
      pull.close();
    }
  });
}

Deno.test("socket - bind emits 'bind' then calls back; a failed bind calls back with the error", async () => {
  const a = zmq.socket("pull");
  const b = zmq.socket("pull");
  try {
    const order: string[] = [];
    a.on("bind", (addr: string) => order.push(`event ${addr}`));
    await new Promise<void>((resolve, reject) =>
      a.bind("tcp://127.0.0.1:*", (err) => {
        if (err) return reject(err);
        order.push("callback");
        resolve();
      })
    );
    assert.deepEqual(order, ["event tcp://127.0.0.1:*", "callback"]);
    const err = await new Promise<Error | undefined>((resolve) => b.bind(a.last_endpoint!, resolve));
    assert.ok(err instanceof Error);
    assert.equal((err as Error & { code?: string }).code, "EADDRINUSE");
    // Without a callback the failure is an "error" event.
    const failed = next(b, "error");
    b.bind(a.last_endpoint!);
    assert.equal(((await failed)[0] as Error & { code?: string }).code, "EADDRINUSE");
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("socket - unbind calls back and emits 'unbind'; bindSync/unbindSync need no callback", async () => {
  const pull = zmq.socket("pull");
  const push = zmq.socket("push");
  try {
    const address = inproc();
    pull.bindSync(address);
    push.connect(address);
    const got = messages(pull, 1);
    push.send("via bindSync");
    assert.deepEqual(await got, [["via bindSync"]]);
    const unbound = next(pull, "unbind");
    await new Promise<void>((resolve, reject) => pull.unbind(address, (err) => err ? reject(err) : resolve()));
    assert.deepEqual(await unbound, [address]);
    pull.bindSync(address);
    pull.unbindSync(address);
    const err = await new Promise<Error | undefined>((resolve) => pull.unbind(address, resolve));
    assert.equal((err as Error & { code?: string }).code, "ENOENT");
  } finally {
    push.close();
    pull.close();
  }
});

Deno.test("socket - bindSync on tcp: messages and connections made right after it wait for the bind", async () => {
  const address = `tcp://127.0.0.1:${freePort()}`;
  const push = zmq.socket("push");
  const pull = zmq.socket("pull");
  try {
    push.bindSync(address);
    push.send("queued before the bind completed");
    pull.connect(address);
    assert.deepEqual(await messages(pull, 1), [["queued before the bind completed"]]);
  } finally {
    push.close();
    pull.close();
  }
});

Deno.test("socket - ROUTER with ZMQ_ROUTER_MANDATORY reports unroutable messages to the callback or as 'error'", async () => {
  const router = zmq.socket("router");
  const quiet = zmq.socket("router");
  try {
    router.setsockopt(zmq.ZMQ_ROUTER_MANDATORY, 1);
    const err = await new Promise<Error | undefined>((resolve) => router.send(["nobody", "", "hi"], null, resolve));
    assert.equal((err as Error & { code?: string }).code, "EHOSTUNREACH");
    const event = next(router, "error");
    router.send(["nobody", "", "again"]);
    assert.equal(((await event)[0] as Error & { code?: string }).code, "EHOSTUNREACH");
    // Without mandatory the message is dropped and the callback gets no error.
    assert.equal(await new Promise((resolve) => quiet.send(["nobody", "hi"], 0, resolve)), undefined);
  } finally {
    router.close();
    quiet.close();
  }
});

Deno.test("socket - router/dealer bursts keep every multipart message whole", async () => {
  const router = zmq.socket("router");
  const dealer = zmq.socket("dealer");
  try {
    router.on("message", (...frames: Uint8Array[]) => router.send(frames));
    await bound(router, "tcp://127.0.0.1:*");
    dealer.connect(router.last_endpoint!);
    const n = 500;
    const got = messages(dealer, n, 15_000);
    for (let i = 0; i < n; i++) dealer.send([`m${i}`, "part2", "part3"]);
    const all = await got;
    assert.deepEqual(all[0], ["m0", "part2", "part3"]);
    assert.deepEqual(all[n - 1], [`m${n - 1}`, "part2", "part3"]);
    assert.ok(all.every((m) => m.length === 3));
  } finally {
    router.close();
    dealer.close();
  }
});

Deno.test("socket - a throwing 'message' listener is an uncaught error and does not stop delivery", async () => {
  const pull = zmq.socket("pull");
  const push = zmq.socket("push");
  const uncaught: unknown[] = [];
  const onError = (e: ErrorEvent) => {
    uncaught.push(e.error);
    e.preventDefault();
  };
  globalThis.addEventListener("error", onError);
  try {
    const address = inproc();
    pull.bindSync(address);
    push.connect(address);
    let n = 0;
    const second = new Promise<string>((resolve) =>
      pull.on("message", (m: Uint8Array) => {
        if (n++ === 0) throw new Error("listener failed");
        resolve(text(m));
      })
    );
    push.send("first");
    push.send("second");
    assert.equal(await withTimeout(second, 5000, "second message"), "second");
    await tick();
    assert.equal((uncaught[0] as Error).message, "listener failed");
  } finally {
    globalThis.removeEventListener("error", onError);
    push.close();
    pull.close();
  }
});

Deno.test("socket - close: closed is true, later sends are dropped (a callback learns why), a second close is harmless", async () => {
  const push = zmq.socket("push");
  assert.equal(push.closed, false);
  assert.equal(push.close(), push);
  assert.equal(push.closed, true);
  push.close();
  push.send("dropped silently");
  const err = await new Promise<Error | undefined>((resolve) => push.send("dropped", 0, resolve));
  assert.equal((err as Error & { code?: string }).code, "EBADF");
});
