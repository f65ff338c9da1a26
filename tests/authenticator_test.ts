/** The Authenticator (src/authenticator.ts): zauth-style policies and handlers for PLAIN, CURVE and NULL over tcp. */
import assert from "node:assert/strict";
import {
  Authenticator,
  AuthError,
  Context,
  curveKeyPair,
  Dealer,
  Pull,
  Push,
  Reply,
  Router,
  type ZapRequest,
  ZmqError,
} from "../mod.ts";
import { inprocRegistryOf } from "../src/context.ts";
import { bytes, sleep, text, waitFor, withTimeout } from "./_helpers.ts";
import { assertNothingReceived, count, errorOf, record, watchPipes } from "./_events.ts";

Deno.test("Authenticator - installs itself in its context; close() uninstalls; one handler per context", async () => {
  const context = new Context();
  const auth = new Authenticator({ context });
  assert.equal(auth.context, context);
  assert.notEqual(inprocRegistryOf(context).zapHandler, null);
  assert.throws(() => new Authenticator({ context }), (e: unknown) => e instanceof ZmqError && e.code === "EADDRINUSE");
  {
    await using handler = new Reply({ context });
    await assert.rejects(handler.bind("inproc://zeromq.zap.01"), { code: "EADDRINUSE" });
  }
  auth.close();
  auth.close();
  assert.equal(auth.closed, true);
  assert.equal(inprocRegistryOf(context).zapHandler, null);
  {
    await using handler = new Reply({ context });
    await handler.bind("inproc://zeromq.zap.01");
    assert.throws(() => new Authenticator({ context }), { code: "EADDRINUSE" });
  }
  using again = new Authenticator({ context }); // the socket is gone: free again
  assert.equal(again.closed, false);
  assert.throws(() => new Authenticator({ context: new Context(), curve: ["not a key"] }), TypeError);
  assert.throws(() => new Authenticator({ context: new Context(), curve: "everyone" as "any" }), TypeError);
});

