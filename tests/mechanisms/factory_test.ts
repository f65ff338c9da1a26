/**
 * What the socket options select (factory.ts): the mechanism class per
 * option, and end to end between zmq-ts sockets over tcp, PLAIN, CURVE and
 * NULL with a zapDomain (with and without a ZAP handler).
 */
import assert from "node:assert/strict";
import { ProtocolError } from "../../src/errors.ts";
import { Authenticator, Context, curveKeyPair, Dealer, Pull, Push, Router } from "../../mod.ts";
import { CurveClient } from "../../src/mechanisms/curve_client.ts";
import { CurveServer } from "../../src/mechanisms/curve_server.ts";
import { createMechanism } from "../../src/mechanisms/factory.ts";
import type { ZapClient } from "../../src/mechanisms/mechanism.ts";
import { NullMechanism } from "../../src/mechanisms/null.ts";
import { PlainClient } from "../../src/mechanisms/plain_client.ts";
import { PlainServer } from "../../src/mechanisms/plain_server.ts";
import { defaultOption, type OptionName, type OptionReader } from "../../src/options.ts";
import { decodeZ85 } from "../../src/z85.ts";
import { assertNothingReceived, count, errorOf, record, watchPipes } from "../_events.ts";
import { bytes, pseudoRandomBytes, text, waitFor, withTimeout } from "../_helpers.ts";

const MiB = 1024 * 1024;
const noZap: ZapClient = () => Promise.resolve(null);

/** A DEALER's option reader with some options set. */
function reader(set: Partial<Record<OptionName, unknown>>): OptionReader {
  return ((name: OptionName) => (name in set ? set[name] : defaultOption("DEALER", name))) as OptionReader;
}
const build = (set: Partial<Record<OptionName, unknown>>) =>
  createMechanism({ socketType: "DEALER", option: reader(set), peerAddress: "127.0.0.1", zap: noZap });

