/**
 * RFC 6455 framing (§5): the frame header with its three length forms,
 * masking, fragmentation, and the control frames (ping, pong, close with its
 * status code). A streaming decoder that accepts bytes split anywhere and
 * checks everything it can from the header before buffering a payload byte,
 * and an encoder that batches frames into few buffers.
 *
 * Nothing here knows about ZeroMQ; `zws.ts` puts ZWS 2.0 on top. Errors
 * are {@linkcode WebSocketError}s (from the runtime layer, so that the
 * browser adapter reports the same type), carrying the close code to send.
 *
 * @module
 */

import { WebSocketError } from "../../runtime/runtime.ts";

export { WebSocketError };

/** Opcode: continuation of a fragmented message. */
export const OPCODE_CONTINUATION = 0x0;
/** Opcode: text message (UTF-8). */
export const OPCODE_TEXT = 0x1;
/** Opcode: binary message. */
export const OPCODE_BINARY = 0x2;
/** Opcode: close (control). */
export const OPCODE_CLOSE = 0x8;
/** Opcode: ping (control). */
export const OPCODE_PING = 0x9;
/** Opcode: pong (control). */
export const OPCODE_PONG = 0xa;

/** Close code: normal closure. */
export const CLOSE_NORMAL = 1000;
/** Close code: the endpoint is going away (server shutdown, page left). */
export const CLOSE_GOING_AWAY = 1001;
/** Close code: protocol error. */
export const CLOSE_PROTOCOL_ERROR = 1002;
/** Close code: a data type the endpoint does not accept (text for ZWS). */
export const CLOSE_UNSUPPORTED_DATA = 1003;
/** Close code (never sent): the close frame had no status code. */
export const CLOSE_NO_STATUS = 1005;
/** Close code (never sent): the connection ended without a close frame. */
export const CLOSE_ABNORMAL = 1006;
/** Close code: payload not consistent with its type (bad UTF-8). */
export const CLOSE_INVALID_PAYLOAD = 1007;
/** Close code: policy violation. */
export const CLOSE_POLICY_VIOLATION = 1008;
/** Close code: message too big. */
export const CLOSE_MESSAGE_TOO_BIG = 1009;
/** Close code: the server met an unexpected condition. */
export const CLOSE_INTERNAL_ERROR = 1011;

/** The largest control frame payload (RFC 6455 §5.5). */
export const CONTROL_PAYLOAD_MAX = 125;
/**
 * The largest message accepted when no smaller limit is set: 2 GiB − 1,
 * about what one typed array can hold on every runtime.
 */
export const MESSAGE_SIZE_LIMIT = 2 ** 31 - 1;

const maskWord = new Uint8Array(4);
const maskWord32 = new Uint32Array(maskWord.buffer);

/**
 * XORs `source` with the 4-byte `mask` into `target` (which may be
 * `source` itself): `target[i] = source[i] ^ mask[(phase + i) % 4]`. Masking
 * and unmasking are the same operation. `phase` is how many payload bytes
 * came before `source` in the frame.
 *
 * @example Usage
 * ```ts
 * import { maskBytes } from "./frame.ts";
 * import assert from "node:assert/strict";
 * const data = new Uint8Array([0x7f, 0x9f, 0x4d, 0x51, 0x58]);
 * maskBytes(data, data, new Uint8Array([0x37, 0xfa, 0x21, 0x3d]));
 * assert.equal(new TextDecoder().decode(data), "Hello"); // RFC 6455 §5.7
 * ```
 */
export function maskBytes(target: Uint8Array, source: Uint8Array, mask: Uint8Array, phase = 0): void {
  const length = Math.min(source.length, target.length);
  let i = 0;
  // Whole 32-bit words where both views line up on a 4-byte boundary together.
  if (length >= 32 && (target.byteOffset & 3) === (source.byteOffset & 3)) {
    while (i < length && ((target.byteOffset + i) & 3) !== 0) {
      target[i] = source[i] ^ mask[(phase + i) & 3];
      i++;
    }
    const words = (length - i) >>> 2;
    for (let k = 0; k < 4; k++) maskWord[k] = mask[(phase + i + k) & 3];
    const m = maskWord32[0];
    const t32 = new Uint32Array(target.buffer, target.byteOffset + i, words);
    const s32 = new Uint32Array(source.buffer, source.byteOffset + i, words);
    for (let w = 0; w < words; w++) t32[w] = s32[w] ^ m;
    i += words * 4;
  }
  for (; i < length; i++) target[i] = source[i] ^ mask[(phase + i) & 3];
}

