/**
 * The CURVE mechanism (ZeroMQ RFC 25 + RFC 26 CurveZMQ): Curve25519 key
 * exchange, then every frame encrypted and authenticated with
 * XSalsa20-Poly1305. Byte for byte what libzmq 4.3 sends and accepts:
 *
 * ```
 * client: HELLO (200 bytes)                   server: WELCOME (168 bytes)
 * client: INITIATE (cookie, vouch, metadata)  server: (asks ZAP) READY | ERROR | close
 * both:   MESSAGE per frame, in plain data frames (never COMMAND frames)
 * ```
 *
 * Short nonces start at 1 on each side and must strictly increase on
 * receive; a replayed or reordered MESSAGE is a `ProtocolError`, as is any
 * box that does not authenticate. The server asks the ZAP handler when one
 * is bound (credentials: the client's 32-byte public key) and otherwise
 * accepts any client key, as libzmq does.
 *
 * @module
 */

import { encodeError, encodeMetadata, type Metadata, parseMetadata, splitCommand } from "../codec/command.ts";
import { ascii, concatBytes, constantTimeEqual, startsWith } from "../bytes.ts";
import { FLAG_COMMAND, FLAG_MORE } from "../codec/codec.ts";
import { AuthError, ProtocolError } from "../errors.ts";
import { type CurveKey, curveKeyBytes } from "./curve_keys.ts";
import { type CurveCrypto, loadCrypto, loadedCrypto, randomBytes } from "./crypto.ts";
import type { Mechanism, MechanismOptions, MechanismStatus } from "./mechanism.ts";
import { askZap, errorReasonStatus } from "./zap.ts";

/**
 * What a random value is for; lets tests supply fixed values for each.
 *
 * @example Usage
 * ```ts
 * import type { CurveRandomPurpose } from "./curve.ts";
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
 * import type { CurveRandom } from "./curve.ts";
 * import assert from "node:assert/strict";
 * // Deterministic values, as the spec's test transcript uses: never in production.
 * const fixed: CurveRandom = (purpose, length) => new Uint8Array(length).fill(purpose === "cookieKey" ? 0xc0 : 1);
 * assert.equal(fixed("cookieKey", 32)[0], 0xc0);
 * ```
 */
export type CurveRandom = (purpose: CurveRandomPurpose, length: number) => Uint8Array;

/**
 * Options of {@linkcode CurveMechanism}.
 *
 * @example Usage
 * ```ts
 * import type { CurveMechanismOptions } from "./curve.ts";
 * import assert from "node:assert/strict";
 * const server: CurveMechanismOptions = { properties: [["Socket-Type", "ROUTER"]], peerAddress: "",
 *   routingId: new Uint8Array(0), zapDomain: "", server: true,
 *   secretKey: "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6" };
 * assert.equal(server.server, true);
 * ```
 */
export interface CurveMechanismOptions extends MechanismOptions {
  /** Whether this side is the CURVE server (`ZMQ_CURVE_SERVER`). */
  server: boolean;
  /** This side's permanent secret key (Z85 or 32 bytes). */
  secretKey: CurveKey;
  /** This side's permanent public key; derived from `secretKey` when omitted. */
  publicKey?: CurveKey;
  /** Client only, required: the server's permanent public key. */
  serverKey?: CurveKey;
  /** The random source; tests inject fixed values to reproduce a transcript. */
  random?: CurveRandom;
}

type ClientState = "send-hello" | "expect-welcome" | "send-initiate" | "expect-ready" | "ready" | "error";
type ServerState =
  | "expect-hello"
  | "send-welcome"
  | "expect-initiate"
  | "asking-zap"
  | "send-ready"
  | "ready"
  | "send-error"
  | "error";

const NAME_HELLO = ascii("\x05HELLO");
const NAME_WELCOME = ascii("\x07WELCOME");
const NAME_INITIATE = ascii("\x08INITIATE");
const NAME_READY = ascii("\x05READY");
const NAME_MESSAGE = ascii("\x07MESSAGE");
const NAME_ERROR = ascii("\x05ERROR");

