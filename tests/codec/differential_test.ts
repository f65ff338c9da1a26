/**
 * Differential tests: the Wasm codec must behave exactly like the TypeScript
 * reference on random input (same frames, flags, errors, `buffered`, and
 * encoded bytes). Seeded, so a failure repeats; the seed is in the message.
 */
import assert from "node:assert/strict";
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, type FrameDecoder } from "../../src/codec/codec.ts";
import { jsCodec } from "../../src/codec/js.ts";
import { wasmCodec, type WasmFrameDecoder } from "../../src/codec/wasm.ts";
import { ProtocolError } from "../../src/errors.ts";
import { concat, prng } from "../_vectors.ts";

const POOL = (() => {
  const random = prng(99);
  const pool = new Uint8Array(1 << 18);
  for (let i = 0; i < pool.length; i++) pool[i] = (random() * 256) | 0;
  return pool;
})();

type Random = () => number;
const int = (random: Random, n: number) => Math.floor(random() * n);

/** A random body: mostly 0..300 bytes, sometimes up to ~70 KiB. */
function randomBody(random: Random): Uint8Array {
  const r = random();
  const size = r < 0.9 ? int(random, 301) : r < 0.97 ? int(random, 4096) : int(random, 70_000);
  const at = int(random, POOL.length - size);
  return POOL.slice(at, at + size);
}

/** Random frame flags: MORE and COMMAND, now and then MORE on a command or a reserved bit. */
function randomFlags(random: Random): number {
  const r = random();
  if (r < 0.45) return 0;
  if (r < 0.8) return FLAG_MORE;
  if (r < 0.97) return FLAG_COMMAND;
  if (r < 0.985) return FLAG_COMMAND | FLAG_MORE;
  return 0x08 << int(random, 5);
}

/** One encoded frame; the LONG form is sometimes used for small sizes, which decoders accept. */
function header(flags: number, size: number, forceLong: boolean): number[] {
  if (size <= 255 && !forceLong) return [flags, size];
  const high = Math.floor(size / 2 ** 32);
  return [flags | FLAG_LONG, 0, 0, 0, high, size >>> 24 & 0xff, size >>> 16 & 0xff, size >>> 8 & 0xff, size & 0xff];
}

/** A malformed or hostile header: absurd sizes, reserved bits. */
function badHeader(random: Random): number[] {
  switch (int(random, 4)) {
    case 0:
      return [FLAG_LONG, 0xff, ...Array.from({ length: 7 }, () => int(random, 256))];
    case 1:
      return [FLAG_LONG | int(random, 2), 0, 0, 0, int(random, 3), 0x80 + int(random, 128), 0, 0, 1];
    case 2:
      return [0xf8 | int(random, 8), int(random, 256)];
    default:
      return Array.from({ length: 1 + int(random, 12) }, () => int(random, 256));
  }
}

function randomStream(random: Random): Uint8Array {
  const parts: Uint8Array[] = [];
  const frames = 1 + int(random, 40);
  for (let i = 0; i < frames; i++) {
    if (random() < 0.01) {
      parts.push(new Uint8Array(badHeader(random)));
      continue;
    }
    const body = randomBody(random);
    parts.push(new Uint8Array(header(randomFlags(random), body.length, random() < 0.05)), body);
  }
  return concat(parts);
}

/** Cut points: none, every byte (short streams), or a few random ones. */
function randomCuts(random: Random, length: number): number[] {
  const r = random();
  if (r < 0.1) return [];
  if (r < 0.2 && length < 2000) return Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
  const cuts = Array.from({ length: 1 + int(random, 12) }, () => int(random, length + 1));
  return cuts.sort((a, b) => a - b);
}

interface Outcome {
  frames: { body: Uint8Array; flags: number }[];
  buffered: number[];
  error: string | null;
}

type Feeder = (decoder: FrameDecoder, piece: Uint8Array, onFrame: (body: Uint8Array, flags: number) => void) => void;

const feedChunk: Feeder = (decoder, piece, onFrame) => decoder.feed(piece, onFrame);

/** Feeds through the Wasm decoder's readBuffer(), as a socket read into it would. */
const feedThroughReadBuffer: Feeder = (decoder, piece, onFrame) => {
  let at = 0;
  do {
    const buf = (decoder as WasmFrameDecoder).readBuffer();
    const n = Math.min(buf.length, piece.length - at);
    buf.set(piece.subarray(at, at + n));
    decoder.feed(buf.subarray(0, n), onFrame);
    at += n;
  } while (at < piece.length);
};

