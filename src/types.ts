/**
 * Shared types: frames, messages, socket types.
 *
 * @module
 */

/** One frame of a message, as received (on Node and Bun a `Buffer`). */
export type Frame = Uint8Array;

/**
 * One part of a message as `receive()` gives it: a frame (zeromq.js's name;
 * `receive()` resolves to `Message[]`, one per frame).
 */
export type Message = Frame;

/**
 * What `send()` accepts as one frame (zeromq.js's union): bytes in any
 * buffer or view, or a value sent as its text (`String(value)`; `null` is an
 * empty frame).
 */
export type MessageLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string | number | null;

/** The same as {@linkcode MessageLike} (zmq-ts's earlier name for one frame). */
export type FrameLike = MessageLike;

/** Metadata properties of READY/INITIATE, by name. Names are case-sensitive, as libzmq treats them. */
export type Metadata = Map<string, Uint8Array>;

/** The security mechanisms zmq-ts knows by name (as sent in the greeting). */
export type MechanismName = "NULL" | "PLAIN" | "CURVE";

/** A whole message inside zmq-ts: its frames, in order (one or more). */
export type Multipart = Frame[];

/** The ZMTP socket type names, as sent in READY's `Socket-Type`. */
export type SocketTypeName =
  | "PAIR"
  | "PUB"
  | "SUB"
  | "REQ"
  | "REP"
  | "DEALER"
  | "ROUTER"
  | "PULL"
  | "PUSH"
  | "XPUB"
  | "XSUB";

/**
 * libzmq's number for each socket type (`ZMQ_PAIR` is 0, ...), as zeromq.js
 * reports it in `socket.type` and takes it in `new Socket(type)`.
 *
 * @example Usage
 * ```ts
 * import { SOCKET_TYPE_IDS } from "./types.ts";
 * import assert from "node:assert/strict";
 * assert.equal(SOCKET_TYPE_IDS.PUSH, 8);
 * ```
 */
export const SOCKET_TYPE_IDS: Readonly<Record<SocketTypeName, number>> = {
  PAIR: 0,
  PUB: 1,
  SUB: 2,
  REQ: 3,
  REP: 4,
  DEALER: 5,
  ROUTER: 6,
  PULL: 7,
  PUSH: 8,
  XPUB: 9,
  XSUB: 10,
};

/**
 * Which peer socket types each socket type accepts (libzmq's
 * `check_socket_type`, equal to RFC 23/37).
 *
 * @example Usage
 * ```ts
 * import { COMPATIBLE_TYPES } from "./types.ts";
 * import assert from "node:assert/strict";
 * assert.ok(COMPATIBLE_TYPES.PUSH.includes("PULL"));
 * assert.ok(!COMPATIBLE_TYPES.PUSH.includes("PUSH"));
 * ```
 */
export const COMPATIBLE_TYPES: Readonly<Record<SocketTypeName, readonly SocketTypeName[]>> = {
  PAIR: ["PAIR"],
  PUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PULL: ["PUSH"],
  PUSH: ["PULL"],
  XPUB: ["SUB", "XSUB"],
  XSUB: ["PUB", "XPUB"],
};

const encoder = new TextEncoder();

/**
 * Turns one frame as given to `send()` into bytes. Byte arrays are used as
 * they are (no copy); other views and buffers are wrapped without a copy;
 * anything else is sent as its text, as zeromq.js does (`null` and
 * `undefined` as an empty frame).
 *
 * @example Usage
 * ```ts
 * import { toFrame } from "./types.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...toFrame("hi")], [104, 105]);
 * assert.equal(toFrame(null).length, 0);
 * assert.deepEqual([...toFrame(42)], [52, 50]);
 * assert.deepEqual([...toFrame(true as unknown as string)], [116, 114, 117, 101]);
 * ```
 */
export function toFrame(frame: MessageLike): Uint8Array {
  if (frame instanceof Uint8Array) return frame;
  if (typeof frame === "string") return encoder.encode(frame);
  if (frame === null || frame === undefined) return new Uint8Array(0);
  if (frame instanceof ArrayBuffer) return new Uint8Array(frame);
  if (ArrayBuffer.isView(frame)) return new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
  if (typeof SharedArrayBuffer !== "undefined" && frame instanceof SharedArrayBuffer) return new Uint8Array(frame);
  return encoder.encode(String(frame));
}

/**
 * Turns what `send()` was given (one frame or an array of frames) into a
 * message's frames. An empty array is a `TypeError`.
 *
 * @example Usage
 * ```ts
 * import { toMultipart } from "./types.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toMultipart(["a", "b"]).length, 2);
 * assert.equal(toMultipart("a").length, 1);
 * ```
 */
export function toMultipart(message: MessageLike | MessageLike[]): Multipart {
  if (Array.isArray(message)) {
    if (message.length === 0) throw new TypeError("Cannot send an empty message: give at least one frame");
    const out: Multipart = new Array(message.length);
    for (let i = 0; i < message.length; i++) out[i] = toFrame(message[i]);
    return out;
  }
  return [toFrame(message)];
}
