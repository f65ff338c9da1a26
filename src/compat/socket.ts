/**
 * zeromq 5's `Socket`: an event emitter around one v6 socket. Messages
 * arrive as `"message"` events with one argument per frame; `send()` queues
 * and calls back; `bind()`/`unbind()` call back and emit `"bind"`/`"unbind"`;
 * `pause()`/`resume()` hold messages back; `monitor()` turns the v6 events
 * into zeromq 5's monitor events; options are `setsockopt`/`getsockopt` or
 * zeromq 5's short property names (`sock.linger = 0`).
 *
 * @module
 */

import { Deque } from "../deque.ts";
import * as C from "./constants.ts";
import { Emitter } from "./emitter.ts";
import { startMonitor } from "./monitor.ts";
import { getSocketOption, type OptionTarget, setSocketOption, SHORT_OPTIONS } from "./socket_options.ts";
import * as v6 from "./_v6.ts";

/** zeromq 5's socket type names. */
export type SocketType =
  | "pair"
  | "req"
  | "rep"
  | "pub"
  | "sub"
  | "dealer"
  | "xreq"
  | "router"
  | "xrep"
  | "pull"
  | "push"
  | "xpub"
  | "xsub"
  | "stream";

/** A `send()`/`bind()`/`unbind()` callback: called with no argument on success, with the error otherwise. */
export type Callback = (error?: Error) => void;

/** What zeromq 5's `send()` takes as one frame: bytes as they are, anything else as `String(value)`. */
export type FrameLike = string | number | boolean | ArrayBufferView | ArrayBuffer | null | undefined;

/** A v6 frame value. */
type V6Frame = string | ArrayBufferView | ArrayBuffer | null;

interface TypeSpec {
  number: number;
  /** Makes the v6 socket; absent for types zmq-ts does not have yet. */
  create?: () => v6.Socket;
  /** Whether the type can receive (zeromq 5 read every socket type but PUSH and PUB). */
  receives: boolean;
}

const TYPES: Readonly<Record<SocketType, TypeSpec>> = {
  pair: { number: C.ZMQ_PAIR, create: () => new v6.Pair(), receives: true },
  pub: { number: C.ZMQ_PUB, create: () => new v6.Publisher(), receives: false },
  sub: { number: C.ZMQ_SUB, create: () => new v6.Subscriber(), receives: true },
  req: { number: C.ZMQ_REQ, create: () => new v6.Request(), receives: true },
  rep: { number: C.ZMQ_REP, create: () => new v6.Reply(), receives: true },
  dealer: { number: C.ZMQ_DEALER, create: () => new v6.Dealer(), receives: true },
  xreq: { number: C.ZMQ_XREQ, create: () => new v6.Dealer(), receives: true },
  router: { number: C.ZMQ_ROUTER, create: () => new v6.Router(), receives: true },
  xrep: { number: C.ZMQ_XREP, create: () => new v6.Router(), receives: true },
  pull: { number: C.ZMQ_PULL, create: () => new v6.Pull(), receives: true },
  push: { number: C.ZMQ_PUSH, create: () => new v6.Push(), receives: false },
  xpub: { number: C.ZMQ_XPUB, create: () => new v6.XPublisher(), receives: true },
  xsub: { number: C.ZMQ_XSUB, create: () => new v6.XSubscriber(), receives: true },
  stream: { number: C.ZMQ_STREAM, receives: true },
};

/**
 * zeromq 5's socket type names and their libzmq numbers (`zmq.types`).
 *
 * @example Usage
 * ```ts
 * import { types } from "../../v5_compat.ts"; // SOCKET_TYPES
 * import assert from "node:assert/strict";
 * assert.equal(types.router, 6);
 * assert.equal(types.xrep, 6);
 * ```
 */
export const SOCKET_TYPES: Readonly<Record<SocketType, number>> = Object.freeze(
  Object.fromEntries(Object.entries(TYPES).map(([name, spec]) => [name, spec.number])) as Record<SocketType, number>,
);

interface Outgoing {
  frames: V6Frame[];
  /** The callbacks of the `send()` calls that made up the message (parts sent with ZMQ_SNDMORE may have one each). */
  callbacks: Callback[];
}

