import assert from "node:assert/strict";
import {
  isSubscription,
  notification,
  subscriptionMessage,
  topicBytes,
  topicKey,
  topicsOf,
} from "../../src/routing/subscriptions.ts";

Deno.test("subscriptions - topics from strings are UTF-8, bytes are used as they are; none means everything", () => {
  assert.deepEqual([...topicBytes("é")], [0xc3, 0xa9]);
  const raw = Uint8Array.of(0xff, 0);
  assert.equal(topicBytes(raw), raw);
  assert.deepEqual(topicsOf([]), [new Uint8Array(0)]);
  assert.throws(() => topicBytes(5 as unknown as string), TypeError);
});

Deno.test("subscriptions - topic keys identify exact bytes, long topics included", () => {
  const long = new Uint8Array(10000).map((_, i) => i & 0xff);
  const other = long.slice();
  other[9999] ^= 1;
  assert.notEqual(topicKey(long), topicKey(other));
  assert.equal(topicKey(long), topicKey(long.slice()));
  assert.notEqual(topicKey(Uint8Array.of(0xc3, 0xa9)), topicKey(new TextEncoder().encode("é!")));
});

Deno.test("subscriptions - an intent is marked for the encoder; a notification with the same bytes is not", () => {
  const intent = subscriptionMessage(Uint8Array.of(0x61), false);
  assert.deepEqual([...intent[0]], [0, 0x61]);
  assert.equal(isSubscription(intent), true);
  const note = notification(Uint8Array.of(0x61), false);
  assert.deepEqual(note, intent);
  assert.equal(isSubscription(note), false, "an XPUB application's message is sent as it is");
});
