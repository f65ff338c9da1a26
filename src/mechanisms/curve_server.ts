/**
 * The server side of CURVE (RFC 26): answers HELLO with WELCOME (a fresh
 * transient key and a cookie only it can open), checks INITIATE (the
 * cookie, the box, the vouch of the client's permanent key), asks the ZAP
 * handler when one is bound (credentials: the client's 32-byte public key)
 * and otherwise accepts any client key, as libzmq does; then READY, or
 * ERROR after ZAP 400/500, or a silent close after 300.
 *
 * @module
 */

import { concatBytes, constantTimeEqual, startsWith } from "../bytes.ts";
import { encodeMetadata } from "../codec/command.ts";
import { ProtocolError } from "../errors.ts";
import { CRYPTOGRAPHIC, longNonce, shortNonce, writeNonce } from "./curve_box.ts";
import {
  CURVE_COMMAND,
  CURVE_SIZE,
  curveCommandName,
  CurveHandshake,
  type CurveOptions,
  parseCurveMetadata,
} from "./curve_handshake.ts";
import { curveKeyBytes } from "./curve_keys.ts";
import type { MechanismStatus } from "./mechanism.ts";
import { askZap } from "./zap.ts";

type State =
  | "expect-hello"
  | "send-welcome"
  | "expect-initiate"
  | "asking-zap"
  | "send-ready"
  | "ready"
  | "send-error"
  | "error";

const { HELLO, WELCOME, INITIATE, READY } = CURVE_COMMAND;

/**
 * The CURVE server for one connection.
 *
 * @example Usage
 * ```ts
 * import { CurveServer } from "./curve_server.ts";
 * import { CurveClient } from "./curve_client.ts";
 * import { curveKeyPair } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * import { decodeZ85 } from "../z85.ts";
 * const serverPair = curveKeyPair();
 * const clientPair = curveKeyPair();
 * const base = { peerAddress: "127.0.0.1", routingId: new Uint8Array(0), zapDomain: "" };
 * const server = new CurveServer({ ...base, properties: [["Socket-Type", "ROUTER"]], ...serverPair });
 * const client = new CurveClient({ ...base, properties: [["Socket-Type", "DEALER"]], ...clientPair,
 *   serverKey: serverPair.publicKey });
 * await Promise.all([client.prepare(), server.prepare()]);
 * await server.processCommand(client.nextCommand()!); // HELLO
 * await client.processCommand(server.nextCommand()!); // WELCOME
 * await server.processCommand(client.nextCommand()!); // INITIATE
 * await client.processCommand(server.nextCommand()!); // READY
 * assert.equal(server.status, "ready");
 * assert.deepEqual(server.peerPublicKey, decodeZ85(clientPair.publicKey));
 * ```
 */
export class CurveServer extends CurveHandshake {
  readonly asServer = true;
  #options: CurveOptions;
  #state: State = "expect-hello";
  #secretKey: Uint8Array;
  /** The client's permanent public key, once INITIATE has been verified. */
  #clientKey: Uint8Array | null = null;
  /** Transient keys: ours, and the client's. */
  #transientPublic: Uint8Array | null = null;
  #transientSecret: Uint8Array | null = null;
  #peerTransient: Uint8Array | null = null;
  /** crypto_box_beforenm(client transient, own transient secret). */
  #sharedKey: Uint8Array | null = null;
  /** The key of the cookie box, for this connection only. */
  #cookieKey: Uint8Array | null = null;

  /**
   * Makes the server for one connection. Keys are checked here: a
   * malformed key is a `TypeError`.
   *
   * @param options Socket properties, ZAP access and the keys.
   */
  constructor(options: CurveOptions) {
    super(options, "S");
    this.#options = options;
    this.#secretKey = curveKeyBytes(options.secretKey, "secretKey");
    // Checked like the client's, though the server never sends its own public key.
    if (options.publicKey !== undefined) curveKeyBytes(options.publicKey, "publicKey");
  }

  /** See {@linkcode Mechanism.status}. */
  get status(): MechanismStatus {
    const state = this.#state;
    if (state === "ready") return "ready";
    if (state === "error" || state === "send-error") return "error";
    return "handshaking";
  }

  /** The client's permanent public key (a copy) once INITIATE has been verified, else `null`. */
  get peerPublicKey(): Uint8Array | null {
    return this.#clientKey?.slice() ?? null;
  }

