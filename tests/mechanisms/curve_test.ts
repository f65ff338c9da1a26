import assert from "node:assert/strict";
import { encodeMetadata, encodePing, encodeReady } from "../../src/codec/command.ts";
import { FLAG_COMMAND, FLAG_MORE } from "../../src/codec/codec.ts";
import { curveKeyPair } from "../../src/mechanisms/curve_keys.ts";
import { AuthError, ProtocolError } from "../../src/errors.ts";
import { loadCrypto } from "../../src/mechanisms/crypto.ts";
import { createCurveMechanism, type CurveMechanismOptions } from "../../src/mechanisms/curve.ts";
import type { CurveRandom, CurveRandomPurpose } from "../../src/mechanisms/curve_handshake.ts";
import { ZapPolicy } from "../../src/mechanisms/zap.ts";
import { encodeZ85 } from "../../src/z85.ts";
import { loadVectors } from "../_vectors.ts";
import { handshake, options, splitFrame, text, utf8, zapStub } from "./_helpers.ts";

const V = Object.fromEntries(loadVectors("curve").map((v) => [v.name, v.bytes]));
const DEALER: [string, string][] = [["Socket-Type", "DEALER"], ["Identity", ""]];
const ROUTER: [string, string][] = [["Socket-Type", "ROUTER"], ["Identity", ""]];
const range = (from: number, count: number) => Uint8Array.from({ length: count }, (_, i) => from + i);

/** A random source that hands out fixed values, each purpose exactly once. */
function fixedRandom(values: Partial<Record<CurveRandomPurpose, Uint8Array>>): CurveRandom {
  const used = new Set<string>();
  return (purpose, length) => {
    const value = values[purpose];
    assert.ok(value, `no fixed value for ${purpose}`);
    assert.equal(value.length, length, purpose);
    assert.ok(!used.has(purpose), `${purpose} asked twice`);
    used.add(purpose);
    return value;
  };
}

/** The client and server of the spec's deterministic transcript (mechanisms.md 3.5). */
function transcriptPair(
  extra: { client?: Partial<CurveMechanismOptions>; server?: Partial<CurveMechanismOptions> } = {},
) {
  const client = createCurveMechanism({
    ...options(DEALER),
    server: false,
    publicKey: V.client_permanent_public,
    secretKey: V.client_permanent_secret,
    serverKey: V.server_permanent_public,
    random: fixedRandom({ transientSecretKey: V.client_transient_secret, vouchNonce: V.vouch_nonce16 }),
    ...extra.client,
  });
  const server = createCurveMechanism({
    ...options(ROUTER),
    server: true,
    publicKey: V.server_permanent_public,
    secretKey: V.server_permanent_secret,
    random: fixedRandom({
      transientSecretKey: V.server_transient_secret,
      welcomeNonce: V.welcome_nonce16,
      cookieNonce: V.cookie_nonce16,
      cookieKey: V.cookie_key,
    }),
    ...extra.server,
  });
  return { client, server };
}

/** A ready client/server pair with random keys. */
async function readyPair(
  extra: { client?: Partial<CurveMechanismOptions>; server?: Partial<CurveMechanismOptions> } = {},
) {
  const serverPair = await curveKeyPair();
  const clientPair = await curveKeyPair();
  const client = createCurveMechanism({
    ...options(DEALER),
    server: false,
    ...clientPair,
    serverKey: serverPair.publicKey,
    ...extra.client,
  });
  const server = createCurveMechanism({ ...options(ROUTER), server: true, ...serverPair, ...extra.server });
  const log = await handshake(client, server);
  return { client, server, log, clientPair, serverPair };
}

const isProtocol = (pattern: RegExp) => (e: unknown) => e instanceof ProtocolError && pattern.test(e.message);
const isAuth = (status: number) => (e: unknown) => e instanceof AuthError && e.status === status;

