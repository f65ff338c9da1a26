/**
 * A ready-made ZAP handler (RFC 27) for the sockets of one context: allow
 * or deny peers by address, check PLAIN usernames and passwords, accept
 * CURVE clients by public key (or any key), in the manner of czmq's
 * `zauth` and pyzmq's `ThreadAuthenticator`. It answers in-process, with
 * no socket: constructing it installs it as the context's ZAP handler, and
 * {@linkcode Authenticator.close} removes it.
 *
 * Without any handler a PLAIN server refuses every client, a CURVE server
 * accepts any client key and a NULL socket with a `zapDomain` lets every
 * peer in, as libzmq does. A handler can also be a `Reply` or `Router`
 * socket bound at `inproc://zeromq.zap.01` in the same context; there is
 * at most one handler per context.
 *
 * @example Usage
 * ```ts
 * import { Authenticator, Pull, Push } from "../mod.ts";
 * import assert from "node:assert/strict";
 * using _auth = new Authenticator({ plain: { admin: "secret" } });
 * await using pull = new Pull({ plainServer: true });
 * await pull.bind("tcp://127.0.0.1:*");
 * await using push = new Push({ plainUsername: "admin", plainPassword: "secret" });
 * push.connect(pull.lastEndpoint!);
 * await push.send("hello");
 * const [msg] = await pull.receive();
 * assert.equal(new TextDecoder().decode(msg), "hello");
 * ```
 *
 * @module
 */

import { type Context, getDefaultContext, inprocRegistryOf } from "./context.ts";
import { ZmqError } from "./errors.ts";
import type { ZapClient, ZapReply, ZapRequest } from "./mechanisms/mechanism.ts";
import { ZapPolicy, type ZapPolicyOptions } from "./mechanisms/zap.ts";
import { hasZapHandler } from "./session/zap_client.ts";

export type { ZapPolicyOptions } from "./mechanisms/zap.ts";
export type { ZapReply, ZapRequest } from "./mechanisms/mechanism.ts";

/**
 * Options of {@linkcode Authenticator}: the policy (`allow`, `deny`,
 * `plain`, `curve`, see `ZapPolicyOptions`), or your own `handler`, plus
 * where and for which domain it answers.
 *
 * @example Usage
 * ```ts
 * import type { AuthenticatorOptions } from "../mod.ts";
 * import assert from "node:assert/strict";
 * const options: AuthenticatorOptions = {
 *   allow: ["127.0.0.1"], // only these addresses (when given)
 *   deny: ["10.0.0.66"], // never these; wins over allow
 *   plain: { admin: "secret" }, // PLAIN users and passwords
 *   curve: ["rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"], // CURVE client public keys, or "any"
 * };
 * assert.deepEqual(options.deny, ["10.0.0.66"]);
 * ```
 */
export interface AuthenticatorOptions extends ZapPolicyOptions {
  /** The context whose sockets it serves. Default: `zmq.context`. */
  context?: Context;
  /**
   * The only ZAP domain (a server socket's `zapDomain`) it answers for;
   * requests from sockets with another domain are refused (400). Default:
   * every domain.
   */
  domain?: string;
  /**
   * Decides each request instead of the policy (the address lists still
   * apply first). Return a reply with status 200 (with a `userId`), 300
   * (temporary failure: the connection is closed silently and the client
   * retries), 400 (refused) or 500 (handler error). A handler that throws
   * or rejects answers 500.
   */
  handler?: (request: ZapRequest) => ZapReply | Promise<ZapReply>;
}

/**
 * A ZAP handler installed in a context. See the module documentation.
 *
 * @example Usage
 * ```ts
 * import { Authenticator, Context, curveKeyPair, Pull, Push } from "../mod.ts";
 * import assert from "node:assert/strict";
 * const ctx = new Context();
 * const server = curveKeyPair();
 * const client = curveKeyPair();
 * using auth = new Authenticator({ context: ctx, curve: [client.publicKey] });
 * assert.equal(auth.closed, false);
 * await using pull = new Pull({ context: ctx, curveServer: true, curveSecretKey: server.secretKey });
 * await pull.bind("tcp://127.0.0.1:*");
 * await using push = new Push({ curveServerKey: server.publicKey, curvePublicKey: client.publicKey,
 *   curveSecretKey: client.secretKey });
 * push.connect(pull.lastEndpoint!);
 * await push.send("encrypted");
 * assert.equal(new TextDecoder().decode((await pull.receive())[0]), "encrypted");
 * ```
 */
