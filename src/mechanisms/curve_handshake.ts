/**
 * What the CURVE client and server share (RFC 26): the options and the
 * random source, loading the crypto library, transient keys, the command
 * names and sizes, and {@linkcode CurveHandshake}, the base that drives
 * either side's state machine and hands traffic to the MESSAGE box.
 *
 * @module
 */

import { ascii } from "../bytes.ts";
import { type Metadata, parseMetadata, splitCommand } from "../codec/command.ts";
import { ProtocolError } from "../errors.ts";
import { CurveBox } from "./curve_box.ts";
import type { CurveKey } from "./curve_keys.ts";
import { type CurveCrypto, loadCrypto, loadedCrypto, randomBytes } from "./crypto.ts";
import type { Mechanism, MechanismOptions, MechanismStatus } from "./mechanism.ts";
import { MechanismBase } from "./mechanism_base.ts";

/**
 * What a random value is for; lets tests supply fixed values for each.
 *
 * @example Usage
 * ```ts
 * import type { CurveRandomPurpose } from "./curve_handshake.ts";
 * import assert from "node:assert/strict";
 * const sizes: Record<CurveRandomPurpose, number> = {
 *   transientSecretKey: 32, welcomeNonce: 16, cookieNonce: 16, cookieKey: 32, vouchNonce: 16 };
 * assert.equal(Object.keys(sizes).length, 5);
 * ```
 */
export type CurveRandomPurpose =
  /** c' or s': a transient secret key (32 bytes). */
  | "transientSecretKey"
  /** The WELCOME box's long nonce (16 bytes, server). */
  | "welcomeNonce"
  /** The cookie box's long nonce (16 bytes, server). */
  | "cookieNonce"
  /** The server's cookie key K (32 bytes). */
  | "cookieKey"
  /** The vouch box's long nonce (16 bytes, client). */
  | "vouchNonce";

/**
 * A source of the random values of one handshake: returns `length` fresh
 * random bytes for `purpose`. The default uses `crypto.getRandomValues`;
 * only tests should supply their own.
 *
 * @example Usage
 * ```ts
 * import type { CurveRandom } from "./curve_handshake.ts";
 * import assert from "node:assert/strict";
 * // Deterministic values, as the spec's test transcript uses: never in production.
 * const fixed: CurveRandom = (purpose, length) => new Uint8Array(length).fill(purpose === "cookieKey" ? 0xc0 : 1);
 * assert.equal(fixed("cookieKey", 32)[0], 0xc0);
 * ```
 */
export type CurveRandom = (purpose: CurveRandomPurpose, length: number) => Uint8Array;

/**
 * Options of either CURVE side (the server's in full; the client adds
 * `serverKey`).
 *
 * @example Usage
 * ```ts
 * import type { CurveOptions } from "./curve_handshake.ts";
 * import assert from "node:assert/strict";
 * const server: CurveOptions = { properties: [["Socket-Type", "ROUTER"]], peerAddress: "",
 *   routingId: new Uint8Array(0), zapDomain: "", secretKey: "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6" };
 * assert.equal(server.secretKey.length, 40);
 * ```
 */
export interface CurveOptions extends MechanismOptions {
  /** This side's permanent secret key (Z85 or 32 bytes). */
  secretKey: CurveKey;
  /** This side's permanent public key; derived from `secretKey` when omitted. */
  publicKey?: CurveKey;
  /** The random source; tests inject fixed values to reproduce a transcript. */
  random?: CurveRandom;
}

/**
 * The names of CURVE's handshake commands, as they start a command body
 * (length byte, then the name).
 *
 * @example Usage
 * ```ts
 * import { CURVE_COMMAND } from "./curve_handshake.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...CURVE_COMMAND.READY], [5, 0x52, 0x45, 0x41, 0x44, 0x59]);
 * ```
 */
export const CURVE_COMMAND = Object.freeze({
  HELLO: ascii("\x05HELLO"),
  WELCOME: ascii("\x07WELCOME"),
  INITIATE: ascii("\x08INITIATE"),
  READY: ascii("\x05READY"),
  ERROR: ascii("\x05ERROR"),
});