/** zeromq.js's code for a box that does not open (libzmq ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC). */
const CRYPTOGRAPHIC = "ERR_ZMTP_CRYPTOGRAPHIC";
/** HELLO body size: name 6, version 2, padding 72, C' 32, nonce 8, box 80. */
const HELLO_SIZE = 200;
/** WELCOME body size: name 8, long nonce 16, box 144. */
const WELCOME_SIZE = 168;
/** Smallest INITIATE body: name 9, cookie 96, nonce 8, box 144 (no metadata). */
const INITIATE_MIN = 257;
/** Smallest READY body: name 6, nonce 8, box 16 (no metadata). */
const READY_MIN = 30;
/** Smallest MESSAGE body: name 8, nonce 8, box 17 (flags byte, empty frame). */
const MESSAGE_MIN = 33;
const COOKIE_SIZE = 96;

/**
 * The CURVE mechanism for one connection, client or server side. Await
 * {@linkcode CurveMechanism.prepare} before the first
 * {@linkcode CurveMechanism.nextCommand}: it loads the crypto library.
 *
 * @example Usage
 * ```ts
 * import { CurveMechanism } from "./curve.ts";
 * import { curveKeyPair } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * const serverPair = await curveKeyPair();
 * const clientPair = await curveKeyPair();
 * const base = { peerAddress: "127.0.0.1", routingId: new Uint8Array(0), zapDomain: "" };
 * const client = new CurveMechanism({ ...base, properties: [["Socket-Type", "DEALER"]], server: false,
 *   ...clientPair, serverKey: serverPair.publicKey });
 * const server = new CurveMechanism({ ...base, properties: [["Socket-Type", "ROUTER"]], server: true,
 *   secretKey: serverPair.secretKey });
 * await Promise.all([client.prepare(), server.prepare()]);
 * await server.processCommand(client.nextCommand()!); // HELLO
 * await client.processCommand(server.nextCommand()!); // WELCOME
 * await server.processCommand(client.nextCommand()!); // INITIATE
 * await client.processCommand(server.nextCommand()!); // READY
 * const wire = client.encode(new TextEncoder().encode("Hello"), 0);
 * server.decode(wire, (body, flags) => {
 *   assert.equal(new TextDecoder().decode(body), "Hello");
 *   assert.equal(flags, 0);
 * });
 * ```
 */
export class CurveMechanism implements Mechanism {
  readonly name = "CURVE" as const;
  readonly asServer: boolean;
  #options: CurveMechanismOptions;
  #random: CurveRandom;
  #crypto: CurveCrypto | undefined = loadedCrypto();
  #client: ClientState = "send-hello";
  #server: ServerState = "expect-hello";
  #errorToSend: Uint8Array | null = null;
  #peerProperties: Metadata = new Map();
  #userId = "";
  #zapProperties: Metadata = new Map();

  /** Permanent keys: ours, and the peer's (S for a client; C, once known, for a server). */
  #publicKey: Uint8Array | null;
  #secretKey: Uint8Array;
  #peerPublicKey: Uint8Array | null = null;
  /** Transient keys: ours, and the peer's. */
  #transientPublic: Uint8Array | null = null;
  #transientSecret: Uint8Array | null = null;
  #peerTransient: Uint8Array | null = null;
  /** crypto_box_beforenm(peer transient, own transient secret). */
  #sharedKey: Uint8Array | null = null;
  /** The cookie: kept by the client to echo; the server keeps its key. */
  #cookie: Uint8Array | null = null;
  #cookieKey: Uint8Array | null = null;
  /** Our next short nonce, and the last one the peer used (high and low 32 bits). */
  #nonce = 1;
  #peerNonceHigh = 0;
  #peerNonceLow = 0;
  /** 24-byte nonce buffers for MESSAGE, prefix pre-filled. */
  #sendNonce: Uint8Array;
  #receiveNonce: Uint8Array;

