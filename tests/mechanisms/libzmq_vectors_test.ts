/**
 * Byte-level interop sanity check without a live peer: each of our
 * mechanism sides talks only to bytes recorded from (or verified against)
 * libzmq 4.3.4, never to our own other side. Live interop over TCP comes
 * with the engine (tests/interop/).
 */

import assert from "node:assert/strict";
import { AuthError } from "../../src/errors.ts";
import { createCurveMechanism } from "../../src/mechanisms/curve.ts";
import type { CurveRandom } from "../../src/mechanisms/curve_handshake.ts";
import { createPlainMechanism } from "../../src/mechanisms/plain.ts";
import { encodeZapRequest } from "../../src/mechanisms/zap.ts";
import { loadVectors, vector } from "../_vectors.ts";
import { fromHex, options, splitFrame, text, utf8, zapStub } from "./_helpers.ts";

const V = Object.fromEntries(loadVectors("curve").map((v) => [v.name, v.bytes]));
const body = (frame: Uint8Array) => splitFrame(frame).body;
const DEALER: [string, string][] = [["Socket-Type", "DEALER"], ["Identity", ""]];
const ROUTER: [string, string][] = [["Socket-Type", "ROUTER"], ["Identity", ""]];
const fixed = (values: Record<string, Uint8Array>): CurveRandom => (purpose) => values[purpose];
const isAuth = (status: number) => (e: unknown) => e instanceof AuthError && e.status === status;

Deno.test("interop vectors - our CURVE server answers the recorded client's HELLO and INITIATE byte for byte", async () => {
  const server = createCurveMechanism({
    ...options(ROUTER),
    server: true,
    secretKey: V.server_permanent_secret,
    random: fixed({
      transientSecretKey: V.server_transient_secret,
      welcomeNonce: V.welcome_nonce16,
      cookieNonce: V.cookie_nonce16,
      cookieKey: V.cookie_key,
    }),
  });
  await server.prepare();
  await server.processCommand(body(V.hello_frame));
  assert.deepEqual(server.nextCommand(), body(V.welcome_frame));
  await server.processCommand(body(V.initiate_frame));
  assert.deepEqual(server.nextCommand(), body(V.ready_frame));
  assert.equal(server.status, "ready");
  const got: string[] = [];
  server.decode(body(V.client_message_Hello_nonce3_frame), (b, flags) => got.push(`${text(b)}:${flags}`));
  assert.deepEqual(got, ["Hello:0"]);
  assert.deepEqual(server.encode(utf8("World"), 0), body(V.server_message_World_nonce2_frame));
});

Deno.test("interop vectors - our CURVE client answers the recorded server's WELCOME and READY byte for byte", async () => {
  const client = createCurveMechanism({
    ...options(DEALER),
    server: false,
    publicKey: V.client_permanent_public,
    secretKey: V.client_permanent_secret,
    serverKey: "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", // Z85, as libzmq users configure it
    random: fixed({ transientSecretKey: V.client_transient_secret, vouchNonce: V.vouch_nonce16 }),
  });
  await client.prepare();
  assert.deepEqual(client.nextCommand(), body(V.hello_frame));
  await client.processCommand(body(V.welcome_frame));
  assert.deepEqual(client.nextCommand(), body(V.initiate_frame));
  await client.processCommand(body(V.ready_frame));
  assert.equal(client.status, "ready");
  assert.deepEqual(client.encode(utf8("Hello"), 0), body(V.client_message_Hello_nonce3_frame));
  const got: string[] = [];
  client.decode(body(V.server_message_World_nonce2_frame), (b, flags) => got.push(`${text(b)}:${flags}`));
  assert.deepEqual(got, ["World:0"]);
});

