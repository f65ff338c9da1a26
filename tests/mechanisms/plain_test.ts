import assert from "node:assert/strict";
import { encodeCommand, encodeMetadata, encodePing, encodeReady } from "../../src/codec/command.ts";
import { AuthError, ProtocolError } from "../../src/errors.ts";
import { createPlainMechanism, type PlainMechanismOptions } from "../../src/mechanisms/plain.ts";
import type { Mechanism } from "../../src/mechanisms/mechanism.ts";
import { ZapPolicy } from "../../src/mechanisms/zap.ts";
import { vector } from "../_vectors.ts";
import { handshake, options, splitFrame, text, utf8, zapStub } from "./_helpers.ts";

const body = (group: string, name: string) => splitFrame(vector(group, name)).body;
const DEALER: [string, string][] = [["Socket-Type", "DEALER"], ["Identity", ""]];
const ROUTER: [string, string][] = [["Socket-Type", "ROUTER"], ["Identity", "SRV"]];

function client(extra: Partial<PlainMechanismOptions> = {}) {
  return createPlainMechanism({ ...options(DEALER), server: false, username: "admin", password: "secret", ...extra });
}
function server(zap: PlainMechanismOptions["zap"], extra: Partial<PlainMechanismOptions> = {}) {
  return createPlainMechanism({ ...options(ROUTER, { zap }), server: true, ...extra });
}
const isAuth = (status: number) => (e: unknown) => e instanceof AuthError && e.status === status;

Deno.test("PLAIN - the client's HELLO and INITIATE equal libzmq's captured bytes", async () => {
  const c = client();
  assert.equal(c.name, "PLAIN");
  assert.equal(c.asServer, false);
  assert.deepEqual(c.nextCommand(), body("plain", "plain_hello_admin_secret"));
  assert.equal(c.nextCommand(), null, "nothing more before WELCOME");
  await c.processCommand(body("plain", "plain_welcome"));
  assert.deepEqual(c.nextCommand(), body("plain", "plain_initiate_dealer"));
  assert.equal(c.nextCommand(), null);
  assert.equal(c.status, "handshaking");
  await c.processCommand(body("ready", "ready_router_libzmq"));
  assert.equal(c.status, "ready");
  assert.equal(text(c.peerProperties.get("Socket-Type")), "ROUTER");
});

Deno.test("PLAIN - the server asks ZAP for libzmq's HELLO, answers WELCOME, then READY", async () => {
  const zap = zapStub({ userId: "admin-id", metadata: new Map([["X-Role", utf8("ops")]]) });
  const s = server(zap, { zapDomain: "test", routingId: utf8("SRV"), peerAddress: "10.1.2.3" });
  assert.equal(s.asServer, true);
  assert.equal(s.nextCommand(), null, "the server speaks second");
  await s.processCommand(body("plain", "plain_hello_admin_secret"));
  assert.equal(zap.requests.length, 1);
  const request = zap.requests[0];
  assert.equal(request.mechanism, "PLAIN");
  assert.equal(request.domain, "test");
  assert.equal(request.address, "10.1.2.3");
  assert.deepEqual(request.routingId, utf8("SRV"));
  assert.deepEqual(request.credentials.map(text), ["admin", "secret"]);
  assert.deepEqual(s.nextCommand(), body("plain", "plain_welcome"));
  assert.equal(s.nextCommand(), null);
  await s.processCommand(body("plain", "plain_initiate_dealer"));
  assert.equal(s.status, "handshaking", "ready only once READY is sent");
  assert.deepEqual(s.nextCommand(), encodeReady(ROUTER));
  assert.equal(s.status, "ready");
  assert.equal(s.nextCommand(), null);
  assert.equal(s.userId, "admin-id");
  assert.equal(text(s.zapProperties.get("X-Role")), "ops");
  assert.equal(text(s.peerProperties.get("Socket-Type")), "DEALER");
});

