import assert from "node:assert/strict";
import { curveKeyBytes, curveKeyPair, curveKeyZ85, curvePublicKey } from "../../src/mechanisms/curve_keys.ts";
import { loadCrypto, loadedCrypto, randomBytes } from "../../src/mechanisms/crypto.ts";
import { decodeZ85 } from "../../src/z85.ts";
import { fromHex } from "./_helpers.ts";

// The key pairs of libzmq's zmq_curve(7) manual page.
const CLIENT = {
  publicKey: "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID",
  secretKey: "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs",
};
const SERVER = {
  publicKey: "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7",
  secretKey: "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6",
};

Deno.test("curve keys - curvePublicKey derives libzmq's manual-page public keys", async () => {
  assert.equal(await curvePublicKey(CLIENT.secretKey), CLIENT.publicKey);
  assert.equal(await curvePublicKey(decodeZ85(SERVER.secretKey)), SERVER.publicKey);
  assert.throws(() => curvePublicKey("nope"), TypeError);
});

Deno.test("curve keys - curveKeyPair gives fresh, consistent Z85 pairs", async () => {
  const a = await curveKeyPair();
  const b = await curveKeyPair();
  assert.match(a.publicKey, /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/);
  assert.notEqual(a.secretKey, b.secretKey);
  assert.equal(await curvePublicKey(a.secretKey), a.publicKey);
});

Deno.test("curve keys - normalisation accepts Z85 or 32 bytes and names the option in TypeErrors", () => {
  const bytes = fromHex("54fcba24e93249969316fb617c872bb0c1d1ff14800427c594cbfacf1bc2d652");
  assert.deepEqual(curveKeyBytes(SERVER.publicKey), bytes);
  const copy = curveKeyBytes(bytes);
  assert.deepEqual(copy, bytes);
  assert.notEqual(copy, bytes, "a copy, so later changes to the caller's array do not leak in");
  assert.equal(curveKeyZ85(bytes), SERVER.publicKey);
  assert.equal(curveKeyZ85(SERVER.publicKey), SERVER.publicKey);
  const cases: [unknown, RegExp][] = [
    [SERVER.publicKey.slice(0, 39), /serverKey: expected 40 characters of Z85 text, got 39/],
    [`${SERVER.publicKey} `, /expected 40 characters/],
    [" ".repeat(40), /serverKey: .*not in the Z85 alphabet/],
    ["%nSc1".repeat(8), /serverKey: .*0xFFFFFFFF/],
    [new Uint8Array(33), /serverKey: expected 32 bytes, got 33/],
    [new Uint8Array(0), /expected 32 bytes/],
    [null, /got null/],
    [42, /got number/],
    [Array.from(bytes), /expected a 40-character Z85 string or a 32-byte Uint8Array/],
  ];
  for (const [key, pattern] of cases) {
    assert.throws(
      () => curveKeyBytes(key as string, "serverKey"),
      (e: unknown) => e instanceof TypeError && pattern.test(e.message),
      String(key),
    );
  }
});

Deno.test("crypto - the library loads once, lazily, and boxes round-trip", async () => {
  const crypto = await loadCrypto();
  assert.equal(await loadCrypto(), crypto);
  assert.equal(loadedCrypto(), crypto);
  assert.match(crypto.library, /^libsodium 1\.\d+\.\d+/);
  const a = randomBytes(32);
  const b = randomBytes(32);
  const [A, B] = [crypto.publicKey(a), crypto.publicKey(b)];
  const nonce = randomBytes(24);
  const sealed = crypto.box(Uint8Array.of(1, 2, 3), nonce, B, a)!;
  assert.equal(sealed.length, 16 + 3);
  assert.deepEqual(crypto.boxOpen(sealed, nonce, A, b), Uint8Array.of(1, 2, 3));
  assert.equal(crypto.boxOpen(sealed, nonce, B, b), null, "wrong sender key");
  const shared = crypto.beforenm(B, a)!;
  assert.deepEqual(crypto.beforenm(A, b), shared);
  assert.deepEqual(crypto.boxAfter(Uint8Array.of(1, 2, 3), nonce, shared), sealed, "afternm = the same bytes");
  const tampered = sealed.slice();
  tampered[0] ^= 1;
  assert.equal(crypto.boxOpenAfter(tampered, nonce, shared), null);
  assert.equal(crypto.boxOpenAfter(new Uint8Array(5), nonce, shared), null, "shorter than a tag");
  assert.equal(crypto.beforenm(new Uint8Array(32), a), null, "a low-order point");
  assert.equal(crypto.box(Uint8Array.of(1), nonce, new Uint8Array(32), a), null);
  assert.equal(crypto.secretboxOpen(crypto.secretbox(Uint8Array.of(9), nonce, shared), randomBytes(24), shared), null);
});
