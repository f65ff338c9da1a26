import assert from "node:assert/strict";
import { decodeZ85, encodeZ85, z85, Z85_ALPHABET } from "../src/z85.ts";
import { prng } from "./_vectors.ts";

interface Z85Vectors {
  valid: { name: string; hex: string; z85: string; encodeOnly?: boolean }[];
  invalid: { text: string; why: string }[];
}

const vectors: Z85Vectors = JSON.parse(Deno.readTextFileSync(new URL("./vectors/z85.json", import.meta.url)));
const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));

Deno.test("z85 - every spec vector encodes and decodes byte for byte", () => {
  assert.ok(vectors.valid.length >= 6);
  for (const v of vectors.valid) {
    assert.equal(encodeZ85(fromHex(v.hex)), v.z85, v.name);
    if (!v.encodeOnly) assert.deepEqual(decodeZ85(v.z85), fromHex(v.hex), v.name);
  }
});

Deno.test("z85 - libzmq's invalid inputs are RangeErrors that say what is wrong", () => {
  const expected: Record<string, RegExp> = {
    "%nSc1": /worth more than 0xFFFFFFFF/,
    "#####": /worth more than 0xFFFFFFFF/,
    "Hell": /positive multiple of 5/,
    "": /positive multiple of 5/,
    "Hello Worl": /character " " at index 5 is not in the Z85 alphabet/,
  };
  assert.equal(vectors.invalid.length, Object.keys(expected).length);
  for (const { text } of vectors.invalid) {
    assert.throws(() => decodeZ85(text), (e: unknown) => e instanceof RangeError && expected[text].test(e.message));
  }
});

Deno.test("z85 - encode rejects lengths that are not a multiple of 4 and tells the caller to pad", () => {
  for (const n of [1, 2, 3, 5, 31]) {
    assert.throws(() => encodeZ85(new Uint8Array(n)), /pad the data to a multiple of 4/);
  }
});

Deno.test("z85 - wrong argument types are TypeErrors", () => {
  assert.throws(() => encodeZ85("abcd" as unknown as Uint8Array), TypeError);
  assert.throws(() => encodeZ85([1, 2, 3, 4] as unknown as Uint8Array), TypeError);
  assert.throws(() => decodeZ85(new Uint8Array(5) as unknown as string), TypeError);
  assert.throws(() => decodeZ85(null as unknown as string), TypeError);
});

Deno.test("z85 - characters outside ASCII and the alphabet are rejected", () => {
  for (const bad of ['"', "'", ",", ";", "\\", "_", "`", "|", "~", "\u00e9", "\u{1f600}".slice(0, 1), "\0"]) {
    assert.throws(() => decodeZ85(`0000${bad}`), RangeError, JSON.stringify(bad));
  }
});

Deno.test("z85 - the alphabet has 85 distinct characters and the largest group decodes", () => {
  assert.equal(new Set(Z85_ALPHABET).size, 85);
  assert.deepEqual([...decodeZ85("%nSc0")], [255, 255, 255, 255]);
  // Every single digit at every position round-trips.
  for (let i = 0; i < 85; i++) {
    const text = `${Z85_ALPHABET[i]}0000`;
    if (i <= 82) assert.equal(encodeZ85(decodeZ85(text)), text);
  }
});

Deno.test("z85 - random data round-trips (seeded)", () => {
  const random = prng(85);
  for (let round = 0; round < 200; round++) {
    const bytes = Uint8Array.from({ length: 4 * Math.floor(random() * 20) }, () => Math.floor(random() * 256));
    const text = encodeZ85(bytes);
    assert.equal(text.length, (bytes.length / 4) * 5);
    if (bytes.length > 0) assert.deepEqual(decodeZ85(text), bytes);
  }
});

Deno.test("z85 - the z85 object exposes the same functions and is frozen", () => {
  assert.equal(z85.encode, encodeZ85);
  assert.equal(z85.decode, decodeZ85);
  assert.ok(Object.isFrozen(z85));
});
