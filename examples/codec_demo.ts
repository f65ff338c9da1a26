/**
 * Codec demo: pushes a stream of one million messages of mixed sizes through
 * each frame codec (encode in batches, then decode the batches) and prints
 * what it did and how fast. Needs no permissions.
 *
 * ```sh
 * deno task demo:codec
 * ```
 */
import { FLAG_MORE } from "../src/codec/codec.ts";
import { codecs, defaultCodec } from "../src/codec/select.ts";

const MESSAGES = 1_000_000;
/** Message sizes drawn in this mix: mostly small, some medium, a few large. */
const MIX: [size: number, share: number][] = [[16, 0.7], [256, 0.25], [4096, 0.05]];
/** Every tenth message has two parts: an 8-byte topic frame with MORE, then the body. */
const TOPIC = new TextEncoder().encode("weather.");

function plan(): Uint8Array[] {
  const pool = new Uint8Array(64 * 1024);
  for (let i = 0; i < pool.length; i++) pool[i] = (i * 131) & 0xff;
  const bodies: Uint8Array[] = [];
  let seed = 1;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  for (let i = 0; i < 1000; i++) {
    let r = random();
    const [size] = MIX.find(([, share]) => (r -= share) < 0) ?? MIX[0];
    const at = Math.floor(random() * (pool.length - size));
    bodies.push(pool.subarray(at, at + size));
  }
  return bodies;
}

function run(kind: "js" | "wasm", bodies: Uint8Array[]) {
  const codec = codecs[kind];
  const encoder = codec.encoder();
  const decoder = codec.decoder();
  let frames = 0;
  let bytes = 0;
  let wire = 0;
  const onFrame = (body: Uint8Array) => {
    frames++;
    bytes += body.length;
  };
  const drain = () => {
    for (const chunk of encoder.take()) {
      wire += chunk.length;
      decoder.feed(chunk, onFrame);
    }
  };
  const start = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    if (i % 10 === 0) encoder.frame(TOPIC, FLAG_MORE);
    encoder.frame(bodies[i % bodies.length], 0);
    if (encoder.size >= 64 * 1024) drain();
  }
  drain();
  const seconds = (performance.now() - start) / 1000;
  encoder.dispose();
  decoder.dispose();
  return { frames, bytes, wire, seconds };
}

const bodies = plan();
const mix = MIX.map(([size, share]) => `${Math.round(share * 100)}% ${size} B`).join(", ");
console.log(`Codec demo: ${MESSAGES.toLocaleString("en")} messages (${mix}; every tenth has a topic frame)`);
console.log(`Each codec encodes them in 64 KiB batches and decodes every batch right away.\n`);
for (const kind of ["js", "wasm"] as const) {
  run(kind, bodies.slice(0, 10)); // warm up
  const r = run(kind, bodies);
  const mb = r.wire / 1e6;
  console.log(
    `${kind.padEnd(4)}  ${r.frames.toLocaleString("en")} frames, ${mb.toFixed(1)} MB on the wire in ` +
      `${r.seconds.toFixed(2)} s: ${Math.round(MESSAGES / r.seconds).toLocaleString("en")} msg/s, ` +
      `${(mb / r.seconds).toFixed(0)} MB/s (encode + decode)`,
  );
}
console.log(`\nThe default codec is "${defaultCodec.kind}" (see bench/RESULTS.md).`);