/**
 * The header of one frame: FIN, opcode, the shortest length form, and the
 * masking key when `mask` is given.
 *
 * @example Usage
 * ```ts
 * import { encodeFrameHeader, OPCODE_BINARY } from "./frame.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(encodeFrameHeader(OPCODE_BINARY, 26), new Uint8Array([0x82, 0x1a]));
 * assert.deepEqual(encodeFrameHeader(OPCODE_BINARY, 256), new Uint8Array([0x82, 0x7e, 0x01, 0x00]));
 * ```
 */
export function encodeFrameHeader(
  opcode: number,
  length: number,
  options: { fin?: boolean; mask?: Uint8Array | null } = {},
): Uint8Array {
  const mask = options.mask ?? null;
  const header = new Uint8Array(headerSize(length, mask !== null));
  writeHeader(header, 0, opcode, length, options.fin ?? true, mask);
  return header;
}

function headerSize(length: number, masked: boolean): number {
  return (length <= 125 ? 2 : length <= 0xffff ? 4 : 10) + (masked ? 4 : 0);
}

/** Writes a frame header at `at`; returns where it ends. */
function writeHeader(
  out: Uint8Array,
  at: number,
  opcode: number,
  length: number,
  fin: boolean,
  mask: Uint8Array | null,
): number {
  out[at++] = (fin ? 0x80 : 0) | opcode;
  const maskBit = mask !== null ? 0x80 : 0;
  if (length <= 125) {
    out[at++] = maskBit | length;
  } else if (length <= 0xffff) {
    out[at++] = maskBit | 126;
    out[at++] = length >>> 8;
    out[at++] = length & 0xff;
  } else {
    out[at++] = maskBit | 127;
    const high = Math.floor(length / 0x100000000);
    out[at++] = 0;
    out[at++] = 0;
    out[at++] = (high >>> 8) & 0xff;
    out[at++] = high & 0xff;
    out[at++] = (length >>> 24) & 0xff;
    out[at++] = (length >>> 16) & 0xff;
    out[at++] = (length >>> 8) & 0xff;
    out[at++] = length & 0xff;
  }
  if (mask !== null) {
    out.set(mask.subarray(0, 4), at);
    at += 4;
  }
  return at;
}

/**
 * Whether a close code may appear in a close frame (RFC 6455 §7.4): 1000–1003,
 * 1007–1011 and the registered 1012–1014, or 3000–4999.
 *
 * @example Usage
 * ```ts
 * import { isValidCloseCode } from "./frame.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isValidCloseCode(1000));
 * assert.ok(!isValidCloseCode(1005));
 * assert.ok(isValidCloseCode(4000));
 * ```
 */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The payload of a close frame: the code (big-endian) and a UTF-8 reason,
 * cut to fit the 125-byte limit. No code (`undefined`) gives an empty payload.
 *
 * @example Usage
 * ```ts
 * import { encodeClosePayload } from "./frame.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(encodeClosePayload(1000, "bye"), new Uint8Array([0x03, 0xe8, 0x62, 0x79, 0x65]));
 * assert.equal(encodeClosePayload().length, 0);
 * ```
 */
export function encodeClosePayload(code?: number, reason = ""): Uint8Array {
  if (code === undefined) return new Uint8Array(0);
  if (!isValidCloseCode(code)) throw new RangeError(`${code} is not a close code that may be sent`);
  let text = utf8.encode(reason);
  if (text.length > CONTROL_PAYLOAD_MAX - 2) {
    // Cut on a character boundary.
    let end = CONTROL_PAYLOAD_MAX - 2;
    while (end > 0 && (text[end] & 0xc0) === 0x80) end--;
    text = text.subarray(0, end);
  }
  const out = new Uint8Array(2 + text.length);
  out[0] = code >>> 8;
  out[1] = code & 0xff;
  out.set(text, 2);
  return out;
}

