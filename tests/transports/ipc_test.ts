import assert from "node:assert/strict";
import { Dealer, Pull, Push, Reply, Request, Router } from "../../mod.ts";
import { text, withTimeout } from "../_helpers.ts";

const texts = (frames: Uint8Array[]) => frames.map(text);

/** A private directory for socket files, removed with everything in it when disposed. */
async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "zmq-ts-ipc-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("ipc - Push/Pull, Request/Reply and Dealer/Router over a socket path", async () => {
  await using dir = await tempDir();
  await using pull = new Pull();
  await pull.bind(`ipc://${dir.path}/pipeline`);
  assert.equal(pull.lastEndpoint, `ipc://${dir.path}/pipeline`);
  await using push = new Push();
  push.connect(pull.lastEndpoint!);
  const big = new Uint8Array(1024 * 1024).map((_, i) => i & 0xff);
  await push.send(["small", big]);
  const [small, got] = await withTimeout(pull.receive(), 5000, "receive");
  assert.equal(text(small), "small");
  assert.deepEqual(got, big);

  await using rep = new Reply();
  await rep.bind(`ipc://${dir.path}/reqrep`);
  await using req = new Request();
  req.connect(`ipc://${dir.path}/reqrep`);
  await req.send("ping");
  assert.deepEqual(texts(await rep.receive()), ["ping"]);
  await rep.send("pong");
  assert.deepEqual(texts(await req.receive()), ["pong"]);

  await using router = new Router();
  await router.bind(`ipc://${dir.path}/router`);
  await using dealer = new Dealer({ routingId: "ipc-dealer" });
  dealer.connect(`ipc://${dir.path}/router`);
  await dealer.send("hello");
  const [id, msg] = await withTimeout(router.receive(), 5000, "router receive");
  assert.equal(text(id), "ipc-dealer");
  assert.equal(text(msg), "hello");
});

Deno.test("ipc - bind replaces a stale socket file or a plain file, as libzmq does", async () => {
  await using dir = await tempDir();
  const stale = `${dir.path}/stale`;
  // A process that bound the path and exited without unlinking it (Deno's own listener unlinks on close).
  const script = `import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])`;
  const out = await new Deno.Command("/usr/bin/python3", { args: ["-c", script, stale] }).output();
  assert.ok(out.success);
  assert.ok((await Deno.lstat(stale)).isSocket, "a stale socket file");
  await using pull = new Pull();
  await pull.bind(`ipc://${stale}`);
  const plain = `${dir.path}/plain`;
  await Deno.writeTextFile(plain, "not a socket");
  await pull.bind(`ipc://${plain}`);
  await using push = new Push();
  push.connect(`ipc://${plain}`);
  await push.send("through the replaced file");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["through the replaced file"]);
});

Deno.test("ipc - binding a path with a live listener is EADDRINUSE and leaves the listener working", async () => {
  await using dir = await tempDir();
  const endpoint = `ipc://${dir.path}/live`;
  await using owner = new Pull();
  await owner.bind(endpoint);
  await using intruder = new Pull();
  await assert.rejects(intruder.bind(endpoint), { code: "EADDRINUSE" });
  await using push = new Push();
  push.connect(endpoint);
  await push.send("still mine");
  assert.deepEqual(texts(await withTimeout(owner.receive(), 5000, "receive")), ["still mine"]);
});

Deno.test("ipc - the socket file is removed on unbind and on close", async () => {
  await using dir = await tempDir();
  const a = `${dir.path}/a`;
  const b = `${dir.path}/b`;
  const pull = new Pull();
  await pull.bind(`ipc://${a}`);
  await pull.bind(`ipc://${b}`);
  assert.ok(await exists(a) && await exists(b));
  await pull.unbind(`ipc://${a}`);
  assert.equal(await exists(a), false);
  await pull[Symbol.asyncDispose]();
  assert.equal(await exists(b), false);
});

Deno.test("ipc - ipc://* binds <fresh private dir>/socket, reported by lastEndpoint and removed on close", async () => {
  const pull = new Pull();
  await pull.bind("ipc://*");
  const endpoint = pull.lastEndpoint!;
  const match = /^ipc:\/\/(.+)\/socket$/.exec(endpoint);
  assert.ok(match, endpoint);
  const dir = match[1];
  assert.equal((await Deno.stat(dir)).mode! & 0o077, 0, "the directory is private");
  await using push = new Push();
  push.connect(endpoint);
  await push.send("wildcard");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["wildcard"]);
  await pull[Symbol.asyncDispose]();
  assert.equal(await exists(dir), false);
});

Deno.test("ipc - relative paths are relative to the working directory", async () => {
  await using dir = await tempDir();
  const cwd = Deno.cwd();
  Deno.chdir(dir.path);
  try {
    await using pull = new Pull();
    await pull.bind("ipc://relative.sock");
    assert.equal(pull.lastEndpoint, "ipc://relative.sock");
    assert.ok(await exists(`${dir.path}/relative.sock`));
    await using push = new Push();
    push.connect("ipc://relative.sock");
    await push.send("rel");
    assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["rel"]);
  } finally {
    Deno.chdir(cwd);
  }
});

Deno.test("ipc - paths longer than 107 bytes are ENAMETOOLONG; 107 bytes work", async () => {
  await using dir = await tempDir();
  const base = `${dir.path}/`;
  const exact = base + "x".repeat(107 - base.length);
  assert.equal(new TextEncoder().encode(exact).length, 107);
  await using pull = new Pull();
  await pull.bind(`ipc://${exact}`);
  await using push = new Push();
  assert.throws(() => push.connect(`ipc://${exact}y`), { code: "ENAMETOOLONG" });
  await assert.rejects(pull.bind(`ipc://${exact}y`), { code: "ENAMETOOLONG" });
  push.connect(`ipc://${exact}`);
  await push.send("fits");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["fits"]);
});

Deno.test("ipc - abstract names (ipc://@name) leave nothing on the filesystem; ipc://@ is EINVAL", async () => {
  const name = `zmq-ts-test-${Deno.pid}`;
  await using pull = new Pull();
  await pull.bind(`ipc://@${name}`);
  assert.equal(pull.lastEndpoint, `ipc://@${name}`);
  const table = await Deno.readTextFile("/proc/net/unix");
  assert.ok(table.split("\n").some((line) => line.endsWith(` @${name}`)), "listed as exactly @name");
  await using other = new Pull();
  await assert.rejects(other.bind(`ipc://@${name}`), { code: "EADDRINUSE" });
  await using push = new Push();
  push.connect(`ipc://@${name}`);
  await push.send("abstract");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["abstract"]);
  await assert.rejects(other.bind("ipc://@"), { code: "EINVAL" });
});
