/**
 * Shared types: frames, messages, socket types.
 *
 * @module
 */

/** One frame of a message, as received. */
export type Frame = Uint8Array;

/** A message: one or more frames. */
export type Message = Frame[];

/**
 * What `send()` accepts as one frame: strings are sent as UTF-8, numbers as
 * their decimal text, `null` as an empty frame.
 */
export type FrameLike = string | Uint8Array | ArrayBufferView | ArrayBuffer | number | null;

/** What `send()` accepts: one frame or an array of frames (multipart). */
export type MessageLike = FrameLike | FrameLike[];

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
 * Turns one {@linkcode FrameLike} into bytes. Byte arrays are used as they
 * are (no copy); other views and buffers are wrapped without a copy.
 *
 * @example Usage
 * ```ts
 * import { toFrame } from "./types.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...toFrame("hi")], [104, 105]);
 * assert.equal(toFrame(null).length, 0);
 * assert.deepEqual([...toFrame(42)], [52, 50]);
 * ```
 */
export function toFrame(frame: FrameLike): Uint8Array {
  if (frame instanceof Uint8Array) return frame;
  if (typeof frame === "string") return encoder.encode(frame);
  if (frame === null) return new Uint8Array(0);
  if (typeof frame === "number") return encoder.encode(String(frame));
  if (frame instanceof ArrayBuffer) return new Uint8Array(frame);
  if (ArrayBuffer.isView(frame)) return new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
  throw new TypeError(
    `Cannot send a frame of type ${typeof frame}: use a string, Uint8Array, ArrayBufferView, ArrayBuffer, number or null`,
  );
}

/**
 * Turns a {@linkcode MessageLike} into a message (array of byte frames).
 *
 * @example Usage
 * ```ts
 * import { toMessage } from "./types.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toMessage(["a", "b"]).length, 2);
 * assert.equal(toMessage("a").length, 1);
 * ```
 */
export function toMessage(message: MessageLike): Message {
  if (Array.isArray(message)) {
    if (message.length === 0) throw new TypeError("Cannot send an empty message: give at least one frame");
    const out: Message = new Array(message.length);
    for (let i = 0; i < message.length; i++) out[i] = toFrame(message[i]);
    return out;
  }
  return [toFrame(message)];
}
