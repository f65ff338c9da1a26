/**
 * `zmq-ts keygen`: makes a CURVE key pair and prints it as libzmq's
 * `curve_keygen` does (two Z85 keys under `== CURVE PUBLIC KEY ==` and
 * `== CURVE SECRET KEY ==`), or as JSON; or derives the public key of a
 * secret key.
 *
 * @module
 */

import { curveKeyPair, curvePublicKey } from "../../mechanisms/curve_keys.ts";
import { type CommandSpec, parseArgs } from "../args.ts";
import type { CommandContext } from "../context.ts";
import { EXIT, UsageError } from "../exit_codes.ts";
import { usageFrom } from "../sockets.ts";

/** The spec of `keygen`. */
export const KEYGEN_SPEC: CommandSpec = {
  name: "keygen",
  usage: "keygen [--json] [--secret-key Z85]",
  summary: "Make a CURVE key pair (Z85), as libzmq's curve_keygen does.",
  description: "Give the secret key to the socket that owns it and the public key to its peers. " +
    "With --secret-key, prints the public key that belongs to that secret key instead.",
  flags: [
    { name: "json", kind: "boolean", help: 'print {"publicKey": ..., "secretKey": ...} on one line' },
    { name: "secret-key", kind: "string", value: "Z85", help: "derive the public key of this secret key" },
  ],
  examples: ["zmq-ts keygen", "zmq-ts keygen --json > server.key.json"],
};

/**
 * Runs `keygen`.
 *
 * @example Usage
 * ```ts ignore
 * await runKeygen(["--json"], ctx);
 * ```
 */
export async function runKeygen(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, KEYGEN_SPEC);
  if (args.positionals.length > 0) throw new UsageError(`keygen: unexpected argument "${args.positionals[0]}"`);
  let publicKey: string;
  let secretKey: string;
  const given = args.string("secret-key");
  if (given !== undefined) {
    try {
      publicKey = await curvePublicKey(given);
    } catch (err) {
      return usageFrom(err);
    }
    secretKey = given;
  } else {
    ({ publicKey, secretKey } = await curveKeyPair());
  }
  const text = args.boolean("json")
    ? JSON.stringify({ publicKey, secretKey }) + "\n"
    : `== CURVE PUBLIC KEY ==\n${publicKey}\n\n== CURVE SECRET KEY ==\n${secretKey}\n`;
  await ctx.io.writeStdout(new TextEncoder().encode(text));
  return EXIT.OK;
}