function toFrame(value: FrameLike): V6Frame {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value;
  return String(value);
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** Runs a user callback; an exception in it becomes an uncaught exception, as in zeromq 5, not ours. */
function callSafely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}

/**
 * A zeromq 5 socket. Create one with `zmq.socket(type)` (or
 * `zmq.createSocket`, or `new zmq.Socket(type)`). Types: `pair`, `pub`,
 * `sub`, `req`, `rep`, `dealer` (`xreq`), `router` (`xrep`), `pull`,
 * `push`, `xpub`, `xsub`.
 *
 * Every type but `push` and `pub` reads messages as they arrive and emits
 * them as `"message"` events; a `req` socket sends its next request only
 * after the reply to the previous one arrived, as zeromq 5 did.
 *
 * @example Usage
 * ```ts
 * import * as zmq from "../../v5_compat.ts";
 * import assert from "node:assert/strict";
 * const rep = zmq.socket("rep");
 * const req = zmq.socket("req");
 * rep.on("message", (request: Uint8Array) => rep.send(`re: ${new TextDecoder().decode(request)}`));
 * rep.bindSync("inproc://example-rep");
 * req.connect("inproc://example-rep");
 * const reply = await new Promise<Uint8Array>((resolve) => {
 *   req.on("message", resolve);
 *   req.send("hi");
 * });
 * assert.equal(new TextDecoder().decode(reply), "re: hi");
 * req.close();
 * rep.close();
 * ```
 */
export class Socket extends Emitter {
  /** The type name given to the constructor, e.g. `"req"`. */
  readonly type: SocketType;
  readonly #socket: v6.Socket & v6.Readable & v6.Writable;
  readonly #spec: TypeSpec;
  readonly #options: OptionTarget;
  #partial: V6Frame[] = [];
  #partialCallbacks: Callback[] = [];
  readonly #outbox = new Deque<Outgoing>();
  readonly #held = new Deque<Uint8Array[]>();
  #paused = false;
  #closed = false;
  #reading = false;
  #writing = false;
  /** REQ: a request went out and its reply has not been read. */
  #awaitingReply = false;
  /** REP: a request was read and its reply has not been sent. */
  #owesReply = false;
  /** The chain of bind/unbind operations (zeromq 5 ran them one at a time). */
  #endpointOps: Promise<void> = Promise.resolve();
  #endpointOpsPending = 0;
  #stopMonitor: (() => void) | null = null;

  // zeromq 5's short option names as properties (see SHORT_OPTIONS); defined on the prototype below.
  /** ZMQ_FD (not supported: reading it throws). */
  declare _fd: number;
  /** ZMQ_EVENTS: ZMQ_POLLIN / ZMQ_POLLOUT readiness. */
  declare _ioevents: number;
  /** ZMQ_RCVMORE: always 0 (messages are delivered whole). */
  declare _receiveMore: number;
  /** ZMQ_SUBSCRIBE (write-only): subscribes a `sub` socket. */
  declare _subscribe: string | Uint8Array;
  /** ZMQ_UNSUBSCRIBE (write-only): unsubscribes a `sub` socket. */
  declare _unsubscribe: string | Uint8Array;
  /** ZMQ_AFFINITY. */
  declare affinity: number;
  /** ZMQ_BACKLOG. */
  declare backlog: number;
  /** ZMQ_IDENTITY (the routing id). */
  declare identity: string | Uint8Array | null;
  /** ZMQ_LINGER in ms. */
  declare linger: number;
  /** ZMQ_RATE. */
  declare rate: number;
  /** ZMQ_RCVBUF. */
  declare rcvbuf: number;
  /** ZMQ_LAST_ENDPOINT (read-only). */
  declare last_endpoint: string | null;
  /** ZMQ_RECONNECT_IVL in ms. */
  declare reconnect_ivl: number;
  /** ZMQ_RECOVERY_IVL in ms. */
  declare recovery_ivl: number;
  /** ZMQ_SNDBUF. */
  declare sndbuf: number;
  /** ZMQ_MECHANISM (read-only): 0 NULL, 1 PLAIN, 2 CURVE. */
  declare mechanism: number;
  /** ZMQ_PLAIN_SERVER (1/0). */
  declare plain_server: number | boolean;
  /** ZMQ_PLAIN_USERNAME. */
  declare plain_username: string | Uint8Array | null;
  /** ZMQ_PLAIN_PASSWORD. */
  declare plain_password: string | Uint8Array | null;
  /** ZMQ_CURVE_SERVER (1/0). */
  declare curve_server: number | boolean;
  /** ZMQ_CURVE_PUBLICKEY (40 Z85 characters or 32 bytes). */
  declare curve_publickey: string | Uint8Array | null;
  /** ZMQ_CURVE_SECRETKEY (40 Z85 characters or 32 bytes). */
  declare curve_secretkey: string | Uint8Array | null;
  /** ZMQ_CURVE_SERVERKEY (40 Z85 characters or 32 bytes). */
  declare curve_serverkey: string | Uint8Array | null;
  /** ZMQ_ZAP_DOMAIN. */
  declare zap_domain: string | Uint8Array | null;
  /** ZMQ_HEARTBEAT_IVL in ms. */
  declare heartbeat_ivl: number;
  /** ZMQ_HEARTBEAT_TTL in ms. */
  declare heartbeat_ttl: number;
  /** ZMQ_HEARTBEAT_TIMEOUT in ms. */
  declare heartbeat_timeout: number;
  /** ZMQ_CONNECT_TIMEOUT in ms. */
  declare connect_timeout: number;

