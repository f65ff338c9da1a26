/**
 * ROUTER: every message carries the peer's routing id as its first frame.
 *
 * @module
 */

import { ZmqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fq.ts";
import { RouterTable } from "../routing/router_table.ts";
import type { Multipart } from "../types.ts";
import type { Pattern } from "./pattern.ts";
import {
  defineSocketType,
  type PatternHost,
  type Readable,
  Socket,
  type SocketOptions,
  type Writable,
} from "./socket.ts";
import type { OptionsOf } from "../options.ts";

/** Options of {@linkcode Router}: its assignable properties, and the `context`. */
export type RouterOptions = SocketOptions<Router>;

class RouterPattern implements Pattern {
  #fq: FairQueue;
  #table = new RouterTable();
  #host: PatternHost;
  constructor(host: PatternHost) {
    this.#host = host;
    this.#fq = new FairQueue(() => host.wakeReceive());
  }

  attach(pipe: Pipe): boolean {
    let id = pipe.routingId;
    if (id.length === 0) {
      const identity = pipe.properties.get("Identity");
      id = identity !== undefined && identity.length > 0 ? identity.slice() : this.#table.generate();
    }
    const existing = this.#table.get(id);
    if (existing !== undefined && existing !== pipe) {
      // libzmq: without handover the newcomer is ignored; with it, the old peer loses the id.
      if (!this.#host.option("handover")) return false;
      this.#table.delete(id, existing);
      existing.routingId = this.#table.generate();
      this.#fq.remove(existing);
      existing.outbound.onWritable = null;
    }
    pipe.routingId = id;
    this.#table.set(id, pipe);
    if (this.#host.option("probeRouter")) pipe.outbound.write([new Uint8Array(0)]);
    pipe.outbound.onWritable = () => this.#host.wakeSend();
    this.#fq.attach(pipe);
    return true;
  }

  detach(pipe: Pipe): void {
    this.#table.delete(pipe.routingId, pipe);
    pipe.outbound.onWritable = null;
    this.#fq.detach(pipe);
  }

  send(message: Multipart): boolean {
    // A lone routing id frame carries nothing; libzmq ignores it.
    if (message.length < 2) return true;
    const mandatory = this.#host.option("mandatory");
    const pipe = this.#table.get(message[0]);
    if (pipe === undefined || pipe.detached) {
      if (mandatory) {
        throw new ZmqError("EHOSTUNREACH", "Host unreachable: no peer has this routing id");
      }
      return true;
    }
    if (!pipe.outbound.writable) return !mandatory; // full: dropped, or wait when mandatory
    pipe.outbound.write(message.slice(1));
    return true;
  }

  recv(): Multipart | undefined {
    const message = this.#fq.recv();
    if (message === undefined) return undefined;
    message.unshift(this.#fq.lastPipe!.routingId);
    return message;
  }

  hasIn(): boolean {
    return this.#fq.hasIn();
  }

  hasOut(): boolean {
    return true;
  }
}

/** What a ROUTER socket can do (Readable, Writable) and its options, as properties. */
export interface Router extends Readable, Writable, OptionsOf<"ROUTER"> {}

/**
 * A ROUTER socket: receives `[routingId, ...frames]` from any peer and
 * sends `[routingId, ...frames]` to the peer with that id. Unknown ids are
 * dropped silently unless `mandatory` is set (then EHOSTUNREACH).
 *
 * @example Usage
 * ```ts
 * import { Router } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using router = new Router({ mandatory: true });
 * await assert.rejects(router.send(["nobody", "hi"]), { code: "EHOSTUNREACH" });
 * ```
 */
export class Router extends Socket {
  /** Makes a ROUTER socket. */
  constructor(options?: RouterOptions) {
    super(6, options);
  }
}

defineSocketType({ name: "ROUTER", makePattern: (host) => new RouterPattern(host) });
