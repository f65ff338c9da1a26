/**
 * REQ: strict request/reply from the client side. Each request gets an
 * empty delimiter frame in front (and, with `correlate`, a request id); a
 * reply is accepted only from the peer the request went to.
 *
 * @module
 */

import { ZmqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import type { Multipart } from "../types.ts";
import { DealerPattern } from "./dealer.ts";
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

/** Options of {@linkcode Request}: its assignable properties, and the `context`. */
export type RequestOptions = SocketOptions<Request>;

const EMPTY = new Uint8Array(0);

class RequestPattern implements Pattern {
  #dealer: DealerPattern;
  #host: PatternHost;
  #awaitingReply = false;
  #pipe: Pipe | null = null;
  #requestId = crypto.getRandomValues(new Uint32Array(1))[0];

  constructor(host: PatternHost) {
    this.#host = host;
    this.#dealer = new DealerPattern(host);
  }

  attach(pipe: Pipe): boolean {
    return this.#dealer.attach(pipe);
  }

  detach(pipe: Pipe): void {
    this.#dealer.detach(pipe);
  }

  send(message: Multipart): boolean {
    if (this.#awaitingReply && !this.#host.option("relaxed")) {
      throw new ZmqError(
        "EFSM",
        "Operation cannot be accomplished in current state: receive the reply before sending again",
      );
    }
    const correlate = this.#host.option("correlate");
    let wire: Multipart;
    if (correlate) {
      const id = new Uint8Array(4);
      // libzmq copies the id in host (little-endian) byte order.
      new DataView(id.buffer).setUint32(0, (this.#requestId + 1) >>> 0, true);
      wire = [id, EMPTY, ...message];
    } else {
      wire = [EMPTY, ...message];
    }
    if (!this.#dealer.lb.send(wire)) return false;
    if (correlate) this.#requestId = (this.#requestId + 1) >>> 0;
    this.#pipe = this.#dealer.lb.lastPipe;
    this.#awaitingReply = true;
    return true;
  }

  recv(): Multipart | undefined {
    if (!this.#awaitingReply) {
      throw new ZmqError("EFSM", "Operation cannot be accomplished in current state: send a request before receiving");
    }
    const fq = this.#dealer.fq;
    for (;;) {
      const message = fq.recv();
      if (message === undefined) return undefined;
      // Only the peer the request went to may answer; anything malformed is dropped, as in libzmq.
      if (fq.lastPipe !== this.#pipe) continue;
      let at = 0;
      if (this.#host.option("correlate")) {
        const id = message[0];
        if (message.length < 2 || id.length !== 4) continue;
        if (new DataView(id.buffer, id.byteOffset, 4).getUint32(0, true) !== this.#requestId) continue;
        at = 1;
      }
      if (message.length < at + 2 || message[at].length !== 0) continue;
      this.#awaitingReply = false;
      return message.slice(at + 1);
    }
  }

  hasIn(): boolean {
    return this.#awaitingReply && this.#dealer.hasIn();
  }

  hasOut(): boolean {
    return (!this.#awaitingReply || this.#host.option("relaxed")) && this.#dealer.hasOut();
  }
}

/** What a REQ socket can do (Readable, Writable) and its options, as properties. */
export interface Request extends Readable, Writable, OptionsOf<"REQ"> {}

/**
 * A REQ socket: send a request, then receive its reply, in strict turn
 * (EFSM otherwise, unless `relaxed`). Requests are load-balanced over the
 * connected Reply/Router peers.
 *
 * @example Usage
 * ```ts
 * import { Reply, Request } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using rep = new Reply();
 * await rep.bind("tcp://127.0.0.1:*");
 * await using req = new Request();
 * req.connect(rep.lastEndpoint!);
 * await req.send("2 + 2");
 * const [question] = await rep.receive();
 * await rep.send(String(eval(new TextDecoder().decode(question))));
 * const [answer] = await req.receive();
 * assert.equal(new TextDecoder().decode(answer), "4");
 * ```
 */
export class Request extends Socket {
  /** Makes a REQ socket. */
  constructor(options?: RequestOptions) {
    super(3, options);
  }
}

defineSocketType({ name: "REQ", makePattern: (host) => new RequestPattern(host) });
