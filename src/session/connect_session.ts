/**
 * The session of one `connect()` endpoint over a transport (tcp, ipc):
 * connects, reconnects with back-off (libzmq 4.3.5's), and keeps its pipe
 * across reconnects so messages queue while the peer is away. Each
 * connection gets an engine from the endpoint's engine factory.
 *
 * @module
 */

import type { Endpoint } from "../endpoint.ts";
import type { Engine, EngineEnd, EngineFactory, EngineHost, HandshakeInfo } from "../engine/engine.ts";
import type { Pipe } from "../pipe.ts";
import { RuntimeError } from "../runtime/runtime.ts";
import { type StreamTransport, toZmqError } from "../transports/transport.ts";
import { reportEnd, type Session, setHandshakeInfo, type TransportSessionHost, withLinger } from "./session.ts";

/**
 * One `connect()` endpoint: connects, reconnects, and owns the pipe.
 *
 * @example Usage
 * ```ts
 * import { Pull, Push } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using push = new Push();
 * push.connect("tcp://127.0.0.1:1"); // a ConnectSession: nothing listens there, so it retries
 * const event = await push.events.receive();
 * assert.equal(event.type, "connect:retry");
 * ```
 */
export class ConnectSession implements EngineHost, Session {
  /** The endpoint, as given to `connect()`. */
  readonly endpoint: string;
  /** The endpoint as the user wrote it (the same). */
  readonly requested: string;
  readonly #address: Endpoint;
  #owner: TransportSessionHost;
  #transport: StreamTransport;
  #createEngine: EngineFactory;
  #pipe: Pipe | null = null;
  #pipeAttached = false;
  #engine: Engine | null = null;
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
    owner: TransportSessionHost,
    endpoint: Endpoint,
    transport: StreamTransport,
    createEngine: EngineFactory,
    routingId: Uint8Array | null = null,
  ) {
    this.#owner = owner;
    this.#address = endpoint;
    this.endpoint = endpoint.text;
    this.requested = endpoint.text;
    this.#transport = transport;
    this.#createEngine = createEngine;
    this.#routingId = routingId;
  }

  /** The pipe of this endpoint, if one exists. */
  get pipe(): Pipe | null {
    return this.#pipe;
  }

  /** Starts connecting. */
  start(): void {
    const owner = this.#owner;
    // A Router's pipe waits for the peer's identity, unless connect() named the peer: then, as in libzmq, the
    // pipe exists at once and messages to that routing id queue until the connection is made.
    if (this.#eager() && !owner.option("immediate")) this.#makePipe();
    this.#interval = owner.option("reconnectInterval");
    this.#attempt();
  }

  #eager(): boolean {
    return this.#owner.eagerPipes || this.#routingId !== null;
  }

  #makePipe(): Pipe | null {
    const pipe = this.#owner.newPipe(this.endpoint);
    if (this.#routingId !== null) pipe.routingId = this.#routingId;
    this.#pipe = pipe;
    this.#pipeAttached = this.#owner.attachPipe(pipe);
    return this.#pipeAttached ? pipe : null;
  }

  #attempt(): void {
    if (this.#done || this.#stopped) return;
    const owner = this.#owner;
    owner.emit({ type: "connect:delay", address: this.endpoint });
    this.#connecting = this.#transport.connect(this.#address, owner.runtime, {
      connectTimeout: owner.option("connectTimeout"),
      keepAlive: owner.option("tcpKeepalive") === 1,
    }).then((conn) => {
      this.#connecting = null;
      if (this.#done || this.#stopped) {
        conn.close();
        return conn.closed;
      }
      owner.emit({ type: "connect", address: this.endpoint });
      const engine = this.#createEngine(conn, owner.createMechanism(conn.remoteHost), this, owner.engineOptions());
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
    const address = this.endpoint;
    this.#owner.emit({ type: "connect:error", address, error: toZmqError(error, address) });
    this.#stop();
  }

  #retry(): void {
    if (this.#done || this.#stopped) return;
    const owner = this.#owner;
    const base = owner.option("reconnectInterval");
    if (base < 0) {
      this.#stop();
      return;
    }
    const max = owner.option("reconnectMaxInterval");
    let wait: number;
    if (max > base) {
      // Exponential back-off (libzmq 4.3.5): ivl, 2 ivl, 4 ivl ... capped at the maximum.
      wait = Math.min(this.#interval, max);
      this.#interval = Math.min(this.#interval * 2, max);
    } else {
      wait = base + Math.floor(Math.random() * base);
    }
    owner.emit({ type: "connect:retry", address: this.endpoint, interval: wait });
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

  /** The handshake of the current connection succeeded: the pipe carries its traffic. */
  handshakeDone(engine: Engine, info: HandshakeInfo): Pipe | null {
    const owner = this.#owner;
    owner.emit({ type: "handshake", address: this.endpoint, peer: engine.peer });
    this.#interval = owner.option("reconnectInterval");
    this.#handshakes++;
    let pipe = this.#pipe;
    if (pipe === null) {
      pipe = owner.newPipe(this.endpoint);
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

  /** The current connection ended: report it, then reconnect unless the end says not to. */
  engineEnded(engine: Engine, end: EngineEnd, duringHandshake: boolean): void {
    if (this.#engine === engine) this.#engine = null;
    reportEnd((event) => this.#owner.emit(event), this.endpoint, end, duringHandshake, engine.peer);
    if (end.kind === "local" || this.#done) return;
    if (end.kind === "protocol" || end.kind === "auth") {
      // libzmq gives up on an endpoint after a protocol or authentication error.
      this.#stop();
      return;
    }
    if (this.#owner.option("immediate") || !this.#eager()) this.#dropPipe();
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
