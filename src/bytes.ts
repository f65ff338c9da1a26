/**
 * Small helpers for byte arrays: joining, prefix tests, equality, and the
 * one comparison that secrets go through ({@linkcode constantTimeEqual}).
 * Pure, runtime-neutral, and free of imports, so any layer may use them.
 *
 * @example Usage
 * ```ts
 * import { ascii, concatBytes, equalBytes, startsWith } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * const command = concatBytes(ascii("\x05HELLO"), Uint8Array.of(1, 0));
 * assert.ok(startsWith(command, ascii("\x05HELLO")));
 * assert.ok(equalBytes(command.subarray(6), Uint8Array.of(1, 0)));
 * ```
 *
 * @module
 */

/**
 * The bytes of a string of 8-bit characters (each char code taken modulo
 * 256), as protocol names and nonce prefixes are written: `"\x05HELLO"`.
 *
 * @example Usage
 * ```ts
 * import { ascii } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(ascii("\x05READY"), Uint8Array.of(5, 0x52, 0x45, 0x41, 0x44, 0x59));
 * ```
 *
 * @param text Characters with codes 0 to 255.
 * @returns One byte per character.
 */
export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/**
 * Joins byte arrays into one new array.
 *
 * @example Usage
 * ```ts
 * import { concatBytes } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3)), Uint8Array.of(1, 2, 3));
 * ```
 *
 * @param parts The arrays, in order.
 * @returns A new array holding all their bytes.
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Whether `bytes` begins with `prefix`. Not for secrets: it stops at the
 * first difference.
 *
 * @example Usage
 * ```ts
 * import { startsWith } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.equal(startsWith(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2)), true);
 * assert.equal(startsWith(Uint8Array.of(1), Uint8Array.of(1, 2)), false);
 * ```
 *
 * @param bytes The bytes to test.
 * @param prefix The expected first bytes.
 * @returns `true` when the first `prefix.length` bytes are equal.
 */
export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/**
 * Whether two byte arrays hold the same bytes. Not for secrets: it stops
 * at the first difference; use {@linkcode constantTimeEqual} for those.
 *
 * @example Usage
 * ```ts
 * import { equalBytes } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.equal(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true);
 * assert.equal(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1)), false);
 * ```
 *
 * @param a One array.
 * @param b The other.
 * @returns `true` when lengths and bytes are equal.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether `given` equals the secret `expected`, in time that depends only
 * on `given.length`: neither on where the bytes differ nor on the secret's
 * length (it always reads `given.length` bytes of each, wrapping around a
 * shorter secret). Every comparison of a secret (a password, a key, a
 * cookie's contents) goes through this one function.
 *
 * @example Usage
 * ```ts
 * import { constantTimeEqual } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * const secret = new TextEncoder().encode("secret");
 * assert.equal(constantTimeEqual(secret, new TextEncoder().encode("secret")), true);
 * assert.equal(constantTimeEqual(secret, new TextEncoder().encode("secreT")), false);
 * assert.equal(constantTimeEqual(secret, new TextEncoder().encode("secretsecret")), false);
 * ```
 *
 * @param expected The secret, as this side knows it.
 * @param given The bytes to check, as the peer sent them.
 * @returns `true` when lengths and bytes are equal.
 */
export function constantTimeEqual(expected: Uint8Array, given: Uint8Array): boolean {
  let diff = expected.length ^ given.length;
  const wrap = expected.length || 1;
  for (let i = 0; i < given.length; i++) diff |= (expected[i % wrap] ?? 0) ^ given[i];
  return diff === 0;
}
