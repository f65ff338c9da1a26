/**
 * CURVE crypto candidates side by side: `@noble/curves` + `@noble/ciphers`
 * (pure JS) against `libsodium-wrappers` (libsodium compiled to Wasm, what
 * libzmq itself links). One group per operation the CURVE mechanism does:
 * X25519 (four per handshake side), `crypto_box_beforenm` (once per
 * connection) and XSalsa20-Poly1305 seal/open (once per message frame).
 * The seal/open groups also run our own `src/mechanisms/crypto.ts`
 * wrapper, to show what it adds, and the last groups time whole CURVE
 * handshakes and MESSAGE round trips through `CurveClient` and `CurveServer`
 * (the groups keep their `CurveMechanism` names, so results stay comparable).
 * Results and the choice are in `bench/CRYPTO.md`.
 *
 * Run: `./node_modules/.bin/deno bench -A bench/crypto_bench.ts`
 *
 * @module
 */

// Inline npm: specifiers, like src/mechanisms/crypto.ts (no import map for URL importers).
// deno-lint-ignore no-import-prefix
import { x25519 } from "npm:@noble/curves@2.4.0/ed25519.js";
// deno-lint-ignore no-import-prefix
import { hsalsa, xsalsa20poly1305 } from "npm:@noble/ciphers@2.4.0/salsa.js";
// deno-lint-ignore no-import-prefix
import sodium from "npm:libsodium-wrappers@0.8.4";
import { loadCrypto } from "../src/mechanisms/crypto.ts";
import { CurveClient } from "../src/mechanisms/curve_client.ts";
import { CurveServer } from "../src/mechanisms/curve_server.ts";

const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

function nobleBeforenm(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const shared = x25519.getSharedSecret(secretKey, publicKey);
  const out = new Uint32Array(8);
  hsalsa(SIGMA, new Uint32Array(shared.buffer, shared.byteOffset, 8), new Uint32Array(4), out);
  return new Uint8Array(out.buffer);
}

const seed = (n: number, fill: number) => new Uint8Array(n).map((_, i) => (i * 31 + fill) & 0xff);
const aliceSecret = seed(32, 1);
const bobSecret = seed(32, 2);
const bobPublic = x25519.getPublicKey(bobSecret);
const key = nobleBeforenm(bobPublic, aliceSecret);
const nonce = seed(24, 3);
const SIZES: [string, number][] = [["16 B", 16], ["1 KiB", 1024], ["64 KiB", 65536], ["1 MiB", 1 << 20]];

Deno.bench("noble x25519", { group: "x25519 scalarmult", baseline: true }, () => {
  x25519.getSharedSecret(aliceSecret, bobPublic);
});
Deno.bench("libsodium crypto_scalarmult", { group: "x25519 scalarmult" }, async (b) => {
  await sodium.ready;
  b.start();
  sodium.crypto_scalarmult(aliceSecret, bobPublic);
  b.end();
});

Deno.bench("noble x25519 + hsalsa", { group: "crypto_box_beforenm", baseline: true }, () => {
  nobleBeforenm(bobPublic, aliceSecret);
});
Deno.bench("libsodium crypto_box_beforenm", { group: "crypto_box_beforenm" }, async (b) => {
  await sodium.ready;
  b.start();
  sodium.crypto_box_beforenm(bobPublic, aliceSecret);
  b.end();
});

for (const [label, size] of SIZES) {
  const plain = seed(size, 4);
  const sealed = xsalsa20poly1305(key, nonce).encrypt(plain);
  const n = size >= 1 << 20 ? 20 : undefined;
  Deno.bench(`noble seal ${label}`, { group: `seal ${label}`, baseline: true, n }, () => {
    xsalsa20poly1305(key, nonce).encrypt(plain);
  });
  Deno.bench(`libsodium seal ${label}`, { group: `seal ${label}`, n }, async (b) => {
    await sodium.ready;
    b.start();
    sodium.crypto_box_easy_afternm(plain, nonce, key);
    b.end();
  });
  Deno.bench(`zmq-ts crypto.ts seal ${label}`, { group: `seal ${label}`, n }, async (b) => {
    const crypto = await loadCrypto();
    b.start();
    crypto.boxAfter(plain, nonce, key);
    b.end();
  });
  Deno.bench(`noble open ${label}`, { group: `open ${label}`, baseline: true, n }, () => {
    xsalsa20poly1305(key, nonce).decrypt(sealed);
  });
  Deno.bench(`libsodium open ${label}`, { group: `open ${label}`, n }, async (b) => {
    await sodium.ready;
    b.start();
    sodium.crypto_box_open_easy_afternm(sealed, nonce, key);
    b.end();
  });
  Deno.bench(`zmq-ts crypto.ts open ${label}`, { group: `open ${label}`, n }, async (b) => {
    const crypto = await loadCrypto();
    b.start();
    crypto.boxOpenAfter(sealed, nonce, key);
    b.end();
  });
}

const base = { peerAddress: "127.0.0.1", routingId: new Uint8Array(0), zapDomain: "" };
const serverSecret = seed(32, 5);
const clientSecret = seed(32, 6);

async function curvePair(): Promise<[CurveClient, CurveServer]> {
  const crypto = await loadCrypto();
  const client = new CurveClient({
    ...base,
    properties: [["Socket-Type", "DEALER"]],
    secretKey: clientSecret,
    publicKey: crypto.publicKey(clientSecret),
    serverKey: crypto.publicKey(serverSecret),
  });
  const server = new CurveServer({
    ...base,
    properties: [["Socket-Type", "ROUTER"]],
    secretKey: serverSecret,
  });
  await Promise.all([client.prepare(), server.prepare()]);
  return [client, server];
}

async function curveHandshake(client: CurveClient, server: CurveServer): Promise<void> {
  await server.processCommand(client.nextCommand()!);
  await client.processCommand(server.nextCommand()!);
  await server.processCommand(client.nextCommand()!);
  await client.processCommand(server.nextCommand()!);
}

Deno.bench("CurveMechanism handshake, both sides", { group: "CURVE handshake" }, async (b) => {
  const [client, server] = await curvePair();
  b.start();
  await curveHandshake(client, server);
  b.end();
});

for (const [label, size] of SIZES.slice(0, 3)) {
  const frame = seed(size, 7);
  Deno.bench(`CurveMechanism encode + decode ${label} ×100`, { group: "CURVE MESSAGE round trip" }, async (b) => {
    const [client, server] = await curvePair();
    await curveHandshake(client, server);
    b.start();
    for (let i = 0; i < 100; i++) server.decode(client.encode(frame, 0), () => {});
    b.end();
  });
}
