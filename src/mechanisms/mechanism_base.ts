/**
 * What NULL, PLAIN and CURVE share beyond the {@linkcode Mechanism}
 * interface: the peer's metadata, the ZAP handler's user id and
 * properties, the ERROR command waiting to be sent after a refusal, and
 * the libzmq rules for a ZAP reply (200 accepts; 300 closes silently; 400
 * and 500 send ERROR with the status as reason).
 *
 * @module
 */

import { encodeError, type Metadata } from "../codec/command.ts";
import { AuthError } from "../errors.ts";
import type { Mechanism, ZapReply } from "./mechanism.ts";

/**
 * The base of the three mechanisms: holds the peer's metadata, the user
 * id and properties of an accepted ZAP reply, and the pending ERROR slot.
 * Subclasses implement the rest of {@linkcode Mechanism}.
 *
 * @example Usage
 * ```ts
 * import { MechanismBase } from "./mechanism_base.ts";
 * import assert from "node:assert/strict";
 * class Refusing extends MechanismBase {
 *   refuse() {
 *     return this.refuseZap({ status: 400, statusText: "No", userId: "", metadata: new Map() }, "the peer");
 *   }
 *   next() {
 *     return this.takeError();
 *   }
 * }
 * const m = new Refusing();
 * assert.equal(m.refuse().message, "ZAP handler refused the peer: 400 No");
 * assert.equal(m.next()?.[0], 5, "an ERROR command");
 * assert.equal(m.next(), null, "sent once");
 * ```
 */
export abstract class MechanismBase {
  #peerProperties: Metadata = new Map();
  #userId = "";
  #zapProperties: Metadata = new Map();
  #pendingError: Uint8Array | null = null;

  /** See {@linkcode Mechanism.peerProperties}. */
  get peerProperties(): Mechanism["peerProperties"] {
    return this.#peerProperties;
  }

  /** See {@linkcode Mechanism.userId}. */
  get userId(): Mechanism["userId"] {
    return this.#userId;
  }

  /** See {@linkcode Mechanism.zapProperties}. */
  get zapProperties(): Mechanism["zapProperties"] {
    return this.#zapProperties;
  }

  /**
   * Keeps the metadata the peer announced (in READY or INITIATE).
   *
   * @param properties The parsed metadata.
   */
  protected receivedProperties(properties: Metadata): void {
    this.#peerProperties = properties;
  }

  /**
   * Takes a ZAP 200 reply: its user id and metadata become the connection's.
   *
   * @param reply The accepting reply.
   */
  protected acceptZap(reply: ZapReply): void {
    this.#userId = reply.userId;
    this.#zapProperties = reply.metadata;
  }

  /**
   * Handles a refusing ZAP reply as libzmq does: after 400 or 500 an ERROR
   * command carrying the status waits to be sent ({@linkcode takeError});
   * after 300 nothing is sent and the connection just closes.
   *
   * @param reply The refusing reply (300, 400 or 500).
   * @param who Whom the handler refused, for the message ("the PLAIN client").
   * @returns The error for the caller to throw.
   */
  protected refuseZap(reply: ZapReply, who: string): AuthError {
    if (reply.status !== 300) this.#pendingError = encodeError(String(reply.status));
    return new AuthError(reply.status, `ZAP handler refused ${who}: ${reply.status} ${reply.statusText}`);
  }

  /** Whether an ERROR command waits to be sent. */
  protected get errorPending(): boolean {
    return this.#pendingError !== null;
  }

  /**
   * The ERROR command waiting to be sent, once; then `null`.
   *
   * @returns The ERROR command body, or `null`.
   */
  protected takeError(): Uint8Array | null {
    const error = this.#pendingError;
    this.#pendingError = null;
    return error;
  }

  /**
   * Runs one handshake step; if it throws, or returns a promise that
   * rejects, calls {@linkcode MechanismBase.markFailed} and passes the
   * error on. A synchronous failure stays synchronous.
   *
   * @param step The step.
   * @returns What the step returns.
   */
  protected failOnError<T>(step: () => T): T {
    try {
      const result = step();
      if (result instanceof Promise) {
        return result.catch((error) => {
          this.markFailed();
          throw error;
        }) as T;
      }
      return result;
    } catch (error) {
      this.markFailed();
      throw error;
    }
  }

  /** Puts the handshake into its failed state; {@linkcode MechanismBase.failOnError} calls it. */
  protected markFailed(): void {}
}
