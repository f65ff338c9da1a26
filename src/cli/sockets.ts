/**
 * Sockets for the command-line tool: the socket types by name, the flags
 * every socket command shares (endpoints, options, PLAIN and CURVE), and
 * opening a socket from them. It uses only zmq-ts's public API.
 *
 * @module
 */

import { Authenticator } from "../authenticator.ts";
import { explain } from "./exit_codes.ts";
import { curveKeyPair, curvePublicKey } from "../mechanisms/curve_keys.ts";
import { ZmqError } from "../errors.ts";
import { Dealer } from "../sockets/dealer.ts";
import { Pair } from "../sockets/pair.ts";
import { Publisher } from "../sockets/publisher.ts";
import { Pull } from "../sockets/pull.ts";
import { Push } from "../sockets/push.ts";
import { Reply } from "../sockets/reply.ts";
import { Request } from "../sockets/request.ts";
import { Router } from "../sockets/router.ts";
import type { Readable, Socket, SocketOptions, Writable } from "../sockets/socket.ts";

/** A socket as the commands drive it: every socket has `send()` and `receive()` at run time (the type decides). */
export type AnySocket = Socket & Readable & Writable;
import { Subscriber } from "../sockets/subscriber.ts";
import { XPublisher } from "../sockets/x_publisher.ts";
import { XSubscriber } from "../sockets/x_subscriber.ts";
import type { FlagSpec, ParsedArgs } from "./args.ts";
import { deferred } from "./context.ts";
import { CliError, EXIT, UsageError } from "./exit_codes.ts";

/** A socket class. */
type SocketClass = new (options?: SocketOptions & Record<string, unknown>) => Socket;

/** The socket types by their libzmq names (lower case), as the commands name them. */
export const SOCKET_TYPES: Readonly<Record<string, SocketClass>> = {
  pair: Pair,
  pub: Publisher,
  sub: Subscriber,
  xpub: XPublisher,
  xsub: XSubscriber,
  req: Request,
  rep: Reply,
  dealer: Dealer,
  router: Router,
  push: Push,
  pull: Pull,
};

/** zeromq.js class names accepted as aliases. */
const ALIASES: Readonly<Record<string, string>> = {
  publisher: "pub",
  subscriber: "sub",
  xpublisher: "xpub",
  xsubscriber: "xsub",
  request: "req",
  reply: "rep",
};

/**
 * The canonical name of a socket type (`"Publisher"` → `"pub"`), or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { socketTypeName } from "./sockets.ts";
 * import assert from "node:assert/strict";
 * assert.equal(socketTypeName("ROUTER"), "router");
 * assert.equal(socketTypeName("Publisher"), "pub");
 * assert.equal(socketTypeName("mailbox"), undefined);
 * ```
 */
export function socketTypeName(name: string): string | undefined {
  const lower = name.toLowerCase();
  const canonical = ALIASES[lower] ?? lower;
  return canonical in SOCKET_TYPES ? canonical : undefined;
}

/** `--bind` and `--connect`. */
export const ENDPOINT_FLAGS: readonly FlagSpec[] = [
  { name: "bind", short: "b", kind: "list", value: "ENDPOINT", help: "bind to ENDPOINT (tcp://, ipc://, inproc://)" },
  { name: "connect", short: "c", kind: "list", value: "ENDPOINT", help: "connect to ENDPOINT" },
];

/** Socket options that every socket command takes. */
export const OPTION_FLAGS: readonly FlagSpec[] = [
  { name: "routing-id", kind: "string", value: "ID", help: "this socket's routing id (routingId)" },
  { name: "linger", kind: "integer", value: "MS", help: "ms to deliver queued messages at exit; -1 = until done" },
  {
    name: "option",
    short: "o",
    kind: "list",
    value: "NAME=VALUE",
    help: "any socket option by its zeromq.js name, e.g. -o sendHighWaterMark=10",
  },
];

