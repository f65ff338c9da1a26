import assert from "node:assert/strict";
import { FLAG_COMMAND, FLAG_MORE, type FrameDecoder } from "../../src/codec/codec.ts";
import { decodeCommand, encodeDecodedCommand } from "../../src/codec/command.ts";
import { ProtocolError } from "../../src/errors.ts";
import { concat, loadVectors, prng } from "../_vectors.ts";
import { CODECS } from "./_codecs.ts";

interface Frame {
  body: Uint8Array;
  flags: number;
}

/** Feeds `bytes` split at the given cut points and collects the frames (copied, so views cannot hide reuse bugs). */
function decodeSplit(decoder: FrameDecoder, bytes: Uint8Array, cuts: number[]): Frame[] {
  const frames: Frame[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    decoder.feed(bytes.slice(start, cut), (body, flags) => frames.push({ body: body.slice(), flags }));
    start = cut;
  }
  assert.equal(decoder.buffered, 0, "nothing left over after a whole vector");
  return frames;
}

const GROUPS = ["frame", "ready", "command", "plain", "draft"];
const framedVectors = GROUPS.flatMap((g) => loadVectors(g).map((v) => ({ group: g, ...v })))
  .filter((v) => v.name !== "frame_long_256_boundary_header");

for (const codec of CODECS) {
  Deno.test(`${codec.kind} codec - every framed vector decodes the same whole, byte by byte and randomly split`, () => {
    const random = prng(2);
    for (const v of framedVectors) {
      const whole = decodeSplit(codec.decoder(), v.bytes, []);
      const byByte = decodeSplit(codec.decoder(), v.bytes, [...v.bytes.keys()].slice(1));
      const cuts = [...v.bytes.keys()].slice(1).filter(() => random() < 0.2);
      const split = decodeSplit(codec.decoder(), v.bytes, cuts);
      assert.ok(whole.length > 0, v.name);
      assert.deepEqual(byByte, whole, v.name);
      assert.deepEqual(split, whole, v.name);
    }
  });

  Deno.test(`${codec.kind} codec - every framed vector re-encodes byte for byte`, () => {
    const encoder = codec.encoder();
    for (const v of framedVectors) {
      const frames = decodeSplit(codec.decoder(), v.bytes, []);
      for (const f of frames) encoder.frame(f.body, f.flags);
      assert.deepEqual(concat(encoder.take()), v.bytes, v.name);
    }
    encoder.dispose();
  });

  Deno.test(`${codec.kind} codec - command vectors decode to commands that re-encode exactly`, () => {
    for (const v of framedVectors) {
      for (const f of decodeSplit(codec.decoder(), v.bytes, [])) {
        if ((f.flags & FLAG_COMMAND) === 0) continue;
        if (v.name === "error_400_plain_libzmq_bug") {
          // libzmq's PLAIN ERROR has a broken name length ("^RROR"); generic decoding must refuse it.
          assert.throws(() => decodeCommand(f.body), ProtocolError);
          continue;
        }
        assert.deepEqual(encodeDecodedCommand(decodeCommand(f.body)), f.body, v.name);
      }
    }
  });

  Deno.test(`${codec.kind} codec - frames keep MORE and COMMAND and drop LONG`, () => {
    const frames = decodeSplit(
      codec.decoder(),
      loadVectors("frame").find((v) => v.name === "multipart_3_frames")!.bytes,
      [],
    );
    assert.deepEqual(frames.map((f) => f.flags), [FLAG_MORE, FLAG_MORE, 0]);
    assert.deepEqual(frames.map((f) => new TextDecoder().decode(f.body)), ["", "A", "payload"]);
    const long = decodeSplit(codec.decoder(), loadVectors("frame").find((v) => v.name === "frame_long_300")!.bytes, []);
    assert.equal(long[0].flags, 0);
    assert.equal(long[0].body.length, 300);
  });

  Deno.test(`${codec.kind} codec - LONG is used from 256 bytes on, as libzmq does`, () => {
    const header = loadVectors("frame").find((v) => v.name === "frame_long_256_boundary_header")!.bytes;
    const encoder = codec.encoder();
    encoder.frame(new Uint8Array(256), 0);
    const bytes = concat(encoder.take());
    assert.deepEqual(bytes.subarray(0, 9), header);
    encoder.frame(new Uint8Array(255), 0);
    assert.deepEqual([...concat(encoder.take()).subarray(0, 2)], [0x00, 0xff]);
    encoder.dispose();
  });

  Deno.test(`${codec.kind} codec - many queued frames pack into one buffer; large bodies pass through uncopied`, () => {
    const encoder = codec.encoder();
    for (let i = 0; i < 1000; i++) encoder.frame(new Uint8Array([i & 0xff]), FLAG_MORE);
    assert.equal(encoder.size, 3000);
    const out = encoder.take();
    assert.equal(out.length, 1);
    assert.equal(out[0].length, 3000);
    const big = new Uint8Array(1 << 20).fill(7);
    encoder.frame(new Uint8Array([1, 2, 3]), FLAG_MORE);
    encoder.frame(big, 0);
    const parts = encoder.take();
    assert.equal(concat(parts).length, 5 + 9 + big.length);
    assert.ok(parts.includes(big) || codec.kind === "wasm", "js passes the large body itself");
    encoder.dispose();
  });

  Deno.test(`${codec.kind} codec - encoder output stays valid until the next take()`, () => {
    const encoder = codec.encoder();
    encoder.frame(new Uint8Array([1]), 0);
    const first = concat(encoder.take());
    const firstParts = encoder.take(); // empty batch
    assert.equal(firstParts.length, 0);
    encoder.frame(new Uint8Array([2]), 0);
    const second = encoder.take();
    encoder.frame(new Uint8Array([3]), 0);
    assert.deepEqual([...concat(second)], [0, 1, 2]);
    assert.deepEqual([...first], [0, 1, 1]);
    encoder.dispose();
  });
}

for (const codec of CODECS.filter((c) => c.kind === "js")) {
  Deno.test(`${codec.kind} codec - reads that land in bodyBuffer() complete a large frame without a copy`, () => {
    const decoder = codec.decoder();
    assert.ok(decoder.bodyBuffer !== undefined);
    const body = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
    const header = new Uint8Array([0x02, 0, 0, 0, 0, 0, 0x04, 0x93, 0xe0]); // 300 000
    const frames: Uint8Array[] = [];
    const onFrame = (b: Uint8Array) => frames.push(b);
    decoder.feed(concat([header, body.subarray(0, 1000)]), onFrame);
    let at = 1000;
    for (let target = decoder.bodyBuffer!(); target !== null; target = decoder.bodyBuffer!()) {
      const n = Math.min(target.length, 65536);
      target.set(body.subarray(at, at + n));
      decoder.feed(target.subarray(0, n), onFrame);
      at += n;
    }
    decoder.feed(body.subarray(at), onFrame);
    assert.equal(frames.length, 1);
    assert.deepEqual(frames[0], body);
    assert.equal(decoder.bodyBuffer!(), null, "between frames there is no body to read into");
    decoder.dispose();
  });
}
