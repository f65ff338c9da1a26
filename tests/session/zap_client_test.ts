/** RFC 27 handlers written as sockets bound at inproc://zeromq.zap.01, with libzmq's rules. */
import assert from "node:assert/strict";
import {
  Context,
  curveKeyPair,
  Dealer,
  type FrameLike,
  type Message,
  ProtocolError,
  Pull,
  Push,
  Reply,
  Router,
  z85,
} from "../../mod.ts";
import { bytes, sleep, text, waitFor, withTimeout } from "../_helpers.ts";
import { assertNothingReceived, count, errorOf, record, watchPipes } from "../_events.ts";

const ZAP = "inproc://zeromq.zap.01";

/** A Reply handler answering every request with `answer(request)` (frames after the delimiter). */
function serve(
  handler: Reply,
  answer: (request: string[]) => FrameLike[],
): { requests: Message[][]; done: Promise<void> } {
  const requests: Message[][] = [];
  const done = (async () => {
    for await (const request of handler) {
      requests.push(request);
      await handler.send(answer(request.map(text)));
    }
  })();
  return { requests, done };
}

const reply = (status: string, userId = "", metadata: Uint8Array = new Uint8Array(0)) => [
  "1.0",
  "1",
  status,
  status === "200" ? "OK" : "Denied",
  userId,
  metadata,
];

