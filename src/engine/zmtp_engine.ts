/**
 * The ZMTP engine: one connection's protocol life. Greeting, then the
 * security mechanism's handshake, then traffic between the wire and a
 * {@linkcode Pipe}: incoming frames are assembled into messages, outgoing
 * messages are batched so that many share one write. Heartbeats and the
 * handshake timer live here too. The engine knows nothing of socket types
 * beyond the READY metadata and the compatibility check.
 *
 * @module
 */

import { FLAG_COMMAND, FLAG_MORE, type FrameDecoder } from "../codec/codec.ts";
import { decodeCommand, encodePing, encodePong } from "../codec/command.ts";
import {
  checkGreetingPrefix,
  encodeGreeting,
  GREETING_SIZE,
  negotiateMinor,
  parseGreeting,
} from "../codec/greeting.ts";
import { AuthError, ProtocolError } from "../errors.ts";
import type { Mechanism } from "../mechanisms/mechanism.ts";
import type { Pipe } from "../pipe.ts";
import { subscriptionMessage } from "../routing/subscriptions.ts";
import type { Conn } from "../runtime/runtime.ts";
import { COMPATIBLE_TYPES, type Multipart } from "../types.ts";
import type { PeerHandshake } from "../events.ts";
import type { Engine, EngineEnd, EngineFactory, EngineHost, EngineOptions } from "./engine.ts";
import { WriteCoalescer, type WriteSource } from "./write_coalescer.ts";
import { ZmtpEncoder } from "./zmtp_encoder.ts";

/** Stop packing messages into one write once it holds this many bytes. */
export const WRITE_BATCH_BYTES = 256 * 1024;
/** Frames at least this large make the next read small (see #readTarget). */
const LARGE_FRAME = 64 * 1024;
/** The size of that small read. */
const HEADER_READ_SIZE = 16 * 1024;

const STATE_GREETING: number = 0;
const STATE_HANDSHAKE: number = 1;
const STATE_TRAFFIC: number = 2;
const STATE_DONE: number = 3;

/**
 * One connection's ZMTP engine.
 *
 * @example Usage
 * ```ts ignore
 * const engine = new ZmtpEngine(conn, mechanism, host, options);
 * engine.start();
 * ```
 */
export class ZmtpEngine implements Engine, WriteSource {
  /** The connection's peer address. */
  readonly peerAddress: string;
  readonly #conn: Conn;
  readonly #mechanism: Mechanism;
  readonly #host: EngineHost;
  readonly #options: EngineOptions;
  #state: number = STATE_GREETING;
  #greeting = new Uint8Array(GREETING_SIZE);
  #greetingLength = 0;
  #zmtpMinor = 1;
  readonly #decoder: FrameDecoder;
  readonly #encoder: ZmtpEncoder;
  readonly #writer: WriteCoalescer;
  #pipe: Pipe | null = null;
  #parts: Uint8Array[] = [];
  #pendingHandshake: Promise<void> | null = null;
  #preparing: Promise<void> | null = null;
  #heldFrames: [Uint8Array, number][] = [];
  /** Handshake commands: always sent as they are. */
  #handshakeCommands: Uint8Array[] = [];
  /** Traffic commands (PING, PONG): encrypted by mechanisms that encrypt. */
  #commands: Uint8Array[] = [];
  #paused = false;
  #drainWaiters: (() => void)[] = [];
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #timeoutTimer: ReturnType<typeof setTimeout> | undefined;
  #ttlTimer: ReturnType<typeof setTimeout> | undefined;
  #heard = false;
  #heardSinceTtl = false;

