/**
 * Which kind of session serves an endpoint, by its transport. A new
 * transport is one entry here: a {@linkcode SessionFactory} built from its
 * own session file, or from a transport (`src/transports/`) and an engine
 * (`src/engine/`) with the generic connect and bind sessions.
 *
 * @module
 */

import { createZmtpEngine } from "../engine/zmtp_engine.ts";
import type { EngineFactory } from "../engine/engine.ts";
import type { Endpoint } from "../endpoint.ts";
import { ZmqError } from "../errors.ts";
import { ipcTransport } from "../transports/ipc.ts";
import { tcpTransport } from "../transports/tcp.ts";
import type { StreamTransport } from "../transports/transport.ts";
import { BindSession } from "./bind_session.ts";
import { ConnectSession } from "./connect_session.ts";
import { bindInproc, connectInproc } from "./inproc_session.ts";
import type { Session, TransportSessionHost } from "./session.ts";

/**
 * Makes the sessions of one transport.
 *
 * @example Usage
 * ```ts ignore
 * const session = await sessionFactoryFor(endpoint, host.runtime).bind(host, endpoint, address);
 * ```
 */
export interface SessionFactory {
  /**
   * Binds the endpoint. Rejects with a `ZmqError` (EADDRINUSE, EINVAL, ...);
   * a failed listen is also reported as a `bind:error` event.
   */
  bind(host: TransportSessionHost, endpoint: Endpoint, requested: string): Promise<Session>;
  /** Starts connecting to the endpoint; `routingId` names the peer locally (Router's connect option). */
  connect(host: TransportSessionHost, endpoint: Endpoint, routingId: Uint8Array | null): Session;
}

/** Sessions over a byte-stream transport, with an engine per connection. */
function transportSessions(transport: StreamTransport, createEngine: EngineFactory): SessionFactory {
  return {
    async bind(host, endpoint, requested) {
      transport.check?.(endpoint, host.runtime);
      let bound;
      try {
        bound = await transport.listen(endpoint, host.runtime, { ipv6: host.option("ipv6") });
      } catch (error) {
        // libzmq's monitor reports the address without its scheme here (`127.0.0.1:5555`), and so does zeromq.js.
        host.emit({ type: "bind:error", address: requested.replace(/^[a-z]+:\/\//, ""), error: error as Error });
        throw error;
      }
      const session = new BindSession(host, bound, requested, createEngine);
      session.start();
      host.emit({ type: "bind", address: session.endpoint });
      return session;
    },
    connect(host, endpoint, routingId) {
      transport.check?.(endpoint, host.runtime);
      const session = new ConnectSession(host, endpoint, transport, createEngine, routingId);
      session.start();
      return session;
    },
  };
}

/** Inproc endpoints have no listener: as in libzmq, binding and closing one reports no `bind` or `close` event. */
const inprocSessions: SessionFactory = {
  bind: (host, endpoint) => Promise.resolve(bindInproc(host, endpoint)),
  connect: (host, endpoint, routingId) => connectInproc(host, endpoint, routingId),
};

const FACTORIES: Readonly<Record<string, SessionFactory>> = {
  tcp: transportSessions(tcpTransport, createZmtpEngine),
  ipc: transportSessions(ipcTransport, createZmtpEngine),
  inproc: inprocSessions,
};

/**
 * The session factory for an endpoint; throws `EPROTONOSUPPORT` for a
 * transport this build cannot serve.
 *
 * @example Usage
 * ```ts
 * import { sessionFactoryFor } from "./session_factory.ts";
 * import { parseEndpoint } from "../endpoint.ts";
 * import assert from "node:assert/strict";
 * assert.ok(sessionFactoryFor(parseEndpoint("tcp://127.0.0.1:5555", "connect")));
 * ```
 */
export function sessionFactoryFor(endpoint: Endpoint): SessionFactory {
  const factory = Object.hasOwn(FACTORIES, endpoint.transport) ? FACTORIES[endpoint.transport] : undefined;
  if (factory === undefined) {
    throw new ZmqError("EPROTONOSUPPORT", `Transport ${endpoint.transport}:// is not available in this build`, {
      address: endpoint.text,
    });
  }
  return factory;
}
