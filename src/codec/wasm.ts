/**
 * The ZMTP frame codec over the Rust/WebAssembly module (`wasm/src/codec.rs`):
 * the same {@linkcode Codec} interface as `js.ts`, the same frames, flags,
 * errors and bytes.
 *
 * Decoding. One call into Wasm scans a whole window of input and fills a
 * frame table (offset, length, flags); the glue then hands each frame out.
 * A chunk in ordinary JavaScript memory is copied into a shared input window
 * (adaptively sized: small while frames are large, so a 1 MiB body is never
 * copied just to find the next header), and frames lying whole inside the
 * chunk are handed out as views of it, as `js.ts` does. A chunk that is
 * already in linear memory, read there through {@linkcode WasmFrameDecoder.readBuffer},
 * is scanned in place and the frames it completes are copied out once, so
 * they stay valid after the buffer is reused. Bodies that span chunks are
 * assembled in JavaScript memory (never in linear memory, which cannot
 * shrink), and `readBuffer` then points straight at the rest of the body:
 * a large frame read that way is never copied at all.
 *
 * Encoding. Small bodies are staged in a 64 KiB Wasm batch buffer and
 * described in a table; one call inserts all headers in place and the batch
 * is copied out into one of two reusable JavaScript buffers. Bodies of at
 * least `ZERO_COPY_MIN` bytes are passed through uncopied.
 *
 * Errors are reported with the message text of `checkFrameHeader` from
 * `js.ts`, fed the offending flags and size the module recorded.
 *
 * @module
 */

import { ProtocolError } from "../errors.ts";
import type { Codec, DecoderOptions, FrameDecoder, FrameEncoder, FrameHandler } from "./codec.ts";
import { checkFrameHeader, PREALLOCATE_MAX, ZERO_COPY_MIN } from "./js.ts";
import { ABI, SCRATCH_SIZE, type WasmInstance, wasmInstance } from "../wasm/instance.ts";

/** Size of the buffer {@linkcode WasmFrameDecoder.readBuffer} offers between frames. */
export const READ_BUFFER_SIZE = 64 * 1024;
/** Largest piece offered for a body above `PREALLOCATE_MAX`, which grows as bytes arrive. */
const READ_PIECE_MAX = 1024 * 1024;
/** Smallest input window: enough for a header and a small frame or two. */
const MIN_WINDOW = 256;
const MAX_WINDOW = SCRATCH_SIZE;
const BATCH_BUFFER_SIZE = ABI.ENC_BUFFER_SIZE;

/** Frees the Wasm side of decoders and encoders that were dropped without `dispose()`. */
const leaks = new FinalizationRegistry<{ free: () => void }>((held) => held.free());

/**
 * A {@linkcode FrameDecoder} that can also offer a buffer to read into, so
 * the bytes land where the decoder scans them (or, inside a large frame,
 * straight in that frame's body) and `feed` copies nothing in.
 *
 * @example Usage
 * ```ts
 * import { wasmCodec } from "./wasm.ts";
 * import assert from "node:assert/strict";
 * const decoder = wasmCodec.decoder();
 * const buf = decoder.readBuffer();
 * buf.set([0x00, 0x02, 0x68, 0x69]); // as if a socket read 4 bytes into it
 * const frames: string[] = [];
 * decoder.feed(buf.subarray(0, 4), (body) => frames.push(new TextDecoder().decode(body)));
 * assert.deepEqual(frames, ["hi"]);
 * decoder.dispose();
 * ```
 */
export interface WasmFrameDecoder extends FrameDecoder {
  /**
   * A buffer to read the next bytes into; pass the filled part
   * (`buf.subarray(0, n)`) to {@linkcode FrameDecoder.feed} before calling
   * any other method. Between frames it is a {@linkcode READ_BUFFER_SIZE}
   * view of linear memory, reused by every call; inside a frame that spans
   * reads it is the rest of that frame's own body. A view of linear memory
   * goes stale when memory grows, which only happens when a Wasm object is
   * created or allocates (see `wasm/ABI.md`): take a fresh one before each
   * read, and prefer `feed(chunk)` when other connections may create
   * decoders, encoders or tries while an asynchronous read is pending.
   * Feeding a stale view throws a `RangeError` instead of losing bytes.
   */
  readBuffer(): Uint8Array;
}

