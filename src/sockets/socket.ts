/**
 * The socket base: a socket's life cycle. Endpoints (bind, connect, unbind,
 * disconnect), sending and receiving with high-water marks and timeouts,
 * async iteration, events, options, and closing with linger. Each socket
 * type supplies a {@linkcode Pattern} (registered with
 * {@linkcode defineSocketType}); everything else lives here.
 *
 * The API has zeromq.js v6's shape: `send()` and `receive()` exist on every
 * socket at run time (a type that cannot receive rejects with ENOTSUP), but
 * the types give each class only what it can do, through
 * {@linkcode Readable} and {@linkcode Writable}; sockets are sealed, so a
 * misspelt property is a `TypeError` rather than a silent no-op.
 *
 * @module
 */

import { type Context, getDefaultContext, inprocRegistryOf, joinContext, leaveContext } from "../context.ts";
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
  optionById,
  optionDefaults,
  optionIsImmediate,
  type OptionName,
  optionNamesOf,
  type OptionReader,
  OptionTable,
  type OptionValue,
  type OptionWireType,
} from "../options.ts";
import { Pipe } from "../pipe.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { Session, TransportSessionHost } from "../session/session.ts";
import { sessionFactoryFor } from "../session/session_factory.ts";
import { zapClient } from "../session/zap_client.ts";
import { codecs } from "../codec/select.ts";
import {
  type Message,
  type MessageLike,
  type Multipart,
  SOCKET_TYPE_IDS,
  type SocketTypeName,
  toMultipart,
} from "../types.ts";
import type { Pattern, Received, SendOptions } from "./pattern.ts";

/** What a pattern may ask of its socket. */
export interface PatternHost {
  /** A message may have become available. */
  wakeReceive(): void;
  /** A send may have become possible. */
  wakeSend(): void;
  /** The current value of an option. */
  option: OptionReader;
}

/** How a socket type is made: its name and its pattern. */
export interface SocketTypeDefinition {
  /** The ZMTP name, e.g. `"PUSH"`; its number is {@linkcode SOCKET_TYPE_IDS}'s. */
  readonly name: SocketTypeName;
  /** Makes the pattern of a new socket of this type. */
  makePattern(host: PatternHost): Pattern;
}

const SOCKET_TYPES = new Map<number, SocketTypeDefinition>();

/**
 * Registers a socket type, so that `new Socket(number)` and its class can
 * make sockets of it. Each socket type's module calls it once.
 *
 * @example Usage
 * ```ts
 * import { Socket } from "../../mod.ts"; // the entry registers every socket type
 * import assert from "node:assert/strict";
 * const socket = new (Socket as unknown as new (type: number) => Socket)(8);
 * assert.equal(socket.type, 8);
 * socket.close();
 * ```
 */
export function defineSocketType(definition: SocketTypeDefinition): void {
  SOCKET_TYPES.set(SOCKET_TYPE_IDS[definition.name], definition);
}

/** Options of `connect()`. */
export interface ConnectOptions {
  /** Router only: the routing id to give this peer (libzmq's ZMQ_CONNECT_ROUTING_ID). */
  routingId?: string | Uint8Array;
}

/**
 * Describes sockets that can send messages (zeromq.js's `Writable`).
 *
 * @typeParam M What `send()` takes: one frame or an array of frames.
 * @typeParam O Options `send()` takes after the message, where the socket type has some.
 */
export interface Writable<
  M extends MessageLike | MessageLike[] = MessageLike | MessageLike[],
  O extends [...object[]] = [],
> {
  /** ZMQ_MULTICAST_HOPS: time-to-live of outgoing multicast packets. Default 1. */
  multicastHops: number;
  /** ZMQ_SNDBUF: the kernel's send buffer size in bytes; -1 leaves the OS default. */
  sendBufferSize: number;
  /** ZMQ_SNDHWM: messages queued per peer before `send()` waits or drops. 0 = no limit. Default 1000. */
  sendHighWaterMark: number;
  /** ZMQ_SNDTIMEO: ms `send()` waits before rejecting with EAGAIN; -1 waits forever, 0 never waits. */
  sendTimeout: number;
  /**
   * Queues a message (one frame or an array of frames). Resolves once it is
   * queued, not once the peer has it. When every peer's queue is full the
   * promise waits (or rejects with EAGAIN after `sendTimeout`); a second
   * `send()` while one waits throws EBUSY.
   */
  send(message: M, ...options: O): Promise<void>;
}

