/**
 * The engine interface (libzmq's `i_engine`): one connection's protocol
 * life between a transport and a {@linkcode Pipe}. A session creates one
 * engine per connection and hears from it through {@linkcode EngineHost};
 * it never needs to know which kind it is. The kinds sit side by side in
 * this folder: `zmtp_engine.ts` (ZMTP over a byte stream: tcp, ipc) today;
 * a ZWS engine (WebSocket messages), a raw engine (STREAM), a datagram
 * engine (udp) and a PGM engine (epgm) implement the same interface.
 *
 * @module
 */

import type { Codec } from "../codec/codec.ts";
import type { Metadata } from "../codec/command.ts";
import type { AuthError, ProtocolError } from "../errors.ts";
import type { PeerHandshake } from "../events.ts";
import type { Mechanism } from "../mechanisms/mechanism.ts";
import type { Pipe } from "../pipe.ts";
import type { Conn } from "../runtime/runtime.ts";
import type { SocketTypeName } from "../types.ts";

/** Why an engine stopped. */
export type EngineEnd =
  /** The peer closed or the connection failed; reconnecting makes sense. */
  | { kind: "closed"; error?: Error }
  /** The handshake or heartbeat timer expired; reconnecting makes sense. */
  | { kind: "timeout"; error: Error }
  /** The peer broke the protocol; libzmq does not reconnect after this. */
  | { kind: "protocol"; error: ProtocolError }
  /** Authentication failed (ZAP refusal, wrong credentials). */
  | { kind: "auth"; error: AuthError }
  /** We closed it. */
  | { kind: "local" };

/** What an engine learned in the handshake. */
export interface HandshakeInfo {
  /** The peer's READY/INITIATE metadata. */
  properties: Metadata;
  /** The negotiated ZMTP minor version. */
  zmtpMinor: number;
  /** The User-Id a ZAP handler assigned. */
  userId: string;
  /** The metadata a ZAP handler attached to the connection. */
  zapProperties: Metadata;
}

/** The engine's owner: the session of an endpoint. */
export interface EngineHost {
  /**
   * The handshake succeeded. Returns the pipe to carry this connection's
   * traffic, or `null` to keep the connection open but unused (libzmq's
   * treatment of a duplicate routing id or a second PAIR peer).
   */
  handshakeDone(engine: Engine, info: HandshakeInfo): Pipe | null;
  /** The engine stopped; it has closed its connection. */
  engineEnded(engine: Engine, end: EngineEnd, duringHandshake: boolean): void;
}

/** Engine settings, taken from the socket's options when the connection is made. */
export interface EngineOptions {
  /** Our socket type, announced in READY and used for the compatibility check. */
  socketType: SocketTypeName;
  /** The frame codec. */
  codec: Codec;
  /** Largest frame accepted (-1 = no limit). */
  maxMessageSize: number;
  /** ms the greeting and handshake may take (0 = no limit). */
  handshakeInterval: number;
  /** ms between our PINGs (0 = off). */
  heartbeatInterval: number;
  /** ms of silence after a PING before we drop the peer (-1 = heartbeatInterval). */
  heartbeatTimeout: number;
  /** ms the peer should keep us alive, sent in PINGs. */
  heartbeatTimeToLive: number;
  /** Allocates large frame bodies (the runtime's, if it has a faster way than `new Uint8Array`). */
  allocate?: (size: number) => Uint8Array;
}

/**
 * One connection's engine, as its session drives it.
 *
 * @example Usage
 * ```ts ignore
 * const engine: Engine = createEngine(conn, mechanism, session, options);
 * engine.start();
 * await engine.drained(); // linger
 * engine.close();
 * await engine.closed;
 * ```
 */
export interface Engine {
  /** The connection's peer address. */
  readonly peerAddress: string;
  /** The pipe carrying this connection's traffic, once the handshake is done. */
  readonly pipe: Pipe | null;
  /** Resolves once the connection is closed and its reads have stopped. */
  readonly closed: Promise<void>;
  /** Starts the handshake and reading. */
  start(): void;
  /** Closes the connection without waiting for queued messages. */
  close(): void;
  /** Resolves once everything queued for the peer has been written, or the engine ended (for `linger`). */
  drained(): Promise<void>;
  /** What the peer announced in its handshake, once its READY (or INITIATE) arrived; `undefined` before. */
  readonly peer: PeerHandshake | undefined;
}

/**
 * Makes the engine for one new connection; a session is given one by its
 * endpoint's transport.
 */
export type EngineFactory = (conn: Conn, mechanism: Mechanism, host: EngineHost, options: EngineOptions) => Engine;
