/**
 * CURVE's MESSAGE box (RFC 26): one frame sealed with the connection's
 * shared key under a short nonce, and the nonce rules around it. Our short
 * nonces count up from 1 and continue from the handshake (HELLO and
 * INITIATE use the client's first ones, READY the server's first); a
 * received MESSAGE must carry a nonce greater than the last one the peer
 * used, in the handshake or since, so a replayed or reordered MESSAGE is a
 * `ProtocolError`, as is any box that does not authenticate.
 *
 * Also the nonce helpers the handshake uses: {@linkcode shortNonce},
 * {@linkcode longNonce} and {@linkcode writeNonce}.
 *
 * @module
 */

import { ascii, startsWith } from "../bytes.ts";
import { FLAG_COMMAND, FLAG_MORE } from "../codec/codec.ts";
import { ProtocolError } from "../errors.ts";
import type { CurveCrypto } from "./crypto.ts";

/**
 * zeromq.js's code for a box that does not open (libzmq
 * `ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC`).
 *
 * @example Usage
 * ```ts
 * import { CRYPTOGRAPHIC } from "./curve_box.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CRYPTOGRAPHIC, "ERR_ZMTP_CRYPTOGRAPHIC");
 * ```
 */
export const CRYPTOGRAPHIC = "ERR_ZMTP_CRYPTOGRAPHIC";

const NAME_MESSAGE = ascii("\x07MESSAGE");
/** Smallest MESSAGE body: name 8, nonce 8, box 17 (flags byte, empty frame). */
const MESSAGE_MIN = 33;

/**
 * The MESSAGE box of one side of one CURVE connection: our short-nonce
 * counter, the last nonce the peer used, and the 24-byte nonce buffers
 * (prefix filled in once, reused for every frame). The handshake takes its
 * nonces from here ({@linkcode CurveBox.takeNonce},
 * {@linkcode CurveBox.recordPeerNonce}) and, once complete, hands over the
 * shared key ({@linkcode CurveBox.start}); then {@linkcode CurveBox.seal}
 * and {@linkcode CurveBox.open} carry the traffic.
 *
 * @example Usage
 * ```ts
 * import { CurveBox } from "./curve_box.ts";
 * import { loadCrypto } from "./crypto.ts";
 * import assert from "node:assert/strict";
 * const crypto = await loadCrypto();
 * const key = new Uint8Array(32).fill(9); // a shared key, as crypto_box_beforenm gives it
 * const client = new CurveBox("C");
 * const server = new CurveBox("S");
 * client.start(crypto, key);
 * server.start(crypto, key);
 * const wire = client.seal(new TextEncoder().encode("Hello"), 0);
 * server.open(wire, (body, flags) => {
 *   assert.equal(new TextDecoder().decode(body), "Hello");
 *   assert.equal(flags, 0);
 * });
 * assert.throws(() => server.open(wire, () => {}), /replayed or reordered/);
 * ```
 */
export class CurveBox {
  #crypto: CurveCrypto | null = null;
  /** crypto_box_beforenm(peer transient, own transient secret), once the handshake is done. */
  #key: Uint8Array | null = null;
  /** Our next short nonce, and the last one the peer used (high and low 32 bits). */
  #nonce = 1;
  #peerNonceHigh = 0;
  #peerNonceLow = 0;
  /** 24-byte nonce buffers for MESSAGE, prefix pre-filled. */
  #sendNonce: Uint8Array;
  #receiveNonce: Uint8Array;

  /**
   * Makes the box of one side.
   *
   * @param side `"C"` for the client, `"S"` for the server: our MESSAGE nonce prefix is `CurveZMQMESSAGE` + side.
   */
  constructor(side: "C" | "S") {
    this.#sendNonce = nonce24(`CurveZMQMESSAGE${side}`);
    this.#receiveNonce = nonce24(`CurveZMQMESSAGE${side === "C" ? "S" : "C"}`);
  }

  /**
   * Our next short nonce; the handshake takes its nonces here, so that
   * MESSAGEs go on from where it stopped.
   *
   * @returns The nonce to use (from 1).
   */
  takeNonce(): number {
    return this.#nonce++;
  }

