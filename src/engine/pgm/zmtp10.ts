/**
 * libzmq's message framing inside PGM: each TSDU is a 2-byte offset and a
 * slice of one continuous byte stream of ZMTP/1.0 frames per source.
 *
 * A frame is its length (the body plus the flags byte) as one byte when
 * below 255, else 0xff and 8 bytes, then the flags byte (bit 0 = MORE),
 * then the body. The offset is where, in this TSDU's stream bytes, the
 * first message (not frame) that starts here begins; 0xffff when none
 * does. libzmq records it as soon as the previous message ends, so a TSDU
 * that ends exactly at a message's end carries its own data length.
 *
 * {@linkcode Zmtp10Packer} cuts messages into TSDUs the way libzmq's
 * `pgm_sender` does; {@linkcode Zmtp10Unpacker} joins a stream at the first
 * message start and rebuilds whole messages, dropping a partial one when
 * told the stream broke.
 *
 * @module
 */

/** The offset value of a TSDU in which no message starts. */
export const NO_MESSAGE_START = 0xffff;
/** The offset field's size. */
export const OFFSET_SIZE = 2;
/** Frame flag: more frames of this message follow. */
export const FLAG_MORE = 0x01;
/** Header size of a short frame (length byte, flags byte). */
const SHORT_HEADER = 2;
/** Header size of a long frame (0xff, 8 length bytes, flags byte). */
const LONG_HEADER = 10;

/** A multipart message. */
export type Frames = Uint8Array[];

/**
 * Cuts messages into TSDUs of at most `maxTsdu` bytes (offset included), as
 * libzmq's sender fills each packet: it keeps taking queued messages while
 * the packet has room, and the offset is set at the first message boundary
 * inside the packet.
 *
 * @example Usage
 * ```ts
 * import { Zmtp10Packer } from "./zmtp10.ts";
 * import assert from "node:assert/strict";
 * const packer = new Zmtp10Packer(1428);
 * packer.push([new TextEncoder().encode("hello")]);
 * assert.deepEqual([...packer.next()!], [0, 0, 6, 0, 104, 101, 108, 108, 111]);
 * assert.equal(packer.next(), null);
 * ```
 */
export class Zmtp10Packer {
  readonly #maxTsdu: number;
  #queue: Frames[] = [];
  #queuedBytes = 0;
  /** The message being cut: its encoded frames and how far they are sent. */
  #current: Uint8Array[] = [];
  #part = 0;
  #partAt = 0;

  /** Makes a packer for TSDUs of at most `maxTsdu` bytes (at least 3). */
  constructor(maxTsdu: number) {
    if (!Number.isInteger(maxTsdu) || maxTsdu < OFFSET_SIZE + 1 || maxTsdu > 0xffff) {
      throw new RangeError(`maxTsdu must be an integer from 3 to 65535, not ${maxTsdu}`);
    }
    this.#maxTsdu = maxTsdu;
  }

  /** Queues a message (at least one frame). */
  push(message: Frames): void {
    if (message.length === 0) throw new TypeError("A message has at least one frame");
    this.#queue.push(message);
    for (const f of message) this.#queuedBytes += f.length + (f.length + 1 < 255 ? SHORT_HEADER : LONG_HEADER);
  }

