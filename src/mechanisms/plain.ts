/**
 * The PLAIN mechanism (ZeroMQ RFC 24): a clear-text username and password,
 * checked by the server's ZAP handler. Authentication only: traffic is not
 * encrypted.
 *
 * ```
 * client: HELLO username password       server: (asks ZAP) WELCOME | ERROR | close
 * client: INITIATE metadata             server: READY metadata
 * ```
 *
 * Behaves as libzmq 4.3 does: the server asks ZAP for every HELLO and
 * rejects every client when no ZAP handler is bound; it sends WELCOME only
 * after a 200 reply, ERROR after 400/500 and closes silently after 300. The
 * client accepts libzmq's mis-encoded ERROR (`5e 52 52 4f 52 …`, "^RROR")
 * as well as a correct one.
 *
 * @module
 */

import { encodeCommand, encodeError, encodeMetadata, type Metadata, parseMetadata } from "../codec/command.ts";
import { AuthError, ProtocolError } from "../errors.ts";
import type { Mechanism, MechanismOptions, MechanismStatus } from "./mechanism.ts";
import { askZap, errorReasonStatus } from "./zap.ts";

/**
 * Options of {@linkcode PlainMechanism}.
 *
 * @example Usage
 * ```ts
 * import type { PlainMechanismOptions } from "./plain.ts";
 * import assert from "node:assert/strict";
 * const client: PlainMechanismOptions = { properties: [["Socket-Type", "DEALER"]], peerAddress: "",
 *   routingId: new Uint8Array(0), zapDomain: "", server: false, username: "admin", password: "secret" };
 * assert.equal(client.server, false);
 * ```
 */
export interface PlainMechanismOptions extends MechanismOptions {
  /** Whether this side is the PLAIN server (it checks credentials through ZAP). */
  server: boolean;
  /** The client's username (UTF-8, at most 255 bytes). Default `""`. */
  username?: string;
  /** The client's password (UTF-8, at most 255 bytes). Default `""`. */
  password?: string;
}

type ClientState = "send-hello" | "expect-welcome" | "send-initiate" | "expect-ready" | "ready" | "error";
type ServerState =
  | "expect-hello"
  | "asking-zap"
  | "send-welcome"
  | "expect-initiate"
  | "send-ready"
  | "ready"
  | "send-error"
  | "error";

const HELLO = "HELLO";
const WELCOME = "WELCOME";
const INITIATE = "INITIATE";
const READY = "READY";

/**
 * The PLAIN mechanism for one connection, client or server side.
 *
 * @example Usage
 * ```ts
 * import { PlainMechanism } from "./plain.ts";
 * import assert from "node:assert/strict";
 * const base = { peerAddress: "127.0.0.1", routingId: new Uint8Array(0), zapDomain: "" };
 * const client = new PlainMechanism({ ...base, server: false, username: "admin", password: "secret",
 *   properties: [["Socket-Type", "DEALER"]] });
 * const server = new PlainMechanism({ ...base, server: true, properties: [["Socket-Type", "ROUTER"]],
 *   zap: async (req) => ({ status: 200, statusText: "OK", userId: "admin", metadata: new Map() }) });
 * await server.processCommand(client.nextCommand()!); // HELLO
 * await client.processCommand(server.nextCommand()!); // WELCOME
 * await server.processCommand(client.nextCommand()!); // INITIATE
 * await client.processCommand(server.nextCommand()!); // READY
 * assert.equal(client.status, "ready");
 * assert.equal(server.status, "ready");
 * assert.equal(server.userId, "admin");
 * ```
 */
export class PlainMechanism implements Mechanism {
  readonly name = "PLAIN" as const;
  readonly asServer: boolean;
  #options: PlainMechanismOptions;
  #client: ClientState = "send-hello";
  #server: ServerState = "expect-hello";
  #username: Uint8Array;
  #password: Uint8Array;
  #errorToSend: Uint8Array | null = null;
  #peerProperties: Metadata = new Map();
  #userId = "";
  #zapProperties: Metadata = new Map();

