/**
 * Subscriptions as the socket layer handles them: topic prefixes given as
 * strings or bytes, their exact-byte keys, the notifications an XPUB
 * application reads, and the subscribe/cancel intent a SUB or XSUB writes
 * upstream (whose wire form the encoder chooses).
 *
 * @module
 */

import type { Multipart } from "../types.ts";

const encoder = new TextEncoder();

/**
 * The bytes of a topic given as a string (UTF-8) or bytes (used as they are).
 *
 * @example Usage
 * ```ts
 * import { topicBytes } from "./subscriptions.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...topicBytes("ab")], [97, 98]);
 * ```
 */
export function topicBytes(topic: string | Uint8Array): Uint8Array {
  if (typeof topic === "string") return encoder.encode(topic);
  if (topic instanceof Uint8Array) return topic;
  throw new TypeError(`A topic must be a string or a Uint8Array, got ${topic === null ? "null" : typeof topic}`);
}

/**
 * The topics named by `subscribe()`/`unsubscribe()` arguments; none means
 * the empty prefix, which matches every message.
 *
 * @example Usage
 * ```ts
 * import { topicsOf } from "./subscriptions.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(topicsOf([]), [new Uint8Array(0)]);
 * assert.equal(topicsOf(["a", new Uint8Array([1, 2])])[1].length, 2);
 * ```
 */
export function topicsOf(prefixes: (string | Uint8Array)[]): Uint8Array[] {
  return prefixes.length === 0 ? [new Uint8Array(0)] : prefixes.map(topicBytes);
}

/**
 * A string that identifies a topic's bytes exactly (one char per byte), for
 * use as a `Map` key.
 *
 * @example Usage
 * ```ts
 * import { topicKey } from "./subscriptions.ts";
 * import assert from "node:assert/strict";
 * assert.equal(topicKey(new Uint8Array([104, 105])), "hi");
 * assert.notEqual(topicKey(new Uint8Array([0xc3, 0xa9])), topicKey(new TextEncoder().encode("é!")));
 * ```
 */
export function topicKey(topic: Uint8Array): string {
  if (topic.length <= 64) {
    let s = "";
    for (let i = 0; i < topic.length; i++) s += String.fromCharCode(topic[i]);
    return s;
  }
  let s = "";
  for (let i = 0; i < topic.length; i += 4096) {
    s += String.fromCharCode.apply(null, topic.subarray(i, i + 4096) as unknown as number[]);
  }
  return s;
}

/**
 * `\x01topic` or `\x00topic` as a fresh single-frame message (what an XPUB
 * application receives; unmarked, unlike {@linkcode subscriptionMessage}).
 *
 * @example Usage
 * ```ts
 * import { notification } from "./subscriptions.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...notification(new Uint8Array([7]), false)[0]], [0, 7]);
 * ```
 */
export function notification(topic: Uint8Array, subscribe: boolean): Multipart {
  const body = new Uint8Array(topic.length + 1);
  body[0] = subscribe ? 1 : 0;
  body.set(topic, 1);
  return [body];
}

/** Marks single-frame messages that carry a subscription intent for the encoder. */
const SUBSCRIPTIONS = new WeakSet<Multipart>();

/**
 * Makes the message a SUB/XSUB writes to subscribe (or cancel): `0x01topic`
 * or `0x00topic`, marked as carrying that intent so that the encoder
 * (`src/engine/zmtp_encoder.ts`) picks the wire form: a ZMTP 3.1
 * SUBSCRIBE/CANCEL command for 3.1 peers, the message itself for 3.0 ones,
 * as libzmq's encoders do.
 *
 * @example Usage
 * ```ts
 * import { isSubscription, subscriptionMessage } from "./subscriptions.ts";
 * import assert from "node:assert/strict";
 * const msg = subscriptionMessage(new TextEncoder().encode("a"), true);
 * assert.deepEqual([...msg[0]], [1, 97]);
 * assert.ok(isSubscription(msg));
 * ```
 */
export function subscriptionMessage(topic: Uint8Array, subscribe: boolean): Multipart {
  const body = new Uint8Array(topic.length + 1);
  body[0] = subscribe ? 1 : 0;
  body.set(topic, 1);
  const message = [body];
  SUBSCRIPTIONS.add(message);
  return message;
}

/**
 * Whether a message was made by {@linkcode subscriptionMessage}.
 *
 * @example Usage
 * ```ts
 * import { isSubscription } from "./subscriptions.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isSubscription([new Uint8Array([1])]), false);
 * ```
 */
export function isSubscription(message: Multipart): boolean {
  return message.length === 1 && message[0].length > 0 && message[0][0] <= 1 && SUBSCRIPTIONS.has(message);
}
