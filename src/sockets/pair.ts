/**
 * PAIR: exactly one peer, both directions.
 *
 * @module
 */

import type { Pipe } from "../pipe.ts";
import type { Multipart } from "../types.ts";
import type { Pattern } from "./pattern.ts";
import {
  defineSocketType,
  type PatternHost,
  type Readable,
  Socket,
  type SocketOptions,
  type Writable,
} from "./socket.ts";
import type { OptionsOf } from "../options.ts";

class PairPattern implements Pattern {
  #pipe: Pipe | null = null;
  #host: PatternHost;
  constructor(host: PatternHost) {
    this.#host = host;
  }
  attach(pipe: Pipe): boolean {
    // libzmq keeps the first peer; a later one stays connected but unused.
    if (this.#pipe !== null) return false;
    this.#pipe = pipe;
    pipe.inbound.onReadable = () => this.#host.wakeReceive();
    pipe.outbound.onWritable = () => this.#host.wakeSend();
    this.#host.wakeSend();
    if (pipe.inbound.length > 0) this.#host.wakeReceive();
    return true;
  }
  detach(pipe: Pipe): void {
    if (this.#pipe !== pipe) return;
    // Messages that already arrived stay readable until a new peer replaces the pipe.
    if (pipe.inbound.length === 0) this.#pipe = null;
    else pipe.inbound.onReadable = () => this.#host.wakeReceive();
  }
  send(message: Multipart): boolean {
    const pipe = this.#pipe;
    if (pipe === null || pipe.detached || !pipe.outbound.writable) return false;
    pipe.outbound.write(message);
    return true;
  }
  recv(): Multipart | undefined {
    const pipe = this.#pipe;
    if (pipe === null) return undefined;
    const message = pipe.inbound.read();
    if (message === undefined && pipe.detached) this.#pipe = null;
    return message;
  }
  hasIn(): boolean {
    return (this.#pipe?.inbound.length ?? 0) > 0;
  }
  hasOut(): boolean {
    const pipe = this.#pipe;
    return pipe !== null && !pipe.detached && pipe.outbound.writable;
  }
}

/** Options of {@linkcode Pair}: its assignable properties, and the `context`. */
export type PairOptions = SocketOptions<Pair>;

/** What a PAIR socket can do (Readable, Writable) and its options, as properties. */
export interface Pair extends Readable, Writable, OptionsOf<"PAIR"> {}

/**
 * A PAIR socket: one exclusive peer, messages both ways. A second peer that
 * connects is left connected but unused, as libzmq does.
 *
 * @example Usage
 * ```ts
 * import { Pair } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using a = new Pair();
 * await a.bind("tcp://127.0.0.1:*");
 * await using b = new Pair();
 * b.connect(a.lastEndpoint!);
 * await b.send("ping");
 * const [msg] = await a.receive();
 * assert.equal(new TextDecoder().decode(msg), "ping");
 * ```
 */
export class Pair extends Socket {
  /** Makes a PAIR socket. */
  constructor(options?: SocketOptions) {
    super(0, options);
  }
}

defineSocketType({ name: "PAIR", makePattern: (host) => new PairPattern(host) });
