/**
 * zmq-ts for Node.js and Bun: the entry of the npm package. It exports
 * exactly what `mod.ts` exports (checked by `npm/build.ts`), but binds the
 * default context to the `node:net` runtime adapter. Received frames are
 * `Buffer`s, as zeromq.js users expect.
 *
 * ```js ignore
 * import * as zmq from "zmq-ts"; // or: const zmq = require("zmq-ts");
 * const pull = new zmq.Pull();
 * await pull.bind("tcp://127.0.0.1:*");
 * const push = new zmq.Push();
 * push.connect(pull.lastEndpoint);
 * await push.send("hello");
 * const [msg] = await pull.receive();
 * console.log(msg.toString()); // hello
 * ```
 *
 * @module
 */

import { Context, setDefaultContext } from "../src/context.ts";
import { nodeRuntime } from "../src/runtime/node.ts";

/**
 * The default context, bound to the Node.js (or Bun) runtime. Sockets
 * created without a `context` option belong to it.
 *
 * @example Usage
 * ```ts
 * import { context } from "./mod.ts";
 * import assert from "node:assert/strict";
 * assert.ok(context.runtime.name === "node" || context.runtime.name === "bun");
 * ```
 */
export const context: Context = new Context({ runtime: nodeRuntime });
setDefaultContext(context);

export * from "../src/api.ts";
