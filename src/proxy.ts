/**
 * A proxy joins two sockets and forwards messages both ways, as libzmq's
 * `zmq_proxy_steerable` does: a ROUTER/DEALER broker, an XSUB/XPUB
 * forwarder, a PULL/PUSH streamer. It has zeromq.js's shape
 * (`new Proxy(frontEnd, backEnd)`, `run()`, `pause()`, `resume()`,
 * `terminate()`) plus libzmq's optional capture socket.
 *
 * @module
 */

import { ZmqError } from "./errors.ts";
import { hasEndpoints, type Readable, Socket, type Writable } from "./sockets/socket.ts";
import type { Message, MessageLike, SocketTypeName } from "./types.ts";

/** A socket as the proxy drives it: every socket has `send()` and `receive()` at run time. */
type Forwarding = Socket & Readable<Message[]> & Writable<MessageLike[]>;

/** Options of {@linkcode Proxy}. */
export interface ProxyOptions {
  /**
   * A socket that gets a copy of every message the proxy forwards, in either
   * direction (libzmq `zmq_proxy`'s third argument); typically a `Publisher`
   * or a `Push`. The proxy sends to it before forwarding and waits when it
   * is at its high-water mark, as libzmq does. The proxy does not close it.
   */
  capture?: Socket;
}

/** Socket types that never receive messages. */
const SEND_ONLY: readonly SocketTypeName[] = ["PUSH", "PUB"];
/** Socket types that never send messages. */
const RECEIVE_ONLY: readonly SocketTypeName[] = ["PULL", "SUB"];

const notRunning = () =>
  new ZmqError("EBADF", "Proxy is not running: call run() first (a terminated proxy cannot be reused)");

/**
 * Forwards messages between a front-end and a back-end socket until
 * terminated. Bind or connect both sockets and set their options first,
 * then `run()`. Each direction forwards one message at a time and waits
 * while the receiving socket is at its high-water mark, so back-pressure
 * travels through the proxy. Directions a socket type cannot take (a
 * `Push` never receives, a `Pull` never sends) are left out.
 *
 * `run()` resolves once the proxy is terminated (or either socket is
 * closed), after closing both sockets; queued messages then linger as each
 * socket's `linger` says. It rejects, after closing both sockets, if
 * forwarding fails (e.g. `EHOSTUNREACH` from a `Router` with `mandatory`).
 *
 * @example Usage
 * ```ts
 * import { Dealer, Proxy, Reply, Request, Router } from "../mod.ts";
 * import assert from "node:assert/strict";
 * const proxy = new Proxy(new Router(), new Dealer());
 * await proxy.frontEnd.bind("tcp://127.0.0.1:*");
 * await proxy.backEnd.bind("tcp://127.0.0.1:*");
 * const done = proxy.run();
 * await using rep = new Reply();
 * rep.connect(proxy.backEnd.lastEndpoint!);
 * await using req = new Request();
 * req.connect(proxy.frontEnd.lastEndpoint!);
 * await req.send("ping");
 * const [question] = await rep.receive();
 * await rep.send(new TextDecoder().decode(question) + "/pong");
 * const [answer] = await req.receive();
 * assert.equal(new TextDecoder().decode(answer), "ping/pong");
 * proxy.terminate();
 * await done;
 * assert.ok(proxy.frontEnd.closed && proxy.backEnd.closed);
 * ```
 */
export class Proxy<F extends Socket = Socket, B extends Socket = Socket> {
  /** The socket clients talk to (e.g. a `Router` or an `XSubscriber`). */
  readonly frontEnd: F;
  /** The socket workers or subscribers talk to (e.g. a `Dealer` or an `XPublisher`). */
  readonly backEnd: B;
  /** The capture socket, if any. */
  readonly capture: Socket | null;
  #state: "idle" | "running" | "done" = "idle";
  #paused: PromiseWithResolvers<void> | null = null;
  #captureTurn: Promise<void> = Promise.resolve();

  /**
   * Makes a proxy over two sockets; nothing happens until
   * {@linkcode Proxy.run}. Throws as zeromq.js does: a `TypeError` without
   * sockets or with arguments it does not take, EINVAL for a front or back
   * end that is not a socket.
   */
  constructor(frontEnd: F, backEnd: B, options?: ProxyOptions) {
    if (frontEnd === undefined) throw new TypeError("Front-end must be a socket object");
    if (backEnd === undefined) throw new TypeError("Back-end must be a socket object");
    if (arguments.length > 3 || (options !== undefined && (options instanceof Socket || typeof options !== "object"))) {
      throw new TypeError("Expected 2 arguments");
    }
    if (!(frontEnd instanceof Socket) || !(backEnd instanceof Socket)) throw new ZmqError("EINVAL", "Not a socket");
    const capture = options?.capture;
    if (capture !== undefined && !(capture instanceof Socket)) throw new ZmqError("EINVAL", "capture is not a socket");
    this.frontEnd = frontEnd;
    this.backEnd = backEnd;
    this.capture = capture ?? null;
  }

