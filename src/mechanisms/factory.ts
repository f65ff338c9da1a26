/**
 * Picks and builds the security mechanism for a new connection from the
 * socket's options, as libzmq does: `plainServer` or `plainUsername` mean
 * PLAIN, `curveServer` or `curveServerKey` mean CURVE, otherwise NULL.
 *
 * @module
 */

import type { OptionReader } from "../options.ts";
import type { SocketTypeName } from "../types.ts";
import { CurveClient } from "./curve_client.ts";
import { CurveServer } from "./curve_server.ts";
import type { Mechanism, MechanismOptions, ZapClient } from "./mechanism.ts";
import { MisconfiguredMechanism } from "./misconfigured.ts";
import { NullMechanism } from "./null.ts";
import { PlainClient } from "./plain_client.ts";
import { PlainServer } from "./plain_server.ts";

/** What {@linkcode createMechanism} needs. */
export interface MechanismInput {
  /** The socket's type (for `Socket-Type` and whether to send `Identity`). */
  socketType: SocketTypeName;
  /** Reads a socket option. */
  option: OptionReader;
  /** The peer's address, for ZAP. */
  peerAddress: string;
  /** How a server side reaches the ZAP handler (the session's ZAP client). */
  zap: ZapClient;
}

/** Which security the options select: `"null"`, `"plain"` or `"curve"`. */
export type SecurityName = "null" | "plain" | "curve";

/**
 * Which mechanism a socket's options select.
 *
 * @example Usage
 * ```ts
 * import { securityMechanismOf } from "./factory.ts";
 * import assert from "node:assert/strict";
 * import { defaultOption, type OptionReader } from "../options.ts";
 * const option: OptionReader = (name) => (name === "plainServer" ? true : defaultOption("PUSH", name)) as never;
 * assert.equal(securityMechanismOf(option), "plain");
 * ```
 */
export function securityMechanismOf(option: OptionReader): SecurityName {
  if (option("plainServer") === true || option("plainUsername") !== null) return "plain";
  if (option("curveServer") === true || option("curveServerKey") !== null) return "curve";
  return "null";
}

/**
 * The READY properties a socket announces: `Socket-Type`, plus `Identity`
 * (possibly empty) for REQ, DEALER and ROUTER, as libzmq sends them.
 *
 * @example Usage
 * ```ts
 * import { readyProperties } from "./factory.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(readyProperties("PUSH", null), [["Socket-Type", "PUSH"]]);
 * assert.equal(readyProperties("DEALER", null).length, 2);
 * ```
 */
export function readyProperties(
  type: SocketTypeName,
  routingId: string | null,
): [string, Uint8Array | string][] {
  const properties: [string, Uint8Array | string][] = [["Socket-Type", type]];
  if (type === "REQ" || type === "DEALER" || type === "ROUTER") properties.push(["Identity", routingId ?? ""]);
  return properties;
}

/**
 * Builds the mechanism for one new connection.
 *
 * @example Usage
 * ```ts ignore
 * const mechanism = createMechanism({ socketType: "PUSH", option, peerAddress: "127.0.0.1", zap });
 * ```
 */
export function createMechanism(input: MechanismInput): Mechanism {
  const { option } = input;
  const routingId = option("routingId");
  const base: MechanismOptions = {
    properties: readyProperties(input.socketType, routingId),
    peerAddress: input.peerAddress,
    routingId: new TextEncoder().encode(routingId ?? ""),
    zapDomain: option("zapDomain") ?? "",
    zap: input.zap,
  };
  switch (securityMechanismOf(option)) {
    case "plain":
      if (option("plainServer") === true) return new PlainServer(base);
      return new PlainClient({
        ...base,
        username: option("plainUsername")!,
        password: option("plainPassword") ?? "",
      });
    case "curve": {
      const secretKey = option("curveSecretKey");
      const publicKey = option("curvePublicKey");
      const server = option("curveServer") === true;
      // libzmq lets a socket without its keys connect or bind; its handshakes fail. So do ours, with an event.
      if (secretKey === null) {
        return new MisconfiguredMechanism(
          "CURVE",
          server,
          "CURVE needs curveSecretKey (and curvePublicKey for a client): see curveKeyPair()",
        );
      }
      if (server) return new CurveServer({ ...base, secretKey, publicKey: publicKey ?? undefined });
      if (publicKey === null) {
        return new MisconfiguredMechanism("CURVE", false, "A CURVE client needs curvePublicKey and curveSecretKey");
      }
      return new CurveClient({
        ...base,
        secretKey,
        publicKey,
        serverKey: option("curveServerKey")!,
      });
    }
    default:
      return new NullMechanism(base);
  }
}
