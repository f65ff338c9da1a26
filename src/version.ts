/**
 * The library and protocol versions, and what this build can do. The
 * library version must equal `deno.json`'s (a test checks it).
 *
 * @module
 */

/**
 * The libzmq version whose behaviour zmq-ts emulates, as zeromq.js reports
 * its libzmq's (programs and tests gate features on it). zmq-ts's own
 * version is {@linkcode packageVersion}.
 *
 * @example Usage
 * ```ts
 * import { version } from "./version.ts";
 * import assert from "node:assert/strict";
 * assert.equal(version, "4.3.5");
 * ```
 */
export const version = "4.3.5";

/**
 * zmq-ts's own version (the package's, kept equal to `deno.json`'s).
 *
 * @example Usage
 * ```ts
 * import { packageVersion } from "./version.ts";
 * import assert from "node:assert/strict";
 * assert.match(packageVersion, /^\d+\.\d+\.\d+/);
 * ```
 */
export const packageVersion = "0.1.0";

/**
 * The ZMTP version zmq-ts speaks (it also talks to ZMTP 3.0 peers).
 *
 * @example Usage
 * ```ts
 * import { zmtpVersion } from "./version.ts";
 * import assert from "node:assert/strict";
 * assert.equal(zmtpVersion, "3.1");
 * ```
 */
export const zmtpVersion = "3.1";

/** What this build supports, with zeromq.js's keys plus zmq-ts's own. */
export interface Capability {
  /** `udp://` (Radio/Dish, Datagram). */
  udp: boolean;
  /** `ipc://` (Unix domain sockets). */
  ipc: boolean;
  /** `inproc://` between sockets of one context. */
  inproc: boolean;
  /** `tcp://`. */
  tcp: boolean;
  /** `ws://` (ZWS 2.0). */
  ws: boolean;
  /** PGM multicast. */
  pgm: boolean;
  /** TIPC. */
  tipc: boolean;
  /** NORM multicast. */
  norm: boolean;
  /** The PLAIN mechanism. */
  plain: boolean;
  /** The CURVE mechanism. */
  curve: boolean;
  /** The GSSAPI mechanism. */
  gssapi: boolean;
  /** Draft socket types (Client, Server, Radio, Dish, ...). */
  draft: boolean;
}

/**
 * What this build supports.
 *
 * @example Usage
 * ```ts
 * import { capability } from "./version.ts";
 * import assert from "node:assert/strict";
 * assert.equal(capability.curve, true);
 * assert.equal(capability.draft, false);
 * ```
 */
export const capability: Readonly<Capability> = Object.freeze({
  ipc: true,
  inproc: true,
  tcp: true,
  udp: false,
  ws: false,
  pgm: false,
  tipc: false,
  norm: false,
  plain: true,
  curve: true,
  gssapi: false,
  draft: false,
});