/**
 * The Wasm {@linkcode Codec}, whose decoders also offer {@linkcode WasmFrameDecoder.readBuffer}.
 *
 * @example Usage
 * ```ts
 * import { type WasmCodec, wasmCodec } from "./wasm.ts";
 * import assert from "node:assert/strict";
 * const codec: WasmCodec = wasmCodec;
 * assert.equal(codec.kind, "wasm");
 * ```
 */
export interface WasmCodec extends Codec {
  /** Makes a streaming decoder that can also offer a buffer to read into. */
  decoder(options?: DecoderOptions): WasmFrameDecoder;
}

class WasmDecoder implements WasmFrameDecoder {
  readonly kind = "wasm" as const;
  #wasm: WasmInstance;
  #ptr: number;
  #word: number;
  #maxFrameSize: number;
  #strictFlags: boolean;
  #failed: ProtocolError | null = null;
  #window = 4096;
  // A body that spans chunks, assembled in JavaScript memory.
  #pending = false;
  #flags = 0;
  #size = 0;
  #received = 0;
  #body: Uint8Array | null = null;
  #pieces: Uint8Array[] = [];
  #readPiece: Uint8Array | null = null;
  // The linear-memory read buffer, allocated on the first readBuffer().
  #held: { decoder: number; read: number; free: () => void };
  #readView: Uint8Array | null = null;

  constructor(options: DecoderOptions) {
    this.#maxFrameSize = options.maxFrameSize ?? -1;
    this.#strictFlags = options.strictFlags ?? true;
    const wasm = this.#wasm = wasmInstance();
    this.#ptr = wasm.exports.zmq_decoder_new(this.#maxFrameSize, this.#strictFlags ? 1 : 0);
    if (this.#ptr === 0) throw new RangeError("Cannot make a Wasm decoder: out of memory");
    this.#word = this.#ptr >> 2;
    const held = this.#held = {
      decoder: this.#ptr,
      read: 0,
      free: () => {
        wasm.exports.zmq_decoder_free(held.decoder);
        if (held.read !== 0) wasm.exports.zmq_free(held.read, READ_BUFFER_SIZE);
        held.decoder = held.read = 0;
      },
    };
    leaks.register(this, held, this);
  }