Deno.test("interop vectors - CURVE: libzmq's ERROR after ZAP 400 is what our server sends and our client understands", async () => {
  const error = body(vector("command", "error_400_null"));
  const server = createCurveMechanism({
    ...options(ROUTER, { zap: zapStub({ status: 400 }) }),
    server: true,
    secretKey: V.server_permanent_secret,
    random: fixed({
      transientSecretKey: V.server_transient_secret,
      welcomeNonce: V.welcome_nonce16,
      cookieNonce: V.cookie_nonce16,
      cookieKey: V.cookie_key,
    }),
  });
  await server.prepare();
  await server.processCommand(body(V.hello_frame));
  server.nextCommand();
  await assert.rejects(async () => await server.processCommand(body(V.initiate_frame)), isAuth(400));
  assert.deepEqual(server.nextCommand(), error);

  const client = createCurveMechanism({
    ...options(DEALER),
    server: false,
    publicKey: V.client_permanent_public,
    secretKey: V.client_permanent_secret,
    serverKey: V.server_permanent_public,
    random: fixed({ transientSecretKey: V.client_transient_secret, vouchNonce: V.vouch_nonce16 }),
  });
  await client.prepare();
  client.nextCommand();
  await client.processCommand(body(V.welcome_frame));
  client.nextCommand();
  assert.throws(() => client.processCommand(error), isAuth(400));
});

Deno.test("interop vectors - PLAIN against libzmq's captured HELLO, WELCOME, READY and '^RROR'", async () => {
  // Our server, fed the HELLO and INITIATE a libzmq client sent.
  const zap = zapStub({ userId: "admin" });
  const server = createPlainMechanism({ ...options(ROUTER, { zap }), server: true });
  await server.processCommand(body(vector("plain", "plain_hello_admin_secret")));
  assert.deepEqual(server.nextCommand(), body(vector("plain", "plain_welcome")));
  await server.processCommand(body(vector("plain", "plain_initiate_dealer")));
  assert.equal(text(server.peerProperties.get("Socket-Type")), "DEALER");
  assert.equal(server.nextCommand()?.[1], 0x52, "READY");
  assert.equal(server.status, "ready");

  // Our client, fed a libzmq server's WELCOME and READY (ROUTER with routing id "SRV", mechanisms.md 2.3).
  const client = createPlainMechanism({ ...options(DEALER), server: false, username: "admin", password: "secret" });
  assert.deepEqual(client.nextCommand(), body(vector("plain", "plain_hello_admin_secret")));
  await client.processCommand(body(vector("plain", "plain_welcome")));
  assert.deepEqual(client.nextCommand(), body(vector("plain", "plain_initiate_dealer")));
  const srvReady = fromHex(
    "04 2c 05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 06 52 4f 55 54 45 52" +
      "08 49 64 65 6e 74 69 74 79 00 00 00 03 53 52 56",
  );
  await client.processCommand(body(srvReady));
  assert.equal(client.status, "ready");
  assert.equal(text(client.peerProperties.get("Identity")), "SRV");

  // libzmq's mis-encoded PLAIN ERROR for ZAP 400 and 500 (mechanisms.md 2.4, captured).
  const bug400 = fromHex("04 09 5e 52 52 4f 52 03 34 30 30");
  assert.deepEqual(bug400, vector("plain", "error_400_plain_libzmq_bug"));
  for (const [frame, status] of [[bug400, 400], [fromHex("04 09 5e 52 52 4f 52 03 35 30 30"), 500]] as const) {
    const c = createPlainMechanism({ ...options(DEALER), server: false, username: "admin", password: "wrong" });
    c.nextCommand();
    assert.throws(() => c.processCommand(body(frame)), isAuth(status));
  }
});

Deno.test("interop vectors - ZAP requests have the frames captured from libzmq servers", () => {
  const f = (s: string) => utf8(s);
  assert.deepEqual(
    encodeZapRequest({
      domain: "test",
      address: "127.0.0.1",
      routingId: f("SRV"),
      mechanism: "PLAIN",
      credentials: [f("admin"), f("secret")],
    }),
    ["1.0", "1", "test", "127.0.0.1", "SRV", "PLAIN", "admin", "secret"].map(f),
  );
  assert.deepEqual(
    encodeZapRequest({
      domain: "",
      address: "127.0.0.1",
      routingId: new Uint8Array(0),
      mechanism: "CURVE",
      credentials: [V.client_permanent_public],
    }),
    [...["1.0", "1", "", "127.0.0.1", "", "CURVE"].map(f), V.client_permanent_public],
  );
  assert.deepEqual(
    encodeZapRequest({
      domain: "global",
      address: "127.0.0.1",
      routingId: new Uint8Array(0),
      mechanism: "NULL",
      credentials: [],
    }),
    ["1.0", "1", "global", "127.0.0.1", "", "NULL"].map(f),
  );
});
