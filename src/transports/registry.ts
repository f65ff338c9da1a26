/**
 * Which byte-stream transport serves an endpoint.
 *
 * @module
 */

import type { Endpoint } from "../endpoint.ts";
import { ZmqError } from "../errors.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { checkIpcEndpoint, ipcTransport } from "./ipc.ts";
import { tcpTransport } from "./tcp.ts";
import type { StreamTransport } from "./transport.ts";

/**
 * The transport for an endpoint; throws `EPROTONOSUPPORT` for one this
 * build cannot serve, and the endpoint's own errors (an ipc path that is
 * too long, an abstract name the runtime cannot address) at once.
 *
 * @example Usage
 * ```ts
 * import { streamTransportFor } from "./registry.ts";
 * import { parseEndpoint } from "../endpoint.ts";
 * import assert from "node:assert/strict";
 * assert.ok(streamTransportFor(parseEndpoint("tcp://127.0.0.1:5555", "connect")));
 * ```
 */
export function streamTransportFor(endpoint: Endpoint, runtime?: Runtime): StreamTransport {
  switch (endpoint.transport) {
    case "tcp":
      return tcpTransport;
    case "ipc":
      checkIpcEndpoint(endpoint, runtime);
      return ipcTransport;
    default:
      throw new ZmqError("EPROTONOSUPPORT", `Transport ${endpoint.transport}:// is not available in this build`, {
        address: endpoint.text,
      });
  }
}
