/**
 * The socket base: endpoints (bind, connect, unbind, disconnect), sending
 * and receiving with high-water marks and timeouts, async iteration,
 * events, options and closing with linger. Each socket type supplies a
 * {@linkcode Pattern}; everything else lives here.
 *
 * @module
 */

import { type Context, getDefaultContext, inprocRegistryOf } from "../context.ts";
import type { EngineOptions } from "../engine/engine.ts";
import { type Endpoint, parseEndpoint } from "../endpoint.ts";
import { ZmqError } from "../errors.ts";
import { Observer, type SocketEvent } from "../events.ts";
import { createMechanism, securityMechanismOf } from "../mechanisms/factory.ts";
import type { Mechanism } from "../mechanisms/mechanism.ts";
import {
  checkOption,
  type CommonOptions,
  defineOptionAccessors,
  type OptionAccess,
  optionDefaults,
  type OptionName,
  optionNamesOf,
  type OptionReader,
  type OptionsOf,
  type OptionValue,
} from "../options.ts";
import { Pipe } from "../pipe.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { Session, TransportSessionHost } from "../session/session.ts";
import { sessionFactoryFor } from "../session/session_factory.ts";
import { zapClient } from "../session/zap_client.ts";
import { codecs } from "../codec/select.ts";
import { type Message, type MessageLike, type SocketTypeName, toMessage } from "../types.ts";
import type { Pattern } from "./pattern.ts";

/** Options every socket accepts in its constructor. */
export interface SocketOptions extends Partial<CommonOptions> {
  /** The context the socket belongs to; default `zmq.context`. */
  context?: Context;
}

/** The constructor options of one socket type: its options (see {@linkcode OptionsOf}) and the context. */
export type SocketOptionsOf<T extends SocketTypeName> = Partial<OptionsOf<T>> & SocketOptions;

/** Options of `connect()`. */
export interface ConnectOptions {
  /** Router only: the routing id to give this peer (libzmq's ZMQ_CONNECT_ROUTING_ID). */
  routingId?: string | Uint8Array;
}

/** What a pattern may ask of its socket. */
export interface PatternHost {
  /** A message may have become available. */
  wakeReceive(): void;
  /** A send may have become possible. */
  wakeSend(): void;
  /** The current value of an option. */
  option: OptionReader;
}

const RESOLVED: Promise<void> = Promise.resolve();
/** After this many sends resolved at once, yield to the event loop so I/O can progress (cf. zeromq.js). */
const MAX_SYNC_SENDS = 1024;

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const closedError = () => new ZmqError("EBADF");
/** zeromq.js's texts for a second concurrent send or receive. */
const BUSY_WRITING = "Socket is busy writing; only one send operation may be in progress at any time";
const BUSY_READING = "Socket is busy reading; only one receive operation may be in progress at any time";

const PATTERNS = new WeakMap<Socket, Pattern>();

/** Prototypes that have the accessors of their socket type's own options. */
const PREPARED = new WeakSet<object>();
/** How option accessors reach a socket's option store (set in Socket's static block). */
let optionAccess: OptionAccess<Socket>;

/**
 * The pattern behind a socket, for code inside zmq-ts and its tests (not
 * exported by `mod.ts`).
 *
 * @example Usage
 * ```ts
 * import { patternOf } from "./socket.ts";
 * import { Push } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const push = new Push();
 * assert.equal(typeof patternOf(push).send, "function");
 * push.close();
 * ```
 */
export function patternOf(socket: Socket): Pattern {
  return PATTERNS.get(socket)!;
}

/** Every option common to all socket types, as a property (the accessors come from the option table). */
export interface Socket extends CommonOptions {}

/**
 * A ZeroMQ socket. Create one of the subclasses (`Push`, `Pull`, `Request`,
 * `Reply`, `Dealer`, `Router`, `Pair`, ...).
 *
 * @example Usage
 * ```ts
 * import { Pull, Push } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using pull = new Pull();
 * await pull.bind("tcp://127.0.0.1:*");
 * await using push = new Push();
 * push.connect(pull.lastEndpoint!);
 * await push.send("hello");
 * const [msg] = await pull.receive();
 * assert.equal(new TextDecoder().decode(msg), "hello");
 * ```
 */