Deno.test("CURVE - the deterministic transcript is reproduced byte for byte, in both roles", async () => {
  const { client, server } = transcriptPair();
  await Promise.all([client.prepare(), server.prepare()]);
  assert.equal(client.name, "CURVE");
  assert.equal(client.asServer, false);
  assert.equal(server.asServer, true);

  const hello = client.nextCommand()!;
  assert.deepEqual(splitFrame(V.hello_frame), { flags: 0x04, body: hello });
  assert.equal(hello.length, 200);
  assert.equal(client.nextCommand(), null);
  assert.equal(server.nextCommand(), null, "the server speaks second");
  await server.processCommand(hello);

  const welcome = server.nextCommand()!;
  assert.deepEqual(splitFrame(V.welcome_frame), { flags: 0x04, body: welcome });
  assert.equal(server.nextCommand(), null);
  await client.processCommand(welcome);

  const initiate = client.nextCommand()!;
  assert.deepEqual(splitFrame(V.initiate_frame), { flags: 0x04, body: initiate }, "a long command frame (06)");
  assert.equal(V.initiate_frame[0], 0x06);
  await server.processCommand(initiate);
  assert.equal(server.status, "handshaking");

  const ready = server.nextCommand()!;
  assert.deepEqual(splitFrame(V.ready_frame), { flags: 0x04, body: ready });
  assert.equal(server.status, "ready");
  await client.processCommand(ready);
  assert.equal(client.status, "ready");
  assert.equal(client.nextCommand(), null);
  assert.equal(server.nextCommand(), null);

  assert.equal(text(server.peerProperties.get("Socket-Type")), "DEALER");
  assert.equal(text(client.peerProperties.get("Socket-Type")), "ROUTER");
  assert.deepEqual(server.peerPublicKey, V.client_permanent_public);
  assert.deepEqual(client.peerPublicKey, V.server_permanent_public);

  const hello5 = client.encode(utf8("Hello"), 0);
  assert.deepEqual(splitFrame(V.client_message_Hello_nonce3_frame), { flags: 0x00, body: hello5 }, "outer flags 00");
  const world = server.encode(utf8("World"), 0);
  assert.deepEqual(splitFrame(V.server_message_World_nonce2_frame), { flags: 0x00, body: world });

  const got: string[] = [];
  server.decode(hello5, (body, flags) => got.push(`${text(body)}/${flags}`));
  client.decode(world, (body, flags) => got.push(`${text(body)}/${flags}`));
  assert.deepEqual(got, ["Hello/0", "World/0"]);
});

Deno.test("CURVE - the transcript's boxes open to what the spec says (intermediate values)", async () => {
  const crypto = await loadCrypto();
  const hello = splitFrame(V.hello_frame).body;
  const welcome = splitFrame(V.welcome_frame).body;
  const initiate = splitFrame(V.initiate_frame).body;
  const ascii = (s: string) => utf8(s);
  const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
  const short = (prefix: string, nonce: Uint8Array) => cat(ascii(prefix), nonce);

  // The fixed inputs are the ones mechanisms.md 3.5 lists.
  assert.deepEqual(V.client_transient_secret, range(0x01, 32));
  assert.deepEqual(V.server_transient_secret, range(0x21, 32));
  assert.deepEqual(V.welcome_nonce16, range(0xa0, 16));
  assert.deepEqual(V.cookie_nonce16, range(0xb0, 16));
  assert.deepEqual(V.cookie_key, range(0xc0, 32));
  assert.deepEqual(V.vouch_nonce16, range(0xe0, 16));
  assert.deepEqual(crypto.publicKey(V.client_transient_secret), V.client_transient_public);
  assert.deepEqual(crypto.publicKey(V.server_transient_secret), V.server_transient_public);
  assert.deepEqual(crypto.publicKey(V.server_permanent_secret), V.server_permanent_public);
  assert.deepEqual(crypto.beforenm(V.server_transient_public, V.client_transient_secret), V.precomputed_shared_key);
  assert.deepEqual(crypto.beforenm(V.client_transient_public, V.server_transient_secret), V.precomputed_shared_key);

  // HELLO: 72 zero bytes of padding, and a box of 64 zeros from C' to S.
  assert.deepEqual(hello.subarray(8, 80), new Uint8Array(72));
  const signature = crypto.boxOpen(
    hello.subarray(120),
    short("CurveZMQHELLO---", hello.subarray(112, 120)),
    V.client_transient_public,
    V.server_permanent_secret,
  );
  assert.deepEqual(signature, new Uint8Array(64));
  // WELCOME opens to S' + cookie; the cookie is a secretbox of C' + s' under K.
  const welcomePlain = crypto.boxOpen(
    welcome.subarray(24),
    cat(ascii("WELCOME-"), V.welcome_nonce16),
    V.server_permanent_public,
    V.client_transient_secret,
  )!;
  assert.deepEqual(welcomePlain, cat(V.server_transient_public, V.cookie));
  assert.deepEqual(
    crypto.secretboxOpen(V.cookie.subarray(16), cat(ascii("COOKIE--"), V.cookie_nonce16), V.cookie_key),
    cat(V.client_transient_public, V.server_transient_secret),
  );
  // INITIATE: the cookie verbatim, then C + vouch nonce + vouch + metadata; the vouch opens to C' + S.
  assert.deepEqual(initiate.subarray(9, 105), V.cookie);
  const initiatePlain = crypto.boxOpenAfter(
    initiate.subarray(113),
    short("CurveZMQINITIATE", initiate.subarray(105, 113)),
    V.precomputed_shared_key,
  )!;
  assert.deepEqual(
    initiatePlain,
    cat(V.client_permanent_public, V.vouch_nonce16, V.vouch_box, V.initiate_metadata),
  );
  assert.deepEqual(initiate.subarray(105, 113), Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 2));
  assert.deepEqual(
    crypto.boxOpen(
      V.vouch_box,
      cat(ascii("VOUCH---"), V.vouch_nonce16),
      V.client_permanent_public,
      V.server_transient_secret,
    ),
    cat(V.client_transient_public, V.server_permanent_public),
  );
  assert.deepEqual(V.initiate_metadata, encodeMetadata(DEALER));
  assert.deepEqual(V.ready_metadata, encodeMetadata(ROUTER));
  // MESSAGE: inner flags byte 00 then the payload, with the C/S nonce prefixes.
  const clientMessage = splitFrame(V.client_message_Hello_nonce3_frame).body;
  assert.deepEqual(
    crypto.boxOpenAfter(
      clientMessage.subarray(16),
      short("CurveZMQMESSAGEC", clientMessage.subarray(8, 16)),
      V.precomputed_shared_key,
    ),
    cat(Uint8Array.of(0), utf8("Hello")),
  );
  const serverMessage = splitFrame(V.server_message_World_nonce2_frame).body;
  assert.deepEqual(
    crypto.boxOpenAfter(
      serverMessage.subarray(16),
      short("CurveZMQMESSAGES", serverMessage.subarray(8, 16)),
      V.precomputed_shared_key,
    ),
    cat(Uint8Array.of(0), utf8("World")),
  );
});

