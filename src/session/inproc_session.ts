/**
 * The inproc session: `inproc://name` between sockets of one context
 * (their {@linkcode InprocRegistry}). There are no bytes: the two sockets share a pair of
 * {@linkcode MessageQueue}s (one socket's outbound queue is the other's
 * inbound queue), so a message passes from socket to socket without a
 * greeting, an encoding or a copy of its frames.
 *
 * As in libzmq: bind and connect may come in either order (a connect before
 * the bind queues until the bind happens); binding a name twice is
 * EADDRINUSE; the effective high-water mark of each direction is the
 * sender's SNDHWM plus the receiver's RCVHWM; a ROUTER learns the connecting
 * socket's routing id; closing either side detaches the pipe on the other,
 * whose reader can still drain what had arrived. Unlike libzmq, an
 * incompatible pair of socket types (PUSH to PUSH) is refused.
 *
 * @module
 */

import type { Metadata } from "../codec/command.ts";
import type { Endpoint } from "../endpoint.ts";
import { ProtocolError, reportedError, ZmqError } from "../errors.ts";
import { ZAP_ENDPOINT } from "../mechanisms/zap.ts";
import { MessageQueue, Pipe } from "../pipe.ts";
import { COMPATIBLE_TYPES, type SocketTypeName } from "../types.ts";
import type { InprocRegistry } from "./inproc_registry.ts";
import type { Session, SessionHost } from "./session.ts";

const encoder = new TextEncoder();

/** libzmq: the sum of both marks, or no limit when either side has none. */
function sumHighWaterMarks(send: number, receive: number): number {
  return send === 0 || receive === 0 ? 0 : send + receive;
}

function conflates(socket: SessionHost): boolean {
  return socket.option("conflate") === true;
}

/** What a ZMTP peer would announce in READY: its type, and its routing id where the type has one. */
function metadataOf(socket: SessionHost): Metadata {
  const properties: Metadata = new Map([["Socket-Type", encoder.encode(socket.type)]]);
  const type = socket.type;
  if (type === "REQ" || type === "DEALER" || type === "ROUTER") {
    properties.set("Identity", encoder.encode(socket.option("routingId") ?? ""));
  }
  return properties;
}

function compatible(a: SocketTypeName, b: SocketTypeName): boolean {
  return (COMPATIBLE_TYPES[a] as readonly string[]).includes(b);
}

function incompatibility(a: SocketTypeName, b: SocketTypeName, address: string): string {
  return `Incompatible socket types on ${address}: a ${a} socket cannot talk to a ${b} socket`;
}

/** Wakes whoever waits on a queue whose state changed without a read or write (new reader, raised mark). */
function kick(queue: MessageQueue): void {
  if (queue.length > 0) queue.onReadable?.();
  if (queue.writable) queue.onWritable?.();
}

/**
 * One `bind("inproc://name")`: the name in its context and the connections
 * made to it.
 *
 * @example Usage
 * ```ts
 * import { Pair } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using a = new Pair();
 * await a.bind("inproc://binding-example");
 * assert.equal(a.lastEndpoint, "inproc://binding-example");
 * await using b = new Pair();
 * await assert.rejects(b.bind("inproc://binding-example"), { code: "EADDRINUSE" });
 * ```
 */
export class InprocBinding implements Session {
  /** The endpoint, `inproc://name`. */
  readonly endpoint: string;
  /** The endpoint as the user wrote it (the same for inproc). */
  readonly requested: string;
  /** The bound socket. */
  readonly socket: SessionHost;
  readonly #name: string;
  readonly #connections = new Set<InprocConnection>();
  #closed = false;

  /** Use {@linkcode bindInproc}. */
  constructor(socket: SessionHost, endpoint: Endpoint & { transport: "inproc" }) {
    this.socket = socket;
    this.endpoint = endpoint.text;
    this.requested = endpoint.text;
    this.#name = endpoint.name;
  }

  /** Number of connected sockets. */
  get connections(): number {
    return this.#connections.size;
  }

  /** @internal Registers a connection that joined. */
  add(connection: InprocConnection): void {
    this.#connections.add(connection);
  }

  /** @internal Forgets a connection that ended. */
  remove(connection: InprocConnection): void {
    this.#connections.delete(connection);
  }

