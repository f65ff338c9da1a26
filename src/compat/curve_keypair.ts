/**
 * zeromq 5's `zmq.curveKeypair()`: a new CURVE key pair as `{ public,
 * secret }` Z85 strings, made by the v6 `curveKeyPair()`.
 *
 * @module
 */

import { curveKeyPair } from "./_v6.ts";

/** A CURVE key pair as zeromq 5 returned it: 40-character Z85 strings. */
export interface CurveKeypair {
  /** The public key. */
  public: string;
  /** The secret key. */
  secret: string;
}

/**
 * Makes a new random CURVE key pair, synchronously as zeromq 5 did.
 *
 * @example Usage
 * ```ts
 * import * as zmq from "../../v5_compat.ts";
 * import assert from "node:assert/strict";
 * const { public: publicKey, secret } = zmq.curveKeypair();
 * assert.equal(publicKey.length, 40);
 * assert.equal(secret.length, 40);
 * ```
 */
export function curveKeypair(): CurveKeypair {
  const pair = curveKeyPair();
  return { public: pair.publicKey, secret: pair.secretKey };
}
