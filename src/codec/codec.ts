/**
 * The frame codec interface: bytes to frames and frames to bytes, for
 * everything after the 64-byte greeting. Two implementations share it:
 * `js.ts` (pure TypeScript) and `wasm.ts` (Rust compiled to WebAssembly).
 *
 * @module
 */

/** Frame flag: another frame of the same message follows. */
export const FLAG_MORE = 0x01;
/** Frame flag: the size field is 8 bytes instead of 1. */
export const FLAG_LONG = 0x02;
/** Frame flag: the frame is a command, not message data. */
export const FLAG_COMMAND = 0x04;
/** The flag bits a sender may set; the others are reserved. */
export const FLAGS_KNOWN = FLAG_MORE | FLAG_LONG | FLAG_COMMAND;
/** The largest body sent with a 1-byte size. */
export const SHORT_FRAME_MAX = 255;
/**
 * The largest frame body zmq-ts accepts when `maxMessageSize` is unlimited:
 * 2 GiB − 1, about what one JavaScript typed array can hold everywhere.
 */
export const FRAME_SIZE_LIMIT = 2 ** 31 - 1;

/** Which codec implementation to use. */
export type CodecKind = "js" | "wasm";

/** Options shared by both decoders. */
export interface DecoderOptions {
  /**
   * The largest frame body accepted, in bytes; `-1` means no limit beyond
   * {@linkcode FRAME_SIZE_LIMIT}. Checked against the frame header, before
   * any body byte is buffered, as libzmq's `ZMQ_MAXMSGSIZE` is.
   */
  maxFrameSize?: number;
  /**
   * Reject frames whose reserved flag bits (`0xF8`) are set. libzmq ignores
   * them; zmq-ts rejects them by default, as RFC 23 allows.
   */
  strictFlags?: boolean;
  /**
   * Allocates the body of a frame that spans reads. Every byte is written
   * before the frame is handed out, so a runtime may return uninitialised
   * memory (Node's `Buffer.allocUnsafeSlow`). Default `new Uint8Array(size)`.
   */
  allocate?: (size: number) => Uint8Array;
}

/**
 * Receives decoded frames. `flags` keeps MORE and COMMAND (LONG is dropped).
 * `body` is valid forever: it is never overwritten by later input.
 */
export type FrameHandler = (body: Uint8Array, flags: number) => void;

/**
 * A streaming ZMTP 3.x frame decoder. Bytes may be split at any point.
 *
 * @example Usage
 * ```ts ignore
 * decoder.feed(chunk, (body, flags) => console.log(flags, body));
 * ```
 */
export interface FrameDecoder {
  /** The implementation behind this decoder. */
  readonly kind: CodecKind;
  /**
   * Decodes as many frames as `chunk` completes, calling `onFrame` for each
   * in order. Throws a `ProtocolError` on malformed input; the decoder is then
   * unusable (the connection must be dropped). The decoder does not keep a
   * reference to `chunk` beyond frame bodies it hands out as views.
   */
  feed(chunk: Uint8Array, onFrame: FrameHandler): void;
  /** Bytes held for a frame that is not complete yet. */
  readonly buffered: number;
  /**
   * Optional. Inside a large frame that spans reads, the rest of that
   * frame's body, so the next read can land there directly; pass the filled
   * prefix to {@linkcode FrameDecoder.feed}, which then copies nothing.
   * `null` when there is no such body (between frames, or a small one).
   */
  bodyBuffer?(): Uint8Array | null;
  /** Releases resources (Wasm memory). The decoder is unusable afterwards. */
  dispose(): void;
}

/**
 * A ZMTP 3.x frame encoder that packs many frames into few buffers, so one
 * write carries many small messages. Large bodies are passed through
 * without a copy.
 *
 * @example Usage
 * ```ts ignore
 * encoder.frame(new TextEncoder().encode("hello"), 0);
 * await conn.write(encoder.take());
 * ```
 */
export interface FrameEncoder {
  /** The implementation behind this encoder. */
  readonly kind: CodecKind;
  /** Queues one frame; `flags` is MORE and/or COMMAND (LONG is added as needed). */
  frame(body: Uint8Array, flags: number): void;
  /** Bytes queued since the last {@linkcode FrameEncoder.take}. */
  readonly size: number;
  /**
   * Returns the queued bytes as a list of buffers to write in order, and
   * starts a new batch. The buffers stay valid until the next `take()`:
   * finish writing them before calling it again.
   */
  take(): Uint8Array[];
  /** Releases resources (Wasm memory). The encoder is unusable afterwards. */
  dispose(): void;
}

/** Makes decoders and encoders of one implementation. */
export interface Codec {
  /** The implementation's name. */
  readonly kind: CodecKind;
  /** Makes a streaming decoder. */
  decoder(options?: DecoderOptions): FrameDecoder;
  /** Makes a batching encoder. */
  encoder(): FrameEncoder;
}
