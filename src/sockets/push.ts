/**
 * PUSH: sends to its peers in turn (load balancing); cannot receive.
 *
 * @module
 */

import { ZmqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import { LoadBalancer } from "../routing/lb.ts";
import type { Multipart } from "../types.ts";
import type { Pattern } from "./pattern.ts";
import { defineSocketType, type PatternHost, Socket, type SocketOptions, type Writable } from "./socket.ts";
import type { OptionsOf } from "../options.ts";

/** Options of {@linkcode Push}: its assignable properties, and the `context`. */
export type PushOptions = SocketOptions<Push>;

class PushPattern implements Pattern {
  #lb: LoadBalancer;
  constructor(host: PatternHost) {
    this.#lb = new LoadBalancer(() => host.wakeSend());
  }
  attach(pipe: Pipe): boolean {
    this.#lb.attach(pipe);
    return true;
  }
  detach(pipe: Pipe): void {
    this.#lb.detach(pipe);
  }
  send(message: Multipart): boolean {
    return this.#lb.send(message);
  }
  recv(): Multipart | undefined {
    throw new ZmqError("ENOTSUP", "Push sockets cannot receive; use a Pull socket");
  }
  hasIn(): boolean {
    return false;
  }
  hasOut(): boolean {
    return this.#lb.hasOut();
  }
}

/** What a PUSH socket can do (Writable) and its options, as properties. */
export interface Push extends Writable, OptionsOf<"PUSH"> {}

/**
 * A PUSH socket: the sending end of a pipeline. Messages go to connected
 * Pull sockets in turn; `send()` waits while every peer's queue is full.
 *
 * @example Usage
 * ```ts
 * import { Pull, Push } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using pull = new Pull();
 * await pull.bind("tcp://127.0.0.1:*");
 * await using push = new Push();
 * push.connect(pull.lastEndpoint!);
 * await push.send(["job", "42"]);
 * const [, n] = await pull.receive();
 * assert.equal(new TextDecoder().decode(n), "42");
 * ```
 */
export class Push extends Socket {
  /** Makes a PUSH socket. */
  constructor(options?: PushOptions) {
    super(8, options);
  }
}

defineSocketType({ name: "PUSH", makePattern: (host) => new PushPattern(host) });
