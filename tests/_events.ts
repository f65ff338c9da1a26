/**
 * Watching sockets in tests: the events a socket emits, the pipes it
 * attaches, and that nothing was delivered.
 */
import assert from "node:assert/strict";
import type { Socket, SocketEvent } from "../mod.ts";
import type { Pipe } from "../src/pipe.ts";
import { patternOf } from "../src/sockets/socket.ts";
import { sleep } from "./_helpers.ts";

/** Every handshake-related event of a socket, in order. */
export function record(socket: Socket): SocketEvent[] {
  const events: SocketEvent[] = [];
  for (
    const type of [
      "connect",
      "connect:retry",
      "accept",
      "handshake",
      "handshake:error:auth",
      "handshake:error:protocol",
      "handshake:error:other",
      "disconnect",
    ] as const
  ) socket.events.on(type, (event) => events.push(event));
  return events;
}

/** How many events of a type were seen. */
export const count = (events: SocketEvent[], type: SocketEvent["type"]): number =>
  events.filter((e) => e.type === type).length;

/** The error of the first event of a type. */
export function errorOf(
  events: SocketEvent[],
  type: SocketEvent["type"],
): (Error & Record<string, unknown>) | undefined {
  const event = events.find((e) => e.type === type);
  return event && "error" in event ? event.error as Error & Record<string, unknown> : undefined;
}

/** The pipes a socket attaches from now on (test-only peek at the pattern, to read what the handshake stored). */
export function watchPipes(socket: Socket): Pipe[] {
  const pipes: Pipe[] = [];
  const pattern = patternOf(socket);
  const attach = pattern.attach.bind(pattern);
  pattern.attach = (pipe) => {
    pipes.push(pipe);
    return attach(pipe);
  };
  return pipes;
}

/** Nothing arrives within `ms` (without leaving a pending receive behind). */
export async function assertNothingReceived(socket: Socket, ms = 150): Promise<void> {
  await sleep(ms);
  assert.equal(socket.readable, false, "no message was delivered");
}
