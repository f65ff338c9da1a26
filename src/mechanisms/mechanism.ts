/**
 * The security mechanism interface (libzmq's `mechanism_t`). The engine
 * drives it after the greeting: it sends whatever
 * {@linkcode Mechanism.nextCommand} returns, feeds every handshake command
 * the peer sends to {@linkcode Mechanism.processCommand}, and switches to
 * traffic once {@linkcode Mechanism.status} is `"ready"`. The engine knows
 * nothing of NULL, PLAIN or CURVE beyond this interface.
 *
 * @module
 */

import type { Metadata } from "../codec/command.ts";
import type { MechanismName } from "../codec/greeting.ts";

/** Where a mechanism's handshake stands. */
export type MechanismStatus = "handshaking" | "ready" | "error";

/** A ZAP request (RFC 27), as the server side of a handshake asks it. */
export interface ZapRequest {
  /** The server socket's `zapDomain`. */
  domain: string;
  /** The peer's address: IP without port for tcp, or as the transport describes it. */
  address: string;
  /** The server socket's own routing id (what libzmq sends). */
  routingId: Uint8Array;
  /** `"NULL"`, `"PLAIN"` or `"CURVE"`. */
  mechanism: MechanismName;
  /** PLAIN: username and password; CURVE: the client's 32-byte public key; NULL: none. */
  credentials: Uint8Array[];
}

/** A ZAP reply. */
export interface ZapReply {
  /** 200, 300, 400 or 500. */
  status: number;
  /** Free text explaining the status. */
  statusText: string;
  /** The user id the handler assigned; exposed as `User-Id`. */
  userId: string;
  /** Extra properties the handler attached to the connection. */
  metadata: Metadata;
}

/**
 * Asks the context's ZAP handler; resolves to `null` when no handler is
 * bound at `inproc://zeromq.zap.01`.
 */
export type ZapClient = (request: ZapRequest) => Promise<ZapReply | null>;

/** What every mechanism is built from. */
export interface MechanismOptions {
  /** Properties to announce (`Socket-Type`, `Identity`, ...), in order. */
  properties: ReadonlyArray<readonly [string, Uint8Array | string]>;
  /** The peer's address for ZAP requests. */
  peerAddress: string;
  /** The local socket's routing id, for ZAP requests. */
  routingId: Uint8Array;
  /** The socket's `zapDomain`. */
  zapDomain: string;
  /** How to reach the ZAP handler, if the socket lives in a context that can have one. */
  zap?: ZapClient;
}

/**
 * One connection's security handshake and, for encrypting mechanisms, the
 * per-frame transform of traffic.
 *
 * @example Usage
 * ```ts ignore
 * for (let cmd = m.nextCommand(); cmd; cmd = m.nextCommand()) send(cmd);
 * await m.processCommand(peerCommandBody);
 * ```
 */
export interface Mechanism {
  /** The mechanism name announced in the greeting. */
  readonly name: MechanismName;
  /** Whether this side is the PLAIN/CURVE server (sent in the greeting). */
  readonly asServer: boolean;
  /** The handshake state. */
  readonly status: MechanismStatus;
  /**
   * Optional. Resolves once the mechanism can produce its first command:
   * CURVE loads its crypto library lazily (importing zmq-ts stays free).
   * The engine calls it once, right after creating the mechanism (it may
   * overlap the greeting exchange), and awaits it before its first
   * {@linkcode Mechanism.nextCommand} call. A rejection fails the handshake.
   * Mechanisms without it (NULL, PLAIN) are ready at once.
   */
  prepare?(): Promise<void>;
  /**
   * The next handshake command body to send, or `null` when there is
   * nothing to send until the peer's next command (or a ZAP reply) arrives.
   */
  nextCommand(): Uint8Array | null;
  /**
   * Processes one handshake command body from the peer. Throws a
   * `ProtocolError` for malformed or unexpected commands and an `AuthError`
   * when authentication fails (after which `nextCommand()` may still return
   * an ERROR command to send before closing). Returns a promise when it must
   * wait, for example for a ZAP reply.
   */
  processCommand(body: Uint8Array): void | Promise<void>;
  /** The peer's metadata (READY/INITIATE properties), once received. */
  readonly peerProperties: Metadata;
  /** The `User-Id` a ZAP handler assigned, or `""`. */
  readonly userId: string;
  /** Properties a ZAP handler attached to the connection. */
  readonly zapProperties: Metadata;
  /**
   * For encrypting mechanisms: turns one outgoing frame (body and its MORE/
   * COMMAND flags) into the body of the data frame to send instead. Absent
   * for NULL and PLAIN, whose traffic goes as it is. `flags` are the frame
   * flags of `codec.ts` (`FLAG_MORE` 0x01, `FLAG_COMMAND` 0x04); the result
   * goes in a frame with flags 0 (plus LONG as needed), never MORE or COMMAND.
   */
  encode?(body: Uint8Array, flags: number): Uint8Array;
  /**
   * For encrypting mechanisms: turns one received frame body back into the
   * original frame, calling `onFrame` with its body and flags (`FLAG_MORE`,
   * `FLAG_COMMAND`, as `encode` takes them). Throws a `ProtocolError` when it
   * cannot be authenticated.
   */
  decode?(body: Uint8Array, onFrame: (body: Uint8Array, flags: number) => void): void;
}
