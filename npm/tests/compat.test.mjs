// The zmq-ts/v5-compat entry of the built package under Node and Bun: its
// exports through import and require, Buffer frames and Node-style events,
// one library shared with the main entry, and three zeromq 5 programs run
// unchanged (only the require line differs) against libzmq peers (pyzmq).
// Under Node the same programs also run on zeromq.js's own v5-compat (the
// `zeromq` devDependency) as the reference: the output must be the same.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as zmq from "zmq-ts";
import * as v5 from "zmq-ts/v5-compat";
import { HAS_PYZMQ, IS_BUN, startPyzmqPeer, tempDir, withTimeout } from "./_peer.mjs";

const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));
const noPyzmq = HAS_PYZMQ ? false : "python3-zmq not found (set ZMQ_TS_REPO)";

test("v5-compat - import and require give the same API, sharing the main entry's library", () => {
  const cjs = require("zmq-ts/v5-compat");
  assert.equal(typeof cjs.socket, "function");
  assert.equal(cjs.ZMQ_SNDMORE, v5.ZMQ_SNDMORE);
  assert.equal(v5.version, zmq.version);
  const sock = v5.socket("pull");
  assert.equal(sock.type, "pull");
  assert.equal(typeof sock.on, "function");
  sock.close();
  assert.equal(sock.closed, true);
});

test("v5-compat - inproc between a v5 socket and a v6 socket of the main entry; frames are Buffers", async () => {
  const pull = new zmq.Pull();
  await pull.bind("inproc://v5-shared");
  const push = v5.socket("push");
  const rep = v5.socket("rep");
  const req = new zmq.Request();
  try {
    push.connect("inproc://v5-shared");
    push.send(["from", "v5"]);
    const frames = await withTimeout(pull.receive(), 5000, "v6 receive");
    assert.deepEqual(frames.map(String), ["from", "v5"]);

    rep.on("message", (msg) => {
      assert.ok(Buffer.isBuffer(msg));
      rep.send(Buffer.concat([msg, Buffer.from("!")]));
    });
    rep.bindSync("inproc://v5-rep");
    req.connect("inproc://v5-rep");
    await req.send("hey");
    const [reply] = await withTimeout(req.receive(), 5000, "reply");
    assert.equal(reply.toString(), "hey!");
  } finally {
    push.close();
    rep.close();
    pull.close();
    req.close();
  }
});

/** A TCP port that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** zeromq.js's v5-compat module, when this runtime can load zeromq's native addon (not Bun). */
function referenceModule() {
  if (IS_BUN || !process.env.ZMQ_TS_REPO) return null;
  try {
    return createRequire(join(process.env.ZMQ_TS_REPO, "package.json")).resolve("zeromq/v5-compat");
  } catch {
    return null;
  }
}

const reference = referenceModule();
const referenceDir = reference === null ? null : tempDir();
process.on("exit", () => referenceDir?.remove());

/** The program file for an implementation: as written, or with its require line pointed at zeromq.js. */
function programFile(impl, name) {
  const file = join(HERE, "v5_programs", name);
  if (impl === "zmq-ts") return file;
  const text = readFileSync(file, "utf8");
  const swapped = text.replace('require("zmq-ts/v5-compat")', `require(${JSON.stringify(reference)})`);
  assert.notEqual(swapped, text, `${name} has no require("zmq-ts/v5-compat") line`);
  const copy = join(referenceDir.dir, name);
  writeFileSync(copy, swapped);
  return copy;
}

const IMPLS = reference === null ? ["zmq-ts"] : ["zmq-ts", "zeromq.js"];

