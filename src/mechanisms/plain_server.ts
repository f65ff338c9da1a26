/**
 * The server side of PLAIN (ZeroMQ RFC 24): asks the ZAP handler for every
 * HELLO and, as libzmq 4.3 does, rejects every client when no handler is
 * bound; sends WELCOME only after a 200 reply, ERROR after 400/500 and
 * closes silently after 300; then answers INITIATE with READY.
 *
 * @module
 */

import { encodeCommand, encodeMetadata } from "../codec/command.ts";
import { AuthError, ProtocolError } from "../errors.ts";
import type { Mechanism, MechanismOptions, MechanismStatus } from "./mechanism.ts";
import { MechanismBase } from "./mechanism_base.ts";
import { expectPlainCommand, parsePlainMetadata, PLAIN_COMMAND } from "./plain_command.ts";
import { askZap } from "./zap.ts";

type State =
  | "expect-hello"
  | "asking-zap"
  | "send-welcome"
  | "expect-initiate"
  | "send-ready"
  | "ready"
  | "send-error"
  | "error";

const { HELLO, WELCOME, INITIATE, READY } = PLAIN_COMMAND;

/**
 * The PLAIN server for one connection.
 *
 * @example Usage
 * ```ts
 * import { PlainServer } from "./plain_server.ts";
 * import assert from "node:assert/strict";
 * const server = new PlainServer({ properties: [["Socket-Type", "ROUTER"]], peerAddress: "127.0.0.1",
 *   routingId: new Uint8Array(0), zapDomain: "",
 *   zap: async (request) => ({ status: 200, statusText: "OK", userId: "admin", metadata: new Map() }) });
 * assert.equal(server.nextCommand(), null, "the server speaks second");
 * await server.processCommand(Uint8Array.of(5, 0x48, 0x45, 0x4c, 0x4c, 0x4f, 1, 0x61, 1, 0x62)); // HELLO a b
 * assert.equal(server.nextCommand()?.[1], 0x57, "WELCOME");
 * assert.equal(server.userId, "admin");
 * ```
 */
export class PlainServer extends MechanismBase implements Mechanism {
  readonly name = "PLAIN" as const;
  readonly asServer = true;
  #options: MechanismOptions;
  #state: State = "expect-hello";

  /**
   * Makes the server for one connection.
   *
   * @param options Socket properties and ZAP access.
   */
  constructor(options: MechanismOptions) {
    super();
    this.#options = options;
  }

  /** See {@linkcode Mechanism.status}. */
  get status(): MechanismStatus {
    if (this.#state === "ready") return "ready";
    if (this.#state === "error" || this.#state === "send-error") return "error";
    return "handshaking";
  }

  /** See {@linkcode Mechanism.nextCommand}. */
  nextCommand(): Uint8Array | null {
    switch (this.#state) {
      case "send-welcome":
        this.#state = "expect-initiate";
        return encodeCommand(WELCOME);
      case "send-ready":
        this.#state = "ready";
        return encodeCommand(READY, encodeMetadata(this.#options.properties));
      case "send-error":
        this.#state = "error";
        return this.takeError();
      default:
        return null;
    }
  }

  /** See {@linkcode Mechanism.processCommand}. */
  processCommand(body: Uint8Array): void | Promise<void> {
    return this.failOnError(() => this.#process(body));
  }

  /** Marks the handshake failed, keeping a pending ERROR to send. */
  protected override markFailed(): void {
    if (this.#state !== "send-error") this.#state = "error";
  }

  #process(body: Uint8Array): void | Promise<void> {
    const state = this.#state;
    const expected = state === "expect-hello" ? HELLO : state === "expect-initiate" ? INITIATE : null;
    const data = expectPlainCommand(body, expected, "server");
    if (expected === INITIATE) {
      this.receivedProperties(parsePlainMetadata(data, INITIATE));
      this.#state = "send-ready";
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
    this.#state = "asking-zap";
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
      this.acceptZap(reply);
      this.#state = "send-welcome";
      return;
    }
    const refusal = this.refuseZap(reply, "the PLAIN client");
    if (this.errorPending) this.#state = "send-error";
    throw refusal;
  }
}
