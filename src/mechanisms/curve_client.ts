/**
 * The client side of CURVE (RFC 26): HELLO with a fresh transient key,
 * then, once WELCOME opens with the server key it was given, INITIATE with
 * the cookie, its vouch and metadata; READY completes the handshake.
 *
 * @module
 */

import { concatBytes, startsWith } from "../bytes.ts";
import { encodeMetadata } from "../codec/command.ts";
import { AuthError, ProtocolError } from "../errors.ts";
import { CRYPTOGRAPHIC, longNonce, shortNonce, writeNonce } from "./curve_box.ts";
import {
  CURVE_COMMAND,
  CURVE_SIZE,
  curveCommandName,
  CurveHandshake,
  type CurveOptions,
  parseCurveMetadata,
} from "./curve_handshake.ts";
import { type CurveKey, curveKeyBytes } from "./curve_keys.ts";
import type { MechanismStatus } from "./mechanism.ts";
import { errorReasonStatus } from "./zap.ts";

/**
 * Options of {@linkcode CurveClient}.
 *
 * @example Usage
 * ```ts
 * import type { CurveClientOptions } from "./curve_client.ts";
 * import assert from "node:assert/strict";
 * const options: CurveClientOptions = { properties: [["Socket-Type", "DEALER"]], peerAddress: "",
 *   routingId: new Uint8Array(0), zapDomain: "",
 *   publicKey: "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID", secretKey: "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs",
 *   serverKey: "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7" };
 * assert.equal(options.serverKey.length, 40);
 * ```
 */
export interface CurveClientOptions extends CurveOptions {
  /** The server's permanent public key (Z85 or 32 bytes). */
  serverKey: CurveKey;
}

type State = "send-hello" | "expect-welcome" | "send-initiate" | "expect-ready" | "ready" | "error";

const { HELLO, WELCOME, INITIATE, READY, ERROR } = CURVE_COMMAND;

/**
 * The CURVE client for one connection. Await
 * {@linkcode CurveClient.prepare} before the first
 * {@linkcode CurveClient.nextCommand}: it loads the crypto library.
 *
 * @example Usage
 * ```ts
 * import { CurveClient } from "./curve_client.ts";
 * import { curveKeyPair } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * const server = curveKeyPair();
 * const client = new CurveClient({ properties: [["Socket-Type", "DEALER"]], peerAddress: "",
 *   routingId: new Uint8Array(0), zapDomain: "", ...curveKeyPair(), serverKey: server.publicKey });
 * await client.prepare();
 * const hello = client.nextCommand()!;
 * assert.equal(hello.length, 200);
 * assert.equal(client.nextCommand(), null, "nothing more until WELCOME");
 * ```
 */
export class CurveClient extends CurveHandshake {
  readonly asServer = false;
  #options: CurveClientOptions;
  #state: State = "send-hello";
  /** Permanent keys: ours and the server's. */
  #secretKey: Uint8Array;
  #publicKey: Uint8Array | null;
  #serverKey: Uint8Array;
  /** Transient keys: ours, and the server's. */
  #transientPublic: Uint8Array | null = null;
  #transientSecret: Uint8Array | null = null;
  #peerTransient: Uint8Array | null = null;
  /** crypto_box_beforenm(server transient, own transient secret). */
  #sharedKey: Uint8Array | null = null;
  /** The cookie from WELCOME, echoed in INITIATE. */
  #cookie: Uint8Array | null = null;

  /**
   * Makes the client for one connection. Keys are checked here: a
   * malformed key, or no `serverKey`, is a `TypeError`.
   *
   * @param options Socket properties and the keys.
   */
  constructor(options: CurveClientOptions) {
    super(options, "C");
    this.#options = options;
    this.#secretKey = curveKeyBytes(options.secretKey, "secretKey");
    this.#publicKey = options.publicKey === undefined ? null : curveKeyBytes(options.publicKey, "publicKey");
    if (options.serverKey === undefined) {
      throw new TypeError("A CURVE client needs serverKey: the server's public key (Z85 or 32 bytes)");
    }
    this.#serverKey = curveKeyBytes(options.serverKey, "serverKey");
  }