Deno.test("CURVE - inner flags: MORE is 0x01, COMMAND is 0x02, and they come back as frame flags", async () => {
  const { client, server } = transcriptPair();
  await handshake(client, server);
  const crypto = await loadCrypto();
  const inner = (body: Uint8Array) =>
    crypto.boxOpenAfter(
      body.subarray(16),
      Uint8Array.from([...utf8("CurveZMQMESSAGEC"), ...body.subarray(8, 16)]),
      V.precomputed_shared_key,
    )!;
  const ping = encodePing(10, utf8("ab"));
  const wires = [
    client.encode(utf8("a"), FLAG_MORE),
    client.encode(utf8("b"), 0),
    client.encode(ping, FLAG_COMMAND),
  ];
  assert.deepEqual([...inner(wires[0])], [0x01, 0x61]);
  assert.deepEqual([...inner(wires[1])], [0x00, 0x62]);
  assert.deepEqual(inner(wires[2]), Uint8Array.from([0x02, ...ping]));
  assert.deepEqual(wires.map((w) => w[15]), [3, 4, 5], "client nonces go on from 3");
  const got: [string, number][] = [];
  for (const wire of wires) server.decode(wire, (body, flags) => got.push([text(body), flags]));
  assert.deepEqual(got, [["a", FLAG_MORE], ["b", 0], [text(ping), FLAG_COMMAND]]);
});

