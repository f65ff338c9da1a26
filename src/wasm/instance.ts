/**
 * The zmq_wasm module: lazy synchronous instantiation from the bytes inlined
 * in `wasm/lib/zmq_wasm.generated.ts`, typed exports, the status codes of
 * `wasm/src/abi.rs`, and views of linear memory.
 *
 * This is the only file that touches `WebAssembly.Memory`. Nothing happens
 * at import: the module is compiled and instantiated on the first call to
 * {@linkcode wasmInstance}, synchronously, without fetch, file reads or
 * permissions. Linear memory grows when an export allocates; growing
 * detaches every view of the old buffer, so the view getters of
 * {@linkcode WasmInstance} check for that and hand out fresh views. Callers
 * must read a view from the getter again after any export call that may
 * allocate (see `wasm/ABI.md`) and after running user callbacks.
 *
 * @module
 */

import { WASM_BASE64 } from "../../wasm/lib/zmq_wasm.generated.ts";

/**
 * Every number of `wasm/src/abi.rs`, by the same name. `tests/wasm_abi_test.ts`
 * parses abi.rs and checks that this table equals it.
 *
 * @example Usage
 * ```ts
 * import { ABI } from "./instance.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ABI.OK, 0);
 * assert.ok(ABI.ERR_MAX_SIZE < 0);
 * ```
 */
export const ABI = {
  OK: 0,
  ERR_RESERVED_FLAGS: -1,
  ERR_COMMAND_MORE: -2,
  ERR_FRAME_LIMIT: -3,
  ERR_MAX_SIZE: -4,
  ERR_STATE: -5,
  ERR_ARGUMENT: -6,
  ERR_NO_MEMORY: -7,
  STATE_HEADER: 0,
  STATE_BODY: 1,
  STATE_FAILED: 2,
  DEC_COUNT: 0,
  DEC_CONSUMED: 1,
  DEC_STATE: 2,
  DEC_BODY_START: 3,
  DEC_BODY_SIZE: 4,
  DEC_BODY_FLAGS: 5,
  DEC_BODY_REMAINING: 6,
  DEC_HEADER_LENGTH: 7,
  DEC_ERROR: 8,
  DEC_ERROR_FLAGS: 9,
  DEC_ERROR_SIZE_HIGH: 10,
  DEC_ERROR_SIZE_LOW: 11,
  DEC_STRICT: 12,
  DEC_MAX_SIZE: 14,
  DEC_HEADER: 16,
  DEC_TABLE: 20,
  DEC_TABLE_CAPACITY: 1024,
  DEC_WORDS: 3092,
  ENC_BUFFER: 0,
  ENC_TABLE: 1,
  ENC_WORDS: 2,
  ENC_BUFFER_SIZE: 65536,
  ENC_TABLE_CAPACITY: 4096,
  ENC_EXTERNAL: 256,
  FRAME_SIZE_LIMIT: 2147483647,
  RM_NOT_FOUND: 0,
  RM_LAST_VALUE_REMOVED: 1,
  RM_VALUES_REMAIN: 2,
  MTRIE_PEER_LIMIT: 16777216,
} as const;

/**
 * The exports of zmq_wasm, as `wasm/ABI.md` describes them. Pointers and
 * sizes are byte offsets into linear memory.
 *
 * @example Usage
 * ```ts
 * import { wasmInstance } from "./instance.ts";
 * import assert from "node:assert/strict";
 * const { exports } = wasmInstance();
 * const ptr = exports.zmq_alloc(100);
 * assert.ok(ptr > 0);
 * exports.zmq_free(ptr, 100);
 * ```
 */
export interface WasmExports {
  /** The module's linear memory. */
  readonly memory: WebAssembly.Memory;
  /** Allocates `size` bytes (16-aligned); 0 when memory cannot grow. May grow memory. */
  zmq_alloc(size: number): number;
  /** Frees a block from `zmq_alloc` of the same size. */
  zmq_free(ptr: number, size: number): void;
  /** Bytes held by live blocks. */
  zmq_heap_used(): number;
  /** Makes a decoder (`maxSize` < 0: no limit); 0 when out of memory. May grow memory. */
  zmq_decoder_new(maxSize: number, strict: number): number;
  /** Frees a decoder. */
  zmq_decoder_free(decoder: number): void;
  /** Scans `len` bytes at `input` (of `avail` in the caller's chunk) into the decoder's frame table; returns a status. */
  zmq_decoder_feed(decoder: number, input: number, len: number, avail: number): number;
  /** Reports `n` body bytes consumed by the caller; returns the bytes still pending or a status. */
  zmq_decoder_skip(decoder: number, n: number): number;
  /** Makes an encoder with its batch buffer and table; 0 when out of memory. May grow memory. */
  zmq_encoder_new(): number;
  /** Frees an encoder. */
  zmq_encoder_free(encoder: number): void;
  /** Encodes `count` staged entries in place; returns the encoded length or a status. */
  zmq_encoder_encode(encoder: number, count: number): number;
  /** Makes an empty multi-trie; 0 when out of memory. May grow memory. */
  zmq_mtrie_new(): number;
  /** Frees a multi-trie and everything in it. */
  zmq_mtrie_free(trie: number): void;
  /** Adds (prefix, peer): 1 if the prefix had no peer before, 0 if it had, or a status. May grow memory. */
  zmq_mtrie_add(trie: number, prefix: number, len: number, peer: number): number;
  /** Removes (prefix, peer); returns one of the `RM_*` codes. */
  zmq_mtrie_remove(trie: number, prefix: number, len: number, peer: number): number;
  /** Removes every prefix of `peer`; writes the emptied prefixes to the output buffer; returns their count or a status. May grow memory. */
  zmq_mtrie_remove_peer(trie: number, peer: number): number;
  /** Writes the distinct peers matching `data` to the output buffer; returns their count. */
  zmq_mtrie_match(trie: number, data: number, len: number): number;
  /** Number of (prefix, peer) entries. */
  zmq_mtrie_size(trie: number): number;
  /** Pointer to the trie's output buffer; valid until the next add or removePeer on that trie. */
  zmq_mtrie_output(trie: number): number;
}

