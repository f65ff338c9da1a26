/**
 * The in-process names of one context: which sockets are bound at which
 * `inproc://` name, which connects wait for a bind, and the ZAP handler
 * installed in place of a socket at `inproc://zeromq.zap.01`.
 *
 * @module
 */

import type { ZapClient } from "../mechanisms/mechanism.ts";
import type { InprocBinding, InprocConnection } from "./inproc_session.ts";

/**
 * The inproc names of a context (a `Context` owns one).
 *
 * @example Usage
 * ```ts
 * import { InprocRegistry } from "./inproc_registry.ts";
 * import assert from "node:assert/strict";
 * const registry = new InprocRegistry();
 * assert.equal(registry.binds.size, 0);
 * assert.equal(registry.zapHandler, null);
 * ```
 */
export class InprocRegistry {
  /** Bound names (without `inproc://`). */
  readonly binds: Map<string, InprocBinding> = new Map();
  /** Connects waiting for their name to be bound. */
  readonly pending: Map<string, Set<InprocConnection>> = new Map();
  /**
   * A function that answers ZAP requests in-process (what an
   * `Authenticator` installs), asked before any socket bound at
   * `inproc://zeromq.zap.01`; `null` when none is installed.
   */
  zapHandler: ZapClient | null = null;
}
