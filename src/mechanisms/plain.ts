/**
 * The PLAIN mechanism (ZeroMQ RFC 24): a clear-text username and password,
 * checked by the server's ZAP handler. Authentication only: traffic is not
 * encrypted.
 *
 * ```
 * client: HELLO username password       server: (asks ZAP) WELCOME | ERROR | close
 * client: INITIATE metadata             server: READY metadata
 * ```
 *
 * Behaves as libzmq 4.3 does: the server asks ZAP for every HELLO and
 * rejects every client when no ZAP handler is bound; it sends WELCOME only
 * after a 200 reply, ERROR after 400/500 and closes silently after 300. The
 * client accepts libzmq's mis-encoded ERROR (`5e 52 52 4f 52 …`, "^RROR")
 * as well as a correct one.
 *
 * The two sides are {@linkcode PlainClient} (`plain_client.ts`) and
 * {@linkcode PlainServer} (`plain_server.ts`); what they share is in
 * `plain_command.ts`. {@linkcode createPlainMechanism} picks one by role.
 *
 * @module
 */

import { PlainClient, type PlainClientOptions } from "./plain_client.ts";
import { PlainServer } from "./plain_server.ts";

/**
 * Options of {@linkcode createPlainMechanism}: those of either side, and
 * the role.
 *
 * @example Usage
 * ```ts
 * import type { PlainMechanismOptions } from "./plain.ts";
 * import assert from "node:assert/strict";
 * const client: PlainMechanismOptions = { properties: [["Socket-Type", "DEALER"]], peerAddress: "",
 *   routingId: new Uint8Array(0), zapDomain: "", server: false, username: "admin", password: "secret" };
 * assert.equal(client.server, false);
 * ```
 */
export interface PlainMechanismOptions extends PlainClientOptions {
  /** Whether this side is the PLAIN server (it checks credentials through ZAP). */
  server: boolean;
}

/**
 * Either side of PLAIN.
 *
 * @example Usage
 * ```ts
 * import { createPlainMechanism, type PlainMechanism } from "./plain.ts";
 * import assert from "node:assert/strict";
 * const m: PlainMechanism = createPlainMechanism({ properties: [], peerAddress: "", routingId: new Uint8Array(0),
 *   zapDomain: "", server: true });
 * assert.equal(m.name, "PLAIN");
 * ```
 */
export type PlainMechanism = PlainClient | PlainServer;

/**
 * Makes the PLAIN client or server for one connection, by `options.server`.
 *
 * @example Usage
 * ```ts
 * import { createPlainMechanism } from "./plain.ts";
 * import assert from "node:assert/strict";
 * const base = { peerAddress: "127.0.0.1", routingId: new Uint8Array(0), zapDomain: "" };
 * const client = createPlainMechanism({ ...base, server: false, username: "admin", password: "secret",
 *   properties: [["Socket-Type", "DEALER"]] });
 * const server = createPlainMechanism({ ...base, server: true, properties: [["Socket-Type", "ROUTER"]],
 *   zap: async (req) => ({ status: 200, statusText: "OK", userId: "admin", metadata: new Map() }) });
 * await server.processCommand(client.nextCommand()!); // HELLO
 * await client.processCommand(server.nextCommand()!); // WELCOME
 * await server.processCommand(client.nextCommand()!); // INITIATE
 * await client.processCommand(server.nextCommand()!); // READY
 * assert.equal(client.status, "ready");
 * assert.equal(server.status, "ready");
 * assert.equal(server.userId, "admin");
 * ```
 *
 * @param options Socket properties, ZAP access and the role; a client also gives `username`/`password`.
 * @returns The mechanism.
 */
export function createPlainMechanism(options: PlainMechanismOptions): PlainMechanism {
  return options.server ? new PlainServer(options) : new PlainClient(options);
}
