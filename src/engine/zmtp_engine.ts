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

import { type Codec, FLAG_COMMAND, FLAG_MORE, type FrameDecoder, type FrameEncoder } from "../codec/codec.ts";
import { decodeCommand, encodePing, encodePong, encodeSubscription, type Metadata } from "../codec/command.ts";
import {
  checkGreetingPrefix,
  encodeGreeting,
  GREETING_SIZE,
  type MechanismName,
  negotiateMinor,
  parseGreeting,
} from "../codec/greeting.ts";
import { AuthError, ProtocolError } from "../errors.ts";
import type { Mechanism } from "../mechanisms/mechanism.ts";
import { isSubscription, type Pipe, subscriptionMessage } from "../pipe.ts";
import type { Conn } from "../runtime/runtime.ts";
import { COMPATIBLE_TYPES, type Message, type SocketTypeName } from "../types.ts";

/** Stop packing messages into one write once it holds this many bytes. */
export const WRITE_BATCH_BYTES = 256 * 1024;
/** Schedules microtasks: a promise job is cheaper than `queueMicrotask` (which Node wraps for async hooks). */
const RESOLVED: Promise<void> = Promise.resolve();
/** Frames at least this large make the next read small (see #readTarget). */
const LARGE_FRAME = 64 * 1024;
/** The size of that small read. */
const HEADER_READ_SIZE = 16 * 1024;
/** A queue this long is written at once, without waiting for more. */
const COALESCE_MESSAGES = 1024;
/** Write once the queue has not grown for this many microtask turns. */
const COALESCE_IDLE_TURNS = 3;
/** Never wait more than this many microtask turns for a batch. */
const COALESCE_MAX_TURNS = 2048;

/** Why an engine stopped. */
export type EngineEnd =
  /** The peer closed or the connection failed; reconnecting makes sense. */
  | { kind: "closed"; error?: Error }
  /** The handshake or heartbeat timer expired; reconnecting makes sense. */
  | { kind: "timeout"; error: Error }
  /** The peer broke the protocol; libzmq does not reconnect after this. */
  | { kind: "protocol"; error: ProtocolError }
  /** Authentication failed (ZAP refusal, wrong credentials). */
  | { kind: "auth"; error: AuthError }
  /** We closed it. */
  | { kind: "local" };

/** What the engine learned in the handshake. */
export interface HandshakeInfo {
  /** The peer's READY/INITIATE metadata. */
  properties: Metadata;
  /** The negotiated ZMTP minor version. */
  zmtpMinor: number;
  /** The User-Id a ZAP handler assigned. */
  userId: string;
  /** The metadata a ZAP handler attached to the connection. */
  zapProperties: Metadata;
}

/** The engine's owner: the session of an endpoint. */
export interface EngineHost {
  /**
   * The handshake succeeded. Returns the pipe to carry this connection's
   * traffic, or `null` to keep the connection open but unused (libzmq's
   * treatment of a duplicate routing id or a second PAIR peer).
   */
  handshakeDone(engine: ZmtpEngine, info: HandshakeInfo): Pipe | null;
  /** The engine stopped; it has closed its connection. */
  engineEnded(engine: ZmtpEngine, end: EngineEnd, duringHandshake: boolean): void;
}

/** Engine settings, taken from the socket's options. */
export interface EngineOptions {
  /** Our socket type, announced in READY and used for the compatibility check. */
  socketType: SocketTypeName;
  /** The frame codec. */
  codec: Codec;
  /** Largest frame accepted (-1 = no limit). */
  maxMessageSize: number;
  /** ms the greeting and handshake may take (0 = no limit). */
  handshakeInterval: number;
  /** ms between our PINGs (0 = off). */
  heartbeatInterval: number;
  /** ms of silence after a PING before we drop the peer (-1 = heartbeatInterval). */
  heartbeatTimeout: number;
  /** ms the peer should keep us alive, sent in PINGs. */
  heartbeatTimeToLive: number;
  /** Allocates large frame bodies (the runtime's, if it has a faster way than `new Uint8Array`). */
  allocate?: (size: number) => Uint8Array;
}

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
export class ZmtpEngine {
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
  readonly #encoder: FrameEncoder;
  #pipe: Pipe | null = null;
  #parts: Uint8Array[] = [];
  #pendingHandshake: Promise<void> | null = null;
  #preparing: Promise<void> | null = null;
  #heldFrames: [Uint8Array, number][] = [];
  #writing = false;
  /** The write in flight (or the last one): an ERROR sent while failing goes out after it. */
  #lastWrite: Promise<void> = Promise.resolve();
  #flushScheduled = false;
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
    this.#encoder = options.codec.encoder();
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

  /** The security mechanism of this connection. */
  get mechanismName(): MechanismName {
    return this.#mechanism.name;
  }

