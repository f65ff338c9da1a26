/**
 * A context: the runtime sockets use for I/O, and the scope of `inproc://`
 * endpoints and of the ZAP handler. Most programs use the default context
 * (`zmq.context`), which the entry module binds to its runtime.
 *
 * @module
 */

import { ZmqError } from "./errors.ts";
import type { Runtime } from "./runtime/runtime.ts";
import { InprocRegistry } from "./session/inproc_registry.ts";

/**
 * Options of {@linkcode Context}: zeromq.js's context options, and the
 * runtime adapter.
 */
export interface ContextOptions {
  /** ZMQ_BLOCKY: when `false`, new sockets get a `linger` of 0 (a process then exits without waiting). Default true. */
  blocky?: boolean;
  /** ZMQ_IO_THREADS: libzmq's I/O thread count (kept for compatibility: zmq-ts runs on the event loop). Default 1. */
  ioThreads?: number;
  /** ZMQ_MAX_MSGSZ: the largest message the context's sockets may send or receive. Default 2^31 - 1. */
  maxMessageSize?: number;
  /** ZMQ_MAX_SOCKETS: how many sockets may be open at once in the context (EMFILE beyond). Default 1023. */
  maxSockets?: number;
  /** ZMQ_IPV6: the `ipv6` option of new sockets. Default false. */
  ipv6?: boolean;
  /** ZMQ_THREAD_PRIORITY (write-only; kept for compatibility: there are no I/O threads to prioritise). */
  threadPriority?: number;
  /** ZMQ_THREAD_SCHED_POLICY (write-only; kept for compatibility). */
  threadSchedulingPolicy?: number;
  /** The runtime adapter. Default: the runtime of the default context. */
  runtime?: Runtime;
}

/** What a context knows of its sockets: enough to count them and to close them. */
export interface ContextMember {
  /** Closes the socket. */
  close(): void;
}

/** libzmq's numbers of the context options, with their accessor families. */
const CONTEXT_OPTIONS = {
  ioThreads: { id: 1, wire: "Int32" },
  maxSockets: { id: 2, wire: "Int32" },
  maxSocketsLimit: { id: 3, wire: "Int32" },
  threadPriority: { id: 3, wire: "Int32" },
  threadSchedulingPolicy: { id: 4, wire: "Int32" },
  maxMessageSize: { id: 5, wire: "Int32" },
  ipv6: { id: 42, wire: "Bool" },
  blocky: { id: 70, wire: "Bool" },
} as const;

/** libzmq's ZMQ_SOCKET_LIMIT: the largest maxSockets may be. */
const SOCKET_LIMIT = 65535;

let defaultContext: Context | null = null;
let registryOf: (context: Context) => InprocRegistry;
let membersOf: (context: Context) => Members;

/** A set of sockets held weakly. */
class Members {
  readonly #refs = new Set<WeakRef<ContextMember>>();
  readonly #byMember = new WeakMap<ContextMember, WeakRef<ContextMember>>();

