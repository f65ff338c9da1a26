/**
 * The 64-byte ZMTP 3.x greeting: building ours, parsing the peer's, and
 * deciding which protocol version the connection speaks.
 *
 * @module
 */

import { ProtocolError } from "../errors.ts";

/** Size of a ZMTP 3.x greeting in bytes. */
export const GREETING_SIZE = 64;
/** Bytes of the greeting up to and including the signature's `0x7F`. */
export const SIGNATURE_SIZE = 10;
import type { MechanismName } from "../types.ts";
export type { MechanismName } from "../types.ts";

/** What a peer said in its greeting. */
export interface Greeting {
  /** Major version; 3 or more for ZMTP 3.x. */
  major: number;
  /** Minor version (0 for ZMTP 3.0, 1 for 3.1). */
  minor: number;
  /** The mechanism name with its zero padding removed. */
  mechanism: string;
  /** The as-server byte. libzmq always sends 0; never validate it. */
  asServer: boolean;
}

/** Options of {@linkcode encodeGreeting}. */
export interface GreetingOptions {
  /** Mechanism to announce. Default `"NULL"`. */
  mechanism?: MechanismName;
  /** Whether this side is the PLAIN/CURVE server. Default `false`. */
  asServer?: boolean;
  /** Minor version to announce. Default 1 (ZMTP 3.1). */
  minor?: number;
}

/**
 * Builds our 64-byte greeting.
 *
 * @example Usage
 * ```ts
 * import { encodeGreeting } from "./greeting.ts";
 * import assert from "node:assert/strict";
 * const g = encodeGreeting({ mechanism: "NULL" });
 * assert.equal(g.length, 64);
 * assert.deepEqual([...g.subarray(10, 12)], [3, 1]);
 * ```
 */
export function encodeGreeting(options: GreetingOptions = {}): Uint8Array {
  const out = new Uint8Array(GREETING_SIZE);
  out[0] = 0xff;
  out[9] = 0x7f;
  out[10] = 3;
  out[11] = options.minor ?? 1;
  const name = options.mechanism ?? "NULL";
  for (let i = 0; i < name.length; i++) out[12 + i] = name.charCodeAt(i);
  out[32] = options.asServer ? 1 : 0;
  return out;
}

/**
 * Checks the first bytes of a peer's greeting as soon as they arrive, so a
 * ZMTP 1.0/2.0 peer or a stranger is refused before we wait for 64 bytes.
 * `bytes` may be shorter than 64; only what is present is checked.
 * Throws a {@linkcode ProtocolError} on the first bad byte.
 *
 * @example Usage
 * ```ts
 * import { checkGreetingPrefix } from "./greeting.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => checkGreetingPrefix(new Uint8Array([0x47, 0x45, 0x54])));
 * checkGreetingPrefix(new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3]));
 * ```
 */
export function checkGreetingPrefix(bytes: Uint8Array): void {
  if (bytes.length > 0 && bytes[0] !== 0xff) {
    throw new ProtocolError(
      "greeting",
      `Peer is not speaking ZMTP 3.x: greeting starts with 0x${
        hex(bytes[0])
      }, expected 0xff (ZMTP 1.0 peers and non-ZeroMQ clients are refused)`,
    );
  }
  if (bytes.length > 9 && (bytes[9] & 1) === 0) {
    throw new ProtocolError(
      "greeting",
      `Peer is not speaking ZMTP 3.x: signature byte 9 is 0x${hex(bytes[9])}, expected 0x7f`,
    );
  }
  if (bytes.length > 10 && bytes[10] < 3) {
    const version = bytes[10] === 1 ? "2.0" : "1.0";
    throw new ProtocolError(
      "greeting",
      `Peer speaks ZMTP ${version} (version byte ${bytes[10]}); zmq-ts speaks ZMTP 3.0 and 3.1 only`,
    );
  }
}

/**
 * Parses a peer's complete 64-byte greeting and checks that it announces the
 * mechanism we expect. The padding and as-server byte are not validated
 * (libzmq puts non-zero data in the padding and always sends as-server 0).
 *
 * @example Usage
 * ```ts
 * import { encodeGreeting, parseGreeting } from "./greeting.ts";
 * import assert from "node:assert/strict";
 * const g = parseGreeting(encodeGreeting({ mechanism: "PLAIN" }), "PLAIN");
 * assert.equal(g.mechanism, "PLAIN");
 * assert.equal(g.minor, 1);
 * ```
 */
export function parseGreeting(bytes: Uint8Array, expectedMechanism: MechanismName): Greeting {
  if (bytes.length < GREETING_SIZE) {
    throw new ProtocolError("greeting", `Greeting is ${bytes.length} bytes, expected ${GREETING_SIZE}`);
  }
  checkGreetingPrefix(bytes);
  let end = 12;
  while (end < 32 && bytes[end] !== 0) end++;
  let mechanism = "";
  for (let i = 12; i < end; i++) mechanism += String.fromCharCode(bytes[i]);
  let exact = mechanism === expectedMechanism;
  for (let i = end; i < 32 && exact; i++) exact = bytes[i] === 0;
  if (!exact) {
    throw new ProtocolError(
      "mechanism",
      `Mechanism mismatch: peer announced ${JSON.stringify(mechanism)}, this socket uses ${expectedMechanism}`,
    );
  }
  // A major above 3 is treated as 3.1, as libzmq does.
  const major = bytes[10];
  const minor = major > 3 ? 1 : bytes[11];
  return { major, minor, mechanism, asServer: bytes[32] === 1 };
}

/**
 * The ZMTP minor version both sides speak: 0 if either side announced 3.0,
 * otherwise 1. It decides, for example, how subscriptions are encoded.
 *
 * @example Usage
 * ```ts
 * import { negotiateMinor } from "./greeting.ts";
 * import assert from "node:assert/strict";
 * assert.equal(negotiateMinor(1, { major: 3, minor: 0, mechanism: "NULL", asServer: false }), 0);
 * ```
 */
export function negotiateMinor(ourMinor: number, peer: Greeting): number {
  return Math.min(ourMinor, peer.minor >= 1 ? 1 : 0);
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
