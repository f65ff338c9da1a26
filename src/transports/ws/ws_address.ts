/**
 * `ws://host:port[/path]` and `wss://…` endpoints, parsed as libzmq 4.3
 * parses them (checked against Debian's libzmq 4.3.4):
 *
 * - The port is required: a number, or `*`/`0` (a free port) to bind.
 * - Bind accepts host `*` (every interface: `0.0.0.0`, or `::` with `ipv6`).
 * - Only the **last path segment** is kept, query included:
 *   `ws://h:5555/a/b?x=1` requests `GET /b?x=1`; no path means `/`.
 * - The `Host` header is the host as written, without the port (IPv6 in
 *   brackets): `Host: 127.0.0.1`, `Host: [::1]`.
 * - `lastEndpoint` is `ws://<address>:<port><path>` (`ws://127.0.0.1:41919/`).
 *
 * Deviations, each stricter or saner than libzmq's parser: libzmq reads the
 * port with `atoi` (so `:5555x` means 5555), cuts the host at the last `:`
 * even inside the path, and refuses a wildcard port followed by a multi-segment path
 * (but not a numeric one);
 * zmq-ts rejects junk after the port, ends the authority at the first `/`,
 * and accepts multi-segment paths on bind as on connect. Interface names
 * (`ws://eth0:*`) are not resolved.
 *
 * @module
 */

import { ZmqError } from "../../errors.ts";

/** A parsed ws or wss endpoint. */
export interface WsEndpoint {
  /** `"ws"` or `"wss"` (WebSocket inside TLS). */
  transport: "ws" | "wss";
  /** The host to connect to or bind: a name or an IP address without brackets (`0.0.0.0`/`::` for `*`). */
  host: string;
  /** The port; 0 for a free port (bind only). */
  port: number;
  /** The request target a client sends, as libzmq keeps it: `/` plus the last path segment. */
  path: string;
  /** The `Host` header a client sends: the host as written, without port, IPv6 in brackets. */
  hostHeader: string;
  /** The endpoint as given. */
  text: string;
}

const invalid = (endpoint: string, why: string) =>
  new ZmqError("EINVAL", `Invalid endpoint ${JSON.stringify(endpoint)}: ${why}`, { address: endpoint });

/**
 * Parses a `ws://` or `wss://` endpoint to `bind` or `connect`. Throws a
 * `ZmqError`: `EINVAL` when malformed, `ENODEV` for an IPv6 bind without the
 * `ipv6` option (as tcp does), `EPROTONOSUPPORT` for another scheme.
 *
 * @example Usage
 * ```ts
 * import { parseWsEndpoint } from "./ws_address.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseWsEndpoint("ws://127.0.0.1:5555/some/path", "connect"), {
 *   transport: "ws", host: "127.0.0.1", port: 5555, path: "/path", hostHeader: "127.0.0.1",
 *   text: "ws://127.0.0.1:5555/some/path",
 * });
 * assert.equal(parseWsEndpoint("ws://*:*", "bind").host, "0.0.0.0");
 * assert.equal(parseWsEndpoint("wss://[::1]:443/zmq", "connect").hostHeader, "[::1]");
 * ```
 */
export function parseWsEndpoint(endpoint: string, role: "bind" | "connect", ipv6 = false): WsEndpoint {
  if (typeof endpoint !== "string") throw new TypeError(`Endpoint must be a string, got ${typeof endpoint}`);
  const match = /^(wss?):\/\/(.*)$/.exec(endpoint);
  if (!match) {
    throw new ZmqError("EPROTONOSUPPORT", `Not a ws:// or wss:// endpoint: ${JSON.stringify(endpoint)}`, {
      address: endpoint,
    });
  }
  const transport = match[1] as "ws" | "wss";
  const rest = match[2];
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x20\x7f]/.test(rest) || /[^\x00-\xff]/.test(rest)) {
    throw invalid(endpoint, "spaces and control characters cannot go in a WebSocket request");
  }
  let hostText: string;
  let afterHost: string;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) throw invalid(endpoint, "unbalanced [ ] around an IPv6 address");
    hostText = rest.slice(0, close + 1);
    afterHost = rest.slice(close + 1);
  } else {
    const end = rest.search(/[:/]/);
    hostText = end < 0 ? rest : rest.slice(0, end);
    afterHost = end < 0 ? "" : rest.slice(end);
    if (hostText.includes("]")) throw invalid(endpoint, "unbalanced [ ] around an IPv6 address");
  }
  if (!afterHost.startsWith(":")) throw invalid(endpoint, "missing :port");
  const slash = afterHost.indexOf("/");
  const portText = slash < 0 ? afterHost.slice(1) : afterHost.slice(1, slash);
  const pathText = slash < 0 ? "" : afterHost.slice(slash);

  let host = hostText.startsWith("[") ? hostText.slice(1, -1) : hostText;
  if (host === "") throw invalid(endpoint, "the host is empty");
  if (!hostText.startsWith("[") && host.includes(":")) {
    throw invalid(endpoint, "put IPv6 addresses in brackets, e.g. ws://[::1]:5555");
  }

  let port: number;
  if (portText === "*" || portText === "0") {
    if (role === "connect") throw invalid(endpoint, "a connect endpoint needs a port number");
    port = 0;
  } else if (/^[0-9]{1,5}$/.test(portText) && Number(portText) >= 1 && Number(portText) <= 65535) {
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
  const path = pathText === "" ? "/" : pathText.slice(pathText.lastIndexOf("/"));
  return { transport, host, port, path, hostHeader: hostText, text: endpoint };
}

/**
 * Formats an endpoint as libzmq reports it in `lastEndpoint`:
 * `ws://<host>:<port><path>`, IPv6 hosts in brackets.
 *
 * @example Usage
 * ```ts
 * import { formatWsEndpoint } from "./ws_address.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatWsEndpoint("ws", "127.0.0.1", 41919, "/"), "ws://127.0.0.1:41919/");
 * assert.equal(formatWsEndpoint("wss", "::1", 443, "/zmq"), "wss://[::1]:443/zmq");
 * ```
 */
export function formatWsEndpoint(transport: "ws" | "wss", host: string, port: number, path: string): string {
  return `${transport}://${host.includes(":") ? `[${host}]` : host}:${port}${path}`;
}