  /** Whether {@linkcode Proxy.run} is forwarding (or paused). */
  get running(): boolean {
    return this.#state === "running";
  }

  /** Whether the proxy is paused. */
  get paused(): boolean {
    return this.#paused !== null;
  }

  /**
   * Forwards messages until {@linkcode Proxy.terminate} (or until either
   * socket is closed), then closes both sockets and resolves. Rejects with
   * `EINVAL` if a socket is already closed and with `EBUSY` if the proxy
   * already ran.
   */
  async run(): Promise<void> {
    if (this.#state !== "idle") {
      throw new ZmqError("EBUSY", "Proxy is already running or has been terminated; make a new one");
    }
    if (this.frontEnd.closed || !hasEndpoints(this.frontEnd)) {
      throw new ZmqError("EINVAL", "Bind or connect the front end before run()", {
        message: "Front-end socket must be bound or connected",
      });
    }
    if (this.backEnd.closed || !hasEndpoints(this.backEnd)) {
      throw new ZmqError("EINVAL", "Bind or connect the back end before run()", {
        message: "Back-end socket must be bound or connected",
      });
    }
    if (this.capture?.closed) {
      throw new ZmqError("EINVAL", "Capture socket is closed", {
        message: "Capture socket must be bound or connected",
      });
    }
    this.#state = "running";
    const pumps: Promise<void>[] = [];
    const front = this.frontEnd as Socket as Forwarding;
    const back = this.backEnd as Socket as Forwarding;
    if (canReceive(front) && canSend(back)) pumps.push(this.#pump(front, back));
    if (canReceive(back) && canSend(front)) pumps.push(this.#pump(back, front));
    const results = await Promise.allSettled(pumps);
    this.#stop();
    const failed = results.find((r) => r.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }

  /** Stops forwarding until {@linkcode Proxy.resume}; messages wait in the sockets' queues. Throws `EBADF` unless running. */
  pause(): void {
    if (this.#state !== "running") throw notRunning();
    this.#paused ??= Promise.withResolvers<void>();
  }

  /** Forwards again after {@linkcode Proxy.pause}. Throws `EBADF` unless running. */
  resume(): void {
    if (this.#state !== "running") throw notRunning();
    const paused = this.#paused;
    this.#paused = null;
    paused?.resolve();
  }

  /** Stops the proxy: closes both sockets, and `run()` resolves. Throws `EBADF` unless running. */
  terminate(): void {
    if (this.#state !== "running") throw notRunning();
    this.#stop();
  }

  #stop(): void {
    if (this.#state === "done") return;
    this.#state = "done";
    const paused = this.#paused;
    this.#paused = null;
    paused?.resolve();
    this.frontEnd.close();
    this.backEnd.close();
  }

  /** Sends a copy to the capture socket; both directions take turns (a socket allows one waiting send). */
  async #captureCopy(capture: Socket, message: Message[]): Promise<void> {
    const before = this.#captureTurn;
    const turn = Promise.withResolvers<void>();
    this.#captureTurn = turn.promise;
    try {
      await before;
      if (!capture.closed) await (capture as Forwarding).send([...message]);
    } catch (err) {
      if (!capture.closed) throw err; // A closed capture socket only stops the copies.
    } finally {
      turn.resolve();
    }
  }

  /** Forwards one direction until the proxy stops; rejects on a failure other than a closed socket. */
  async #pump(from: Forwarding, to: Forwarding): Promise<void> {
    const capture = this.capture;
    while (this.#state === "running") {
      let message: Message[];
      try {
        if (this.#paused !== null) await this.#paused.promise;
        if (this.#state !== "running") return;
        message = await from.receive();
        // Paused while waiting: hold the message until resumed.
        while (this.#paused !== null) await this.#paused.promise;
        if (this.#state !== "running") return;
        if (capture !== null) await this.#captureCopy(capture, message);
        await to.send(message);
      } catch (err) {
        if (this.#state !== "running") return;
        if (err instanceof ZmqError && (err.code === "EBADF" || err.code === "EAGAIN") && (from.closed || to.closed)) {
          // The application closed one of the sockets: that ends the proxy.
          this.#stop();
          return;
        }
        this.#stop();
        throw err;
      }
    }
  }
}

function canReceive(socket: Socket): boolean {
  return !SEND_ONLY.includes(socket.typeName);
}

function canSend(socket: Socket): boolean {
  return !RECEIVE_ONLY.includes(socket.typeName);
}