  /**
   * Notes the short nonce of a handshake command the peer sent (8 bytes,
   * big-endian, at `at`): MESSAGEs must carry greater ones.
   *
   * @param body The command body.
   * @param at Where its short nonce starts.
   */
  recordPeerNonce(body: Uint8Array, at: number): void {
    this.#peerNonceHigh = readUint32(body, at);
    this.#peerNonceLow = readUint32(body, at + 4);
  }

  /**
   * Takes the shared key of the completed handshake; from now on the box
   * seals and opens.
   *
   * @param crypto The loaded crypto library.
   * @param sharedKey crypto_box_beforenm of the two transient keys.
   */
  start(crypto: CurveCrypto, sharedKey: Uint8Array): void {
    this.#crypto = crypto;
    this.#key = sharedKey;
  }

  /**
   * Seals one outgoing frame into a MESSAGE command body, to be sent in a
   * data frame with outer flags 0. `flags` are frame flags: `FLAG_MORE`
   * (0x01) and `FLAG_COMMAND` (0x04); inside the box they become 0x01 and
   * 0x02.
   *
   * @param body The frame body.
   * @param flags `FLAG_MORE` and/or `FLAG_COMMAND`.
   * @returns The MESSAGE command body.
   */
  seal(body: Uint8Array, flags: number): Uint8Array {
    const key = this.#key;
    if (key === null) throw new Error("CURVE cannot encrypt traffic before its handshake is complete");
    if ((flags & ~(FLAG_MORE | FLAG_COMMAND)) !== 0) {
      throw new RangeError(`CURVE encode() takes FLAG_MORE (0x01) and FLAG_COMMAND (0x04) only, got 0x${hex(flags)}`);
    }
    const plain = new Uint8Array(1 + body.length);
    plain[0] = (flags & FLAG_MORE ? 0x01 : 0) | (flags & FLAG_COMMAND ? 0x02 : 0);
    plain.set(body, 1);
    const nonce = this.#nonce++;
    writeNonce(this.#sendNonce, 16, nonce);
    const sealed = this.#crypto!.boxAfter(plain, this.#sendNonce, key);
    const out = new Uint8Array(16 + sealed.length);
    out.set(NAME_MESSAGE, 0);
    writeNonce(out, 8, nonce);
    out.set(sealed, 16);
    return out;
  }

  /**
   * Opens one MESSAGE command body and calls `onFrame` with the original
   * body and frame flags (`FLAG_MORE`, `FLAG_COMMAND`). Throws a
   * `ProtocolError` for a malformed MESSAGE, a nonce not greater than the
   * last, or a box that does not authenticate; none of these consumes the
   * nonce.
   *
   * @param body The MESSAGE command body.
   * @param onFrame Receives the decrypted frame.
   */
  open(body: Uint8Array, onFrame: (body: Uint8Array, flags: number) => void): void {
    const key = this.#key;
    if (key === null) throw new Error("CURVE cannot decrypt traffic before its handshake is complete");
    if (body.length < MESSAGE_MIN || !startsWith(body, NAME_MESSAGE)) {
      throw new ProtocolError(
        "message",
        body.length >= NAME_MESSAGE.length && startsWith(body, NAME_MESSAGE)
          ? `Malformed CURVE MESSAGE: ${body.length} bytes, at least ${MESSAGE_MIN} expected`
          : "Expected a CURVE MESSAGE: after the CURVE handshake every frame must be encrypted",
      );
    }
    const high = readUint32(body, 8);
    const low = readUint32(body, 12);
    if (high < this.#peerNonceHigh || (high === this.#peerNonceHigh && low <= this.#peerNonceLow)) {
      throw new ProtocolError(
        "message",
        `CURVE MESSAGE nonce ${nonceText(high, low)} is not greater than the last one ` +
          `(${nonceText(this.#peerNonceHigh, this.#peerNonceLow)}): replayed or reordered`,
        "ERR_ZMTP_INVALID_SEQUENCE",
      );
    }
    this.#receiveNonce.set(body.subarray(8, 16), 16);
    const plain = this.#crypto!.boxOpenAfter(body.subarray(16), this.#receiveNonce, key);
    if (plain === null) {
      throw new ProtocolError("message", "CURVE MESSAGE does not authenticate: corrupted or forged", CRYPTOGRAPHIC);
    }
    this.#peerNonceHigh = high;
    this.#peerNonceLow = low;
    const inner = plain[0];
    onFrame(plain.subarray(1), (inner & 0x01 ? FLAG_MORE : 0) | (inner & 0x02 ? FLAG_COMMAND : 0));
  }
}

/**
 * A 24-byte nonce of a 16-byte prefix and an 8-byte short nonce: a counter
 * (written big-endian), or the 8 bytes as they came on the wire.
 *
 * @example Usage
 * ```ts
 * import { shortNonce } from "./curve_box.ts";
 * import assert from "node:assert/strict";
 * const nonce = shortNonce("CurveZMQHELLO---", 1);
 * assert.equal(nonce.length, 24);
 * assert.deepEqual([...nonce.subarray(16)], [0, 0, 0, 0, 0, 0, 0, 1]);
 * ```
 *
 * @param prefix 16 ASCII characters, such as `"CurveZMQHELLO---"`.
 * @param nonce The counter, or its 8 bytes.
 * @returns A new 24-byte nonce.
 */
export function shortNonce(prefix: string, nonce: number | Uint8Array): Uint8Array {
  const out = nonce24(prefix);
  if (typeof nonce === "number") writeNonce(out, 16, nonce);
  else out.set(nonce, 16);
  return out;
}

/**
 * A 24-byte nonce of an 8-byte prefix and a 16-byte long nonce (random,
 * for the WELCOME, COOKIE and VOUCH boxes).
 *
 * @example Usage
 * ```ts
 * import { longNonce } from "./curve_box.ts";
 * import assert from "node:assert/strict";
 * const nonce = longNonce("WELCOME-", new Uint8Array(16).fill(0xa0));
 * assert.equal(new TextDecoder().decode(nonce.subarray(0, 8)), "WELCOME-");
 * assert.equal(nonce[23], 0xa0);
 * ```
 *
 * @param prefix 8 ASCII characters, such as `"WELCOME-"`.
 * @param nonce At least 16 bytes; the first 16 are used.
 * @returns A new 24-byte nonce.
 */
export function longNonce(prefix: string, nonce: Uint8Array): Uint8Array {
  const out = new Uint8Array(24);
  out.set(ascii(prefix), 0);
  out.set(nonce.subarray(0, 16), 8);
  return out;
}

/**
 * Writes a short nonce (an integer below 2^53) as 8 big-endian bytes.
 *
 * @example Usage
 * ```ts
 * import { writeNonce } from "./curve_box.ts";
 * import assert from "node:assert/strict";
 * const out = new Uint8Array(8);
 * writeNonce(out, 0, 0x100000002);
 * assert.deepEqual([...out], [0, 0, 0, 1, 0, 0, 0, 2]);
 * ```
 *
 * @param out Where to write.
 * @param at The offset of the first byte.
 * @param value The nonce.
 */
export function writeNonce(out: Uint8Array, at: number, value: number): void {
  const high = Math.floor(value / 0x100000000);
  const low = value >>> 0;
  out[at] = high >>> 24;
  out[at + 1] = (high >>> 16) & 0xff;
  out[at + 2] = (high >>> 8) & 0xff;
  out[at + 3] = high & 0xff;
  out[at + 4] = low >>> 24;
  out[at + 5] = (low >>> 16) & 0xff;
  out[at + 6] = (low >>> 8) & 0xff;
  out[at + 7] = low & 0xff;
}

function nonce24(prefix: string): Uint8Array {
  const nonce = new Uint8Array(24);
  nonce.set(ascii(prefix), 0);
  return nonce;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

function nonceText(high: number, low: number): string {
  return high === 0 ? String(low) : String(BigInt(high) * 0x100000000n + BigInt(low));
}

function hex(value: number): string {
  return value.toString(16).padStart(2, "0");
}
