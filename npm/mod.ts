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

import { Context as ContextClass, setDefaultContext } from "../src/context.ts";
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
export const context: ContextClass = new ContextClass({ runtime: nodeRuntime });
setDefaultContext(context);

export * from "../src/api.ts";

// zeromq.js's classes are N-API classes: calling one without `new` fails with N-API's text, which programs and
// zeromq.js's own tests compare. These three are wrapped so that they do the same (the others give V8's text, as
// zeromq.js's JavaScript subclasses do); these exports take precedence over the same names in src/api.ts.
import { Proxy as ProxyClass } from "../src/proxy.ts";
import { Socket as SocketClass } from "../src/sockets/socket.ts";

function requireNew<T extends object>(cls: T): T {
  return new globalThis.Proxy(cls, {
    apply() {
      throw new TypeError("Class constructors cannot be invoked without 'new'");
    },
  });
}

// Exported under the classes' names without declaring those names here: a second top-level `Socket` in the bundle
// would make esbuild rename the class, and V8's messages name the class (`#<Socket>`).
const SocketExport: typeof SocketClass = requireNew(SocketClass);
const ContextExport: typeof ContextClass = requireNew(ContextClass);
const ProxyExport: typeof ProxyClass = requireNew(ProxyClass);
export { ContextExport as Context, ProxyExport as Proxy, SocketExport as Socket };
/** A ZeroMQ socket of a libzmq type number, and the base of every socket class. */
export type Socket = SocketClass;
/** A group of sockets sharing a runtime, inproc endpoints, a ZAP handler and zeromq.js's context options. */
export type Context = ContextClass;
/** Forwards messages between two sockets until terminated. */
export type Proxy<F extends SocketClass = SocketClass, B extends SocketClass = SocketClass> = ProxyClass<F, B>;
