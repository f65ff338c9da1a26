import assert from "node:assert/strict";
import { FLAG_COMMAND, FLAG_MORE } from "../../src/codec/codec.ts";
import { jsCodec } from "../../src/codec/js.ts";
import { wasmCodec } from "../../src/codec/wasm.ts";
import { MessageQueue } from "../../src/pipe.ts";
import { notification, subscriptionMessage } from "../../src/routing/subscriptions.ts";
import { ZmtpEncoder } from "../../src/engine/zmtp_encoder.ts";
import { vector } from "../_vectors.ts";
import { bytes } from "../_helpers.ts";

const join = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};

for (const codec of [jsCodec, wasmCodec]) {
  Deno.test(`zmtp encoder (${codec.kind}) - a subscription goes to a 3.1 peer as SUBSCRIBE/CANCEL, to a 3.0 peer as a message`, () => {
    const encoder = new ZmtpEncoder(codec.encoder());
    try {
      encoder.message(subscriptionMessage(bytes("weather"), true));
      assert.deepEqual(join(encoder.take()), vector("command", "subscribe_cmd_weather_zmtp31"));
      encoder.message(subscriptionMessage(bytes("weather"), false));
      assert.deepEqual(join(encoder.take()), vector("command", "cancel_cmd_weather_zmtp31"));
      encoder.zmtpMinor = 0;
      encoder.message(subscriptionMessage(bytes("weather"), true));
      assert.deepEqual(join(encoder.take()), vector("command", "subscribe_msg_weather_zmtp30"));
    } finally {
      encoder.dispose();
    }
  });

  Deno.test(`zmtp encoder (${codec.kind}) - an unmarked 0x01 message (an XPUB's data) is sent as it is`, () => {
    const encoder = new ZmtpEncoder(codec.encoder());
    try {
      encoder.message(notification(bytes("weather"), true));
      const bytesOut = join(encoder.take());
      assert.equal(bytesOut[0], 0, "a data frame, not a command");
    } finally {
      encoder.dispose();
    }
  });

  Deno.test(`zmtp encoder (${codec.kind}) - the transform boxes every frame, commands included, with the inner flags`, () => {
    const encoder = new ZmtpEncoder(codec.encoder());
    const seen: number[] = [];
    encoder.transform = (body, flags) => {
      seen.push(flags);
      return Uint8Array.of(0xee, ...body);
    };
    try {
      encoder.message([bytes("a"), bytes("b")]);
      encoder.command(bytes("\x04PING"));
      encoder.handshakeCommand(bytes("\x05READY")); // never transformed
      const out = join(encoder.take());
      assert.deepEqual(seen, [FLAG_MORE, 0, FLAG_COMMAND]);
      assert.deepEqual([...out.subarray(0, 4)], [0, 2, 0xee, 0x61], "outer flags 0");
      assert.equal(out[out.length - 8], FLAG_COMMAND, "the handshake command keeps its command flag");
    } finally {
      encoder.dispose();
    }
  });

  Deno.test(`zmtp encoder (${codec.kind}) - messagesFrom stops at the batch limit and leaves the rest queued`, () => {
    const encoder = new ZmtpEncoder(codec.encoder());
    const queue = new MessageQueue(0);
    for (let i = 0; i < 10; i++) queue.write([new Uint8Array(100)]);
    try {
      encoder.messagesFrom(queue, 250);
      assert.equal(queue.length, 7, "three 102-byte frames pass 250 bytes");
      encoder.take();
      encoder.messagesFrom(queue, 1 << 20);
      assert.equal(queue.length, 0);
    } finally {
      encoder.dispose();
    }
  });
}
