/**
 * The session of one `bind()` endpoint over a transport (tcp, ipc): a
 * listener, and the connections it accepted, each with its own engine and
 * pipe.
 *
 * @module
 */

import type { Engine, EngineEnd, EngineFactory, EngineHost, HandshakeInfo } from "../engine/engine.ts";
import type { Pipe } from "../pipe.ts";
import type { Bound } from "../transports/transport.ts";
import { reportEnd, type Session, setHandshakeInfo, type TransportSessionHost, withLinger } from "./session.ts";

/**
 * One `bind()` endpoint: a listener and the connections it accepted.
 *
 * @example Usage
 * ```ts
 * import { Pull } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using pull = new Pull();
 * await pull.bind("tcp://127.0.0.1:*"); // a BindSession on a listener
 * assert.match(pull.lastEndpoint!, /^tcp:\/\/127\.0\.0\.1:\d+$/);
 * ```
 */
export class BindSession implements EngineHost, Session {
  /** The resolved endpoint. */
  readonly endpoint: string;
  /** The endpoint as the user wrote it. */
  readonly requested: string;
  #owner: TransportSessionHost;
  #bound: Bound;
  #createEngine: EngineFactory;
  #engines = new Set<Engine>();
  #pipes = new Map<Engine, Pipe>();
  #closing = false;

  /** Makes a session over a bound listener. */
  constructor(owner: TransportSessionHost, bound: Bound, requested: string, createEngine: EngineFactory) {
    this.#owner = owner;
    this.#bound = bound;
    this.#createEngine = createEngine;
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
      const engine = this.#createEngine(conn, owner.createMechanism(conn.remoteHost), this, owner.engineOptions());
      this.#engines.add(engine);
      engine.start();
    }, (error) => owner.emit({ type: "accept:error", address: this.endpoint, error }));
  }

  /** An accepted connection completed its handshake: it gets a pipe of its own. */
  handshakeDone(engine: Engine, info: HandshakeInfo): Pipe | null {
    const owner = this.#owner;
    owner.emit({ type: "handshake", address: this.endpoint, peer: engine.peer });
    const pipe = owner.newPipe(this.endpoint);
    setHandshakeInfo(pipe, info);
    if (!owner.attachPipe(pipe)) return null;
    this.#pipes.set(engine, pipe);
    return pipe;
  }

  /** An accepted connection ended: report it and detach its pipe. */
  engineEnded(engine: Engine, end: EngineEnd, duringHandshake: boolean): void {
    this.#engines.delete(engine);
    const pipe = this.#pipes.get(engine);
    this.#pipes.delete(engine);
    reportEnd((event) => this.#owner.emit(event), this.endpoint, end, duringHandshake, engine.peer);
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
