/**
 * Pipes: the only place where messages queue. A {@linkcode MessageQueue} is
 * one direction, bounded by a high-water mark counted in whole messages; a
 * {@linkcode Pipe} is a socket's view of one peer: an inbound and an
 * outbound queue plus what the socket knows of that peer.
 *
 * @module
 */

import type { Metadata } from "./codec/command.ts";
import { Deque } from "./deque.ts";
import type { Multipart } from "./types.ts";

/**
 * A bounded first-in first-out queue of whole messages with one writer and
 * one reader. The writer is told when it may write again (the queue fell to
 * its low-water mark after being full); the reader is told when the queue
 * stops being empty, and when the writer ends it.
 *
 * @example Usage
 * ```ts
 * import { MessageQueue } from "./pipe.ts";
 * import assert from "node:assert/strict";
 * const q = new MessageQueue(2);
 * q.write([new Uint8Array(1)]);
 * q.write([new Uint8Array(2)]);
 * assert.equal(q.writable, false);
 * assert.equal(q.read()?.[0].length, 1);
 * const latest = new MessageQueue(2, true); // conflate: only the newest message stays
 * for (let i = 1; i <= 3; i++) latest.write([new Uint8Array(i)]);
 * assert.equal(latest.length, 1);
 * assert.equal(latest.read()?.[0].length, 3);
 * ```
 */
export class MessageQueue {
  /** The high-water mark; 0 means no limit. */
  hwm: number;
  /**
   * ZMQ_CONFLATE: keep only the newest message. A write replaces whatever is
   * queued and the high-water mark is ignored (the queue is always writable).
   * Multipart messages are kept whole (libzmq keeps only one frame).
   */
  conflate: boolean;
  #items = new Deque<Multipart>();
  #wasFull = false;
  #ended = false;
  /** Called when the queue stops being empty, or when the writer ends it. */
  onReadable: (() => void) | null = null;
  /** Called when the queue falls to its low-water mark after having been full. */
  onWritable: (() => void) | null = null;

  /** Makes a queue holding up to `hwm` messages (0 = unlimited), or only the newest with `conflate`. */
  constructor(hwm: number, conflate = false) {
    this.hwm = hwm;
    this.conflate = conflate;
  }

  /** Messages queued. */
  get length(): number {
    return this.#items.length;
  }