  /** See {@linkcode Mechanism.status}. */
  get status(): MechanismStatus {
    if (this.#state === "ready") return "ready";
    if (this.#state === "error") return "error";
    return "handshaking";
  }

  /** The server's permanent public key (a copy). */
  get peerPublicKey(): Uint8Array {
    return this.#serverKey.slice();
  }

  /** Marks the handshake failed. */
  protected override markFailed(): void {
    this.#state = "error";
  }

  /** HELLO, then INITIATE once WELCOME has opened. */
  protected nextStep(): Uint8Array | null {
    switch (this.#state) {
      case "send-hello": {
        const crypto = this.crypto;
        const transient = this.makeTransient();
        this.#transientPublic = transient.publicKey;
        this.#transientSecret = transient.secretKey;
        const body = new Uint8Array(CURVE_SIZE.HELLO);
        body.set(HELLO, 0);
        body[6] = 1; // version 1.0
        body[7] = 0;
        body.set(this.#transientPublic, 80);
        const nonce = this.box.takeNonce();
        writeNonce(body, 112, nonce);
        const signature = crypto.box(
          new Uint8Array(64),
          shortNonce("CurveZMQHELLO---", nonce),
          this.#serverKey,
          this.#transientSecret,
        );
        if (signature === null) throw unusableKey("serverKey");
        body.set(signature, 120);
        this.#state = "expect-welcome";
        return body;
      }
      case "send-initiate": {
        const crypto = this.crypto;
        this.#publicKey ??= crypto.publicKey(this.#secretKey);
        const vouchNonce = this.randomValue("vouchNonce", 16);
        const vouch = crypto.box(
          concatBytes(this.#transientPublic!, this.#serverKey),
          longNonce("VOUCH---", vouchNonce),
          this.#peerTransient!,
          this.#secretKey,
        );
        if (vouch === null) throw unusableKey("secretKey");
        const plain = concatBytes(this.#publicKey, vouchNonce, vouch, encodeMetadata(this.#options.properties));
        const nonce = this.box.takeNonce();
        const sealed = crypto.boxAfter(plain, shortNonce("CurveZMQINITIATE", nonce), this.#sharedKey!);
        const body = new Uint8Array(INITIATE.length + CURVE_SIZE.COOKIE + 8 + sealed.length);
        body.set(INITIATE, 0);
        body.set(this.#cookie!, 9);
        writeNonce(body, 105, nonce);
        body.set(sealed, 113);
        this.#cookie = null;
        this.#state = "expect-ready";
        return body;
      }
      default:
        return null;
    }
  }

  /** WELCOME, then READY; an ERROR from the server is an `AuthError`. */
  protected processStep(body: Uint8Array): void {
    const state = this.#state;
    if (state !== "expect-welcome" && state !== "expect-ready") {
      throw new ProtocolError(
        "handshake",
        `Unexpected ${curveCommandName(body)} command: the CURVE client expects none`,
      );
    }
    if (startsWith(body, ERROR)) {
      const reason = errorReason(body);
      throw new AuthError(
        errorReasonStatus(reason),
        `CURVE server refused the handshake: ERROR ${JSON.stringify(reason)}`,
      );
    }
    const crypto = this.crypto;
    if (state === "expect-welcome") {
      if (!startsWith(body, WELCOME)) {
        throw new ProtocolError(
          "handshake",
          `Unexpected ${curveCommandName(body)} command; the CURVE client expects WELCOME`,
        );
      }
      if (body.length !== CURVE_SIZE.WELCOME) {
        throw new ProtocolError(
          "handshake",
          `Malformed CURVE WELCOME: ${body.length} bytes, expected ${CURVE_SIZE.WELCOME}`,
        );
      }
      const plain = crypto.boxOpen(
        body.subarray(24),
        longNonce("WELCOME-", body.subarray(8, 24)),
        this.#serverKey,
        this.#transientSecret!,
      );
      if (plain === null) {
        throw new ProtocolError(
          "handshake",
          "CURVE WELCOME does not authenticate: the server does not hold the secret key of serverKey",
          CRYPTOGRAPHIC,
        );
      }
      this.#peerTransient = plain.slice(0, 32);
      this.#cookie = plain.slice(32, 32 + CURVE_SIZE.COOKIE);
      this.#sharedKey = crypto.beforenm(this.#peerTransient, this.#transientSecret!);
      if (this.#sharedKey === null) throw new ProtocolError("handshake", "CURVE WELCOME carries an unusable key");
      this.#state = "send-initiate";
      return;
    }
    if (!startsWith(body, READY)) {
      throw new ProtocolError(
        "handshake",
        `Unexpected ${curveCommandName(body)} command; the CURVE client expects READY`,
      );
    }
    if (body.length < CURVE_SIZE.READY_MIN) {
      throw new ProtocolError(
        "handshake",
        `Malformed CURVE READY: ${body.length} bytes, at least ${CURVE_SIZE.READY_MIN} expected`,
      );
    }
    const plain = crypto.boxOpenAfter(
      body.subarray(14),
      shortNonce("CurveZMQREADY---", body.subarray(6, 14)),
      this.#sharedKey!,
    );
    if (plain === null) throw new ProtocolError("handshake", "CURVE READY does not authenticate", CRYPTOGRAPHIC);
    this.receivedProperties(parseCurveMetadata(plain, "READY"));
    this.box.recordPeerNonce(body, 6);
    this.box.start(crypto, this.#sharedKey!);
    this.#state = "ready";
  }
}

/** The reason of an ERROR command; a malformed ERROR is a `ProtocolError`. */
function errorReason(body: Uint8Array): string {
  const data = body.subarray(ERROR.length);
  if (data.length < 1 || 1 + data[0] > data.length) {
    throw new ProtocolError("command", "Malformed ERROR: reason length exceeds the command body");
  }
  return new TextDecoder().decode(data.subarray(1, 1 + data[0]));
}

function unusableKey(name: string): ProtocolError {
  return new ProtocolError("handshake", `CURVE ${name} is not a usable Curve25519 key (a low-order point)`);
}
