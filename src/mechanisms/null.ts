/**
 * The NULL mechanism: one READY each way, no security. Both sides send
 * READY at once, as libzmq does. With a `zapDomain` set, a side asks the
 * context's ZAP handler first, as soon as the connection exists (libzmq's
 * `null_mechanism_t` does the same), and sends READY only after a 200 (or
 * when no handler is bound), ERROR after 400/500, nothing after 300.
 *
 * @module
 */

import { decodeCommand, encodeReady } from "../codec/command.ts";
import { AuthError, ProtocolError } from "../errors.ts";
import type { Mechanism, MechanismOptions, MechanismStatus } from "./mechanism.ts";
import { MechanismBase } from "./mechanism_base.ts";
import { askZap, errorReasonStatus } from "./zap.ts";

/**
 * The NULL mechanism for one connection.
 *
 * @example Usage
 * ```ts
 * import { NullMechanism } from "./null.ts";
 * import assert from "node:assert/strict";
 * const m = new NullMechanism({ properties: [["Socket-Type", "PUSH"]], peerAddress: "", routingId: new Uint8Array(0), zapDomain: "" });
 * assert.equal(m.nextCommand()?.[0], 5); // "READY" has 5 letters
 * ```
 */
export class NullMechanism extends MechanismBase implements Mechanism {
  readonly name = "NULL" as const;
  readonly asServer = false;
  #options: MechanismOptions;
  #readySent = false;
  #readyReceived = false;
  #zapDone: boolean;
  #failed = false;

  constructor(options: MechanismOptions) {
    super();
    this.#options = options;
    // ZAP applies to NULL only when the socket has a non-empty zapDomain.
    this.#zapDone = options.zapDomain === "" || options.zap === undefined;
  }

  /**
   * With a `zapDomain`, asks the ZAP handler before anything is sent, so
   * that READY (or ERROR) can follow without waiting for the peer's READY:
   * two sides that both have a domain would otherwise wait for each other.
   * Rejects with an `AuthError` when the handler refuses.
   */
  prepare(): Promise<void> {
    return this.#zapDone ? Promise.resolve() : this.#askZap();
  }

  get status(): MechanismStatus {
    if (this.#failed) return "error";
    return this.#readySent && this.#readyReceived ? "ready" : "handshaking";
  }

  nextCommand(): Uint8Array | null {
    const error = this.takeError();
    if (error) return error;
    if (this.#readySent || !this.#zapDone || this.#failed) return null;
    this.#readySent = true;
    return encodeReady(this.#options.properties);
  }

  processCommand(body: Uint8Array): void | Promise<void> {
    const command = decodeCommand(body);
    if (command.name === "ERROR") {
      this.#failed = true;
      throw new AuthError(
        errorReasonStatus(command.reason),
        `Peer refused the handshake: ERROR ${JSON.stringify(command.reason)}`,
      );
    }
    if (command.name !== "READY" || this.#readyReceived) {
      this.#failed = true;
      const name = command.name === "OTHER" ? command.command : command.name;
      throw new ProtocolError("handshake", `Unexpected ${name} command during the NULL handshake`);
    }
    this.#readyReceived = true;
    this.receivedProperties(command.properties);
  }

  async #askZap(): Promise<void> {
    const reply = await askZap(this.#options, "NULL", []);
    this.#zapDone = true;
    if (reply === null) return; // No handler bound: proceed, as libzmq does.
    if (reply.status === 200) {
      this.acceptZap(reply);
      return;
    }
    this.#failed = true;
    throw this.refuseZap(reply, "the peer");
  }
}