  /** Whether a message can be written without passing the high-water mark. */
  get writable(): boolean {
    if (this.#ended) return false;
    if (this.conflate) return true;
    if (this.hwm > 0 && this.#items.length >= this.hwm) {
      this.#wasFull = true;
      return false;
    }
    return true;
  }

  /** Whether the writer has ended the queue. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Appends a message. Callers check {@linkcode MessageQueue.writable} first;
   * writing past the mark is allowed (a network read may overshoot by what one
   * read delivered) and marks the queue full.
   */
  write(message: Multipart): void {
    if (this.#ended) return;
    const items = this.#items;
    if (this.conflate && items.length > 0) {
      // Replace the queued message; the reader already knows the queue is not empty.
      while (items.length > 0) items.shift();
      items.push(message);
      return;
    }
    items.push(message);
    if (this.hwm > 0 && items.length >= this.hwm) this.#wasFull = true;
    if (items.length === 1) this.onReadable?.();
  }

  /** Puts a message back at the front (for a reader that could not use it yet). */
  unread(message: Multipart): void {
    this.#items.unshift(message);
  }

  /** Removes and returns the oldest message, or `undefined`. */
  read(): Multipart | undefined {
    const message = this.#items.shift();
    if (this.#wasFull && message !== undefined && this.#items.length <= this.lowWaterMark) {
      this.#wasFull = false;
      this.onWritable?.();
    }
    return message;
  }

  /** The oldest message without removing it. */
  peek(): Multipart | undefined {
    return this.#items.peek();
  }

  /** The level at which a full queue becomes writable again. */
  get lowWaterMark(): number {
    return this.hwm > 0 ? this.hwm - ((this.hwm + 1) >> 1) : 0;
  }

  /** Drops every queued message (and wakes a blocked writer). */
  clear(): void {
    this.#items.clear();
    if (this.#wasFull) {
      this.#wasFull = false;
      this.onWritable?.();
    }
  }

  /** The writer will write no more; the reader may still drain what is queued. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.onReadable?.();
  }
}

let nextPipeId = 1;

/**
 * A socket's view of one peer: the messages coming from it and going to it,
 * its routing id and the metadata it announced.
 *
 * @example Usage
 * ```ts
 * import { Pipe } from "./pipe.ts";
 * import assert from "node:assert/strict";
 * const pipe = new Pipe({ sendHighWaterMark: 10, receiveHighWaterMark: 10, endpoint: "tcp://127.0.0.1:5555" });
 * assert.equal(pipe.outbound.hwm, 10);
 * assert.ok(pipe.id > 0);
 * ```
 */
export class Pipe {
  /** A process-unique number (used as the peer id in subscription tries). */
  readonly id: number = nextPipeId++;
  /** Messages from the peer, read by the socket. */
  readonly inbound: MessageQueue;
  /** Messages to the peer, written by the socket. */
  readonly outbound: MessageQueue;
  /** The endpoint this pipe came from (bind or connect address). */
  readonly endpoint: string;
  /** The peer's routing id, as the socket knows it (Router). */
  routingId: Uint8Array = new Uint8Array(0);
  /** The metadata the peer announced in its handshake. */
  properties: Metadata = new Map();
  /** The `User-Id` the server's ZAP handler gave this peer (libzmq's message property); `""` when none. */
  userId = "";
  /** Properties the server's ZAP handler attached to this peer's connection (libzmq exposes them per message). */
  zapProperties: Metadata = new Map();
  /** The ZMTP minor version the connection negotiated (0 or 1); `-1` for inproc. */
  zmtpMinor = 1;
  /** Set once the pipe is detached from its socket. */
  detached = false;
  /**
   * Whether the queues are shared with a peer socket's pipe (inproc, see
   * {@linkcode Pipe.overQueues}): the peer reads this pipe's outbound queue
   * directly, so detaching ends that queue instead of dropping it, and the
   * peer can still drain what was sent, as with libzmq's inproc pipes.
   */
  readonly shared: boolean = false;
  /** Per-pattern scratch space (e.g. subscription state); owned by the socket type. */
  state: unknown = undefined;
  /** Fair-queue bookkeeping (src/routing/fq.ts): attached, and in the active list. */
  fqAttached = false;
  /** Whether the fair queue counts this pipe as possibly readable. */
  fqActive = false;
  /** Load-balancer bookkeeping (src/routing/lb.ts): attached, and in the active list. */
  lbAttached = false;
  /** Whether the load balancer counts this pipe as writable. */
  lbActive = false;

  /** Makes a pipe with the given high-water marks; `conflate` makes both queues keep only the newest message. */
  constructor(
    options: { sendHighWaterMark: number; receiveHighWaterMark: number; endpoint: string; conflate?: boolean },
  ) {
    this.inbound = new MessageQueue(options.receiveHighWaterMark, options.conflate ?? false);
    this.outbound = new MessageQueue(options.sendHighWaterMark, options.conflate ?? false);
    this.endpoint = options.endpoint;
  }

  /**
   * Makes a pipe over two existing queues, for inproc: one socket's outbound
   * queue is its peer's inbound queue and the other way round, so messages
   * pass from socket to socket without a copy.
   *
   * @example Usage
   * ```ts
   * import { MessageQueue, Pipe } from "./pipe.ts";
   * import assert from "node:assert/strict";
   * const aToB = new MessageQueue(10);
   * const bToA = new MessageQueue(10);
   * const a = Pipe.overQueues(bToA, aToB, "inproc://x");
   * const b = Pipe.overQueues(aToB, bToA, "inproc://x");
   * a.outbound.write([new Uint8Array([1])]);
   * assert.equal(b.inbound.read()?.[0][0], 1);
   * assert.ok(a.shared && b.shared);
   * ```
   */
  static overQueues(inbound: MessageQueue, outbound: MessageQueue, endpoint: string): Pipe {
    const pipe = new Pipe({ sendHighWaterMark: 0, receiveHighWaterMark: 0, endpoint });
    const own = pipe as { -readonly [K in "inbound" | "outbound" | "shared"]: Pipe[K] };
    own.inbound = inbound;
    own.outbound = outbound;
    own.shared = true;
    pipe.zmtpMinor = -1;
    return pipe;
  }
}