/**
 * Sizes of CURVE's handshake command bodies, in bytes.
 *
 * @example Usage
 * ```ts
 * import { CURVE_SIZE } from "./curve_handshake.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CURVE_SIZE.HELLO, 200);
 * ```
 */
export const CURVE_SIZE = Object.freeze({
  /** HELLO: name 6, version 2, padding 72, C' 32, nonce 8, box 80. */
  HELLO: 200,
  /** WELCOME: name 8, long nonce 16, box 144. */
  WELCOME: 168,
  /** Smallest INITIATE: name 9, cookie 96, nonce 8, box 144 (no metadata). */
  INITIATE_MIN: 257,
  /** Smallest READY: name 6, nonce 8, box 16 (no metadata). */
  READY_MIN: 30,
  /** The cookie: long nonce 16, box 80. */
  COOKIE: 96,
});

/**
 * The base of {@linkcode CurveClient} and {@linkcode CurveServer}: loads
 * the crypto library, draws random values, owns the MESSAGE box, and wraps
 * each side's handshake steps so that any failure marks the handshake
 * failed. Await {@linkcode CurveHandshake.prepare} before the first
 * {@linkcode CurveHandshake.nextCommand}: it loads the crypto library.
 *
 * @example Usage
 * ```ts
 * import { CurveHandshake } from "./curve_handshake.ts";
 * import { CurveClient } from "./curve_client.ts";
 * import { curveKeyPair } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * const server = curveKeyPair();
 * const client: CurveHandshake = new CurveClient({ properties: [["Socket-Type", "DEALER"]], peerAddress: "",
 *   routingId: new Uint8Array(0), zapDomain: "", ...curveKeyPair(), serverKey: server.publicKey });
 * await client.prepare();
 * assert.equal(client.nextCommand()?.length, 200, "HELLO");
 * assert.throws(() => client.encode(new Uint8Array(1), 0), /before its handshake/);
 * ```
 */
export abstract class CurveHandshake extends MechanismBase implements Mechanism {
  readonly name = "CURVE" as const;
  abstract readonly asServer: boolean;
  #crypto: CurveCrypto | undefined = loadedCrypto();
  #random: CurveRandom;
  #box: CurveBox;

  /**
   * Sets up what both sides need.
   *
   * @param options The random source, if any.
   * @param side `"C"` for the client, `"S"` for the server (the MESSAGE nonce prefix).
   */
  constructor(options: CurveOptions, side: "C" | "S") {
    super();
    this.#random = options.random ?? ((_purpose, length) => randomBytes(length));
    this.#box = new CurveBox(side);
  }

  /** See {@linkcode Mechanism.status}. */
  abstract get status(): MechanismStatus;

  /**
   * The peer's permanent public key: the server key for a client; for a
   * server, the client's key once INITIATE has been verified (else `null`).
   */
  abstract get peerPublicKey(): Uint8Array | null;

  /** Loads the crypto library; see {@linkcode Mechanism.prepare}. */
  async prepare(): Promise<void> {
    this.#crypto ??= await loadCrypto();
  }

  /** See {@linkcode Mechanism.nextCommand}. May throw a `ProtocolError` if a key is unusable. */
  nextCommand(): Uint8Array | null {
    return this.failOnError(() => this.nextStep());
  }

  /** See {@linkcode Mechanism.processCommand}. */
  processCommand(body: Uint8Array): void | Promise<void> {
    if (this.#crypto === undefined) {
      return this.prepare().then(() => this.processCommand(body), (error) => {
        this.markFailed();
        throw error;
      });
    }
    return this.failOnError(() => this.processStep(body));
  }

  /**
   * Encrypts one outgoing frame into a MESSAGE command body, to be sent in a
   * data frame with outer flags 0 (libzmq drops MESSAGEs sent in COMMAND
   * frames). `flags` are frame flags: `FLAG_MORE` (0x01) and `FLAG_COMMAND`
   * (0x04); inside the box they become 0x01 and 0x02.
   *
   * @param body The frame body.
   * @param flags `FLAG_MORE` and/or `FLAG_COMMAND`.
   * @returns The MESSAGE command body.
   */
  encode(body: Uint8Array, flags: number): Uint8Array {
    if (this.status !== "ready") throw new Error("CURVE cannot encrypt traffic before its handshake is complete");
    return this.#box.seal(body, flags);
  }

