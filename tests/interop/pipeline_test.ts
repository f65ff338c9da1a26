import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { HAS_LIBZMQ, LibzmqPeer, withTimeout } from "../_helpers.ts";
import { assertPeerFrames, assertReceived, peerSizedFrames, sizedMessage } from "./_interop.ts";

const ignore = !HAS_LIBZMQ;

Deno.test({ name: "interop PUSH/PULL - zmq-ts Push binds, libzmq PULL connects", ignore }, async () => {
  await using push = new Push({ linger: 1000 });
  await push.bind("tcp://127.0.0.1:*");
  await using peer = await LibzmqPeer.start("PULL");
  await peer.connect(push.lastEndpoint!);
  for (let i = 0; i < 3; i++) {
    const message = sizedMessage(i);
    await push.send(message);
    await assertPeerFrames(await peer.recv(), message);
  }
});

Deno.test({ name: "interop PUSH/PULL - zmq-ts Push connects, libzmq PULL binds", ignore }, async () => {
  await using peer = await LibzmqPeer.start("PULL");
  const endpoint = await peer.bind();
  await using push = new Push({ linger: 1000 });
  push.connect(endpoint);
  const message = sizedMessage(7);
  await push.send(message);
  await assertPeerFrames(await peer.recv(), message);
  await push.send("after");
  assert.deepEqual(await peer.recvText(), ["after"]);
});

Deno.test({ name: "interop PUSH/PULL - libzmq PUSH connects, zmq-ts Pull binds", ignore }, async () => {
  await using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  await using peer = await LibzmqPeer.start("PUSH");
  await peer.connect(pull.lastEndpoint!);
  for (let i = 0; i < 3; i++) {
    const sent = await peer.send(peerSizedFrames(i));
    await assertReceived(await withTimeout(pull.receive(), 5000, "receive"), sent);
  }
});

Deno.test({ name: "interop PUSH/PULL - libzmq PUSH binds, zmq-ts Pull connects", ignore }, async () => {
  await using peer = await LibzmqPeer.start("PUSH");
  const endpoint = await peer.bind();
  await using pull = new Pull();
  pull.connect(endpoint);
  const sent = await peer.send(peerSizedFrames(3));
  await assertReceived(await withTimeout(pull.receive(), 5000, "receive"), sent);
});