/** Bytes of the shared input window that decoders copy chunks into. */
export const SCRATCH_SIZE = 65536;

/**
 * One instantiated zmq_wasm module with fresh-view getters over its memory.
 *
 * @example Usage
 * ```ts
 * import { wasmInstance } from "./instance.ts";
 * import assert from "node:assert/strict";
 * const wasm = wasmInstance();
 * wasm.u8[wasm.scratch] = 42;
 * assert.equal(wasm.u8[wasm.scratch], 42);
 * ```
 */
export class WasmInstance {
  /** The raw exports. */
  readonly exports: WasmExports;
  /** A {@linkcode SCRATCH_SIZE}-byte input window shared by all decoders; only valid during one feed call. */
  readonly scratch: number;
  #memory: WebAssembly.Memory;
  #u8: Uint8Array;
  #i32: Int32Array;
  #u32: Uint32Array;

  /** Instantiates the module from its bytes. */
  constructor(bytes: Uint8Array) {
    const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as WasmExports;
    this.#memory = this.exports.memory;
    this.#u8 = new Uint8Array(this.#memory.buffer);
    this.#i32 = new Int32Array(this.#memory.buffer);
    this.#u32 = new Uint32Array(this.#memory.buffer);
    this.scratch = this.exports.zmq_alloc(SCRATCH_SIZE);
    if (this.scratch === 0) throw new RangeError("Cannot allocate the zmq_wasm input window: out of memory");
  }

  /** Re-creates the views after memory grew (a grown memory detaches the old buffer). */
  #refresh(): void {
    const buffer = this.#memory.buffer;
    this.#u8 = new Uint8Array(buffer);
    this.#i32 = new Int32Array(buffer);
    this.#u32 = new Uint32Array(buffer);
  }

  /** All of linear memory as bytes; always a live view. */
  get u8(): Uint8Array {
    if (this.#u8.byteLength === 0) this.#refresh();
    return this.#u8;
  }

  /** All of linear memory as signed 32-bit words; index = byte offset / 4. Always a live view. */
  get i32(): Int32Array {
    if (this.#i32.byteLength === 0) this.#refresh();
    return this.#i32;
  }

  /** All of linear memory as unsigned 32-bit words; index = byte offset / 4. Always a live view. */
  get u32(): Uint32Array {
    if (this.#u32.byteLength === 0) this.#refresh();
    return this.#u32;
  }

  /** True when `bytes` is a view of linear memory (as it is now). */
  owns(bytes: Uint8Array): boolean {
    return bytes.buffer === this.u8.buffer;
  }

  /** Reads an f64 at a byte offset (8-aligned). */
  f64(ptr: number): number {
    return new Float64Array(this.u8.buffer, ptr, 1)[0];
  }

  /** Copies `len` bytes at `ptr` out of linear memory into a new array that stays valid forever. */
  copyOut(ptr: number, len: number): Uint8Array {
    return this.u8.slice(ptr, ptr + len);
  }

  /** Bytes held by live blocks of the module's allocator. */
  heapUsed(): number {
    return this.exports.zmq_heap_used();
  }
}

let instance: WasmInstance | null = null;

/** Decodes the inlined base64 module. */
function moduleBytes(): Uint8Array {
  const text = atob(WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * The module instance, instantiated synchronously on first use.
 *
 * @example Usage
 * ```ts
 * import { wasmInstance } from "./instance.ts";
 * import assert from "node:assert/strict";
 * assert.equal(wasmInstance(), wasmInstance());
 * ```
 */
export function wasmInstance(): WasmInstance {
  return instance ??= new WasmInstance(moduleBytes());
}

/**
 * Whether the module has been instantiated yet (importing never does it).
 *
 * @example Usage
 * ```ts
 * import { isWasmInstantiated, wasmInstance } from "./instance.ts";
 * import assert from "node:assert/strict";
 * wasmInstance();
 * assert.ok(isWasmInstantiated());
 * ```
 */
export function isWasmInstantiated(): boolean {
  return instance !== null;
}

/**
 * Compiles the inlined module without instantiating it (for export-list checks).
 *
 * @example Usage
 * ```ts
 * import { wasmModule } from "./instance.ts";
 * import assert from "node:assert/strict";
 * const names = WebAssembly.Module.exports(wasmModule()).map((e) => e.name);
 * assert.ok(names.includes("zmq_decoder_feed"));
 * ```
 */
export function wasmModule(): WebAssembly.Module {
  return new WebAssembly.Module(moduleBytes() as Uint8Array<ArrayBuffer>);
}
