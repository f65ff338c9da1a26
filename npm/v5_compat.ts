/**
 * `zmq-ts/v5-compat` for Node.js and Bun: zeromq 5's API (see
 * `../v5_compat.ts`, which exports the same names for Deno). The bundle
 * imports the package's main entry instead of carrying its own copy of the
 * library, so both entries share the default context and inproc endpoints.
 *
 * ```js ignore
 * const zmq = require("zmq-ts/v5-compat"); // or: import * as zmq from "zmq-ts/v5-compat";
 * const sock = zmq.socket("pull");
 * sock.bindSync("tcp://127.0.0.1:3000");
 * sock.on("message", (msg) => console.log(msg.toString()));
 * ```
 *
 * @module
 */

// Keep this list in step with ../v5_compat.ts (every build checks it).
export {
  type Callback,
  createSocket,
  createSocket as socket,
  type FrameLike,
  Socket,
  SOCKET_TYPES as types,
  type SocketType,
} from "../src/compat/socket.ts";
export { SHORT_OPTIONS as options } from "../src/compat/socket_options.ts";
export { MONITOR_EVENTS as events } from "../src/compat/monitor.ts";
export { Emitter, type Listener } from "../src/compat/emitter.ts";
export { proxy } from "../src/compat/proxy.ts";
export { Context } from "../src/compat/context.ts";
export { type CurveKeypair, curveKeypair } from "../src/compat/curve_keypair.ts";
export { version } from "../src/compat/_v6.ts";
export * from "../src/compat/constants.ts";