Deno.test("factory - options pick NULL, the PLAIN client or server, the CURVE client or server", async () => {
  const server = await curveKeyPair();
  const client = await curveKeyPair();
  assert.ok(build({}) instanceof NullMechanism);
  assert.ok(build({ zapDomain: "global" }) instanceof NullMechanism);
  assert.ok(build({ plainServer: true }) instanceof PlainServer);
  const plain = build({ plainUsername: "admin", plainPassword: "secret" });
  assert.ok(plain instanceof PlainClient);
  assert.equal(plain.asServer, false);
  const curveServer = build({ curveServer: true, curveSecretKey: server.secretKey });
  assert.ok(curveServer instanceof CurveServer);
  assert.equal(curveServer.asServer, true);
  const curveClient = build({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  assert.ok(curveClient instanceof CurveClient);
  assert.deepEqual(curveClient.peerPublicKey, decodeZ85(server.publicKey));
  // READY properties: Socket-Type, and Identity for a DEALER.
  const nullMechanism = build({ routingId: "me" });
  const ready = nullMechanism.nextCommand()!;
  assert.match(text(ready), /Socket-Type.*DEALER.*Identity.*me/s);
});

Deno.test("factory - CURVE without the keys it needs fails its handshakes with a protocol error naming them (libzmq)", () => {
  const server = build({ curveServer: true });
  assert.equal(server.name, "CURVE");
  assert.throws(
    () => server.nextCommand(),
    (e: unknown) => e instanceof ProtocolError && /curveSecretKey/.test(e.message),
  );
  const serverKey = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
  const client = build({ curveServerKey: serverKey, curveSecretKey: "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6" });
  assert.throws(() => client.nextCommand(), /A CURVE client needs curvePublicKey and curveSecretKey/);
});

Deno.test("PLAIN - a server without a ZAP handler refuses every client; the client keeps retrying (libzmq)", async () => {
  const context = new Context();
  await using pull = new Pull({ context, plainServer: true, linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const serverEvents = record(pull);
  await using push = new Push({ plainUsername: "admin", plainPassword: "secret", reconnectInterval: 10, linger: 0 });
  const events = record(push);
  push.connect(pull.lastEndpoint!);
  await push.send("must not arrive");
  await waitFor(() => count(serverEvents, "handshake:error:auth") >= 2, 5000, "two refusals");
  const error = errorOf(serverEvents, "handshake:error:auth")!;
  assert.equal(error.status, 0);
  assert.match(error.detail as string, /no ZAP handler/);
  assert.equal(count(events, "handshake:error:auth"), 0); // closed silently: the client retries
  assert.ok(count(events, "connect:retry") >= 1);
  await assertNothingReceived(pull, 50);
  // Installing an Authenticator lets the retrying client in.
  using _auth = new Authenticator({ context, plain: { admin: "secret" } });
  assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["must not arrive"]);
});

Deno.test("CURVE - without a ZAP handler any client key passes; multipart and 1 MiB frames both ways", async () => {
  const server = await curveKeyPair();
  const client = await curveKeyPair();
  await using router = new Router({ context: new Context(), curveServer: true, curveSecretKey: server.secretKey });
  await router.bind("tcp://127.0.0.1:*");
  assert.equal(router.securityMechanism, "curve");
  const pipes = watchPipes(router);
  await using dealer = new Dealer({
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    curveServerKey: server.publicKey,
    routingId: "d",
    linger: 0,
  });
  dealer.connect(router.lastEndpoint!);
  const big = pseudoRandomBytes(MiB, 1);
  await dealer.send(["one", new Uint8Array(0), big]);
  const [id, ...rest] = await withTimeout(router.receive(), 10_000, "receive");
  assert.equal(text(id), "d");
  assert.deepEqual(rest, [bytes("one"), new Uint8Array(0), big]);
  const back = pseudoRandomBytes(MiB, 2);
  await router.send(["d", back, "two"]);
  assert.deepEqual(await withTimeout(dealer.receive(), 10_000, "reply"), [back, bytes("two")]);
  assert.equal(pipes[0].userId, "");
});

Deno.test("CURVE - a client with the wrong server key: protocol error at the server, the client retries", async () => {
  const server = await curveKeyPair();
  const impostor = await curveKeyPair();
  const client = await curveKeyPair();
  await using pull = new Pull({ context: new Context(), curveServer: true, curveSecretKey: server.secretKey });
  await pull.bind("tcp://127.0.0.1:*");
  const serverEvents = record(pull);
  await using push = new Push({
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    curveServerKey: impostor.publicKey,
    reconnectInterval: 10,
    linger: 0,
  });
  const events = record(push);
  push.connect(pull.lastEndpoint!);
  await push.send("must not arrive");
  await waitFor(() => count(serverEvents, "handshake:error:protocol") > 0, 5000, "server protocol error");
  assert.equal(errorOf(serverEvents, "handshake:error:protocol")?.code, "ERR_ZMTP_CRYPTOGRAPHIC");
  assert.equal(
    serverEvents.find((e) => e.type === "handshake:error:protocol" && e.address === pull.lastEndpoint)?.type,
    "handshake:error:protocol",
  );
  await waitFor(() => count(events, "connect:retry") > 0, 5000, "client retry");
  assert.equal(count(events, "handshake"), 0);
  assert.equal(count(events, "handshake:error:auth"), 0);
  await assertNothingReceived(pull, 50);
});

Deno.test("NULL - ZAP is asked only with a non-empty zapDomain; no handler means no check", async () => {
  const context = new Context();
  const asked: string[] = [];
  using auth = new Authenticator({
    context,
    handler: (request) => {
      asked.push(request.domain);
      return { status: 400, statusText: "No", userId: "", metadata: new Map() };
    },
  });
  {
    await using pull = new Pull({ context, linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    await using push = new Push({ linger: 0 });
    push.connect(pull.lastEndpoint!);
    await push.send("no domain");
    assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["no domain"]);
    assert.deepEqual(asked, []);
  }
  {
    await using pull = new Pull({ context, zapDomain: "global", linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    const serverEvents = record(pull);
    await using push = new Push({ linger: 0, reconnectInterval: 10 });
    const events = record(push);
    push.connect(pull.lastEndpoint!);
    await push.send("refused");
    await waitFor(() => count(events, "handshake:error:auth") > 0, 5000, "refusal");
    assert.equal(errorOf(events, "handshake:error:auth")?.status, 400);
    assert.equal(errorOf(serverEvents, "handshake:error:auth")?.status, 400);
    assert.deepEqual(asked, ["global"]);
    await assertNothingReceived(pull, 50);
  }
  auth.close();
  {
    await using pull = new Pull({ context, zapDomain: "global", linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    await using push = new Push({ linger: 0 });
    push.connect(pull.lastEndpoint!);
    await push.send("no handler");
    assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["no handler"]);
  }
});

Deno.test("NULL - two sockets that both have a zapDomain complete the handshake (ZAP asked before READY)", async () => {
  const context = new Context();
  const asked: string[] = [];
  using _auth = new Authenticator({
    context,
    handler: (request) => {
      asked.push(request.domain);
      return { status: 200, statusText: "OK", userId: request.domain, metadata: new Map() };
    },
  });
  await using pull = new Pull({ context, zapDomain: "server", linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const pipes = watchPipes(pull);
  await using push = new Push({ context, zapDomain: "client", linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("both asked");
  assert.deepEqual((await withTimeout(pull.receive(), 5000, "receive")).map(text), ["both asked"]);
  assert.deepEqual(asked.sort(), ["client", "server"]);
  assert.equal(pipes[0].userId, "server");
});