  /**
   * Makes the mechanism for one side of one connection. Keys are checked
   * here: a malformed key, or a client without `serverKey`, is a `TypeError`.
   *
   * @param options Socket properties, ZAP access, the role and the keys.
   */
  constructor(options: CurveMechanismOptions) {
    this.#options = options;
    this.asServer = options.server;
    this.#secretKey = curveKeyBytes(options.secretKey, "secretKey");
    this.#publicKey = options.publicKey === undefined ? null : curveKeyBytes(options.publicKey, "publicKey");
    if (!options.server) {
      if (options.serverKey === undefined) {
        throw new TypeError("A CURVE client needs serverKey: the server's public key (Z85 or 32 bytes)");
      }
      this.#peerPublicKey = curveKeyBytes(options.serverKey, "serverKey");
    }
    this.#random = options.random ?? ((_purpose, length) => randomBytes(length));
    const [ours, theirs] = options.server ? ["S", "C"] : ["C", "S"];
    this.#sendNonce = nonce24(`CurveZMQMESSAGE${ours}`);
    this.#receiveNonce = nonce24(`CurveZMQMESSAGE${theirs}`);
  }

  /** See {@linkcode Mechanism.status}. */
  get status(): MechanismStatus {
    const state = this.asServer ? this.#server : this.#client;
    if (state === "ready") return "ready";
    if (state === "error" || state === "send-error") return "error";
    return "handshaking";
  }

  /** See {@linkcode Mechanism.peerProperties}. */
  get peerProperties(): Metadata {
    return this.#peerProperties;
  }

  /** See {@linkcode Mechanism.userId}. */
  get userId(): string {
    return this.#userId;
  }

  /** See {@linkcode Mechanism.zapProperties}. */
  get zapProperties(): Metadata {
    return this.#zapProperties;
  }

  /**
   * The peer's permanent public key: the server key for a client; for a
   * server, the client's key once INITIATE has been verified (else `null`).
   */
  get peerPublicKey(): Uint8Array | null {
    return this.#peerPublicKey?.slice() ?? null;
  }

  /** Loads the crypto library; see {@linkcode Mechanism.prepare}. */
  async prepare(): Promise<void> {
    this.#crypto ??= await loadCrypto();
  }

  /** See {@linkcode Mechanism.nextCommand}. May throw a `ProtocolError` if a key is unusable. */
  nextCommand(): Uint8Array | null {
    try {
      return this.asServer ? this.#serverNext() : this.#clientNext();
    } catch (error) {
      this.#fail();
      throw error;
    }
  }

