/**
 * The public API: every name zmq-ts exports, in one list. The entry modules
 * (`mod.ts` for Deno, `npm/mod.ts` for Node and Bun) re-export it and bind
 * the default context to their runtime.
 *
 * @module
 */

export { Context } from "./context.ts";
export { Socket } from "./sockets/socket.ts";

export { Push, type PushOptions } from "./sockets/push.ts";
export { Pull, type PullOptions } from "./sockets/pull.ts";
export {
  type ConnectOptions,
  type Expand,
  type IfEquals,
  type Options,
  type Readable,
  type SocketOptions,
  type Writable,
  type WritableKeys,
} from "./sockets/socket.ts";
export { type EventOfType, type EventType, Observer, type PeerHandshake, type SocketEvent } from "./events.ts";
export {
  AuthError,
  ERROR_CODES,
  type ErrorCode,
  ProtocolError,
  type ProtocolErrorCode,
  type ProtocolErrorKind,
  ZmqError,
} from "./errors.ts";
export { type Capability, capability, packageVersion, version, zmtpVersion } from "./version.ts";
export type {
  CommonOptions,
  OptionAppliesTo,
  OptionCheck,
  OptionDeclarations,
  OptionName,
  OptionNameOf,
  OptionsOf,
  OptionSpec,
  OptionTable,
  OptionValue,
  OptionWireType,
} from "./options.ts";
export type { Conn, ConnHandler, Listener, Runtime, TcpConnectOptions } from "./runtime/runtime.ts";
export type {
  MessageConn,
  MessageConnClose,
  MessageHandler,
  RuntimeTls,
  RuntimeWebSocket,
  TlsConnectOptions,
  TlsListenOptions,
  WebSocketConnectOptions,
} from "./runtime/runtime.ts";
export type {
  InterfaceAddress,
  RuntimeUdp,
  UdpBindOptions,
  UdpEndpoint,
  UdpHandler,
  UdpSocket,
} from "./runtime/runtime.ts";
export type { Codec, CodecKind, DecoderOptions, FrameDecoder, FrameEncoder, FrameHandler } from "./codec/codec.ts";
export type { MechanismName } from "./codec/greeting.ts";
export type { Metadata } from "./codec/command.ts";
export type { Frame, FrameLike, Message, MessageLike, SocketTypeName } from "./types.ts";
export { Pair, type PairOptions } from "./sockets/pair.ts";
export { Dealer, type DealerOptions } from "./sockets/dealer.ts";
export { Router, type RouterOptions } from "./sockets/router.ts";
export { Request, type RequestOptions } from "./sockets/request.ts";
export { Reply, type ReplyOptions } from "./sockets/reply.ts";
export { Publisher, type PublisherOptions } from "./sockets/publisher.ts";
export { Subscriber, type SubscriberOptions } from "./sockets/subscriber.ts";
export { XPublisher, type XPublisherOptions } from "./sockets/x_publisher.ts";
export { XSubscriber, type XSubscriberOptions } from "./sockets/x_subscriber.ts";
export { z85 } from "./z85.ts";
export { type CurveKey, type CurveKeyPair, curveKeyPair, curvePublicKey } from "./mechanisms/curve_keys.ts";
export {
  Authenticator,
  type AuthenticatorOptions,
  type ZapPolicyOptions,
  type ZapReply,
  type ZapRequest,
} from "./authenticator.ts";
export { Proxy, type ProxyOptions } from "./proxy.ts";
