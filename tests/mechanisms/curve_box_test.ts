import assert from "node:assert/strict";
import { FLAG_COMMAND, FLAG_MORE } from "../../src/codec/codec.ts";
import { ProtocolError } from "../../src/errors.ts";
import { loadCrypto } from "../../src/mechanisms/crypto.ts";
import { CRYPTOGRAPHIC, CurveBox, longNonce, shortNonce, writeNonce } from "../../src/mechanisms/curve_box.ts";
import { loadVectors } from "../_vectors.ts";
import { splitFrame, text, utf8 } from "./_helpers.ts";

const V = Object.fromEntries(loadVectors("curve").map((v) => [v.name, v.bytes]));
const isProtocol = (pattern: RegExp, code?: string) => (e: unknown) =>
  e instanceof ProtocolError && pattern.test(e.message) && (code === undefined || e.code === code);

/** A client and a server box sharing one key, started as after a handshake in which neither took a nonce. */
async function pair(key = V.precomputed_shared_key) {
  const crypto = await loadCrypto();
  const client = new CurveBox("C");
  const server = new CurveBox("S");
  client.start(crypto, key);
  server.start(crypto, key);
  return { client, server };
}

function opened(box: CurveBox, wire: Uint8Array): [string, number][] {
  const got: [string, number][] = [];
  box.open(wire, (body, flags) => got.push([text(body), flags]));
  return got;
}

Deno.test("CURVE box - seals the spec transcript's MESSAGEs byte for byte, nonces going on from the handshake", async () => {
  const crypto = await loadCrypto();
  const client = new CurveBox("C");
  const server = new CurveBox("S");
  // The handshake: the client's HELLO and INITIATE take 1 and 2, the server's READY takes 1.
  assert.deepEqual([client.takeNonce(), client.takeNonce(), server.takeNonce()], [1, 2, 1]);
  server.recordPeerNonce(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 2), 0);
  client.recordPeerNonce(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1), 0);
  client.start(crypto, V.precomputed_shared_key);
  server.start(crypto, V.precomputed_shared_key);
  const hello = client.seal(utf8("Hello"), 0);
  assert.deepEqual(hello, splitFrame(V.client_message_Hello_nonce3_frame).body);
  const world = server.seal(utf8("World"), 0);
  assert.deepEqual(world, splitFrame(V.server_message_World_nonce2_frame).body);
  assert.deepEqual(opened(server, hello), [["Hello", 0]]);
  assert.deepEqual(opened(client, world), [["World", 0]]);
});

Deno.test("CURVE box - nonces must increase: replays and reordering are refused, gaps are allowed", async () => {
  const { client, server } = await pair();
  const wires = [1, 2, 3, 4, 5].map((i) => client.seal(utf8(String(i)), 0));
  assert.deepEqual(wires.map((w) => w[15]), [1, 2, 3, 4, 5], "the counter, big-endian in bytes 8..15");
  assert.deepEqual(opened(server, wires[1]), [["2", 0]]);
  assert.throws(
    () => server.open(wires[1], () => {}),
    isProtocol(/replayed or reordered/, "ERR_ZMTP_INVALID_SEQUENCE"),
  );
  assert.throws(() => server.open(wires[0], () => {}), isProtocol(/nonce 1 is not greater than the last one \(2\)/));
  assert.deepEqual(opened(server, wires[4]), [["5", 0]], "a gap");
  assert.throws(() => server.open(wires[3], () => {}), isProtocol(/nonce 4 is not greater than the last one \(5\)/));
  // A nonce seeded by the handshake counts as used.
  const { client: c2, server: s2 } = await pair();
  s2.recordPeerNonce(Uint8Array.of(0xff, 0, 0, 0, 0, 0, 0, 0, 0, 2), 2);
  const first = c2.seal(utf8("a"), 0);
  const second = c2.seal(utf8("b"), 0);
  assert.throws(() => s2.open(first, () => {}), isProtocol(/nonce 1 is not greater than the last one \(2\)/));
  assert.throws(() => s2.open(second, () => {}), isProtocol(/nonce 2 is not greater/));
  assert.deepEqual(opened(s2, c2.seal(utf8("c"), 0)), [["c", 0]]);
});

Deno.test("CURVE box - the high 32 bits of the nonce count: 2^32 is greater than any 32-bit nonce", async () => {
  const { client, server } = await pair();
  server.recordPeerNonce(Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0), 0);
  const wire = client.seal(utf8("x"), 0);
  assert.throws(
    () => server.open(wire, () => {}),
    isProtocol(/nonce 1 is not greater than the last one \(4294967296\)/),
  );
  // A forged MESSAGE with a greater 64-bit nonce passes the order check but not the box.
  const forged = wire.slice();
  forged.set([0, 0, 0, 2, 0, 0, 0, 0], 8);
  assert.throws(() => server.open(forged, () => {}), isProtocol(/does not authenticate/, CRYPTOGRAPHIC));
});

