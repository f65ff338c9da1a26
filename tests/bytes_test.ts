import assert from "node:assert/strict";
import { ascii, concatBytes, constantTimeEqual, equalBytes, startsWith } from "../src/bytes.ts";

const of = (...bytes: number[]) => Uint8Array.from(bytes);

Deno.test("bytes - ascii() writes one byte per character, as protocol names are spelt", () => {
  assert.deepEqual(ascii("\x07MESSAGE"), of(7, 0x4d, 0x45, 0x53, 0x53, 0x41, 0x47, 0x45));
  assert.deepEqual(ascii(""), of());
  assert.deepEqual(ascii("\xff\x00"), of(0xff, 0));
});

Deno.test("bytes - concatBytes() joins in order into a new array and copes with none or empty parts", () => {
  const a = of(1, 2);
  const joined = concatBytes(a, of(), of(3));
  assert.deepEqual(joined, of(1, 2, 3));
  joined[0] = 9;
  assert.equal(a[0], 1, "a copy, not a view");
  assert.deepEqual(concatBytes(), of());
  const big = new Uint8Array(1 << 20).fill(7);
  assert.equal(concatBytes(big, of(8)).length, (1 << 20) + 1);
});

Deno.test("bytes - startsWith() and equalBytes() compare lengths and every byte", () => {
  assert.equal(startsWith(of(1, 2, 3), of()), true);
  assert.equal(startsWith(of(1, 2, 3), of(1, 2, 3)), true);
  assert.equal(startsWith(of(1, 2, 3), of(1, 3)), false);
  assert.equal(startsWith(of(1, 2), of(1, 2, 3)), false);
  assert.equal(equalBytes(of(), of()), true);
  assert.equal(equalBytes(of(1, 2, 3), of(1, 2, 3)), true);
  assert.equal(equalBytes(of(1, 2, 3), of(1, 2, 4)), false);
  assert.equal(equalBytes(of(1, 2, 3), of(1, 2)), false);
  assert.equal(equalBytes(of(1, 2).subarray(1), of(2)), true, "views compare by content");
});

Deno.test("bytes - constantTimeEqual() is true only for the same length and the same bytes", () => {
  const secret = ascii("secret");
  assert.equal(constantTimeEqual(secret, ascii("secret")), true);
  assert.equal(constantTimeEqual(of(), of()), true);
  // Every single-bit difference, at every position, is caught.
  for (let at = 0; at < secret.length; at++) {
    for (let bit = 0; bit < 8; bit++) {
      const given = secret.slice();
      given[at] ^= 1 << bit;
      assert.equal(constantTimeEqual(secret, given), false, `byte ${at} bit ${bit}`);
    }
  }
  // Other lengths never match, including a repetition of the secret (the loop wraps around it).
  for (const given of [ascii("secre"), ascii("secrets"), ascii("secretsecret"), of(), ascii("s")]) {
    assert.equal(constantTimeEqual(secret, given), false, JSON.stringify(new TextDecoder().decode(given)));
  }
  assert.equal(constantTimeEqual(of(), of(0)), false, "an empty secret matches only empty input");
  assert.equal(constantTimeEqual(of(0), of()), false);
  const key = Uint8Array.from({ length: 32 }, (_, i) => i * 5);
  assert.equal(constantTimeEqual(key, key.slice()), true);
  assert.equal(constantTimeEqual(key, key.subarray(0, 31)), false);
});
