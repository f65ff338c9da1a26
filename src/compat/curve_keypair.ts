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
 * ```ts ignore
 * import * as zmq from "../../v5_compat.ts";
 * const { public: publicKey, secret } = zmq.curveKeypair();
 * console.log(publicKey.length, secret.length); // 40 40
 * ```
 */
export function curveKeypair(): CurveKeypair {
  // The v6 function is becoming synchronous (zeromq.js's is); until it is, say so instead of returning a promise.
  type Pair = { publicKey: string; secretKey: string };
  const pair = curveKeyPair() as Pair | Promise<Pair>;
  if (pair instanceof Promise) {
    pair.catch(() => {});
    throw new Error("zmq.curveKeypair() needs a synchronous curveKeyPair() in zmq-ts's v6 API");
  }
  return { public: pair.publicKey, secret: pair.secretKey };
}
