/**
 * The ZMTP message encoder (libzmq's `v2_encoder`/`v3_1_encoder` plus the
 * mechanism's `encode`): whole messages and commands in, frames out through
 * a {@linkcode FrameEncoder}. It owns two choices the socket layer leaves
 * open:
 *
 * - the subscription wire form: a message that carries a subscribe or
 *   cancel intent (`src/routing/subscriptions.ts`) goes to a ZMTP 3.1 peer
 *   as a SUBSCRIBE/CANCEL command and to a 3.0 peer as the `0x01`/`0x00`
 *   message itself, as libzmq's encoders decide it;
 * - the security transform: with CURVE every frame (commands too, once in
 *   traffic) is boxed into a MESSAGE by the mechanism.
 *
 * @module
 */

import { FLAG_COMMAND, FLAG_MORE, type FrameEncoder } from "../codec/codec.ts";
import { encodeSubscription } from "../codec/command.ts";
import type { MessageQueue } from "../pipe.ts";
import { isSubscription } from "../routing/subscriptions.ts";
import type { Multipart } from "../types.ts";

/** Turns one frame into the body of the data frame sent instead (a mechanism's `encode`). */
export type FrameTransform = (body: Uint8Array, flags: number) => Uint8Array;

/**
 * Encodes one connection's outgoing traffic.
 *
 * @example Usage
 * ```ts
 * import { ZmtpEncoder } from "./zmtp_encoder.ts";
 * import { jsCodec } from "../codec/js.ts";
 * import { subscriptionMessage } from "../routing/subscriptions.ts";
 * import assert from "node:assert/strict";
 * const encoder = new ZmtpEncoder(jsCodec.encoder());
 * encoder.message(subscriptionMessage(new Uint8Array([0x61]), true)); // ZMTP 3.1: a SUBSCRIBE command
 * const bytes = encoder.take().reduce((all, c) => [...all, ...c], [] as number[]);
 * assert.deepEqual(bytes.slice(0, 3), [0x04, 11, 9]); // command flag, size, name length ("SUBSCRIBE")
 * encoder.zmtpMinor = 0; // ZMTP 3.0: the message itself
 * encoder.message(subscriptionMessage(new Uint8Array([0x61]), true));
 * assert.deepEqual([...encoder.take()[0]], [0x00, 2, 1, 0x61]);
 * encoder.dispose();
 * ```
 */
export class ZmtpEncoder {
  /** The negotiated ZMTP minor version (1 until the greeting says otherwise). */
  zmtpMinor = 1;
  /** The mechanism's frame transform once traffic is encrypted; `null` for NULL and PLAIN. */
  transform: FrameTransform | null = null;
  readonly #frames: FrameEncoder;

  /** Makes an encoder over a frame encoder (which it disposes of with itself). */
  constructor(frames: FrameEncoder) {
    this.#frames = frames;
  }

  /** Bytes queued since the last {@linkcode ZmtpEncoder.take}. */
  get size(): number {
    return this.#frames.size;
  }

  /** Queues a handshake command: always sent as it is. */
  handshakeCommand(body: Uint8Array): void {
    this.#frames.frame(body, FLAG_COMMAND);
  }

  /** Queues a traffic command (PING, PONG, SUBSCRIBE): transformed when traffic is encrypted. */
  command(body: Uint8Array): void {
    const transform = this.transform;
    if (transform !== null) this.#frames.frame(transform(body, FLAG_COMMAND), 0);
    else this.#frames.frame(body, FLAG_COMMAND);
  }

  /** Queues one message, frame by frame; a subscription intent in the peer's wire form. */
  message(message: Multipart): void {
    if (this.zmtpMinor >= 1 && isSubscription(message)) {
      const body = message[0];
      this.command(encodeSubscription(body.subarray(1), body[0] === 0));
      return;
    }
    const frames = this.#frames;
    const last = message.length - 1;
    const transform = this.transform;
    if (transform !== null) {
      for (let i = 0; i <= last; i++) frames.frame(transform(message[i], i < last ? FLAG_MORE : 0), 0);
    } else {
      for (let i = 0; i < last; i++) frames.frame(message[i], FLAG_MORE);
      frames.frame(message[last], 0);
    }
  }

  /** Queues messages from a queue until it is empty or the batch holds `limit` bytes. */
  messagesFrom(queue: MessageQueue, limit: number): void {
    while (this.#frames.size < limit) {
      const message = queue.read();
      if (message === undefined) return;
      this.message(message);
    }
  }

  /** Returns the queued bytes as buffers to write in order (valid until the next call), and starts a new batch. */
  take(): Uint8Array[] {
    return this.#frames.take();
  }

  /** Releases the frame encoder. */
  dispose(): void {
    this.#frames.dispose();
  }
}
