/**
 * Byte-stream transports (tcp, ipc): how an endpoint becomes a listener or
 * a connection. Each transport maps its endpoint onto the runtime adapter.
 *
 * @module
 */

import type { Endpoint } from "../endpoint.ts";
import type { Conn, Listener, Runtime } from "../runtime/runtime.ts";

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
  /** Binds the endpoint. Rejects with a `ZmqError` (EADDRINUSE, EADDRNOTAVAIL, EACCES, ...). */
  listen(endpoint: Endpoint, runtime: Runtime, options: ListenOptions): Promise<Bound>;
  /** Opens one connection to the endpoint. Rejects with a `RuntimeError`. */
  connect(endpoint: Endpoint, runtime: Runtime, options: ConnectOptions): Promise<Conn>;
}
