/**
 * zeromq 5's `zmq.proxy(frontend, backend, capture?)`: forwards messages
 * between two zeromq 5 sockets in both directions, in this layer (as
 * zeromq 5 and zeromq.js's compatibility layer do), for the socket pairs
 * zeromq 5 supported.
 *
 * @module
 */

import type { Socket } from "./socket.ts";

/**
 * Forwards every message the frontend receives to the backend and every
 * message the backend receives to the frontend. Supported pairs (frontend /
 * backend): `push`/`pull`, `pull`/`push`, `xpub`/`xsub`, `router`/`dealer`
 * (`xrep`/`xreq`); any other order throws `wrong socket order to proxy`.
 * With a `capture` socket, the messages arriving on the backend are also
 * sent to it; for `router`/`dealer` without their routing envelope.
 * It returns at once: forwarding runs until the sockets are closed.
 *
 * @example Usage
 * ```ts
 * import * as zmq from "../../v5_compat.ts";
 * import assert from "node:assert/strict";
 * const frontend = zmq.socket("pull");
 * const backend = zmq.socket("push");
 * frontend.bindSync("inproc://proxy-in");
 * backend.bindSync("inproc://proxy-out");
 * zmq.proxy(frontend, backend);
 * const producer = zmq.socket("push");
 * const consumer = zmq.socket("pull");
 * producer.connect("inproc://proxy-in");
 * consumer.connect("inproc://proxy-out");
 * const got = new Promise<string>((resolve) => consumer.on("message", (m: Uint8Array) => resolve(new TextDecoder().decode(m))));
 * producer.send("through");
 * assert.equal(await got, "through");
 * for (const s of [producer, consumer, frontend, backend]) s.close();
 * ```
 */
export function proxy(frontend: Socket, backend: Socket, capture?: Socket): void {
  const pair = `${frontend.type}/${backend.type}`;
  let envelope: number;
  switch (pair) {
    case "push/pull":
    case "pull/push":
    case "xpub/xsub":
      envelope = 0;
      break;
    case "router/dealer":
    case "xrep/xreq":
      // What the dealer receives is [routing id, delimiter, ...body]; capture gets the body.
      envelope = 2;
      break;
    default:
      throw new Error("wrong socket order to proxy");
  }
  frontend.on("message", (...frames: Uint8Array[]) => {
    backend.send(frames);
  });
  backend.on("message", (...frames: Uint8Array[]) => {
    frontend.send(frames);
    if (capture !== undefined) capture.send(frames.slice(envelope));
  });
}
