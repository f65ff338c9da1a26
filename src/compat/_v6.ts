/**
 * The v6 API the zeromq 5 compatibility layer is built on, and nothing
 * else: every name here is a name `mod.ts` exports, with the same meaning
 * (npm/build.ts checks it). The npm build does not bundle this module: it
 * rewrites imports of it to the package's main entry, so `zmq-ts` and
 * `zmq-ts/v5-compat` share one library (one default context, one set of
 * inproc endpoints).
 *
 * Import the entry module (`mod.ts`, or npm's main entry) before this one:
 * `context` is the default context that entry binds to its runtime.
 *
 * @module
 */

import { type Context, getDefaultContext } from "../context.ts";

export { Context } from "../context.ts";
export { Socket } from "../sockets/socket.ts";
export { Pair } from "../sockets/pair.ts";
export { Publisher } from "../sockets/publisher.ts";
export { Subscriber } from "../sockets/subscriber.ts";
export { Request } from "../sockets/request.ts";
export { Reply } from "../sockets/reply.ts";
export { Dealer } from "../sockets/dealer.ts";
export { Router } from "../sockets/router.ts";
export { Pull } from "../sockets/pull.ts";
export { Push } from "../sockets/push.ts";
export { XPublisher } from "../sockets/x_publisher.ts";
export { XSubscriber } from "../sockets/x_subscriber.ts";
export { curveKeyPair } from "../mechanisms/curve_keys.ts";
export type { Readable, Writable } from "../sockets/socket.ts";
export { version } from "../version.ts";
export type { SocketEvent } from "../events.ts";

/** The default context (`zmq.context`), as bound by the entry module. */
export const context: Context = getDefaultContext();