/**
 * Describes sockets that can receive messages (zeromq.js's `Readable`).
 *
 * @typeParam M What `receive()` resolves to: the frames of one message.
 */
export interface Readable<M extends object[] = Message[]> {
  /** ZMQ_RCVBUF: the kernel's receive buffer size in bytes; -1 leaves the OS default. */
  receiveBufferSize: number;
  /** ZMQ_RCVHWM: messages queued per peer before reading from it pauses. 0 = no limit. Default 1000. */
  receiveHighWaterMark: number;
  /** ZMQ_RCVTIMEO: ms `receive()` waits before rejecting with EAGAIN; -1 waits forever, 0 never waits. */
  receiveTimeout: number;
  /**
   * Resolves to the next message, one `Message` per frame. Waits when none
   * is queued (or rejects with EAGAIN after `receiveTimeout`); a second
   * `receive()` while one waits throws EBUSY.
   */
  receive(): Promise<M>;
  /** Receives until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<M, undefined>;
}

/** Whether two types are the same (for {@linkcode WritableKeys}). */
export type IfEquals<X, Y, A, B = never> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? A
  : B;

/** The properties of `T` that can be assigned (not methods, not read-only). */
export type WritableKeys<T> = {
  // deno-lint-ignore ban-types
  [P in keyof T]-?: T[P] extends Function ? never
    : IfEquals<{ [Q in P]: T[P] }, { -readonly [Q in P]: T[P] }, P>;
}[keyof T];

/** Flattens an intersection for display. */
export type Expand<T> = T extends infer O ? { [K in keyof O]: O[K] } : never;

/** The assignable properties of `T`, all optional, with `E` added: what a constructor takes. */
// deno-lint-ignore ban-types
export type Options<T, E = {}> = Expand<Partial<E & Pick<T, WritableKeys<T>>>>;

/**
 * The options a socket type's constructor takes: its assignable properties
 * and the `context` (zeromq.js's `SocketOptions<S>`).
 */
export type SocketOptions<S extends Socket = Socket> = Options<S, { context: Context }>;

const RESOLVED: Promise<void> = Promise.resolve();
/** After this many operations completed at once, the next one waits a turn of the event loop (zeromq.js's 512). */
const MAX_SYNC_OPERATIONS = 512;

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const closedError = () => new ZmqError("EBADF");
/** zeromq.js's texts. */
const BUSY_WRITING = "Socket is busy writing; only one send operation may be in progress at any time";
const BUSY_READING = "Socket is busy reading; only one receive operation may be in progress at any time";
const BLOCKED = "Socket is blocked by a bind or unbind operation";

const PATTERNS = new WeakMap<Socket, Pattern>();

/** Whether a socket has endpoints (set in Socket's static block). */
let endpointsOf: (socket: Socket) => number;

/**
 * Whether a socket is bound or connected somewhere (what a `Proxy` needs
 * before it runs), for code inside zmq-ts.
 *
 * @example Usage
 * ```ts
 * import { hasEndpoints } from "./socket.ts";
 * import { Push } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using push = new Push();
 * assert.equal(hasEndpoints(push), false);
 * push.connect("inproc://has-endpoints-example");
 * assert.equal(hasEndpoints(push), true);
 * ```
 */
export function hasEndpoints(socket: Socket): boolean {
  return endpointsOf(socket) > 0;
}

/** Socket.prototype (set in Socket's static block). */
let basePrototype: object;

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
 * `Reply`, `Dealer`, `Router`, `Pair`, ...), or, as in zeromq.js, a
 * `Socket` of a libzmq type number.
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
export class Socket implements AsyncDisposable {
  /** The socket's events. */
  readonly events: Observer;
  /** The context the socket belongs to. */
  readonly context: Context;
  readonly #name: SocketTypeName;
  readonly #pattern: Pattern;
  /** Every option of this socket type, defaults filled in (a plain object: read on every send and receive). */
  #values: Record<string, unknown>;
  #binds: Session[] = [];
  #connects: Session[] = [];
  #closed = false;
  #closing: Promise<void> | null = null;
  /** `close()` was called while a bind or unbind was under way: it happens when that ends (zeromq.js). */
  #closeRequested = false;
  /** Binds and unbinds under way: others are EBUSY meanwhile. */
  #blocked = 0;
  #lastEndpoint: string | null = null;
  #recvWaiter: Waiter<Received> | null = null;
  #sendWaiter: (Waiter<void> & { message: Multipart; options: SendOptions | undefined }) | null = null;
  #syncOperations = 0;
  #host: TransportSessionHost;
  #allocate: ((size: number) => Uint8Array) | undefined;