  /** Makes a socket of a zeromq 5 type name; throws for an unknown name. */
  constructor(type: SocketType) {
    super();
    const spec = Object.hasOwn(TYPES, type) ? TYPES[type] : undefined;
    if (spec === undefined) throw new TypeError(`Invalid socket type: ${String(type)}`);
    if (spec.create === undefined) throw new Error(`Socket type ${type} is not supported by zmq-ts yet`);
    this.type = type;
    this.#spec = spec;
    this.#socket = spec.create() as v6.Socket & v6.Readable & v6.Writable; // every v6 socket has both at run time
    this.#options = { socket: this.#socket, typeNumber: spec.number, typeName: type, receiveTimeout: -1 };
    this.#kickRead();
  }

  /** Whether the socket was closed. */
  get closed(): boolean {
    return this.#socket.closed;
  }

  // ---- endpoints -----------------------------------------------------------

  /** Runs bind/unbind operations one after another; the first starts at once (an inproc bind completes then). */
  #endpointOp(op: () => Promise<void>): Promise<void> {
    const start = () => {
      try {
        return op();
      } catch (err) {
        return Promise.reject(err);
      }
    };
    const result = this.#endpointOpsPending === 0 ? start() : this.#endpointOps.then(start);
    this.#endpointOpsPending++;
    this.#endpointOps = result.then(
      () => void this.#endpointOpsPending--,
      () => void this.#endpointOpsPending--,
    );
    return result;
  }

  /** Waits until no bind/unbind is in progress (zeromq.js blocks a socket during them). */
  async #endpointsIdle(): Promise<void> {
    while (this.#endpointOpsPending > 0) await this.#endpointOps;
  }

  /**
   * Binds asynchronously. On success emits `"bind"` with the address, then
   * calls `callback()`; on failure calls `callback(error)`, or emits
   * `"error"` when there is no callback.
   */
  bind(address: string, callback?: Callback): this {
    this.#endpointOp(() => this.#socket.bind(address)).then(
      () => {
        this.#emitSafely("bind", address);
        if (callback) callSafely(() => callback());
      },
      (err: Error) => this.#report(err, callback),
    );
    return this;
  }

  /**
   * Unbinds asynchronously; `"unbind"` event and callback as for
   * {@linkcode Socket.bind}.
   */
  unbind(address: string, callback?: Callback): this {
    this.#endpointOp(() => this.#socket.unbind(address)).then(
      () => {
        this.#emitSafely("unbind", address);
        if (callback) callSafely(() => callback());
      },
      (err: Error) => this.#report(err, callback),
    );
    return this;
  }

  /**
   * Binds without a callback. zeromq 5 bound before returning; zmq-ts binds
   * `tcp://` and `ipc://` asynchronously (no runtime listens synchronously
   * through one API), so messages sent and connections made right after it
   * simply wait for the bind, and a failure is emitted as `"error"`. When
   * the v6 socket has a synchronous `bindSync()` (zeromq.js's v6 API), it
   * is used and failures throw.
   */
  bindSync(address: string): this {
    this.#syncOrQueued("bindSync", address, () => this.#socket.bind(address));
    return this;
  }

  /** Unbinds without a callback; the same rules as {@linkcode Socket.bindSync}. */
  unbindSync(address: string): this {
    this.#syncOrQueued("unbindSync", address, () => this.#socket.unbind(address));
    return this;
  }

  #syncOrQueued(method: "bindSync" | "unbindSync", address: string, op: () => Promise<void>): void {
    const sync = (this.#socket as unknown as Partial<Record<typeof method, (address: string) => void>>)[method];
    if (typeof sync === "function" && this.#endpointOpsPending === 0) {
      sync.call(this.#socket, address);
      return;
    }
    this.#endpointOp(op).catch((err: Error) => this.#report(err, undefined));
  }

  /** Connects (in the background, as libzmq does); a bad address throws at once. */
  connect(address: string): this {
    this.#whenIdle(() => this.#socket.connect(address));
    return this;
  }

  /** Stops connecting to an address given to {@linkcode Socket.connect}. */
  disconnect(address: string): this {
    this.#whenIdle(() => this.#socket.disconnect(address));
    return this;
  }

  /** Runs `fn` now; if the v6 socket is blocked by a pending bind (EBUSY), runs it after the bind. */
  #whenIdle(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (codeOf(err) !== "EBUSY" || this.#endpointOpsPending === 0) throw err;
      this.#endpointsIdle().then(fn).catch((e: Error) => this.#report(e, undefined));
    }
  }

  // ---- sending -------------------------------------------------------------

  /**
   * Queues a message: one frame, or an array of frames. With `ZMQ_SNDMORE`
   * in `flags` the frames wait for the rest of the message (the next `send`
   * without it). `callback` is called once the message is queued in the
   * socket, or with the error (the callbacks of its ZMQ_SNDMORE parts too);
   * without a callback an error is emitted as
   * `"error"`. Messages go out in order; while the socket is paused they
   * wait. After `close()` messages are dropped (a callback gets the error).
   */
  send(message: FrameLike | FrameLike[], flags?: number | null, callback?: Callback): this;
  /** `send(message, callback)`: the same without flags. */
  send(message: FrameLike | FrameLike[], callback: Callback): this;
  send(message: FrameLike | FrameLike[], flagsOrCallback?: number | null | Callback, maybeCallback?: Callback): this {
    const callback = typeof flagsOrCallback === "function" ? flagsOrCallback : maybeCallback;
    const flags = typeof flagsOrCallback === "function" ? 0 : flagsOrCallback;
    if (Array.isArray(message)) { for (const frame of message) this.#partial.push(toFrame(frame)); }
    else this.#partial.push(toFrame(message));
    if (callback) this.#partialCallbacks.push(callback);
    if (((flags ?? 0) & C.ZMQ_SNDMORE) !== 0) return this;
    const out = { frames: this.#partial, callbacks: this.#partialCallbacks };
    this.#partial = [];
    this.#partialCallbacks = [];
    if (this.#closed) {
      // zeromq 5 dropped messages sent after close() silently; callbacks still learn why (EBADF).
      if (out.callbacks.length > 0) this.#v6Send(out.frames).catch((err: Error) => this.#report(err, out.callbacks));
      return this;
    }
    this.#outbox.push(out);
    this.#kickWrite();
    return this;
  }

  /** The v6 `send()`, with a synchronous throw (zeromq.js throws EBUSY at once) turned into a rejection. */
  #v6Send(frames: V6Frame[]): Promise<void> {
    try {
      return this.#socket.send(frames);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #canWrite(): boolean {
    if (this.#closed || this.#paused || this.#outbox.length === 0) return false;
    return this.#spec.number !== C.ZMQ_REQ || !this.#awaitingReply;
  }

  #kickWrite(): void {
    if (!this.#writing) void this.#writeLoop();
  }

  async #writeLoop(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#canWrite()) {
        if (this.#endpointOpsPending > 0) {
          await this.#endpointsIdle();
          continue;
        }
        const out = this.#outbox.shift()!;
        // A writable socket queues the message at once: go on without waiting, as zeromq 5's flush did.
        const immediate = this.#socket.writable;
        const sent = this.#v6Send(out.frames);
        if (this.#spec.number === C.ZMQ_REQ) this.#awaitingReply = true;
        if (immediate) {
          sent.then(() => this.#sent(out), (err: Error) => this.#notSent(out, err));
          continue;
        }
        try {
          await sent;
        } catch (err) {
          this.#notSent(out, err as Error);
          continue;
        }
        this.#sent(out);
      }
    } finally {
      this.#writing = false;
    }
  }

  #sent(out: Outgoing): void {
    if (this.#spec.number === C.ZMQ_REQ) this.#kickRead();
    if (this.#spec.number === C.ZMQ_REP) {
      this.#owesReply = false;
      this.#kickRead();
    }
    for (const callback of out.callbacks) callSafely(() => callback());
  }

  #notSent(out: Outgoing, err: Error): void {
    if (this.#spec.number === C.ZMQ_REQ) {
      this.#awaitingReply = false;
      this.#kickWrite();
    }
    // Sends cut short by close() are dropped silently, as in zeromq 5.
    if (this.#closed) return;
    this.#report(err, out.callbacks);
  }

  // ---- receiving -----------------------------------------------------------

  /** The v6 `receive()`, with a synchronous throw turned into a rejection. */
  #v6Receive(): Promise<Uint8Array[]> {
    try {
      return this.#socket.receive();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #canRead(): boolean {
    if (this.#closed || this.#paused || !this.#spec.receives) return false;
    if (this.#spec.number === C.ZMQ_REQ) return this.#awaitingReply;
    if (this.#spec.number === C.ZMQ_REP) return !this.#owesReply;
    return true;
  }

  #kickRead(): void {
    if (!this.#reading) void this.#readLoop();
  }

  async #readLoop(): Promise<void> {
    this.#reading = true;
    try {
      while (!this.#closed && !this.#paused) {
        const held = this.#held.shift();
        if (held !== undefined) {
          this.#deliver(held);
          continue;
        }
        if (!this.#canRead()) return;
        let message;
        try {
          message = await this.#v6Receive();
        } catch (err) {
          if (this.#closed) return;
          if (codeOf(err) === "EBUSY" && this.#endpointOpsPending > 0) {
            await this.#endpointsIdle();
            continue;
          }
          this.#report(err as Error, undefined);
          return;
        }
        if (this.#closed) return;
        if (this.#spec.number === C.ZMQ_REP) this.#owesReply = true;
        if (this.#spec.number === C.ZMQ_REQ) this.#awaitingReply = false;
        if (this.#paused) this.#held.push(message);
        else this.#deliver(message);
        if (this.#spec.number === C.ZMQ_REQ) this.#kickWrite();
      }
    } finally {
      this.#reading = false;
    }
  }

  #deliver(message: Uint8Array[]): void {
    this.#emitSafely("message", ...message);
  }

  /** Stops emitting `"message"` and sending queued messages until {@linkcode Socket.resume}. */
  pause(): void {
    this.#paused = true;
  }

  /** Emits the messages that arrived while paused, then goes on reading and sending. */
  resume(): void {
    this.#paused = false;
    this.#kickRead();
    this.#kickWrite();
  }

  // ---- events, errors --------------------------------------------------------

  /** Emits; an exception in a listener becomes an uncaught exception instead of breaking the socket. */
  #emitSafely(event: string, ...args: unknown[]): void {
    callSafely(() => this.emit(event, ...args));
  }

  /** An error goes to the callbacks, else to `"error"` listeners, else it is thrown (uncaught). */
  #report(err: Error, callbacks: Callback | Callback[] | undefined): void {
    const list = callbacks === undefined ? [] : Array.isArray(callbacks) ? callbacks : [callbacks];
    if (list.length === 0) this.#emitSafely("error", err);
    for (const callback of list) callSafely(() => callback(err));
  }

  /**
   * Emits zeromq 5's monitor events (`connect`, `connect_delay`,
   * `connect_retry`, `listen`, `bind_error`, `accept`, `accept_error`,
   * `close`, `close_error`, `disconnect`) with `(value, endpoint, error)`.
   * The arguments (polling interval, event count) are accepted and
   * ignored: events are delivered as they happen.
   */
  monitor(_interval?: number, _numOfEvents?: number): this {
    if (this.#stopMonitor === null) {
      this.#stopMonitor = startMonitor(this.#socket, (name, value, endpoint, error) => {
        this.#emitSafely(name, value, endpoint, error);
      });
    }
    return this;
  }

  /** Stops the monitor events. */
  unmonitor(): this {
    this.#stopMonitor?.();
    this.#stopMonitor = null;
    return this;
  }

  // ---- options ---------------------------------------------------------------

  /** Sets an option by libzmq number (`zmq.ZMQ_LINGER`) or zeromq 5 short name (`"linger"`). */
  setsockopt(option: number | string, value: unknown): this {
    setSocketOption(this.#options, option, value);
    return this;
  }

  /** Reads an option by libzmq number or short name; booleans read as 1/0. */
  getsockopt(option: number | string): string | number | null {
    return getSocketOption(this.#options, option);
  }

  /** Subscribes a `sub` socket to messages starting with `filter` (`""`: everything). */
  subscribe(filter: string | Uint8Array): this {
    setSocketOption(this.#options, C.ZMQ_SUBSCRIBE, filter);
    return this;
  }

  /** Undoes one {@linkcode Socket.subscribe} of `filter`. */
  unsubscribe(filter: string | Uint8Array): this {
    setSocketOption(this.#options, C.ZMQ_UNSUBSCRIBE, filter);
    return this;
  }

  // ---- closing ---------------------------------------------------------------

  /**
   * Closes the socket. Messages already queued in the socket are delivered
   * within the linger period; messages still waiting in this layer (while
   * paused, or behind a full queue) and their callbacks are dropped, as in
   * zeromq 5.
   */
  close(): this {
    if (this.#closed) return this;
    this.#closed = true;
    this.#outbox.clear();
    this.#held.clear();
    this.#partial = [];
    this.#partialCallbacks = [];
    this.#socket.close();
    return this;
  }
}

for (const name of Object.keys(SHORT_OPTIONS)) {
  Object.defineProperty(Socket.prototype, name, {
    get(this: Socket) {
      return this.getsockopt(name);
    },
    set(this: Socket, value: unknown) {
      this.setsockopt(name, value);
    },
    enumerable: false,
    configurable: true,
  });
}

/**
 * Makes a socket of `type` and sets `options` on it by zeromq 5's short
 * names (`{ linger: 0, identity: "me" }`); an unknown name is a `TypeError`.
 * Also exported as `zmq.socket`.
 *
 * @example Usage
 * ```ts
 * import * as zmq from "../../v5_compat.ts";
 * import assert from "node:assert/strict";
 * const dealer = zmq.createSocket("dealer", { linger: 0, identity: "worker-1" });
 * assert.equal(dealer.getsockopt(zmq.ZMQ_IDENTITY), "worker-1");
 * assert.equal(dealer.linger, 0);
 * dealer.close();
 * ```
 */
export function createSocket(type: SocketType, options: Record<string, unknown> = {}): Socket {
  const socket = new Socket(type);
  try {
    for (const [name, value] of Object.entries(options)) {
      if (!Object.hasOwn(SHORT_OPTIONS, name)) {
        throw new TypeError(`Unknown socket option ${JSON.stringify(name)}: use zeromq 5's names (see zmq.options)`);
      }
      socket.setsockopt(name, value);
    }
  } catch (err) {
    socket.close();
    throw err;
  }
  return socket;
}
