/**
 * PUB: sends each message to the subscribers whose subscriptions match it;
 * cannot receive.
 *
 * @module
 */

import { defineSocketType, patternOf, Socket, type SocketOptions, type Writable } from "./socket.ts";
import type { OptionsOf } from "../options.ts";
import { XPubPattern } from "./x_publisher.ts";

/** Options of {@linkcode Publisher}: its assignable properties, and the `context`. */
export type PublisherOptions = SocketOptions<Publisher>;

/** What a PUB socket can do (Writable) and its options, as properties. */
export interface Publisher extends Writable, OptionsOf<"PUB"> {}

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
  /** Makes a PUB socket. */
  constructor(options?: PublisherOptions) {
    super(1, options);
  }

  /** Closes the socket (see {@linkcode Socket.close}) and frees its subscription table. */
  override close(): void {
    super.close();
    (patternOf(this) as XPubPattern).dispose();
  }

  /**
   * Number of subscriptions in force: (prefix, subscriber) pairs, so two
   * subscribers of one topic count twice (libzmq's ZMQ_TOPICS_COUNT counts
   * distinct prefixes instead).
   */
  get subscriptionCount(): number {
    return (patternOf(this) as XPubPattern).subscriptionCount;
  }
}

defineSocketType({ name: "PUB", makePattern: (host) => new XPubPattern(host, true) });