  /** Makes an engine for a connection; call {@linkcode ZmtpEngine.start}. */
  constructor(conn: Conn, mechanism: Mechanism, host: EngineHost, options: EngineOptions) {
    this.#conn = conn;
    this.#mechanism = mechanism;
    this.#host = host;
    this.#options = options;
    this.peerAddress = conn.remoteAddress;
    this.#decoder = options.codec.decoder({ maxFrameSize: options.maxMessageSize, allocate: options.allocate });
    this.#encoder = new ZmtpEncoder(options.codec.encoder());
    if (mechanism.encode !== undefined) this.#encoder.transform = mechanism.encode.bind(mechanism);
    this.#writer = new WriteCoalescer(this, {
      write: (chunks) => conn.write(chunks),
      failed: (error) => this.#finish({ kind: "closed", error }),
      idle: () => this.#notifyDrained(),
    });
  }

  /** The pipe carrying this connection's traffic, once the handshake is done. */
  get pipe(): Pipe | null {
    return this.#pipe;
  }

  /** The negotiated ZMTP minor version (valid after the greeting). */
  get zmtpMinor(): number {
    return this.#zmtpMinor;
  }

  /** Resolves once the connection is closed and its reads have stopped. */
  get closed(): Promise<void> {
    return this.#conn.closed;
  }

  /** What the peer announced, once its READY (or INITIATE) arrived (see {@linkcode Engine.peer}). */
  get peer(): PeerHandshake | undefined {
    const metadata = this.#mechanism.peerProperties;
    if (metadata.size === 0) return undefined;
    const type = metadata.get("Socket-Type");
    return {
      socketType: type === undefined ? "" : new TextDecoder().decode(type),
      mechanism: this.#mechanism.name,
      zmtpVersion: `3.${this.#zmtpMinor}`,
      metadata,
    };
  }

  /** The peer's host without port, for ZAP. */
  get peerHost(): string {
    return this.#conn.remoteHost;
  }

  /** Sends our greeting and starts reading. */
  start(): void {
    const m = this.#mechanism;
    if (m.prepare !== undefined) {
      this.#preparing = m.prepare();
      this.#preparing.catch(() => {}); // handled once the greeting is in
    }
    this.#conn.start({
      data: (chunk) => this.#onData(chunk),
      end: (error) => this.#onEnd(error),
      readTarget: this.#readTarget,
    });
    this.#writer.writeNow([encodeGreeting({ mechanism: m.name, asServer: m.asServer })]);
    if (this.#options.handshakeInterval > 0) {
      this.#handshakeTimer = setTimeout(() => {
        this.#fail({
          kind: "timeout",
          error: new Error(`Handshake did not complete within ${this.#options.handshakeInterval} ms`),
        });
      }, this.#options.handshakeInterval);
    }
  }

  /** Closes the connection without waiting for queued messages. */
  close(): void {
    this.#finish({ kind: "local" });
  }

  /**
   * Resolves once everything queued for this peer has been written (or the
   * engine ended). Used for `linger`.
   */
  drained(): Promise<void> {
    if (this.#isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #isDrained(): boolean {
    return this.#state === STATE_DONE ||
      (!this.#writer.writing && this.#commands.length === 0 && this.#handshakeCommands.length === 0 &&
        (this.#pipe === null || this.#pipe.outbound.length === 0));
  }

  // ---- input ---------------------------------------------------------------

  #onData(chunk: Uint8Array): void {
    if (this.#state === STATE_DONE) return;
    this.#heard = true;
    this.#heardSinceTtl = true;
    try {
      if (this.#state === STATE_GREETING) {
        chunk = this.#readGreeting(chunk);
        if (chunk.length === 0) return;
      }
      this.#decoder.feed(chunk, this.#onFrame);
    } catch (err) {
      this.#failWith(err);
    }
  }

  #readGreeting(chunk: Uint8Array): Uint8Array {
    const take = Math.min(GREETING_SIZE - this.#greetingLength, chunk.length);
    this.#greeting.set(chunk.subarray(0, take), this.#greetingLength);
    this.#greetingLength += take;
    checkGreetingPrefix(this.#greeting.subarray(0, this.#greetingLength));
    if (this.#greetingLength < GREETING_SIZE) return chunk.subarray(chunk.length);
    const peer = parseGreeting(this.#greeting, this.#mechanism.name);
    this.#zmtpMinor = negotiateMinor(1, peer);
    this.#encoder.zmtpMinor = this.#zmtpMinor;
    this.#state = STATE_HANDSHAKE;
    if (this.#preparing !== null) this.#awaitHandshake(this.#preparing);
    else this.#sendHandshakeCommands();
    return chunk.subarray(take);
  }

  /** Where the next read should land (see ConnHandler.readTarget). */
  #readTarget = (): Uint8Array | null => {
    if (this.#state !== STATE_TRAFFIC || this.#decoder.bodyBuffer === undefined) return null;
    const body = this.#decoder.bodyBuffer();
    if (body !== null) return body;
    // After a large frame, read only the next header and the start of its body, so that the rest of
    // a large body is read in place rather than copied out of a big read buffer.
    return this.#largeFrames ? new Uint8Array(HEADER_READ_SIZE) : null;
  };

  #onFrame = (body: Uint8Array, flags: number): void => {
    if (this.#state === STATE_TRAFFIC) {
      this.#largeFrames = body.length >= LARGE_FRAME;
      const mechanism = this.#mechanism;
      if (mechanism.decode !== undefined) mechanism.decode(body, this.#onTrafficFrame);
      else this.#onTrafficFrame(body, flags);
    } else if (this.#state === STATE_HANDSHAKE) {
      if (this.#pendingHandshake !== null) {
        this.#heldFrames.push([body, flags]);
        return;
      }
      this.#onHandshakeFrame(body, flags);
    }
  };

  #onHandshakeFrame(body: Uint8Array, flags: number): void {
    if ((flags & FLAG_COMMAND) === 0) {
      throw new ProtocolError("handshake", "Peer sent a message before completing the handshake");
    }
    const pending = this.#mechanism.processCommand(body);
    if (pending instanceof Promise) this.#awaitHandshake(pending);
    else this.#afterHandshakeCommand();
  }

  /** Holds incoming frames until the mechanism's pending work (crypto loading, ZAP) settles. */
  #awaitHandshake(pending: Promise<void>): void {
    this.#pendingHandshake = pending;
    pending.then(() => {
      this.#pendingHandshake = null;
      if (this.#state !== STATE_HANDSHAKE) return;
      try {
        this.#afterHandshakeCommand();
        const held = this.#heldFrames;
        this.#heldFrames = [];
        for (let i = 0; i < held.length; i++) {
          if (this.#state === STATE_DONE) return;
          if (this.#pendingHandshake !== null) {
            this.#heldFrames.push(...held.slice(i));
            return;
          }
          this.#onFrame(held[i][0], held[i][1]);
        }
      } catch (err) {
        this.#failWith(err);
      }
    }, (err) => {
      this.#pendingHandshake = null;
      if (this.#state === STATE_DONE) return;
      this.#sendHandshakeCommands(); // an ERROR the mechanism wants to send
      this.#failWith(err);
    });
  }

  #afterHandshakeCommand(): void {
    this.#sendHandshakeCommands();
    const status = this.#mechanism.status;
    if (status === "ready") this.#handshakeComplete();
    else if (status === "error") throw new ProtocolError("handshake", "Security handshake failed");
  }

  #sendHandshakeCommands(): void {
    for (let cmd = this.#mechanism.nextCommand(); cmd !== null; cmd = this.#mechanism.nextCommand()) {
      this.#handshakeCommands.push(cmd);
    }
    this.#writer.schedule();
  }

  #handshakeComplete(): void {
    const m = this.#mechanism;
    const properties = m.peerProperties;
    const peerType = properties.get("Socket-Type");
    if (peerType !== undefined) {
      const name = new TextDecoder().decode(peerType);
      if (!(COMPATIBLE_TYPES[this.#options.socketType] as readonly string[]).includes(name)) {
        throw new ProtocolError(
          "handshake",
          `Incompatible peer: a ${this.#options.socketType} socket cannot talk to a ${name} socket`,
          "ERR_ZMTP_UNSPECIFIED",
        );
      }
    }
    clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
    this.#state = STATE_TRAFFIC;
    const pipe = this.#host.handshakeDone(this, {
      properties,
      zmtpMinor: this.#zmtpMinor,
      userId: m.userId,
      zapProperties: m.zapProperties,
    });
    if (this.#state !== STATE_TRAFFIC) return;
    if (pipe !== null) this.#attach(pipe);
    this.#startHeartbeats();
  }

  #attach(pipe: Pipe): void {
    this.#pipe = pipe;
    pipe.zmtpMinor = this.#zmtpMinor;
    pipe.outbound.onReadable = () => this.#writer.schedule();
    pipe.inbound.onWritable = () => this.#resumeReading();
    if (pipe.outbound.length > 0) this.#writer.schedule();
  }

  #onTrafficFrame = (body: Uint8Array, flags: number): void => {
    if ((flags & FLAG_COMMAND) !== 0) {
      this.#onCommand(body);
      return;
    }
    const parts = this.#parts;
    parts.push(body);
    if ((flags & FLAG_MORE) !== 0) return;
    this.#parts = [];
    this.#deliver(parts);
  };

  #deliver(message: Multipart): void {
    const pipe = this.#pipe;
    if (pipe === null) return; // Unused connection (duplicate id): drop, as libzmq does.
    const inbound = pipe.inbound;
    inbound.write(message);
    if (!this.#paused && !inbound.writable) {
      this.#paused = true;
      this.#conn.pause();
    }
  }

  #resumeReading(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#conn.resume();
  }

  #onCommand(body: Uint8Array): void {
    const command = decodeCommand(body);
    switch (command.name) {
      case "PING":
        this.#commands.push(encodePong(command.context));
        this.#writer.schedule();
        if (command.ttl > 0 && this.#ttlTimer === undefined) {
          this.#heardSinceTtl = false;
          this.#ttlTimer = setTimeout(() => {
            this.#ttlTimer = undefined;
            if (!this.#heardSinceTtl) {
              this.#fail({ kind: "timeout", error: new Error(`Peer went silent past its PING TTL`) });
            }
          }, command.ttl * 100);
        }
        return;
      case "SUBSCRIBE":
      case "CANCEL":
        // Both forms reach the socket as 0x01/0x00 messages, as in libzmq.
        this.#deliver(subscriptionMessage(command.topic, command.name === "SUBSCRIBE"));
        return;
      default:
        // PONG, a second READY, unknown commands: ignored after the handshake, as libzmq does.
        return;
    }
  }

  #onEnd(error?: Error): void {
    if (this.#state === STATE_DONE) return;
    if (this.#state !== STATE_TRAFFIC && error === undefined) {
      error = new Error("Peer closed the connection during the handshake");
    }
    this.#finish({ kind: "closed", error });
  }

  // ---- heartbeats ----------------------------------------------------------

  #startHeartbeats(): void {
    const o = this.#options;
    if (o.heartbeatInterval <= 0) return;
    const timeout = o.heartbeatTimeout >= 0 ? o.heartbeatTimeout : o.heartbeatInterval;
    const ttl = Math.min(0xffff, Math.floor(o.heartbeatTimeToLive / 100));
    this.#heartbeatTimer = setInterval(() => {
      this.#commands.push(encodePing(ttl));
      this.#writer.schedule();
      if (this.#timeoutTimer === undefined && timeout > 0) {
        this.#heard = false;
        this.#timeoutTimer = setTimeout(() => {
          this.#timeoutTimer = undefined;
          if (!this.#heard) {
            this.#fail({
              kind: "timeout",
              error: new Error(`No traffic from the peer within ${timeout} ms of a PING`),
            });
          }
        }, timeout);
      }
    }, o.heartbeatInterval);
  }

  // ---- output (the write coalescer's source) -------------------------------

  /** Encodes the queued commands, then messages up to a batch; `null` when nothing is queued. */
  fill(): Uint8Array[] | null {
    if (this.#state === STATE_DONE) return null;
    const encoder = this.#encoder;
    const handshake = this.#handshakeCommands;
    if (handshake.length > 0) {
      for (const cmd of handshake) encoder.handshakeCommand(cmd);
      handshake.length = 0;
    }
    const commands = this.#commands;
    if (commands.length > 0) {
      for (const cmd of commands) encoder.command(cmd);
      commands.length = 0;
    }
    const pipe = this.#pipe;
    if (pipe !== null && this.#state === STATE_TRAFFIC) encoder.messagesFrom(pipe.outbound, WRITE_BATCH_BYTES);
    return encoder.size === 0 ? null : encoder.take();
  }

  /** Messages queued for the peer. */
  backlog(): number {
    return this.#pipe?.outbound.length ?? 0;
  }

  /** Whether commands wait (they go out without waiting for a batch). */
  urgent(): boolean {
    return this.#commands.length > 0 || this.#handshakeCommands.length > 0;
  }

  #largeFrames = false;

  #notifyDrained(): void {
    if (this.#drainWaiters.length === 0 || !this.#isDrained()) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  // ---- ending --------------------------------------------------------------

  /**
   * Ends the connection for an exception thrown while handling input: the
   * peer's fault for a `ProtocolError` or an `AuthError` (libzmq gives up on
   * the endpoint then); anything else is a failure on our side (a bug, a
   * crypto library that would not load), reported as a closed connection
   * with the error attached, after which the session reconnects.
   */
  #failWith(err: unknown): void {
    if (err instanceof ProtocolError) this.#fail({ kind: "protocol", error: err });
    else if (err instanceof AuthError) this.#fail({ kind: "auth", error: err });
    else this.#fail({ kind: "closed", error: err instanceof Error ? err : new Error(String(err)) });
  }

  #fail(end: EngineEnd): void {
    if (this.#state === STATE_DONE) return;
    // Let an ERROR command queued by the mechanism go out before closing, after any write in flight.
    if (this.#handshakeCommands.length > 0) {
      const encoder = this.#encoder;
      for (const cmd of this.#handshakeCommands) encoder.handshakeCommand(cmd);
      this.#handshakeCommands.length = 0;
      const conn = this.#conn;
      const chunks = encoder.take();
      this.#writer.settled().then(() => conn.write(chunks)).catch(() => {}).finally(() => conn.close());
      this.#finish(end, false);
      return;
    }
    this.#finish(end);
  }

  #finish(end: EngineEnd, closeConn = true): void {
    if (this.#state === STATE_DONE) return;
    const duringHandshake = this.#state !== STATE_TRAFFIC;
    this.#state = STATE_DONE;
    this.#writer.stop();
    clearTimeout(this.#handshakeTimer);
    clearInterval(this.#heartbeatTimer);
    clearTimeout(this.#timeoutTimer);
    clearTimeout(this.#ttlTimer);
    if (closeConn) this.#conn.close();
    this.#decoder.dispose();
    this.#encoder.dispose();
    const pipe = this.#pipe;
    if (pipe !== null) {
      pipe.outbound.onReadable = null;
      pipe.inbound.onWritable = null;
    }
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
    this.#host.engineEnded(this, end, duringHandshake);
  }
}

/**
 * The engine factory of ZMTP over a byte stream (tcp, ipc).
 *
 * @example Usage
 * ```ts ignore
 * const engine = createZmtpEngine(conn, mechanism, session, options);
 * ```
 */
export const createZmtpEngine: EngineFactory = (conn, mechanism, host, options) =>
  new ZmtpEngine(conn, mechanism, host, options);
