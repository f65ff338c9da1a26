/**
 * Sessions: the life of an endpoint. A {@linkcode ConnectSession} connects,
 * reconnects with back-off, and keeps its pipe across reconnects (so
 * messages queue while the peer is away). A {@linkcode BindSession} accepts
 * connections on a listener and gives each its own pipe. Both create a
 * {@linkcode ZmtpEngine} per connection and turn its fate into events.
 *
 * @module
 */

import type { Endpoint } from "./endpoint.ts";
import {
  type EngineEnd,
  type EngineHost,
  type EngineOptions,
  type HandshakeInfo,
  ZmtpEngine,
} from "./engine/zmtp_engine.ts";
import type { PeerHandshake, SocketEvent } from "./events.ts";
import type { Mechanism } from "./mechanisms/mechanism.ts";
import type { Pipe } from "./pipe.ts";
import { type Runtime, RuntimeError } from "./runtime/runtime.ts";
import { type Bound, type StreamTransport, toZmqError } from "./transports/transport.ts";

/** What a session needs from its socket. */
export interface SessionOwner {
  /** The runtime adapter. */
  readonly runtime: Runtime;
  /** Reports an event. */
  emit(event: SocketEvent): void;
  /** Current value of an option. */
  option<T>(name: string): T;
  /** Settings for a new engine. */
  engineOptions(): EngineOptions;
  /** A mechanism for a new connection. */
  createMechanism(peerHost: string): Mechanism;
  /** Makes a pipe for an endpoint with the socket's high-water marks. */
  newPipe(endpoint: string): Pipe;
  /** Hands a pipe to the socket type; false leaves it unused. */
  attachPipe(pipe: Pipe): boolean;
  /** Takes a pipe away from the socket type; its outbound queue is dropped. */
  detachPipe(pipe: Pipe): void;
  /** Tells the socket type that a surviving pipe reconnected. */
  hiccupPipe(pipe: Pipe): void;
  /** Whether the socket type wants pipes at connect() time (before the handshake). */
  readonly eagerPipes: boolean;
}

