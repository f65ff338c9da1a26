/**
 * REP: strict request/reply from the service side. The envelope of each
 * request (every frame up to the empty delimiter) is kept and put back in
 * front of the reply, which goes to the peer the request came from.
 *
 * @module
 */

import { ZmqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fq.ts";
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

class ReplyPattern implements Pattern {
  #fq: FairQueue;
  #replying = false;
  #envelope: Multipart = [];
  #pipe: Pipe | null = null;

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

  recv(): Multipart | undefined {
    if (this.#replying) {
      throw new ZmqError("EFSM", "Operation cannot be accomplished in current state: send the reply before receiving");
    }
    for (;;) {
      const message = this.#fq.recv();
      if (message === undefined) return undefined;
      let delimiter = 0;
      while (delimiter < message.length && message[delimiter].length !== 0) delimiter++;
      // A request without a delimiter, or without a body, is dropped, as libzmq does.
      if (delimiter >= message.length - 1) continue;
      this.#envelope = message.slice(0, delimiter + 1);
      this.#pipe = this.#fq.lastPipe;
      this.#replying = true;
      return message.slice(delimiter + 1);
    }
  }

  send(message: Multipart): boolean {
    if (!this.#replying) {
      throw new ZmqError(
        "EFSM",
        "Operation cannot be accomplished in current state: receive a request before replying",
      );
    }
    this.#replying = false;
    const pipe = this.#pipe;
    this.#pipe = null;
    // The requester is gone or cannot take more: the reply is dropped, as libzmq does.
    if (pipe === null || pipe.detached || !pipe.outbound.writable) return true;
    pipe.outbound.write(this.#envelope.concat(message));
    return true;
  }

  hasIn(): boolean {
    return !this.#replying && this.#fq.hasIn();
  }

  hasOut(): boolean {
    return this.#replying;
  }
}

/** Options of {@linkcode Reply}: its assignable properties, and the `context`. */
export type ReplyOptions = SocketOptions<Reply>;

/** What a REP socket can do (Readable, Writable) and its options, as properties. */
export interface Reply extends Readable, Writable, OptionsOf<"REP"> {}

/**
 * A REP socket: receive a request, then send its reply, in strict turn
 * (EFSM otherwise). Requests are fair-queued from all Request/Dealer peers.
 *
 * @example Usage
 * ```ts
 * import { Reply } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using rep = new Reply();
 * await assert.rejects(rep.send("too early"), { code: "EFSM" });
 * ```
 */
export class Reply extends Socket {
  /** Makes a REP socket. */
  constructor(options?: SocketOptions) {
    super(4, options);
  }
}

defineSocketType({ name: "REP", makePattern: (host) => new ReplyPattern(host) });