Deno.test("CURVE box - a tampered or foreign MESSAGE is refused and does not use up its nonce", async () => {
  const { client, server } = await pair();
  const wire = client.seal(utf8("payload"), FLAG_MORE);
  for (const at of [8, 15, 16, 31, wire.length - 1]) {
    const bad = wire.slice();
    bad[at] ^= 0x80;
    assert.throws(() => server.open(bad, () => assert.fail("must not deliver")), ProtocolError, `byte ${at}`);
  }
  // Our own MESSAGE does not open at our side (the nonce prefix names the sender), nor under another key.
  assert.throws(() => client.open(wire, () => {}), isProtocol(/does not authenticate/, CRYPTOGRAPHIC));
  const { server: stranger } = await pair(new Uint8Array(32).fill(3));
  assert.throws(() => stranger.open(wire, () => {}), isProtocol(/does not authenticate/));
  assert.deepEqual(opened(server, wire), [["payload", FLAG_MORE]], "the genuine one still opens");
});

Deno.test("CURVE box - inner flags carry MORE and COMMAND; other flags are a RangeError", async () => {
  const { client, server } = await pair();
  const crypto = await loadCrypto();
  const inner = (wire: Uint8Array) =>
    crypto.boxOpenAfter(
      wire.subarray(16),
      shortNonce("CurveZMQMESSAGEC", wire.subarray(8, 16)),
      V.precomputed_shared_key,
    )!;
  const cases: [number, number][] = [[0, 0], [FLAG_MORE, 0x01], [FLAG_COMMAND, 0x02], [FLAG_MORE | FLAG_COMMAND, 0x03]];
  for (const [flags, innerFlags] of cases) {
    const wire = client.seal(utf8("f"), flags);
    assert.equal(inner(wire)[0], innerFlags);
    assert.deepEqual(opened(server, wire), [["f", flags]]);
  }
  for (const flags of [0x02, 0x08, 0x80, 0x100]) assert.throws(() => client.seal(utf8("x"), flags), RangeError);
});

Deno.test("CURVE box - empty and large frames: the MESSAGE is 33 bytes plus the body", async () => {
  const { client, server } = await pair();
  for (const size of [0, 1, 255, 256, 65536, 1 << 20, (1 << 24) + 3]) {
    const body = Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff);
    const wire = client.seal(body, 0);
    assert.equal(wire.length, 33 + size, `size ${size}`);
    let got: Uint8Array | undefined;
    server.open(wire, (b) => (got = b));
    assert.equal(got!.length, size);
    assert.ok(got!.every((x, i) => x === body[i]), `size ${size} round trip`);
  }
});

Deno.test("CURVE box - results are new arrays: later frames never overwrite earlier ones", async () => {
  const { client, server } = await pair();
  const first = client.seal(utf8("first"), 0);
  const copy = first.slice();
  client.seal(utf8("second"), 0);
  assert.deepEqual(first, copy, "the reused nonce buffer does not leak into a returned MESSAGE");
  const bodies: Uint8Array[] = [];
  server.open(first, (b) => bodies.push(b));
  server.open(client.seal(utf8("third"), 0), (b) => bodies.push(b));
  assert.deepEqual(bodies.map(text), ["first", "third"]);
});

Deno.test("CURVE box - malformed input and use before start() are errors, not crashes", async () => {
  const idle = new CurveBox("C");
  assert.throws(() => idle.seal(utf8("x"), 0), /cannot encrypt traffic before its handshake is complete/);
  assert.throws(() => idle.open(new Uint8Array(40), () => {}), /cannot decrypt traffic before its handshake/);
  const { client, server } = await pair();
  const wire = client.seal(new Uint8Array(0), 0);
  assert.throws(() => server.open(wire.subarray(0, 32), () => {}), isProtocol(/Malformed CURVE MESSAGE: 32 bytes/));
  assert.throws(() => server.open(wire.subarray(0, 8), () => {}), isProtocol(/Malformed CURVE MESSAGE/));
  assert.throws(() => server.open(new Uint8Array(0), () => {}), isProtocol(/Expected a CURVE MESSAGE/));
  assert.throws(() => server.open(utf8("\x05READY").slice(), () => {}), isProtocol(/Expected a CURVE MESSAGE/));
  assert.deepEqual(opened(server, wire), [["", 0]]);
});

Deno.test("CURVE box - nonce helpers: prefixes, big-endian counters, long nonces", () => {
  assert.deepEqual(
    shortNonce("CurveZMQREADY---", 1),
    Uint8Array.from([...utf8("CurveZMQREADY---"), 0, 0, 0, 0, 0, 0, 0, 1]),
  );
  const wire = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  assert.deepEqual(shortNonce("CurveZMQHELLO---", wire).subarray(16), wire);
  const out = new Uint8Array(10);
  writeNonce(out, 1, Number.MAX_SAFE_INTEGER);
  assert.deepEqual([...out], [0, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]);
  writeNonce(out, 1, 0x0102030405);
  assert.deepEqual([...out.subarray(1, 9)], [0, 0, 0, 1, 2, 3, 4, 5]);
  const long = longNonce("COOKIE--", Uint8Array.from({ length: 20 }, (_, i) => i));
  assert.equal(text(long.subarray(0, 8)), "COOKIE--");
  assert.deepEqual([...long.subarray(8)], [...Array(16).keys()], "the first 16 bytes only");
});
