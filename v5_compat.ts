/**
 * zeromq 5's API (the `zmq` / `zeromq@5` npm package) on top of zmq-ts, for
 * programs written against it: `zmq.socket("req")`, `bind(address, cb)`,
 * `bindSync`, `send(msg, flags, cb)`, `on("message", ...)`, `pause()`/
 * `resume()`, `setsockopt`/`getsockopt` with the `ZMQ_*` constants and
 * zeromq 5's property names, `monitor()` events, `zmq.proxy` and
 * `zmq.curveKeypair`. It uses the same sockets, default context and inproc
 * endpoints as `mod.ts`. On npm it is `zmq-ts/v5-compat`.
 *
 * Frames arrive as `Uint8Array`s under Deno (decode them with
 * `TextDecoder`) and as `Buffer`s under Node and Bun, as zeromq 5 gave them.
 * The sockets are event emitters with Node's `EventEmitter` semantics.
 *
 * ```ts
 * import * as zmq from "./v5_compat.ts";
 * const pull = zmq.socket("pull");
 * const push = zmq.socket("push");
 * pull.on("message", (msg: Uint8Array) => {
 *   console.log(new TextDecoder().decode(msg)); // hello
 *   pull.close();
 *   push.close();
 * });
 * pull.bind("tcp://127.0.0.1:*", (err) => {
 *   if (err) throw err;
 *   push.connect(pull.last_endpoint!);
 *   push.send("hello");
 * });
 * ```
 *
 * @module
 */

import "./mod.ts";

export {
  type Callback,
  createSocket,
  createSocket as socket,
  type FrameLike,
  Socket,
  SOCKET_TYPES as types,
  type SocketType,
} from "./src/compat/socket.ts";
export { SHORT_OPTIONS as options } from "./src/compat/socket_options.ts";
export { MONITOR_EVENTS as events } from "./src/compat/monitor.ts";
export { Emitter, type Listener } from "./src/compat/emitter.ts";
export { proxy } from "./src/compat/proxy.ts";
export { Context } from "./src/compat/context.ts";
export { type CurveKeypair, curveKeypair } from "./src/compat/curve_keypair.ts";
export { version } from "./src/compat/_v6.ts";
export * from "./src/compat/constants.ts";