export class Authenticator implements Disposable {
  /** The context it serves. */
  readonly context: Context;
  readonly #policy: ZapPolicy;
  readonly #domain: string | undefined;
  readonly #handler: AuthenticatorOptions["handler"];
  readonly #client: ZapClient;
  #closed = false;

  /**
   * Checks the options and installs the handler in the context. Throws a
   * `ZmqError` (EADDRINUSE) when the context already has a ZAP handler (an
   * open `Authenticator`, or a socket bound at `inproc://zeromq.zap.01`),
   * and a `TypeError` for a malformed CURVE key.
   *
   * @param options The policy, or a handler function, and the context.
   */
  constructor(options: AuthenticatorOptions = {}) {
    const context = options.context ?? getDefaultContext();
    if (options.handler !== undefined && typeof options.handler !== "function") {
      throw new TypeError(`Authenticator handler must be a function, got ${typeof options.handler}`);
    }
    if (options.domain !== undefined && typeof options.domain !== "string") {
      throw new TypeError(`Authenticator domain must be a string, got ${typeof options.domain}`);
    }
    this.#policy = new ZapPolicy(options);
    this.#domain = options.domain;
    this.#handler = options.handler;
    if (hasZapHandler(inprocRegistryOf(context))) {
      throw new ZmqError(
        "EADDRINUSE",
        "Address already in use: this context already has a ZAP handler (an Authenticator, or a socket bound at " +
          "inproc://zeromq.zap.01); close it first",
        { address: "inproc://zeromq.zap.01" },
      );
    }
    this.context = context;
    this.#client = (request) => this.authenticate(request);
    inprocRegistryOf(context).zapHandler = this.#client;
  }

  /** Whether {@linkcode Authenticator.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Decides one request as the installed handler does: the domain, then
   * the address lists, then the `handler` or the policy. Sockets call it
   * for you; it is public for tests and for forwarding requests from a
   * handler socket of your own.
   *
   * @example Usage
   * ```ts
   * import { Authenticator, Context } from "../mod.ts";
   * import assert from "node:assert/strict";
   * using auth = new Authenticator({ context: new Context(), deny: ["10.0.0.66"], curve: "any" });
   * const request = { domain: "", address: "10.0.0.1", routingId: new Uint8Array(0), mechanism: "CURVE" as const,
   *   credentials: [new Uint8Array(32)] };
   * assert.equal((await auth.authenticate(request)).status, 200);
   * assert.equal((await auth.authenticate({ ...request, address: "10.0.0.66" })).status, 400);
   * ```
   *
   * @param request The request.
   * @returns The reply (200, 300, 400 or 500).
   */
  async authenticate(request: ZapRequest): Promise<ZapReply> {
    if (this.#domain !== undefined && request.domain !== this.#domain) {
      return {
        status: 400,
        statusText: `Unknown ZAP domain ${JSON.stringify(request.domain)}`,
        userId: "",
        metadata: new Map(),
      };
    }
    const handler = this.#handler;
    if (handler === undefined) return this.#policy.decide(request);
    // The address lists apply before the handler: ask the policy with mechanism NULL, which passes any address it allows.
    const byAddress = this.#policy.decide({ ...request, mechanism: "NULL", credentials: [] });
    if (byAddress.status !== 200) return byAddress;
    try {
      return checkReply(await handler(request));
    } catch (error) {
      return {
        status: 500,
        statusText: `ZAP handler failed: ${(error as Error)?.message ?? error}`,
        userId: "",
        metadata: new Map(),
      };
    }
  }

  /** Uninstalls the handler: new handshakes no longer reach it. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const registry = inprocRegistryOf(this.context);
    if (registry.zapHandler === this.#client) registry.zapHandler = null;
  }

  /** Same as {@linkcode Authenticator.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function checkReply(reply: ZapReply): ZapReply {
  if (reply === null || typeof reply !== "object" || ![200, 300, 400, 500].includes(reply.status)) {
    throw new TypeError(`the reply must have status 200, 300, 400 or 500, got ${JSON.stringify(reply?.status)}`);
  }
  return {
    status: reply.status,
    statusText: reply.statusText ?? "",
    userId: reply.userId ?? "",
    metadata: reply.metadata ?? new Map(),
  };
}