  /** The metadata of the peer's READY (or INITIATE), once received (empty before). */
  get peerProperties(): Metadata {
    return this.#mechanism.peerProperties;
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
    this.#write([encodeGreeting({ mechanism: m.name, asServer: m.asServer })]);
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
      (!this.#writing && this.#commands.length === 0 && this.#handshakeCommands.length === 0 &&
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
    this.#scheduleFlush();
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
    pipe.outbound.onReadable = () => this.#scheduleFlush();
    pipe.inbound.onWritable = () => this.#resumeReading();
    if (pipe.outbound.length > 0) this.#scheduleFlush();
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

  #deliver(message: Message): void {
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
        this.#scheduleFlush();
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
      this.#scheduleFlush();
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

  // ---- output --------------------------------------------------------------

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#writing || this.#state === STATE_DONE) return;
    this.#flushScheduled = true;
    RESOLVED.then(this.#flush);
  }

  #flush = (): void => {
    this.#flushScheduled = false;
    if (this.#writing || this.#state === STATE_DONE) return;
    const encoder = this.#encoder;
    const handshake = this.#handshakeCommands;
    if (handshake.length > 0) {
      for (const cmd of handshake) encoder.frame(cmd, FLAG_COMMAND);
      handshake.length = 0;
    }
    const commands = this.#commands;
    if (commands.length > 0) {
      const mechanism = this.#mechanism;
      for (const cmd of commands) {
        if (mechanism.encode !== undefined) encoder.frame(mechanism.encode(cmd, FLAG_COMMAND), 0);
        else encoder.frame(cmd, FLAG_COMMAND);
      }
      commands.length = 0;
    }
    const pipe = this.#pipe;
    if (pipe !== null && this.#state === STATE_TRAFFIC) this.#encodeMessages(pipe, encoder);
    if (encoder.size === 0) {
      this.#notifyDrained();
      return;
    }
    this.#write(encoder.take());
  };

  #encodeMessages(pipe: Pipe, encoder: FrameEncoder): void {
    const outbound = pipe.outbound;
    const mechanism = this.#mechanism;
    const encrypt = mechanism.encode !== undefined;
    const minor = this.#zmtpMinor;
    while (encoder.size < WRITE_BATCH_BYTES) {
      const message = outbound.read();
      if (message === undefined) break;
      if (minor >= 1 && isSubscription(message)) {
        const body = message[0];
        const cmd = encodeSubscription(body.subarray(1), body[0] === 0);
        if (encrypt) encoder.frame(mechanism.encode!(cmd, FLAG_COMMAND), 0);
        else encoder.frame(cmd, FLAG_COMMAND);
        continue;
      }
      const last = message.length - 1;
      if (encrypt) {
        for (let i = 0; i <= last; i++) encoder.frame(mechanism.encode!(message[i], i < last ? FLAG_MORE : 0), 0);
      } else {
        for (let i = 0; i < last; i++) encoder.frame(message[i], FLAG_MORE);
        encoder.frame(message[last], 0);
      }
    }
  }

  #write(chunks: Uint8Array[]): void {
    this.#writing = true;
    (this.#lastWrite = this.#conn.write(chunks)).then(this.#afterWrite, (error) => {
      this.#writing = false;
      this.#finish({ kind: "closed", error });
    });
  }

  /**
   * A write finished. Writes often finish without the event loop turning
   * (the runtimes complete them at once when the kernel has room), so a
   * producer sending in a loop would otherwise get one write per handful of
   * messages. While the queue keeps growing, wait a few microtask turns so
   * the next write carries a real batch; flush as soon as it stops growing.
   */
  #afterWrite = (): void => {
    this.#writing = false;
    if (this.#state === STATE_DONE) return;
    const queued = this.#pipe?.outbound.length ?? 0;
    if (
      queued === 0 || queued >= COALESCE_MESSAGES || this.#commands.length > 0 || this.#handshakeCommands.length > 0
    ) {
      this.#flush();
      return;
    }
    this.#flushScheduled = true;
    this.#coalesceLast = queued;
    this.#coalesceIdle = 0;
    this.#coalesceTurns = 0;
    RESOLVED.then(this.#coalesceTurn);
  };

  #largeFrames = false;
  #coalesceLast = 0;
  #coalesceIdle = 0;
  #coalesceTurns = 0;

  /** One microtask turn of waiting for a batch (see {@linkcode ZmtpEngine.#afterWrite}). */
  #coalesceTurn = (): void => {
    if (this.#state === STATE_DONE) return;
    const queued = this.#pipe?.outbound.length ?? 0;
    if (queued === this.#coalesceLast) this.#coalesceIdle++;
    else this.#coalesceIdle = 0;
    this.#coalesceLast = queued;
    if (
      queued >= COALESCE_MESSAGES || this.#coalesceIdle >= COALESCE_IDLE_TURNS ||
      ++this.#coalesceTurns >= COALESCE_MAX_TURNS
    ) {
      this.#flush();
    } else {
      RESOLVED.then(this.#coalesceTurn);
    }
  };

  #notifyDrained(): void {
    if (this.#drainWaiters.length === 0 || !this.#isDrained()) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  // ---- ending --------------------------------------------------------------

  #failWith(err: unknown): void {
    if (err instanceof ProtocolError) this.#fail({ kind: "protocol", error: err });
    else if (err instanceof AuthError) this.#fail({ kind: "auth", error: err });
    else {this.#fail({
        kind: "protocol",
        error: new ProtocolError("handshake", String((err as Error)?.message ?? err)),
      });}
  }

  #fail(end: EngineEnd): void {
    if (this.#state === STATE_DONE) return;
    // Let an ERROR command queued by the mechanism go out before closing, after any write in flight.
    if (this.#handshakeCommands.length > 0) {
      const encoder = this.#encoder;
      for (const cmd of this.#handshakeCommands) encoder.frame(cmd, FLAG_COMMAND);
      this.#handshakeCommands.length = 0;
      const conn = this.#conn;
      const chunks = encoder.take();
      const inFlight = this.#writing ? this.#lastWrite : Promise.resolve();
      inFlight.then(() => conn.write(chunks)).catch(() => {}).finally(() => conn.close());
      this.#finish(end, false);
      return;
    }
    this.#finish(end);
  }

  #finish(end: EngineEnd, closeConn = true): void {
    if (this.#state === STATE_DONE) return;
    const duringHandshake = this.#state !== STATE_TRAFFIC;
    this.#state = STATE_DONE;
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