/** Resolves after `ms` (or never for -1), or when the promise settles. */
function withLinger(promise: Promise<void>, ms: number): Promise<void> {
  if (ms < 0) return promise;
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Keeps what the handshake learned about the peer on its pipe. */
function setHandshakeInfo(pipe: Pipe, info: HandshakeInfo): void {
  pipe.properties = info.properties;
  pipe.zmtpMinor = info.zmtpMinor;
  pipe.userId = info.userId;
  pipe.zapProperties = info.zapProperties;
}

/** What the peer announced, for the `handshake` events (undefined before its READY arrived). */
function peerHandshake(engine: ZmtpEngine): PeerHandshake | undefined {
  const metadata = engine.peerProperties;
  if (metadata.size === 0) return undefined;
  const type = metadata.get("Socket-Type");
  return {
    socketType: type === undefined ? "" : new TextDecoder().decode(type),
    mechanism: engine.mechanismName,
    zmtpVersion: `3.${engine.zmtpMinor}`,
    metadata,
  };
}

/** Reports how an engine ended, as libzmq's monitor would. */
function reportEnd(
  owner: SessionOwner,
  address: string,
  engine: ZmtpEngine,
  end: EngineEnd,
  duringHandshake: boolean,
): void {
  if (end.kind === "local") return;
  if (duringHandshake) {
    if (end.kind === "protocol") {
      const peer = peerHandshake(engine);
      owner.emit({ type: "handshake:error:protocol", address, error: end.error, ...(peer ? { peer } : {}) });
    } else if (end.kind === "auth") owner.emit({ type: "handshake:error:auth", address, error: end.error });
    else {
      // A timeout, or the peer closing mid-handshake: libzmq's HANDSHAKE_FAILED_NO_DETAIL in both cases.
      const error = end.error ?? new Error("Connection closed during the handshake");
      owner.emit({ type: "handshake:error:other", address, error });
    }
  }
  owner.emit({ type: "disconnect", address });
}

/**
 * One `connect()` endpoint: connects, reconnects, and owns the pipe.
 *
 * @example Usage
 * ```ts ignore
 * const session = new ConnectSession(owner, endpoint, tcpTransport);
 * session.start();
 * ```
 */
export class ConnectSession implements EngineHost {
  readonly endpoint: Endpoint;
  #owner: SessionOwner;
  #transport: StreamTransport;
  #pipe: Pipe | null = null;
  #pipeAttached = false;
  #engine: ZmtpEngine | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #interval = 0;
  #handshakes = 0;
  /** close() was called (guards against a second call). */
  #closing = false;
  /** No more (re)connecting: set once any lingering is over. */
  #done = false;
  #stopped = false;
  #routingId: Uint8Array | null;
  #connecting: Promise<void> | null = null;

  /** Makes a session; `routingId` names the peer locally (Router's connect option). */
  constructor(
    owner: SessionOwner,
    endpoint: Endpoint,
    transport: StreamTransport,
    routingId: Uint8Array | null = null,
  ) {
    this.#owner = owner;
    this.endpoint = endpoint;
    this.#transport = transport;
    this.#routingId = routingId;
  }

  /** The pipe of this endpoint, if one exists. */
  get pipe(): Pipe | null {
    return this.#pipe;
  }

  /** Starts connecting. */
  start(): void {
    const owner = this.#owner;
    if (owner.eagerPipes && !owner.option<boolean>("immediate")) this.#makePipe();
    this.#interval = owner.option<number>("reconnectInterval");
    this.#attempt();
  }

  #makePipe(): Pipe | null {
    const pipe = this.#owner.newPipe(this.endpoint.text);
    if (this.#routingId !== null) pipe.routingId = this.#routingId;
    this.#pipe = pipe;
    this.#pipeAttached = this.#owner.attachPipe(pipe);
    return this.#pipeAttached ? pipe : null;
  }

  #attempt(): void {
    if (this.#done || this.#stopped) return;
    const owner = this.#owner;
    owner.emit({ type: "connect:delay", address: this.endpoint.text });
    this.#connecting = this.#transport.connect(this.endpoint, owner.runtime, {
      connectTimeout: owner.option<number>("connectTimeout"),
      keepAlive: owner.option<number>("tcpKeepalive") === 1,
    }).then((conn) => {
      this.#connecting = null;
      if (this.#done || this.#stopped) {
        conn.close();
        return conn.closed;
      }
      owner.emit({ type: "connect", address: this.endpoint.text });
      const engine = new ZmtpEngine(conn, owner.createMechanism(conn.remoteHost), this, owner.engineOptions());
      this.#engine = engine;
      engine.start();
    }, (error) => {
      this.#connecting = null;
      if (error instanceof RuntimeError && error.permanent) this.#giveUp(error);
      else this.#retry();
    });
  }

  /** A connect failure that retrying cannot fix (a permission the runtime refuses): report it and stop. */
  #giveUp(error: RuntimeError): void {
    if (this.#done || this.#stopped) return;
    const address = this.endpoint.text;
    this.#owner.emit({ type: "connect:error", address, error: toZmqError(error, address) });
    this.#stop();
  }

  #retry(): void {
    if (this.#done || this.#stopped) return;
    const owner = this.#owner;
    const base = owner.option<number>("reconnectInterval");
    if (base < 0) {
      this.#stop();
      return;
    }
    const max = owner.option<number>("reconnectMaxInterval");
    let wait: number;
    if (max > base) {
      // Exponential back-off (libzmq 4.3.5): ivl, 2 ivl, 4 ivl ... capped at the maximum.
      wait = Math.min(this.#interval, max);
      this.#interval = Math.min(this.#interval * 2, max);
    } else {
      wait = base + Math.floor(Math.random() * base);
    }
    owner.emit({ type: "connect:retry", address: this.endpoint.text, interval: wait });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#attempt();
    }, wait);
  }

  /** Gives up on the endpoint (protocol error, or reconnection disabled): the pipe goes away. */
  #stop(): void {
    this.#stopped = true;
    this.#dropPipe();
  }

  #dropPipe(): void {
    const pipe = this.#pipe;
    this.#pipe = null;
    if (pipe !== null && this.#pipeAttached) this.#owner.detachPipe(pipe);
    this.#pipeAttached = false;
  }

  handshakeDone(engine: ZmtpEngine, info: HandshakeInfo): Pipe | null {
    const owner = this.#owner;
    owner.emit({ type: "handshake", address: this.endpoint.text, peer: peerHandshake(engine) });
    this.#interval = owner.option<number>("reconnectInterval");
    this.#handshakes++;
    let pipe = this.#pipe;
    if (pipe === null) {
      pipe = owner.newPipe(this.endpoint.text);
      if (this.#routingId !== null) pipe.routingId = this.#routingId;
      setHandshakeInfo(pipe, info);
      this.#pipe = pipe;
      this.#pipeAttached = owner.attachPipe(pipe);
      return this.#pipeAttached ? pipe : null;
    }
    setHandshakeInfo(pipe, info);
    if (!this.#pipeAttached) return null;
    if (this.#handshakes > 1) owner.hiccupPipe(pipe);
    return pipe;
  }

  engineEnded(engine: ZmtpEngine, end: EngineEnd, duringHandshake: boolean): void {
    if (this.#engine === engine) this.#engine = null;
    reportEnd(this.#owner, this.endpoint.text, engine, end, duringHandshake);
    if (end.kind === "local" || this.#done) return;
    if (end.kind === "protocol" || end.kind === "auth") {
      // libzmq gives up on an endpoint after a protocol or authentication error.
      this.#stop();
      return;
    }
    if (this.#owner.option<boolean>("immediate") || !this.#owner.eagerPipes) this.#dropPipe();
    // A partly received message is lost; queued outgoing messages wait for the next connection.
    this.#retry();
  }

  /**
   * Stops the session. With `linger` other than 0, queued messages are
   * given that long (forever for -1) to reach the peer first.
   */
  async close(linger: number): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const pipe = this.#pipe;
    // While lingering the session keeps (re)connecting, so queued messages can still go out.
    if (linger !== 0 && pipe !== null && pipe.outbound.length > 0 && !this.#stopped) {
      await withLinger(this.#untilDrained(pipe), linger);
    }
    this.#done = true;
    clearTimeout(this.#timer);
    const engine = this.#engine;
    engine?.close();
    this.#dropPipe();
    await Promise.all([engine?.closed, this.#connecting]);
  }

  async #untilDrained(pipe: Pipe): Promise<void> {
    while (pipe.outbound.length > 0 && !this.#stopped && this.#pipe === pipe) {
      const engine = this.#engine;
      if (engine !== null && engine.pipe === pipe) await engine.drained();
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const engine = this.#engine;
    if (engine !== null) await engine.drained();
  }
}

/**
 * One `bind()` endpoint: a listener and the connections it accepted.
 *
 * @example Usage
 * ```ts ignore
 * const session = new BindSession(owner, await tcpTransport.listen(endpoint, runtime, opts));
 * session.start();
 * ```
 */
export class BindSession implements EngineHost {
  /** The resolved endpoint. */
  readonly endpoint: string;
  /** The endpoint as the user wrote it. */
  readonly requested: string;
  #owner: SessionOwner;
  #bound: Bound;
  #engines = new Set<ZmtpEngine>();
  #pipes = new Map<ZmtpEngine, Pipe>();
  #closing = false;

  /** Makes a session over a bound listener. */
  constructor(owner: SessionOwner, bound: Bound, requested: string) {
    this.#owner = owner;
    this.#bound = bound;
    this.endpoint = bound.endpoint;
    this.requested = requested;
  }

  /** Number of live connections. */
  get connections(): number {
    return this.#engines.size;
  }

  /** Starts accepting connections. */
  start(): void {
    const owner = this.#owner;
    this.#bound.listener.start((conn) => {
      if (this.#closing) {
        conn.close();
        return;
      }
      owner.emit({ type: "accept", address: this.endpoint });
      const engine = new ZmtpEngine(conn, owner.createMechanism(conn.remoteHost), this, owner.engineOptions());
      this.#engines.add(engine);
      engine.start();
    }, (error) => owner.emit({ type: "accept:error", address: this.endpoint, error }));
  }

  handshakeDone(engine: ZmtpEngine, info: HandshakeInfo): Pipe | null {
    const owner = this.#owner;
    owner.emit({ type: "handshake", address: this.endpoint, peer: peerHandshake(engine) });
    const pipe = owner.newPipe(this.endpoint);
    setHandshakeInfo(pipe, info);
    if (!owner.attachPipe(pipe)) return null;
    this.#pipes.set(engine, pipe);
    return pipe;
  }

  engineEnded(engine: ZmtpEngine, end: EngineEnd, duringHandshake: boolean): void {
    this.#engines.delete(engine);
    const pipe = this.#pipes.get(engine);
    this.#pipes.delete(engine);
    reportEnd(this.#owner, this.endpoint, engine, end, duringHandshake);
    // The peer is gone: its queued outgoing messages are dropped; what it sent is still delivered.
    if (pipe !== undefined) this.#owner.detachPipe(pipe);
  }

  /** Stops listening and closes the accepted connections (after lingering). */
  async close(linger: number): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#bound.listener.close();
    const engines = [...this.#engines];
    if (linger !== 0) await Promise.all(engines.map((e) => withLinger(e.drained(), linger)));
    for (const engine of engines) engine.close();
    await Promise.all([this.#bound.listener.closed, ...engines.map((e) => e.closed)]);
    try {
      await this.#bound.cleanup?.();
    } catch (error) {
      this.#owner.emit({ type: "close:error", address: this.endpoint, error: error as Error });
      return;
    }
    this.#owner.emit({ type: "close", address: this.endpoint });
  }
}
