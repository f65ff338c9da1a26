import assert from "node:assert/strict";
import {
  CLOSE_INVALID_PAYLOAD,
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_PROTOCOL_ERROR,
  CLOSE_UNSUPPORTED_DATA,
  decodeClosePayload,
  encodeClosePayload,
  encodeFrameHeader,
  maskBytes,
  OPCODE_BINARY,
  OPCODE_CLOSE,
  OPCODE_CONTINUATION,
  OPCODE_PING,
  OPCODE_PONG,
  OPCODE_TEXT,
  WebSocketError,
  type WsDecoderOptions,
  WsFrameDecoder,
  WsFrameEncoder,
} from "../../../src/transports/ws/frame.ts";
import { concat, prng } from "../../_vectors.ts";
import { pseudoRandomBytes, text } from "../../_helpers.ts";
import { type Event, recorder, split, SPLITS, wsVector } from "./_ws.ts";

const HELLO = new TextEncoder().encode("Hello");

/** Decodes pieces into events; rethrows the decoder's error with what came before it. */
function decode(pieces: Uint8Array[], options: WsDecoderOptions): Event[] {
  const { sink, events } = recorder();
  const decoder = new WsFrameDecoder(options);
  for (const piece of pieces) decoder.feed(piece, sink);
  return events;
}

function decodeAllWays(bytes: Uint8Array, options: WsDecoderOptions): Event[] {
  const whole = decode(split(bytes, "whole"), options);
  for (const how of SPLITS) assert.deepEqual(decode(split(bytes, how), options), whole, `split ${how}`);
  return whole;
}

function rejects(bytes: Uint8Array, options: WsDecoderOptions, closeCode: number, what: string): void {
  for (const how of SPLITS) {
    assert.throws(() => decode(split(bytes, how), options), (err: unknown) => {
      assert.ok(err instanceof WebSocketError, `${what}: ${err}`);
      assert.equal(err.closeCode, closeCode, `${what}: ${err.message}`);
      return true;
    }, what);
  }
}

/** A fixed "random" source so masks are known: every 4 bytes are the given key. */
const fixedMask = (key: number[]) => (bytes: Uint8Array) => {
  for (let i = 0; i < bytes.length; i++) bytes[i] = key[i & 3];
};

Deno.test("frame - the RFC 6455 §5.7 examples decode, split anywhere", () => {
  const server = { masked: true, text: true };
  const client = { masked: false, text: true };
  assert.deepEqual(decodeAllWays(wsVector("rfc6455_text_hello_unmasked"), client), [
    { type: "message", payload: HELLO, text: true },
  ]);
  assert.deepEqual(decodeAllWays(wsVector("rfc6455_text_hello_masked"), server), [
    { type: "message", payload: HELLO, text: true },
  ]);
  assert.deepEqual(decodeAllWays(wsVector("rfc6455_text_hello_fragmented"), client), [
    { type: "message", payload: HELLO, text: true },
  ]);
  assert.deepEqual(decodeAllWays(wsVector("rfc6455_ping_hello_unmasked"), client), [{ type: "ping", payload: HELLO }]);
  assert.deepEqual(decodeAllWays(wsVector("rfc6455_pong_hello_masked"), server), [{ type: "pong", payload: HELLO }]);
  const body256 = pseudoRandomBytes(256, 3);
  assert.deepEqual(decodeAllWays(concat([wsVector("rfc6455_binary_256_header"), body256]), client), [
    { type: "message", payload: body256, text: false },
  ]);
  const body64k = pseudoRandomBytes(65536, 4);
  assert.deepEqual(decodeAllWays(concat([wsVector("rfc6455_binary_65536_header"), body64k]), client), [
    { type: "message", payload: body64k, text: false },
  ]);
});