  /** Marks the handshake failed, keeping a pending ERROR to send. */
  protected override markFailed(): void {
    if (this.#state !== "send-error") this.#state = "error";
  }

  /** WELCOME after HELLO; READY, or the pending ERROR, after INITIATE and ZAP. */
  protected nextStep(): Uint8Array | null {
    switch (this.#state) {
      case "send-welcome": {
        const crypto = this.crypto;
        const transient = this.makeTransient();
        this.#transientPublic = transient.publicKey;
        this.#transientSecret = transient.secretKey;
        this.#cookieKey = this.randomValue("cookieKey", 32);
        const cookieNonce = this.randomValue("cookieNonce", 16);
        const cookieBox = crypto.secretbox(
          concatBytes(this.#peerTransient!, this.#transientSecret),
          longNonce("COOKIE--", cookieNonce),
          this.#cookieKey,
        );
        const welcomeNonce = this.randomValue("welcomeNonce", 16);
        const sealed = crypto.box(
          concatBytes(this.#transientPublic, cookieNonce, cookieBox),
          longNonce("WELCOME-", welcomeNonce),
          this.#peerTransient!,
          this.#secretKey,
        );
        if (sealed === null) throw new ProtocolError("handshake", "CURVE HELLO carries an unusable key");
        this.#state = "expect-initiate";
        return concatBytes(WELCOME, welcomeNonce, sealed);
      }
      case "send-ready": {
        const crypto = this.crypto;
        const nonce = this.box.takeNonce();
        const sealed = crypto.boxAfter(
          encodeMetadata(this.#options.properties),
          shortNonce("CurveZMQREADY---", nonce),
          this.#sharedKey!,
        );
        const body = new Uint8Array(14 + sealed.length);
        body.set(READY, 0);
        writeNonce(body, 6, nonce);
        body.set(sealed, 14);
        this.box.start(crypto, this.#sharedKey!);
        this.#state = "ready";
        return body;
      }
      case "send-error":
        this.#state = "error";
        return this.takeError();
      default:
        return null;
    }
  }

  /** HELLO, then INITIATE (which asks ZAP and so returns a promise). */
  protected processStep(body: Uint8Array): void | Promise<void> {
    const state = this.#state;
    const crypto = this.crypto;
    if (state === "expect-hello") {
      if (!startsWith(body, HELLO)) {
        throw new ProtocolError(
          "handshake",
          `Unexpected ${curveCommandName(body)} command; the CURVE server expects HELLO`,
        );
      }
      if (body.length !== CURVE_SIZE.HELLO) {
        throw new ProtocolError(
          "handshake",
          `Malformed CURVE HELLO: ${body.length} bytes, expected ${CURVE_SIZE.HELLO}`,
        );
      }
      if (body[6] !== 1 || body[7] !== 0) {
        throw new ProtocolError(
          "handshake",
          `Unsupported CURVE HELLO version ${body[6]}.${body[7]}: only 1.0 exists`,
        );
      }
      const clientTransient = body.slice(80, 112);
      const plain = crypto.boxOpen(
        body.subarray(120),
        shortNonce("CurveZMQHELLO---", body.subarray(112, 120)),
        clientTransient,
        this.#secretKey,
      );
      if (plain === null) {
        throw new ProtocolError(
          "handshake",
          "CURVE HELLO does not authenticate: the client uses a different server key than ours",
          CRYPTOGRAPHIC,
        );
      }
      this.#peerTransient = clientTransient;
      this.box.recordPeerNonce(body, 112);
      this.#state = "send-welcome";
      return;
    }
    if (state !== "expect-initiate") {
      throw new ProtocolError(
        "handshake",
        `Unexpected ${curveCommandName(body)} command: the CURVE server expects none`,
      );
    }
    if (!startsWith(body, INITIATE)) {
      throw new ProtocolError(
        "handshake",
        `Unexpected ${curveCommandName(body)} command; the CURVE server expects INITIATE`,
      );
    }
    if (body.length < CURVE_SIZE.INITIATE_MIN) {
      throw new ProtocolError(
        "handshake",
        `Malformed CURVE INITIATE: ${body.length} bytes, at least ${CURVE_SIZE.INITIATE_MIN} expected`,
      );
    }
    const cookie = body.subarray(9, 9 + CURVE_SIZE.COOKIE);
    const cookiePlain = crypto.secretboxOpen(cookie.subarray(16), longNonce("COOKIE--", cookie), this.#cookieKey!);
    if (
      cookiePlain === null || !constantTimeEqual(this.#peerTransient!, cookiePlain.subarray(0, 32)) ||
      !constantTimeEqual(this.#transientSecret!, cookiePlain.subarray(32))
    ) {
      throw new ProtocolError(
        "handshake",
        "CURVE INITIATE carries a cookie this connection did not issue",
        CRYPTOGRAPHIC,
      );
    }
    this.#sharedKey = crypto.beforenm(this.#peerTransient!, this.#transientSecret!);
    const plain = this.#sharedKey === null ? null : crypto.boxOpenAfter(
      body.subarray(113),
      shortNonce("CurveZMQINITIATE", body.subarray(105, 113)),
      this.#sharedKey,
    );
    if (plain === null) throw new ProtocolError("handshake", "CURVE INITIATE does not authenticate", CRYPTOGRAPHIC);
    const clientKey = plain.slice(0, 32);
    const vouch = crypto.boxOpen(
      plain.subarray(48, 128),
      longNonce("VOUCH---", plain.subarray(32, 48)),
      clientKey,
      this.#transientSecret!,
    );
    if (vouch === null || !constantTimeEqual(this.#peerTransient!, vouch.subarray(0, 32))) {
      throw new ProtocolError(
        "handshake",
        "CURVE INITIATE has an invalid vouch: the client key did not sign it",
        "ERR_ZMTP_KEY_EXCHANGE",
      );
    }
    this.receivedProperties(parseCurveMetadata(plain.subarray(128), "INITIATE"));
    this.#clientKey = clientKey;
    this.box.recordPeerNonce(body, 105);
    this.#state = "asking-zap";
    return this.#askZap(clientKey);
  }

  async #askZap(clientKey: Uint8Array): Promise<void> {
    const reply = await askZap(this.#options, "CURVE", [clientKey]);
    if (reply === null || reply.status === 200) {
      // No handler bound: libzmq accepts any client key.
      if (reply) this.acceptZap(reply);
      this.#state = "send-ready";
      return;
    }
    const refusal = this.refuseZap(reply, "the CURVE client");
    if (this.errorPending) this.#state = "send-error";
    throw refusal;
  }
}
