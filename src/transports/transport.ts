/**
 * Byte-stream transports (tcp, ipc): how an endpoint becomes a listener or
 * a connection. Each transport maps its endpoint onto the runtime adapter;
 * what runs over the bytes is the engine's business (`src/engine/`), and
 * which session uses them is `src/session/session_factory.ts`'s.
 *
 * @module
 */

import type { Endpoint } from "../endpoint.ts";
import { ZmqError } from "../errors.ts";
import { type Conn, type Listener, type Runtime, RuntimeError } from "../runtime/runtime.ts";

/** Options a transport may use when binding. */
export interface ListenOptions {
  /** Whether IPv6 is enabled on the socket. */
  ipv6: boolean;
}

/** Options a transport may use when connecting. */
export interface ConnectOptions {
  /** ms a single connect attempt may take (0 = OS default). */
  connectTimeout: number;
  /** Enable TCP keepalive. */
  keepAlive: boolean;
}

/** A bound listener and the endpoint it is actually bound to. */
export interface Bound {
  /** The listener. */
  listener: Listener;
  /** The resolved endpoint, e.g. `tcp://127.0.0.1:40123` for `tcp://127.0.0.1:*`. */
  endpoint: string;
  /** Called after the listener is closed (e.g. to remove an ipc socket file). */
  cleanup?: () => Promise<void>;
}

/**
 * A transport that carries ZMTP over a byte stream.
 *
 * @example Usage
 * ```ts ignore
 * const bound = await tcpTransport.listen(endpoint, runtime, { ipv6: false });
 * ```
 */
export interface StreamTransport {
  /**
   * Optional: checks an endpoint before use, throwing the transport's own
   * errors at once (an ipc path that is too long, an abstract name the
   * runtime cannot address).
   */
  check?(endpoint: Endpoint, runtime: Runtime): void;
  /** Binds the endpoint. Rejects with a `ZmqError` (EADDRINUSE, EADDRNOTAVAIL, EACCES, ...). */
  listen(endpoint: Endpoint, runtime: Runtime, options: ListenOptions): Promise<Bound>;
  /** Opens one connection to the endpoint. Rejects with a `RuntimeError`. */
  connect(endpoint: Endpoint, runtime: Runtime, options: ConnectOptions): Promise<Conn>;
}

/**
 * Maps a runtime failure to a `ZmqError` with the matching zeromq.js code.
 *
 * @example Usage
 * ```ts
 * import { toZmqError } from "./transport.ts";
 * import { RuntimeError } from "../runtime/runtime.ts";
 * import assert from "node:assert/strict";
 * const err = toZmqError(new RuntimeError("EADDRINUSE", "in use"), "tcp://127.0.0.1:5555");
 * assert.equal(err.code, "EADDRINUSE");
 * ```
 */
export function toZmqError(err: unknown, address: string): ZmqError {
  if (err instanceof ZmqError) return err;
  const code = err instanceof RuntimeError ? err.code : "";
  const message = (err as Error)?.message ?? String(err);
  switch (code) {
    case "EADDRINUSE":
      return new ZmqError("EADDRINUSE", `Address already in use: ${address}`, { address, cause: err });
    case "EADDRNOTAVAIL":
      return new ZmqError("EADDRNOTAVAIL", `Address not available on this machine: ${address}`, {
        address,
        cause: err,
      });
    case "EACCES":
      return new ZmqError("EACCES", `Permission denied for ${address}: ${message}`, { address, cause: err });
    case "ENOENT":
      return new ZmqError("ENOENT", `No such file or directory: ${address}`, { address, cause: err });
    default:
      return new ZmqError("EINVAL", `Cannot use ${address}: ${message}`, { address, cause: err });
  }
}