Deno.test("PLAIN - a full handshake in memory, with a ZapPolicy as the handler", async () => {
  const policy = new ZapPolicy({ plain: { admin: "secret" } });
  const zap = (request: Parameters<ZapPolicy["decide"]>[0]) => Promise.resolve(policy.decide(request));
  const c = client();
  const s = server(zap);
  const log = await handshake(c, s);
  assert.deepEqual(log.map((l) => `${l.from}:${text(l.body.subarray(1, 1 + l.body[0]))}`), [
    "client:HELLO",
    "server:WELCOME",
    "client:INITIATE",
    "server:READY",
  ]);
  assert.equal(c.status, "ready");
  assert.equal(s.status, "ready");
  assert.equal(s.userId, "admin");
  assert.equal((c as Mechanism).encode, undefined, "PLAIN traffic is not transformed");
});

Deno.test("PLAIN - empty username and password are allowed", async () => {
  const c = client({ username: undefined, password: "" });
  const hello = c.nextCommand()!;
  assert.deepEqual([...hello], [5, 0x48, 0x45, 0x4c, 0x4c, 0x4f, 0, 0]);
  const zap = zapStub({});
  const s = server(zap);
  await s.processCommand(hello);
  assert.deepEqual(zap.requests[0].credentials.map((c) => c.length), [0, 0]);
});

Deno.test("PLAIN - without a ZAP handler the server rejects everyone silently (libzmq)", async () => {
  for (const zap of [undefined, zapStub(null)]) {
    const s = server(zap);
    await assert.rejects(
      async () => await s.processCommand(body("plain", "plain_hello_admin_secret")),
      (e: unknown) => isAuth(0)(e) && /no ZAP handler/.test((e as Error).message),
    );
    assert.equal(s.status, "error");
    assert.equal(s.nextCommand(), null, "no ERROR command: libzmq just closes");
  }
});

Deno.test("PLAIN - ZAP 400 and 500 send a correct ERROR; 300 closes silently", async () => {
  for (const status of [400, 500]) {
    const s = server(zapStub({ status, statusText: "No access" }));
    await assert.rejects(async () => await s.processCommand(body("plain", "plain_hello_admin_secret")), isAuth(status));
    assert.equal(s.status, "error");
    const error = s.nextCommand();
    assert.deepEqual(error, encodeCommand("ERROR", Uint8Array.of(3, ...utf8(String(status)))));
    if (status === 400) assert.deepEqual(error, body("command", "error_400_null"));
    assert.equal(s.nextCommand(), null, "no WELCOME after a refusal");
  }
  const s = server(zapStub({ status: 300 }));
  await assert.rejects(async () => await s.processCommand(body("plain", "plain_hello_admin_secret")), isAuth(300));
  assert.equal(s.nextCommand(), null);
  assert.equal(s.status, "error");
});

Deno.test("PLAIN - a ZAP reply with an invalid status is a protocol error", async () => {
  const s = server(zapStub({ status: 201 }));
  await assert.rejects(
    async () => await s.processCommand(body("plain", "plain_hello_admin_secret")),
    (e: unknown) => e instanceof ProtocolError && /ZAP_INVALID_STATUS_CODE/.test(e.message),
  );
  assert.equal(s.nextCommand(), null);
});

Deno.test("PLAIN - the client turns ERROR, correct or libzmq's '^RROR', into an AuthError with the status", () => {
  const plainBug = body("plain", "error_400_plain_libzmq_bug");
  assert.equal(plainBug[0], 0x5e);
  const bug500 = plainBug.slice();
  bug500[bug500.length - 3] = 0x35;
  const cases: [Uint8Array, number][] = [
    [plainBug, 400],
    [bug500, 500],
    [body("command", "error_400_null"), 400],
    [encodeCommand("ERROR", Uint8Array.of(5, ...utf8("nope!"))), 0],
  ];
  for (const [error, status] of cases) {
    const c = client();
    c.nextCommand();
    assert.throws(() => c.processCommand(error), isAuth(status));
    assert.equal(c.status, "error");
    assert.equal(c.nextCommand(), null);
    // Also in place of READY.
    const c2 = client();
    c2.nextCommand();
    c2.processCommand(body("plain", "plain_welcome"));
    c2.nextCommand();
    assert.throws(() => c2.processCommand(error), isAuth(status));
  }
  const c = client();
  c.nextCommand();
  assert.throws(() => c.processCommand(Uint8Array.of(0x5e, 0x52, 0x52, 0x4f, 0x52, 9, 0x34)), ProtocolError);
});