/** PLAIN and CURVE. */
export const SECURITY_FLAGS: readonly FlagSpec[] = [
  { name: "plain-server", kind: "boolean", help: "be a PLAIN server (accepts any user unless --plain-allow)" },
  { name: "plain-username", kind: "string", value: "USER", help: "PLAIN client user name" },
  { name: "plain-password", kind: "string", value: "PASSWORD", help: "PLAIN client password" },
  { name: "plain-allow", kind: "list", value: "USER:PASSWORD", help: "PLAIN server: admit only these users" },
  { name: "curve-server", kind: "boolean", help: "be a CURVE server (a key pair is made if none is given)" },
  { name: "curve-secret-key", kind: "string", value: "Z85", help: "this socket's CURVE secret key" },
  { name: "curve-public-key", kind: "string", value: "Z85", help: "this socket's CURVE public key (client)" },
  { name: "curve-server-key", kind: "string", value: "Z85", help: "CURVE client: the server's public key" },
  { name: "curve-allow", kind: "list", value: "Z85", help: "CURVE server: admit only these client public keys" },
];

/** Reads `-o name=value`: booleans, numbers, `null`, or the string. */
function optionValue(text: string): unknown {
  if (text === "true") return true;
  if (text === "false") return false;
  if (text === "null") return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

/** What {@linkcode openSocket} adds besides the flags. */
export interface OpenOptions {
  /** Options the command sets itself (timeouts). */
  options?: Record<string, unknown>;
  /** Prints a diagnostic line. */
  note(text: string): void;
  /** Whether an endpoint is required. Default true. */
  requireEndpoint?: boolean;
}

/** An open socket and what must be closed with it. */
export interface OpenSocket extends AsyncDisposable {
  /** The socket. */
  socket: AnySocket;
  /**
   * Rejects with a {@linkcode CliError} once every connect has failed for
   * good (authentication, protocol or permission) and nothing is bound.
   */
  failed: Promise<never>;
  /** The error {@linkcode OpenSocket.failed} rejected with, if it did. */
  failure(): CliError | null;
  /** Closes the socket now, dropping queued messages. */
  abort(): Promise<void>;
}

/** Turns the library's argument errors into usage errors. */
export function usageFrom(err: unknown): never {
  if (err instanceof TypeError || err instanceof RangeError) throw new UsageError(err.message);
  throw err;
}

async function securityOptions(args: ParsedArgs, note: (text: string) => void): Promise<Record<string, unknown>> {
  const o: Record<string, unknown> = {};
  if (args.boolean("plain-server")) o.plainServer = true;
  if (args.has("plain-username")) o.plainUsername = args.string("plain-username");
  if (args.has("plain-password")) o.plainPassword = args.string("plain-password");
  if (args.has("plain-username") !== args.has("plain-password")) {
    throw new UsageError("--plain-username and --plain-password go together");
  }
  if (args.boolean("curve-server")) {
    o.curveServer = true;
    let secret = args.string("curve-secret-key");
    if (secret === undefined) {
      const pair = await curveKeyPair();
      secret = pair.secretKey;
      note(`CURVE server public key: ${pair.publicKey}`);
    }
    o.curveSecretKey = secret;
  } else if (args.has("curve-server-key")) {
    o.curveServerKey = args.string("curve-server-key");
    const secret = args.string("curve-secret-key");
    if (secret === undefined) {
      if (args.has("curve-public-key")) throw new UsageError("--curve-public-key needs --curve-secret-key");
      const pair = await curveKeyPair();
      o.curvePublicKey = pair.publicKey;
      o.curveSecretKey = pair.secretKey;
    } else {
      o.curveSecretKey = secret;
      o.curvePublicKey = args.string("curve-public-key") ?? await curvePublicKey(secret);
    }
  } else if (args.has("curve-secret-key") || args.has("curve-public-key")) {
    throw new UsageError("CURVE keys need --curve-server, or --curve-server-key for a client");
  }
  return o;
}

function authenticator(args: ParsedArgs): Authenticator | null {
  const users = args.list("plain-allow");
  const keys = args.list("curve-allow");
  if (users.length === 0 && keys.length === 0) return null;
  const plain: Record<string, string> = {};
  for (const entry of users) {
    const colon = entry.indexOf(":");
    if (colon <= 0) throw new UsageError(`--plain-allow needs USER:PASSWORD, got "${entry}"`);
    plain[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  try {
    return new Authenticator({ ...(users.length > 0 ? { plain } : {}), ...(keys.length > 0 ? { curve: keys } : {}) });
  } catch (err) {
    return usageFrom(err);
  }
}

/**
 * Opens a socket of `type` with the shared flags: options, security,
 * binds (printing each bound endpoint) and connects.
 *
 * @example Usage
 * ```ts
 * import { openSocket, ENDPOINT_FLAGS, OPTION_FLAGS, SECURITY_FLAGS } from "./sockets.ts";
 * import { parseArgs } from "./args.ts";
 * import { context } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * void context; // mod.ts binds the runtime of the default context
 * const spec = { name: "pull", usage: "", summary: "", flags: [...ENDPOINT_FLAGS, ...OPTION_FLAGS, ...SECURITY_FLAGS] };
 * const notes: string[] = [];
 * await using open = await openSocket("pull", parseArgs(["-b", "tcp://127.0.0.1:*"], spec), {
 *   note: (t) => notes.push(t),
 * });
 * assert.match(notes[0], /^bound to tcp:\/\/127\.0\.0\.1:\d+$/);
 * ```
 */
export async function openSocket(type: string, args: ParsedArgs, open: OpenOptions): Promise<OpenSocket> {
  const binds = args.knows("bind") ? args.list("bind") : [];
  const connects = args.knows("connect") ? args.list("connect") : [];
  if ((open.requireEndpoint ?? true) && binds.length === 0 && connects.length === 0) {
    throw new UsageError("give at least one --bind or --connect endpoint");
  }
  const options: Record<string, unknown> = { ...open.options };
  if (args.has("routing-id")) options.routingId = args.string("routing-id");
  if (args.has("linger")) options.linger = args.integer("linger");
  for (const entry of args.list("option")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) throw new UsageError(`--option needs NAME=VALUE, got "${entry}"`);
    options[entry.slice(0, eq)] = optionValue(entry.slice(eq + 1));
  }
  Object.assign(options, await securityOptions(args, open.note));
  const Class = SOCKET_TYPES[type];
  let socket: AnySocket;
  try {
    socket = new Class(options) as AnySocket;
  } catch (err) {
    return usageFrom(err);
  }
  let auth: Authenticator | null = null;
  const fail = deferred<never>();
  fail.promise.catch(() => {});
  const dead = new Set<string>();
  let failure: CliError | null = null;
  const onFatal = (event: { type: string; address: string; error: Error }, exitCode: 1 | 4) => {
    open.note(`${event.type} ${event.address}: ${explain(event.error)}`);
    if (!connects.includes(event.address)) return;
    dead.add(event.address);
    if (binds.length === 0 && dead.size === connects.length) {
      failure ??= new CliError(exitCode, `cannot reach ${connects.join(", ")}: ${explain(event.error)}`);
      fail.reject(failure);
    }
  };
  socket.events.on("handshake:error:auth", (e) => onFatal(e, EXIT.HANDSHAKE));
  socket.events.on("handshake:error:protocol", (e) => onFatal(e, EXIT.HANDSHAKE));
  socket.events.on("connect:error", (e) => onFatal(e, EXIT.ERROR));
  const close = async (linger?: number) => {
    if (linger !== undefined) socket.linger = linger;
    await socket[Symbol.asyncDispose]();
    auth?.[Symbol.dispose]();
  };
  try {
    auth = authenticator(args);
    for (const endpoint of binds) {
      await socket.bind(endpoint);
      open.note(`bound to ${socket.lastEndpoint}`);
    }
    for (const endpoint of connects) socket.connect(endpoint);
  } catch (err) {
    await close(0);
    if (err instanceof ZmqError) throw new CliError(EXIT.ERROR, `${err.code}: ${explain(err)}`, { cause: err });
    return usageFrom(err);
  }
  return {
    socket,
    failed: fail.promise,
    failure: () => failure,
    abort: () => close(0),
    [Symbol.asyncDispose]: () => close(),
  };
}
