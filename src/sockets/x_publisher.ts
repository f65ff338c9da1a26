/**
 * XPUB: a publisher that shows its application the subscriptions arriving
 * from subscribers (`\x01topic` / `\x00topic`) and any other upstream data.
 * Publisher is the same machinery with the reporting switched off.
 *
 * @module
 */

import { Deque } from "../deque.ts";
import { ZmqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import { Distributor } from "../routing/dist.ts";
import type { Mtrie } from "../routing/mtrie.ts";
import { createMtrie } from "../routing/mtrie_select.ts";
import type { Multipart } from "../types.ts";
import { notification, topicKey, topicsOf } from "../routing/subscriptions.ts";
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

/** A message waiting for an XPUB application, with the pipe a subscription came from. */
interface Pending {
  message: Multipart;
  /** For a subscription notification: its pipe (null after a disconnect); undefined for data. */
  pipe: Pipe | null | undefined;
}

const NOOP = (): void => {};

/**
 * PUB and XPUB behaviour (libzmq's `xpub_t`, of which `pub_t` is a thin
 * variant): fan-out through a {@linkcode Distributor} to the pipes whose
 * subscriptions (a multi-trie of prefix → peer ids) match the first frame.
 */
export class XPubPattern implements Pattern {
  readonly #host: PatternHost;
  /** PUB: no notifications, no upstream data, no welcome message, no manual mode. */
  readonly #isPub: boolean;
  readonly #dist: Distributor;
  readonly #subscriptions: Mtrie = createMtrie();
  /**
   * Peer ids in the trie are small and dense (reused after a disconnect), as
   * the trie wants; pipe ids only ever grow. `#peers[id]` is the pipe.
   */
  readonly #peers: (Pipe | undefined)[] = [];
  readonly #peerIds = new Map<Pipe, number>();
  readonly #freeIds: number[] = [];
  #matches = new Uint32Array(64);
  /** XPUB: each peer's topics as it asked for them (for manual mode and verboser disconnect reports). */
  readonly #requested = new Map<Pipe, Map<string, Uint8Array>>();
  readonly #pending = new Deque<Pending>();
  #lastPipe: Pipe | null = null;
  #disposed = false;

  /** Makes the pattern; `isPub` selects plain PUB behaviour. */
  constructor(host: PatternHost, isPub: boolean) {
    this.#host = host;
    this.#isPub = isPub;
    this.#dist = new Distributor(() => host.wakeSend());
  }

  /** Starts publishing to a subscriber: sends the welcome message, reads its subscriptions. */
  attach(pipe: Pipe): boolean {
    const id = this.#freeIds.pop() ?? this.#peers.length;
    this.#peers[id] = pipe;
    this.#peerIds.set(pipe, id);
    this.#dist.attach(pipe);
    if (!this.#isPub) {
      this.#requested.set(pipe, new Map());
      const welcome = this.#host.option("welcomeMessage");
      // Straight to the pipe: not filtered by subscriptions, not subject to the high-water mark.
      if (welcome !== null && welcome.length > 0) pipe.outbound.write([new TextEncoder().encode(welcome)]);
    }
    // Subscriptions are handled as they arrive, so none is ever conflated away.
    pipe.inbound.conflate = false;
    pipe.inbound.onReadable = () => this.#readFrom(pipe);
    this.#readFrom(pipe);
    return true;
  }

  /** A subscriber is gone: its subscriptions go, and topics nobody else wants are reported. */
  detach(pipe: Pipe): void {
    this.#readFrom(pipe);
    pipe.inbound.onReadable = null;
    this.#dist.detach(pipe);
    const requested = this.#requested.get(pipe);
    this.#requested.delete(pipe);
    if (this.#lastPipe === pipe) this.#lastPipe = null;
    const id = this.#peerIds.get(pipe);
    if (id === undefined) return;
    this.#peerIds.delete(pipe);
    this.#peers[id] = undefined;
    if (this.#disposed) return;
    const trie = this.#subscriptions;
    if (this.#isPub || requested === undefined) {
      trie.removePeer(id, NOOP);
    } else if (this.#host.option("manual")) {
      // Report every topic the peer had asked for; the application decides what that means.
      for (const topic of requested.values()) this.#notify(notification(topic, false), null);
      trie.removePeer(id, NOOP);
    } else if (this.#host.option("verboser")) {
      for (const topic of requested.values()) {
        trie.remove(topic, id);
        this.#notify(notification(topic, false), null);
      }
      trie.removePeer(id, NOOP);
    } else {
      trie.removePeer(id, (topic) => this.#notify(notification(topic, false), null));
    }
    // Every pair of this id is gone from the trie, so the id can serve a new peer.
    this.#freeIds.push(id);
  }

  #readFrom(pipe: Pipe): void {
    const inbound = pipe.inbound;
    for (let message = inbound.read(); message !== undefined; message = inbound.read()) {
      this.#process(pipe, message);
    }
  }

  /**
   * Every frame whose first byte is 0 or 1 is an (un)subscription, in either
   * wire form (the engine turns SUBSCRIBE/CANCEL commands into such
   * messages). Other frames are upstream data: XPUB delivers them as one
   * message, PUB drops them.
   */
  #process(pipe: Pipe, message: Multipart): void {
    if (this.#disposed) return;
    if (message.length === 1) {
      const frame = message[0];
      if (frame.length > 0 && frame[0] <= 1) this.#subscription(pipe, frame);
      else if (!this.#isPub) this.#notify(message, undefined);
      return;
    }
    let data: Multipart | null = null;
    for (const frame of message) {
      if (frame.length > 0 && frame[0] <= 1) this.#subscription(pipe, frame);
      else if (!this.#isPub) (data ??= []).push(frame);
    }
    if (data !== null) this.#notify(data, undefined);
  }

  /** Applies `\x01topic`/`\x00topic` from a pipe and queues the notification XPUB's options call for. */
  #subscription(pipe: Pipe, frame: Uint8Array): void {
    const id = this.#peerIds.get(pipe);
    if (id === undefined) return;
    const subscribe = frame[0] === 1;
    const topic = frame.subarray(1);
    if (this.#isPub) {
      if (subscribe) this.#subscriptions.add(topic, id);
      else this.#subscriptions.remove(topic, id);
      return;
    }
    const host = this.#host;
    const requested = this.#requested.get(pipe);
    if (requested !== undefined) {
      if (subscribe) requested.set(topicKey(topic), topic.slice());
      else requested.delete(topicKey(topic));
    }
    if (host.option("manual")) {
      this.#notify([frame], pipe);
      return;
    }
    let notify: boolean;
    if (subscribe) {
      const first = this.#subscriptions.add(topic, id);
      notify = first || host.option("verbose") || host.option("verboser");
    } else {
      const result = this.#subscriptions.remove(topic, id);
      notify = result !== "values_remain" || host.option("verboser");
    }
    if (notify) this.#notify([frame], pipe);
  }

  #notify(message: Multipart, pipe: Pipe | null | undefined): void {
    this.#pending.push({ message, pipe });
    if (this.#pending.length === 1) this.#host.wakeReceive();
  }

  /** Fans a message out to the matching subscribers; `false` only with `noDrop` when one of them is full. */
  send(message: Multipart): boolean {
    const dist = this.#dist;
    dist.unmatch();
    if (this.#disposed) return true;
    let matches = this.#matches;
    let n = this.#subscriptions.matchInto(message[0], matches);
    if (n > matches.length) {
      matches = this.#matches = new Uint32Array(2 * n);
      n = this.#subscriptions.matchInto(message[0], matches);
    }
    const peers = this.#peers;
    for (let i = 0; i < n; i++) dist.match(peers[matches[i]]!);
    const host = this.#host;
    if (host.option("invertMatching")) dist.reverseMatch();
    if (host.option("noDrop") && !dist.checkHwm()) {
      dist.unmatch();
      return false;
    }
    dist.sendToMatching(message);
    return true;
  }

  /** XPUB: the next notification or upstream message. PUB: ENOTSUP. */
  recv(): Multipart | undefined {
    if (this.#isPub) throw new ZmqError("ENOTSUP", "Publisher sockets cannot receive; use a Subscriber socket");
    const entry = this.#pending.shift();
    if (entry === undefined) return undefined;
    if (entry.pipe !== undefined && this.#host.option("manual")) this.#lastPipe = entry.pipe;
    return entry.message;
  }

  /** Whether a notification or upstream message is waiting (never for PUB). */
  hasIn(): boolean {
    return !this.#isPub && this.#pending.length > 0;
  }

  /** Fan-out never blocks (with `noDrop`, `send()` decides per message). */
  hasOut(): boolean {
    return this.#dist.hasOut();
  }

  /** Manual mode: subscribes the pipe of the last subscription received to `topic`. */
  manualSubscribe(topic: Uint8Array, subscribe: boolean): void {
    if (!this.#host.option("manual")) {
      throw new ZmqError("EINVAL", "XPublisher.subscribe()/unsubscribe() need manual mode (the manual option)");
    }
    const pipe = this.#lastPipe;
    const id = pipe === null ? undefined : this.#peerIds.get(pipe);
    if (id === undefined || this.#disposed) return;
    if (subscribe) this.#subscriptions.add(topic, id);
    else this.#subscriptions.remove(topic, id);
  }

  /** Number of (prefix, subscriber) pairs in force. */
  get subscriptionCount(): number {
    return this.#disposed ? 0 : this.#subscriptions.size;
  }

  /** Frees the subscription trie (the socket is closed; pipes may still be detaching). */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#subscriptions.dispose();
  }
}

/** Options of {@linkcode XPublisher}: its assignable properties, and the `context`. */
export type XPublisherOptions = SocketOptions<XPublisher>;

/** What a XPUB socket can do (Readable, Writable) and its options, as properties. */
export interface XPublisher extends Readable, Writable, OptionsOf<"XPUB"> {}

/**
 * An XPUB socket: a {@linkcode Publisher} whose application also receives
 * the subscriptions (`\x01topic`, `\x00topic`) and any other messages the
 * subscribers send upstream. By default a subscribe is reported only when it
 * is the first for its topic across all subscribers, and an unsubscribe
 * only when no subscriber is left; `verbose`/`verboser` report more. It is
 * the downstream half of a pub/sub proxy, with an {@linkcode XSubscriber}.
 *
 * @example Usage
 * ```ts
 * import { Subscriber, XPublisher } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using xpub = new XPublisher();
 * await xpub.bind("tcp://127.0.0.1:*");
 * await using sub = new Subscriber();
 * sub.connect(xpub.lastEndpoint!);
 * sub.subscribe("weather");
 * const [note] = await xpub.receive();
 * assert.equal(new TextDecoder().decode(note), "\x01weather");
 * await xpub.send(["weather", "sunny"]);
 * const [, forecast] = await sub.receive();
 * assert.equal(new TextDecoder().decode(forecast), "sunny");
 * ```
 */
export class XPublisher extends Socket {
  /** Makes an XPUB socket. */
  constructor(options?: XPublisherOptions) {
    super(9, options);
  }

  /**
   * Manual mode only: subscribes the subscriber whose subscription message
   * was received last to the given prefixes (all messages when none is
   * given). Throws a `ZmqError` EINVAL without `manual`.
   *
   * @example Usage
   * ```ts
   * import { XPublisher } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * await using xpub = new XPublisher();
   * assert.throws(() => xpub.subscribe("a"), { code: "EINVAL" });
   * ```
   */
  subscribe(...prefixes: (string | Uint8Array)[]): void {
    this.#manual(prefixes, true);
  }

  /** Manual mode only: unsubscribes the subscriber whose subscription message was received last. */
  unsubscribe(...prefixes: (string | Uint8Array)[]): void {
    this.#manual(prefixes, false);
  }

  #manual(prefixes: (string | Uint8Array)[], subscribe: boolean): void {
    if (this.closed) throw new ZmqError("EBADF", "Socket is closed");
    const pattern = patternOf(this) as XPubPattern;
    for (const topic of topicsOf(prefixes)) pattern.manualSubscribe(topic, subscribe);
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

  /**
   * zeromq.js's single switch over ZMQ_XPUB_VERBOSE and ZMQ_XPUB_VERBOSER:
   * `null` reports a subscription only when it is the first for its topic
   * and an unsubscription when the last is gone, `"allSubs"` every
   * subscription (duplicates too), `"allSubsUnsubs"` every subscription and
   * every unsubscription.
   *
   * @example Usage
   * ```ts
   * import { XPublisher } from "../../mod.ts";
   * import assert from "node:assert/strict";
   * await using xpub = new XPublisher({ verbosity: "allSubs" });
   * assert.equal(xpub.verbose, true);
   * xpub.verbosity = "allSubsUnsubs";
   * assert.equal(xpub.verboser, true);
   * ```
   */
  get verbosity(): null | "allSubs" | "allSubsUnsubs" {
    return this.verboser ? "allSubsUnsubs" : this.verbose ? "allSubs" : null;
  }
  set verbosity(value: null | "allSubs" | "allSubsUnsubs") {
    if (value !== null && value !== "allSubs" && value !== "allSubsUnsubs") {
      throw new TypeError(`Option value must be null, "allSubs" or "allSubsUnsubs": verbosity got ${typeof value}`);
    }
    this.verbose = value !== null;
    this.verboser = value === "allSubsUnsubs";
  }
}

defineSocketType({ name: "XPUB", makePattern: (host) => new XPubPattern(host, false) });
