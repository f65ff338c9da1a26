/**
 * zmq-ts: ZeroMQ in TypeScript. It speaks ZMTP 3.1 on the wire, so it talks
 * to any libzmq, pyzmq, zeromq.js, JeroMQ or NetMQ peer.
 *
 * ```ts
 * import * as zmq from "./mod.ts";
 * await using pull = new zmq.Pull();
 * await pull.bind("tcp://127.0.0.1:*");
 * await using push = new zmq.Push();
 * push.connect(pull.lastEndpoint!);
 * await push.send("hello");
 * const [msg] = await pull.receive();
 * console.log(new TextDecoder().decode(msg)); // hello
 * ```
 *
 * @module
 */

import { Context, setDefaultContext } from "./src/context.ts";
import { denoRuntime } from "./src/runtime/deno.ts";

/**
 * The default context, bound to the Deno runtime. Sockets created without a
 * `context` option belong to it.
 *
 * @example Usage
 * ```ts
 * import { context } from "./mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(context.runtime.name, "deno");
 * ```
 */
export const context: Context = new Context({ runtime: denoRuntime });
setDefaultContext(context);

export * from "./src/api.ts";
