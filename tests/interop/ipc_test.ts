import assert from "node:assert/strict";
import { Pull, Push, Reply, Request } from "../../mod.ts";
import { HAS_LIBZMQ, LibzmqPeer, withTimeout } from "../_helpers.ts";
import { assertPeerFrames, assertReceived, peerSizedFrames, sizedMessage } from "./_interop.ts";

const ignore = !HAS_LIBZMQ;

/** A private directory for the socket files of one test, removed afterwards. */
async function socketDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "zmq-ts-ipc-interop-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

Deno.test({ name: "interop ipc - zmq-ts Push binds, libzmq PULL connects", ignore }, async () => {
  await using dir = await socketDir();
  await using push = new Push({ linger: 1000 });
  await push.bind(`ipc://${dir.path}/push`);
  await using peer = await LibzmqPeer.start("PULL");
  await peer.connect(push.lastEndpoint!);
  for (let i = 0; i < 2; i++) {
    const message = sizedMessage(i);
    await push.send(message);
    await assertPeerFrames(await peer.recv(), message);
  }
});

Deno.test({ name: "interop ipc - libzmq PULL binds, zmq-ts Push connects", ignore }, async () => {
  await using dir = await socketDir();
  await using peer = await LibzmqPeer.start("PULL");
  const endpoint = await peer.bind(`ipc://${dir.path}/pull`);
  assert.equal(endpoint, `ipc://${dir.path}/pull`);
  await using push = new Push({ linger: 1000 });
  push.connect(endpoint);
  const message = sizedMessage(5);
  await push.send(message);
  await assertPeerFrames(await peer.recv(), message);
});

Deno.test({ name: "interop ipc - libzmq PUSH connects, zmq-ts Pull binds", ignore }, async () => {
  await using dir = await socketDir();
  await using pull = new Pull();
  await pull.bind(`ipc://${dir.path}/pull`);
  await using peer = await LibzmqPeer.start("PUSH");
  await peer.connect(pull.lastEndpoint!);
  const sent = await peer.send(peerSizedFrames(1));
  await assertReceived(await withTimeout(pull.receive(), 5000, "receive"), sent);
});

Deno.test({ name: "interop ipc - libzmq PUSH binds ipc://*, zmq-ts Pull connects", ignore }, async () => {
  await using peer = await LibzmqPeer.start("PUSH");
  const endpoint = await peer.bind("ipc://*");
  assert.match(endpoint, /^ipc:\/\/.+\/socket$/);
  await using pull = new Pull();
  pull.connect(endpoint);
  const sent = await peer.send(peerSizedFrames(2));
  await assertReceived(await withTimeout(pull.receive(), 5000, "receive"), sent);
});

Deno.test({ name: "interop ipc - zmq-ts Reply binds, libzmq REQ connects", ignore }, async () => {
  await using dir = await socketDir();
  await using rep = new Reply();
  await rep.bind(`ipc://${dir.path}/rep`);
  await using peer = await LibzmqPeer.start("REQ");
  await peer.connect(rep.lastEndpoint!);
  for (let i = 0; i < 3; i++) {
    await peer.send([`q${i}`]);
    const [q] = await withTimeout(rep.receive(), 5000, "receive");
    assert.equal(new TextDecoder().decode(q), `q${i}`);
    await rep.send(`a${i}`);
    assert.deepEqual(await peer.recvText(), [`a${i}`]);
  }
});

Deno.test({ name: "interop ipc - libzmq REP binds, zmq-ts Request connects", ignore }, async () => {
  await using dir = await socketDir();
  await using peer = await LibzmqPeer.start("REP");
  const endpoint = await peer.bind(`ipc://${dir.path}/rep`);
  await using req = new Request();
  req.connect(endpoint);
  await req.send(["hello", "world"]);
  assert.deepEqual(await peer.recvText(), ["hello", "world"]);
  await peer.send(["reply"]);
  const reply = await withTimeout(req.receive(), 5000, "receive");
  assert.deepEqual(reply.map((f) => new TextDecoder().decode(f)), ["reply"]);
});

Deno.test({ name: "interop ipc - abstract names address exactly libzmq's @name, both ways", ignore }, async () => {
  const name = `ipc://@zmq-ts-interop-${Deno.pid}`;
  // libzmq binds, zmq-ts connects.
  {
    await using peer = await LibzmqPeer.start("PULL");
    assert.equal(await peer.bind(name), name);
    await using push = new Push({ linger: 1000 });
    push.connect(name);
    await push.send("to libzmq");
    assert.deepEqual(await peer.recvText(), ["to libzmq"]);
  }
  // zmq-ts binds, libzmq connects.
  await using pull = new Pull();
  await pull.bind(name + "-2");
  await using peer = await LibzmqPeer.start("PUSH");
  await peer.connect(name + "-2");
  await peer.send(["from libzmq"]);
  const [got] = await withTimeout(pull.receive(), 5000, "receive");
  assert.equal(new TextDecoder().decode(got), "from libzmq");
});
