/**
 * PUB: sends each message to the subscribers whose subscriptions match it;
 * cannot receive.
 *
 * @module
 */

import { Socket, type SocketOptions } from "./socket.ts";
import { XPubPattern } from "./x_publisher.ts";

/** Options of {@linkcode Publisher}. */
export interface PublisherOptions extends SocketOptions {
  /** ZMQ_XPUB_NODROP: `send()` waits (or fails with EAGAIN) when a matching subscriber is full, instead of dropping. */
  noDrop?: boolean;
  /** ZMQ_INVERT_MATCHING: send to the subscribers whose subscriptions do *not* match. */
  invertMatching?: boolean;
  /** ZMQ_CONFLATE: keep only the newest message queued per subscriber. */
  conflate?: boolean;
}

/**
 * A PUB socket. Each message goes to every connected subscriber with a
 * subscription that is a prefix of the message's first frame (the empty
 * subscription matches everything); subscribers without a match get
 * nothing. `send()` never waits: when a subscriber's queue is full its copy
 * is dropped, unless `noDrop` is set. Messages from subscribers other than
 * subscriptions are dropped.
 *
 * @example Usage
 * ```ts
 * import { Publisher, Subscriber } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using pub = new Publisher();
 * await pub.bind("tcp://127.0.0.1:*");
 * await using sub = new Subscriber();
 * sub.connect(pub.lastEndpoint!);
 * sub.subscribe("news");
 * // Subscriptions travel to the publisher asynchronously: publish until one arrives.
 * const received = sub.receive();
 * const timer = setInterval(() => pub.send(["news", "hello"]), 10);
 * const [topic, body] = await received;
 * clearInterval(timer);
 * assert.equal(new TextDecoder().decode(topic), "news");
 * assert.equal(new TextDecoder().decode(body), "hello");
 * ```
 */
export class Publisher extends Socket {
  #pattern: XPubPattern;
  /** Makes a PUB socket. */
  constructor(options: PublisherOptions = {}) {
    let pattern: XPubPattern | undefined;
    super("PUB", (host) => (pattern = new XPubPattern(host, true)), options);
    this.#pattern = pattern!;
  }

  /** Closes the socket (see {@linkcode Socket.close}) and frees its subscription table. */
  override close(): void {
    super.close();
    this.#pattern.dispose();
  }

  /**
   * Number of subscriptions in force: (prefix, subscriber) pairs, so two
   * subscribers of one topic count twice (libzmq's ZMQ_TOPICS_COUNT counts
   * distinct prefixes instead).
   */
  get subscriptionCount(): number {
    return this.#pattern.subscriptionCount;
  }

  /** ZMQ_XPUB_NODROP: `send()` waits (EAGAIN after `sendTimeout`) while a matching subscriber is full. */
  get noDrop(): boolean {
    return this.getOption("noDrop");
  }
  set noDrop(value: boolean) {
    this.setOption("noDrop", value);
  }
  /** ZMQ_INVERT_MATCHING: send to the subscribers whose subscriptions do not match. */
  get invertMatching(): boolean {
    return this.getOption("invertMatching");
  }
  set invertMatching(value: boolean) {
    this.setOption("invertMatching", value);
  }
  /** ZMQ_CONFLATE: keep only the newest message per subscriber (set before bind/connect). */
  get conflate(): boolean {
    return this.getOption("conflate");
  }
  set conflate(value: boolean) {
    this.setOption("conflate", value);
  }
}
