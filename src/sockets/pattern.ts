/**
 * The hooks every socket type implements (libzmq's `xattach_pipe`, `xsend`,
 * `xrecv`, ...). A socket type is a thin mix of routing strategies behind
 * these hooks; {@linkcode Socket} does everything else.
 *
 * @module
 */

import type { Pipe } from "../pipe.ts";
import type { Frame, Multipart } from "../types.ts";

/**
 * What a socket type's `send()` takes after the message (zeromq.js's draft
 * types: `{ routingId }`, `{ group }`); `undefined` for the classic types.
 */
export type SendOptions = Readonly<Record<string, unknown>>;

/**
 * What `receive()` gives: the frames of a message, or, for the draft types,
 * a single-frame message with what came with it (`[frame, { routingId }]`).
 */
export type Received = Multipart | [Frame, Readonly<Record<string, unknown>>];

/**
 * One socket type's behaviour.
 *
 * @example Usage
 * ```ts ignore
 * class PushPattern implements Pattern { ... }
 * ```
 */
export interface Pattern {
  /**
   * A pipe is ready to use: a connection completed its handshake, or
   * `connect()` made a pipe that queues until it does. Returns `false` to
   * leave the pipe unused (a second PAIR peer, a duplicate routing id); the
   * connection then stays open but carries nothing, as in libzmq.
   */
  attach(pipe: Pipe): boolean;
  /** The pipe is gone (peer disconnected for good, or socket closing). */
  detach(pipe: Pipe): void;
  /** The connection behind a surviving pipe was re-established (e.g. resend subscriptions). */
  hiccup?(pipe: Pipe): void;
  /**
   * Queues a message. Returns `true` when it was queued (or dropped, where
   * the type drops when mute) and `false` when the socket is mute and the
   * caller should wait for {@linkcode Pattern.hasOut}. Throws a `ZmqError`
   * for a send the type does not allow (ENOTSUP, EFSM, EHOSTUNREACH).
   */
  send(message: Multipart, options?: SendOptions): boolean;
  /** Takes the next message for the application, or `undefined`. Throws ENOTSUP/EFSM where not allowed. */
  recv(): Received | undefined;
  /** Whether `recv()` would return a message now. */
  hasIn(): boolean;
  /** Whether `send()` would queue a message now. */
  hasOut(): boolean;
}