  /**
   * Makes the mechanism for one side of one connection.
   *
   * @param options Socket properties, ZAP access and the role; a client also gives `username`/`password`.
   */
  constructor(options: PlainMechanismOptions) {
    this.#options = options;
    this.asServer = options.server;
    this.#username = credential(options.username, "username");
    this.#password = credential(options.password, "password");
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

  /** See {@linkcode Mechanism.nextCommand}. */
  nextCommand(): Uint8Array | null {
    if (this.asServer) {
      switch (this.#server) {
        case "send-welcome":
          this.#server = "expect-initiate";
          return encodeCommand(WELCOME);
        case "send-ready":
          this.#server = "ready";
          return encodeCommand(READY, encodeMetadata(this.#options.properties));
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
    switch (this.#client) {
      case "send-hello": {
        this.#client = "expect-welcome";
        const data = new Uint8Array(2 + this.#username.length + this.#password.length);
        data[0] = this.#username.length;
        data.set(this.#username, 1);
        data[1 + this.#username.length] = this.#password.length;
        data.set(this.#password, 2 + this.#username.length);
        return encodeCommand(HELLO, data);
      }
      case "send-initiate":
        this.#client = "expect-ready";
        return encodeCommand(INITIATE, encodeMetadata(this.#options.properties));
      default:
        return null;
    }
  }

  /** See {@linkcode Mechanism.processCommand}. */
  processCommand(body: Uint8Array): void | Promise<void> {
    try {
      const pending = this.asServer ? this.#serverCommand(body) : this.#clientCommand(body);
      if (pending) return pending.catch((error) => this.#fail(error));
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Marks the handshake failed (keeping a pending ERROR to send) and rethrows. */
  #fail(error: unknown): never {
    if (this.asServer) {
      if (this.#server !== "send-error") this.#server = "error";
    } else {
      this.#client = "error";
    }
    throw error;
  }

  #clientCommand(body: Uint8Array): void {
    const state = this.#client;
    const expected = state === "expect-welcome" ? WELCOME : state === "expect-ready" ? READY : null;
    const reason = errorReason(body);
    if (reason !== null && expected !== null) {
      throw new AuthError(
        errorReasonStatus(reason),
        `PLAIN server refused the handshake: ERROR ${JSON.stringify(reason)}`,
      );
    }
    const name = commandName(body);
    if (expected === null || name !== expected) {
      throw new ProtocolError(
        "handshake",
        expected === null
          ? `Unexpected ${name} command: the PLAIN client is not waiting for a command`
          : `Unexpected ${name} command during the PLAIN handshake; expected ${expected}`,
      );
    }
    const data = body.subarray(1 + name.length);
    if (expected === WELCOME) {
      if (data.length !== 0) {
        throw new ProtocolError("handshake", `Malformed PLAIN WELCOME: ${data.length} unexpected bytes after the name`);
      }
      this.#client = "send-initiate";
      return;
    }
    this.#peerProperties = this.#metadata(data, READY);
    this.#client = "ready";
  }

  #serverCommand(body: Uint8Array): void | Promise<void> {
    const state = this.#server;
    const expected = state === "expect-hello" ? HELLO : state === "expect-initiate" ? INITIATE : null;
    const name = commandName(body);
    if (expected === null || name !== expected) {
      throw new ProtocolError(
        "handshake",
        expected === null
          ? `Unexpected ${name} command: the PLAIN server is not waiting for a command`
          : `Unexpected ${name} command during the PLAIN handshake; expected ${expected}`,
      );
    }
    const data = body.subarray(1 + name.length);
    if (expected === INITIATE) {
      this.#peerProperties = this.#metadata(data, INITIATE);
      this.#server = "send-ready";
      return;
    }
    // HELLO: [u-len][username][p-len][password], and nothing after it.
    const uLength = data.length > 0 ? data[0] : -1;
    const pAt = 1 + uLength;
    if (uLength < 0 || pAt >= data.length || pAt + 1 + data[pAt] !== data.length) {
      throw new ProtocolError(
        "handshake",
        "Malformed PLAIN HELLO: the body must be [username length][username][password length][password] and end there",
      );
    }
    const username = data.slice(1, pAt);
    const password = data.slice(pAt + 1);
    this.#server = "asking-zap";
    return this.#askZap(username, password);
  }

  async #askZap(username: Uint8Array, password: Uint8Array): Promise<void> {
    const reply = await askZap(this.#options, "PLAIN", [username, password]);
    if (reply === null) {
      // libzmq: a PLAIN server without a ZAP handler rejects every client, silently.
      throw new AuthError(
        0,
        "PLAIN server has no ZAP handler, so it rejects every client (as libzmq does); " +
          "bind a ZAP handler (for example a ZapPolicy) to check usernames and passwords",
      );
    }
    if (reply.status === 200) {
      this.#userId = reply.userId;
      this.#zapProperties = reply.metadata;
      this.#server = "send-welcome";
      return;
    }
    if (reply.status !== 300) {
      this.#server = "send-error";
      this.#errorToSend = encodeError(String(reply.status));
    }
    throw new AuthError(reply.status, `ZAP handler refused the PLAIN client: ${reply.status} ${reply.statusText}`);
  }

  #metadata(data: Uint8Array, command: string): Metadata {
    try {
      return parseMetadata(data);
    } catch (cause) {
      throw new ProtocolError("handshake", `Malformed PLAIN ${command}: ${(cause as Error).message}`);
    }
  }
}

function credential(value: string | undefined, name: string): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  if (typeof value !== "string") throw new TypeError(`PLAIN ${name} must be a string, got ${typeof value}`);
  const bytes = new TextEncoder().encode(value);
  if (bytes.length > 255) {
    throw new RangeError(`PLAIN ${name} must be at most 255 bytes of UTF-8, got ${bytes.length}`);
  }
  return bytes;
}

function commandName(body: Uint8Array): string {
  if (body.length === 0) throw new ProtocolError("command", "Empty command frame");
  const length = body[0];
  if (length === 0 || 1 + length > body.length) {
    return `(malformed: name length ${length} in a ${body.length}-byte body)`;
  }
  let name = "";
  for (let i = 1; i <= length; i++) name += String.fromCharCode(body[i]);
  return name;
}

/**
 * The reason of an ERROR command, in its correct form (`05 "ERROR"`) or as
 * libzmq's PLAIN server mis-encodes it (`5e "RROR"`: "\x05ERROR" read by C as
 * the escape `\x05E`); `null` for any other command. A malformed ERROR is a
 * `ProtocolError`.
 */
function errorReason(body: Uint8Array): string | null {
  let at: number;
  if (body.length >= 6 && body[0] === 5 && body[1] === 0x45 && isRror(body, 2)) at = 6;
  else if (body.length >= 5 && body[0] === 0x5e && isRror(body, 1)) at = 5;
  else return null;
  if (at >= body.length || at + 1 + body[at] > body.length) {
    throw new ProtocolError("command", "Malformed ERROR: reason length exceeds the command body");
  }
  return new TextDecoder().decode(body.subarray(at + 1, at + 1 + body[at]));
}

function isRror(body: Uint8Array, at: number): boolean {
  return body[at] === 0x52 && body[at + 1] === 0x52 && body[at + 2] === 0x4f && body[at + 3] === 0x52;
}
