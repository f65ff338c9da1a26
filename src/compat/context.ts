/**
 * zeromq 5's `zmq.Context`: static accessors for the default context's I/O
 * threads and socket limit, over the v6 default context's `ioThreads` and
 * `maxSockets`.
 *
 * @module
 */

import { context } from "./_v6.ts";

function option(name: "ioThreads" | "maxSockets"): Record<string, unknown> {
  const target = context as unknown as Record<string, unknown>;
  if (!(name in target)) {
    throw new Error(`zmq.Context needs context.${name}, which this zmq-ts version does not have yet`);
  }
  return target;
}

/**
 * zeromq 5's context class. zeromq 5 programs use only its static methods;
 * they read and change the default context (`zmq.context` of the v6 API).
 * Constructing one throws, as in zeromq.js's compatibility layer: sockets
 * made by `zmq.socket()` always use the default context.
 *
 * @example Usage
 * ```ts ignore
 * import * as zmq from "../../v5_compat.ts";
 * zmq.Context.setMaxSockets(256);
 * console.log(zmq.Context.getMaxSockets()); // 256
 * ```
 */
export class Context {
  /** Sets the default context's number of I/O threads (ZMQ_IO_THREADS). */
  static setMaxThreads(value: number): void {
    option("ioThreads").ioThreads = value;
  }

  /** The default context's number of I/O threads. */
  static getMaxThreads(): number {
    return option("ioThreads").ioThreads as number;
  }

  /** Sets the default context's socket limit (ZMQ_MAX_SOCKETS). */
  static setMaxSockets(value: number): void {
    option("maxSockets").maxSockets = value;
  }

  /** The default context's socket limit. */
  static getMaxSockets(): number {
    return option("maxSockets").maxSockets as number;
  }

  /** Always throws: use the static methods. */
  constructor() {
    throw new Error("zmq.Context cannot be instantiated in the v5 compatibility layer: use its static methods");
  }
}