Deno.test("CURVE - random keys: handshake, multipart, PING as a command, a 1 MiB frame, both ways", async () => {
  const { client, server, log, clientPair } = await readyPair();
  assert.deepEqual(log.map((l) => l.from), ["client", "server", "client", "server"]);
  assert.equal(client.status, "ready");
  assert.equal(server.status, "ready");
  assert.equal(encodeZ85(server.peerPublicKey!), clientPair.publicKey);

  const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7) & 0xff);
  for (const [from, to] of [[client, server], [server, client]] as const) {
    const frames: [Uint8Array, number][] = [
      [utf8("first"), FLAG_MORE],
      [new Uint8Array(0), FLAG_MORE],
      [big, 0],
      [encodePing(25, utf8("ctx")), FLAG_COMMAND],
      [utf8("last"), 0],
    ];
    const got: [Uint8Array, number][] = [];
    for (const [body, flags] of frames) {
      const wire = from.encode(body, flags);
      assert.equal(wire.length, 8 + 8 + 16 + 1 + body.length);
      to.decode(wire, (b, f) => got.push([b, f]));
    }
    assert.equal(got.length, frames.length);
    for (let i = 0; i < frames.length; i++) {
      assert.equal(got[i][1], frames[i][1]);
      assert.ok(got[i][0].length === frames[i][0].length && got[i][0].every((x, j) => x === frames[i][0][j]));
    }
  }
});

Deno.test("CURVE - keys may be Z85 strings; the server derives its public key when not given", async () => {
  const { client, server } = await readyPair({ server: { publicKey: undefined } });
  assert.equal(client.status, "ready");
  assert.equal(server.status, "ready");
});

Deno.test("CURVE - a client with the wrong server key fails: the server cannot open HELLO", async () => {
  const other = await curveKeyPair();
  const { client, server } = transcriptPair({ client: { serverKey: other.publicKey } });
  await client.prepare();
  await assert.rejects(
    async () => await server.processCommand(client.nextCommand()!),
    isProtocol(/HELLO does not authenticate/),
  );
  assert.equal(server.status, "error");
  assert.equal(server.nextCommand(), null, "no ERROR for a crypto failure");
  // And a client that expects another server rejects that server's WELCOME.
  const { client: c2 } = transcriptPair({ client: { serverKey: other.publicKey } });
  await c2.prepare();
  c2.nextCommand();
  assert.throws(() => c2.processCommand(splitFrame(V.welcome_frame).body), isProtocol(/WELCOME does not authenticate/));
  assert.equal(c2.status, "error");
});

Deno.test("CURVE - the server asks ZAP with the client's public key; 200 exposes User-Id and metadata", async () => {
  const zap = zapStub({ userId: "alice", metadata: new Map([["X-Role", utf8("admin")]]) });
  const { client, server } = transcriptPair({
    server: { zap, zapDomain: "global", peerAddress: "::1", routingId: utf8("SRV") },
  });
  await handshake(client, server);
  assert.equal(server.status, "ready");
  assert.equal(zap.requests.length, 1);
  const request = zap.requests[0];
  assert.equal(request.mechanism, "CURVE");
  assert.equal(request.domain, "global");
  assert.equal(request.address, "::1");
  assert.deepEqual(request.routingId, utf8("SRV"));
  assert.deepEqual(request.credentials, [V.client_permanent_public]);
  assert.equal(server.userId, "alice");
  assert.equal(text(server.zapProperties.get("X-Role")), "admin");
});

Deno.test("CURVE - without a ZAP handler the server accepts any client key (libzmq)", async () => {
  for (const zap of [undefined, zapStub(null)]) {
    const { client, server } = await readyPair({ server: { zap } });
    assert.equal(client.status, "ready");
    assert.equal(server.status, "ready");
    assert.equal(server.userId, "");
  }
});

Deno.test("CURVE - a client key the ZAP handler refuses gets ERROR 400; 300 closes silently", async () => {
  const allowed = await curveKeyPair();
  const policy = new ZapPolicy({ curve: [allowed.publicKey] });
  const zap = (request: Parameters<ZapPolicy["decide"]>[0]) => Promise.resolve(policy.decide(request));
  const { client, server } = transcriptPair({ server: { zap } });
  await Promise.all([client.prepare(), server.prepare()]);
  await server.processCommand(client.nextCommand()!);
  await client.processCommand(server.nextCommand()!);
  await assert.rejects(async () => await server.processCommand(client.nextCommand()!), isAuth(400));
  assert.equal(server.status, "error");
  const error = server.nextCommand()!;
  assert.deepEqual([...error], [5, 0x45, 0x52, 0x52, 0x4f, 0x52, 3, 0x34, 0x30, 0x30]);
  assert.equal(server.nextCommand(), null, "no READY after a refusal");
  assert.throws(() => client.processCommand(error), isAuth(400));
  assert.equal(client.status, "error");

  const { client: c3, server: s3 } = transcriptPair({ server: { zap: zapStub({ status: 300 }) } });
  await Promise.all([c3.prepare(), s3.prepare()]);
  await s3.processCommand(c3.nextCommand()!);
  await c3.processCommand(s3.nextCommand()!);
  await assert.rejects(async () => await s3.processCommand(c3.nextCommand()!), isAuth(300));
  assert.equal(s3.nextCommand(), null);
});