Deno.test("Authenticator - PLAIN: the right password passes, a wrong one is refused (400) on both sides", async () => {
  const context = new Context();
  using _auth = new Authenticator({ context, plain: { admin: "secret" } });
  await using router = new Router({ context, plainServer: true, linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  const endpoint = router.lastEndpoint!;
  const serverEvents = record(router);
  const pipes = watchPipes(router);

  await using bad = new Dealer({ plainUsername: "admin", plainPassword: "guess", reconnectInterval: 10, linger: 0 });
  const badEvents = record(bad);
  bad.connect(endpoint);
  await bad.send("must not arrive");
  await waitFor(() => count(badEvents, "handshake:error:auth") > 0, 5000, "client handshake:error:auth");
  await waitFor(() => count(serverEvents, "handshake:error:auth") > 0, 5000, "server handshake:error:auth");
  const clientError = errorOf(badEvents, "handshake:error:auth")!;
  assert.ok(clientError instanceof AuthError);
  assert.equal(clientError.status, 400);
  assert.equal(errorOf(serverEvents, "handshake:error:auth")?.status, 400);
  assert.equal(badEvents.find((e) => e.type === "handshake:error:auth")?.type, "handshake:error:auth");
  assert.deepEqual(badEvents.filter((e) => e.type === "handshake:error:auth").map((e) => "address" in e && e.address), [
    endpoint,
  ]);
  await assertNothingReceived(router);
  await sleep(100); // the client gave up on the endpoint, as libzmq does after an ERROR
  assert.equal(count(badEvents, "connect"), 1);
  assert.equal(count(badEvents, "connect:retry"), 0);

  await using good = new Dealer({ plainUsername: "admin", plainPassword: "secret", routingId: "g", linger: 0 });
  good.connect(endpoint);
  await good.send(["hello", "world"]);
  const [id, ...rest] = await withTimeout(router.receive(), 5000, "receive");
  assert.deepEqual([text(id), ...rest.map(text)], ["g", "hello", "world"]);
  await router.send(["g", "back"]);
  assert.deepEqual((await withTimeout(good.receive(), 5000, "reply")).map(text), ["back"]);
  // The ZAP user id stays on the connection's pipe.
  assert.deepEqual(pipes.map((p) => p.userId), ["admin"]);
});

Deno.test("Authenticator - allow and deny lists by peer address", async () => {
  for (
    const [options, passes] of [
      [{ deny: ["127.0.0.1"] }, false],
      [{ allow: ["127.0.0.2"] }, false],
      [{ allow: ["127.0.0.1"] }, true],
      [{ allow: ["127.0.0.1"], deny: ["127.0.0.1"] }, false],
    ] as const
  ) {
    const context = new Context();
    using _auth = new Authenticator({ context, plain: { u: "p" }, ...options });
    await using pull = new Pull({ context, plainServer: true, linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    await using push = new Push({ plainUsername: "u", plainPassword: "p", linger: 0 });
    const events = record(push);
    push.connect(pull.lastEndpoint!);
    await push.send("hi");
    if (passes) {
      assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["hi"]);
    } else {
      await waitFor(() => count(events, "handshake:error:auth") > 0, 5000, `refusal with ${JSON.stringify(options)}`);
      await assertNothingReceived(pull, 50);
    }
  }
});

Deno.test("Authenticator - CURVE: listed client keys pass, others are refused; 'any' takes every key", async () => {
  const server = await curveKeyPair();
  const [known, stranger] = [await curveKeyPair(), await curveKeyPair()];
  const client = (pair: { publicKey: string; secretKey: string }) =>
    new Push({
      curveServerKey: server.publicKey,
      curvePublicKey: pair.publicKey,
      curveSecretKey: pair.secretKey,
      reconnectInterval: 10,
      linger: 0,
    });
  {
    const context = new Context();
    using _auth = new Authenticator({ context, curve: [known.publicKey] });
    await using pull = new Pull({ context, curveServer: true, curveSecretKey: server.secretKey, linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    const pipes = watchPipes(pull);
    const serverEvents = record(pull);
    await using bad = client(stranger);
    const badEvents = record(bad);
    bad.connect(pull.lastEndpoint!);
    await bad.send("must not arrive");
    await waitFor(() => count(badEvents, "handshake:error:auth") > 0, 5000, "client refusal");
    assert.equal(errorOf(badEvents, "handshake:error:auth")?.status, 400);
    assert.equal(errorOf(serverEvents, "handshake:error:auth")?.status, 400);
    await using good = client(known);
    good.connect(pull.lastEndpoint!);
    await good.send("welcome");
    assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["welcome"]);
    assert.deepEqual(pipes.map((p) => p.userId), [known.publicKey]); // zauth's user id: the key in Z85
    assert.equal(count(badEvents, "connect"), 1);
  }
  {
    const context = new Context();
    using _auth = new Authenticator({ context, curve: "any" });
    await using pull = new Pull({ context, curveServer: true, curveSecretKey: server.secretKey, linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    await using anyone = client(stranger);
    anyone.connect(pull.lastEndpoint!);
    await anyone.send("let in");
    assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["let in"]);
  }
});

Deno.test("Authenticator - domain: requests from another zapDomain are refused", async () => {
  const context = new Context();
  using _auth = new Authenticator({ context, domain: "inside", plain: { u: "p" } });
  for (const [zapDomain, passes] of [["inside", true], ["outside", false]] as const) {
    await using pull = new Pull({ context, plainServer: true, zapDomain, linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    await using push = new Push({ plainUsername: "u", plainPassword: "p", linger: 0 });
    const events = record(push);
    push.connect(pull.lastEndpoint!);
    await push.send("x");
    if (passes) assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["x"]);
    else await waitFor(() => errorOf(events, "handshake:error:auth")?.status === 400, 5000, "refusal");
  }
});

Deno.test("Authenticator - handler: 300 closes silently (client retries), 500 sends ERROR, a throw answers 500", async () => {
  const context = new Context();
  const requests: ZapRequest[] = [];
  let status = 300;
  using _auth = new Authenticator({
    context,
    handler: (request) => {
      requests.push(request);
      if (status === 0) throw new Error("database down");
      return { status, statusText: "", userId: "", metadata: new Map() };
    },
  });
  await using pull = new Pull({ context, plainServer: true, routingId: "SRV", zapDomain: "dom", linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const serverEvents = record(pull);
  {
    await using push = new Push({ plainUsername: "u", plainPassword: "p", reconnectInterval: 10, linger: 0 });
    const events = record(push);
    push.connect(pull.lastEndpoint!);
    await waitFor(() => requests.length >= 3, 5000, "the client to retry after 300s");
    assert.equal(count(events, "handshake:error:auth"), 0); // no ERROR was sent: to the client, a lost connection
    assert.ok(count(events, "connect:retry") >= 2);
    assert.equal(errorOf(serverEvents, "handshake:error:auth")?.status, 300);
    const r = requests[0];
    assert.deepEqual([r.domain, r.address, text(r.routingId), r.mechanism, ...r.credentials.map(text)], [
      "dom",
      "127.0.0.1",
      "SRV",
      "PLAIN",
      "u",
      "p",
    ]);
  }
  for (const [answer, expected] of [[500, 500], [0, 500]]) {
    status = answer;
    await using push = new Push({ plainUsername: "u", plainPassword: "p", reconnectInterval: 10, linger: 0 });
    const events = record(push);
    push.connect(pull.lastEndpoint!);
    await waitFor(() => count(events, "handshake:error:auth") > 0, 5000, `refusal (${answer})`);
    assert.equal(errorOf(events, "handshake:error:auth")?.status, expected);
    await sleep(50);
    assert.equal(count(events, "connect"), 1);
  }
});

Deno.test("Authenticator - the handler's user id and metadata are kept on the pipe", async () => {
  const context = new Context();
  using _auth = new Authenticator({
    context,
    handler: () => ({
      status: 200,
      statusText: "OK",
      userId: "alice",
      metadata: new Map([["X-Role", bytes("admin")]]),
    }),
  });
  await using pull = new Pull({ context, plainServer: true, linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const pipes = watchPipes(pull);
  await using push = new Push({ plainUsername: "alice", plainPassword: "x", linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("hi");
  await withTimeout(pull.receive(), 5000, "receive");
  assert.equal(pipes[0].userId, "alice");
  assert.equal(text(pipes[0].zapProperties.get("X-Role")!), "admin");
});
