/**
 * zmq-ts: ZeroMQ in TypeScript. It speaks ZMTP 3.1 on the wire, so it talks
 * to any libzmq, pyzmq, zeromq.js, JeroMQ or NetMQ peer.
 *
 * @module
 */

export * from "./src/codec/codec.ts";
export { jsCodec } from "./src/codec/js.ts";
export * from "./src/codec/greeting.ts";
export * from "./src/codec/command.ts";
export * from "./src/errors.ts";