/** Runs one decoder over `bytes` cut at `cuts`; frames are kept uncopied to prove they stay valid. */
function run(decoder: FrameDecoder, bytes: Uint8Array, cuts: number[], feeder: Feeder): Outcome {
  const outcome: Outcome = { frames: [], buffered: [], error: null };
  let start = 0;
  try {
    for (const cut of [...cuts, bytes.length]) {
      // A fresh copy per chunk, never overwritten: the reference codec hands out views of it.
      feeder(decoder, bytes.slice(start, cut), (body, flags) => outcome.frames.push({ body, flags }));
      outcome.buffered.push(decoder.buffered);
      start = cut;
    }
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    outcome.error = `${err.kind}: ${err.message}`;
    outcome.buffered.push(decoder.buffered);
    // Errors are sticky.
    assert.throws(() => decoder.feed(new Uint8Array([0, 0]), () => {}), (e) => e === err);
  }
  decoder.dispose();
  return outcome;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function assertSame(expected: Outcome, actual: Outcome, what: string): void {
  assert.equal(actual.error, expected.error, `${what}: error`);
  assert.deepEqual(actual.buffered, expected.buffered, `${what}: buffered after each feed`);
  assert.equal(actual.frames.length, expected.frames.length, `${what}: frame count`);
  for (let i = 0; i < expected.frames.length; i++) {
    assert.equal(actual.frames[i].flags, expected.frames[i].flags, `${what}: flags of frame ${i}`);
    assert.ok(sameBytes(actual.frames[i].body, expected.frames[i].body), `${what}: body of frame ${i}`);
  }
}

Deno.test("differential - random streams decode identically in js and wasm, split anywhere, by feed and readBuffer", () => {
  let frames = 0;
  let errors = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const random = prng(seed);
    const bytes = randomStream(random);
    const options = {
      strictFlags: random() < 0.8,
      maxFrameSize: random() < 0.7 ? -1 : int(random, 70_000),
    };
    const cuts = randomCuts(random, bytes.length);
    const expected = run(jsCodec.decoder(options), bytes, cuts, feedChunk);
    assertSame(expected, run(wasmCodec.decoder(options), bytes, cuts, feedChunk), `seed ${seed} feed`);
    assertSame(expected, run(wasmCodec.decoder(options), bytes, cuts, feedThroughReadBuffer), `seed ${seed} read`);
    frames += expected.frames.length;
    if (expected.error) errors++;
  }
  // The generator must exercise both outcomes.
  assert.ok(frames > 30_000, `${frames} frames`);
  assert.ok(errors > 50, `${errors} errors`);
});

Deno.test("differential - a body above PREALLOCATE_MAX grows as it arrives and decodes identically", () => {
  const size = 9 * 1024 * 1024 + 7;
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i += 4096) body.set(POOL.subarray(0, Math.min(4096, size - i)), i);
  const bytes = concat([new Uint8Array(header(FLAG_MORE, size, false)), body, new Uint8Array([0, 1, 42])]);
  const random = prng(7);
  const cuts = Array.from({ length: 20 }, () => int(random, bytes.length)).sort((a, b) => a - b);
  const expected = run(jsCodec.decoder(), bytes, cuts, feedChunk);
  assert.equal(expected.frames.length, 2);
  assertSame(expected, run(wasmCodec.decoder(), bytes, cuts, feedChunk), "feed");
  assertSame(expected, run(wasmCodec.decoder(), bytes, cuts, feedThroughReadBuffer), "read");
});

Deno.test("differential - random frame sequences encode to identical bytes, with take() at random points", () => {
  const js = jsCodec.encoder();
  const wasm = wasmCodec.encoder();
  for (let seed = 1; seed <= 300; seed++) {
    const random = prng(10_000 + seed);
    const frames = int(random, 3000);
    for (let i = 0; i < frames; i++) {
      const body = random() < 0.01 ? POOL.subarray(0, 8192 + int(random, 100_000)) : randomBody(random);
      const flags = random() < 0.9 ? randomFlags(random) & 0x05 : int(random, 1024) - 512;
      js.frame(body, flags);
      wasm.frame(body, flags);
      assert.equal(wasm.size, js.size, `seed ${seed}: size after frame ${i}`);
      if (random() < 0.002) {
        assert.ok(sameBytes(concat(wasm.take()), concat(js.take())), `seed ${seed}: bytes at frame ${i}`);
      }
    }
    assert.ok(sameBytes(concat(wasm.take()), concat(js.take())), `seed ${seed}: bytes`);
  }
  js.dispose();
  wasm.dispose();
});