export class Socket implements AsyncIterable<Message>, AsyncDisposable {
  /** The socket type, e.g. `"PUSH"`. */
  readonly type: SocketTypeName;
  /** The context the socket belongs to. */
  readonly context: Context;
  /** The socket's events. */
  readonly events: Observer = new Observer();
  /** The socket type's behaviour. */
  readonly #pattern: Pattern;
  /** Every option of this socket type, defaults filled in (a plain object: read on every send and receive). */
  #values: Record<string, unknown>;
  #binds: Session[] = [];
  #connects: Session[] = [];
  #closed = false;
  #closing: Promise<void> | null = null;
  #lastEndpoint: string | null = null;
  #recvWaiter: Waiter<Message> | null = null;
  #sendWaiter: (Waiter<void> & { message: Message }) | null = null;
  #syncSends = 0;
  #host: TransportSessionHost;
  #allocate: ((size: number) => Uint8Array) | undefined;

  /** Used by subclasses: a type, its pattern, and the user's options. */
  protected constructor(
    type: SocketTypeName,
    makePattern: (host: PatternHost) => Pattern,
    options: SocketOptions = {},
  ) {
    this.type = type;
    this.context = options.context ?? getDefaultContext();
    this.#values = optionDefaults(type);
    // The options of this socket type that not every type has get their accessors on the class's prototype.
    const prototype = Object.getPrototypeOf(this);
    if (!PREPARED.has(prototype)) {
      defineOptionAccessors(prototype, optionNamesOf(type), optionAccess);
      PREPARED.add(prototype);
    }
    this.#pattern = makePattern({
      wakeReceive: () => this.#wakeReceive(),
      wakeSend: () => this.#wakeSend(),
      option: (name) => this.getOption(name),
    });
    PATTERNS.set(this, this.#pattern);
    const runtime = this.context.runtime;
    this.#allocate = runtime.allocate === undefined ? undefined : (size) => runtime.allocate!(size);
    this.#host = this.#makeSessionHost();
    for (const [name, value] of Object.entries(options)) {
      if (name === "context" || value === undefined) continue;
      this.setOption(name, value);
    }
  }

  // ---- options -------------------------------------------------------------

  /** Reads an option by name (its default when never set). */
  protected getOption<K extends OptionName>(name: K): OptionValue<K> {
    return this.#values[name] as OptionValue<K>;
  }

  /** Validates and sets an option by name; throws `TypeError`/`RangeError`. */
  protected setOption(name: string, value: unknown): void {
    this.#values[name] = checkOption(this.type, name, value);
  }

  static {
    optionAccess = {
      get: (socket, name) => socket.#values[name],
      set: (socket, name, value) => socket.setOption(name, value),
    };
    defineOptionAccessors(Socket.prototype, optionNamesOf(null), optionAccess);
  }

  /** The endpoint of the last `bind()`, resolved (e.g. the port picked for `tcp://127.0.0.1:*`). */
  get lastEndpoint(): string | null {
    return this.#lastEndpoint;
  }

  /** The security mechanism in use: `"null"`, `"plain"` or `"curve"`. */
  get securityMechanism(): "null" | "plain" | "curve" {
    return securityMechanismOf((name) => this.getOption(name));
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether a message can be received at once. */
  get readable(): boolean {
    if (this.#closed) return false;
    try {
      return this.#pattern.hasIn();
    } catch {
      return false;
    }
  }

  /** Whether a message can be queued at once. */
  get writable(): boolean {
    if (this.#closed) return false;
    try {
      return this.#pattern.hasOut();
    } catch {
      return false;
    }
  }

  // ---- endpoints -----------------------------------------------------------

  /**
   * Binds to an endpoint: `tcp://127.0.0.1:5555`, `tcp://*:5555`,
   * `tcp://127.0.0.1:*` (a free port; see {@linkcode Socket.lastEndpoint}),
   * `tcp://[::1]:5555` (with `ipv6`), `ipc:///path`, `inproc://name`.
   * Rejects with `EADDRINUSE`, `EINVAL`, ...
   */
  async bind(address: string): Promise<void> {
    this.#checkOpen();
    const endpoint = parseEndpoint(address, "bind", this.ipv6);
    const session = await sessionFactoryFor(endpoint).bind(this.#host, endpoint, address);
    if (this.#closed) {
      await session.close(0);
      throw closedError();
    }
    this.#binds.push(session);
    this.#lastEndpoint = session.endpoint;
    this.emit({ type: "bind", address: session.endpoint });
  }

  /** Stops listening on an endpoint (as given to `bind()`, or as resolved) and closes its connections. */
  async unbind(address: string): Promise<void> {
    this.#checkOpen();
    const i = this.#binds.findIndex((s) => s.endpoint === address || s.requested === address);
    if (i < 0) throw new ZmqError("ENOENT", `Not bound to ${address}`, { address });
    const [session] = this.#binds.splice(i, 1);
    await session.close(0);
  }

  /**
   * Connects to an endpoint and returns at once; the connection is made,
   * and remade after failures, in the background. Messages sent before it
   * completes are queued (unless `immediate`).
   */
  connect(address: string, options: ConnectOptions = {}): void {
    this.#checkOpen();
    const endpoint: Endpoint = parseEndpoint(address, "connect", this.ipv6);
    const factory = sessionFactoryFor(endpoint);
    let routingId: Uint8Array | null = null;
    if (options.routingId !== undefined) {
      if (this.type !== "ROUTER") throw new TypeError("connect() option routingId is only for Router sockets");
      routingId = typeof options.routingId === "string"
        ? new TextEncoder().encode(options.routingId)
        : options.routingId;
      if (routingId.length === 0 || routingId.length > 255) throw new RangeError("routingId must be 1..255 bytes");
    }
    this.#connects.push(factory.connect(this.#host, endpoint, routingId));
  }

  /** Stops connecting to an endpoint given to `connect()`; queued messages linger as `linger` says. */
  disconnect(address: string): void {
    this.#checkOpen();
    const i = this.#connects.findIndex((s) => s.endpoint === address);
    if (i < 0) throw new ZmqError("ENOENT", `Not connected to ${address}`, { address });
    const [session] = this.#connects.splice(i, 1);
    session.close(this.linger);
  }

  // ---- messages ------------------------------------------------------------

  /**
   * Queues a message (one frame or an array of frames). Resolves once it is
   * queued. When every peer's queue is full the promise waits (or rejects
   * with EAGAIN after `sendTimeout`); only one send may wait at a time
   * (EBUSY otherwise).
   */
  send(message: MessageLike): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#sendWaiter !== null) {
      return Promise.reject(
        new ZmqError("EBUSY", undefined, { message: BUSY_WRITING }),
      );
    }
    let msg: Message;
    try {
      msg = toMessage(message);
      if (this.#pattern.send(msg)) {
        if (++this.#syncSends < MAX_SYNC_SENDS) return RESOLVED;
        this.#syncSends = 0;
        return this.context.runtime.yieldToEventLoop();
      }
    } catch (err) {
      return Promise.reject(err);
    }
    this.#syncSends = 0;
    const timeout = this.sendTimeout;
    if (timeout === 0) {
      return Promise.reject(new ZmqError("EAGAIN", "Socket is mute (high-water mark reached); try again later"));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject, timer: undefined as ReturnType<typeof setTimeout> | undefined, message: msg };
      if (timeout > 0) {
        waiter.timer = setTimeout(() => {
          this.#sendWaiter = null;
          reject(new ZmqError("EAGAIN", `Send timed out after ${timeout} ms: no peer could take the message`));
        }, timeout);
      }
      this.#sendWaiter = waiter;
    });
  }

  #wakeSend(): void {
    const waiter = this.#sendWaiter;
    if (waiter === null) return;
    try {
      if (!this.#pattern.send(waiter.message)) return;
    } catch (err) {
      this.#sendWaiter = null;
      clearTimeout(waiter.timer);
      waiter.reject(err as Error);
      return;
    }
    this.#sendWaiter = null;
    clearTimeout(waiter.timer);
    waiter.resolve();
  }

  /**
   * Resolves to the next message (an array of frames). Waits when none is
   * queued (or rejects with EAGAIN after `receiveTimeout`); only one receive
   * may wait at a time (EBUSY otherwise).
   */
  receive(): Promise<Message> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#recvWaiter !== null) {
      return Promise.reject(
        new ZmqError("EBUSY", undefined, { message: BUSY_READING }),
      );
    }
    let message: Message | undefined;
    try {
      message = this.#pattern.recv();
    } catch (err) {
      return Promise.reject(err);
    }
    if (message !== undefined) return Promise.resolve(this.#native(message));
    const timeout = this.receiveTimeout;
    if (timeout === 0) return Promise.reject(new ZmqError("EAGAIN", "No message is available"));
    return new Promise<Message>((resolve, reject) => {
      const waiter: Waiter<Message> = { resolve, reject, timer: undefined };
      if (timeout > 0) {
        waiter.timer = setTimeout(() => {
          this.#recvWaiter = null;
          reject(new ZmqError("EAGAIN", `Receive timed out after ${timeout} ms`));
        }, timeout);
      }
      this.#recvWaiter = waiter;
    });
  }

  #wakeReceive(): void {
    const waiter = this.#recvWaiter;
    if (waiter === null) return;
    let message: Message | undefined;
    try {
      message = this.#pattern.recv();
    } catch (err) {
      this.#recvWaiter = null;
      clearTimeout(waiter.timer);
      waiter.reject(err as Error);
      return;
    }
    if (message === undefined) return;
    this.#recvWaiter = null;
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    waiter.resolve(this.#native(message));
  }

  /** The frames as the runtime's native bytes (Buffer views on Node and Bun; unchanged on Deno). */
  #native(message: Message): Message {
    const runtime = this.context.runtime;
    if (runtime.nativeFrame !== undefined) {
      for (let i = 0; i < message.length; i++) message[i] = runtime.nativeFrame(message[i]);
    }
    return message;
  }

  /** Iterates received messages until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return {
      next: (): Promise<IteratorResult<Message>> => {
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return this.receive().then(
          (value) => ({ value, done: false }),
          (err) => {
            if (this.#closed) return { value: undefined, done: true };
            throw err;
          },
        );
      },
      return: (): Promise<IteratorResult<Message>> => Promise.resolve({ value: undefined, done: true }),
    };
  }

  // ---- closing -------------------------------------------------------------

  /**
   * Closes the socket. Queued outgoing messages are still delivered for up
   * to `linger` ms in the background (-1: until delivered). A waiting
   * `receive()`/`send()` rejects with EAGAIN (as in zeromq.js); iteration ends.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const linger = this.linger;
    for (const waiter of [this.#recvWaiter, this.#sendWaiter]) {
      if (waiter === null) continue;
      clearTimeout(waiter.timer);
      // zeromq.js: an operation waiting when the socket closes fails with EAGAIN.
      waiter.reject(new ZmqError("EAGAIN", "The socket was closed while this operation waited"));
    }
    this.#recvWaiter = null;
    this.#sendWaiter = null;
    const sessions = [...this.#binds, ...this.#connects];
    this.#binds = [];
    this.#connects = [];
    this.#closing = Promise.all(sessions.map((s) => s.close(linger))).then(() => {
      this.events.emit({ type: "end" });
    });
  }

  /** Closes the socket and waits until lingering is over and every connection has closed. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.#closing;
  }

  #checkOpen(): void {
    if (this.#closed) throw closedError();
  }

  /** Reports an event to {@linkcode Socket.events}. */
  protected emit(event: SocketEvent): void {
    this.events.emit(event);
  }

  // ---- what sessions see ---------------------------------------------------

  #makeSessionHost(): TransportSessionHost {
    const inproc = inprocRegistryOf(this.context);
    const zap = zapClient(inproc);
    return {
      type: this.type,
      inproc,
      runtime: this.context.runtime as Runtime,
      emit: (event) => this.emit(event),
      option: (name) => this.getOption(name),
      engineOptions: (): EngineOptions => ({
        socketType: this.type,
        codec: codecs[this.getOption("codec")],
        maxMessageSize: this.maxMessageSize,
        handshakeInterval: this.handshakeInterval,
        heartbeatInterval: this.heartbeatInterval,
        heartbeatTimeout: this.heartbeatTimeout,
        heartbeatTimeToLive: this.heartbeatTimeToLive,
        allocate: this.#allocate,
      }),
      createMechanism: (peerHost: string): Mechanism =>
        createMechanism({ socketType: this.type, option: (name) => this.getOption(name), peerAddress: peerHost, zap }),
      newPipe: (endpoint: string) =>
        new Pipe({
          sendHighWaterMark: this.sendHighWaterMark,
          receiveHighWaterMark: this.receiveHighWaterMark,
          endpoint,
          conflate: this.getOption("conflate") === true,
        }),
      attachPipe: (pipe: Pipe) => {
        if (this.#closed && this.#closing === null) return false;
        return this.#pattern.attach(pipe);
      },
      detachPipe: (pipe: Pipe) => {
        if (pipe.detached) return;
        pipe.detached = true;
        // An inproc peer reads our outbound queue itself: end it so the peer can drain it.
        if (pipe.shared) pipe.outbound.end();
        else pipe.outbound.clear();
        pipe.inbound.end();
        this.#pattern.detach(pipe);
      },
      hiccupPipe: (pipe: Pipe) => this.#pattern.hiccup?.(pipe),
      eagerPipes: this.type !== "ROUTER",
    };
  }
}