  /** Releases the name and detaches every connection (their sockets can still drain what arrived). */
  close(_linger = 0): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    const registry = this.socket.inproc;
    if (registry.binds.get(this.#name) === this) registry.binds.delete(this.#name);
    const connections = [...this.#connections];
    this.#connections.clear();
    for (const connection of connections) connection.bindingClosed();
    return Promise.resolve();
  }
}

/**
 * One `connect("inproc://name")`: the connecting socket's pipe, and once the
 * name is bound, the bound socket's pipe over the same two queues.
 *
 * @example Usage
 * ```ts
 * import { Pull, Push } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using push = new Push();
 * push.connect("inproc://connection-example"); // before the bind: messages wait
 * await push.send("early");
 * await using pull = new Pull();
 * await pull.bind("inproc://connection-example");
 * const [msg] = await pull.receive();
 * assert.equal(new TextDecoder().decode(msg), "early");
 * ```
 */
export class InprocConnection implements Session {
  /** The endpoint connected to. */
  readonly endpoint: string;
  /** The endpoint as the user wrote it (the same). */
  readonly requested: string;
  readonly #name: string;
  readonly #socket: SessionHost;
  readonly #toPeer: MessageQueue;
  readonly #fromPeer: MessageQueue;
  readonly #pipe: Pipe;
  #attached = false;
  #binding: InprocBinding | null = null;
  #peer: SessionHost | null = null;
  #peerPipe: Pipe | null = null;
  #peerAttached = false;
  #done = false;

  /** Use {@linkcode connectInproc}. */
  constructor(socket: SessionHost, endpoint: Endpoint & { transport: "inproc" }, routingId: Uint8Array | null) {
    this.#socket = socket;
    this.endpoint = endpoint.text;
    this.requested = endpoint.text;
    this.#name = endpoint.name;
    const owner = socket;
    // Until the bind, each direction is bounded by this socket's own mark (libzmq does the same).
    this.#toPeer = new MessageQueue(owner.option("sendHighWaterMark"), conflates(socket));
    this.#fromPeer = new MessageQueue(owner.option("receiveHighWaterMark"), conflates(socket));
    this.#pipe = Pipe.overQueues(this.#fromPeer, this.#toPeer, endpoint.text);
    if (routingId !== null) this.#pipe.routingId = routingId;
  }

  /** Whether the connection has joined a bound socket and is still open. */
  get joined(): boolean {
    return this.#peerAttached && !this.#done;
  }

  /** @internal Attaches this socket's pipe before the bind, when the socket type queues early. */
  attachEarly(): void {
    const owner = this.#socket;
    const named = this.#pipe.routingId.length > 0; // a Router's connect that named its peer (see connect_session.ts)
    if ((owner.eagerPipes || named) && !owner.option("immediate")) this.#attached = owner.attachPipe(this.#pipe);
  }

  /** @internal Joins the bound socket: sets the marks, attaches both pipes and wakes both sides. */
  join(binding: InprocBinding): void {
    const here = this.#socket;
    const there = binding.socket;
    if (!compatible(here.type, there.type)) {
      this.#refuse(binding);
      return;
    }
    this.#binding = binding;
    this.#peer = there;
    binding.add(this);
    this.#toPeer.hwm = sumHighWaterMarks(
      here.option("sendHighWaterMark"),
      there.option("receiveHighWaterMark"),
    );
    this.#fromPeer.hwm = sumHighWaterMarks(
      there.option("sendHighWaterMark"),
      here.option("receiveHighWaterMark"),
    );
    this.#toPeer.conflate ||= conflates(there);
    this.#fromPeer.conflate ||= conflates(there);
    this.#pipe.properties = metadataOf(there);
    const peerPipe = Pipe.overQueues(this.#toPeer, this.#fromPeer, binding.endpoint);
    peerPipe.properties = metadataOf(here);
    this.#peerPipe = peerPipe;
    // The bound socket may refuse the peer (a second PAIR peer, a routing id in use): libzmq then ends the pipe.
    if (!there.attachPipe(peerPipe)) {
      this.#end();
      return;
    }
    this.#peerAttached = true;
    if (!this.#attached) {
      this.#attached = here.attachPipe(this.#pipe);
      if (!this.#attached) {
        this.#end();
        return;
      }
    }
    kick(this.#toPeer);
    kick(this.#fromPeer);
  }

  /** An incompatible pair: both sockets hear about it, and the connection ends for good. */
  #refuse(binding: InprocBinding): void {
    const here = this.#socket;
    const there = binding.socket;
    const address = this.endpoint;
    here.emit({
      type: "handshake:error:protocol",
      address,
      error: reportedError(new ProtocolError("handshake", incompatibility(here.type, there.type, address))),
    });
    there.emit({
      type: "handshake:error:protocol",
      address: binding.endpoint,
      error: reportedError(new ProtocolError("handshake", incompatibility(there.type, here.type, address))),
    });
    this.#end();
  }

  /** @internal The bound socket went away: detach our pipe (what arrived can still be read). */
  bindingClosed(): void {
    if (this.#done) return;
    this.#binding = null;
    if (this.#attached) this.#socket.emit({ type: "disconnect", address: this.endpoint });
    this.#end(true);
  }

  /**
   * Ends the connection from this side (`disconnect()` or the socket
   * closing). The bound socket keeps what was sent and may still read it.
   */
  close(_linger = 0): Promise<void> {
    if (this.#done) return Promise.resolve();
    if (this.#peerAttached && this.#binding !== null) {
      this.#binding.socket.emit({ type: "disconnect", address: this.#binding.endpoint });
    }
    this.#end(false);
    return Promise.resolve();
  }

  /** Detaches both pipes; the side that leaves drops what it had not read, the other keeps it. */
  #end(boundSideLeaves = false): void {
    if (this.#done) return;
    this.#done = true;
    const registry = this.#socket.inproc;
    const pending = registry.pending.get(this.#name);
    if (pending?.delete(this) && pending.size === 0) registry.pending.delete(this.#name);
    const binding = this.#binding;
    this.#binding = null;
    binding?.remove(this);
    const peer = this.#peer;
    const peerPipe = this.#peerPipe;
    const detachPeer = () => {
      if (peer === null || peerPipe === null || !this.#peerAttached) return;
      if (boundSideLeaves) peerPipe.inbound.clear();
      peer.detachPipe(peerPipe);
    };
    const detachHere = () => {
      if (!this.#attached) return;
      if (!boundSideLeaves) this.#pipe.inbound.clear();
      this.#socket.detachPipe(this.#pipe);
    };
    // The side that stays is detached first, so the leaving side's queue is ended rather than dropped.
    if (boundSideLeaves) {
      detachHere();
      detachPeer();
    } else {
      detachPeer();
      detachHere();
    }
  }
}

/**
 * Binds `inproc://name` in the socket's context and joins the connects
 * that were waiting for it. Throws `EADDRINUSE` if the name is bound, or
 * if it is `inproc://zeromq.zap.01` and a ZAP handler is installed.
 *
 * @example Usage
 * ```ts
 * import { Pull, Push } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using pull = new Pull();
 * await pull.bind("inproc://bind-example");
 * await using push = new Push();
 * push.connect("inproc://bind-example");
 * await push.send(["a", "b"]);
 * assert.equal((await pull.receive()).length, 2);
 * ```
 */
export function bindInproc(socket: SessionHost, endpoint: Endpoint): InprocBinding {
  if (endpoint.transport !== "inproc") throw new TypeError("bindInproc needs an inproc endpoint");
  const registry = socket.inproc;
  if (endpoint.text === ZAP_ENDPOINT && registry.zapHandler !== null) {
    const message = `Address already in use: an Authenticator answers ZAP in this context; close it first`;
    throw new ZmqError("EADDRINUSE", message, { address: endpoint.text });
  }
  if (registry.binds.has(endpoint.name)) {
    throw new ZmqError("EADDRINUSE", `Address already in use: ${endpoint.text} is bound in this context`, {
      address: endpoint.text,
    });
  }
  const binding = new InprocBinding(socket, endpoint);
  registry.binds.set(endpoint.name, binding);
  const pending = registry.pending.get(endpoint.name);
  if (pending !== undefined) {
    registry.pending.delete(endpoint.name);
    for (const connection of pending) connection.join(binding);
  }
  return binding;
}

/**
 * The socket bound at `inproc://name` in a registry, if any. The ZAP client
 * uses it to find a handler bound at `inproc://zeromq.zap.01`.
 *
 * @example Usage
 * ```ts
 * import { Reply, context } from "../../mod.ts";
 * import { inprocRegistryOf } from "../context.ts";
 * import { inprocBinding } from "./inproc_session.ts";
 * import assert from "node:assert/strict";
 * await using rep = new Reply();
 * await rep.bind("inproc://lookup-example");
 * assert.equal(inprocBinding(inprocRegistryOf(context), "lookup-example")?.socket.type, "REP");
 * assert.equal(inprocBinding(inprocRegistryOf(context), "nothing-here"), undefined);
 * ```
 */
export function inprocBinding(registry: InprocRegistry, name: string): InprocBinding | undefined {
  return registry.binds.get(name);
}

/**
 * Connects to `inproc://name` in the socket's context: at once if it is
 * bound, otherwise when it is. Throws a `ZmqError` (EINVAL) when the bound
 * socket's type cannot talk to this one; a bind that comes later with an
 * incompatible type is refused with a `handshake:error:protocol` event on
 * both sockets.
 *
 * @example Usage
 * ```ts
 * import { Dealer, Router } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * await using router = new Router();
 * await router.bind("inproc://connect-example");
 * await using dealer = new Dealer({ routingId: "dd" });
 * dealer.connect("inproc://connect-example");
 * await dealer.send("hi");
 * const [id, msg] = await router.receive();
 * assert.equal(new TextDecoder().decode(id), "dd");
 * assert.equal(new TextDecoder().decode(msg), "hi");
 * ```
 */
export function connectInproc(
  socket: SessionHost,
  endpoint: Endpoint,
  routingId: Uint8Array | null = null,
): InprocConnection {
  if (endpoint.transport !== "inproc") throw new TypeError("connectInproc needs an inproc endpoint");
  const registry = socket.inproc;
  const binding = registry.binds.get(endpoint.name);
  if (binding !== undefined && !compatible(socket.type, binding.socket.type)) {
    throw new ZmqError("EINVAL", incompatibility(socket.type, binding.socket.type, endpoint.text), {
      address: endpoint.text,
    });
  }
  const connection = new InprocConnection(socket, endpoint, routingId);
  if (binding !== undefined) {
    connection.join(binding);
    return connection;
  }
  let pending = registry.pending.get(endpoint.name);
  if (pending === undefined) registry.pending.set(endpoint.name, pending = new Set());
  pending.add(connection);
  connection.attachEarly();
  return connection;
}
