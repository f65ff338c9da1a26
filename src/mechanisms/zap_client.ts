/**
 * How the server side of a handshake reaches its context's ZAP handler, as
 * libzmq's `session_base_t::zap_connect` and `zap_client_t` do. Two kinds of
 * handler exist, looked up when a request is due (not when the connection
 * is made):
 *
 * 1. a function installed in the context's registry under
 *    {@linkcode ZAP_CLIENT_KEY} (what the `Authenticator` does);
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

import type { Context } from "../context.ts";
import { parseEndpoint } from "../endpoint.ts";
import { ProtocolError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import type { SessionOwner } from "../session.ts";
import { connectInproc, inprocBinding, type InprocConnection } from "../transports/inproc.ts";
import type { ZapClient, ZapReply, ZapRequest } from "./mechanism.ts";
import { encodeZapRequest, parseZapReply, ZAP_ENDPOINT } from "./zap.ts";

/**
 * The key under which a context keeps an installed ZAP client (a function
 * that answers requests in-process, such as the `Authenticator`'s).
 *
 * @example Usage
 * ```ts
 * import { ZAP_CLIENT_KEY } from "./zap_client.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ZAP_CLIENT_KEY, "zap.client");
 * ```
 */
export const ZAP_CLIENT_KEY = "zap.client";

/** The inproc name a ZAP handler socket binds. */
const ZAP_NAME = ZAP_ENDPOINT.slice("inproc://".length);

/**
 * Whether a context has a ZAP handler now: an installed client, or a
 * `Reply`/`Router` socket bound at `inproc://zeromq.zap.01`.
 *
 * @example Usage
 * ```ts
 * import { Context, Reply } from "../../mod.ts";
 * import { hasZapHandler } from "./zap_client.ts";
 * import assert from "node:assert/strict";
 * const ctx = new Context();
 * assert.equal(hasZapHandler(ctx), false);
 * await using handler = new Reply({ context: ctx });
 * await handler.bind("inproc://zeromq.zap.01");
 * assert.equal(hasZapHandler(ctx), true);
 * ```
 *
 * @param context The context.
 * @returns `true` when a request would reach a handler.
 */
export function hasZapHandler(context: Context): boolean {
  return context.registry.has(ZAP_CLIENT_KEY) || boundHandler(context) !== null;
}

/**
 * The ZAP client of a context: asks the installed client if there is one,
 * else the socket bound at `inproc://zeromq.zap.01`, else resolves `null`.
 * The choice is made per request.
 *
 * @example Usage
 * ```ts
 * import { Context } from "../../mod.ts";
 * import { contextZapClient, ZAP_CLIENT_KEY } from "./zap_client.ts";
 * import assert from "node:assert/strict";
 * const ctx = new Context();
 * const zap = contextZapClient(ctx);
 * const request = { domain: "", address: "127.0.0.1", routingId: new Uint8Array(0), mechanism: "NULL" as const,
 *   credentials: [] };
 * assert.equal(await zap(request), null); // no handler
 * ctx.registry.set(ZAP_CLIENT_KEY, async () => ({ status: 400, statusText: "No", userId: "", metadata: new Map() }));
 * assert.equal((await zap(request))?.status, 400);
 * ```
 *
 * @param context The server socket's context.
 * @returns A client to pass to the mechanisms.
 */
export function contextZapClient(context: Context): ZapClient {
  return (request) => {
    const installed = context.registry.get(ZAP_CLIENT_KEY) as ZapClient | undefined;
    if (installed !== undefined) return installed(request);
    if (boundHandler(context) === null) return Promise.resolve(null);
    return askHandlerSocket(context, request);
  };
}

/** libzmq asks only a REP, ROUTER (or SERVER) socket; anything else bound there counts as no handler. */
function boundHandler(context: Context) {
  const binding = inprocBinding(context, ZAP_NAME);
  return binding !== undefined && (binding.socket.type === "REP" || binding.socket.type === "ROUTER") ? binding : null;
}

/**
 * One request over its own inproc connection to the handler socket: a
 * DEALER-like side that writes `["", ...request]` and takes one reply.
 */
function askHandlerSocket(context: Context, request: ZapRequest): Promise<ZapReply | null> {
  return new Promise((resolve, reject) => {
    let pipe: Pipe | null = null;
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
    const owner: SessionOwner = {
      runtime: context.runtime,
      emit: () => {},
      option: <T>(name: string) => (OWNER_OPTIONS[name] ?? null) as T,
      engineOptions: unused,
      createMechanism: unused,
      newPipe: unused,
      attachPipe: (attached) => {
        pipe = attached;
        attached.inbound.onReadable = onReadable;
        return true;
      },
      detachPipe: () => settle(handlerGone),
      hiccupPipe: () => {},
      eagerPipes: false,
    };
    connection = connectInproc({ type: "DEALER", context, owner }, parseEndpoint(ZAP_ENDPOINT, "connect"));
    if (!connection.joined || pipe === null) {
      settle(() => null);
      return;
    }
    (pipe as Pipe).outbound.write([new Uint8Array(0), ...encodeZapRequest(request)]);
  });
}

/** What the requester's side reports when inproc asks for its options: no limits, no id. */
const OWNER_OPTIONS: Record<string, unknown> = {
  sendHighWaterMark: 0,
  receiveHighWaterMark: 0,
  conflate: false,
  immediate: false,
  routingId: null,
};

function unused(): never {
  throw new Error("not used by the ZAP client");
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
