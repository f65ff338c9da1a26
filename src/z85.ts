/**
 * Z85 (ZeroMQ RFC 32): the base-85 text form of binary data that ZeroMQ
 * uses for CURVE keys. Every 4 bytes (a big-endian uint32) become 5
 * characters, most significant digit first. There is no padding scheme:
 * the byte length must be a multiple of 4 and the text length a multiple
 * of 5. A 32-byte CURVE key is 40 characters.
 *
 * The decoder is as strict as libzmq's `zmq_z85_decode`: it rejects empty
 * text, characters outside the alphabet and groups worth more than
 * `0xFFFFFFFF`.
 *
 * @example Usage
 * ```ts
 * import { z85 } from "./z85.ts";
 * import assert from "node:assert/strict";
 * const bytes = new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
 * assert.equal(z85.encode(bytes), "HelloWorld");
 * assert.deepEqual(z85.decode("HelloWorld"), bytes);
 * ```
 *
 * @module
 */

/**
 * The 85 characters of Z85, in digit order.
 *
 * @example Usage
 * ```ts
 * import { Z85_ALPHABET } from "./z85.ts";
 * import assert from "node:assert/strict";
 * assert.equal(Z85_ALPHABET.length, 85);
 * assert.equal(Z85_ALPHABET[84], "#");
 * ```
 */
export const Z85_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

const DECODE_TABLE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < Z85_ALPHABET.length; i++) table[Z85_ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/**
 * Encodes bytes as Z85 text. The length must be a multiple of 4 (pad the
 * data yourself if it is not; Z85 has no padding of its own). Zero bytes
 * give `""`.
 *
 * @example Usage
 * ```ts
 * import { encodeZ85 } from "./z85.ts";
 * import assert from "node:assert/strict";
 * assert.equal(encodeZ85(new Uint8Array([0xff, 0xff, 0xff, 0xff])), "%nSc0");
 * assert.throws(() => encodeZ85(new Uint8Array(5)), RangeError);
 * ```
 *
 * @param bytes The data; its length must be a multiple of 4.
 * @returns The Z85 text, 5 characters per 4 bytes.
 */
export function encodeZ85(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`Cannot Z85-encode ${describe(bytes)}: pass a Uint8Array`);
  }
  if (bytes.length % 4 !== 0) {
    throw new RangeError(
      `Cannot Z85-encode ${bytes.length} bytes: Z85 encodes whole 4-byte groups, so pad the data to a multiple of 4`,
    );
  }
  let text = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let value = ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
    const d4 = value % 85;
    value = (value - d4) / 85;
    const d3 = value % 85;
    value = (value - d3) / 85;
    const d2 = value % 85;
    value = (value - d2) / 85;
    const d1 = value % 85;
    const d0 = (value - d1) / 85;
    text += Z85_ALPHABET[d0] + Z85_ALPHABET[d1] + Z85_ALPHABET[d2] + Z85_ALPHABET[d3] + Z85_ALPHABET[d4];
  }
  return text;
}

/**
 * Decodes Z85 text into bytes, with libzmq's rules: the length must be a
 * positive multiple of 5, every character must be in the Z85 alphabet and
 * no 5-character group may exceed `0xFFFFFFFF`.
 *
 * @example Usage
 * ```ts
 * import { decodeZ85 } from "./z85.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...decodeZ85("009c61o!#m")], [0, 1, 2, 3, 4, 5, 6, 7]);
 * assert.throws(() => decodeZ85("%nSc1"), RangeError);
 * ```
 *
 * @param text Z85 text; its length must be a positive multiple of 5.
 * @returns The decoded bytes, 4 per 5 characters.
 */
export function decodeZ85(text: string): Uint8Array {
  if (typeof text !== "string") {
    throw new TypeError(`Cannot Z85-decode ${describe(text)}: pass a string`);
  }
  if (text.length === 0 || text.length % 5 !== 0) {
    throw new RangeError(
      `Cannot Z85-decode ${text.length} characters: Z85 text is a positive multiple of 5 characters long ` +
        `(a CURVE key is 40); check that the text was not cut or padded`,
    );
  }
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let j = i; j < i + 5; j++) {
      const code = text.charCodeAt(j);
      const digit = code < 128 ? DECODE_TABLE[code] : -1;
      if (digit < 0) {
        throw new RangeError(
          `Cannot Z85-decode: character ${JSON.stringify(text[j])} at index ${j} is not in the Z85 alphabet`,
        );
      }
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) {
      throw new RangeError(
        `Cannot Z85-decode: group ${JSON.stringify(text.slice(i, i + 5))} at index ${i} is worth more than ` +
          `0xFFFFFFFF, so it is not the Z85 form of any 4 bytes`,
      );
    }
    out[o] = value >>> 24;
    out[o + 1] = (value >>> 16) & 0xff;
    out[o + 2] = (value >>> 8) & 0xff;
    out[o + 3] = value & 0xff;
  }
  return out;
}

/**
 * Z85 as one object, like `base64`-style codecs elsewhere:
 * {@linkcode encodeZ85} and {@linkcode decodeZ85}.
 *
 * @example Usage
 * ```ts
 * import { z85 } from "./z85.ts";
 * import assert from "node:assert/strict";
 * const key = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";
 * assert.equal(z85.decode(key).length, 32);
 * assert.equal(z85.encode(z85.decode(key)), key);
 * ```
 */
export const z85: {
  /** See {@linkcode encodeZ85}. */
  readonly encode: (bytes: Uint8Array) => string;
  /** See {@linkcode decodeZ85}. */
  readonly decode: (text: string) => Uint8Array;
} = Object.freeze({ encode: encodeZ85, decode: decodeZ85 });

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `a ${value.constructor?.name ?? "object"}`;
  return `a ${typeof value}`;
}