/**
 * Reads a close frame's payload. An empty payload means no status
 * ({@linkcode CLOSE_NO_STATUS}). Throws a {@linkcode WebSocketError} for a
 * 1-byte payload, a code that may not be sent, or a reason that is not UTF-8.
 *
 * @example Usage
 * ```ts
 * import { decodeClosePayload } from "./frame.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(decodeClosePayload(new Uint8Array([0x03, 0xe8, 0x62, 0x79, 0x65])), { code: 1000, reason: "bye" });
 * assert.deepEqual(decodeClosePayload(new Uint8Array(0)), { code: 1005, reason: "" });
 * ```
 */
export function decodeClosePayload(payload: Uint8Array): { code: number; reason: string } {
  if (payload.length === 0) return { code: CLOSE_NO_STATUS, reason: "" };
  if (payload.length === 1) throw new WebSocketError(CLOSE_PROTOCOL_ERROR, "A close frame payload of 1 byte");
  const code = (payload[0] << 8) | payload[1];
  if (!isValidCloseCode(code)) throw new WebSocketError(CLOSE_PROTOCOL_ERROR, `Close code ${code} may not be sent`);
  let reason: string;
  try {
    reason = strictUtf8.decode(payload.subarray(2));
  } catch {
    throw new WebSocketError(CLOSE_INVALID_PAYLOAD, "The close reason is not valid UTF-8");
  }
  return { code, reason };
}

/** Receives what a {@linkcode WsFrameDecoder} decodes. */
export interface WsFrameSink {
  /**
   * A whole data message (fragments already joined). `payload` is valid
   * forever: it is never overwritten by later input.
   */
  message(payload: Uint8Array, text: boolean): void;
  /** A ping; the caller answers it (with a pong carrying the same payload). */
  ping(payload: Uint8Array): void;
  /** A pong. */
  pong(payload: Uint8Array): void;
  /**
   * A close frame. Everything after it is ignored: the decoder is finished.
   * `code` is {@linkcode CLOSE_NO_STATUS} when the frame carried none.
   */
  close(code: number, reason: string): void;
}

/** Options of a {@linkcode WsFrameDecoder}. */
export interface WsDecoderOptions {
  /**
   * Whether frames must be masked: `true` when reading what a client sends
   * (a server), `false` when reading what a server sends (a client). A frame
   * the other way is a protocol error (RFC 6455 §5.1).
   */
  masked: boolean;
  /**
   * The largest message payload accepted, in bytes, across all its fragments;
   * `-1` (default) means {@linkcode MESSAGE_SIZE_LIMIT}. Checked against each
   * frame header before any of its payload is buffered.
   */
  maxMessageSize?: number;
  /**
   * Accept text messages (checked as UTF-8, 1007 otherwise). Default `false`:
   * a text frame is refused with 1003 as soon as its header arrives, as ZWS
   * wants (libzmq also refuses them).
   */
  text?: boolean;
  /**
   * Accept fragmented messages and join them (default `true`). libzmq
   * refuses them; browsers and proxies may send them, and RFC 6455 allows it.
   */
  fragments?: boolean;
  /** Allocates a payload that spans reads (every byte is written before it is handed out). */
  allocate?: (size: number) => Uint8Array;
}

const STATE_HEADER = 0;
const STATE_PAYLOAD = 1;
const STATE_CLOSED = 2;
/** A payload at least this large may be read straight into its buffer ({@linkcode WsFrameDecoder.bodyBuffer}). */
const DIRECT_READ_MIN = 16 * 1024;

/**
 * A streaming RFC 6455 frame decoder: feed it bytes split anywhere, it calls
 * the sink for each complete message and control frame, in order. It checks
 * reserved bits, opcodes, masking, control-frame rules, fragment order and
 * the size limit from the header alone, so nothing is buffered for a frame
 * that will be refused. After it throws it is unusable: drop the connection.
 *
 * @example Usage
 * ```ts
 * import { WsFrameDecoder } from "./frame.ts";
 * import assert from "node:assert/strict";
 * const got: string[] = [];
 * const decoder = new WsFrameDecoder({ masked: false, text: true });
 * const sink = {
 *   message: (p: Uint8Array) => got.push(new TextDecoder().decode(p)),
 *   ping: () => {}, pong: () => {}, close: () => {},
 * };
 * // RFC 6455 §5.7: a fragmented unmasked text message "Hello", split mid-header.
 * decoder.feed(new Uint8Array([0x01, 0x03, 0x48]), sink);
 * decoder.feed(new Uint8Array([0x65, 0x6c, 0x80]), sink);
 * decoder.feed(new Uint8Array([0x02, 0x6c, 0x6f]), sink);
 * assert.deepEqual(got, ["Hello"]);
 * ```
 */