  /** How many are open (collected ones no longer count). */
  get size(): number {
    for (const ref of this.#refs) if (ref.deref() === undefined) this.#refs.delete(ref);
    return this.#refs.size;
  }

  add(member: ContextMember): void {
    const ref = new WeakRef(member);
    this.#byMember.set(member, ref);
    this.#refs.add(ref);
  }

  delete(member: ContextMember): void {
    const ref = this.#byMember.get(member);
    if (ref !== undefined) this.#refs.delete(ref);
    this.#byMember.delete(member);
  }

  /** The members still alive. */
  list(): ContextMember[] {
    const alive: ContextMember[] = [];
    for (const ref of this.#refs) {
      const member = ref.deref();
      if (member === undefined) this.#refs.delete(ref);
      else alive.push(member);
    }
    return alive;
  }
}

function checkInt(name: string, value: unknown, min: number, max = 2 ** 31 - 1): number {
  if (typeof value !== "number") throw new TypeError(`Option value must be a number: ${name} got ${typeof value}`);
  if (!Number.isInteger(value)) throw new TypeError(`Option value must be a number (an integer): ${name} got ${value}`);
  if (value < min || value > max) {
    throw new RangeError(`Option ${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function checkBool(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError(`Option value must be a boolean: ${name} got ${typeof value}`);
  return value;
}

/**
 * A group of sockets sharing a runtime, inproc endpoints, a ZAP handler and
 * zeromq.js's context options. Contexts are sealed like zeromq.js's: an
 * unknown property is a `TypeError`.
 *
 * @example Usage
 * ```ts
 * import { Context } from "./context.ts";
 * import { denoRuntime } from "./runtime/deno.ts";
 * import assert from "node:assert/strict";
 * const ctx = new Context({ runtime: denoRuntime, ioThreads: 2 });
 * assert.equal(ctx.runtime.name, "deno");
 * assert.equal(ctx.ioThreads, 2);
 * assert.equal(ctx.maxSocketsLimit, 65535);
 * ```
 */
export class Context {
  /** The runtime adapter sockets of this context use. */
  readonly runtime: Runtime;
  /** The context's `inproc://` names, and the ZAP handler an `Authenticator` installs. */
  readonly #inproc: InprocRegistry = new InprocRegistry();
  /** The open sockets of the context, held weakly: a socket nobody holds any more can be collected. */
  readonly #members = new Members();
  #blocky = true;
  #ioThreads = 1;
  #maxMessageSize = 2 ** 31 - 1;
  #maxSockets = 1023;
  #ipv6 = false;
  #threadPriority = -1;
  #threadSchedulingPolicy = -1;

  static {
    registryOf = (context) => context.#inproc;
    membersOf = (context) => context.#members;
  }

  /**
   * Makes a context; without a runtime it borrows the default context's.
   * Throws as zeromq.js does: `Options must be an object`, `Expected 1
   * argument`, `Option value must be a number`, and a `TypeError` for an
   * unknown or read-only option.
   */
  constructor(options?: ContextOptions) {
    if (arguments.length > 1) throw new TypeError("Expected 1 argument");
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError("Options must be an object");
    }
    const runtime = options?.runtime ?? defaultContext?.runtime;
    if (!runtime) throw new TypeError("Context needs a runtime: import zmq-ts through its entry module, or pass one");
    this.runtime = runtime;
    Object.seal(this);
    for (const [name, value] of Object.entries(options ?? {})) {
      if (name === "runtime" || value === undefined) continue;
      if (!(name in this)) throw new TypeError(`Cannot add property ${name}, object is not extensible`);
      if (name === "maxSocketsLimit") {
        throw new TypeError("Cannot set property maxSocketsLimit of #<Context> which has only a getter");
      }
      (this as unknown as Record<string, unknown>)[name] = value;
    }
  }

  /** ZMQ_BLOCKY: when `false`, new sockets get a `linger` of 0. Default true. */
  get blocky(): boolean {
    return this.#blocky;
  }
  set blocky(value: boolean) {
    this.#blocky = checkBool("blocky", value);
  }
  /** ZMQ_IO_THREADS (kept for compatibility: zmq-ts runs on the event loop). Default 1. */
  get ioThreads(): number {
    return this.#ioThreads;
  }
  set ioThreads(value: number) {
    this.#ioThreads = checkInt("ioThreads", value, 0);
  }
  /** ZMQ_MAX_MSGSZ: the largest message the context's sockets may send or receive. Default 2^31 - 1. */
  get maxMessageSize(): number {
    return this.#maxMessageSize;
  }
  set maxMessageSize(value: number) {
    this.#maxMessageSize = checkInt("maxMessageSize", value, 1);
  }
  /** ZMQ_MAX_SOCKETS: how many sockets may be open at once (EMFILE beyond). Default 1023. */
  get maxSockets(): number {
    return this.#maxSockets;
  }
  set maxSockets(value: number) {
    this.#maxSockets = checkInt("maxSockets", value, 1, SOCKET_LIMIT);
  }
  /** ZMQ_SOCKET_LIMIT: the largest `maxSockets` may be (read-only). */
  get maxSocketsLimit(): number {
    return SOCKET_LIMIT;
  }
  /** ZMQ_IPV6: the `ipv6` option of new sockets. Default false. */
  get ipv6(): boolean {
    return this.#ipv6;
  }
  set ipv6(value: boolean) {
    this.#ipv6 = checkBool("ipv6", value);
  }
  /** ZMQ_THREAD_PRIORITY (write-only in zeromq.js; kept for compatibility). */
  set threadPriority(value: number) {
    this.#threadPriority = checkInt("threadPriority", value, -1);
  }
  /** ZMQ_THREAD_SCHED_POLICY (write-only in zeromq.js; kept for compatibility). */
  set threadSchedulingPolicy(value: number) {
    this.#threadSchedulingPolicy = checkInt("threadSchedulingPolicy", value, -1);
  }

  /** Reads a boolean context option by its libzmq number (ZMQ_BLOCKY is 70, ZMQ_IPV6 42). */
  getBoolOption(option: number): boolean {
    return this.#byNumber(option, "Bool", "get") as boolean;
  }
  /** Sets a boolean context option by its libzmq number. */
  setBoolOption(option: number, value: boolean): void {
    this.#byNumber(option, "Bool", "set", value);
  }
  /** Reads an integer context option by its libzmq number (ZMQ_IO_THREADS is 1, ...). */
  getInt32Option(option: number): number {
    return this.#byNumber(option, "Int32", "get") as number;
  }
  /** Sets an integer context option by its libzmq number. */
  setInt32Option(option: number, value: number): void {
    this.#byNumber(option, "Int32", "set", value);
  }

  #byNumber(option: number, wire: "Bool" | "Int32", access: "get" | "set", value?: unknown): unknown {
    if (typeof option !== "number") throw new TypeError("Identifier must be a number");
    const entry = Object.entries(CONTEXT_OPTIONS).find(([name, o]) =>
      o.id === option && o.wire === wire &&
      // Number 3 reads maxSocketsLimit and writes threadPriority, as in libzmq.
      (option !== 3 || (access === "get") === (name === "maxSocketsLimit"))
    );
    if (entry === undefined) {
      throw new ZmqError("EINVAL", `A context has no ${wire} option ${option} to ${access}`);
    }
    const self = this as unknown as Record<string, unknown>;
    if (access === "get") return self[entry[0]];
    self[entry[0]] = value;
    return undefined;
  }
}

/**
 * Counts a new socket in its context; throws `EMFILE` when the context
 * already has `maxSockets` open (as libzmq's `zmq_socket` does). For the
 * socket base, not exported by `mod.ts`.
 *
 * @example Usage
 * ```ts
 * import { Context, joinContext, leaveContext } from "./context.ts";
 * import { denoRuntime } from "./runtime/deno.ts";
 * import assert from "node:assert/strict";
 * const ctx = new Context({ runtime: denoRuntime, maxSockets: 1 });
 * const member = { close() {} };
 * joinContext(ctx, member);
 * assert.throws(() => joinContext(ctx, { close() {} }), { code: "EMFILE" });
 * leaveContext(ctx, member);
 * ```
 */
export function joinContext(context: Context, member: ContextMember): void {
  const members = membersOf(context);
  if (members.size >= context.maxSockets) {
    throw new ZmqError("EMFILE", `The context has ${members.size} open sockets, its maxSockets`);
  }
  members.add(member);
}

/**
 * Forgets a closed socket (see {@linkcode joinContext}).
 *
 * @example Usage
 * ```ts ignore
 * leaveContext(socket.context, socket);
 * ```
 */
export function leaveContext(context: Context, member: ContextMember): void {
  membersOf(context).delete(member);
}

/**
 * Sets the default context (done once by the entry module).
 *
 * @example Usage
 * ```ts
 * import { Context, getDefaultContext, setDefaultContext } from "./context.ts";
 * import { denoRuntime } from "./runtime/deno.ts";
 * import assert from "node:assert/strict";
 * const ctx = new Context({ runtime: denoRuntime });
 * setDefaultContext(ctx);
 * assert.equal(getDefaultContext(), ctx);
 * ```
 */
export function setDefaultContext(context: Context): void {
  defaultContext = context;
}

/**
 * The default context; throws if the entry module has not set one.
 *
 * @example Usage
 * ```ts ignore
 * const ctx = getDefaultContext();
 * ```
 */
export function getDefaultContext(): Context {
  if (!defaultContext) throw new TypeError("No default context: import zmq-ts through its entry module (mod.ts)");
  return defaultContext;
}

/**
 * The `inproc://` names (and installed ZAP handler) of a context, for the
 * sockets and the `Authenticator` inside zmq-ts (not exported by `mod.ts`).
 *
 * @example Usage
 * ```ts
 * import { Context, inprocRegistryOf } from "./context.ts";
 * import { denoRuntime } from "./runtime/deno.ts";
 * import assert from "node:assert/strict";
 * const ctx = new Context({ runtime: denoRuntime });
 * assert.equal(inprocRegistryOf(ctx).binds.size, 0);
 * ```
 */
export function inprocRegistryOf(context: Context): InprocRegistry {
  return registryOf(context);
}
