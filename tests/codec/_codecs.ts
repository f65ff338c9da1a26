/** The codecs every codec test runs against. */
import type { Codec } from "../../src/codec/codec.ts";
import { jsCodec } from "../../src/codec/js.ts";
import { wasmCodec } from "../../src/codec/wasm.ts";

/** Both implementations; each test runs once per entry. */
export const CODECS: Codec[] = [jsCodec, wasmCodec];