Deno.test("ZAP socket - a Reply handler checks PLAIN users; request frames as libzmq sends them", async () => {
  const context = new Context();
  await using handler = new Reply({ context });
  await handler.bind(ZAP);
  const { requests, done } = serve(handler, (r) => r[7] === "secret" ? reply("200", r[6]) : reply("400"));
  await using router = new Router({ context, plainServer: true, zapDomain: "test", routingId: "SRV", linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  const pipes = watchPipes(router);
  await using good = new Dealer({ plainUsername: "ann", plainPassword: "secret", routingId: "a", linger: 0 });
  good.connect(router.lastEndpoint!);
  await good.send("in");
  assert.deepEqual((await withTimeout(router.receive(), 5000, "receive")).map(text), ["a", "in"]);
  assert.deepEqual(requests[0].map(text), ["1.0", "1", "test", "127.0.0.1", "SRV", "PLAIN", "ann", "secret"]);
  assert.equal(pipes[0].userId, "ann");

  await using bad = new Dealer({ plainUsername: "bob", plainPassword: "nope", reconnectInterval: 10, linger: 0 });
  const events = record(bad);
  bad.connect(router.lastEndpoint!);
  await waitFor(() => count(events, "handshake:error:auth") > 0, 5000, "refusal");
  assert.equal(errorOf(events, "handshake:error:auth")?.status, 400);
  await sleep(50);
  assert.equal(requests.length, 2, "one request per handshake, no reconnection after ERROR");
  handler.close();
  await done;
});

Deno.test("ZAP socket - a Router handler may answer concurrent handshakes out of order", async () => {
  const context = new Context();
  await using handler = new Router({ context });
  await handler.bind(ZAP);
  const pending: Message[][] = [];
  const done = (async () => {
    while (pending.length < 2) pending.push(await handler.receive());
    for (const request of pending.reverse()) {
      const [id, delimiter, ...body] = request;
      assert.equal(delimiter.length, 0);
      const ok = text(body[7]) === "right";
      await handler.send([id, "", ...reply(ok ? "200" : "400", ok ? "good" : "")]);
    }
  })();
  await using pull = new Pull({ context, plainServer: true, linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  await using good = new Push({ plainUsername: "good", plainPassword: "right", linger: 0 });
  await using bad = new Push({ plainUsername: "bad", plainPassword: "wrong", linger: 0 });
  const goodEvents = record(good);
  const badEvents = record(bad);
  good.connect(pull.lastEndpoint!);
  bad.connect(pull.lastEndpoint!);
  await good.send("from good");
  await bad.send("from bad");
  assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["from good"]);
  await waitFor(() => count(badEvents, "handshake:error:auth") > 0, 5000, "refusal of bad");
  assert.equal(count(goodEvents, "handshake:error:auth"), 0);
  await assertNothingReceived(pull, 50);
  await done;
});

Deno.test("ZAP socket - 300 closes silently (the client retries), 400 and 500 send ERROR", async () => {
  const context = new Context();
  await using handler = new Reply({ context });
  await handler.bind(ZAP);
  let status = "300";
  const { requests, done } = serve(handler, () => reply(status));
  await using pull = new Pull({ context, plainServer: true, linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const serverEvents = record(pull);
  {
    await using push = new Push({ plainUsername: "u", plainPassword: "p", reconnectInterval: 10, linger: 0 });
    const events = record(push);
    push.connect(pull.lastEndpoint!);
    await waitFor(() => requests.length >= 2, 5000, "a retry after 300");
    assert.equal(count(events, "handshake:error:auth"), 0);
    assert.equal(errorOf(serverEvents, "handshake:error:auth")?.status, 300);
  }
  for (const code of ["400", "500"]) {
    status = code;
    await using push = new Push({ plainUsername: "u", plainPassword: "p", reconnectInterval: 10, linger: 0 });
    const events = record(push);
    push.connect(pull.lastEndpoint!);
    await waitFor(() => count(events, "handshake:error:auth") > 0, 5000, `refusal ${code}`);
    assert.equal(errorOf(events, "handshake:error:auth")?.status, Number(code));
    await sleep(30);
    assert.equal(count(events, "connect"), 1);
  }
  handler.close();
  await done;
});

Deno.test("ZAP socket - malformed replies fail the handshake as protocol errors (libzmq's checks)", async () => {
  const cases: [string, FrameLike[], string][] = [
    ["five frames", ["1.0", "1", "200", "OK", ""], "ERR_ZAP_MALFORMED_REPLY"],
    ["seven frames", [...reply("200"), "extra"], "ERR_ZAP_MALFORMED_REPLY"],
    ["bad version", ["2.0", "1", "200", "OK", "", ""], "ERR_ZAP_BAD_VERSION"],
    ["bad request id", ["1.0", "2", "200", "OK", "", ""], "ERR_ZAP_BAD_REQUEST_ID"],
    ["status 201", ["1.0", "1", "201", "OK", "", ""], "ERR_ZAP_INVALID_STATUS_CODE"],
    ["status 20", ["1.0", "1", "20", "OK", "", ""], "ERR_ZAP_INVALID_STATUS_CODE"],
    ["bad metadata", ["1.0", "1", "200", "OK", "", new Uint8Array([5, 1])], "ERR_ZAP_INVALID_METADATA"],
  ];
  for (const [what, answer, code] of cases) {
    const context = new Context();
    await using handler = new Reply({ context });
    await handler.bind(ZAP);
    const { done } = serve(handler, () => answer);
    await using pull = new Pull({ context, plainServer: true, linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    const serverEvents = record(pull);
    await using push = new Push({ plainUsername: "u", plainPassword: "p", reconnectInterval: 10, linger: 0 });
    const events = record(push);
    push.connect(pull.lastEndpoint!);
    await push.send("must not arrive");
    await waitFor(() => count(serverEvents, "handshake:error:protocol") > 0, 5000, what);
    const error = errorOf(serverEvents, "handshake:error:protocol")!;
    assert.ok(error instanceof ProtocolError, what);
    assert.equal(error.code, code, what);
    assert.equal(count(events, "handshake:error:auth"), 0, what); // closed without an ERROR
    await assertNothingReceived(pull, 20);
    handler.close();
    await done;
  }
});

Deno.test("ZAP socket - a Router reply without the empty delimiter is malformed", async () => {
  const context = new Context();
  await using handler = new Router({ context });
  await handler.bind(ZAP);
  const done = (async () => {
    const [id] = await handler.receive();
    await handler.send([id, ...reply("200")]); // forgot ""
  })();
  await using pull = new Pull({ context, plainServer: true, linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const serverEvents = record(pull);
  await using push = new Push({ plainUsername: "u", plainPassword: "p", reconnectInterval: 1000, linger: 0 });
  push.connect(pull.lastEndpoint!);
  await waitFor(() => count(serverEvents, "handshake:error:protocol") > 0, 5000, "protocol error");
  assert.equal(errorOf(serverEvents, "handshake:error:protocol")?.code, "ERR_ZAP_MALFORMED_REPLY");
  await done;
});

Deno.test("ZAP socket - a handler closed mid-request fails the handshake; then there is no handler", async () => {
  const context = new Context();
  const handler = new Reply({ context });
  await handler.bind(ZAP);
  await using pull = new Pull({ context, plainServer: true, linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const serverEvents = record(pull);
  await using push = new Push({ plainUsername: "u", plainPassword: "p", reconnectInterval: 10, linger: 0 });
  push.connect(pull.lastEndpoint!);
  await withTimeout(handler.receive(), 5000, "request"); // never answered
  await handler[Symbol.asyncDispose]();
  await waitFor(() => count(serverEvents, "handshake:error:protocol") > 0, 5000, "protocol error");
  assert.equal(errorOf(serverEvents, "handshake:error:protocol")?.code, "ERR_ZAP_UNSPECIFIED");
  // The client retries; with no handler left, PLAIN refuses it (silently).
  await waitFor(() => count(serverEvents, "handshake:error:auth") > 0, 5000, "refusal without a handler");
  assert.equal(errorOf(serverEvents, "handshake:error:auth")?.status, 0);
});

Deno.test("ZAP socket - only a Reply or Router counts as a handler", async () => {
  const context = new Context();
  await using notHandler = new Dealer({ context });
  await notHandler.bind(ZAP);
  await using pull = new Pull({ context, plainServer: true, linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const serverEvents = record(pull);
  await using push = new Push({ plainUsername: "u", plainPassword: "p", reconnectInterval: 1000, linger: 0 });
  push.connect(pull.lastEndpoint!);
  await waitFor(() => count(serverEvents, "handshake:error:auth") > 0, 5000, "refusal");
  assert.match(errorOf(serverEvents, "handshake:error:auth")!.detail as string, /no ZAP handler/);
  assert.equal(notHandler.readable, false);
});

Deno.test("ZAP socket - CURVE sends the client's 32-byte key; NULL asks with a zapDomain only", async () => {
  const context = new Context();
  await using handler = new Reply({ context });
  await handler.bind(ZAP);
  const { requests, done } = serve(
    handler,
    (r) => reply("200", r[5], new Uint8Array([5, ...bytes("X-Who"), 0, 0, 0, 1, 0x41])),
  );
  const server = await curveKeyPair();
  const client = await curveKeyPair();
  {
    await using pull = new Pull({ context, curveServer: true, curveSecretKey: server.secretKey, linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    const pipes = watchPipes(pull);
    await using push = new Push({
      curveServerKey: server.publicKey,
      curvePublicKey: client.publicKey,
      curveSecretKey: client.secretKey,
      linger: 0,
    });
    push.connect(pull.lastEndpoint!);
    await push.send("secret");
    assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["secret"]);
    assert.deepEqual(requests[0].slice(0, 6).map(text), ["1.0", "1", "", "127.0.0.1", "", "CURVE"]);
    assert.deepEqual(requests[0][6], z85.decode(client.publicKey));
    assert.equal(requests[0].length, 7);
    assert.equal(pipes[0].userId, "CURVE");
    assert.equal(text(pipes[0].zapProperties.get("X-Who")!), "A");
  }
  for (const zapDomain of [null, "", "global"]) {
    await using pull = new Pull({ context, zapDomain, linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    await using push = new Push({ linger: 0 });
    push.connect(pull.lastEndpoint!);
    await push.send("null");
    await withTimeout(pull.receive(), 5000, "receive");
  }
  assert.equal(requests.length, 2);
  assert.deepEqual(requests[1].map(text), ["1.0", "1", "global", "127.0.0.1", "", "NULL"]);
  handler.close();
  await done;
});