Deno.test("frame - the encoder writes the RFC 6455 §5.7 examples", () => {
  const unmasked = new WsFrameEncoder({ mask: false });
  unmasked.frame(OPCODE_TEXT, [HELLO]);
  assert.deepEqual(concat(unmasked.take()), wsVector("rfc6455_text_hello_unmasked"));
  unmasked.frame(OPCODE_TEXT, [HELLO.subarray(0, 3)], false);
  unmasked.frame(OPCODE_CONTINUATION, [HELLO.subarray(3)]);
  assert.deepEqual(concat(unmasked.take()), wsVector("rfc6455_text_hello_fragmented"));
  unmasked.frame(OPCODE_PING, [HELLO]);
  assert.deepEqual(concat(unmasked.take()), wsVector("rfc6455_ping_hello_unmasked"));
  const masked = new WsFrameEncoder({ mask: true, random: fixedMask([0x37, 0xfa, 0x21, 0x3d]) });
  masked.frame(OPCODE_TEXT, [HELLO]);
  assert.deepEqual(concat(masked.take()), wsVector("rfc6455_text_hello_masked"));
  masked.frame(OPCODE_PONG, [HELLO.subarray(0, 2), HELLO.subarray(2)]); // parts are one payload
  assert.deepEqual(concat(masked.take()), wsVector("rfc6455_pong_hello_masked"));
  assert.deepEqual(encodeFrameHeader(OPCODE_BINARY, 256), wsVector("rfc6455_binary_256_header"));
  assert.deepEqual(encodeFrameHeader(OPCODE_BINARY, 65536), wsVector("rfc6455_binary_65536_header"));
});

Deno.test("frame - round trips at the length-form boundaries, masked and not, split anywhere", () => {
  const sizes = [0, 1, 125, 126, 127, 65535, 65536, 70000, 1 << 20];
  for (const mask of [false, true]) {
    const encoder = new WsFrameEncoder({ mask });
    const expected: Event[] = [];
    for (const [i, size] of sizes.entries()) {
      const payload = pseudoRandomBytes(size, i + 1);
      // Split the payload into parts of mixed sizes, as ZWS does ([flags, body]).
      encoder.frame(OPCODE_BINARY, [payload.subarray(0, 1), payload.subarray(1, 300), payload.subarray(300)]);
      expected.push({ type: "message", payload, text: false });
    }
    const bytes = concat(encoder.take());
    for (const how of ["whole", 9, 10] as const) {
      assert.deepEqual(decode(split(bytes, how), { masked: mask }), expected, `mask ${mask}, split ${how}`);
    }
  }
});

Deno.test("frame - the encoder passes large unmasked payloads through and never changes its input", () => {
  const big = pseudoRandomBytes(100_000, 9);
  const before = big.slice();
  const plain = new WsFrameEncoder({ mask: false });
  plain.frame(OPCODE_BINARY, [new Uint8Array([0]), big]);
  const out = plain.take();
  assert.ok(out.includes(big), "the body is one of the buffers, not a copy");
  const masked = new WsFrameEncoder({ mask: true });
  masked.frame(OPCODE_BINARY, [big]);
  masked.take();
  assert.deepEqual(big, before);
  assert.throws(() => plain.frame(OPCODE_PING, [new Uint8Array(126)]), RangeError);
  assert.throws(() => plain.frame(OPCODE_CLOSE, [], false), RangeError);
});

Deno.test("frame - a large payload can be read straight into its buffer", () => {
  const payload = pseudoRandomBytes(200_000, 5);
  for (const masked of [false, true]) {
    const encoder = new WsFrameEncoder({ mask: masked });
    encoder.frame(OPCODE_BINARY, [payload]);
    const bytes = concat(encoder.take());
    const { sink, events } = recorder();
    const decoder = new WsFrameDecoder({ masked });
    decoder.feed(bytes.subarray(0, 1000), sink);
    let at = 1000;
    let direct = 0;
    while (at < bytes.length) {
      const target = decoder.bodyBuffer();
      if (target === null) {
        decoder.feed(bytes.subarray(at), sink);
        break;
      }
      const n = Math.min(target.length, 30_000, bytes.length - at);
      target.set(bytes.subarray(at, at + n)); // what a read into the target does
      decoder.feed(target.subarray(0, n), sink);
      at += n;
      direct++;
    }
    assert.ok(direct > 0);
    assert.deepEqual(events, [{ type: "message", payload, text: false }]);
  }
});

Deno.test("frame - control frames may come between fragments; a close ends decoding", () => {
  const encoder = new WsFrameEncoder({ mask: false });
  encoder.frame(OPCODE_BINARY, [new Uint8Array([1, 2])], false);
  encoder.frame(OPCODE_PING, [new Uint8Array([9])]);
  encoder.frame(OPCODE_CONTINUATION, [new Uint8Array([3])], false);
  encoder.frame(OPCODE_CONTINUATION, [new Uint8Array([4])]);
  encoder.frame(OPCODE_CLOSE, [encodeClosePayload(1001, "going")]);
  encoder.frame(OPCODE_BINARY, [new Uint8Array([5])]); // after the close: ignored
  assert.deepEqual(decodeAllWays(concat(encoder.take()), { masked: false }), [
    { type: "ping", payload: new Uint8Array([9]) },
    { type: "message", payload: new Uint8Array([1, 2, 3, 4]), text: false },
    { type: "close", code: 1001, reason: "going" },
  ]);
});

