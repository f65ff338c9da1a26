import assert from "node:assert/strict";
import { decodeBase64, encodeBase64, sha1 } from "../../../src/transports/ws/sha1.ts";
import { hex, pseudoRandomBytes } from "../../_helpers.ts";

Deno.test("sha1 - FIPS 180 examples", () => {
  const enc = new TextEncoder();
  assert.equal(hex(sha1(enc.encode(""))), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  assert.equal(hex(sha1(enc.encode("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert.equal(
    hex(sha1(enc.encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
    "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
  );
  assert.equal(hex(sha1(new Uint8Array(1_000_000).fill(0x61))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
});

Deno.test("sha1 - agrees with WebCrypto at every length around the block boundaries", async () => {
  for (let length = 0; length <= 200; length++) {
    const data = pseudoRandomBytes(length, length + 1);
    const expected = new Uint8Array(await crypto.subtle.digest("SHA-1", data as Uint8Array<ArrayBuffer>));
    assert.deepEqual(sha1(data), expected, `length ${length}`);
  }
});

Deno.test("base64 - round trips and refuses non-canonical text", () => {
  for (let length = 0; length < 40; length++) {
    const data = pseudoRandomBytes(length, 7);
    assert.deepEqual(decodeBase64(encodeBase64(data)), data);
  }
  assert.equal(decodeBase64("AQIDBA="), null); // length not a multiple of 4
  assert.equal(decodeBase64("AQIDBB=="), null); // stray bits in the last character
  assert.equal(decodeBase64("AQ ID BA=="), null);
  assert.equal(decodeBase64("AQ==AQ=="), null);
  assert.deepEqual(decodeBase64(""), new Uint8Array(0));
});
