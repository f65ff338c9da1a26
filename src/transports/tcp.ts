/**
 * The tcp transport: `tcp://host:port` over the runtime's TCP sockets.
 *
 * @module
 */

import { type Endpoint, formatTcpEndpoint } from "../endpoint.ts";
import { ZmqError } from "../errors.ts";
import { type Conn, type Runtime, RuntimeError } from "../runtime/runtime.ts";
import type { Bound, ConnectOptions, ListenOptions, StreamTransport } from "./transport.ts";

/**
 * Maps a runtime failure to a `ZmqError` with the matching zeromq.js code.
 *
 * @example Usage
 * ```ts
 * import { toZmqError } from "./tcp.ts";
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

/**
 * The tcp transport.
 *
 * @example Usage
 * ```ts
 * import { tcpTransport } from "./tcp.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof tcpTransport.listen, "function");
 * ```
 */
export const tcpTransport: StreamTransport = {
  listen(endpoint: Endpoint, runtime: Runtime, _options: ListenOptions): Promise<Bound> {
    if (endpoint.transport !== "tcp") throw new TypeError("tcpTransport needs a tcp endpoint");
    return runtime.listenTcp(endpoint.host, endpoint.port).then(
      (listener) => ({ listener, endpoint: formatTcpEndpoint(endpoint.host, listener.port) }),
      (err) => {
        throw toZmqError(err, endpoint.text);
      },
    );
  },

  connect(endpoint: Endpoint, runtime: Runtime, options: ConnectOptions): Promise<Conn> {
    if (endpoint.transport !== "tcp") throw new TypeError("tcpTransport needs a tcp endpoint");
    return runtime.connectTcp(endpoint.host, endpoint.port, {
      timeout: options.connectTimeout,
      keepAlive: options.keepAlive,
    });
  },
};
