/**
 * Both frame codecs by kind, and the default one.
 *
 * The default is the one that measured faster for ordinary traffic (small
 * and medium messages in batches); see `bench/RESULTS.md`, section "Codec:
 * Wasm vs JS", and `bench/codec_bench.ts` to measure again.
 *
 * @module
 */

import type { Codec, CodecKind } from "./codec.ts";
import { jsCodec } from "./js.ts";
import { wasmCodec } from "./wasm.ts";

/**
 * Every codec implementation by kind. Importing this instantiates nothing;
 * the Wasm module is compiled on the first Wasm decoder or encoder.
 *
 * @example Usage
 * ```ts
 * import { codecs } from "./select.ts";
 * import assert from "node:assert/strict";
 * assert.equal(codecs.wasm.kind, "wasm");
 * assert.equal(codecs.js.kind, "js");
 * ```
 */
export const codecs: Readonly<Record<CodecKind, Codec>> = Object.freeze({ js: jsCodec, wasm: wasmCodec });

/**
 * The codec connections use unless told otherwise.
 *
 * @example Usage
 * ```ts
 * import { codecs, defaultCodec } from "./select.ts";
 * import assert from "node:assert/strict";
 * assert.equal(codecs[defaultCodec.kind], defaultCodec);
 * ```
 */
export const defaultCodec: Codec = jsCodec;
