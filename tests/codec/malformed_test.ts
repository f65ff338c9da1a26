import assert from "node:assert/strict";
import { FRAME_SIZE_LIMIT } from "../../src/codec/codec.ts";
import { decodeCommand, parseMetadata } from "../../src/codec/command.ts";
import { ProtocolError } from "../../src/errors.ts";
import { CODECS } from "./_codecs.ts";

const ignore = () => {};
const isFrameError = (pattern: RegExp) => (e: unknown) =>
  e instanceof ProtocolError && e.kind === "frame" && pattern.test(e.message);

for (const codec of CODECS) {
  Deno.test(`${codec.kind} codec - reserved flag bits are refused`, () => {
    assert.throws(
      () => codec.decoder().feed(new Uint8Array([0xf8, 0x00]), ignore),
      isFrameError(/Reserved frame flag bits/),
    );
    // Lenient mode accepts them as libzmq does.
    const frames: number[] = [];
    codec.decoder({ strictFlags: false }).feed(new Uint8Array([0xf8, 0x01, 0x41]), (_b, f) => frames.push(f));
    assert.deepEqual(frames, [0]);
  });

  Deno.test(`${codec.kind} codec - a long frame above maxMessageSize is refused at its header`, () => {
    const decoder = codec.decoder({ maxFrameSize: 1000 });
    const header = new Uint8Array([0x02, 0, 0, 0, 0, 0, 0, 0x03, 0xe9]); // 1001 bytes
    assert.throws(() => decoder.feed(header, ignore), isFrameError(/exceeds maxMessageSize \(1000\)/));
    assert.equal(decoder.buffered, 0, "no body bytes were buffered");
    // Exactly at the limit passes.
    const ok = codec.decoder({ maxFrameSize: 3 });
    const seen: number[] = [];
    ok.feed(new Uint8Array([0x00, 0x03, 1, 2, 3]), (b) => seen.push(b.length));
    assert.deepEqual(seen, [3]);
  });

  Deno.test(`${codec.kind} codec - an absurd 64-bit size is refused without allocating`, () => {
    for (const high of [0xff, 0x7f, 0x00]) {
      const size = high === 0 ? [0, 0, 0, 0x80, 0, 0, 0] : [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
      const bytes = new Uint8Array([0x02, high, ...size]);
      assert.throws(
        () => codec.decoder().feed(bytes, ignore),
        isFrameError(new RegExp(`limit of zmq-ts|${FRAME_SIZE_LIMIT}`)),
      );
    }
  });

  Deno.test(`${codec.kind} codec - errors are sticky: the decoder refuses further input`, () => {
    const decoder = codec.decoder();
    assert.throws(() => decoder.feed(new Uint8Array([0x10, 0]), ignore), ProtocolError);
    assert.throws(() => decoder.feed(new Uint8Array([0x00, 0]), ignore), ProtocolError);
  });

  Deno.test(`${codec.kind} codec - a truncated frame leaves its bytes buffered, not delivered`, () => {
    const decoder = codec.decoder();
    let count = 0;
    decoder.feed(new Uint8Array([0x00, 0x05, 1, 2]), () => count++);
    assert.equal(count, 0);
    assert.equal(decoder.buffered, 2);
    decoder.feed(new Uint8Array([3, 4]), () => count++);
    assert.equal(count, 0);
    decoder.feed(new Uint8Array([5, 0x02, 0, 0]), () => count++);
    assert.equal(count, 1);
    assert.equal(decoder.buffered, 3, "three bytes of the next long header");
  });
}

Deno.test("commands - truncated or malformed commands are protocol errors", () => {
  const cases: [string, number[]][] = [
    ["empty body", []],
    ["name longer than body", [5, 0x52, 0x45]],
    ["zero-length name", [0]],
    ["ERROR without reason length", [5, ...new TextEncoder().encode("ERROR")]],
    ["ERROR reason past the end", [5, ...new TextEncoder().encode("ERROR"), 9, 0x34]],
    ["PING without TTL", [4, ...new TextEncoder().encode("PING"), 0]],
    ["READY with truncated property", [5, ...new TextEncoder().encode("READY"), 11, 0x53]],
    ["READY with a trailing byte", [5, ...new TextEncoder().encode("READY"), 1]],
  ];
  for (const [what, bytes] of cases) {
    assert.throws(() => decodeCommand(new Uint8Array(bytes)), ProtocolError, what);
  }
});

Deno.test("metadata - value length past the end is refused; conflicting Socket-Type too", () => {
  assert.throws(() => parseMetadata(new Uint8Array([1, 0x41, 0, 0, 0, 9, 1])), /truncated/);
  const twoTypes = new Uint8Array([
    ...[11, ...new TextEncoder().encode("Socket-Type"), 0, 0, 0, 3, ...new TextEncoder().encode("REQ")],
    ...[11, ...new TextEncoder().encode("Socket-Type"), 0, 0, 0, 3, ...new TextEncoder().encode("REP")],
  ]);
  assert.throws(() => parseMetadata(twoTypes), /two different Socket-Type/);
});
