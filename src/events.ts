/**
 * Socket events with zeromq.js's names and shapes, and the observer that
 * delivers them (async iteration, `receive()`, or `on`/`off` listeners).
 *
 * @module
 */

import type { MechanismName, Metadata } from "./types.ts";
import { Deque } from "./deque.ts";
import { ZmqError } from "./errors.ts";

/** An event about an endpoint. */
export interface EventAddress {
  /** The endpoint (bind/connect address, or the peer's address for accepted connections). */
  address: string;
}

/**
 * What a peer announced in its handshake: carried by `handshake` events,
 * and by `handshake:error:protocol` events once the peer's READY arrived
 * (e.g. an incompatible socket type). zmq-ts's addition: zeromq.js events
 * carry no such field.
 */
export interface PeerHandshake {
  /** The peer's `Socket-Type` (`"ROUTER"`, `"PUB"`, ...), or `""` if it sent none. */
  socketType: string;
  /** The security mechanism of the connection (both sides use the same). */
  mechanism: MechanismName;
  /** The ZMTP version in use: `"3.1"` or `"3.0"`. */
  zmtpVersion: string;
  /** Every property of the peer's READY (or CURVE/PLAIN INITIATE), by name, as sent. */
  metadata: Metadata;
}

/** Every event a socket reports. */
export type SocketEvent =
  | { type: "accept"; address: string }
  | { type: "accept:error"; address: string; error: Error }
  | { type: "bind"; address: string }
  | { type: "bind:error"; address: string; error: Error }
  | { type: "connect"; address: string }
  | { type: "connect:delay"; address: string }
  | { type: "connect:retry"; address: string; interval: number }
  /** A connect that cannot succeed by retrying (the runtime refuses it: a missing Deno permission); no retry follows. */
  | { type: "connect:error"; address: string; error: Error }
  | { type: "close"; address: string }
  | { type: "close:error"; address: string; error: Error }
  | { type: "disconnect"; address: string; error?: Error }
  | { type: "end" }
  | { type: "handshake"; address: string; peer?: PeerHandshake }
  | { type: "handshake:error:protocol"; address: string; error: Error; peer?: PeerHandshake }
  | { type: "handshake:error:auth"; address: string; error: Error }
  | { type: "handshake:error:other"; address: string; error: Error }
  | { type: "unknown" };

/** The `type` of a {@linkcode SocketEvent}. */
export type EventType = SocketEvent["type"];

/** The event of one type, e.g. `EventOfType<"connect:retry">`. */
export type EventOfType<T extends EventType> = Extract<SocketEvent, { type: T }>;

/** zeromq.js's text for reading events after `on()`. */
const EMITTER_MODE = "Observer is in event emitter mode. After a call to events.on() it is not possible to read " +
  "events with events.receive().";

/** How many undelivered events an observer keeps before dropping the oldest. */
export const EVENT_QUEUE_LIMIT = 1000;

/**
 * Delivers a socket's events. Use it in one of two ways, as zeromq.js's:
 * iterate it (or call `receive()`), or attach listeners with `on()` (after
 * which `receive()` throws). Events are queued for
 * iteration only once iteration has started, and at most
 * {@linkcode EVENT_QUEUE_LIMIT} are kept, so an unread observer costs nothing.
 *
 * @example Usage
 * ```ts
 * import { Observer } from "./events.ts";
 * import assert from "node:assert/strict";
 * const events = new Observer();
 * const seen: string[] = [];
 * events.on("bind", (e) => seen.push(e.address));
 * events.emit({ type: "bind", address: "tcp://127.0.0.1:5555" });
 * assert.deepEqual(seen, ["tcp://127.0.0.1:5555"]);
 * ```
 */
export class Observer implements AsyncIterable<SocketEvent> {
  #listeners = new Map<EventType, Set<(event: SocketEvent) => void>>();
  #queue = new Deque<SocketEvent>();
  #queueing = false;
  #waiter: { resolve: (e: SocketEvent) => void; reject: (e: Error) => void } | null = null;
  #closed = false;
  #emitterMode = false;

  /** Whether the observer (or its socket) was closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Calls `listener` for every event of `type`. This puts the observer in
   * event emitter mode, as zeromq.js's: `receive()` and iteration are then
   * errors.
   */
  on<T extends EventType>(type: T, listener: (event: EventOfType<T>) => void): this {
    this.#emitterMode = true;
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, set = new Set());
    set.add(listener as (event: SocketEvent) => void);
    return this;
  }

  /** Removes a listener added with {@linkcode Observer.on}. */
  off<T extends EventType>(type: T, listener: (event: EventOfType<T>) => void): this {
    this.#listeners.get(type)?.delete(listener as (event: SocketEvent) => void);
    return this;
  }

  /** Reports an event (used by the socket). */
  emit(event: SocketEvent): void {
    if (this.#closed) return;
    const listeners = this.#listeners.get(event.type);
    if (listeners) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (err) {
          // A throwing listener must not break the socket; report it asynchronously.
          queueMicrotask(() => {
            throw err;
          });
        }
      }
    }
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter.resolve(event);
    } else if (this.#queueing) {
      if (this.#queue.length >= EVENT_QUEUE_LIMIT) this.#queue.shift();
      this.#queue.push(event);
    }
    if (event.type === "end") this.close();
  }

  /**
   * Resolves to the next event. Rejects with `EBADF` once the observer is
   * closed and no event is left, and with `EBUSY` if another `receive()` is
   * already waiting.
   */
  receive(): Promise<SocketEvent> {
    if (this.#emitterMode) throw new Error(EMITTER_MODE);
    this.#queueing = true;
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#closed) return Promise.reject(new ZmqError("EBADF", "Observer is closed"));
    if (this.#waiter) {
      return Promise.reject(new ZmqError("EBUSY", "Observer is busy: only one receive() may wait at a time"));
    }
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  /** Iterates events until the observer closes. */
  async *[Symbol.asyncIterator](): AsyncIterator<SocketEvent> {
    if (this.#emitterMode) throw new Error(EMITTER_MODE);
    this.#queueing = true;
    while (true) {
      const queued = this.#queue.shift();
      if (queued) {
        yield queued;
        continue;
      }
      if (this.#closed) return;
      try {
        yield await this.receive();
      } catch (err) {
        if (this.#closed) return;
        throw err;
      }
    }
  }

  /** Stops delivering events; a waiting `receive()` rejects, iteration ends. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.reject(new ZmqError("EBADF", "Observer is closed"));
  }
}
