/**
 * Error types of zmq-ts.
 *
 * Argument mistakes are `TypeError`/`RangeError`. Conditions met at run time
 * are {@linkcode ZmqError}s carrying a zeromq.js-style `code`. Violations of
 * the wire protocol by a peer are {@linkcode ProtocolError}s: they never
 * reach `send()`/`receive()` callers, they drop the offending connection and
 * surface as events.
 *
 * @module
 */

/**
 * Error codes as zeromq.js reports them.
 *
 * @example Usage
 * ```ts
 * import { ERROR_CODES } from "./errors.ts";
 * import assert from "node:assert/strict";
 * assert.ok(ERROR_CODES.includes("EAGAIN"));
 * ```
 */
export const ERROR_CODES = [
  "EAGAIN",
  "EHOSTUNREACH",
  "EFSM",
  "ENOTSUP",
  "EADDRINUSE",
  "EADDRNOTAVAIL",
  "EINVAL",
  "ETERM",
  "EBUSY",
  "ENOENT",
  "ENOTSOCK",
  "EPROTONOSUPPORT",
  "ENODEV",
  "ECONNREFUSED",
  "ENAMETOOLONG",
  "EACCES",
  "EMSGSIZE",
  "ETIMEDOUT",
  "EBADF",
] as const;

/** One of {@linkcode ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/** Options of {@linkcode ZmqError}. */
export interface ZmqErrorOptions {
  /** The endpoint the error concerns, if any. */
  address?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A run-time error with a zeromq.js-style code, such as `EAGAIN` when a send
 * timed out or `EFSM` when a `Request` socket is used out of turn.
 *
 * @example Usage
 * ```ts
 * import { ZmqError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const err = new ZmqError("EAGAIN", "Socket is busy writing; try again");
 * assert.equal(err.code, "EAGAIN");
 * assert.ok(err instanceof Error);
 * ```
 */
export class ZmqError extends Error {
  /** The zeromq.js error code. */
  readonly code: ErrorCode;
  /** The endpoint the error concerns, if any. */
  readonly address: string | undefined;

  /** Makes an error with a code and a message that says what to do. */
  constructor(code: ErrorCode, message: string, options: ZmqErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ZmqError";
    this.code = code;
    this.address = options.address;
  }
}

/** zeromq.js's protocol error codes (`ERR_ZMTP_*`, `ERR_ZAP_*`). */
export type ProtocolErrorCode =
  | "ERR_ZMTP_UNSPECIFIED"
  | "ERR_ZMTP_UNEXPECTED_COMMAND"
  | "ERR_ZMTP_INVALID_SEQUENCE"
  | "ERR_ZMTP_KEY_EXCHANGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED"
  | "ERR_ZMTP_MALFORMED_COMMAND_MESSAGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_HELLO"
  | "ERR_ZMTP_MALFORMED_COMMAND_INITIATE"
  | "ERR_ZMTP_MALFORMED_COMMAND_ERROR"
  | "ERR_ZMTP_MALFORMED_COMMAND_READY"
  | "ERR_ZMTP_MALFORMED_COMMAND_WELCOME"
  | "ERR_ZMTP_INVALID_METADATA"
  | "ERR_ZMTP_CRYPTOGRAPHIC"
  | "ERR_ZMTP_MECHANISM_MISMATCH"
  | "ERR_ZAP_UNSPECIFIED"
  | "ERR_ZAP_MALFORMED_REPLY"
  | "ERR_ZAP_BAD_REQUEST_ID"
  | "ERR_ZAP_BAD_VERSION"
  | "ERR_ZAP_INVALID_STATUS_CODE"
  | "ERR_ZAP_INVALID_METADATA";

/** What part of the protocol a {@linkcode ProtocolError} is about. */
export type ProtocolErrorKind =
  | "greeting"
  | "frame"
  | "command"
  | "handshake"
  | "mechanism"
  | "message";

/**
 * A peer broke the ZMTP protocol (bad greeting, malformed frame or command,
 * oversized frame, wrong socket type). The connection that carried it is
 * dropped; the socket reports it as a `handshake:error:protocol` or
 * `disconnect` event and goes on serving its other peers.
 *
 * @example Usage
 * ```ts
 * import { ProtocolError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const err = new ProtocolError("frame", "Reserved flag bits are set");
 * assert.equal(err.kind, "frame");
 * ```
 */
export class ProtocolError extends Error {
  /** The part of the protocol that was violated. */
  readonly kind: ProtocolErrorKind;
  /** The zeromq.js code for this violation. */
  readonly code: ProtocolErrorCode;

  /** Makes a protocol error of a kind with a message saying what was wrong. */
  constructor(kind: ProtocolErrorKind, message: string, code?: ProtocolErrorCode) {
    super(message);
    this.name = "ProtocolError";
    this.kind = kind;
    this.code = code ?? (kind === "mechanism" ? "ERR_ZMTP_MECHANISM_MISMATCH" : "ERR_ZMTP_UNSPECIFIED");
  }
}

/**
 * A security handshake was refused: wrong credentials or a ZAP handler's
 * 300/400/500 status. Reported as a `handshake:error:auth` event.
 *
 * @example Usage
 * ```ts
 * import { AuthError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const err = new AuthError(400, "Wrong password");
 * assert.equal(err.status, 400);
 * ```
 */
export class AuthError extends Error {
  /** The ZAP status code (300, 400 or 500), or 0 when none applies. */
  readonly status: number;

  /** Makes an authentication error with a ZAP status and a message. */
  constructor(status: number, message: string) {
    super(message);
    this.name = "AuthError";
    this.status = status;
  }
}
