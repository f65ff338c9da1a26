// The socket pairs over every transport, against the built package.
// Runs under `node --test` and `bun test` (flat tests: Bun's node:test has no subtests).
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import process from "node:process";
import { test } from "node:test";
import * as zmq from "zmq-ts";
import { tempDir, withTimeout } from "./_peer.mjs";

const TRANSPORTS = ["tcp", "ipc", "inproc"];
let counter = 0;

/** Binds `a`, connects `b`, runs `body`, then closes both (and removes ipc files). */
async function pair(transport, a, b, body) {
  const dir = transport === "ipc" ? tempDir() : null;
  try {
    const endpoint = transport === "tcp"
      ? "tcp://127.0.0.1:*"
      : transport === "ipc"
      ? `ipc://${dir.dir}/s${counter++}`
      : `inproc://npm-suite-${counter++}`;
    await a.bind(endpoint);
    b.connect(a.lastEndpoint);
    await withTimeout(body(), 10000, `${transport} exchange`);
  } finally {
    a.close();
    b.close();
    await Promise.all([a[Symbol.asyncDispose](), b[Symbol.asyncDispose]()]);
    dir?.remove();
  }
}

const text = (frames) => frames.map((f) => f.toString());

for (const transport of TRANSPORTS) {
  test(`${transport} - push/pull carries multipart messages in order`, async () => {
    const pull = new zmq.Pull();
    const push = new zmq.Push();
    await pair(transport, pull, push, async () => {
      for (let i = 0; i < 50; i++) await push.send(["n", String(i)]);
      for (let i = 0; i < 50; i++) assert.deepEqual(text(await pull.receive()), ["n", String(i)]);
      const big = Buffer.alloc(300 * 1024, 7);
      await push.send(big);
      const [got] = await pull.receive();
      assert.ok(Buffer.isBuffer(got));
      assert.equal(got.length, big.length);
      assert.ok(got.equals(big));
    });
  });

  test(`${transport} - request/reply round trips`, async () => {
    const rep = new zmq.Reply();
    const req = new zmq.Request();
    await pair(transport, rep, req, async () => {
      for (let i = 0; i < 5; i++) {
        await req.send(`ping ${i}`);
        const [question] = await rep.receive();
        assert.equal(question.toString(), `ping ${i}`);
        await rep.send(`pong ${i}`);
        assert.deepEqual(text(await req.receive()), [`pong ${i}`]);
      }
    });
  });

  test(`${transport} - dealer/router: the router sees the dealer's routing id`, async () => {
    const router = new zmq.Router();
    const dealer = new zmq.Dealer({ routingId: "worker-1" });
    await pair(transport, router, dealer, async () => {
      await dealer.send(["", "job"]);
      const [id, empty, body] = await router.receive();
      assert.ok(Buffer.isBuffer(id));
      assert.equal(id.toString(), "worker-1");
      assert.equal(empty.length, 0);
      assert.equal(body.toString(), "job");
      await router.send([id, "", "done"]);
      assert.deepEqual(text(await dealer.receive()), ["", "done"]);
    });
  });
}

test("inproc - names are per context; binding one twice is EADDRINUSE", async () => {
  const other = new zmq.Context();
  const a = new zmq.Pull();
  const b = new zmq.Pull({ context: other });
  const c = new zmq.Pull();
  try {
    await a.bind("inproc://npm-shared-name");
    await b.bind("inproc://npm-shared-name");
    await assert.rejects(c.bind("inproc://npm-shared-name"), { code: "EADDRINUSE" });
  } finally {
    a.close();
    b.close();
    c.close();
  }
});

test("ipc - binding a path with a live listener is EADDRINUSE; ipc://* picks a fresh path", async () => {
  const { dir, remove } = tempDir();
  const a = new zmq.Pull();
  const b = new zmq.Pull();
  const c = new zmq.Pull();
  try {
    await a.bind(`ipc://${dir}/live`);
    await assert.rejects(b.bind(`ipc://${dir}/live`), { code: "EADDRINUSE" });
    await c.bind("ipc://*");
    assert.match(c.lastEndpoint, /^ipc:\/\/.+\/socket$/);
  } finally {
    a.close();
    b.close();
    c.close();
    await Promise.all([a[Symbol.asyncDispose](), b[Symbol.asyncDispose](), c[Symbol.asyncDispose]()]);
    remove();
  }
});

test("ipc - abstract names: exact (libzmq-compatible) on Bun, ENOTSUP on Node", async () => {
  const name = `ipc://@zmq-ts-npm-${process.pid}-${counter++}`;
  const pull = new zmq.Pull();
  const push = new zmq.Push();
  try {
    if (zmq.context.runtime.name === "bun") {
      await pull.bind(name);
      push.connect(name);
      await push.send("abstract");
      assert.equal((await withTimeout(pull.receive(), 5000, "receive"))[0].toString(), "abstract");
    } else {
      await assert.rejects(pull.bind(name), { code: "ENOTSUP" });
      assert.throws(() => push.connect(name), { code: "ENOTSUP" });
    }
  } finally {
    pull.close();
    push.close();
  }
});

test("tcp - CURVE: libsodium-wrappers loads from the package's dependency", async () => {
  const server = await zmq.curveKeyPair();
  const client = await zmq.curveKeyPair();
  const pull = new zmq.Pull({ curveServer: true, curveSecretKey: server.secretKey, curvePublicKey: server.publicKey });
  const push = new zmq.Push({
    curveServerKey: server.publicKey,
    curveSecretKey: client.secretKey,
    curvePublicKey: client.publicKey,
  });
  try {
    await pull.bind("tcp://127.0.0.1:*");
    push.connect(pull.lastEndpoint);
    await push.send("secret");
    const [got] = await withTimeout(pull.receive(), 5000, "CURVE receive");
    assert.equal(got.toString(), "secret");
    assert.equal(pull.securityMechanism, "curve");
  } finally {
    push.close();
    pull.close();
  }
});