Deno.test("PLAIN - the client treats any other unexpected command as a protocol error", () => {
  const unexpected = [
    encodeReady(ROUTER), // READY before WELCOME
    encodePing(10),
    encodeCommand("HELLO", Uint8Array.of(0, 0)),
    Uint8Array.of(0xff, 1, 2), // malformed name length
    encodeCommand("WELCOME", Uint8Array.of(0)), // WELCOME must have no data
  ];
  for (const cmd of unexpected) {
    const c = client();
    c.nextCommand();
    assert.throws(() => c.processCommand(cmd), ProtocolError);
    assert.equal(c.status, "error");
  }
  const c = client();
  assert.throws(() => c.processCommand(body("plain", "plain_welcome")), ProtocolError, "WELCOME before HELLO");
  const early = client();
  early.nextCommand();
  early.processCommand(body("plain", "plain_welcome"));
  assert.throws(() => early.processCommand(encodeReady(ROUTER)), /expects|not waiting/, "READY before INITIATE");
  const late = client();
  late.nextCommand();
  late.processCommand(body("plain", "plain_welcome"));
  late.nextCommand();
  assert.throws(() => late.processCommand(encodeCommand("READY", Uint8Array.of(1))), /Malformed PLAIN READY/);
});

Deno.test("PLAIN - the server checks HELLO strictly", () => {
  const hello = body("plain", "plain_hello_admin_secret");
  const bad = [
    Uint8Array.of(...hello, 0), // a byte after the password
    hello.subarray(0, hello.length - 1), // password cut short
    encodeCommand("HELLO"), // no data at all
    encodeCommand("HELLO", Uint8Array.of(3, 0x61, 0x62)), // username cut short
    encodeCommand("HELLO", Uint8Array.of(0)), // no password length
  ];
  for (const cmd of bad) {
    const zap = zapStub({});
    const s = server(zap);
    assert.throws(() => s.processCommand(cmd), /Malformed PLAIN HELLO/);
    assert.equal(zap.requests.length, 0, "ZAP is not asked for a malformed HELLO");
    assert.equal(s.status, "error");
    assert.equal(s.nextCommand(), null);
  }
});

Deno.test("PLAIN - the server rejects commands out of order and malformed INITIATE metadata", async () => {
  const s = server(zapStub({}));
  assert.throws(() => s.processCommand(body("plain", "plain_initiate_dealer")), /expected HELLO/);
  const s2 = server(zapStub({}));
  await s2.processCommand(body("plain", "plain_hello_admin_secret"));
  assert.throws(() => s2.processCommand(body("plain", "plain_hello_admin_secret")), ProtocolError);
  const s3 = server(zapStub({}));
  await s3.processCommand(body("plain", "plain_hello_admin_secret"));
  s3.nextCommand();
  assert.throws(
    () => s3.processCommand(encodeCommand("INITIATE", encodeMetadata([["Socket-Type", "DEALER"]]).subarray(0, 10))),
    /Malformed PLAIN INITIATE/,
  );
  const s4 = server(zapStub({}));
  await s4.processCommand(body("plain", "plain_hello_admin_secret"));
  s4.nextCommand();
  assert.throws(() => s4.processCommand(body("command", "error_400_null")), ProtocolError, "clients never send ERROR");
});

Deno.test("PLAIN - credentials longer than 255 bytes or not strings are rejected up front", () => {
  assert.throws(() => client({ username: "x".repeat(256) }), RangeError);
  assert.throws(() => client({ password: "\u00e9".repeat(128) }), /at most 255 bytes/);
  assert.throws(() => client({ password: 42 as unknown as string }), TypeError);
  assert.doesNotThrow(() => client({ username: "x".repeat(255) }));
});