export class WsFrameDecoder {
  #masked: boolean;
  #maxMessage: number;
  #text: boolean;
  #fragments: boolean;
  #allocate: (size: number) => Uint8Array;
  #state = STATE_HEADER;
  #failed: WebSocketError | null = null;
  // A header split across chunks (at most 14 bytes).
  #head = new Uint8Array(14);
  #headLength = 0;
  // The frame being read.
  #fin = false;
  #opcode = 0;
  #length = 0;
  #mask = new Uint8Array(4);
  #hasMask = false;
  #payload: Uint8Array | null = null;
  #filled = 0;
  // A fragmented message: its type, its pieces and their total size.
  #messageOpcode = -1;
  #pieces: Uint8Array[] = [];
  #assembled = 0;

  /** Makes a decoder. */
  constructor(options: WsDecoderOptions) {
    this.#masked = options.masked;
    const max = options.maxMessageSize ?? -1;
    if (!Number.isInteger(max) || max < -1) throw new RangeError(`maxMessageSize must be an integer >= -1, got ${max}`);
    this.#maxMessage = max < 0 || max > MESSAGE_SIZE_LIMIT ? MESSAGE_SIZE_LIMIT : max;
    this.#text = options.text ?? false;
    this.#fragments = options.fragments ?? true;
    this.#allocate = options.allocate ?? ((size) => new Uint8Array(size));
  }

  /** Bytes held for a frame that is not complete yet (header bytes, partial payload, earlier fragments). */
  get buffered(): number {
    return this.#headLength + (this.#state === STATE_PAYLOAD ? this.#filled : 0) + this.#assembled;
  }

  /** Whether a close frame was decoded (everything after it is ignored). */
  get closed(): boolean {
    return this.#state === STATE_CLOSED;
  }

