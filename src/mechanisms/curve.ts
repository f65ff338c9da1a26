/**
 * The CURVE mechanism (ZeroMQ RFC 25 + RFC 26 CurveZMQ): Curve25519 key
 * exchange, then every frame encrypted and authenticated with
 * XSalsa20-Poly1305. Byte for byte what libzmq 4.3 sends and accepts:
 *
 * ```
 * client: HELLO (200 bytes)                   server: WELCOME (168 bytes)
 * client: INITIATE (cookie, vouch, metadata)  server: (asks ZAP) READY | ERROR | close
 * both:   MESSAGE per frame, in plain data frames (never COMMAND frames)
 * ```
 *
 * Short nonces start at 1 on each side and must strictly increase on
 * receive; a replayed or reordered MESSAGE is a `ProtocolError`, as is any
 * box that does not authenticate. The server asks the ZAP handler when one
 * is bound (credentials: the client's 32-byte public key) and otherwise
 * accepts any client key, as libzmq does.
 *
 * The parts: {@linkcode CurveClient} (`curve_client.ts`) and
 * {@linkcode CurveServer} (`curve_server.ts`) run the two handshakes over
 * what they share (`curve_handshake.ts`: options, random source, crypto
 * loading, command names and sizes); `curve_box.ts` is the MESSAGE box
 * with its nonces; `curve_keys.ts` reads and makes keys.
 * {@linkcode createCurveMechanism} picks a side by role.
 *
 * @module
 */

import { CurveClient, type CurveClientOptions } from "./curve_client.ts";
import type { CurveOptions } from "./curve_handshake.ts";
import type { CurveKey } from "./curve_keys.ts";
import { CurveServer } from "./curve_server.ts";

/**
 * Options of {@linkcode createCurveMechanism}: those of either side, and
 * the role.
 *
 * @example Usage
 * ```ts
 * import type { CurveMechanismOptions } from "./curve.ts";
 * import assert from "node:assert/strict";
 * const server: CurveMechanismOptions = { properties: [["Socket-Type", "ROUTER"]], peerAddress: "",
 *   routingId: new Uint8Array(0), zapDomain: "", server: true,
 *   secretKey: "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6" };
 * assert.equal(server.server, true);
 * ```
 */
export interface CurveMechanismOptions extends CurveOptions {
  /** Whether this side is the CURVE server (`ZMQ_CURVE_SERVER`). */
  server: boolean;
  /** Client only, required: the server's permanent public key. */
  serverKey?: CurveKey;
}

/**
 * Either side of CURVE.
 *
 * @example Usage
 * ```ts
 * import { createCurveMechanism, type CurveMechanism } from "./curve.ts";
 * import assert from "node:assert/strict";
 * const m: CurveMechanism = createCurveMechanism({ properties: [], peerAddress: "", routingId: new Uint8Array(0),
 *   zapDomain: "", server: true, secretKey: new Uint8Array(32).fill(1) });
 * assert.equal(m.peerPublicKey, null);
 * ```
 */
export type CurveMechanism = CurveClient | CurveServer;

/**
 * Makes the CURVE client or server for one connection, by
 * `options.server`. Keys are checked here: a malformed key, or a client
 * without `serverKey`, is a `TypeError`. Await `prepare()` before the first
 * `nextCommand()`: it loads the crypto library.
 *
 * @example Usage
 * ```ts
 * import { createCurveMechanism } from "./curve.ts";
 * import { curveKeyPair } from "./curve_keys.ts";
 * import assert from "node:assert/strict";
 * const serverPair = curveKeyPair();
 * const clientPair = curveKeyPair();
 * const base = { peerAddress: "127.0.0.1", routingId: new Uint8Array(0), zapDomain: "" };
 * const client = createCurveMechanism({ ...base, properties: [["Socket-Type", "DEALER"]], server: false,
 *   ...clientPair, serverKey: serverPair.publicKey });
 * const server = createCurveMechanism({ ...base, properties: [["Socket-Type", "ROUTER"]], server: true,
 *   secretKey: serverPair.secretKey });
 * await Promise.all([client.prepare(), server.prepare()]);
 * await server.processCommand(client.nextCommand()!); // HELLO
 * await client.processCommand(server.nextCommand()!); // WELCOME
 * await server.processCommand(client.nextCommand()!); // INITIATE
 * await client.processCommand(server.nextCommand()!); // READY
 * const wire = client.encode(new TextEncoder().encode("Hello"), 0);
 * server.decode(wire, (body, flags) => {
 *   assert.equal(new TextDecoder().decode(body), "Hello");
 *   assert.equal(flags, 0);
 * });
 * ```
 *
 * @param options Socket properties, ZAP access, the role and the keys.
 * @returns The mechanism.
 */
export function createCurveMechanism(options: CurveMechanismOptions): CurveMechanism {
  if (options.server) return new CurveServer(options);
  // The client checks serverKey itself (a TypeError when missing).
  return new CurveClient(options as CurveClientOptions);
}
