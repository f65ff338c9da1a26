/**
 * The tcp transport: `tcp://host:port` over the runtime's TCP sockets.
 *
 * @module
 */

import { type Endpoint, formatTcpEndpoint } from "../endpoint.ts";
import type { Conn, Runtime } from "../runtime/runtime.ts";
import { type Bound, type ConnectOptions, type ListenOptions, type StreamTransport, toZmqError } from "./transport.ts";

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
