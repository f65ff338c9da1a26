/**
 * Write coalescing: one write carries as much as is queued. An engine asks
 * for a flush whenever something is queued; the coalescer encodes and
 * writes on the next microtask, keeps one write in flight, and after each
 * write waits a few microtask turns while the queue is still growing, so
 * that a producer sending in a loop gets batches rather than one write per
 * handful of messages. Engines of every kind (ZMTP over streams, ZWS over
 * WebSocket messages, datagrams) can drive it with their own
 * {@linkcode WriteSource}.
 *
 * @module
 */

/** Schedules microtasks: a promise job is cheaper than `queueMicrotask` (which Node wraps for async hooks). */
const RESOLVED: Promise<void> = Promise.resolve();
/** A queue this long is written at once, without waiting for more. */
export const COALESCE_MESSAGES = 1024;
/** Write once the queue has not grown for this many microtask turns. */
const COALESCE_IDLE_TURNS = 3;
/** Never wait more than this many microtask turns for a batch. */
const COALESCE_MAX_TURNS = 2048;

/** What a coalescer writes: an engine's encoder over its queues. */
export interface WriteSource {
  /** Encodes what is waiting into one batch and returns its buffers, or `null` when nothing is waiting. */
  fill(): Uint8Array[] | null;
  /** Messages waiting that could join the next batch. */
  backlog(): number;
  /** Whether something is waiting that should not wait for a batch (a command). */
  urgent(): boolean;
}

/** Where a coalescer's batches go, and whom it tells. */
export interface WriteSink {
  /** Writes one batch; resolves once its buffers may be reused, rejects when the connection failed. */
  write(chunks: Uint8Array[]): Promise<void>;
  /** A write failed (the connection is gone). */
  failed(error: Error): void;
  /** A flush found nothing to write (the queues are drained). */
  idle(): void;
}

/**
 * Batches an engine's writes.
 *
 * @example Usage
 * ```ts
 * import { WriteCoalescer } from "./write_coalescer.ts";
 * import assert from "node:assert/strict";
 * const queue: Uint8Array[] = [];
 * const written: number[] = [];
 * const coalescer = new WriteCoalescer(
 *   { fill: () => (queue.length > 0 ? queue.splice(0) : null), backlog: () => queue.length, urgent: () => false },
 *   { write: (chunks) => (written.push(chunks.length), Promise.resolve()), failed: () => {}, idle: () => {} },
 * );
 * for (let i = 0; i < 10; i++) {
 *   queue.push(new Uint8Array(1));
 *   coalescer.schedule();
 * }
 * await new Promise((resolve) => setTimeout(resolve, 0));
 * assert.deepEqual(written, [10]); // one write for ten queued buffers
 * ```
 */
export class WriteCoalescer {
  readonly #source: WriteSource;
  readonly #sink: WriteSink;
  #writing = false;
  #scheduled = false;
  #stopped = false;
  /** The write in flight (or the last one). */
  #lastWrite: Promise<void> = RESOLVED;
  #last = 0;
  #idleTurns = 0;
  #turns = 0;

  /** Makes a coalescer that takes batches from `source` and writes them to `sink`. */
  constructor(source: WriteSource, sink: WriteSink) {
    this.#source = source;
    this.#sink = sink;
  }

  /** Whether a write is in flight. */
  get writing(): boolean {
    return this.#writing;
  }

  /** Resolves once the write in flight (if any) is done, whatever its outcome. */
  settled(): Promise<void> {
    return this.#writing ? this.#lastWrite.catch(() => {}) : RESOLVED;
  }

  /** Something was queued: flush on the next microtask unless a flush or a write is already due. */
  schedule(): void {
    if (this.#scheduled || this.#writing || this.#stopped) return;
    this.#scheduled = true;
    RESOLVED.then(this.#flush);
  }

  /** No more writes (the engine ended). */
  stop(): void {
    this.#stopped = true;
  }

  /**
   * Writes buffers at once, outside any batch (an engine's first bytes, the
   * greeting). Nothing may be in flight: call it before anything else.
   */
  writeNow(chunks: Uint8Array[]): void {
    if (this.#writing) throw new Error("WriteCoalescer.writeNow() while a write is in flight");
    this.#write(chunks);
  }

  #write(chunks: Uint8Array[]): void {
    this.#writing = true;
    (this.#lastWrite = this.#sink.write(chunks)).then(this.#afterWrite, (error) => {
      this.#writing = false;
      this.#sink.failed(error);
    });
  }

  #flush = (): void => {
    this.#scheduled = false;
    if (this.#writing || this.#stopped) return;
    const chunks = this.#source.fill();
    if (chunks === null) {
      this.#sink.idle();
      return;
    }
    this.#write(chunks);
  };

  /**
   * A write finished. Writes often finish without the event loop turning
   * (the runtimes complete them at once when the kernel has room), so a
   * producer sending in a loop would otherwise get one write per handful of
   * messages. While the queue keeps growing, wait a few microtask turns so
   * the next write carries a real batch; flush as soon as it stops growing.
   */
  #afterWrite = (): void => {
    this.#writing = false;
    if (this.#stopped) return;
    const queued = this.#source.backlog();
    if (queued === 0 || queued >= COALESCE_MESSAGES || this.#source.urgent()) {
      this.#flush();
      return;
    }
    this.#scheduled = true;
    this.#last = queued;
    this.#idleTurns = 0;
    this.#turns = 0;
    RESOLVED.then(this.#turn);
  };

  /** One microtask turn of waiting for a batch. */
  #turn = (): void => {
    if (this.#stopped) return;
    const queued = this.#source.backlog();
    if (queued === this.#last) this.#idleTurns++;
    else this.#idleTurns = 0;
    this.#last = queued;
    if (queued >= COALESCE_MESSAGES || this.#idleTurns >= COALESCE_IDLE_TURNS || ++this.#turns >= COALESCE_MAX_TURNS) {
      this.#flush();
    } else {
      RESOLVED.then(this.#turn);
    }
  };
}