  /**
   * Makes a socket of a libzmq type number (`new Socket(8)` is a PUSH);
   * the subclasses pass theirs. Throws as zeromq.js does: a `TypeError` for
   * a type that is not a number or options that are not an object, a
   * `ZmqError` EINVAL for an unknown type or a context that is not one.
   */
  protected constructor(type: number, options?: object) {
    if (arguments.length > 2) throw new TypeError("Expected 2 arguments");
    if (typeof type !== "number") throw new TypeError("Socket type must be a number");
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError("Options must be an object");
    }
    const definition = SOCKET_TYPES.get(type);
    if (definition === undefined) throw new ZmqError("EINVAL", `There is no socket type ${type}`);
    const context = (options as { context?: unknown } | undefined)?.context ?? getDefaultContext();
    if (!isContext(context)) throw new ZmqError("EINVAL", "The context option must be a Context");
    this.context = context;
    this.events = new Observer();
    this.#name = definition.name;
    this.#values = optionDefaults(definition.name);
    // The context's options set some defaults of its new sockets, as libzmq's do.
    if (context.ipv6) this.#values.ipv6 = true;
    if (!context.blocky) this.#values.linger = 0;
    // The options of this type that not every type has get their accessors on the class's prototype.
    const prototype = Object.getPrototypeOf(this);
    if (prototype !== basePrototype && !PREPARED.has(prototype)) {
      defineOptionAccessors(prototype, optionNamesOf(definition.name), optionAccess);
      PREPARED.add(prototype);
    }
    this.#pattern = definition.makePattern({
      wakeReceive: () => this.#wakeReceive(),
      wakeSend: () => this.#wakeSend(),
      option: (name) => this.getOption(name),
    });
    PATTERNS.set(this, this.#pattern);
    const runtime = this.context.runtime;
    this.#allocate = runtime.allocate === undefined ? undefined : (size) => runtime.allocate!(size);
    this.#host = this.#makeSessionHost();
    joinContext(context, this);
    // Sealed as zeromq.js's are: assigning a property a socket does not have is a TypeError.
    Object.seal(this);
    if (options !== undefined) assignOptions(this, options);
  }

  /** libzmq's number of the socket type (ZMQ_TYPE), e.g. 8 for PUSH. */
  get type(): number {
    return SOCKET_TYPE_IDS[this.#name];
  }

  /** The socket type's ZMTP name, e.g. `"PUSH"` (what peers see in the handshake). */
  get typeName(): SocketTypeName {
    return this.#name;
  }

  // ---- options -------------------------------------------------------------

  /** Reads an option by name (its default when never set). */
  protected getOption<K extends OptionName>(name: K): OptionValue<K> {
    return this.#values[name] as OptionValue<K>;
  }

  /**
   * Validates and sets an option by name; throws `TypeError`/`RangeError`.
   * Setting one that applies only to new connections on a socket already
   * bound or connected warns, as zeromq.js does.
   */
  protected setOption(name: string, value: unknown): void {
    const runtime = this.context.runtime;
    const warn = runtime.warn === undefined ? undefined : (message: string) => runtime.warn!(message);
    this.#values[name] = checkOption(this.#name, name, value, warn);
    if (
      warn !== undefined && (this.#binds.length + this.#connects.length > 0 || this.#blocked > 0) &&
      !optionIsImmediate(name as OptionName)
    ) {
      warn("Socket option will not take effect until next connect/bind.");
    }
  }

  static {
    optionAccess = {
      get: (socket, name) => socket.#values[name],
      set: (socket, name, value) => socket.setOption(name, value),
    };
    // `this`, not `Socket`: a class that names itself inside its body is renamed by bundlers (`_Socket`), and
    // V8's messages ("Cannot set property x of #<Socket> ...") show that name.
    basePrototype = this.prototype;
    defineOptionAccessors(this.prototype, optionNamesOf(null), optionAccess);
    endpointsOf = (socket) => socket.#binds.length + socket.#connects.length;
    this.#defineMessageMethods();
  }

  /** The endpoint of the last `bind()`, resolved (e.g. the port picked for `tcp://127.0.0.1:*`). */
  get lastEndpoint(): string | null {
    return this.#lastEndpoint;
  }

  /** The security mechanism in use: `null` (NULL), `"plain"` or `"curve"`, as zeromq.js reports it. */
  get securityMechanism(): null | "plain" | "curve" {
    const name = securityMechanismOf((name) => this.getOption(name));
    return name === "null" ? null : name;
  }

  /** ZMQ_THREAD_SAFE: whether the socket may be used from several threads; `false` for these types. */
  get threadSafe(): boolean {
    return false;
  }

  /** Whether the socket is closed (a close asked for during a bind or unbind happens when that ends). */
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

  // ---- options by libzmq number (zeromq.js's low-level accessors) ----------

  /** Reads a boolean option by its libzmq number (ZMQ_IMMEDIATE is 39, ...). */
  getBoolOption(option: number): boolean {
    return this.#byNumber(option, "Bool") as boolean;
  }
  /** Sets a boolean option by its libzmq number. */
  setBoolOption(option: number, value: boolean): void {
    this.#setByNumber(option, "Bool", value);
  }
  /** Reads a 32-bit integer option by its libzmq number (ZMQ_BACKLOG is 19, ...). */
  getInt32Option(option: number): number {
    return this.#byNumber(option, "Int32") as number;
  }
  /** Sets a 32-bit integer option by its libzmq number. */
  setInt32Option(option: number, value: number): void {
    this.#setByNumber(option, "Int32", value);
  }
  /** Reads an unsigned 32-bit integer option by its libzmq number. */
  getUint32Option(option: number): number {
    return this.#byNumber(option, "Uint32") as number;
  }
  /** Sets an unsigned 32-bit integer option by its libzmq number. */
  setUint32Option(option: number, value: number): void {
    this.#setByNumber(option, "Uint32", value);
  }
  /** Reads a 64-bit integer option by its libzmq number (ZMQ_MAXMSGSIZE is 22, ...). */
  getInt64Option(option: number): number {
    return this.#byNumber(option, "Int64") as number;
  }
  /** Sets a 64-bit integer option by its libzmq number. */
  setInt64Option(option: number, value: number): void {
    this.#setByNumber(option, "Int64", value);
  }
  /** Reads an unsigned 64-bit integer option by its libzmq number (ZMQ_AFFINITY is 4, ...). */
  getUint64Option(option: number): number {
    return this.#byNumber(option, "Uint64") as number;
  }
  /** Sets an unsigned 64-bit integer option by its libzmq number. */
  setUint64Option(option: number, value: number): void {
    this.#setByNumber(option, "Uint64", value);
  }
  /** Reads a string option by its libzmq number (ZMQ_ROUTING_ID is 5, ...). */
  getStringOption(option: number): string | null {
    return this.#byNumber(option, "String") as string | null;
  }
  /** Sets a string option by its libzmq number; bytes are read as UTF-8. */
  setStringOption(option: number, value: string | Uint8Array | null): void {
    this.#setByNumber(option, "String", value);
  }

  #optionFor(option: number, wire: OptionWireType): OptionName {
    if (typeof option !== "number") throw new TypeError("Identifier must be a number");
    const name = optionById(option);
    if (name === undefined || OptionTable[name].wire !== wire || !(name in this)) {
      throw new ZmqError("EINVAL", `This ${this.#name} socket has no ${wire} option ${option}`);
    }
    return name;
  }

  #byNumber(option: number, wire: OptionWireType): unknown {
    return (this as unknown as Record<string, unknown>)[this.#optionFor(option, wire)];
  }

  #setByNumber(option: number, wire: OptionWireType, value: unknown): void {
    (this as unknown as Record<string, unknown>)[this.#optionFor(option, wire)] = value;
  }

  // ---- endpoints -----------------------------------------------------------

  /**
   * Binds to an endpoint: `tcp://127.0.0.1:5555`, `tcp://*:5555`,
   * `tcp://127.0.0.1:*` (a free port; see {@linkcode Socket.lastEndpoint}),
   * `tcp://[::1]:5555` (with `ipv6`), `ipc:///path`, `inproc://name`.
   * Rejects with `EADDRINUSE`, `EINVAL`, ...; with `EBUSY` while another bind
   * or unbind is under way.
   */
  async bind(address: string): Promise<void> {
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    this.#checkUsable();
    this.#blocked++;
    try {
      // The work starts on a later turn, as libzmq's binds run on its I/O thread: meanwhile the socket is
      // blocked (other binds and unbinds are EBUSY, close() waits), whether the bind then succeeds or not.
      await RESOLVED;
      const endpoint = parseEndpoint(address, "bind", this.ipv6);
      const session = await sessionFactoryFor(endpoint).bind(this.#host, endpoint, address);
      if (this.#closed) {
        await session.close(0);
        throw closedError();
      }
      this.#binds.push(session);
      this.#lastEndpoint = session.endpoint;
    } finally {
      this.#unblock();
    }
  }

  /**
   * Stops listening on an endpoint (as given to `bind()`, or as resolved) and
   * closes its connections. Rejects with `ENOENT` when not bound there.
   */
  async unbind(address: string): Promise<void> {
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    this.#checkUsable();
    this.#blocked++;
    try {
      await RESOLVED;
      parseEndpoint(address, "bind", this.ipv6);
      const i = this.#binds.findIndex((s) => s.endpoint === address || s.requested === address);
      if (i < 0) throw new ZmqError("ENOENT", `Not bound to ${address}`, { address });
      const [session] = this.#binds.splice(i, 1);
      await session.close(0);
    } finally {
      this.#unblock();
    }
  }

  /**
   * Connects to an endpoint and returns at once; the connection is made,
   * and remade after failures, in the background. Messages sent before it
   * completes are queued (unless `immediate`).
   */
  connect(address: string, options: ConnectOptions = {}): void {
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    this.#checkUsable();
    const endpoint: Endpoint = parseEndpoint(address, "connect", this.ipv6);
    const factory = sessionFactoryFor(endpoint);
    let routingId: Uint8Array | null = null;
    if (options.routingId !== undefined) {
      if (this.#name !== "ROUTER") throw new TypeError("connect() option routingId is only for Router sockets");
      routingId = typeof options.routingId === "string"
        ? new TextEncoder().encode(options.routingId)
        : options.routingId;
      if (routingId.length === 0 || routingId.length > 255) throw new RangeError("routingId must be 1..255 bytes");
    }
    this.#connects.push(factory.connect(this.#host, endpoint, routingId));
  }

  /**
   * Stops connecting to an endpoint given to `connect()`; queued messages
   * linger as `linger` says. Throws `ENOENT` when not connected there.
   */
  disconnect(address: string): void {
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    this.#checkUsable();
    parseEndpoint(address, "connect", this.ipv6);
    const i = this.#connects.findIndex((s) => s.endpoint === address);
    if (i < 0) throw new ZmqError("ENOENT", `Not connected to ${address}`, { address });
    const [session] = this.#connects.splice(i, 1);
    session.close(this.linger);
  }

  // ---- messages (the methods `send`/`receive` forward here) ----------------

  #send(message: MessageLike | MessageLike[], options: SendOptions | undefined): Promise<void> {
    if (message === undefined) throw new TypeError("Message must be present");
    if (this.#closed) return Promise.reject(closedError());
    if (this.#sendWaiter !== null) throw new ZmqError("EBUSY", undefined, { message: BUSY_WRITING });
    if (this.#blocked > 0) return Promise.reject(new ZmqError("EBUSY", undefined, { message: BLOCKED }));
    let msg: Multipart;
    try {
      msg = toMultipart(message);
      if (this.#pattern.send(msg, options)) return this.#completed();
    } catch (err) {
      return Promise.reject(err);
    }
    this.#syncOperations = 0;
    const timeout = this.sendTimeout;
    if (timeout === 0) {
      return Promise.reject(new ZmqError("EAGAIN", "Socket is mute (high-water mark reached); try again later"));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        timer: undefined as ReturnType<typeof setTimeout> | undefined,
        message: msg,
        options,
      };
      if (timeout > 0) {
        waiter.timer = setTimeout(() => {
          this.#sendWaiter = null;
          reject(new ZmqError("EAGAIN", `Send timed out after ${timeout} ms: no peer could take the message`));
        }, timeout);
      }
      this.#sendWaiter = waiter;
    });
  }

  /** An operation completed at once: resolve at once, but after a run of them let the event loop turn. */
  #completed<T>(value?: T): Promise<T> {
    if (++this.#syncOperations < MAX_SYNC_OPERATIONS) return Promise.resolve(value as T);
    this.#syncOperations = 0;
    return this.context.runtime.yieldToEventLoop().then(() => value as T);
  }

  #wakeSend(): void {
    const waiter = this.#sendWaiter;
    if (waiter === null) return;
    try {
      if (!this.#pattern.send(waiter.message, waiter.options)) return;
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

  #receive(): Promise<Received> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#recvWaiter !== null) throw new ZmqError("EBUSY", undefined, { message: BUSY_READING });
    if (this.#blocked > 0) return Promise.reject(new ZmqError("EBUSY", undefined, { message: BLOCKED }));
    let received: Received | undefined;
    try {
      received = this.#pattern.recv();
    } catch (err) {
      return Promise.reject(err);
    }
    if (received !== undefined) return this.#completed(this.#native(received));
    this.#syncOperations = 0;
    const timeout = this.receiveTimeout;
    if (timeout === 0) return Promise.reject(new ZmqError("EAGAIN", "No message is available"));
    return new Promise<Received>((resolve, reject) => {
      const waiter: Waiter<Received> = { resolve, reject, timer: undefined };
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
    let received: Received | undefined;
    try {
      received = this.#pattern.recv();
    } catch (err) {
      this.#recvWaiter = null;
      clearTimeout(waiter.timer);
      waiter.reject(err as Error);
      return;
    }
    if (received === undefined) return;
    this.#recvWaiter = null;
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    waiter.resolve(this.#native(received));
  }

  /** The frames as the runtime's native bytes (Buffer views on Node and Bun; unchanged on Deno). */
  #native(received: Received): Received {
    const nativeFrame = this.context.runtime.nativeFrame;
    if (nativeFrame !== undefined) {
      for (let i = 0; i < received.length; i++) {
        const part = received[i];
        if (part instanceof Uint8Array) received[i] = nativeFrame(part);
      }
    }
    return received;
  }

  /** Iterates received messages until the socket is closed. */
  #iterate(): AsyncIterator<Received, undefined> {
    return {
      next: (): Promise<IteratorResult<Received, undefined>> => {
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return this.#receive().then(
          (value) => ({ value, done: false }),
          (err) => {
            // A receive cut short by close() ends the iteration; any other error is the caller's.
            if (this.#closed && err instanceof ZmqError && (err.code === "EAGAIN" || err.code === "EBADF")) {
              return { value: undefined, done: true };
            }
            throw err;
          },
        );
      },
      return: (): Promise<IteratorResult<Received, undefined>> => Promise.resolve({ value: undefined, done: true }),
    };
  }

  // ---- closing -------------------------------------------------------------

  /**
   * Closes the socket. Queued outgoing messages are still delivered for up
   * to `linger` ms in the background (-1: until delivered). A waiting
   * `receive()`/`send()` rejects with EAGAIN (as in zeromq.js); iteration
   * ends. Called during a bind or unbind, the close happens when that ends.
   */
  close(): void {
    if (this.#closed) return;
    if (this.#blocked > 0) {
      this.#closeRequested = true;
      return;
    }
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
    leaveContext(this.context, this);
    this.#closing = Promise.all(sessions.map((s) => s.close(linger))).then(() => {
      this.events.emit({ type: "end" });
    });
  }

  /** Closes the socket and waits until lingering is over and every connection has closed. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    while (!this.#closed && this.#closeRequested) await RESOLVED.then(() => new Promise((r) => setTimeout(r, 1)));
    await this.#closing;
  }

  #unblock(): void {
    if (--this.#blocked === 0 && this.#closeRequested) {
      this.#closeRequested = false;
      this.close();
    }
  }

  #checkUsable(): void {
    if (this.#closed) throw closedError();
    if (this.#blocked > 0) throw new ZmqError("EBUSY", undefined, { message: BLOCKED });
  }

  /** Reports an event to {@linkcode Socket.events}. */
  protected emit(event: SocketEvent): void {
    this.events.emit(event);
  }

  // ---- what sessions see ---------------------------------------------------

  #makeSessionHost(): TransportSessionHost {
    const inproc = inprocRegistryOf(this.context);
    const zap = zapClient(inproc);
    const name = this.#name;
    return {
      type: name,
      inproc,
      runtime: this.context.runtime as Runtime,
      emit: (event) => this.emit(event),
      option: (option) => this.getOption(option),
      engineOptions: (): EngineOptions => ({
        socketType: name,
        codec: codecs[this.getOption("codec")],
        maxMessageSize: this.maxMessageSize,
        handshakeInterval: this.handshakeInterval,
        heartbeatInterval: this.heartbeatInterval,
        heartbeatTimeout: this.heartbeatTimeout,
        heartbeatTimeToLive: this.heartbeatTimeToLive,
        allocate: this.#allocate,
      }),
      createMechanism: (peerHost: string): Mechanism =>
        createMechanism({ socketType: name, option: (option) => this.getOption(option), peerAddress: peerHost, zap }),
      newPipe: (endpoint: string) =>
        new Pipe({
          sendHighWaterMark: this.getOption("sendHighWaterMark"),
          receiveHighWaterMark: this.getOption("receiveHighWaterMark"),
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
      eagerPipes: name !== "ROUTER",
    };
  }

  /** Puts `send`, `receive` and async iteration on the prototype, outside the class's declared type. */
  static #defineMessageMethods(): void {
    Object.defineProperties(this.prototype, {
      send: {
        value: function send(this: Socket, message: MessageLike | MessageLike[], options?: SendOptions) {
          return this.#send(message, options);
        },
        writable: true,
        configurable: true,
      },
      receive: {
        value: function receive(this: Socket) {
          return this.#receive();
        },
        writable: true,
        configurable: true,
      },
      [Symbol.asyncIterator]: {
        value: function iterator(this: Socket) {
          return this.#iterate();
        },
        writable: true,
        configurable: true,
      },
    });
  }
}

/** Whether a value is a Context (without importing the class as a value into this check's callers). */
function isContext(value: unknown): value is Context {
  return typeof value === "object" && value !== null && "runtime" in value &&
    typeof (value as Context).runtime === "object";
}

/**
 * Applies constructor options as zeromq.js does: each one as an assignment
 * to the sealed socket, so an unknown name and a read-only option fail the
 * way they would after construction (with zeromq.js's wording).
 */
function assignOptions(socket: Socket, options: object): void {
  for (const [name, value] of Object.entries(options)) {
    if (name === "context" || value === undefined) continue;
    if (!(name in socket)) throw new TypeError(`Cannot add property ${name}, object is not extensible`);
    const descriptor = findDescriptor(socket, name);
    if (descriptor !== undefined && descriptor.set === undefined && !descriptor.writable) {
      throw new TypeError(`Cannot set property ${name} of #<Socket> which has only a getter`);
    }
    (socket as unknown as Record<string, unknown>)[name] = value;
  }
}

function findDescriptor(object: object, name: string): PropertyDescriptor | undefined {
  for (let o: object | null = object; o !== null; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, name);
    if (descriptor !== undefined) return descriptor;
  }
  return undefined;
}
