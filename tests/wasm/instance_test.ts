import assert from "node:assert/strict";
import { FRAME_SIZE_LIMIT } from "../../src/codec/codec.ts";
import { wasmCodec } from "../../src/codec/wasm.ts";
import { ABI, wasmInstance, wasmModule } from "../../src/wasm/instance.ts";

const root = new URL("../../", import.meta.url);

Deno.test("wasm abi - the module exports exactly what wasm/ABI.md documents", () => {
  const documented = [...Deno.readTextFileSync(new URL("wasm/ABI.md", root)).matchAll(/^### (\w+)\s*$/gm)]
    .map((m) => m[1]).sort();
  const exported = WebAssembly.Module.exports(wasmModule()).map((e) => e.name).sort();
  assert.deepEqual(exported, documented);
  assert.deepEqual(WebAssembly.Module.imports(wasmModule()), [], "the module imports nothing");
});

Deno.test("wasm abi - instance.ts mirrors every number of wasm/src/abi.rs", () => {
  const text = Deno.readTextFileSync(new URL("wasm/src/abi.rs", root));
  const consts = [...text.matchAll(/^pub const (\w+): i32 = (-?\d+);$/gm)].map((m) => [m[1], Number(m[2])]);
  assert.equal(consts.length, [...text.matchAll(/^pub const /gm)].length, "every const is a plain i32 literal");
  assert.deepEqual(Object.fromEntries(consts), { ...ABI });
  assert.equal(ABI.FRAME_SIZE_LIMIT, FRAME_SIZE_LIMIT);
  assert.equal(ABI.DEC_WORDS, ABI.DEC_TABLE + 3 * ABI.DEC_TABLE_CAPACITY);
});

Deno.test("wasm abi - importing the codec instantiates nothing and needs no permission", async () => {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    const url = (path: string) => new URL(path, root).href;
    Deno.writeTextFileSync(
      script,
      `import { isWasmInstantiated } from "${url("src/wasm/instance.ts")}";
       import { wasmCodec } from "${url("src/codec/wasm.ts")}";
       const before = isWasmInstantiated();
       const frames = [];
       wasmCodec.decoder().feed(new Uint8Array([0, 1, 65]), (b) => frames.push(b[0]));
       console.log(JSON.stringify({ before, after: isWasmInstantiated(), frames }));`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--no-lock", `--allow-read=${script}`, script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, stderr);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), { before: false, after: true, frames: [65] });
  } finally {
    Deno.removeSync(script);
  }
});

Deno.test("wasm abi - memory growth keeps decoders and encoders working; a stale read buffer is refused", () => {
  const wasm = wasmInstance();
  const decoder = wasmCodec.decoder();
  const encoder = wasmCodec.encoder();
  const stale = decoder.readBuffer();
  const before = wasm.exports.memory.buffer.byteLength;
  const hog = wasm.exports.zmq_alloc(8 * 1024 * 1024);
  assert.ok(hog > 0);
  assert.ok(wasm.exports.memory.buffer.byteLength > before, "memory grew");
  assert.equal(stale.byteLength, 0, "the old view is detached");
  // Slicing a detached view already throws; feeding the view itself is refused instead of read as empty.
  assert.throws(() => stale.subarray(0, 1), TypeError);
  assert.throws(() => decoder.feed(stale, () => {}), RangeError);
  // Both keep working with fresh views.
  encoder.frame(new Uint8Array([1, 2, 3]), 0);
  const bytes = encoder.take()[0];
  const frames: number[][] = [];
  const buf = decoder.readBuffer();
  buf.set(bytes);
  decoder.feed(buf.subarray(0, bytes.length), (body) => frames.push([...body]));
  assert.deepEqual(frames, [[1, 2, 3]]);
  wasm.exports.zmq_free(hog, 8 * 1024 * 1024);
  decoder.dispose();
  encoder.dispose();
});

Deno.test("wasm abi - allocations balance: heap use returns to its baseline after dispose()", () => {
  const wasm = wasmInstance();
  const baseline = wasm.heapUsed();
  const decoders = Array.from({ length: 50 }, (_, i) => wasmCodec.decoder({ maxFrameSize: (i + 1) * 100 }));
  const encoders = Array.from({ length: 50 }, () => wasmCodec.encoder());
  for (const [i, d] of decoders.entries()) {
    d.readBuffer();
    d.feed(new Uint8Array([0, 2, 1, 2, 0x02, 0, 0]), () => {});
    encoders[i].frame(new Uint8Array(i * 1000), 0);
    encoders[i].take();
  }
  assert.ok(wasm.heapUsed() > baseline);
  for (const d of decoders) d.dispose();
  for (const e of encoders) e.dispose();
  assert.equal(wasm.heapUsed(), baseline);
  // Disposing twice is harmless; using a disposed object is refused.
  decoders[0].dispose();
  assert.throws(() => decoders[0].feed(new Uint8Array(1), () => {}), TypeError);
  assert.throws(() => encoders[0].frame(new Uint8Array(1), 0), TypeError);
});