  /**
   * Decrypts one MESSAGE command body (received in a data frame or a
   * command frame) and calls `onFrame` with the original body and frame
   * flags (`FLAG_MORE`, `FLAG_COMMAND`). Throws a `ProtocolError` for a
   * malformed MESSAGE, a nonce not greater than the last, or a box that
   * does not authenticate.
   *
   * @param body The MESSAGE command body.
   * @param onFrame Receives the decrypted frame.
   */
  decode(body: Uint8Array, onFrame: (body: Uint8Array, flags: number) => void): void {
    if (this.status !== "ready") throw new Error("CURVE cannot decrypt traffic before its handshake is complete");
    this.#box.open(body, onFrame);
  }

  /** The next handshake command of this side, or `null`; {@linkcode CurveHandshake.nextCommand} wraps it. */
  protected abstract nextStep(): Uint8Array | null;

  /** Processes one handshake command of the peer; {@linkcode CurveHandshake.processCommand} wraps it. */
  protected abstract processStep(body: Uint8Array): void | Promise<void>;

  /** The loaded crypto library; an `Error` if {@linkcode CurveHandshake.prepare} has not finished. */
  protected get crypto(): CurveCrypto {
    if (this.#crypto === undefined) {
      throw new Error("CurveMechanism.prepare() must be awaited before the first nextCommand(): it loads the crypto");
    }
    return this.#crypto;
  }

  /** The MESSAGE box: the handshake takes its short nonces from it and starts it once complete. */
  protected get box(): CurveBox {
    return this.#box;
  }

  /**
   * A fresh transient key pair (c' and C', or s' and S').
   *
   * @returns The pair.
   */
  protected makeTransient(): { publicKey: Uint8Array; secretKey: Uint8Array } {
    const crypto = this.crypto;
    const secretKey = this.randomValue("transientSecretKey", 32);
    return { publicKey: crypto.publicKey(secretKey), secretKey };
  }

  /**
   * `length` random bytes for `purpose`, from the random source (checked).
   *
   * @param purpose What the value is for.
   * @param length How many bytes.
   * @returns A copy of the source's bytes.
   */
  protected randomValue(purpose: CurveRandomPurpose, length: number): Uint8Array {
    const value = this.#random(purpose, length);
    if (!(value instanceof Uint8Array) || value.length !== length) {
      throw new TypeError(`CURVE random source must return ${length} bytes for ${purpose}`);
    }
    return value.slice();
  }
}

/**
 * The name of a command body for error messages, or `"malformed"`.
 *
 * @example Usage
 * ```ts
 * import { curveCommandName } from "./curve_handshake.ts";
 * import assert from "node:assert/strict";
 * assert.equal(curveCommandName(Uint8Array.of(5, 0x48, 0x45, 0x4c, 0x4c, 0x4f)), "HELLO");
 * assert.equal(curveCommandName(Uint8Array.of(9)), "malformed");
 * ```
 *
 * @param body A command body.
 * @returns Its name.
 */
export function curveCommandName(body: Uint8Array): string {
  try {
    return splitCommand(body).name;
  } catch {
    return "malformed";
  }
}

/**
 * Parses the metadata in a READY or INITIATE box; malformed metadata is a
 * `ProtocolError` naming the command.
 *
 * @example Usage
 * ```ts
 * import { parseCurveMetadata } from "./curve_handshake.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseCurveMetadata(new Uint8Array(0), "READY").size, 0);
 * assert.throws(() => parseCurveMetadata(Uint8Array.of(3), "INITIATE"), /Malformed CURVE INITIATE metadata/);
 * ```
 *
 * @param data The metadata bytes.
 * @param command The command's name, for the message.
 * @returns The metadata.
 */
export function parseCurveMetadata(data: Uint8Array, command: string): Metadata {
  try {
    return parseMetadata(data);
  } catch (cause) {
    throw new ProtocolError("handshake", `Malformed CURVE ${command} metadata: ${(cause as Error).message}`);
  }
}