  /**
   * Inside a large payload that spans reads, the rest of its buffer, so the
   * next read can land there; pass the filled prefix to
   * {@linkcode WsFrameDecoder.feed}, which then copies nothing. `null`
   * otherwise.
   */
  bodyBuffer(): Uint8Array | null {
    if (this.#state !== STATE_PAYLOAD || this.#payload === null) return null;
    const left = this.#length - this.#filled;
    return left >= DIRECT_READ_MIN ? this.#payload.subarray(this.#filled) : null;
  }

  /**
   * Decodes what `chunk` completes, calling `sink` in order. Throws a
   * {@linkcode WebSocketError} on bad input. `chunk` is never modified; views
   * of it may be handed out as payloads (unmasked frames), so the caller
   * must not overwrite it afterwards.
   */
  feed(chunk: Uint8Array, sink: WsFrameSink): void {
    if (this.#failed) throw this.#failed;
    try {
      this.#feed(chunk, sink);
    } catch (err) {
      if (err instanceof WebSocketError) this.#failed = err;
      throw err;
    }
  }

  #feed(chunk: Uint8Array, sink: WsFrameSink): void {
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      if (this.#state === STATE_CLOSED) return;
      if (this.#state === STATE_PAYLOAD) {
        pos = this.#continuePayload(chunk, pos, sink);
        continue;
      }
      let headerLength: number;
      if (this.#headLength === 0) {
        headerLength = this.#readHeader(chunk, pos, end);
        if (headerLength === 0) {
          // Incomplete header: keep it (at most 13 bytes).
          this.#head.set(chunk.subarray(pos), 0);
          this.#headLength = end - pos;
          return;
        }
        pos += headerLength;
      } else {
        // Complete the header kept from earlier chunks, one byte at a time (it is at most 14 bytes).
        headerLength = 0;
        while (pos < end && headerLength === 0) {
          this.#head[this.#headLength++] = chunk[pos++];
          headerLength = this.#readHeader(this.#head, 0, this.#headLength);
        }
        if (headerLength === 0) return;
        this.#headLength = 0;
      }
      const length = this.#length;
      if (end - pos >= length) {
        // The whole payload is in this chunk.
        let payload = chunk.subarray(pos, pos + length);
        if (this.#hasMask) {
          const copy = this.#allocate(length);
          maskBytes(copy, payload, this.#mask);
          payload = copy;
        }
        pos += length;
        this.#frameDone(payload, sink);
      } else {
        this.#payload = this.#allocate(length);
        this.#filled = 0;
        this.#state = STATE_PAYLOAD;
      }
    }
  }

  #continuePayload(chunk: Uint8Array, pos: number, sink: WsFrameSink): number {
    const payload = this.#payload!;
    const want = this.#length - this.#filled;
    const take = Math.min(want, chunk.length - pos);
    const piece = chunk.subarray(pos, pos + take);
    const direct = piece.buffer === payload.buffer && piece.byteOffset === payload.byteOffset + this.#filled;
    if (!direct) payload.set(piece, this.#filled);
    this.#filled += take;
    if (this.#filled === this.#length) {
      if (this.#hasMask) maskBytes(payload, payload, this.#mask);
      this.#payload = null;
      this.#state = STATE_HEADER;
      this.#frameDone(payload, sink);
    }
    return pos + take;
  }

  /**
   * Parses and checks a header at `buf[pos..end)`. Returns its length, or 0
   * when more bytes are needed. Throws for anything that cannot be valid.
   */
  #readHeader(buf: Uint8Array, pos: number, end: number): number {
    if (end - pos < 2) return 0;
    const b0 = buf[pos], b1 = buf[pos + 1];
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    const masked = (b1 & 0x80) !== 0;
    const len7 = b1 & 0x7f;
    if ((b0 & 0x70) !== 0) {
      throw new WebSocketError(CLOSE_PROTOCOL_ERROR, "Reserved bits set, but no extension was agreed");
    }
    const control = opcode >= 0x8;
    if (control) {
      if (opcode > OPCODE_PONG) {
        throw new WebSocketError(CLOSE_PROTOCOL_ERROR, `Unknown control opcode 0x${opcode.toString(16)}`);
      }
      if (!fin) throw new WebSocketError(CLOSE_PROTOCOL_ERROR, "A fragmented control frame");
      if (len7 > CONTROL_PAYLOAD_MAX) {
        throw new WebSocketError(
          CLOSE_PROTOCOL_ERROR,
          `A control frame payload longer than ${CONTROL_PAYLOAD_MAX} bytes`,
        );
      }
    } else {
      if (opcode > OPCODE_BINARY) {
        throw new WebSocketError(CLOSE_PROTOCOL_ERROR, `Unknown data opcode 0x${opcode.toString(16)}`);
      }
      if (opcode === OPCODE_CONTINUATION) {
        if (this.#messageOpcode < 0) {
          throw new WebSocketError(CLOSE_PROTOCOL_ERROR, "A continuation frame with no message to continue");
        }
      } else {
        if (this.#messageOpcode >= 0) {
          throw new WebSocketError(CLOSE_PROTOCOL_ERROR, "A new message started before the fragmented one ended");
        }
        if (opcode === OPCODE_TEXT && !this.#text) {
          throw new WebSocketError(CLOSE_UNSUPPORTED_DATA, "Text messages are not accepted, only binary ones");
        }
      }
      if (!fin && !this.#fragments) {
        throw new WebSocketError(CLOSE_PROTOCOL_ERROR, "Fragmented messages are not accepted");
      }
    }
    if (masked !== this.#masked) {
      throw new WebSocketError(
        CLOSE_PROTOCOL_ERROR,
        this.#masked ? "An unmasked frame from a client" : "A masked frame from a server",
      );
    }
    let at = pos + 2;
    let length: number;
    if (len7 === 126) {
      if (end - at < 2) return 0;
      length = (buf[at] << 8) | buf[at + 1];
      at += 2;
    } else if (len7 === 127) {
      if (end - at < 8) return 0;
      if ((buf[at] & 0x80) !== 0) {
        throw new WebSocketError(CLOSE_PROTOCOL_ERROR, "A 64-bit payload length with its top bit set");
      }
      const high = ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
      const low = ((buf[at + 4] << 24) | (buf[at + 5] << 16) | (buf[at + 6] << 8) | buf[at + 7]) >>> 0;
      length = high >= 0x200000 ? Infinity : high * 0x100000000 + low;
      at += 8;
    } else {
      length = len7;
    }
    if (!control && this.#assembled + length > this.#maxMessage) {
      throw new WebSocketError(
        CLOSE_MESSAGE_TOO_BIG,
        `A message of more than ${this.#maxMessage} bytes (frame of ${length} bytes after ${this.#assembled})`,
      );
    }
    if (masked) {
      if (end - at < 4) return 0;
      this.#mask[0] = buf[at];
      this.#mask[1] = buf[at + 1];
      this.#mask[2] = buf[at + 2];
      this.#mask[3] = buf[at + 3];
      at += 4;
    }
    this.#fin = fin;
    this.#opcode = opcode;
    this.#length = length;
    this.#hasMask = masked;
    return at - pos;
  }

  #frameDone(payload: Uint8Array, sink: WsFrameSink): void {
    const opcode = this.#opcode;
    switch (opcode) {
      case OPCODE_PING:
        sink.ping(payload);
        return;
      case OPCODE_PONG:
        sink.pong(payload);
        return;
      case OPCODE_CLOSE: {
        const { code, reason } = decodeClosePayload(payload);
        this.#state = STATE_CLOSED;
        sink.close(code, reason);
        return;
      }
    }
    if (this.#fin && opcode !== OPCODE_CONTINUATION) {
      this.#deliver(payload, opcode === OPCODE_TEXT, sink);
      return;
    }
    if (opcode !== OPCODE_CONTINUATION) this.#messageOpcode = opcode;
    this.#pieces.push(payload);
    this.#assembled += payload.length;
    if (!this.#fin) return;
    const pieces = this.#pieces;
    const whole = pieces.length === 1 ? pieces[0] : this.#allocate(this.#assembled);
    if (pieces.length > 1) {
      let at = 0;
      for (const piece of pieces) {
        whole.set(piece, at);
        at += piece.length;
      }
    }
    const text = this.#messageOpcode === OPCODE_TEXT;
    this.#pieces = [];
    this.#assembled = 0;
    this.#messageOpcode = -1;
    this.#deliver(whole, text, sink);
  }

  #deliver(payload: Uint8Array, text: boolean, sink: WsFrameSink): void {
    if (text) {
      try {
        strictUtf8.decode(payload);
      } catch {
        throw new WebSocketError(CLOSE_INVALID_PAYLOAD, "A text message that is not valid UTF-8");
      }
    }
    sink.message(payload, text);
  }
}

/** Options of a {@linkcode WsFrameEncoder}. */
export interface WsEncoderOptions {
  /** Mask every frame (`true` on a client, RFC 6455 §5.3). */
  mask: boolean;
  /** Fills a buffer with random bytes for masking keys. Default `crypto.getRandomValues`. */
  random?: (bytes: Uint8Array) => void;
}

/** Frames up to this size (header and payload) are copied into the batch; larger payloads travel as they are. */
const COPY_MAX = 4096;
const ARENA_SIZE = 16 * 1024;
const RANDOM_POOL = 1024;

/**
 * Encodes frames into a batch of buffers to write in order: small frames
 * are packed together, large unmasked payloads pass through without a copy.
 * Masked frames (a client's) are copied as they are masked, since the
 * caller's buffers must not change.
 *
 * @example Usage
 * ```ts
 * import { OPCODE_BINARY, WsFrameEncoder } from "./frame.ts";
 * import assert from "node:assert/strict";
 * const encoder = new WsFrameEncoder({ mask: false });
 * encoder.frame(OPCODE_BINARY, [new Uint8Array([0x01])]);
 * encoder.frame(OPCODE_BINARY, [new Uint8Array([0x00]), new TextEncoder().encode("world")]);
 * const bytes = encoder.take();
 * assert.deepEqual(bytes, [new Uint8Array([0x82, 0x01, 0x01, 0x82, 0x06, 0x00, 0x77, 0x6f, 0x72, 0x6c, 0x64])]);
 * ```
 */
export class WsFrameEncoder {
  #masking: boolean;
  #random: (bytes: Uint8Array) => void;
  #pool = new Uint8Array(RANDOM_POOL);
  #poolAt = RANDOM_POOL;
  #out: Uint8Array[] = [];
  #arena: Uint8Array | null = null;
  #arenaStart = 0;
  #arenaAt = 0;
  #size = 0;

