/**
 * PULL: receives from its peers in turn (fair queueing); cannot send.
 *
 * @module
 */

import { ZmqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fq.ts";
import type { Multipart } from "../types.ts";
import type { Pattern } from "./pattern.ts";
import { defineSocketType, type PatternHost, type Readable, Socket, type SocketOptions } from "./socket.ts";
import type { OptionsOf } from "../options.ts";

/** Options of {@linkcode Pull}: its assignable properties, and the `context`. */
export type PullOptions = SocketOptions<Pull>;

class PullPattern implements Pattern {
  #fq: FairQueue;
  constructor(host: PatternHost) {
    this.#fq = new FairQueue(() => host.wakeReceive());
  }
  attach(pipe: Pipe): boolean {
    this.#fq.attach(pipe);
    return true;
  }
  detach(pipe: Pipe): void {
    this.#fq.detach(pipe);
  }
  send(): boolean {
    throw new ZmqError("ENOTSUP", "Pull sockets cannot send; use a Push socket");
  }
  recv(): Multipart | undefined {
    return this.#fq.recv();
  }
  hasIn(): boolean {
    return this.#fq.hasIn();
  }
  hasOut(): boolean {
    return false;
  }
}

/** What a PULL socket can do (Readable) and its options, as properties. */
export interface Pull extends Readable, OptionsOf<"PULL"> {}

/**
 * A PULL socket: the receiving end of a pipeline, fair-queueing messages
 * from every connected Push socket.
 *
 * @example Usage
 * ```ts
 * import { Pull } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using pull = new Pull({ receiveTimeout: 0 });
 * await assert.rejects(pull.receive(), { code: "EAGAIN" });
 * ```
 */
export class Pull extends Socket {
  /** Makes a PULL socket. */
  constructor(options?: PullOptions) {
    super(7, options);
  }
}

defineSocketType({ name: "PULL", makePattern: (host) => new PullPattern(host) });
