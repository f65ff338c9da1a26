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
 * Error codes as zeromq.js reports them, each with its Linux `errno` value
 * (libzmq's own numbers for EFSM, ENOCOMPATPROTO, ETERM and EMTHREAD) and the
 * message zeromq.js gives: libzmq's `zmq_strerror()` text, with the few
 * texts zeromq.js replaces (`Operation was not possible or timed out` for
 * EAGAIN, `Socket is closed` for EBADF, ...).
 *
 * @example Usage
 * ```ts
 * import { ERRORS } from "./errors.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ERRORS.EAGAIN.errno, 11);
 * assert.equal(ERRORS.EFSM.message, "Operation cannot be accomplished in current state");
 * ```
 */
export const ERRORS: {
  readonly [C in ErrorCode]: { readonly errno: number; readonly message: string };
} = {
  EAGAIN: { errno: 11, message: "Operation was not possible or timed out" },
  EHOSTUNREACH: { errno: 113, message: "Host unreachable" },
  EFSM: { errno: 156384763, message: "Operation cannot be accomplished in current state" },
  ENOTSUP: { errno: 95, message: "Operation not supported" },
  EADDRINUSE: { errno: 98, message: "Address already in use" },
  EADDRNOTAVAIL: { errno: 99, message: "Cannot assign requested address" },
  EINVAL: { errno: 22, message: "Invalid argument" },
  ETERM: { errno: 156384765, message: "Context was terminated" },
  EBUSY: { errno: 16, message: "Socket is busy" },
  ENOENT: { errno: 2, message: "No such endpoint" },
  ENOTSOCK: { errno: 88, message: "Socket operation on non-socket" },
  EPROTONOSUPPORT: { errno: 93, message: "Protocol not supported" },
  ENODEV: { errno: 19, message: "No such device" },
  ECONNREFUSED: { errno: 111, message: "Connection refused" },
  ENAMETOOLONG: { errno: 36, message: "File name too long" },
  EACCES: { errno: 13, message: "Permission denied" },
  EMSGSIZE: { errno: 90, message: "Message too long" },
  ETIMEDOUT: { errno: 110, message: "Connection timed out" },
  EBADF: { errno: 9, message: "Socket is closed" },
  EMFILE: { errno: 24, message: "Too many open file descriptors" },
  ENOCOMPATPROTO: { errno: 156384764, message: "The protocol is not compatible with the socket type" },
  EMTHREAD: { errno: 156384766, message: "No thread available" },
  ECONNRESET: { errno: 104, message: "Connection reset by peer" },
  ECONNABORTED: { errno: 103, message: "Software caused connection abort" },
  ENETUNREACH: { errno: 101, message: "Network is unreachable" },
  ENETDOWN: { errno: 100, message: "Network is down" },
  ENOTCONN: { errno: 107, message: "Transport endpoint is not connected" },
  EAFNOSUPPORT: { errno: 97, message: "Address family not supported by protocol" },
  EINTR: { errno: 4, message: "Interrupted system call" },
};

/**
 * The error codes zmq-ts reports.
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
  "EMFILE",
  "ENOCOMPATPROTO",
  "EMTHREAD",
  "ECONNRESET",
  "ECONNABORTED",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTCONN",
  "EAFNOSUPPORT",
  "EINTR",
] as const;

/** One of {@linkcode ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/** Options of {@linkcode ZmqError}. */
export interface ZmqErrorOptions {
  /** The endpoint the error concerns, if any (set as `address`, as zeromq.js does). */
  address?: string;
  /** The underlying error. */
  cause?: unknown;
  /**
   * The message, where zeromq.js uses a text of its own rather than the
   * code's (`Socket is busy writing; ...`, `Front-end socket must be bound
   * or connected`). Default: the code's message in {@linkcode ERRORS}.
   */
  message?: string;
}

/**
 * A run-time error as zeromq.js reports it: `message` is libzmq's text for
 * the `code` (what programs written for zeromq.js compare), `errno` its
 * number, `address` the endpoint where one applies. zmq-ts's explanation of
 * what happened and what to do is in `detail` (and shown by `inspect`).
 *
 * @example Usage
 * ```ts
 * import { ZmqError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const err = new ZmqError("EAGAIN", "Send timed out after 10 ms: no peer could take the message");
 * assert.equal(err.code, "EAGAIN");
 * assert.equal(err.errno, 11);
 * assert.equal(err.message, "Operation was not possible or timed out");
 * assert.match(err.detail!, /timed out after 10 ms/);
 * assert.ok(err instanceof Error);
 * ```
 */
export class ZmqError extends Error {
  /** The zeromq.js error code. */
  readonly code: ErrorCode;
  /** The numeric error (Linux `errno`, or libzmq's number for its own codes). */
  readonly errno: number;
  /** The endpoint the error concerns; absent when none does. */
  declare readonly address?: string;
  /** zmq-ts's explanation: what happened and what to do (not compared by programs; may change). */
  declare readonly detail?: string;

  /** Makes an error with a code and an explanation; `message` is the code's (see {@linkcode ZmqErrorOptions}). */
  constructor(code: ErrorCode, detail?: string, options: ZmqErrorOptions = {}) {
    super(options.message ?? ERRORS[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ZmqError";
    this.code = code;
    this.errno = ERRORS[code].errno;
    if (options.address !== undefined) (this as { address?: string }).address = options.address;
    if (detail !== undefined && detail !== this.message) (this as { detail?: string }).detail = detail;
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
  /** As reported in an event ({@linkcode reportedError}): zmq-ts's explanation, the message being zeromq.js's text. */
  declare readonly detail?: string;

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
  /** As reported in an event ({@linkcode reportedError}): zmq-ts's explanation, the message being zeromq.js's text. */
  declare readonly detail?: string;

  /** Makes an authentication error with a ZAP status and a message. */
  constructor(status: number, message: string) {
    super(message);
    this.name = "AuthError";
    this.status = status;
  }
}

/** zeromq.js's texts for the ZAP statuses of a refused handshake. */
const AUTH_MESSAGES: Readonly<Record<number, string>> = {
  300: "Temporary error",
  400: "Authentication failure",
  500: "Internal error",
};

/**
 * The error an event carries, as zeromq.js reports it: a protocol error's
 * message is `ZMTP protocol error` or `ZAP protocol error` (the `code` says
 * which), an authentication error's is the status's text (`Authentication
 * failure` for 400), and a failure of the connection is a {@linkcode ZmqError}
 * with its errno. zmq-ts's explanation stays in `detail`, the original error
 * in `cause`.
 *
 * @example Usage
 * ```ts
 * import { AuthError, ProtocolError, reportedError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const protocol = reportedError(new ProtocolError("greeting", "Bad signature", "ERR_ZMTP_UNSPECIFIED"));
 * assert.equal(protocol.message, "ZMTP protocol error");
 * assert.equal((protocol as ProtocolError).code, "ERR_ZMTP_UNSPECIFIED");
 * assert.equal((protocol as ProtocolError).detail, "Bad signature");
 * const auth = reportedError(new AuthError(400, "Wrong password"));
 * assert.equal(auth.message, "Authentication failure");
 * assert.equal((auth as AuthError).status, 400);
 * ```
 */
export function reportedError(error: Error): Error {
  if (error instanceof ProtocolError) {
    if (error.detail !== undefined) return error;
    const family = error.code.startsWith("ERR_ZAP_") ? "ZAP protocol error" : "ZMTP protocol error";
    const reported = new ProtocolError(error.kind, family, error.code);
    Object.defineProperty(reported, "detail", { value: error.message, enumerable: true });
    Object.defineProperty(reported, "cause", { value: error, configurable: true, writable: true });
    return reported;
  }
  if (error instanceof AuthError) {
    if (error.detail !== undefined) return error;
    const reported = new AuthError(error.status, AUTH_MESSAGES[error.status] ?? "Unknown error");
    Object.defineProperty(reported, "detail", { value: error.message, enumerable: true });
    Object.defineProperty(reported, "cause", { value: error, configurable: true, writable: true });
    return reported;
  }
  return error;
}
