/**
 * CURVE key pairs and key normalisation. Keys are Curve25519: 32 bytes, or
 * 40 characters of Z85 text (the form libzmq's `zmq_curve_keypair` prints
 * and most configuration files hold). Every API that takes a key accepts
 * either form.
 *
 * @example Usage
 * ```ts
 * import { curveKeyPair, curvePublicKey } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * const { publicKey, secretKey } = curveKeyPair();
 * assert.equal(publicKey.length, 40);
 * assert.equal(curvePublicKey(secretKey), publicKey);
 * ```
 *
 * @module
 */

// X25519 for key generation, synchronous as zeromq.js's curveKeyPair() is; audited (noble), pure JavaScript,
// so it works on every runtime and in browsers. The handshake's boxes use libsodium (crypto.ts), loaded lazily.
// deno-lint-ignore no-import-prefix -- src/ takes no import map (URL importers do not get ours), so the version is inline.
import { x25519 } from "npm:@noble/curves@2.4.0/ed25519.js";
import { randomBytes } from "./crypto.ts";
import { decodeZ85, encodeZ85 } from "../z85.ts";

/**
 * A CURVE key: 40 characters of Z85 text or 32 raw bytes.
 *
 * @example Usage
 * ```ts
 * import { type CurveKey, curveKeyBytes } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * const keys: CurveKey[] = ["rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", new Uint8Array(32)];
 * assert.deepEqual(keys.map((k) => curveKeyBytes(k).length), [32, 32]);
 * ```
 */
export type CurveKey = string | Uint8Array;

/**
 * A CURVE key pair as Z85 text, as libzmq's `zmq_curve_keypair` gives it.
 *
 * @example Usage
 * ```ts
 * import { type CurveKeyPair, curveKeyPair } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * const pair: CurveKeyPair = curveKeyPair();
 * assert.equal(pair.secretKey.length, 40);
 * ```
 */
export interface CurveKeyPair {
  /** The public key, 40 Z85 characters; give it to peers. */
  publicKey: string;
  /** The secret key, 40 Z85 characters; keep it private. */
  secretKey: string;
}

/**
 * Bytes of a CURVE key.
 *
 * @example Usage
 * ```ts
 * import { CURVE_KEY_BYTES } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CURVE_KEY_BYTES, 32);
 * ```
 */
export const CURVE_KEY_BYTES = 32;
/**
 * Characters of a CURVE key in Z85.
 *
 * @example Usage
 * ```ts
 * import { CURVE_KEY_Z85_LENGTH } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CURVE_KEY_Z85_LENGTH, 40);
 * ```
 */
export const CURVE_KEY_Z85_LENGTH = 40;

/**
 * Makes a new random CURVE key pair, in Z85. Asynchronous because it loads
 * the crypto library on first use.
 *
 * @example Usage
 * ```ts
 * import { curveKeyPair, curveKeyBytes } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * const pair = curveKeyPair(); // synchronous, as zeromq.js's
 * assert.equal(curveKeyBytes(pair.secretKey).length, 32);
 * assert.notEqual(pair.publicKey, curveKeyPair().publicKey);
 * ```
 *
 * @returns A fresh `{ publicKey, secretKey }`.
 */
export function curveKeyPair(): CurveKeyPair {
  const secret = randomBytes(CURVE_KEY_BYTES);
  return { publicKey: encodeZ85(x25519.getPublicKey(secret)), secretKey: encodeZ85(secret) };
}

/**
 * Derives the public key of a secret key, as libzmq's `zmq_curve_public`.
 *
 * @example Usage
 * ```ts
 * import { curvePublicKey } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * // The server key pair from libzmq's zmq_curve manual page.
 * const publicKey = curvePublicKey("JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6");
 * assert.equal(publicKey, "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
 * ```
 *
 * @param secretKey The secret key, Z85 or 32 bytes.
 * @returns The public key in Z85.
 */
export function curvePublicKey(secretKey: CurveKey): string {
  return encodeZ85(x25519.getPublicKey(curveKeyBytes(secretKey, "secretKey")));
}

/**
 * Normalises a CURVE key to its 32 bytes. Accepts 40-character Z85 text or
 * a 32-byte `Uint8Array` (returned as a copy); anything else is a
 * `TypeError` naming the option.
 *
 * @example Usage
 * ```ts
 * import { curveKeyBytes } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * const bytes = curveKeyBytes("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
 * assert.equal(bytes[0], 0x54);
 * assert.throws(() => curveKeyBytes("too short", "serverKey"), TypeError);
 * ```
 *
 * @param key The key, Z85 or bytes.
 * @param name The option name to mention in errors.
 * @returns A new 32-byte array.
 */
export function curveKeyBytes(key: CurveKey, name = "key"): Uint8Array {
  if (typeof key === "string") {
    if (key.length !== CURVE_KEY_Z85_LENGTH) {
      throw new TypeError(
        `Invalid CURVE ${name}: expected ${CURVE_KEY_Z85_LENGTH} characters of Z85 text, got ${key.length} characters`,
      );
    }
    try {
      return decodeZ85(key);
    } catch (cause) {
      throw new TypeError(`Invalid CURVE ${name}: ${(cause as Error).message}`, { cause });
    }
  }
  if (key instanceof Uint8Array) {
    if (key.length !== CURVE_KEY_BYTES) {
      throw new TypeError(`Invalid CURVE ${name}: expected ${CURVE_KEY_BYTES} bytes, got ${key.length} bytes`);
    }
    return key.slice();
  }
  throw new TypeError(
    `Invalid CURVE ${name}: expected a 40-character Z85 string or a 32-byte Uint8Array, got ${
      key === null ? "null" : typeof key
    }`,
  );
}

/**
 * Normalises a CURVE key to its 40-character Z85 text. Accepts the same
 * forms as {@linkcode curveKeyBytes}.
 *
 * @example Usage
 * ```ts
 * import { curveKeyZ85 } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * assert.equal(curveKeyZ85(new Uint8Array(32)), "0000000000000000000000000000000000000000");
 * ```
 *
 * @param key The key, Z85 or bytes.
 * @param name The option name to mention in errors.
 * @returns The key in Z85.
 */
export function curveKeyZ85(key: CurveKey, name = "key"): string {
  return encodeZ85(curveKeyBytes(key, name));
}