  /** Stream bytes not yet cut into TSDUs (headers included). */
  get pendingBytes(): number {
    let rest = 0;
    for (let i = this.#part; i < this.#current.length; i++) rest += this.#current[i].length;
    return this.#queuedBytes + rest - this.#partAt;
  }

  /** Whether nothing is waiting to be cut. */
  get empty(): boolean {
    return this.#part >= this.#current.length && this.#queue.length === 0;
  }

  /** Cuts the next TSDU, or returns `null` if nothing is queued. */
  next(): Uint8Array | null {
    if (this.empty) return null;
    const out = new Uint8Array(this.#maxTsdu);
    const room = this.#maxTsdu - OFFSET_SIZE;
    let bytes = 0;
    let offset = NO_MESSAGE_START;
    for (;;) {
      bytes += this.#copyCurrent(out, OFFSET_SIZE + bytes, room - bytes);
      if (bytes >= room) break;
      // The current message is done: this is where the next one starts (even if none is queued yet).
      if (offset === NO_MESSAGE_START) offset = bytes;
      const message = this.#queue.shift();
      if (message === undefined) break;
      this.#load(message);
    }
    out[0] = offset >>> 8;
    out[1] = offset & 0xff;
    return out.subarray(0, OFFSET_SIZE + bytes);
  }

  #load(message: Frames): void {
    const parts: Uint8Array[] = [];
    message.forEach((body, i) => {
      const more = i < message.length - 1 ? FLAG_MORE : 0;
      const size = body.length + 1;
      let header: Uint8Array;
      if (size < 255) {
        header = new Uint8Array([size, more]);
      } else {
        header = new Uint8Array(LONG_HEADER);
        header[0] = 0xff;
        new DataView(header.buffer).setBigUint64(1, BigInt(size));
        header[9] = more;
      }
      this.#queuedBytes -= header.length + body.length;
      parts.push(header, body);
    });
    this.#current = parts;
    this.#part = 0;
    this.#partAt = 0;
  }

  /** Copies up to `room` bytes of the current message to `out` at `at`; returns how many. */
  #copyCurrent(out: Uint8Array, at: number, room: number): number {
    let copied = 0;
    while (copied < room && this.#part < this.#current.length) {
      const part = this.#current[this.#part];
      const n = Math.min(room - copied, part.length - this.#partAt);
      out.set(part.subarray(this.#partAt, this.#partAt + n), at + copied);
      copied += n;
      this.#partAt += n;
      if (this.#partAt === part.length) {
        this.#part++;
        this.#partAt = 0;
      }
    }
    if (this.#part >= this.#current.length) this.#current = [];
    if (this.#current.length === 0) this.#part = 0;
    return copied;
  }
}

/** Why an unpacker dropped what it had. */
export type Zmtp10Reset = "loss" | "bad-frame" | "too-large" | "bad-tsdu";

/** Options of a {@linkcode Zmtp10Unpacker}. */
export interface Zmtp10UnpackerOptions {
  /** Largest frame body accepted (`maxMessageSize`, libzmq's ZMQ_MAXMSGSIZE); -1 = no limit. */
  maxMessageSize?: number;
}

/** Frame bodies up to this size get their buffer at once; larger ones are gathered as they arrive. */
const PREALLOCATE_MAX = 64 * 1024;

/**
 * Rebuilds messages from one source's TSDUs, given strictly in sequence
 * order. Not joined at first: it skips TSDUs until one has an offset other
 * than 0xffff, then decodes from there. A broken stream
 * ({@linkcode Zmtp10Unpacker.reset}, a bad frame, a frame over
 * `maxMessageSize`, a TSDU too short for its offset or with an offset past
 * its end) drops the partial message and waits for the next message start,
 * as libzmq's receiver does.
 *
 * @example Usage
 * ```ts
 * import { Zmtp10Packer, Zmtp10Unpacker } from "./zmtp10.ts";
 * import assert from "node:assert/strict";
 * const packer = new Zmtp10Packer(100);
 * packer.push([new Uint8Array(150).fill(7), new Uint8Array([1])]);
 * const unpacker = new Zmtp10Unpacker();
 * const messages = [];
 * for (let t = packer.next(); t !== null; t = packer.next()) messages.push(...unpacker.push(t));
 * assert.equal(messages.length, 1);
 * assert.equal(messages[0][0].length, 150);
 * ```
 */
export class Zmtp10Unpacker {
  readonly #maxMessageSize: number;
  #joined = false;
  /** Header bytes gathered so far (length, 8-byte length, flags). */
  #header = new Uint8Array(LONG_HEADER);
  #headerHave = 0;
  #headerNeed = 1;
  #flags = 0;
  /** The body being filled. */
  #body: Uint8Array | null = null;
  #bodyParts: Uint8Array[] | null = null;
  #bodyLength = 0;
  #bodyHave = 0;
  #inBody = false;
  #frames: Frames = [];
  #messageBytes = 0;
  /** Called when the unpacker drops what it had (for counters and events). */
  onReset: ((reason: Zmtp10Reset) => void) | null = null;

  /** Makes an unpacker. */
  constructor(options: Zmtp10UnpackerOptions = {}) {
    this.#maxMessageSize = options.maxMessageSize ?? -1;
  }

  /** Whether it has found a message start and is decoding. */
  get joined(): boolean {
    return this.#joined;
  }

  /** Bytes held for a message not yet complete. */
  get pendingBytes(): number {
    return this.#messageBytes + this.#bodyHave;
  }

  /**
   * The stream broke (lost data): drops the partial message and waits for
   * the next message start.
   */
  reset(reason: Zmtp10Reset = "loss"): void {
    const hadState = this.#joined;
    this.#joined = false;
    this.#clearFrame();
    this.#frames = [];
    this.#messageBytes = 0;
    if (hadState) this.onReset?.(reason);
  }

  #clearFrame(): void {
    this.#headerHave = 0;
    this.#headerNeed = 1;
    this.#body = null;
    this.#bodyParts = null;
    this.#bodyHave = 0;
    this.#bodyLength = 0;
    this.#inBody = false;
  }

  /** Takes the next TSDU of the stream; returns the messages it completed. */
  push(tsdu: Uint8Array): Frames[] {
    if (tsdu.length < OFFSET_SIZE) {
      this.#fail("bad-tsdu");
      return [];
    }
    const offset = (tsdu[0] << 8) | tsdu[1];
    const data = tsdu.subarray(OFFSET_SIZE);
    if (!this.#joined) {
      if (offset === NO_MESSAGE_START) return [];
      if (offset > data.length) return []; // lying offset: not a place to join (libzmq asserts here)
      this.#joined = true;
      return this.#decode(data.subarray(offset));
    }
    return this.#decode(data);
  }

  /** The stream is unusable from here: drop everything and report why. */
  #fail(reason: Zmtp10Reset): void {
    this.#joined = false;
    this.#clearFrame();
    this.#frames = [];
    this.#messageBytes = 0;
    this.onReset?.(reason);
  }

  #decode(data: Uint8Array): Frames[] {
    const out: Frames[] = [];
    let at = 0;
    while (at < data.length) {
      if (!this.#inBody) {
        const n = Math.min(this.#headerNeed - this.#headerHave, data.length - at);
        this.#header.set(data.subarray(at, at + n), this.#headerHave);
        this.#headerHave += n;
        at += n;
        if (this.#headerHave < this.#headerNeed) break;
        if (!this.#headerDone()) return out;
        if (this.#inBody && this.#bodyLength === 0) {
          const message = this.#frameDone();
          if (message !== null) out.push(message);
        }
        continue;
      }
      const n = Math.min(this.#bodyLength - this.#bodyHave, data.length - at);
      const chunk = data.subarray(at, at + n);
      if (this.#body !== null) this.#body.set(chunk, this.#bodyHave);
      else this.#bodyParts!.push(chunk);
      this.#bodyHave += n;
      at += n;
      if (this.#bodyHave === this.#bodyLength) {
        const message = this.#frameDone();
        if (message !== null) out.push(message);
      }
    }
    return out;
  }

  /** Processes a complete header piece; false if the stream was reset. */
  #headerDone(): boolean {
    const h = this.#header;
    if (this.#headerNeed === 1) {
      if (h[0] === 0) {
        this.#fail("bad-frame");
        return false;
      }
      this.#headerNeed = h[0] === 0xff ? LONG_HEADER : SHORT_HEADER;
      return true;
    }
    let size: number;
    if (this.#headerNeed === LONG_HEADER) {
      const big = new DataView(h.buffer, h.byteOffset, LONG_HEADER).getBigUint64(1);
      if (big === 0n) {
        this.#fail("bad-frame");
        return false;
      }
      if (big - 1n > BigInt(Number.MAX_SAFE_INTEGER)) {
        this.#fail("too-large");
        return false;
      }
      size = Number(big);
      this.#flags = h[9];
    } else {
      size = h[0];
      this.#flags = h[1];
    }
    const bodyLength = size - 1;
    if (this.#maxMessageSize >= 0 && bodyLength > this.#maxMessageSize) {
      this.#fail("too-large");
      return false;
    }
    this.#bodyLength = bodyLength;
    this.#bodyHave = 0;
    this.#inBody = true;
    if (bodyLength <= PREALLOCATE_MAX) {
      this.#body = new Uint8Array(bodyLength);
      this.#bodyParts = null;
    } else {
      this.#body = null;
      this.#bodyParts = [];
    }
    return true;
  }

  /** Finishes the current frame; returns the message if it was the last frame. */
  #frameDone(): Frames | null {
    let body: Uint8Array;
    if (this.#body !== null) {
      body = this.#body;
    } else {
      body = new Uint8Array(this.#bodyLength);
      let at = 0;
      for (const part of this.#bodyParts!) {
        body.set(part, at);
        at += part.length;
      }
    }
    const more = (this.#flags & FLAG_MORE) !== 0;
    this.#frames.push(body);
    this.#messageBytes += body.length;
    this.#clearFrame();
    if (more) return null;
    const message = this.#frames;
    this.#frames = [];
    this.#messageBytes = 0;
    return message;
  }
}
