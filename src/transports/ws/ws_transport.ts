/**
 * The ws and wss transports: an endpoint becomes an open ZWS WebSocket
 * ({@linkcode MessageConn}) with its subprotocol agreed, on any runtime.
 *
 * - Connect: with a runtime that has its own `webSocket` client (a browser), through
 *   it, offering only the bare `ZWS2.0` a browser can name (so NULL only, in
 *   RFC 45's mechanism-less profile); otherwise a TCP connection (`connectTcp`, or `tls.connect` for wss) and
 *   zmq-ts's own opening handshake and framing (`ws_stream.ts`).
 * - Bind: a TCP or TLS listener; each accepted connection runs the server
 *   side of the handshake, choosing the subprotocol as libzmq does; a
 *   non-ZWS client or one offering the wrong mechanism gets an HTTP 400 and
 *   is reported through `onError`.
 *
 * What comes after the handshake (the mechanism named by the subprotocol,
 * READY, traffic, heartbeats) is the ZWS engine's job; `zws.ts` has the
 * framing rules.
 *
 * @module
 */

import type { Listener, MessageConn, Runtime, TlsListenOptions } from "../../runtime/runtime.ts";
import { RuntimeError } from "../../runtime/runtime.ts";
import type { UpgradeRequest } from "./http_upgrade.ts";
import { formatWsEndpoint, type WsEndpoint } from "./ws_address.ts";
import { openWsClient, openWsServer } from "./ws_stream.ts";
import { selectZwsProtocol, zwsBrowserOffer, type ZwsMechanism, zwsOffer } from "./zws.ts";

/** Options of {@linkcode dialZws}. */
export interface ZwsDialOptions {
  /** The socket's mechanism: decides the subprotocols offered. */
  mechanism: ZwsMechanism;
  /** ms the TCP (and TLS) connect may take; 0 or absent: the OS default. */
  connectTimeout?: number;
  /** ms the WebSocket opening handshake may take after connecting; 0 or absent: no limit. */
  handshakeTimeout?: number;
  /** TCP keepalive. */
  keepAlive?: boolean;
  /** The socket's `maxMessageSize` (largest frame body, -1 = none); the flags byte is added here. */
  maxMessageSize?: number;
  /** For wss: authorities to trust besides the runtime's, and the name the certificate must carry. */
  tls?: { caCerts?: string[]; serverName?: string };
  /** Extra request headers (not possible in a browser, which sends its own). */
  headers?: readonly (readonly [string, string])[];
}

/** Options of {@linkcode listenZws}. */
export interface ZwsListenOptions {
  /** The socket's mechanism: decides which offered subprotocol is accepted. */
  mechanism: ZwsMechanism;
  /** For wss: the certificate and key (required). */
  tls?: TlsListenOptions;
  /** The socket's `maxMessageSize` (largest frame body, -1 = none). */
  maxMessageSize?: number;
  /** ms a client may take to send its upgrade request; 0 or absent: no limit. */
  handshakeTimeout?: number;
  /** Optional extra check of each request (its `Origin`, say); `false` refuses it with 400. */
  accept?: (request: UpgradeRequest) => boolean;
}

/** A bound ws/wss endpoint that hands out ZWS WebSockets. */
export interface ZwsListener {
  /** The endpoint as libzmq reports it (`ws://127.0.0.1:41919/`), the port resolved. */
  readonly endpoint: string;
  /** The bound port. */
  readonly port: number;
  /**
   * Starts accepting. `onConn` gets each WebSocket once its handshake is done;
   * `onError` gets each refused or failed handshake (an `UpgradeError`, or the
   * connection's error) with the client's address, and accept failures.
   */
  start(onConn: (conn: MessageConn) => void, onError: (error: Error, remoteAddress: string) => void): void;
  /** Stops listening (connections already handed out stay open; handshakes in progress are dropped). */
  close(): void;
  /** Resolves once the listener is closed. */
  readonly closed: Promise<void>;
}

/** The WebSocket payload limit for a ZMTP frame-body limit (libzmq does not count the flags byte). */
function payloadLimit(maxMessageSize: number | undefined): number {
  return maxMessageSize === undefined || maxMessageSize < 0 ? -1 : maxMessageSize + 1;
}

/** An AbortSignal that fires after `ms` (none for 0), and a function to cancel the timer. */
function deadline(ms: number | undefined, what: string): { signal?: AbortSignal; cancel: () => void } {
  if (!ms) return { cancel: () => {} };
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new RuntimeError("ETIMEDOUT", `${what} took more than ${ms} ms`)),
    ms,
  );
  return { signal: controller.signal, cancel: () => clearTimeout(timer) };
}

/**
 * Connects to a ws/wss endpoint and runs the opening handshake offering
 * the mechanism's subprotocols. Rejects with a `RuntimeError` (connect
 * failures, `ETIMEDOUT`, `EPROTONOSUPPORT` for wss on a runtime without TLS)
 * or an `UpgradeError` (the server refused or answered wrongly).
 *
 * @example Usage
 * ```ts ignore
 * const ws = await dialZws(parseWsEndpoint("ws://127.0.0.1:5555/zmq", "connect"), denoRuntime, { mechanism: "NULL" });
 * console.log(ws.protocol); // "ZWS2.0/NULL"
 * ```
 */