Deno.test("CURVE - tampered MESSAGEs are rejected without consuming the nonce", async () => {
  const { client, server } = await readyPair();
  const wire = client.encode(utf8("payload"), 0);
  for (const at of [0, 8, 15, 16, 20, wire.length - 1]) {
    const bad = wire.slice();
    bad[at] ^= 0x01;
    assert.throws(() => server.decode(bad, () => assert.fail("must not deliver")), ProtocolError, `byte ${at}`);
  }
  const got: string[] = [];
  server.decode(wire, (body) => got.push(text(body)));
  assert.deepEqual(got, ["payload"]);
});

Deno.test("CURVE - replayed or reordered nonces are protocol errors; gaps are allowed", async () => {
  const { client, server } = await readyPair();
  const first = client.encode(utf8("1"), 0);
  const second = client.encode(utf8("2"), 0);
  const third = client.encode(utf8("3"), 0);
  server.decode(second, () => {});
  assert.throws(() => server.decode(second, () => {}), isProtocol(/replayed or reordered/));
  assert.throws(() => server.decode(first, () => {}), isProtocol(/nonce 3 is not greater than the last one \(4\)/));
  server.decode(third, () => {});
  // A MESSAGE echoed back to its sender does not open either (other prefix and direction).
  const echo = server.encode(utf8("x"), 0);
  assert.throws(() => server.decode(echo, () => {}), ProtocolError);
  // The handshake's nonces seed "last seen": the server's READY used 1, so a MESSAGE with nonce 1 is a replay.
  const { client: c, server: s } = transcriptPair();
  await handshake(c, s);
  const forged = splitFrame(V.server_message_World_nonce2_frame).body.slice();
  forged[15] = 1;
  assert.throws(() => c.decode(forged, () => {}), isProtocol(/not greater/));
});

Deno.test("CURVE - truncated or oversized handshake commands are protocol errors", async () => {
  const hello = splitFrame(V.hello_frame).body;
  const welcome = splitFrame(V.welcome_frame).body;
  const initiate = splitFrame(V.initiate_frame).body;
  const ready = splitFrame(V.ready_frame).body;

  for (const bad of [hello.subarray(0, 199), Uint8Array.from([...hello, 0]), hello.subarray(0, 6)]) {
    const { server } = transcriptPair();
    await assert.rejects(async () => await server.processCommand(bad), isProtocol(/Malformed CURVE HELLO/));
  }
  for (const bad of [welcome.subarray(0, 167), Uint8Array.from([...welcome, 0])]) {
    const { client } = transcriptPair();
    await client.prepare();
    client.nextCommand();
    assert.throws(() => client.processCommand(bad), isProtocol(/Malformed CURVE WELCOME/));
  }
  {
    const { client, server } = transcriptPair();
    await Promise.all([client.prepare(), server.prepare()]);
    await server.processCommand(client.nextCommand()!);
    server.nextCommand();
    const short = Uint8Array.from([...initiate.subarray(0, 113), ...new Uint8Array(143)]);
    assert.equal(short.length, 256);
    assert.throws(() => server.processCommand(short), isProtocol(/Malformed CURVE INITIATE/));
  }
  {
    const { client, server } = transcriptPair();
    await Promise.all([client.prepare(), server.prepare()]);
    await server.processCommand(client.nextCommand()!);
    await client.processCommand(server.nextCommand()!);
    client.nextCommand();
    assert.throws(() => client.processCommand(ready.subarray(0, 29)), isProtocol(/Malformed CURVE READY/));
  }
  {
    const { client, server } = await readyPair();
    const wire = client.encode(new Uint8Array(0), 0);
    assert.equal(wire.length, 33);
    assert.throws(() => server.decode(wire.subarray(0, 32), () => {}), isProtocol(/Malformed CURVE MESSAGE/));
    assert.throws(() => server.decode(encodeReady(DEALER), () => {}), isProtocol(/Expected a CURVE MESSAGE/));
  }
});

