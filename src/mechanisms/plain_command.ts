/**
 * What the PLAIN client and server share (ZeroMQ RFC 24): the command
 * names, reading a command's name, and the checks and errors both sides
 * apply to a command they receive.
 *
 * @module
 */

import { type Metadata, parseMetadata } from "../codec/command.ts";
import { ProtocolError } from "../errors.ts";

/**
 * The names of PLAIN's handshake commands.
 *
 * @example Usage
 * ```ts
 * import { PLAIN_COMMAND } from "./plain_command.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Object.values(PLAIN_COMMAND), ["HELLO", "WELCOME", "INITIATE", "READY"]);
 * ```
 */
export const PLAIN_COMMAND = Object.freeze(
  {
    HELLO: "HELLO",
    WELCOME: "WELCOME",
    INITIATE: "INITIATE",
    READY: "READY",
  } as const,
);

/**
 * The name of a command body, or a description of a malformed name (for
 * error messages). An empty body is a `ProtocolError`.
 *
 * @example Usage
 * ```ts
 * import { plainCommandName } from "./plain_command.ts";
 * import assert from "node:assert/strict";
 * assert.equal(plainCommandName(Uint8Array.of(5, 0x52, 0x45, 0x41, 0x44, 0x59)), "READY");
 * assert.match(plainCommandName(Uint8Array.of(9, 1)), /malformed/);
 * ```
 *
 * @param body A command body.
 * @returns The name.
 */
export function plainCommandName(body: Uint8Array): string {
  if (body.length === 0) throw new ProtocolError("command", "Empty command frame");
  const length = body[0];
  if (length === 0 || 1 + length > body.length) {
    return `(malformed: name length ${length} in a ${body.length}-byte body)`;
  }
  let name = "";
  for (let i = 1; i <= length; i++) name += String.fromCharCode(body[i]);
  return name;
}

/**
 * Checks that a received command is the one this side waits for and
 * returns its data (what follows the name); anything else is a
 * `ProtocolError`.
 *
 * @example Usage
 * ```ts
 * import { expectPlainCommand } from "./plain_command.ts";
 * import { encodeCommand } from "../codec/command.ts";
 * import assert from "node:assert/strict";
 * assert.equal(expectPlainCommand(encodeCommand("WELCOME"), "WELCOME", "client").length, 0);
 * assert.throws(() => expectPlainCommand(encodeCommand("READY"), null, "server"), /not waiting/);
 * ```
 *
 * @param body The command body.
 * @param expected The command this side waits for, or `null` if none.
 * @param side `"client"` or `"server"`, for the message.
 * @returns The command's data.
 */
export function expectPlainCommand(body: Uint8Array, expected: string | null, side: string): Uint8Array {
  const name = plainCommandName(body);
  if (expected === null || name !== expected) {
    throw new ProtocolError(
      "handshake",
      expected === null
        ? `Unexpected ${name} command: the PLAIN ${side} is not waiting for a command`
        : `Unexpected ${name} command during the PLAIN handshake; expected ${expected}`,
    );
  }
  return body.subarray(1 + name.length);
}

/**
 * Parses the metadata of a READY or INITIATE; malformed metadata is a
 * `ProtocolError` naming the command.
 *
 * @example Usage
 * ```ts
 * import { parsePlainMetadata } from "./plain_command.ts";
 * import { encodeMetadata } from "../codec/command.ts";
 * import assert from "node:assert/strict";
 * const metadata = parsePlainMetadata(encodeMetadata([["Socket-Type", "DEALER"]]), "INITIATE");
 * assert.equal(metadata.size, 1);
 * assert.throws(() => parsePlainMetadata(Uint8Array.of(5), "READY"), /Malformed PLAIN READY/);
 * ```
 *
 * @param data The command's data.
 * @param command The command's name, for the message.
 * @returns The metadata.
 */
export function parsePlainMetadata(data: Uint8Array, command: string): Metadata {
  try {
    return parseMetadata(data);
  } catch (cause) {
    throw new ProtocolError("handshake", `Malformed PLAIN ${command}: ${(cause as Error).message}`);
  }
}