export async function dialZws(endpoint: WsEndpoint, runtime: Runtime, options: ZwsDialOptions): Promise<MessageConn> {
  const maxMessageSize = payloadLimit(options.maxMessageSize);
  if (runtime.webSocket) {
    const protocols = zwsBrowserOffer(options.mechanism);
    if (protocols.length === 0) {
      throw new RuntimeError(
        "ENOTSUP",
        `A browser WebSocket cannot offer ${zwsOffer(options.mechanism).join(", ")}: subprotocol names with "/" ` +
          "are not valid WebSocket tokens, so only the mechanism-less ZWS2.0 is possible from a page",
      );
    }
    const url = `${endpoint.transport}://${endpoint.hostHeader}:${endpoint.port}${endpoint.path}`;
    const timeout = (options.connectTimeout ?? 0) + (options.handshakeTimeout ?? 0);
    return runtime.webSocket.connect(url, protocols, { timeout, maxMessageSize });
  }
  const protocols = zwsOffer(options.mechanism);
  let conn;
  if (endpoint.transport === "wss") {
    if (!runtime.tls) {
      throw new RuntimeError("EPROTONOSUPPORT", `The ${runtime.name} runtime has no TLS: wss:// is not available`);
    }
    conn = await runtime.tls.connect(endpoint.host, endpoint.port, {
      timeout: options.connectTimeout,
      keepAlive: options.keepAlive,
      caCerts: options.tls?.caCerts,
      serverName: options.tls?.serverName,
    });
  } else {
    conn = await runtime.connectTcp(endpoint.host, endpoint.port, {
      timeout: options.connectTimeout,
      keepAlive: options.keepAlive,
    });
  }
  const limit = deadline(options.handshakeTimeout, "The WebSocket opening handshake");
  try {
    return await openWsClient(conn, {
      host: endpoint.hostHeader,
      path: endpoint.path,
      protocols,
      headers: options.headers,
      maxMessageSize,
      signal: limit.signal,
      allocate: runtime.allocate?.bind(runtime),
    });
  } finally {
    limit.cancel();
  }
}

/**
 * Binds a ws/wss endpoint. Rejects with a `RuntimeError` (`EADDRINUSE`,
 * `EADDRNOTAVAIL`, `EACCES`, `EINVAL` for a bad certificate,
 * `EPROTONOSUPPORT` for wss without TLS support or without `tls` options,
 * `ENOTSUP` in a browser).
 *
 * @example Usage
 * ```ts ignore
 * const listener = await listenZws(parseWsEndpoint("ws://127.0.0.1:*", "bind"), denoRuntime, { mechanism: "NULL" });
 * listener.start((ws) => console.log("ZWS peer", ws.protocol), (err, from) => console.log(from, err.message));
 * ```
 */
export async function listenZws(
  endpoint: WsEndpoint,
  runtime: Runtime,
  options: ZwsListenOptions,
): Promise<ZwsListener> {
  let listener: Listener;
  if (endpoint.transport === "wss") {
    if (!runtime.tls) {
      throw new RuntimeError("EPROTONOSUPPORT", `The ${runtime.name} runtime has no TLS: wss:// is not available`);
    }
    if (!options.tls) {
      throw new RuntimeError("EPROTONOSUPPORT", "Binding wss:// needs a certificate and a key");
    }
    listener = await runtime.tls.listen(endpoint.host, endpoint.port, options.tls);
  } else {
    listener = await runtime.listenTcp(endpoint.host, endpoint.port);
  }
  return new BoundZws(listener, endpoint, runtime, options);
}

class BoundZws implements ZwsListener {
  readonly endpoint: string;
  readonly port: number;
  readonly closed: Promise<void>;
  #listener: Listener;
  #runtime: Runtime;
  #options: ZwsListenOptions;
  #pending = new Set<{ close(): void }>();

  constructor(listener: Listener, endpoint: WsEndpoint, runtime: Runtime, options: ZwsListenOptions) {
    this.#listener = listener;
    this.#runtime = runtime;
    this.#options = options;
    this.port = listener.port;
    this.endpoint = formatWsEndpoint(endpoint.transport, endpoint.host, listener.port, endpoint.path);
    this.closed = listener.closed;
  }

  start(onConn: (conn: MessageConn) => void, onError: (error: Error, remoteAddress: string) => void): void {
    const options = this.#options;
    this.#listener.start((conn) => {
      this.#pending.add(conn);
      const limit = deadline(options.handshakeTimeout, "The WebSocket upgrade request");
      openWsServer(conn, {
        selectProtocol: (offered, request) =>
          options.accept && !options.accept(request) ? null : selectZwsProtocol(offered, options.mechanism),
        maxMessageSize: payloadLimit(options.maxMessageSize),
        signal: limit.signal,
        allocate: this.#runtime.allocate?.bind(this.#runtime),
      }).then(
        (ws) => {
          limit.cancel();
          this.#pending.delete(conn);
          onConn(ws);
        },
        (err) => {
          limit.cancel();
          this.#pending.delete(conn);
          onError(err instanceof Error ? err : new Error(String(err)), conn.remoteAddress);
        },
      );
    }, (err) => onError(err, ""));
  }

  close(): void {
    this.#listener.close();
    for (const conn of this.#pending) conn.close();
    this.#pending.clear();
  }
}