Deno.test("CURVE - a HELLO with another version is rejected", async () => {
  for (const [major, minor] of [[2, 0], [1, 1], [0, 0]]) {
    const bad = splitFrame(V.hello_frame).body.slice();
    bad[6] = major;
    bad[7] = minor;
    const { server } = transcriptPair();
    await assert.rejects(async () => await server.processCommand(bad), isProtocol(/version/));
  }
});

Deno.test("CURVE - INITIATE with a foreign cookie, a bad box or a vouch from another key is rejected", async () => {
  const initiate = splitFrame(V.initiate_frame).body;
  const atWelcome = async (extra: Parameters<typeof transcriptPair>[0] = {}) => {
    const pair = transcriptPair(extra);
    await Promise.all([pair.client.prepare(), pair.server.prepare()]);
    await pair.server.processCommand(pair.client.nextCommand()!);
    await pair.client.processCommand(pair.server.nextCommand()!);
    return pair;
  };
  {
    const { server } = await atWelcome();
    const bad = initiate.slice();
    bad[40] ^= 1; // inside the cookie
    assert.throws(() => server.processCommand(bad), isProtocol(/cookie/));
  }
  {
    const { server } = await atWelcome();
    const bad = initiate.slice();
    bad[200] ^= 1; // inside the INITIATE box
    assert.throws(() => server.processCommand(bad), isProtocol(/INITIATE does not authenticate/));
  }
  {
    // The client claims a public key that is not its own: the vouch does not open with it.
    const other = await curveKeyPair();
    const { client, server } = await atWelcome({ client: { publicKey: other.publicKey } });
    assert.throws(() => server.processCommand(client.nextCommand()!), isProtocol(/vouch/));
  }
});

Deno.test("CURVE - commands out of order are protocol errors", async () => {
  const { client, server } = transcriptPair();
  await Promise.all([client.prepare(), server.prepare()]);
  assert.throws(() => server.processCommand(splitFrame(V.initiate_frame).body), isProtocol(/expects HELLO/));
  assert.throws(() => client.processCommand(splitFrame(V.welcome_frame).body), isProtocol(/expects none/));
  const { client: c2 } = transcriptPair();
  await c2.prepare();
  c2.nextCommand();
  assert.throws(() => c2.processCommand(splitFrame(V.ready_frame).body), isProtocol(/expects WELCOME/));
  const { client: c3, server: s3 } = await readyPair();
  assert.throws(() => c3.processCommand(splitFrame(V.ready_frame).body), ProtocolError);
  assert.throws(() => s3.processCommand(splitFrame(V.hello_frame).body), ProtocolError);
});

Deno.test("CURVE - misuse: bad keys, no server key, traffic before the handshake, bad flags", async () => {
  const pair = await curveKeyPair();
  const base = { ...options(DEALER), server: false };
  assert.throws(() => createCurveMechanism({ ...base, ...pair }), /needs serverKey/);
  assert.throws(() => createCurveMechanism({ ...base, ...pair, serverKey: "short" }), TypeError);
  assert.throws(
    () => createCurveMechanism({ ...base, ...pair, serverKey: new Uint8Array(31) }),
    /serverKey: expected 32 bytes/,
  );
  assert.throws(
    () => createCurveMechanism({ ...base, secretKey: " ".repeat(40), serverKey: pair.publicKey }),
    (e: unknown) => e instanceof TypeError && /secretKey/.test(e.message),
  );
  const client = createCurveMechanism({ ...base, ...pair, serverKey: pair.publicKey });
  assert.throws(() => client.encode(utf8("x"), 0), /before its handshake/);
  assert.throws(() => client.decode(new Uint8Array(40), () => {}), /before its handshake/);
  const { client: ready } = await readyPair();
  assert.throws(() => ready.encode(utf8("x"), 0x02), RangeError, "0x02 is LONG, not COMMAND, in frame flags");
  // A low-order server key cannot box HELLO.
  const weak = createCurveMechanism({ ...base, ...pair, serverKey: new Uint8Array(32) });
  await weak.prepare();
  assert.throws(() => weak.nextCommand(), isProtocol(/not a usable Curve25519 key/));
  assert.equal(weak.status, "error");
  // A random source returning the wrong size is caught.
  const broken = createCurveMechanism({ ...base, ...pair, serverKey: pair.publicKey, random: () => new Uint8Array(3) });
  await broken.prepare();
  assert.throws(() => broken.nextCommand(), TypeError);
});
