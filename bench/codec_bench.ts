/**
 * Frame codec throughput, Wasm against the TypeScript reference (baseline).
 *
 * ```sh
 * deno bench -A bench/codec_bench.ts
 * ```
 *
 * Groups, one per scenario and size (body bytes):
 * - `decode <size>`: feed one chunk holding one frame, in JS memory.
 * - `decode batch <size>`: feed a 64 KiB chunk of back-to-back frames.
 * - `decode read <size>`: the socket read path, in reads of at most 64 KiB.
 *   Both copy the bytes into a read buffer first (standing in for the
 *   kernel's copy): JS into a fresh 64 KiB buffer per read, as its
 *   view-handing contract requires; Wasm into `readBuffer()`, so `feed`
 *   copies nothing in but copies frames out (or, inside a large frame, the
 *   read lands in the frame's own body).
 * - `encode <size>`: one frame, then `take()`.
 * - `encode batch <size>`: 64 KiB worth of frames, then `take()`.
 *
 * Setup (building chunks, codecs) is outside `b.start()`/`b.end()`.
 */
import type { Codec, FrameDecoder } from "../src/codec/codec.ts";
import { jsCodec } from "../src/codec/js.ts";
import { wasmCodec, type WasmFrameDecoder } from "../src/codec/wasm.ts";

const SIZES = [0, 16, 256, 4096, 65536, 1 << 20];
const BATCH_SIZES = [0, 16, 256, 4096];
const BATCH_BYTES = 64 * 1024;
const READ_SIZE = 64 * 1024;

let sink = 0;
const onFrame = (body: Uint8Array, flags: number) => {
  sink += body.length + flags;
};

function encodeAll(bodies: Uint8Array[]): Uint8Array {
  const encoder = jsCodec.encoder();
  for (const b of bodies) encoder.frame(b, 0);
  const parts = encoder.take();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function body(size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = i * 31;
  return b;
}

/** Frames of `size` bytes filling about 64 KiB (at least one). */
function batch(size: number): Uint8Array[] {
  const count = Math.max(1, Math.floor(BATCH_BYTES / (size + (size > 255 ? 9 : 2))));
  return Array.from({ length: count }, () => body(size));
}

const label = (size: number) => size >= 1024 ? `${size / 1024} KiB` : `${size} B`;

for (const codec of [jsCodec, wasmCodec] as Codec[]) {
  const baseline = codec.kind === "js";
  const decoder: FrameDecoder = codec.decoder();
  const encoder = codec.encoder();

  for (const size of SIZES) {
    const chunk = encodeAll([body(size)]);
    Deno.bench({
      name: `${codec.kind} decode ${label(size)}`,
      group: `decode ${label(size)}`,
      baseline,
      fn(b) {
        b.start();
        decoder.feed(chunk, onFrame);
        b.end();
      },
    });
  }

  for (const size of BATCH_SIZES) {
    const frames = batch(size);
    const chunk = encodeAll(frames);
    Deno.bench({
      name: `${codec.kind} decode batch ${frames.length} × ${label(size)}`,
      group: `decode batch ${label(size)}`,
      baseline,
      fn(b) {
        b.start();
        decoder.feed(chunk, onFrame);
        b.end();
      },
    });
  }

  const reads = [
    ...BATCH_SIZES.map((s) => ({ size: s, frames: batch(s) })),
    ...SIZES.slice(4).map((s) => ({
      size: s,
      frames: [body(s)],
    })),
  ];
  for (const size of reads) {
    const chunk = encodeAll(size.frames);
    const reader = codec.decoder();
    // Reads of at most 64 KiB, as a socket read loop would do.
    const read = codec.kind === "wasm"
      ? () => {
        for (let at = 0; at < chunk.length;) {
          const buf = (reader as WasmFrameDecoder).readBuffer();
          const n = Math.min(buf.length, chunk.length - at);
          buf.set(chunk.subarray(at, at + n));
          reader.feed(buf.subarray(0, n), onFrame);
          at += n;
        }
      }
      : () => {
        for (let at = 0; at < chunk.length;) {
          const n = Math.min(READ_SIZE, chunk.length - at);
          const buf = new Uint8Array(READ_SIZE);
          buf.set(chunk.subarray(at, at + n));
          reader.feed(buf.subarray(0, n), onFrame);
          at += n;
        }
      };
    Deno.bench({
      name: `${codec.kind} decode read ${size.frames.length} × ${label(size.size)}`,
      group: `decode read ${label(size.size)}`,
      baseline,
      fn(b) {
        b.start();
        read();
        b.end();
      },
    });
  }

  for (const size of SIZES) {
    const frame = body(size);
    Deno.bench({
      name: `${codec.kind} encode ${label(size)}`,
      group: `encode ${label(size)}`,
      baseline,
      fn(b) {
        b.start();
        encoder.frame(frame, 0);
        sink += encoder.take().length;
        b.end();
      },
    });
  }

  for (const size of BATCH_SIZES) {
    const frames = batch(size);
    Deno.bench({
      name: `${codec.kind} encode batch ${frames.length} × ${label(size)}`,
      group: `encode batch ${label(size)}`,
      baseline,
      fn(b) {
        b.start();
        for (const f of frames) encoder.frame(f, 0);
        sink += encoder.take().length;
        b.end();
      },
    });
  }
}

globalThis.addEventListener("unload", () => {
  if (sink === 42) console.log(sink);
});
