// Interop of the built package with libzmq over tcp and ipc: zeromq.js
// (libzmq 4.3.5) under Node, pyzmq (libzmq 4.3.4) under Bun. Both roles
// (bind and connect) and both directions.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { test } from "node:test";
import * as zmq from "zmq-ts";
import { describe, PEER_KIND, startPeer, tempDir, withTimeout } from "./_peer.mjs";

const skip = PEER_KIND === null ? "no libzmq peer (zeromq or python3-zmq) found; set ZMQ_TS_REPO" : false;
let counter = 0;

function endpointFor(transport, dir) {
  return transport === "tcp" ? "tcp://127.0.0.1:*" : `ipc://${dir}/i${counter++}`;
}

async function scenario(transport, body) {
  const dir = tempDir();
  try {
    await withTimeout(body(endpointFor(transport, dir.dir)), 20000, `${transport} interop`);
  } finally {
    dir.remove();
  }
}

for (const transport of ["tcp", "ipc"]) {
  test(`interop ${transport} - zmq-ts Push binds, libzmq PULL connects`, { skip }, async () => {
    await scenario(transport, async (endpoint) => {
      const push = new zmq.Push({ linger: 1000 });
      const peer = await startPeer("PULL");
      try {
        await push.bind(endpoint);
        await peer.connect(push.lastEndpoint);
        const big = Buffer.alloc(200 * 1024, 3);
        await push.send(["hello", big]);
        assert.deepEqual(await peer.recv(), [describe(Buffer.from("hello")), describe(big)]);
      } finally {
        await peer.close();
        push.close();
      }
    });
  });

  test(`interop ${transport} - libzmq PUSH binds, zmq-ts Pull connects`, { skip }, async () => {
    await scenario(transport, async (endpoint) => {
      const peer = await startPeer("PUSH");
      const pull = new zmq.Pull();
      try {
        const bound = await peer.bind(endpoint);
        pull.connect(bound);
        const sent = await peer.send(["from", "libzmq"]);
        const got = await pull.receive();
        assert.ok(got.every((f) => Buffer.isBuffer(f)));
        assert.deepEqual(got.map(describe), sent);
      } finally {
        await peer.close();
        pull.close();
      }
    });
  });

  test(`interop ${transport} - zmq-ts Reply binds, libzmq REQ connects`, { skip }, async () => {
    await scenario(transport, async (endpoint) => {
      const rep = new zmq.Reply();
      const peer = await startPeer("REQ");
      try {
        await rep.bind(endpoint);
        await peer.connect(rep.lastEndpoint);
        await peer.send(["question"]);
        const [q] = await rep.receive();
        assert.equal(q.toString(), "question");
        await rep.send("answer");
        assert.deepEqual(await peer.recv(), [describe(Buffer.from("answer"))]);
      } finally {
        await peer.close();
        rep.close();
      }
    });
  });

  test(`interop ${transport} - libzmq ROUTER binds, zmq-ts Dealer connects`, { skip }, async () => {
    await scenario(transport, async (endpoint) => {
      const peer = await startPeer("ROUTER");
      const dealer = new zmq.Dealer({ routingId: "npm-dealer" });
      try {
        const bound = await peer.bind(endpoint);
        dealer.connect(bound);
        await dealer.send(["", "work"]);
        const [id, empty, body] = await peer.recv();
        assert.equal(id, describe(Buffer.from("npm-dealer")));
        assert.equal(empty, "");
        assert.equal(body, describe(Buffer.from("work")));
        await peer.send([Buffer.from("npm-dealer"), "", "ok"]);
        const reply = await dealer.receive();
        assert.deepEqual(reply.map((f) => f.toString()), ["", "ok"]);
      } finally {
        await peer.close();
        dealer.close();
      }
    });
  });
}
