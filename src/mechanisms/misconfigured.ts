/**
 * A mechanism whose socket lacks what it needs (a CURVE socket without its
 * keys). libzmq lets such a socket bind and connect and fails each
 * handshake; this does the same: it announces its mechanism in the
 * greeting (so a mismatch with the peer is still reported as one), then
 * fails with a `ProtocolError` that says what is missing.
 *
 * @module
 */

import type { Metadata } from "../codec/command.ts";
import type { MechanismName } from "../codec/greeting.ts";
import { ProtocolError } from "../errors.ts";
import type { Mechanism, MechanismStatus } from "./mechanism.ts";

/**
 * A mechanism that cannot run, and says why when its handshake starts.
 *
 * @example Usage
 * ```ts
 * import { MisconfiguredMechanism } from "./misconfigured.ts";
 * import assert from "node:assert/strict";
 * const m = new MisconfiguredMechanism("CURVE", true, "CURVE needs curveSecretKey");
 * assert.equal(m.name, "CURVE");
 * assert.throws(() => m.nextCommand(), /CURVE needs curveSecretKey/);
 * assert.equal(m.status, "error");
 * ```
 */
export class MisconfiguredMechanism implements Mechanism {
  /** The mechanism announced in the greeting. */
  readonly name: MechanismName;
  /** Whether the socket is that mechanism's server. */
  readonly asServer: boolean;
  readonly #problem: string;
  #failed = false;

  /** Makes a mechanism that fails with `problem`. */
  constructor(name: MechanismName, asServer: boolean, problem: string) {
    this.name = name;
    this.asServer = asServer;
    this.#problem = problem;
  }

  /** `"error"` once the handshake was tried. */
  get status(): MechanismStatus {
    return this.#failed ? "error" : "handshaking";
  }

  /** Nothing is known of the peer. */
  get peerProperties(): Metadata {
    return new Map();
  }

  /** No ZAP handler was asked. */
  get userId(): string {
    return "";
  }

  /** No ZAP handler was asked. */
  get zapProperties(): Metadata {
    return new Map();
  }

  /** Fails: the handshake cannot start. */
  nextCommand(): Uint8Array | null {
    return this.#fail();
  }

  /** Fails: the handshake cannot go on. */
  processCommand(_body: Uint8Array): void {
    this.#fail();
  }

  #fail(): never {
    this.#failed = true;
    throw new ProtocolError("mechanism", this.#problem, "ERR_ZMTP_UNSPECIFIED");
  }
}