  /** Makes an encoder. */
  constructor(options: WsEncoderOptions) {
    this.#masking = options.mask;
    this.#random = options.random ?? ((b) => crypto.getRandomValues(b));
  }

  /** Bytes queued since the last {@linkcode WsFrameEncoder.take}. */
  get size(): number {
    return this.#size;
  }

  /**
   * Queues one frame whose payload is the concatenation of `parts`. Control
   * frames must be final and at most 125 bytes (a `RangeError` otherwise).
   */
  frame(opcode: number, parts: readonly Uint8Array[], fin = true): void {
    let length = 0;
    for (const part of parts) length += part.length;
    if (opcode >= 0x8 && (length > CONTROL_PAYLOAD_MAX || !fin)) {
      throw new RangeError(`A control frame must be final and carry at most ${CONTROL_PAYLOAD_MAX} bytes`);
    }
    if (length > MESSAGE_SIZE_LIMIT) throw new RangeError(`A frame of ${length} bytes is too large`);
    const mask = this.#masking ? this.#nextMask() : null;
    const header = headerSize(length, mask !== null);
    this.#size += header + length;
    if (header + length <= COPY_MAX) {
      const arena = this.#room(header + length);
      let at = writeHeader(arena, this.#arenaAt, opcode, length, fin, mask);
      let phase = 0;
      for (const part of parts) {
        const target = arena.subarray(at, at + part.length);
        if (mask !== null) maskBytes(target, part, mask, phase);
        else target.set(part);
        at += part.length;
        phase += part.length;
      }
      this.#arenaAt = at;
      return;
    }
    // Large: the header (and any small leading parts) in the arena, the rest by reference or as a masked copy.
    const arena = this.#room(header);
    this.#arenaAt = writeHeader(arena, this.#arenaAt, opcode, length, fin, mask);
    let phase = 0;
    for (const part of parts) {
      if (part.length === 0) continue;
      if (part.length <= 256 && this.#arena !== null && this.#arenaAt + part.length <= this.#arena.length) {
        const target = this.#arena.subarray(this.#arenaAt, this.#arenaAt + part.length);
        if (mask !== null) maskBytes(target, part, mask, phase);
        else target.set(part);
        this.#arenaAt += part.length;
      } else {
        this.#flushArena();
        if (mask !== null) {
          const copy = new Uint8Array(part.length);
          maskBytes(copy, part, mask, phase);
          this.#out.push(copy);
        } else {
          this.#out.push(part);
        }
      }
      phase += part.length;
    }
  }

  /**
   * Returns the queued bytes as buffers to write in order and starts a new
   * batch. The caller owns them: the encoder never writes into them again.
   */
  take(): Uint8Array[] {
    this.#flushArena();
    const out = this.#out;
    this.#out = [];
    this.#arena = null;
    this.#size = 0;
    return out;
  }

  #nextMask(): Uint8Array {
    if (this.#poolAt === RANDOM_POOL) {
      this.#random(this.#pool);
      this.#poolAt = 0;
    }
    const mask = this.#pool.subarray(this.#poolAt, this.#poolAt + 4);
    this.#poolAt += 4;
    return mask;
  }

  /** The arena with at least `need` bytes free at `#arenaAt`. */
  #room(need: number): Uint8Array {
    if (this.#arena === null || this.#arenaAt + need > this.#arena.length) {
      this.#flushArena();
      this.#arena = new Uint8Array(Math.max(ARENA_SIZE, need));
      this.#arenaStart = 0;
      this.#arenaAt = 0;
    }
    return this.#arena;
  }

  /** Moves the filled part of the arena into the output (the rest stays usable for later frames). */
  #flushArena(): void {
    if (this.#arena !== null && this.#arenaAt > this.#arenaStart) {
      this.#out.push(this.#arena.subarray(this.#arenaStart, this.#arenaAt));
      this.#arenaStart = this.#arenaAt;
    }
  }
}
