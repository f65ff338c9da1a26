/**
 * SHA-1 and base64, synchronous and small: all the WebSocket opening
 * handshake needs (`Sec-WebSocket-Accept` is base64 of a SHA-1). WebCrypto's
 * `crypto.subtle.digest` would do too, but it is asynchronous and, in
 * browsers, only present in secure contexts; this keeps the handshake a
 * plain function of its input on every runtime. SHA-1 is not used for any
 * security purpose here (RFC 6455 §1.3 uses it only to prove that the server
 * read the request).
 *
 * @module
 */

/**
 * The SHA-1 digest (20 bytes) of `data` (FIPS 180-4).
 *
 * @example Usage
 * ```ts
 * import { sha1 } from "./sha1.ts";
 * import assert from "node:assert/strict";
 * const digest = sha1(new TextEncoder().encode("abc"));
 * assert.equal(Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
 *   "a9993e364706816aba3e25717850c26c9cd0d89d");
 * ```
 */
export function sha1(data: Uint8Array): Uint8Array {
  const length = data.length;
  // Message, 0x80, zero padding, 64-bit big-endian bit length: a multiple of 64 bytes.
  const padded = new Uint8Array(((length + 8) >>> 6) * 64 + 64);
  padded.set(data);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = length * 8;
  view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(padded.length - 4, bits >>> 0);

  let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476, h4 = 0xc3d2e1f0;
  const w = new Int32Array(80);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getInt32(block + i * 4);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  const out = new Uint8Array(20);
  const outView = new DataView(out.buffer);
  [h0, h1, h2, h3, h4].forEach((h, i) => outView.setInt32(i * 4, h));
  return out;
}

/**
 * Standard base64 (with padding) of bytes.
 *
 * @example Usage
 * ```ts
 * import { encodeBase64 } from "./sha1.ts";
 * import assert from "node:assert/strict";
 * assert.equal(encodeBase64(new Uint8Array([1, 2, 3, 4])), "AQIDBA==");
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}

/**
 * Decodes standard base64 (padding required, no whitespace); `null` if the
 * text is not canonical base64.
 *
 * @example Usage
 * ```ts
 * import { decodeBase64 } from "./sha1.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(decodeBase64("AQIDBA=="), new Uint8Array([1, 2, 3, 4]));
 * assert.equal(decodeBase64("not base64!"), null);
 * ```
 */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  // Canonical: re-encoding gives the same text (no stray bits in the last character).
  return encodeBase64(bytes) === text ? bytes : null;
}
