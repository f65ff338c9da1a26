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

// Keep this list in step with ../mod.ts: `deno run -A npm/build.ts --sync-exports` copies it, every build checks it.
export { Context } from "../src/context.ts";
export { Push, type PushOptions } from "../src/sockets/push.ts";
export { Pull, type PullOptions } from "../src/sockets/pull.ts";
export { type ConnectOptions, Socket, type SocketOptions } from "../src/sockets/socket.ts";
export { type EventOfType, type EventType, Observer, type PeerHandshake, type SocketEvent } from "../src/events.ts";
export {
  AuthError,
  ERROR_CODES,
  type ErrorCode,
  ProtocolError,
  type ProtocolErrorCode,
  type ProtocolErrorKind,
  ZmqError,
} from "../src/errors.ts";
export { type Capability, capability, version, zmtpVersion } from "../src/version.ts";
export type { CommonOptions } from "../src/options.ts";
export type { Conn, ConnHandler, Listener, Runtime, TcpConnectOptions } from "../src/runtime/runtime.ts";
export type { Codec, CodecKind, DecoderOptions, FrameDecoder, FrameEncoder, FrameHandler } from "../src/codec/codec.ts";
export type { MechanismName } from "../src/codec/greeting.ts";
export type { Metadata } from "../src/codec/command.ts";
export type { Frame, FrameLike, Message, MessageLike, SocketTypeName } from "../src/types.ts";
export { Pair } from "../src/sockets/pair.ts";
export { Dealer, type DealerOptions } from "../src/sockets/dealer.ts";
export { Router, type RouterOptions } from "../src/sockets/router.ts";
export { Request, type RequestOptions } from "../src/sockets/request.ts";
export { Reply } from "../src/sockets/reply.ts";
export { Publisher, type PublisherOptions } from "../src/sockets/publisher.ts";
export { Subscriber, type SubscriberOptions } from "../src/sockets/subscriber.ts";
export { XPublisher, type XPublisherOptions } from "../src/sockets/x_publisher.ts";
export { XSubscriber, type XSubscriberOptions } from "../src/sockets/x_subscriber.ts";
export { z85 } from "../src/z85.ts";
export { type CurveKey, type CurveKeyPair, curveKeyPair, curvePublicKey } from "../src/curve_keys.ts";
export {
  Authenticator,
  type AuthenticatorOptions,
  type ZapPolicyOptions,
  type ZapReply,
  type ZapRequest,
} from "../src/authenticator.ts";
export { Proxy, type ProxyOptions } from "../src/proxy.ts";
