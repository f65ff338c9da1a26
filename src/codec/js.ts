/**
 * The ZMTP frame codec in pure TypeScript: the reference implementation.
 *
 * Decoding hands out frame bodies as views of the input chunks whenever a
 * frame lies whole inside one chunk (no copy); the caller must therefore
 * never overwrite a chunk it has fed. Frames split across chunks are
 * assembled into a buffer of their own.
 *
 * @module
 */

import { ProtocolError } from "../errors.ts";
import {
  type Codec,
  type DecoderOptions,
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  FLAGS_KNOWN,
  FRAME_SIZE_LIMIT,
  type FrameDecoder,
  type FrameEncoder,
  type FrameHandler,
  SHORT_FRAME_MAX,
} from "./codec.ts";

/** Bodies up to this size are allocated at once when their header arrives; larger ones grow as bytes arrive. */
export const PREALLOCATE_MAX = 8 * 1024 * 1024;
/** Bodies of at least this size are written as they are, without a copy into the batch buffer. */
export const ZERO_COPY_MIN = 8 * 1024;
/** {@linkcode FrameDecoder.bodyBuffer} offers a body only when at least this much of it is still to come. */
export const BODY_READ_MIN = 32 * 1024;
/** Size of each of the encoder's two reusable batch buffers. */
export const BATCH_BUFFER_SIZE = 64 * 1024;

const STATE_HEADER = 0;
const STATE_BODY = 1;

/**
 * Checks a frame header's flags and size against the limits; returns the
 * flags to report (MORE and COMMAND). Shared with the Wasm codec's glue so
 * both report identical errors.
 */
export function checkFrameHeader(flags: number, size: number, maxFrameSize: number, strictFlags: boolean): number {
  if (strictFlags && (flags & ~FLAGS_KNOWN) !== 0) {
    throw new ProtocolError(
      "frame",
      `Reserved frame flag bits are set (flags 0x${flags.toString(16).padStart(2, "0")})`,
    );
  }
  if ((flags & FLAG_COMMAND) !== 0 && (flags & FLAG_MORE) !== 0 && strictFlags) {
    throw new ProtocolError("frame", "A command frame has the MORE flag set");
  }
  if (size > FRAME_SIZE_LIMIT) {
    throw new ProtocolError("frame", `Frame of ${size} bytes exceeds the ${FRAME_SIZE_LIMIT}-byte limit of zmq-ts`);
  }
  if (maxFrameSize >= 0 && size > maxFrameSize) {
    throw new ProtocolError("frame", `Frame of ${size} bytes exceeds maxMessageSize (${maxFrameSize})`);
  }
  return flags & (FLAG_MORE | FLAG_COMMAND);
}

/** The 8-byte big-endian size of a long frame, as a number (or Infinity when above 2^53). */
function readLongSize(bytes: Uint8Array, at: number): number {
  const high = ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
  const low = ((bytes[at + 4] << 24) | (bytes[at + 5] << 16) | (bytes[at + 6] << 8) | bytes[at + 7]) >>> 0;
  return high >= 0x200000 ? Infinity : high * 0x100000000 + low;
}

class JsDecoder implements FrameDecoder {
  readonly kind = "js" as const;
  #maxFrameSize: number;
  #strictFlags: boolean;
  #state = STATE_HEADER;
  // Partial header (at most 9 bytes).
  #header = new Uint8Array(9);
  #headerLength = 0;
  // Partial body.
  #flags = 0;
  #size = 0;
  #body: Uint8Array | null = null;
  #pieces: Uint8Array[] = [];
  #received = 0;
  #failed: ProtocolError | null = null;

  #allocate: (size: number) => Uint8Array;

  constructor(options: DecoderOptions) {
    this.#allocate = options.allocate ?? ((size) => new Uint8Array(size));
    this.#maxFrameSize = options.maxFrameSize ?? -1;
    this.#strictFlags = options.strictFlags ?? true;
  }

