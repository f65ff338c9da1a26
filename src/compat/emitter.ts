/**
 * A small event emitter with the semantics of Node's `EventEmitter` that
 * zeromq 5 programs rely on (`on`, `once`, `off`, `emit`, `removeAllListeners`,
 * listener order, an `error` event without listener throws), written
 * without any runtime import so the v5 compatibility layer runs on Deno,
 * Node and Bun alike.
 *
 * @module
 */

/** A listener; zeromq 5 passes message frames, monitor values or errors, loosely typed. */
// deno-lint-ignore no-explicit-any
export type Listener = (...args: any[]) => void;

interface Entry {
  listener: Listener;
  once: boolean;
}

/**
 * An event emitter with Node's `EventEmitter` behaviour for the methods it
 * has: listeners run synchronously in the order they were added, `emit`
 * returns whether any ran, and emitting `"error"` with no `"error"`
 * listener throws the error.
 *
 * @example Usage
 * ```ts
 * import { Emitter } from "./emitter.ts";
 * import assert from "node:assert/strict";
 * const emitter = new Emitter();
 * const seen: string[] = [];
 * emitter.on("message", (a: string, b: string) => seen.push(a + b));
 * emitter.once("message", () => seen.push("once"));
 * assert.equal(emitter.emit("message", "x", "y"), true);
 * emitter.emit("message", "z", "");
 * assert.deepEqual(seen, ["xy", "once", "z"]);
 * assert.throws(() => emitter.emit("error", new Error("boom")), /boom/);
 * ```
 */
export class Emitter {
  #events = new Map<string | symbol, Entry[]>();
  #maxListeners = 10;

  #add(event: string | symbol, listener: Listener, once: boolean, prepend: boolean): this {
    if (typeof listener !== "function") {
      throw new TypeError(`The "listener" argument must be a function, got ${typeof listener}`);
    }
    if (this.#events.has("newListener")) this.emit("newListener", event, listener);
    const entries = this.#events.get(event) ?? [];
    const entry = { listener, once };
    // A new array each time: an emit in progress keeps iterating its own snapshot.
    this.#events.set(event, prepend ? [entry, ...entries] : [...entries, entry]);
    return this;
  }

  /** Adds `listener` for `event` (after the existing ones). */
  on(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, false, false);
  }

  /** Same as {@linkcode Emitter.on}. */
  addListener(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, false, false);
  }

  /** Adds `listener` for `event` before the existing ones. */
  prependListener(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, false, true);
  }

  /** Adds `listener` for the next `event` only. */
  once(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, true, false);
  }

  /** Adds `listener` for the next `event` only, before the existing ones. */
  prependOnceListener(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, true, true);
  }

  /** Removes the most recently added registration of `listener` for `event`. */
  off(event: string | symbol, listener: Listener): this {
    const entries = this.#events.get(event);
    if (entries === undefined) return this;
    const at = entries.findLastIndex((e) => e.listener === listener);
    if (at < 0) return this;
    const rest = entries.filter((_, i) => i !== at);
    if (rest.length === 0) this.#events.delete(event);
    else this.#events.set(event, rest);
    if (this.#events.has("removeListener")) this.emit("removeListener", event, listener);
    return this;
  }

  /** Same as {@linkcode Emitter.off}. */
  removeListener(event: string | symbol, listener: Listener): this {
    return this.off(event, listener);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.#events.clear();
    else this.#events.delete(event);
    return this;
  }

  /**
   * Calls the listeners of `event` with `args`, in order; returns whether
   * there were any. With no `"error"` listener, `emit("error", err)` throws
   * `err` (or an `Error` saying what was emitted).
   */
  // deno-lint-ignore no-explicit-any
  emit(event: string | symbol, ...args: any[]): boolean {
    const entries = this.#events.get(event);
    if (entries === undefined) {
      if (event === "error") {
        const err = args[0];
        if (err instanceof Error) throw err;
        throw new Error(`Unhandled error event (${String(err)})`, { cause: err });
      }
      return false;
    }
    if (entries.some((e) => e.once)) {
      const kept = entries.filter((e) => !e.once);
      if (kept.length === 0) this.#events.delete(event);
      else this.#events.set(event, kept);
    }
    for (const entry of entries) entry.listener.apply(this, args);
    return true;
  }

  /** The listeners of `event`, in call order. */
  listeners(event: string | symbol): Listener[] {
    return (this.#events.get(event) ?? []).map((e) => e.listener);
  }

  /** Same as {@linkcode Emitter.listeners} (once-listeners are not wrapped here). */
  rawListeners(event: string | symbol): Listener[] {
    return this.listeners(event);
  }

  /** How many listeners `event` has. */
  listenerCount(event: string | symbol): number {
    return this.#events.get(event)?.length ?? 0;
  }

  /** The events that have listeners. */
  eventNames(): (string | symbol)[] {
    return [...this.#events.keys()];
  }

  /** Kept for Node compatibility; this emitter never warns about many listeners. */
  setMaxListeners(n: number): this {
    this.#maxListeners = n;
    return this;
  }

  /** The value last given to {@linkcode Emitter.setMaxListeners} (default 10). */
  getMaxListeners(): number {
    return this.#maxListeners;
  }
}
