/**
 * A context: the runtime sockets use for I/O, and the scope of `inproc://`
 * endpoints and of the ZAP handler. Most programs use the default context
 * (`zmq.context`), which the entry module binds to its runtime.
 *
 * @module
 */

import type { Runtime } from "./runtime/runtime.ts";
import { InprocRegistry } from "./session/inproc_registry.ts";

/** Options of {@linkcode Context}. */
export interface ContextOptions {
  /** The runtime adapter. Default: the runtime of the default context. */
  runtime?: Runtime;
}

let defaultContext: Context | null = null;
let registryOf: (context: Context) => InprocRegistry;

/**
 * A group of sockets sharing a runtime, inproc endpoints and a ZAP handler.
 *
 * @example Usage
 * ```ts
 * import { Context } from "./context.ts";
 * import { denoRuntime } from "./runtime/deno.ts";
 * import assert from "node:assert/strict";
 * const ctx = new Context({ runtime: denoRuntime });
 * assert.equal(ctx.runtime.name, "deno");
 * ```
 */
export class Context {
  /** The runtime adapter sockets of this context use. */
  readonly runtime: Runtime;
  /** The context's `inproc://` names, and the ZAP handler an `Authenticator` installs. */
  readonly #inproc: InprocRegistry = new InprocRegistry();

  static {
    registryOf = (context) => context.#inproc;
  }

  /** Makes a context; without a runtime it borrows the default context's. */
  constructor(options: ContextOptions = {}) {
    const runtime = options.runtime ?? defaultContext?.runtime;
    if (!runtime) throw new TypeError("Context needs a runtime: import zmq-ts through its entry module, or pass one");
    this.runtime = runtime;
  }
}

/**
 * Sets the default context (done once by the entry module).
 *
 * @example Usage
 * ```ts
 * import { Context, getDefaultContext, setDefaultContext } from "./context.ts";
 * import { denoRuntime } from "./runtime/deno.ts";
 * import assert from "node:assert/strict";
 * const ctx = new Context({ runtime: denoRuntime });
 * setDefaultContext(ctx);
 * assert.equal(getDefaultContext(), ctx);
 * ```
 */
export function setDefaultContext(context: Context): void {
  defaultContext = context;
}

/**
 * The default context; throws if the entry module has not set one.
 *
 * @example Usage
 * ```ts ignore
 * const ctx = getDefaultContext();
 * ```
 */
export function getDefaultContext(): Context {
  if (!defaultContext) throw new TypeError("No default context: import zmq-ts through its entry module (mod.ts)");
  return defaultContext;
}

/**
 * The `inproc://` names (and installed ZAP handler) of a context, for the
 * sockets and the `Authenticator` inside zmq-ts (not exported by `mod.ts`).
 *
 * @example Usage
 * ```ts
 * import { Context, inprocRegistryOf } from "./context.ts";
 * import { denoRuntime } from "./runtime/deno.ts";
 * import assert from "node:assert/strict";
 * const ctx = new Context({ runtime: denoRuntime });
 * assert.equal(inprocRegistryOf(ctx).binds.size, 0);
 * ```
 */
export function inprocRegistryOf(context: Context): InprocRegistry {
  return registryOf(context);
}
