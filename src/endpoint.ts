/**
 * Endpoint strings: `tcp://host:port`, `ipc://path`, `inproc://name`.
 *
 * @module
 */

import { ZmqError } from "./errors.ts";

/** A parsed endpoint. */
export type Endpoint =
  | { transport: "tcp"; host: string; port: number; text: string }
  | { transport: "ipc"; path: string; text: string }
  | { transport: "inproc"; name: string; text: string };

/** Whether the endpoint is parsed to bind (wildcards allowed) or to connect. */
export type EndpointRole = "bind" | "connect";

const invalid = (endpoint: string, why: string) =>
  new ZmqError("EINVAL", `Invalid endpoint ${JSON.stringify(endpoint)}: ${why}`, { address: endpoint });

/**
 * Parses an endpoint. For `bind`, host `*` means every interface (`0.0.0.0`,
 * or `::` with `ipv6`) and port `*` or `0` means a free port (reported as 0).
 * Throws a `ZmqError` with code `EINVAL` (malformed) or `EPROTONOSUPPORT`
 * (unknown transport).
 *
 * @example Usage
 * ```ts
 * import { parseEndpoint } from "./endpoint.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseEndpoint("tcp://127.0.0.1:*", "bind"), {
 *   transport: "tcp", host: "127.0.0.1", port: 0, text: "tcp://127.0.0.1:*",
 * });
 * assert.equal(parseEndpoint("tcp://[::1]:5555", "connect").transport, "tcp");
 * ```
 */
export function parseEndpoint(endpoint: string, role: EndpointRole, ipv6 = false): Endpoint {
  if (typeof endpoint !== "string") throw new TypeError(`Endpoint must be a string, got ${typeof endpoint}`);
  const match = /^([a-z]+):\/\/(.*)$/.exec(endpoint);
  if (!match) throw invalid(endpoint, "expected transport://address, e.g. tcp://127.0.0.1:5555");
  const [, transport, address] = match;
  switch (transport) {
    case "tcp":
      return parseTcp(endpoint, address, role, ipv6);
    case "ipc":
      if (address === "") throw invalid(endpoint, "the ipc path is empty");
      return { transport: "ipc", path: address, text: endpoint };
    case "inproc":
      if (address === "") throw invalid(endpoint, "the inproc name is empty");
      return { transport: "inproc", name: address, text: endpoint };
    default:
      throw new ZmqError(
        "EPROTONOSUPPORT",
        `Transport ${JSON.stringify(transport)} is not supported: use tcp://, ipc:// or inproc://`,
        { address: endpoint },
      );
  }
}

function parseTcp(endpoint: string, address: string, role: EndpointRole, ipv6: boolean): Endpoint {
  // An optional source address ("src;dest") is not supported.
  if (address.includes(";")) throw invalid(endpoint, "source addresses (src;dest) are not supported");
  const colon = address.lastIndexOf(":");
  if (colon < 0) throw invalid(endpoint, "missing :port");
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  if (host.startsWith("[")) {
    if (!host.endsWith("]")) throw invalid(endpoint, "unbalanced [ ] around an IPv6 address");
    host = host.slice(1, -1);
  } else if (host.includes(":")) {
    throw invalid(endpoint, "put IPv6 addresses in brackets, e.g. tcp://[::1]:5555");
  }
  if (host === "") throw invalid(endpoint, "the host is empty");
  let port: number;
  if (portText === "*" || portText === "0") {
    if (role === "connect") throw invalid(endpoint, "a connect endpoint needs a port number");
    port = 0;
  } else if (/^[0-9]{1,5}$/.test(portText) && Number(portText) <= 65535) {
    port = Number(portText);
  } else {
    throw invalid(endpoint, `port ${JSON.stringify(portText)} is not 1..65535 or *`);
  }
  if (host === "*") {
    if (role === "connect") throw invalid(endpoint, "cannot connect to host *");
    host = ipv6 ? "::" : "0.0.0.0";
  }
  if (host.includes(":") && !ipv6 && role === "bind") {
    throw new ZmqError("ENODEV", `Cannot bind ${endpoint}: set the ipv6 option to use IPv6 addresses`, {
      address: endpoint,
    });
  }
  return { transport: "tcp", host, port, text: endpoint };
}

/**
 * Formats a tcp endpoint, with brackets around IPv6 hosts.
 *
 * @example Usage
 * ```ts
 * import { formatTcpEndpoint } from "./endpoint.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatTcpEndpoint("::1", 5), "tcp://[::1]:5");
 * ```
 */
export function formatTcpEndpoint(host: string, port: number): string {
  return `tcp://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
