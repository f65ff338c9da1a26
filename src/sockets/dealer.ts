/**
 * DEALER: load-balanced sends, fair-queued receives, no envelope changes.
 *
 * @module
 */

import type { Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fq.ts";
import { LoadBalancer } from "../routing/lb.ts";
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

/** Options of {@linkcode Dealer}: its assignable properties, and the `context`. */
export type DealerOptions = SocketOptions<Dealer>;

/** DEALER's behaviour; Request builds on it. */
export class DealerPattern implements Pattern {
  /** Outgoing strategy. */
  readonly lb: LoadBalancer;
  /** Incoming strategy. */
  readonly fq: FairQueue;
  #host: PatternHost;
  /** Makes the pattern for a socket. */
  constructor(host: PatternHost) {
    this.#host = host;
    this.lb = new LoadBalancer(() => host.wakeSend());
    this.fq = new FairQueue(() => host.wakeReceive());
  }
  /** Starts using a pipe; sends the probe if `probeRouter` is set. */
  attach(pipe: Pipe): boolean {
    if (this.#host.option("probeRouter")) pipe.outbound.write([new Uint8Array(0)]);
    this.lb.attach(pipe);
    this.fq.attach(pipe);
    return true;
  }
  /** Stops using a pipe. */
  detach(pipe: Pipe): void {
    this.lb.detach(pipe);
    this.fq.detach(pipe);
  }
  /** Load-balances a message. */
  send(message: Multipart): boolean {
    return this.lb.send(message);
  }
  /** Fair-queues a message in. */
  recv(): Multipart | undefined {
    return this.fq.recv();
  }
  /** Whether a message is waiting. */
  hasIn(): boolean {
    return this.fq.hasIn();
  }
  /** Whether a message could be queued. */
  hasOut(): boolean {
    return this.lb.hasOut();
  }
}

/** What a DEALER socket can do (Readable, Writable) and its options, as properties. */
export interface Dealer extends Readable, Writable, OptionsOf<"DEALER"> {}

/**
 * A DEALER socket: an asynchronous REQ. Sends go round-robin, receives are
 * fair-queued; talking to a Reply socket, add the empty delimiter frame
 * yourself.
 *
 * @example Usage
 * ```ts
 * import { Dealer, Router } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using router = new Router();
 * await router.bind("tcp://127.0.0.1:*");
 * await using dealer = new Dealer({ routingId: "d1" });
 * dealer.connect(router.lastEndpoint!);
 * await dealer.send("hi");
 * const [id] = await router.receive();
 * assert.equal(new TextDecoder().decode(id), "d1");
 * await router.send([id, "back"]);
 * const [reply] = await dealer.receive();
 * assert.equal(new TextDecoder().decode(reply), "back");
 * ```
 */
export class Dealer extends Socket {
  /** Makes a DEALER socket. */
  constructor(options?: DealerOptions) {
    super(5, options);
  }
}

defineSocketType({ name: "DEALER", makePattern: (host) => new DealerPattern(host) });