  /** See {@linkcode Mechanism.processCommand}. */
  processCommand(body: Uint8Array): void | Promise<void> {
    if (this.#crypto === undefined) {
      return this.prepare().then(() => this.processCommand(body), (error) => {
        this.#fail();
        throw error;
      });
    }
    try {
      const pending = this.asServer ? this.#serverCommand(body) : this.#clientCommand(body);
      if (pending) {
        return pending.catch((error) => {
          this.#fail();
          throw error;
        });
      }
    } catch (error) {
      this.#fail();
      throw error;
    }
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
    if ((flags & ~(FLAG_MORE | FLAG_COMMAND)) !== 0) {
      throw new RangeError(`CURVE encode() takes FLAG_MORE (0x01) and FLAG_COMMAND (0x04) only, got 0x${hex(flags)}`);
    }
    const plain = new Uint8Array(1 + body.length);
    plain[0] = (flags & FLAG_MORE ? 0x01 : 0) | (flags & FLAG_COMMAND ? 0x02 : 0);
    plain.set(body, 1);
    const nonce = this.#nonce++;
    writeNonce(this.#sendNonce, 16, nonce);
    const sealed = this.#crypto!.boxAfter(plain, this.#sendNonce, this.#sharedKey!);
    const out = new Uint8Array(16 + sealed.length);
    out.set(NAME_MESSAGE, 0);
    writeNonce(out, 8, nonce);
    out.set(sealed, 16);
    return out;
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
    const plain = this.#crypto!.boxOpenAfter(body.subarray(16), this.#receiveNonce, this.#sharedKey!);
    if (plain === null) {
      throw new ProtocolError("message", "CURVE MESSAGE does not authenticate: corrupted or forged", CRYPTOGRAPHIC);
    }
    this.#peerNonceHigh = high;
    this.#peerNonceLow = low;
    const inner = plain[0];
    onFrame(plain.subarray(1), (inner & 0x01 ? FLAG_MORE : 0) | (inner & 0x02 ? FLAG_COMMAND : 0));
  }

  // ---- client ----

  #clientNext(): Uint8Array | null {
    switch (this.#client) {
      case "send-hello": {
        const crypto = this.#requireCrypto();
        this.#makeTransient(crypto);
        const body = new Uint8Array(HELLO_SIZE);
        body.set(NAME_HELLO, 0);
        body[6] = 1; // version 1.0
        body[7] = 0;
        body.set(this.#transientPublic!, 80);
        const nonce = this.#nonce++;
        writeNonce(body, 112, nonce);
        const signature = crypto.box(
          new Uint8Array(64),
          shortNonce("CurveZMQHELLO---", nonce),
          this.#peerPublicKey!,
          this.#transientSecret!,
        );
        if (signature === null) throw unusableKey("serverKey");
        body.set(signature, 120);
        this.#client = "expect-welcome";
        return body;
      }
      case "send-initiate": {
        const crypto = this.#crypto!;
        this.#publicKey ??= crypto.publicKey(this.#secretKey);
        const vouchNonce = this.#randomValue("vouchNonce", 16);
        const vouch = crypto.box(
          concatBytes(this.#transientPublic!, this.#peerPublicKey!),
          longNonce("VOUCH---", vouchNonce),
          this.#peerTransient!,
          this.#secretKey,
        );
        if (vouch === null) throw unusableKey("secretKey");
        const plain = concatBytes(this.#publicKey, vouchNonce, vouch, encodeMetadata(this.#options.properties));
        const nonce = this.#nonce++;
        const sealed = crypto.boxAfter(plain, shortNonce("CurveZMQINITIATE", nonce), this.#sharedKey!);
        const body = new Uint8Array(NAME_INITIATE.length + COOKIE_SIZE + 8 + sealed.length);
        body.set(NAME_INITIATE, 0);
        body.set(this.#cookie!, 9);
        writeNonce(body, 105, nonce);
        body.set(sealed, 113);
        this.#cookie = null;
        this.#client = "expect-ready";
        return body;
      }
      default:
        return null;
    }
  }

  #clientCommand(body: Uint8Array): void {
    const state = this.#client;
    if (state !== "expect-welcome" && state !== "expect-ready") {
      throw new ProtocolError("handshake", `Unexpected ${commandName(body)} command: the CURVE client expects none`);
    }
    if (startsWith(body, NAME_ERROR)) {
      const reason = errorReason(body);
      throw new AuthError(
        errorReasonStatus(reason),
        `CURVE server refused the handshake: ERROR ${JSON.stringify(reason)}`,
      );
    }
    const crypto = this.#crypto!;
    if (state === "expect-welcome") {
      if (!startsWith(body, NAME_WELCOME)) {
        throw new ProtocolError(
          "handshake",
          `Unexpected ${commandName(body)} command; the CURVE client expects WELCOME`,
        );
      }
      if (body.length !== WELCOME_SIZE) {
        throw new ProtocolError("handshake", `Malformed CURVE WELCOME: ${body.length} bytes, expected ${WELCOME_SIZE}`);
      }
      const plain = crypto.boxOpen(
        body.subarray(24),
        longNonce("WELCOME-", body.subarray(8, 24)),
        this.#peerPublicKey!,
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
      this.#cookie = plain.slice(32, 32 + COOKIE_SIZE);
      this.#sharedKey = crypto.beforenm(this.#peerTransient, this.#transientSecret!);
      if (this.#sharedKey === null) throw new ProtocolError("handshake", "CURVE WELCOME carries an unusable key");
      this.#client = "send-initiate";
      return;
    }
    if (!startsWith(body, NAME_READY)) {
      throw new ProtocolError("handshake", `Unexpected ${commandName(body)} command; the CURVE client expects READY`);
    }
    if (body.length < READY_MIN) {
      throw new ProtocolError(
        "handshake",
        `Malformed CURVE READY: ${body.length} bytes, at least ${READY_MIN} expected`,
      );
    }
    const plain = crypto.boxOpenAfter(
      body.subarray(14),
      shortNonce("CurveZMQREADY---", body.subarray(6, 14)),
      this.#sharedKey!,
    );
    if (plain === null) throw new ProtocolError("handshake", "CURVE READY does not authenticate", CRYPTOGRAPHIC);
    this.#peerProperties = metadata(plain, "READY");
    this.#setPeerNonce(body, 6);
    this.#client = "ready";
  }

  // ---- server ----

  #serverNext(): Uint8Array | null {
    switch (this.#server) {
      case "send-welcome": {
        const crypto = this.#crypto!;
        this.#makeTransient(crypto);
        this.#cookieKey = this.#randomValue("cookieKey", 32);
        const cookieNonce = this.#randomValue("cookieNonce", 16);
        const cookieBox = crypto.secretbox(
          concatBytes(this.#peerTransient!, this.#transientSecret!),
          longNonce("COOKIE--", cookieNonce),
          this.#cookieKey,
        );
        const welcomeNonce = this.#randomValue("welcomeNonce", 16);
        const sealed = crypto.box(
          concatBytes(this.#transientPublic!, cookieNonce, cookieBox),
          longNonce("WELCOME-", welcomeNonce),
          this.#peerTransient!,
          this.#secretKey,
        );
        if (sealed === null) throw new ProtocolError("handshake", "CURVE HELLO carries an unusable key");
        this.#server = "expect-initiate";
        return concatBytes(NAME_WELCOME, welcomeNonce, sealed);
      }
      case "send-ready": {
        const nonce = this.#nonce++;
        const sealed = this.#crypto!.boxAfter(
          encodeMetadata(this.#options.properties),
          shortNonce("CurveZMQREADY---", nonce),
          this.#sharedKey!,
        );
        const body = new Uint8Array(14 + sealed.length);
        body.set(NAME_READY, 0);
        writeNonce(body, 6, nonce);
        body.set(sealed, 14);
        this.#server = "ready";
        return body;
      }
      case "send-error": {
        const error = this.#errorToSend!;
        this.#errorToSend = null;
        this.#server = "error";
        return error;
      }
      default:
        return null;
    }
  }

  #serverCommand(body: Uint8Array): void | Promise<void> {
    const state = this.#server;
    const crypto = this.#crypto!;
    if (state === "expect-hello") {
      if (!startsWith(body, NAME_HELLO)) {
        throw new ProtocolError("handshake", `Unexpected ${commandName(body)} command; the CURVE server expects HELLO`);
      }
      if (body.length !== HELLO_SIZE) {
        throw new ProtocolError("handshake", `Malformed CURVE HELLO: ${body.length} bytes, expected ${HELLO_SIZE}`);
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
      this.#setPeerNonce(body, 112);
      this.#server = "send-welcome";
      return;
    }
    if (state !== "expect-initiate") {
      throw new ProtocolError("handshake", `Unexpected ${commandName(body)} command: the CURVE server expects none`);
    }
    if (!startsWith(body, NAME_INITIATE)) {
      throw new ProtocolError(
        "handshake",
        `Unexpected ${commandName(body)} command; the CURVE server expects INITIATE`,
      );
    }
    if (body.length < INITIATE_MIN) {
      throw new ProtocolError(
        "handshake",
        `Malformed CURVE INITIATE: ${body.length} bytes, at least ${INITIATE_MIN} expected`,
      );
    }
    const cookie = body.subarray(9, 9 + COOKIE_SIZE);
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
    this.#peerProperties = metadata(plain.subarray(128), "INITIATE");
    this.#peerPublicKey = clientKey;
    this.#setPeerNonce(body, 105);
    this.#server = "asking-zap";
    return this.#askZap(clientKey);
  }

  async #askZap(clientKey: Uint8Array): Promise<void> {
    const reply = await askZap(this.#options, "CURVE", [clientKey]);
    if (reply === null || reply.status === 200) {
      // No handler bound: libzmq accepts any client key.
      if (reply) {
        this.#userId = reply.userId;
        this.#zapProperties = reply.metadata;
      }
      this.#server = "send-ready";
      return;
    }
    if (reply.status !== 300) {
      this.#server = "send-error";
      this.#errorToSend = encodeError(String(reply.status));
    }
    throw new AuthError(reply.status, `ZAP handler refused the CURVE client: ${reply.status} ${reply.statusText}`);
  }

  // ---- helpers ----

  #requireCrypto(): CurveCrypto {
    if (this.#crypto === undefined) {
      throw new Error("CurveMechanism.prepare() must be awaited before the first nextCommand(): it loads the crypto");
    }
    return this.#crypto;
  }

  #makeTransient(crypto: CurveCrypto): void {
    this.#transientSecret = this.#randomValue("transientSecretKey", 32);
    this.#transientPublic = crypto.publicKey(this.#transientSecret);
  }

  #randomValue(purpose: CurveRandomPurpose, length: number): Uint8Array {
    const value = this.#random(purpose, length);
    if (!(value instanceof Uint8Array) || value.length !== length) {
      throw new TypeError(`CURVE random source must return ${length} bytes for ${purpose}`);
    }
    return value.slice();
  }

  #setPeerNonce(body: Uint8Array, at: number): void {
    this.#peerNonceHigh = readUint32(body, at);
    this.#peerNonceLow = readUint32(body, at + 4);
  }

  #fail(): void {
    if (this.asServer) {
      if (this.#server !== "send-error") this.#server = "error";
    } else {
      this.#client = "error";
    }
  }
}

function nonce24(prefix: string): Uint8Array {
  const nonce = new Uint8Array(24);
  nonce.set(ascii(prefix), 0);
  return nonce;
}

/** A 16-byte prefix + 8-byte short nonce (a counter, or the 8 bytes from the wire). */
function shortNonce(prefix: string, nonce: number | Uint8Array): Uint8Array {
  const out = nonce24(prefix);
  if (typeof nonce === "number") writeNonce(out, 16, nonce);
  else out.set(nonce, 16);
  return out;
}

/** An 8-byte prefix + 16-byte long nonce. */
function longNonce(prefix: string, nonce: Uint8Array): Uint8Array {
  const out = new Uint8Array(24);
  out.set(ascii(prefix), 0);
  out.set(nonce.subarray(0, 16), 8);
  return out;
}

function writeNonce(out: Uint8Array, at: number, value: number): void {
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

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

function nonceText(high: number, low: number): string {
  return high === 0 ? String(low) : String(BigInt(high) * 0x100000000n + BigInt(low));
}

function hex(value: number): string {
  return value.toString(16).padStart(2, "0");
}

function commandName(body: Uint8Array): string {
  try {
    return splitCommand(body).name;
  } catch {
    return "malformed";
  }
}

function errorReason(body: Uint8Array): string {
  const data = body.subarray(NAME_ERROR.length);
  if (data.length < 1 || 1 + data[0] > data.length) {
    throw new ProtocolError("command", "Malformed ERROR: reason length exceeds the command body");
  }
  return new TextDecoder().decode(data.subarray(1, 1 + data[0]));
}

function metadata(data: Uint8Array, command: string): Metadata {
  try {
    return parseMetadata(data);
  } catch (cause) {
    throw new ProtocolError("handshake", `Malformed CURVE ${command} metadata: ${(cause as Error).message}`);
  }
}

function unusableKey(name: string): ProtocolError {
  return new ProtocolError("handshake", `CURVE ${name} is not a usable Curve25519 key (a low-order point)`);
}
