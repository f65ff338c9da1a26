/**
 * SUB: receives the messages of the topics it subscribed to; cannot send.
 *
 * @module
 */

import { ZmqError } from "../errors.ts";
import { defineSocketType, patternOf, type Readable, Socket, type SocketOptions } from "./socket.ts";
import type { OptionsOf } from "../options.ts";
import { topicsOf } from "../routing/subscriptions.ts";
import { XSubPattern } from "./x_subscriber.ts";

/** Options of {@linkcode Subscriber}: its assignable properties, and the `context`. */
export type SubscriberOptions = SocketOptions<Subscriber>;

/** What a SUB socket can do (Readable) and its options, as properties. */
export interface Subscriber extends Readable, OptionsOf<"SUB"> {}

/**
 * A SUB socket. It receives a message only when one of its subscriptions
 * is a prefix of the message's first frame; subscribe to `""` (or call
 * `subscribe()` without arguments) to receive everything. Subscriptions are
 * reference-counted, sent to every publisher it is connected to, and sent
 * again after each reconnect. `linger` defaults to 0.
 *
 * @example Usage
 * ```ts
 * import { Publisher, Subscriber } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using sub = new Subscriber();
 * await sub.bind("tcp://127.0.0.1:*");
 * await using pub = new Publisher();
 * pub.connect(sub.lastEndpoint!);
 * sub.subscribe("temperature");
 * // Subscriptions travel to the publisher asynchronously: publish until one arrives.
 * const received = sub.receive();
 * const timer = setInterval(() => {
 *   pub.send("humidity 40");
 *   pub.send("temperature 21");
 * }, 10);
 * const [msg] = await received;
 * clearInterval(timer);
 * assert.equal(new TextDecoder().decode(msg), "temperature 21");
 * ```
 */
export class Subscriber extends Socket {
  /** Makes a SUB socket. */
  constructor(options?: SubscriberOptions) {
    super(2, options);
  }

  /**
   * Subscribes to messages whose first frame starts with one of the
   * prefixes (strings are UTF-8); no argument subscribes to everything.
   * Each call is sent to the publishers, duplicates included; the local
   * count decides when an `unsubscribe()` goes out.
   *
   * @example Usage
   * ```ts
   * import { Subscriber } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * await using sub = new Subscriber();
   * sub.subscribe("a", new Uint8Array([0xff]));
   * sub.subscribe(); // everything
   * assert.equal(sub.topicCount, 3);
   * ```
   */
  subscribe(...prefixes: (string | Uint8Array)[]): void {
    if (this.closed) throw new ZmqError("EBADF", "Socket is closed");
    const pattern = patternOf(this) as XSubPattern;
    for (const topic of topicsOf(prefixes)) pattern.subscribe(topic);
  }

  /**
   * Undoes one `subscribe()` of each prefix (no argument: of the empty
   * prefix). The cancel is sent to the publishers only when no subscription
   * to the prefix is left; unknown prefixes are ignored.
   *
   * @example Usage
   * ```ts
   * import { Subscriber } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * await using sub = new Subscriber();
   * sub.subscribe("a");
   * sub.subscribe("a");
   * sub.unsubscribe("a");
   * assert.equal(sub.topicCount, 1);
   * sub.unsubscribe("a");
   * sub.unsubscribe("never subscribed");
   * assert.equal(sub.topicCount, 0);
   * ```
   */
  unsubscribe(...prefixes: (string | Uint8Array)[]): void {
    if (this.closed) throw new ZmqError("EBADF", "Socket is closed");
    const pattern = patternOf(this) as XSubPattern;
    for (const topic of topicsOf(prefixes)) pattern.unsubscribe(topic);
  }

  /** ZMQ_TOPICS_COUNT: number of distinct prefixes currently subscribed to. */
  get topicCount(): number {
    return (patternOf(this) as XSubPattern).topicCount;
  }

  /** Closes the socket (see {@linkcode Socket.close}) and frees its subscription table. */
  override close(): void {
    super.close();
    (patternOf(this) as XSubPattern).dispose();
  }
}

defineSocketType({ name: "SUB", makePattern: (host) => new XSubPattern(host, true) });
