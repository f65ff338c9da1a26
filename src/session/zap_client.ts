/**
 * How the server side of a handshake reaches its context's ZAP handler, as
 * libzmq's `session_base_t::zap_connect` and `zap_client_t` do. Two kinds of
 * handler exist, looked up when a request is due (not when the connection
 * is made):
 *
 * 1. a function installed in the context's {@linkcode InprocRegistry} as
 *    `zapHandler` (what the `Authenticator` does);
 * 2. otherwise, a `Reply` or `Router` socket bound at
 *    `inproc://zeromq.zap.01` in the context (RFC 27). Each request travels
 *    over its own inproc connection, as over libzmq's per-session ZAP pipe:
 *    the frames go behind an empty delimiter with request id `"1"`, and the
 *    reply must be exactly the delimiter plus six frames.
 *
 * With neither, the client answers `null` ("no handler"): a PLAIN server
 * then refuses everyone, CURVE accepts any key and NULL proceeds.
 *
 * @module
 */

import { parseEndpoint } from "../endpoint.ts";
import { ProtocolError } from "../errors.ts";
import type { ZapClient, ZapReply, ZapRequest } from "../mechanisms/mechanism.ts";
import { encodeZapRequest, parseZapReply, ZAP_ENDPOINT } from "../mechanisms/zap.ts";
import { defaultOption, type OptionReader } from "../options.ts";
import type { Pipe } from "../pipe.ts";
import type { InprocRegistry } from "./inproc_registry.ts";
import { connectInproc, inprocBinding, type InprocConnection } from "./inproc_session.ts";
import type { SessionHost } from "./session.ts";

/** The inproc name a ZAP handler socket binds. */
const ZAP_NAME = ZAP_ENDPOINT.slice("inproc://".length);

/**
 * Whether a registry has a ZAP handler now: an installed one, or a
 * `Reply`/`Router` socket bound at `inproc://zeromq.zap.01`.
 *
 * @example Usage
 * ```ts
 * import { Context, Reply } from "../../mod.ts";
 * import { inprocRegistryOf } from "../context.ts";
 * import { hasZapHandler } from "./zap_client.ts";
 * import assert from "node:assert/strict";
 * const ctx = new Context();
 * assert.equal(hasZapHandler(inprocRegistryOf(ctx)), false);
 * await using handler = new Reply({ context: ctx });
 * await handler.bind("inproc://zeromq.zap.01");
 * assert.equal(hasZapHandler(inprocRegistryOf(ctx)), true);
 * ```
 *
 * @param registry The context's inproc names.
 * @returns `true` when a request would reach a handler.
 */
export function hasZapHandler(registry: InprocRegistry): boolean {
  return registry.zapHandler !== null || boundHandler(registry) !== null;
}

/**
 * The ZAP client of a context: asks the installed handler if there is one,
 * else the socket bound at `inproc://zeromq.zap.01`, else resolves `null`.
 * The choice is made per request.
 *
 * @example Usage
 * ```ts
 * import { Context } from "../../mod.ts";
 * import { inprocRegistryOf } from "../context.ts";
 * import { zapClient } from "./zap_client.ts";
 * import assert from "node:assert/strict";
 * const ctx = new Context();
 * const zap = zapClient(inprocRegistryOf(ctx));
 * const request = { domain: "", address: "127.0.0.1", routingId: new Uint8Array(0), mechanism: "NULL" as const,
 *   credentials: [] };
 * assert.equal(await zap(request), null); // no handler
 * inprocRegistryOf(ctx).zapHandler = async () => ({ status: 400, statusText: "No", userId: "", metadata: new Map() });
 * assert.equal((await zap(request))?.status, 400);
 * ```
 *
 * @param registry The server socket's context's inproc names.
 * @returns A client to pass to the mechanisms.
 */
export function zapClient(registry: InprocRegistry): ZapClient {
  return (request) => {
    const installed = registry.zapHandler;
    if (installed !== null) return installed(request);
    if (boundHandler(registry) === null) return Promise.resolve(null);
    return askHandlerSocket(registry, request);
  };
}

/** libzmq asks only a REP, ROUTER (or SERVER) socket; anything else bound there counts as no handler. */
function boundHandler(registry: InprocRegistry) {
  const binding = inprocBinding(registry, ZAP_NAME);
  return binding !== undefined && (binding.socket.type === "REP" || binding.socket.type === "ROUTER") ? binding : null;
}

/** The requester's options as the inproc session reads them: no limits, no routing id. */
const requesterOption: OptionReader = (name) => {
  if (name === "sendHighWaterMark" || name === "receiveHighWaterMark") return 0 as never;
  return defaultOption("DEALER", name);
};

/**
 * One request over its own inproc connection to the handler socket: a
 * DEALER-like side that writes `["", ...request]` and takes one reply.
 */
function askHandlerSocket(registry: InprocRegistry, request: ZapRequest): Promise<ZapReply | null> {
  return new Promise((resolve, reject) => {
    let pipe: Pipe | null = null;
    // Assigned once connectInproc returns; settle() may run before that (a handler refusing the pipe).
    let connection: InprocConnection | null = null;
    let settled = false;
    const settle = (outcome: () => ZapReply | null) => {
      if (settled) return;
      settled = true;
      if (pipe !== null) pipe.inbound.onReadable = null;
      connection?.close();
      try {
        resolve(outcome());
      } catch (error) {
        reject(error);
      }
    };
    const onReadable = () => {
      const reply = pipe?.inbound.read();
      if (reply !== undefined) settle(() => parseHandlerReply(reply));
      else if (pipe?.inbound.ended) settle(handlerGone);
    };
    const requester: SessionHost = {
      type: "DEALER",
      inproc: registry,
      option: requesterOption,
      emit: () => {},
      attachPipe: (attached) => {
        pipe = attached;
        attached.inbound.onReadable = onReadable;
        return true;
      },
      detachPipe: () => settle(handlerGone),
      eagerPipes: false,
    };
    connection = connectInproc(requester, parseEndpoint(ZAP_ENDPOINT, "connect"));
    if (!connection.joined || pipe === null) {
      settle(() => null);
      return;
    }
    (pipe as Pipe).outbound.write([new Uint8Array(0), ...encodeZapRequest(request)]);
  });
}

/** libzmq's `receive_and_process_zap_reply`: the delimiter and exactly six frames. */
function parseHandlerReply(frames: Uint8Array[]): ZapReply {
  if (frames.length !== 7 || frames[0].length !== 0) {
    throw new ProtocolError(
      "mechanism",
      `Malformed ZAP reply (ZAP_MALFORMED_REPLY): ${frames.length} frames, expected an empty delimiter and ` +
        "6 frames (version, request id, status code, status text, user id, metadata)",
      "ERR_ZAP_MALFORMED_REPLY",
    );
  }
  return parseZapReply(frames);
}

function handlerGone(): never {
  throw new ProtocolError(
    "mechanism",
    "The ZAP handler at inproc://zeromq.zap.01 went away before replying",
    "ERR_ZAP_UNSPECIFIED",
  );
}
