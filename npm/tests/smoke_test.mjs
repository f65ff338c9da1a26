// Smoke test of the built package: it loads through `import` and through
// `require`, both entries are the same API, and received frames are Buffers.
// Runs under `node --test` and `bun test` against the installed tarball.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { test } from "node:test";
import * as esm from "zmq-ts";

const require = createRequire(import.meta.url);
const cjs = require("zmq-ts");

test("smoke - import and require expose the same names", () => {
  const names = (mod) => Object.keys(mod).filter((k) => k !== "default" && k !== "module.exports").sort();
  assert.deepEqual(names(cjs), names(esm));
  for (
    const name of ["Push", "Pull", "Request", "Reply", "Dealer", "Router", "Pair", "Context", "context", "ZmqError"]
  ) {
    assert.equal(typeof esm[name], name === "context" ? "object" : "function", name);
  }
  assert.ok(["node", "bun"].includes(esm.context.runtime.name));
});

test("smoke - ESM push/pull over tcp delivers Buffers", async () => {
  const pull = new esm.Pull();
  const push = new esm.Push();
  try {
    await pull.bind("tcp://127.0.0.1:*");
    assert.match(pull.lastEndpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    push.connect(pull.lastEndpoint);
    await push.send(["hello", new Uint8Array([1, 2, 3])]);
    const frames = await pull.receive();
    assert.equal(frames.length, 2);
    for (const frame of frames) assert.ok(Buffer.isBuffer(frame), "frames are Buffers");
    assert.equal(frames[0].toString(), "hello");
    assert.deepEqual([...frames[1]], [1, 2, 3]);
  } finally {
    push.close();
    pull.close();
  }
});

test("smoke - CommonJS entry works on its own (inproc)", async () => {
  const pull = new cjs.Pull();
  const push = new cjs.Push();
  try {
    await pull.bind("inproc://smoke");
    push.connect("inproc://smoke");
    await push.send("via require");
    const [frame] = await pull.receive();
    assert.ok(Buffer.isBuffer(frame));
    assert.equal(frame.toString(), "via require");
  } finally {
    push.close();
    pull.close();
  }
});