  get buffered(): number {
    return this.#state === STATE_BODY ? this.#received : this.#headerLength;
  }

  feed(chunk: Uint8Array, onFrame: FrameHandler): void {
    if (this.#failed) throw this.#failed;
    try {
      this.#feed(chunk, onFrame);
    } catch (err) {
      if (err instanceof ProtocolError) this.#failed = err;
      throw err;
    }
  }

  #feed(chunk: Uint8Array, onFrame: FrameHandler): void {
    const end = chunk.length;
    let pos = 0;
    if (this.#state === STATE_BODY) pos = this.#continueBody(chunk, 0, onFrame);
    else if (this.#headerLength > 0) pos = this.#continueHeader(chunk, onFrame);
    // Fast path: whole frames inside the chunk, no state kept between them.
    while (pos < end) {
      const flags = chunk[pos];
      let size: number;
      let bodyStart: number;
      if ((flags & FLAG_LONG) === 0) {
        if (end - pos < 2) break;
        size = chunk[pos + 1];
        bodyStart = pos + 2;
      } else {
        if (end - pos < 9) break;
        size = readLongSize(chunk, pos + 1);
        bodyStart = pos + 9;
      }
      const reported = checkFrameHeader(flags, size, this.#maxFrameSize, this.#strictFlags);
      const bodyEnd = bodyStart + size;
      if (bodyEnd <= end) {
        onFrame(chunk.subarray(bodyStart, bodyEnd), reported);
        pos = bodyEnd;
      } else {
        this.#startBody(reported, size);
        return void this.#continueBody(chunk, bodyStart, onFrame);
      }
    }
    if (pos < end) {
      this.#header.set(chunk.subarray(pos), 0);
      this.#headerLength = end - pos;
    }
  }

  /** Completes a header split across chunks; returns where the body starts in `chunk`. */
  #continueHeader(chunk: Uint8Array, onFrame: FrameHandler): number {
    const header = this.#header;
    const need = (header[0] & FLAG_LONG) === 0 ? 2 : 9;
    const take = Math.min(need - this.#headerLength, chunk.length);
    header.set(chunk.subarray(0, take), this.#headerLength);
    this.#headerLength += take;
    if (this.#headerLength < need) return chunk.length;
    this.#headerLength = 0;
    const size = need === 2 ? header[1] : readLongSize(header, 1);
    const reported = checkFrameHeader(header[0], size, this.#maxFrameSize, this.#strictFlags);
    this.#startBody(reported, size);
    return this.#continueBody(chunk, take, onFrame);
  }

  #startBody(flags: number, size: number): void {
    this.#state = STATE_BODY;
    this.#flags = flags;
    this.#size = size;
    this.#received = 0;
    this.#body = size <= PREALLOCATE_MAX ? this.#allocate(size) : null;
  }

  bodyBuffer(): Uint8Array | null {
    const body = this.#body;
    if (this.#state !== STATE_BODY || body === null || this.#size - this.#received < BODY_READ_MIN) return null;
    return body.subarray(this.#received);
  }

  /** Adds body bytes from `chunk` at `pos`; returns the position after them. */
  #continueBody(chunk: Uint8Array, pos: number, onFrame: FrameHandler): number {
    const take = Math.min(this.#size - this.#received, chunk.length - pos);
    const part = chunk.subarray(pos, pos + take);
    const target = this.#body;
    if (target !== null) {
      // A read that landed in bodyBuffer() is already in place.
      if (part.buffer !== target.buffer || part.byteOffset !== target.byteOffset + this.#received) {
        target.set(part, this.#received);
      }
    } else if (take > 0) this.#pieces.push(part);
    this.#received += take;
    if (this.#received < this.#size) return chunk.length;
    let body = this.#body;
    if (body === null) {
      body = this.#allocate(this.#size);
      let at = 0;
      for (const piece of this.#pieces) {
        body.set(piece, at);
        at += piece.length;
      }
      this.#pieces = [];
    }
    this.#body = null;
    this.#state = STATE_HEADER;
    this.#received = 0;
    onFrame(body, this.#flags);
    return pos + take;
  }

  dispose(): void {
    this.#body = null;
    this.#pieces = [];
  }
}

class JsEncoder implements FrameEncoder {
  readonly kind = "js" as const;
  #buffers: [Uint8Array | null, Uint8Array | null] = [null, null];
  #which = 0;
  #current: Uint8Array | null = null;
  #pos = 0;
  #segmentStart = 0;
  #out: Uint8Array[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  frame(body: Uint8Array, flags: number): void {
    const n = body.length;
    const long = n > SHORT_FRAME_MAX;
    const headerSize = long ? 9 : 2;
    const copy = n < ZERO_COPY_MIN;
    let buf = this.#current;
    if (buf === null || buf.length - this.#pos < headerSize + (copy ? n : 0)) {
      buf = this.#newSegment(headerSize + (copy ? n : 0));
    }
    let pos = this.#pos;
    if (long) {
      buf[pos] = flags | FLAG_LONG;
      const high = Math.floor(n / 0x100000000);
      buf[pos + 1] = 0;
      buf[pos + 2] = 0;
      buf[pos + 3] = 0;
      buf[pos + 4] = high;
      buf[pos + 5] = n >>> 24;
      buf[pos + 6] = n >>> 16;
      buf[pos + 7] = n >>> 8;
      buf[pos + 8] = n;
      pos += 9;
    } else {
      buf[pos] = flags;
      buf[pos + 1] = n;
      pos += 2;
    }
    if (copy) {
      if (n <= 16) {
        for (let i = 0; i < n; i++) buf[pos + i] = body[i];
      } else {
        buf.set(body, pos);
      }
      this.#pos = pos + n;
    } else {
      this.#out.push(buf.subarray(this.#segmentStart, pos));
      this.#out.push(body);
      this.#pos = pos;
      this.#segmentStart = pos;
    }
    this.#size += headerSize + n;
  }

  /** Closes the current segment and continues in a buffer with at least `need` bytes free. */
  #newSegment(need: number): Uint8Array {
    if (this.#current !== null && this.#pos > this.#segmentStart) {
      this.#out.push(this.#current.subarray(this.#segmentStart, this.#pos));
    }
    let buf: Uint8Array;
    const reusable = this.#out.length === 0 && need <= BATCH_BUFFER_SIZE;
    if (reusable) {
      buf = this.#buffers[this.#which] ??= new Uint8Array(BATCH_BUFFER_SIZE);
    } else {
      buf = new Uint8Array(Math.max(need, BATCH_BUFFER_SIZE));
    }
    this.#current = buf;
    this.#pos = 0;
    this.#segmentStart = 0;
    return buf;
  }

  take(): Uint8Array[] {
    if (this.#current !== null && this.#pos > this.#segmentStart) {
      this.#out.push(this.#current.subarray(this.#segmentStart, this.#pos));
    }
    const out = this.#out;
    this.#out = [];
    this.#size = 0;
    this.#which ^= 1;
    this.#current = null;
    this.#pos = 0;
    this.#segmentStart = 0;
    return out;
  }

  dispose(): void {
    this.#buffers = [null, null];
    this.#current = null;
    this.#out = [];
  }
}

/**
 * The pure TypeScript codec.
 *
 * @example Usage
 * ```ts
 * import { jsCodec } from "./js.ts";
 * import assert from "node:assert/strict";
 * const encoder = jsCodec.encoder();
 * encoder.frame(new TextEncoder().encode("Hello"), 0);
 * const [bytes] = encoder.take();
 * const frames: string[] = [];
 * jsCodec.decoder().feed(bytes, (body) => frames.push(new TextDecoder().decode(body)));
 * assert.deepEqual(frames, ["Hello"]);
 * ```
 */
export const jsCodec: Codec = {
  kind: "js",
  decoder: (options: DecoderOptions = {}) => new JsDecoder(options),
  encoder: () => new JsEncoder(),
};