  get buffered(): number {
    if (this.#pending) return this.#received;
    if (this.#ptr === 0) return 0;
    return this.#wasm.i32[this.#word + ABI.DEC_HEADER_LENGTH];
  }

  readBuffer(): Uint8Array {
    this.#usable();
    if (this.#pending) {
      if (this.#body !== null) return this.#body.subarray(this.#received);
      this.#readPiece = new Uint8Array(Math.min(this.#size - this.#received, READ_PIECE_MAX));
      return this.#readPiece;
    }
    if (this.#held.read === 0) {
      this.#held.read = this.#wasm.exports.zmq_alloc(READ_BUFFER_SIZE);
      if (this.#held.read === 0) throw new RangeError("Cannot allocate a Wasm read buffer: out of memory");
    }
    return this.#readView = this.#wasm.u8.subarray(this.#held.read, this.#held.read + READ_BUFFER_SIZE);
  }

  feed(chunk: Uint8Array, onFrame: FrameHandler): void {
    if (this.#failed) throw this.#failed;
    this.#usable();
    try {
      this.#feed(chunk, onFrame);
    } catch (err) {
      if (err instanceof ProtocolError) this.#failed = err;
      throw err;
    }
  }

  #usable(): void {
    if (this.#ptr === 0) throw new TypeError("The decoder was disposed");
  }

  #feed(chunk: Uint8Array, onFrame: FrameHandler): void {
    const view = this.#readView;
    if (view !== null && view.byteLength === 0 && chunk.buffer === view.buffer) {
      throw new RangeError("The read buffer went stale: Wasm memory grew before it was fed; take a new readBuffer()");
    }
    let pos = 0;
    if (this.#pending) {
      pos = this.#continueBody(chunk, onFrame);
      if (pos === chunk.length) return;
    }
    if (this.#wasm.owns(chunk)) this.#scanInPlace(chunk, pos, onFrame);
    else this.#scanWindows(chunk, pos, onFrame);
  }

  /** Scans a chunk in JavaScript memory through the shared input window; frames are views of `chunk`. */
  #scanWindows(chunk: Uint8Array, pos: number, onFrame: FrameHandler): void {
    const wasm = this.#wasm;
    const { zmq_decoder_feed, zmq_decoder_skip } = wasm.exports;
    // Windows are sized adaptively: they double while frames fit, and shrink to a header's
    // neighbourhood when a frame runs past one, so large bodies are not copied in.
    const d = this.#word;
    const end = chunk.length;
    const scratch = wasm.scratch;
    while (pos < end) {
      const n = Math.min(end - pos, this.#window);
      const u8 = wasm.u8;
      if (n <= 32) { for (let i = 0; i < n; i++) u8[scratch + i] = chunk[pos + i]; }
      else u8.set(chunk.subarray(pos, pos + n), scratch);
      let off = 0;
      for (;;) {
        const status = zmq_decoder_feed(this.#ptr, scratch + off, n - off, end - pos - off);
        this.#deliverViews(chunk, pos + off, onFrame);
        if (status < 0) this.#throwFor(status);
        off += wasm.i32[d + ABI.DEC_CONSUMED];
        if (off >= n) break; // else the frame table filled up: scan on
      }
      const words = wasm.i32;
      if (words[d + ABI.DEC_STATE] !== ABI.STATE_BODY) {
        // Past the window: a frame ran beyond it, so keep windows small while frames are large.
        if (off > n) this.#window = MIN_WINDOW;
        else if (this.#window < MAX_WINDOW) this.#window *= 2;
        pos += off;
        continue;
      }
      // A frame runs past the window: take its body from the chunk itself.
      this.#window = MIN_WINDOW;
      const size = words[d + ABI.DEC_BODY_SIZE];
      const flags = words[d + ABI.DEC_BODY_FLAGS];
      const remaining = words[d + ABI.DEC_BODY_REMAINING];
      const windowEnd = pos + n;
      const start = windowEnd + remaining - size;
      // The body runs past the chunk (frames ending inside it were reported whole).
      zmq_decoder_skip(this.#ptr, end - windowEnd);
      this.#startBody(flags, size);
      this.#addBody(chunk.subarray(start, end), false);
      return;
    }
  }

  /** Scans a chunk that lies in linear memory without copying it in; frames are copied out. */
  #scanInPlace(chunk: Uint8Array, pos: number, onFrame: FrameHandler): void {
    const wasm = this.#wasm;
    const d = this.#word;
    const end = chunk.length;
    const base = chunk.byteOffset;
    while (pos < end) {
      const status = wasm.exports.zmq_decoder_feed(this.#ptr, base + pos, end - pos, end - pos);
      this.#deliverCopies(base + pos, onFrame);
      if (status < 0) this.#throwFor(status);
      const words = wasm.i32;
      pos += words[d + ABI.DEC_CONSUMED];
      if (pos < end) continue;
      if (words[d + ABI.DEC_STATE] === ABI.STATE_BODY) {
        const size = words[d + ABI.DEC_BODY_SIZE];
        const start = end + words[d + ABI.DEC_BODY_REMAINING] - size;
        this.#startBody(words[d + ABI.DEC_BODY_FLAGS], size);
        this.#addBody(chunk.subarray(start, end), true);
      }
    }
  }

  /** Hands out the frame table's entries as views of `chunk`, whose byte `at` was input offset 0. */
  #deliverViews(chunk: Uint8Array, at: number, onFrame: FrameHandler): void {
    const wasm = this.#wasm;
    let words = wasm.i32;
    const count = words[this.#word + ABI.DEC_COUNT];
    let t = this.#word + ABI.DEC_TABLE;
    for (let i = 0; i < count; i++, t += 3) {
      const start = at + words[t];
      const flags = words[t + 2];
      onFrame(chunk.subarray(start, start + words[t + 1]), flags);
      if (words.byteLength === 0) words = wasm.i32; // a callback grew memory
    }
  }

  /** Copies the frame table's entries (input at byte `ptr` of memory) out in one piece, then hands them out. */
  #deliverCopies(ptr: number, onFrame: FrameHandler): void {
    const wasm = this.#wasm;
    let words = wasm.i32;
    const count = words[this.#word + ABI.DEC_COUNT];
    if (count === 0) return;
    let t = this.#word + ABI.DEC_TABLE;
    const first = words[t];
    const last = t + 3 * (count - 1);
    const copy = wasm.copyOut(ptr + first, words[last] + words[last + 1] - first);
    for (let i = 0; i < count; i++, t += 3) {
      const start = words[t] - first;
      const flags = words[t + 2];
      onFrame(copy.subarray(start, start + words[t + 1]), flags);
      if (words.byteLength === 0) words = wasm.i32;
    }
  }

  #startBody(flags: number, size: number): void {
    this.#pending = true;
    this.#flags = flags;
    this.#size = size;
    this.#received = 0;
    this.#body = size <= PREALLOCATE_MAX ? new Uint8Array(size) : null;
  }

  /** Adds body bytes that the module has already accounted for. */
  #addBody(part: Uint8Array, inWasm: boolean): void {
    if (this.#body !== null) this.#body.set(part, this.#received);
    else if (part.length > 0) this.#pieces.push(inWasm ? part.slice() : part);
    this.#received += part.length;
  }

  /** Takes the pending body's next bytes from the start of `chunk`; returns how many it took. */
  #continueBody(chunk: Uint8Array, onFrame: FrameHandler): number {
    const take = Math.min(this.#size - this.#received, chunk.length);
    const part = chunk.subarray(0, take);
    const body = this.#body;
    if (body !== null) {
      // Bytes read through readBuffer() are already in place.
      if (part.buffer !== body.buffer || part.byteOffset !== body.byteOffset + this.#received) {
        body.set(part, this.#received);
      }
    } else if (take > 0) {
      const own = this.#readPiece !== null && part.buffer === this.#readPiece.buffer;
      this.#pieces.push(own || !this.#wasm.owns(part) ? part : part.slice());
    }
    this.#received += take;
    const left = this.#wasm.exports.zmq_decoder_skip(this.#ptr, take);
    if (left !== this.#size - this.#received) {
      throw new Error(`zmq_wasm body accounting disagrees with the glue (${left} vs ${this.#size - this.#received})`);
    }
    if (left > 0) return chunk.length;
    let done = body;
    if (done === null) {
      done = new Uint8Array(this.#size);
      let at = 0;
      for (const piece of this.#pieces) {
        done.set(piece, at);
        at += piece.length;
      }
      this.#pieces = [];
    }
    this.#body = null;
    this.#readPiece = null;
    this.#pending = false;
    this.#received = 0;
    onFrame(done, this.#flags);
    return take;
  }

  /** Throws the reference codec's error for the header the module refused. */
  #throwFor(status: number): never {
    const words = this.#wasm.i32;
    const d = this.#word;
    const flags = words[d + ABI.DEC_ERROR_FLAGS];
    const high = words[d + ABI.DEC_ERROR_SIZE_HIGH] >>> 0;
    const low = words[d + ABI.DEC_ERROR_SIZE_LOW] >>> 0;
    const size = high >= 0x200000 ? Infinity : high * 0x100000000 + low;
    checkFrameHeader(flags, size, this.#maxFrameSize, this.#strictFlags);
    throw new Error(`zmq_wasm refused a frame header (status ${status}) that the reference codec accepts`);
  }

  dispose(): void {
    if (this.#ptr === 0) return;
    leaks.unregister(this);
    this.#held.free();
    this.#ptr = 0;
    this.#readView = null;
    this.#body = null;
    this.#pieces = [];
  }
}

class WasmEncoder implements FrameEncoder {
  readonly kind = "wasm" as const;
  #wasm: WasmInstance;
  #ptr: number;
  #buffer: number;
  #table: number;
  #held: { encoder: number; free: () => void };
  // The batch staged in linear memory.
  #count = 0;
  #staged = 0;
  #encoded = 0;
  #externalIndex: number[] = [];
  #externalBody: Uint8Array[] = [];
  // Output since the last take().
  #out: Uint8Array[] = [];
  #size = 0;
  #buffers: [Uint8Array | null, Uint8Array | null] = [null, null];
  #which = 0;
  #reusableTaken = false;

  constructor() {
    const wasm = this.#wasm = wasmInstance();
    this.#ptr = wasm.exports.zmq_encoder_new();
    if (this.#ptr === 0) throw new RangeError("Cannot make a Wasm encoder: out of memory");
    const words = wasm.u32;
    this.#buffer = words[(this.#ptr >> 2) + ABI.ENC_BUFFER];
    this.#table = words[(this.#ptr >> 2) + ABI.ENC_TABLE] >> 2;
    const held = this.#held = {
      encoder: this.#ptr,
      free: () => {
        if (held.encoder !== 0) wasm.exports.zmq_encoder_free(held.encoder);
        held.encoder = 0;
      },
    };
    leaks.register(this, held, this);
  }

  get size(): number {
    return this.#size;
  }

  frame(body: Uint8Array, flags: number): void {
    if (this.#ptr === 0) throw new TypeError("The encoder was disposed");
    const n = body.length;
    const header = n > 255 ? 9 : 2;
    const external = n >= ZERO_COPY_MIN;
    const add = external ? header : header + n;
    if (this.#encoded + add > BATCH_BUFFER_SIZE || this.#count === ABI.ENC_TABLE_CAPACITY) this.#flush();
    const wasm = this.#wasm;
    if (external) {
      this.#externalIndex.push(this.#count);
      this.#externalBody.push(body);
    } else {
      const u8 = wasm.u8;
      const at = this.#buffer + this.#staged;
      if (n <= 16) {
        for (let i = 0; i < n; i++) u8[at + i] = body[i];
      } else {
        u8.set(body, at);
      }
      this.#staged += n;
    }
    const words = wasm.u32;
    const t = this.#table + 2 * this.#count;
    words[t] = n;
    words[t + 1] = (flags & 0xff) | (external ? ABI.ENC_EXTERNAL : 0);
    this.#count++;
    this.#encoded += add;
    this.#size += header + n;
  }

  /** Encodes the staged frames and copies them out of linear memory. */
  #flush(): void {
    if (this.#count === 0) return;
    const wasm = this.#wasm;
    const total = wasm.exports.zmq_encoder_encode(this.#ptr, this.#count);
    if (total < 0) throw new Error(`zmq_wasm refused to encode a batch (status ${total})`);
    let dest: Uint8Array;
    if (!this.#reusableTaken) {
      dest = this.#buffers[this.#which] ??= new Uint8Array(BATCH_BUFFER_SIZE);
      this.#reusableTaken = true;
    } else {
      dest = new Uint8Array(total);
    }
    dest.set(wasm.u8.subarray(this.#buffer, this.#buffer + total));
    let prev = 0;
    if (this.#externalIndex.length > 0) {
      const words = wasm.u32;
      for (let k = 0; k < this.#externalIndex.length; k++) {
        const cut = words[this.#table + 2 * this.#externalIndex[k] + 1];
        this.#out.push(dest.subarray(prev, cut), this.#externalBody[k]);
        prev = cut;
      }
      this.#externalIndex = [];
      this.#externalBody = [];
    }
    if (prev < total) this.#out.push(dest.subarray(prev, total));
    this.#count = 0;
    this.#staged = 0;
    this.#encoded = 0;
  }

  take(): Uint8Array[] {
    if (this.#ptr !== 0) this.#flush();
    const out = this.#out;
    this.#out = [];
    this.#size = 0;
    this.#which ^= 1;
    this.#reusableTaken = false;
    return out;
  }

  dispose(): void {
    if (this.#ptr === 0) return;
    leaks.unregister(this);
    this.#held.free();
    this.#ptr = 0;
    this.#buffers = [null, null];
    this.#out = [];
    this.#externalBody = [];
  }
}

/**
 * The Rust/WebAssembly codec. Importing this module instantiates nothing:
 * the module is compiled on the first `decoder()` or `encoder()` call.
 * Call `dispose()` on decoders and encoders when done; those dropped without
 * it are freed when garbage-collected.
 *
 * @example Usage
 * ```ts
 * import { wasmCodec } from "./wasm.ts";
 * import assert from "node:assert/strict";
 * const encoder = wasmCodec.encoder();
 * encoder.frame(new TextEncoder().encode("Hello"), 0);
 * const [bytes] = encoder.take();
 * assert.deepEqual([...bytes], [0x00, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
 * const frames: string[] = [];
 * const decoder = wasmCodec.decoder();
 * decoder.feed(bytes, (body) => frames.push(new TextDecoder().decode(body)));
 * assert.deepEqual(frames, ["Hello"]);
 * decoder.dispose();
 * encoder.dispose();
 * ```
 */
export const wasmCodec: WasmCodec = {
  kind: "wasm",
  decoder: (options: DecoderOptions = {}) => new WasmDecoder(options),
  encoder: () => new WasmEncoder(),
};
