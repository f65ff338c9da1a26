/**
 * The client side of PLAIN (ZeroMQ RFC 24): sends the username and
 * password in HELLO, then its metadata in INITIATE once WELCOME arrives.
 * Accepts libzmq's mis-encoded ERROR (`5e 52 52 4f 52 …`, "^RROR") as well
 * as a correct one.
 *
 * @module
 */

import { encodeCommand, encodeMetadata } from "../codec/command.ts";
import { AuthError, ProtocolError } from "../errors.ts";
import type { Mechanism, MechanismOptions, MechanismStatus } from "./mechanism.ts";
import { MechanismBase } from "./mechanism_base.ts";
import { expectPlainCommand, parsePlainMetadata, PLAIN_COMMAND } from "./plain_command.ts";
import { errorReasonStatus } from "./zap.ts";

/**
 * Options of {@linkcode PlainClient}.
 *
 * @example Usage
 * ```ts
 * import type { PlainClientOptions } from "./plain_client.ts";
 * import assert from "node:assert/strict";
 * const options: PlainClientOptions = { properties: [["Socket-Type", "DEALER"]], peerAddress: "",
 *   routingId: new Uint8Array(0), zapDomain: "", username: "admin", password: "secret" };
 * assert.equal(options.username, "admin");
 * ```
 */
export interface PlainClientOptions extends MechanismOptions {
  /** The username (UTF-8, at most 255 bytes). Default `""`. */
  username?: string;
  /** The password (UTF-8, at most 255 bytes). Default `""`. */
  password?: string;
}

type State = "send-hello" | "expect-welcome" | "send-initiate" | "expect-ready" | "ready" | "error";

const { HELLO, WELCOME, INITIATE, READY } = PLAIN_COMMAND;

/**
 * The PLAIN client for one connection.
 *
 * @example Usage
 * ```ts
 * import { PlainClient } from "./plain_client.ts";
 * import assert from "node:assert/strict";
 * const client = new PlainClient({ properties: [["Socket-Type", "DEALER"]], peerAddress: "",
 *   routingId: new Uint8Array(0), zapDomain: "", username: "admin", password: "secret" });
 * const hello = client.nextCommand()!;
 * assert.equal(new TextDecoder().decode(hello.subarray(1, 6)), "HELLO");
 * assert.equal(client.nextCommand(), null, "nothing more until WELCOME");
 * ```
 */
export class PlainClient extends MechanismBase implements Mechanism {
  readonly name = "PLAIN" as const;
  readonly asServer = false;
  #options: PlainClientOptions;
  #state: State = "send-hello";
  #username: Uint8Array;
  #password: Uint8Array;

  /**
   * Makes the client for one connection. A credential that is not a
   * string is a `TypeError`; one over 255 bytes a `RangeError`.
   *
   * @param options Socket properties, username and password.
   */
  constructor(options: PlainClientOptions) {
    super();
    this.#options = options;
    this.#username = credential(options.username, "username");
    this.#password = credential(options.password, "password");
  }

  /** See {@linkcode Mechanism.status}. */
  get status(): MechanismStatus {
    if (this.#state === "ready") return "ready";
    if (this.#state === "error") return "error";
    return "handshaking";
  }

  /** See {@linkcode Mechanism.nextCommand}. */
  nextCommand(): Uint8Array | null {
    switch (this.#state) {
      case "send-hello": {
        this.#state = "expect-welcome";
        const data = new Uint8Array(2 + this.#username.length + this.#password.length);
        data[0] = this.#username.length;
        data.set(this.#username, 1);
        data[1 + this.#username.length] = this.#password.length;
        data.set(this.#password, 2 + this.#username.length);
        return encodeCommand(HELLO, data);
      }
      case "send-initiate":
        this.#state = "expect-ready";
        return encodeCommand(INITIATE, encodeMetadata(this.#options.properties));
      default:
        return null;
    }
  }

  /** See {@linkcode Mechanism.processCommand}. */
  processCommand(body: Uint8Array): void {
    this.failOnError(() => this.#process(body));
  }

  /** Marks the handshake failed. */
  protected override markFailed(): void {
    this.#state = "error";
  }

  #process(body: Uint8Array): void {
    const state = this.#state;
    const expected = state === "expect-welcome" ? WELCOME : state === "expect-ready" ? READY : null;
    const reason = errorReason(body);
    if (reason !== null && expected !== null) {
      throw new AuthError(
        errorReasonStatus(reason),
        `PLAIN server refused the handshake: ERROR ${JSON.stringify(reason)}`,
      );
    }
    const data = expectPlainCommand(body, expected, "client");
    if (expected === WELCOME) {
      if (data.length !== 0) {
        throw new ProtocolError("handshake", `Malformed PLAIN WELCOME: ${data.length} unexpected bytes after the name`);
      }
      this.#state = "send-initiate";
      return;
    }
    this.receivedProperties(parsePlainMetadata(data, READY));
    this.#state = "ready";
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
