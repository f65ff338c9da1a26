/**
 * zeromq 5's socket monitor: the v6 socket's events re-emitted under
 * zeromq 5's names (`listen`, `accept`, `connect_retry`, `bind_error`, ...)
 * with zeromq 5's listener arguments `(value, endpoint, error)`.
 *
 * @module
 */

import type { Socket, SocketEvent } from "./_v6.ts";

/**
 * zeromq 5's monitor event names by libzmq event number (`zmq.events`).
 *
 * @example Usage
 * ```ts
 * import { MONITOR_EVENTS } from "./monitor.ts";
 * import assert from "node:assert/strict";
 * assert.equal(MONITOR_EVENTS[8], "listen");
 * ```
 */
export const MONITOR_EVENTS: Readonly<Record<number, string>> = Object.freeze({
  1: "connect",
  2: "connect_delay",
  4: "connect_retry",
  8: "listen",
  16: "bind_error",
  32: "accept",
  64: "accept_error",
  128: "close",
  256: "close_error",
  512: "disconnect",
});

/** v6 event type → zeromq 5 event name. */
const NAMES = {
  "connect": "connect",
  "connect:delay": "connect_delay",
  "connect:retry": "connect_retry",
  "bind": "listen",
  "bind:error": "bind_error",
  "accept": "accept",
  "accept:error": "accept_error",
  "close": "close",
  "close:error": "close_error",
  "disconnect": "disconnect",
} as const;

type Mapped = keyof typeof NAMES;

/** The libzmq errno of an event error, when the error carries one. */
function errnoOf(error: Error): number | undefined {
  const errno = (error as { errno?: unknown }).errno;
  return typeof errno === "number" ? errno : undefined;
}

/**
 * Starts re-emitting the v6 socket's events through `emit` as zeromq 5
 * monitor events: `emit(name, value, endpoint, error)`, where `value` is
 * the reconnect interval for `connect_retry`, the errno (when known) for
 * the `*_error` events, and `undefined` otherwise (zeromq 5 passed a file
 * descriptor there, which zmq-ts sockets do not have). Returns the function
 * that stops it.
 *
 * @example Usage
 * ```ts
 * import { startMonitor } from "./monitor.ts";
 * import { Pull } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using pull = new Pull();
 * const seen: string[] = [];
 * const stop = startMonitor(pull, (name, _value, endpoint) => seen.push(`${name} ${endpoint}`));
 * await pull.bind("tcp://127.0.0.1:*"); // (inproc binds report no events, as in libzmq)
 * stop();
 * assert.deepEqual(seen, [`listen ${pull.lastEndpoint}`]);
 * ```
 */
export function startMonitor(
  socket: Socket,
  emit: (name: string, value: number | undefined, endpoint: string, error: Error | undefined) => void,
): () => void {
  const listener = (event: SocketEvent) => {
    if (!(event.type in NAMES)) return;
    const mapped = event as Extract<SocketEvent, { type: Mapped }>;
    const error = "error" in mapped ? mapped.error : undefined;
    const value = mapped.type === "connect:retry" ? mapped.interval : error !== undefined ? errnoOf(error) : undefined;
    emit(NAMES[mapped.type], value, mapped.address, error);
  };
  const types = Object.keys(NAMES) as Mapped[];
  for (const type of types) socket.events.on(type, listener);
  return () => {
    for (const type of types) socket.events.off(type, listener);
  };
}