Deno.test("frame - protocol violations are refused with the right close code", () => {
  const server = { masked: true };
  const client = { masked: false };
  const f = (...bytes: number[]) => new Uint8Array(bytes);
  rejects(f(0xc2, 0x00), client, CLOSE_PROTOCOL_ERROR, "RSV1 set");
  rejects(f(0xa2, 0x00), client, CLOSE_PROTOCOL_ERROR, "RSV2 set");
  rejects(f(0x92, 0x00), client, CLOSE_PROTOCOL_ERROR, "RSV3 set");
  for (const opcode of [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]) {
    rejects(f(0x80 | opcode, 0x00), client, CLOSE_PROTOCOL_ERROR, `opcode ${opcode}`);
  }
  rejects(f(0x82, 0x01, 0x00), server, CLOSE_PROTOCOL_ERROR, "an unmasked frame from a client");
  rejects(f(0x82, 0x81, 1, 2, 3, 4, 0), client, CLOSE_PROTOCOL_ERROR, "a masked frame from a server");
  rejects(f(0x89, 0x7e, 0x00, 0x7e), client, CLOSE_PROTOCOL_ERROR, "a control frame over 125 bytes");
  rejects(f(0x09, 0x00), client, CLOSE_PROTOCOL_ERROR, "a fragmented ping");
  rejects(f(0x80, 0x00), client, CLOSE_PROTOCOL_ERROR, "a continuation with nothing to continue");
  rejects(f(0x02, 0x01, 0x00, 0x82, 0x00), client, CLOSE_PROTOCOL_ERROR, "a new message inside a fragmented one");
  rejects(f(0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0), client, CLOSE_PROTOCOL_ERROR, "a 64-bit length with the top bit");
  rejects(f(0x81, 0x01, 0x41), client, CLOSE_UNSUPPORTED_DATA, "a text message (ZWS wants binary)");
  rejects(f(0x81, 0x02, 0xc3, 0x28), { masked: false, text: true }, CLOSE_INVALID_PAYLOAD, "text that is not UTF-8");
  rejects(f(0x02, 0x01, 0x00), { masked: false, fragments: false }, CLOSE_PROTOCOL_ERROR, "fragments refused");
  rejects(f(0x88, 0x01, 0x03), client, CLOSE_PROTOCOL_ERROR, "a 1-byte close payload");
  rejects(f(0x88, 0x02, 0x03, 0xed), client, CLOSE_PROTOCOL_ERROR, "close code 1005 sent on the wire");
  rejects(f(0x88, 0x02, 0x00, 0x00), client, CLOSE_PROTOCOL_ERROR, "close code 0");
  rejects(f(0x88, 0x03, 0x03, 0xe8, 0xff), client, CLOSE_INVALID_PAYLOAD, "a close reason that is not UTF-8");
});

Deno.test("frame - a decoder that threw stays failed", () => {
  const decoder = new WsFrameDecoder({ masked: false });
  const { sink } = recorder();
  assert.throws(() => decoder.feed(new Uint8Array([0x83, 0x00]), sink), WebSocketError);
  assert.throws(() => decoder.feed(new Uint8Array([0x82, 0x00]), sink), WebSocketError);
});

