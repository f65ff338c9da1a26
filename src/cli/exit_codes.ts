/**
 * Exit codes of the command-line tool, for scripts. They are listed by
 * `zmq-ts --help` and in docs/cli.md.
 *
 * @module
 */

/**
 * Exit codes: `OK` (0), `ERROR` (1: a socket operation failed, such as a
 * bind on an address in use or a permission the runtime refuses), `USAGE`
 * (2: bad arguments), `TIMEOUT` (3: `--timeout` expired before a message
 * arrived or could be sent), `HANDSHAKE` (4: the peer was refused, or
 * refused us: authentication or protocol failure), `INTERRUPTED` (130:
 * SIGINT; sockets were closed), `TERMINATED` (143: SIGTERM).
 *
 * @example Usage
 * ```ts
 * import { EXIT } from "./exit_codes.ts";
 * import assert from "node:assert/strict";
 * assert.equal(EXIT.USAGE, 2);
 * ```
 */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  TIMEOUT: 3,
  HANDSHAKE: 4,
  INTERRUPTED: 130,
  TERMINATED: 143,
} as const;

/** One of the {@linkcode EXIT} codes. */
export type ExitCode = typeof EXIT[keyof typeof EXIT];

/**
 * An error that ends the tool with a given exit code and a one-line message.
 *
 * @example Usage
 * ```ts
 * import { CliError, EXIT } from "./exit_codes.ts";
 * import assert from "node:assert/strict";
 * const err = new CliError(EXIT.USAGE, "unknown option --frob");
 * assert.equal(err.exitCode, 2);
 * ```
 */
export class CliError extends Error {
  /** The exit code to end with. */
  readonly exitCode: ExitCode;

  /** Makes an error that ends the tool with `exitCode`. */
  constructor(exitCode: ExitCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/**
 * A usage error (exit code 2): the message says what is wrong with the arguments.
 *
 * @example Usage
 * ```ts
 * import { UsageError } from "./exit_codes.ts";
 * import assert from "node:assert/strict";
 * assert.equal(new UsageError("missing --bind").exitCode, 2);
 * ```
 */
export class UsageError extends CliError {
  /** Makes a usage error. */
  constructor(message: string) {
    super(EXIT.USAGE, message);
    this.name = "UsageError";
  }
}

/**
 * What to print for an error: zmq-ts's explanation where the error has one
 * (`detail`: libzmq's text is in `message`), else its message.
 *
 * @example Usage
 * ```ts
 * import { explain } from "./exit_codes.ts";
 * import { ZmqError } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(explain(new ZmqError("EACCES", "run with --allow-net")), "run with --allow-net");
 * assert.equal(explain(new Error("plain")), "plain");
 * ```
 */
export function explain(error: Error): string {
  const detail = (error as { detail?: unknown }).detail;
  return typeof detail === "string" ? detail : error.message;
}
