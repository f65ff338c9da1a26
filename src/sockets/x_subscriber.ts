/**
 * XSUB: a subscriber whose subscriptions are messages the application sends
 * (`\x01topic`, `\x00topic`) and which does not filter what it receives.
 * Subscriber is the same machinery with a subscribe/unsubscribe API and a
 * local prefix filter.
 *
 * @module
 */

import { ZmqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import { subscriptionMessage, topicKey } from "../routing/subscriptions.ts";
import { Distributor } from "../routing/dist.ts";
import { FairQueue } from "../routing/fq.ts";
import type { Mtrie } from "../routing/mtrie.ts";
import { createMtrie } from "../routing/mtrie_select.ts";
import type { Multipart } from "../types.ts";
import type { Pattern } from "./pattern.ts";
import {
  defineSocketType,
  type PatternHost,
  patternOf,
  type Readable,
  Socket,
  type SocketOptions,
  type Writable,
} from "./socket.ts";
import type { OptionsOf } from "../options.ts";

/** The one peer id of the local subscription trie. */
const SELF = 0;

/**
 * SUB and XSUB behaviour (libzmq's `xsub_t`, of which `sub_t` is a thin
 * variant): fair-queued input, optionally filtered by the local
 * subscriptions; (un)subscriptions and upstream data fanned out to every
 * publisher; subscriptions resent to each new or reconnected publisher.
 */
export class XSubPattern implements Pattern {
  readonly #host: PatternHost;
  /** SUB: filter incoming messages by the subscriptions; no sending. */
  readonly #filter: boolean;
  readonly #fq: FairQueue;
  readonly #dist: Distributor;
  readonly #pipes = new Set<Pipe>();
  /** Reference counts of the subscriptions, by topic. */
  readonly #counts = new Map<string, { topic: Uint8Array; count: number }>();
  /** The same subscriptions as a trie, for prefix matching. */
  readonly #trie: Mtrie = createMtrie();
  readonly #oneMatch = new Uint32Array(1);
  #disposed = false;
  #prefetched: Multipart | undefined = undefined;

  /** Makes the pattern; `filter` selects plain SUB behaviour. */
  constructor(host: PatternHost, filter: boolean) {
    this.#host = host;
    this.#filter = filter;
    this.#fq = new FairQueue(() => host.wakeReceive());
    this.#dist = new Distributor(() => host.wakeSend());
  }

  /** Starts reading from a publisher and sends it every current subscription. */
  attach(pipe: Pipe): boolean {
    // Subscriptions queued before the connection completes must not be conflated away.
    pipe.outbound.conflate = false;
    this.#pipes.add(pipe);
    this.#fq.attach(pipe);
    this.#dist.attach(pipe);
    this.#sendSubscriptions(pipe);
    return true;
  }

  /** The connection behind a pipe was re-established: the new publisher needs every subscription again. */
  hiccup(pipe: Pipe): void {
    this.#sendSubscriptions(pipe);
  }

  /** Stops using a pipe (its queued input is still delivered). */
  detach(pipe: Pipe): void {
    this.#pipes.delete(pipe);
    this.#fq.detach(pipe);
    this.#dist.detach(pipe);
  }

  #sendSubscriptions(pipe: Pipe): void {
    // Subscriptions bypass the high-water mark (libzmq would drop them when full).
    for (const { topic } of this.#counts.values()) pipe.outbound.write(subscriptionMessage(topic, true));
  }

  #upstream(message: Multipart): void {
    for (const pipe of this.#pipes) pipe.outbound.write(message);
  }

  /**
   * Counts a subscription and sends it upstream (every subscribe is sent,
   * duplicates too). `message` is what to send; by default the subscription
   * intent, which the engine encodes as a ZMTP 3.1 SUBSCRIBE command.
   */
  subscribe(topic: Uint8Array, message?: Multipart): void {
    const key = topicKey(topic);
    const entry = this.#counts.get(key);
    if (entry !== undefined) entry.count++;
    else {
      const copy = topic.slice();
      this.#counts.set(key, { topic: copy, count: 1 });
      if (!this.#disposed) this.#trie.add(copy, SELF);
    }
    this.#upstream(message ?? subscriptionMessage(topic, true));
  }

  /** Uncounts a subscription; the cancel goes upstream only when the count reaches zero. */
  unsubscribe(topic: Uint8Array, message?: Multipart): void {
    const key = topicKey(topic);
    const entry = this.#counts.get(key);
    if (entry === undefined) return;
    if (--entry.count > 0) return;
    this.#counts.delete(key);
    if (!this.#disposed) this.#trie.remove(entry.topic, SELF);
    this.#upstream(message ?? subscriptionMessage(topic, false));
  }

  /** Number of distinct topics subscribed to. */
  get topicCount(): number {
    return this.#counts.size;
  }

  /**
   * XSUB: `\x01topic`/`\x00topic` (un)subscribe and go upstream as they are
   * (a plain message, as libzmq's XSUB sends them); other messages go to
   * every publisher. Never waits: a full publisher's copy is dropped.
   */
  send(message: Multipart): boolean {
    if (this.#filter) throw new ZmqError("ENOTSUP", "Subscriber sockets cannot send; use subscribe()/unsubscribe()");
    if (message.length === 1) {
      const frame = message[0];
      if (frame.length > 0 && frame[0] <= 1) {
        if (frame[0] === 1) this.subscribe(frame.subarray(1), message);
        else this.unsubscribe(frame.subarray(1), message);
        return true;
      }
    } else {
      // libzmq looks at every frame of a multipart message; the message still goes upstream whole.
      for (const frame of message) {
        if (frame.length === 0 || frame[0] > 1) continue;
        const topic = frame.subarray(1);
        if (frame[0] === 1) this.#count(topic, 1);
        else this.#count(topic, -1);
      }
    }
    this.#dist.sendToAll(message);
    return true;
  }

  /** Adjusts a reference count without sending anything. */
  #count(topic: Uint8Array, delta: 1 | -1): void {
    const key = topicKey(topic);
    const entry = this.#counts.get(key);
    if (delta === 1) {
      if (entry !== undefined) entry.count++;
      else {
        const copy = topic.slice();
        this.#counts.set(key, { topic: copy, count: 1 });
        if (!this.#disposed) this.#trie.add(copy, SELF);
      }
    } else if (entry !== undefined && --entry.count === 0) {
      this.#counts.delete(key);
      if (!this.#disposed) this.#trie.remove(entry.topic, SELF);
    }
  }

  /** Whether a message's first frame passes the local filter. */
  #matches(first: Uint8Array): boolean {
    const counts = this.#counts;
    let hit: boolean;
    if (counts.size === 0) hit = false;
    else if (counts.has("")) hit = true;
    else if (this.#disposed) hit = false;
    else hit = this.#trie.matchInto(first, this.#oneMatch) > 0;
    return hit !== this.#host.option("invertMatching");
  }

  /** The next message (SUB: the next one that passes the filter; the others are dropped whole). */
  recv(): Multipart | undefined {
    const prefetched = this.#prefetched;
    if (prefetched !== undefined) {
      this.#prefetched = undefined;
      return prefetched;
    }
    for (;;) {
      const message = this.#fq.recv();
      if (message === undefined || !this.#filter || this.#matches(message[0])) return message;
    }
  }

  /** Whether a message (SUB: a matching one) is waiting. */
  hasIn(): boolean {
    if (this.#prefetched !== undefined) return true;
    if (!this.#filter) return this.#fq.hasIn();
    this.#prefetched = this.recv();
    return this.#prefetched !== undefined;
  }

  /** XSUB can always send (it drops for full publishers); SUB cannot send. */
  hasOut(): boolean {
    return !this.#filter;
  }

  /** Frees the subscription trie (the socket is closed). */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#trie.dispose();
  }
}

/** Options of {@linkcode XSubscriber}: its assignable properties, and the `context`. */
export type XSubscriberOptions = SocketOptions<XSubscriber>;

/** What a XSUB socket can do (Readable, Writable) and its options, as properties. */
export interface XSubscriber extends Readable, Writable, OptionsOf<"XSUB"> {}

/**
 * An XSUB socket: subscribes by sending `\x01topic` and unsubscribes by
 * sending `\x00topic` (reference-counted locally, forwarded to every
 * publisher); any other message it sends goes upstream to every publisher.
 * It receives everything its publishers send, unfiltered, and resends its
 * subscriptions after each reconnect. It is the upstream half of a pub/sub
 * proxy, with an {@linkcode XPublisher}.
 *
 * @example Usage
 * ```ts
 * import { XPublisher, XSubscriber } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using xpub = new XPublisher();
 * await xpub.bind("tcp://127.0.0.1:*");
 * await using xsub = new XSubscriber();
 * xsub.connect(xpub.lastEndpoint!);
 * await xsub.send("\x01prices");
 * const [note] = await xpub.receive();
 * assert.equal(new TextDecoder().decode(note), "\x01prices");
 * await xpub.send("prices: up");
 * const [msg] = await xsub.receive();
 * assert.equal(new TextDecoder().decode(msg), "prices: up");
 * ```
 */
export class XSubscriber extends Socket {
  /** Makes an XSUB socket (linger defaults to 0). */
  constructor(options?: XSubscriberOptions) {
    super(10, options);
  }

  /** Closes the socket (see {@linkcode Socket.close}) and frees its subscription table. */
  override close(): void {
    super.close();
    (patternOf(this) as XSubPattern).dispose();
  }

  /** ZMQ_TOPICS_COUNT: number of distinct prefixes currently subscribed to. */
  get topicCount(): number {
    return (patternOf(this) as XSubPattern).topicCount;
  }
}

defineSocketType({ name: "XSUB", makePattern: (host) => new XSubPattern(host, false) });
