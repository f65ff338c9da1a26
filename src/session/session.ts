/**
 * Sessions: the life of one endpoint of a socket (libzmq's `session_base_t`).
 * Every `bind()` and `connect()` makes one {@linkcode Session}; which kind
 * is chosen by the endpoint's transport (`session_factory.ts`):
 *
 * - `connect_session.ts`: connects, reconnects with back-off, and keeps its
 *   pipe across reconnects (tcp, ipc);
 * - `bind_session.ts`: accepts connections on a listener, a pipe each;
 * - `inproc_session.ts`: joins two sockets' pipes directly (no bytes).
 *
 * Sessions over a transport create an engine per connection and turn its
 * fate into events. This module holds what they share: the interfaces a
 * socket implements for them, and the helpers they have in common.
 *
 * @module
 */

import type { EngineEnd, EngineOptions, HandshakeInfo } from "../engine/engine.ts";
import { reportedError } from "../errors.ts";
import type { PeerHandshake, SocketEvent } from "../events.ts";
import type { Mechanism } from "../mechanisms/mechanism.ts";
import type { OptionReader } from "../options.ts";
import type { Pipe } from "../pipe.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { SocketTypeName } from "../types.ts";
import type { InprocRegistry } from "./inproc_registry.ts";

/**
 * One endpoint of a socket, as the socket keeps it.
 *
 * @example Usage
 * ```ts ignore
 * const session: Session = await factory.bind(host, endpoint, "tcp://127.0.0.1:*");
 * await session.close(0);
 * ```
 */
export interface Session {
  /** The endpoint: resolved for a bind (`tcp://127.0.0.1:40123`), as given for a connect. */
  readonly endpoint: string;
  /** The endpoint as the user wrote it. */
  readonly requested: string;
  /**
   * Ends the endpoint. With `linger` other than 0, queued messages are given
   * that long (forever for -1) to reach their peers first.
   */
  close(linger: number): Promise<void>;
}

/**
 * What every session needs from its socket: its type, options and events,
 * and a way to hand pipes to the socket type. The ZAP client's inproc
 * requester is such a host too (see `zap_client.ts`).
 *
 * @example Usage
 * ```ts ignore
 * const attached = host.attachPipe(pipe);
 * ```
 */
export interface SessionHost {
  /** The socket type. */
  readonly type: SocketTypeName;
  /** The inproc names (and ZAP handler) of the socket's context. */
  readonly inproc: InprocRegistry;
  /** Reads a socket option. */
  readonly option: OptionReader;
  /** Reports an event. */
  emit(event: SocketEvent): void;
  /** Hands a pipe to the socket type; false leaves it unused. */
  attachPipe(pipe: Pipe): boolean;
  /** Takes a pipe away from the socket type; its outbound queue is dropped (or ended, for shared queues). */
  detachPipe(pipe: Pipe): void;
  /** Whether the socket type wants pipes at connect() time (before the handshake). */
  readonly eagerPipes: boolean;
}

/**
 * What a session over a transport needs in addition: the runtime, and the
 * parts of a new connection (engine settings, mechanism, pipe).
 *
 * @example Usage
 * ```ts ignore
 * const engine = new ZmtpEngine(conn, host.createMechanism(conn.remoteHost), session, host.engineOptions());
 * ```
 */
export interface TransportSessionHost extends SessionHost {
  /** The runtime adapter. */
  readonly runtime: Runtime;
  /** Settings for a new engine. */
  engineOptions(): EngineOptions;
  /** A mechanism for a new connection (its ZAP client included). */
  createMechanism(peerHost: string): Mechanism;
  /** Makes a pipe for an endpoint with the socket's high-water marks. */
  newPipe(endpoint: string): Pipe;
  /** Tells the socket type that a surviving pipe reconnected. */
  hiccupPipe(pipe: Pipe): void;
}

/**
 * Resolves after `ms` (or never for -1), or when the promise settles.
 *
 * @example Usage
 * ```ts
 * import { withLinger } from "./session.ts";
 * await withLinger(new Promise(() => {}), 1); // gives up after 1 ms
 * await withLinger(Promise.resolve(), -1);
 * ```
 */
export function withLinger(promise: Promise<void>, ms: number): Promise<void> {
  if (ms < 0) return promise;
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Keeps what the handshake learned about the peer on its pipe.
 *
 * @example Usage
 * ```ts
 * import { setHandshakeInfo } from "./session.ts";
 * import { Pipe } from "../pipe.ts";
 * import assert from "node:assert/strict";
 * const pipe = new Pipe({ sendHighWaterMark: 1, receiveHighWaterMark: 1, endpoint: "tcp://127.0.0.1:1" });
 * setHandshakeInfo(pipe, { properties: new Map(), zmtpMinor: 0, userId: "u", zapProperties: new Map() });
 * assert.equal(pipe.userId, "u");
 * ```
 */
export function setHandshakeInfo(pipe: Pipe, info: HandshakeInfo): void {
  pipe.properties = info.properties;
  pipe.zmtpMinor = info.zmtpMinor;
  pipe.userId = info.userId;
  pipe.zapProperties = info.zapProperties;
}

/**
 * Reports how an engine ended, as libzmq's monitor would: a handshake
 * failure by its kind, then `disconnect` (with the error, when a failure
 * rather than the peer closed the connection; nothing for a local close).
 *
 * @example Usage
 * ```ts
 * import { reportEnd } from "./session.ts";
 * import assert from "node:assert/strict";
 * const types: string[] = [];
 * reportEnd((event) => types.push(event.type), "tcp://127.0.0.1:1", { kind: "closed" }, true);
 * assert.deepEqual(types, ["handshake:error:other", "disconnect"]);
 * ```
 */
export function reportEnd(
  emit: (event: SocketEvent) => void,
  address: string,
  end: EngineEnd,
  duringHandshake: boolean,
  peer?: PeerHandshake,
): void {
  if (end.kind === "local") return;
  if (duringHandshake) {
    if (end.kind === "protocol") {
      const error = reportedError(end.error);
      emit(
        peer
          ? { type: "handshake:error:protocol", address, error, peer }
          : { type: "handshake:error:protocol", address, error },
      );
    } else if (end.kind === "auth") emit({ type: "handshake:error:auth", address, error: reportedError(end.error) });
    else {
      // A timeout, or the peer closing mid-handshake: libzmq's HANDSHAKE_FAILED_NO_DETAIL in both cases.
      const error = end.error ?? new Error("Connection closed during the handshake");
      emit({ type: "handshake:error:other", address, error });
    }
  }
  const error = end.kind === "closed" ? end.error : undefined;
  emit(error === undefined ? { type: "disconnect", address } : { type: "disconnect", address, error });
}