/** Runs a zeromq 5 program with this runtime; collects its stdout lines. */
function runProgram(impl, name, args) {
  const child = spawn(process.execPath, [programFile(impl, name), ...args], {
    cwd: HERE,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = [];
  let buffered = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (text) => {
    buffered += text;
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      lines.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return {
    lines,
    exited,
    async waitForLine(pattern, ms = 10000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const line = lines.find((l) => pattern.test(l));
        if (line !== undefined) return line;
        if (Date.now() > deadline) throw new Error(`${name}: no line matching ${pattern} in ${JSON.stringify(lines)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    /** Waits for the program to end by itself; kills it (by PID) if it does not. */
    async ended(ms = 10000) {
      const timer = setTimeout(() => child.kill("SIGKILL"), ms);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

const hex = (s) => Buffer.from(s).toString("hex");
const peerText = (frames) => frames.map((f) => Buffer.from(f, "hex").toString());

for (const impl of IMPLS) {
  test(`v5 program (${impl}) - pub/sub: the subscriber gets three 'weather' updates from a libzmq PUB, then exits`, {
    skip: noPyzmq,
  }, async () => {
    const peer = await startPyzmqPeer("PUB");
    let program;
    try {
      const endpoint = await peer.bind("tcp://127.0.0.1:*");
      program = runProgram(impl, "pubsub.cjs", [endpoint]);
      await program.waitForLine(/^Subscriber connected/);
      let exit = null;
      program.exited.then((e) => (exit = e));
      for (let i = 0; exit === null && i < 1000; i++) {
        await peer.send(["news", `headline ${i}`]);
        await peer.send(["weather", `update ${i}`]);
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.deepEqual(await program.ended(), { code: 0, signal: null });
      const got = program.lines.filter((l) => l.startsWith("received"));
      assert.equal(got.length, 3);
      for (const line of got) {
        assert.match(line, /^received a message related to: weather containing message: update \d+$/);
      }
    } finally {
      program?.kill();
      await peer.close();
    }
  });

  test(`v5 program (${impl}) - req/rep: the server answers three requests of a libzmq REQ, then exits`, {
    skip: noPyzmq,
  }, async () => {
    const peer = await startPyzmqPeer("REQ");
    let program;
    try {
      program = runProgram(impl, "reqrep.cjs", ["tcp://127.0.0.1:*"]);
      const endpoint = (await program.waitForLine(/^Listening on /)).slice("Listening on ".length);
      assert.match(endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
      await peer.connect(endpoint);
      for (const request of ["Hello 1", "Hello 2", "Hello 3"]) {
        await peer.send([request]);
        assert.deepEqual(peerText(await peer.recv()), [`World ${request}`]);
      }
      assert.deepEqual(await program.ended(), { code: 0, signal: null });
      assert.deepEqual(program.lines.slice(1), [
        "Received request: [Hello 1]",
        "Received request: [Hello 2]",
        "Received request: [Hello 3]",
      ]);
    } finally {
      program?.kill();
      await peer.close();
    }
  });

  test(`v5 program (${impl}) - router with monitor: serves a libzmq DEALER, reports listen/accept/disconnect, exits`, {
    skip: noPyzmq,
  }, async () => {
    const peer = await startPyzmqPeer("DEALER", { ROUTING_ID: hex("dealer-1") });
    let program;
    let peerClosed = false;
    try {
      const endpoint = `tcp://127.0.0.1:${await freePort()}`;
      program = runProgram(impl, "router_monitor.cjs", [endpoint]);
      await program.waitForLine(/^listen /);
      await peer.connect(endpoint);
      for (const job of ["job 1", "job 2"]) {
        await peer.send([job]);
        assert.deepEqual(peerText(await peer.recv()), [`ack ${job}`]);
      }
      await peer.close();
      peerClosed = true;
      assert.deepEqual(await program.ended(), { code: 0, signal: null });
      assert.deepEqual(program.lines, [
        `listen ${endpoint}`,
        `accept ${endpoint}`,
        "from dealer-1: job 1",
        "from dealer-1: job 2",
        `disconnect ${endpoint}`,
      ]);
    } finally {
      program?.kill();
      if (!peerClosed) await peer.close();
    }
  });
}