Deno.test("frame - maxMessageSize is enforced from the header, before the payload is buffered", () => {
  const max = 64 * 1024;
  // The header of a message 10 times too large, and nothing else: refused at once.
  const decoder = new WsFrameDecoder({ masked: false, maxMessageSize: max });
  const { sink } = recorder();
  assert.throws(() => decoder.feed(encodeFrameHeader(OPCODE_BINARY, 10 * max), sink), (err: unknown) => {
    return err instanceof WebSocketError && err.closeCode === CLOSE_MESSAGE_TOO_BIG;
  });
  assert.ok(decoder.buffered < 16);
  // A 2^62-byte length is refused the same way, not as a crash.
  rejects(
    new Uint8Array([0x82, 0x7f, 0x40, 0, 0, 0, 0, 0, 0, 0]),
    { masked: false },
    CLOSE_MESSAGE_TOO_BIG,
    "2^62 bytes",
  );
  // Exactly the limit passes; fragments count together.
  const encoder = new WsFrameEncoder({ mask: false });
  encoder.frame(OPCODE_BINARY, [new Uint8Array(max)]);
  assert.equal(decode([concat(encoder.take())], { masked: false, maxMessageSize: max }).length, 1);
  encoder.frame(OPCODE_BINARY, [new Uint8Array(max / 2)], false);
  encoder.frame(OPCODE_CONTINUATION, [new Uint8Array(max / 2 + 1)]);
  rejects(concat(encoder.take()), { masked: false, maxMessageSize: max }, CLOSE_MESSAGE_TOO_BIG, "fragments over");
  // Control frames are not messages: a 125-byte ping passes a 10-byte limit.
  encoder.frame(OPCODE_PING, [new Uint8Array(125)]);
  assert.equal(decode([concat(encoder.take())], { masked: false, maxMessageSize: 10 })[0].type, "ping");
});

Deno.test("frame - close payloads", () => {
  assert.deepEqual(decodeClosePayload(encodeClosePayload(4000, "é")), { code: 4000, reason: "é" });
  // A reason is cut to fit 125 bytes, on a character boundary.
  const long = encodeClosePayload(1000, "é".repeat(100));
  assert.ok(long.length <= 125);
  assert.equal(decodeClosePayload(long).reason, "é".repeat(61));
  assert.throws(() => encodeClosePayload(1005), RangeError);
  assert.throws(() => encodeClosePayload(999), RangeError);
});

Deno.test("frame - maskBytes matches the byte-by-byte definition at every alignment and phase", () => {
  const random = prng(5);
  const mask = new Uint8Array([0x12, 0x34, 0x56, 0x78]);
  const backing = pseudoRandomBytes(300, 2);
  for (let offset = 0; offset < 8; offset++) {
    for (let phase = 0; phase < 4; phase++) {
      const length = 40 + Math.floor(random() * 200);
      const source = backing.subarray(offset, offset + length);
      const expected = Uint8Array.from(source, (b, i) => b ^ mask[(phase + i) & 3]);
      const target = new Uint8Array(length + 8).subarray(offset & 3, (offset & 3) + length);
      maskBytes(target, source, mask, phase);
      assert.deepEqual(target, expected, `offset ${offset} phase ${phase}`);
      const inPlace = source.slice();
      maskBytes(inPlace, inPlace, mask, phase);
      assert.deepEqual(inPlace, expected);
    }
  }
});

Deno.test("frame - fuzz: mutated and random streams end in data or a WebSocketError, with bounded buffering", () => {
  const random = prng(6455);
  const max = 4096;
  // A valid stream to mutate: a mix of everything.
  const encoder = new WsFrameEncoder({ mask: true, random: fixedMask([1, 2, 3, 4]) });
  encoder.frame(OPCODE_BINARY, [pseudoRandomBytes(300, 1)]);
  encoder.frame(OPCODE_PING, [new Uint8Array([1, 2])]);
  encoder.frame(OPCODE_BINARY, [new Uint8Array([0])], false);
  encoder.frame(OPCODE_CONTINUATION, [pseudoRandomBytes(200, 2)]);
  encoder.frame(OPCODE_CLOSE, [encodeClosePayload(1000, "ok")]);
  const valid = concat(encoder.take());
  const outcomes = { ok: 0, refused: 0 };
  for (let round = 0; round < 4000; round++) {
    let bytes: Uint8Array;
    if (round % 4 === 0) {
      bytes = Uint8Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256));
    } else {
      bytes = valid.slice();
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) bytes[Math.floor(random() * bytes.length)] ^= 1 << Math.floor(random() * 8);
    }
    const decoder = new WsFrameDecoder({ masked: round % 2 === 0, maxMessageSize: max });
    const { sink } = recorder();
    try {
      for (const piece of split(bytes, round)) {
        decoder.feed(piece, sink);
        assert.ok(decoder.buffered <= max + 14, `round ${round}: ${decoder.buffered} bytes held`);
      }
      outcomes.ok++;
    } catch (err) {
      assert.ok(err instanceof WebSocketError, `round ${round}: ${err}`);
      outcomes.refused++;
    }
  }
  assert.ok(outcomes.ok > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  assert.equal(text(HELLO), "Hello");
});
