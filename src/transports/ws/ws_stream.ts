/**
 * A WebSocket over a byte stream: the opening handshake, then RFC 6455
 * frames, as a {@linkcode MessageConn}. This is how Deno, Node and Bun carry
 * ws (over a TCP {@linkcode Conn}) and wss (over a TLS one); a browser uses
 * its own `WebSocket` instead (`runtime/browser.ts`), behind the same
 * interface.
 *
 * What it does for the layer above: answers pings with pongs (echoing the
 * payload, as RFC 6455 asks; libzmq sends empty pings, so the echo is empty
 * too), echoes a peer's close frame and then closes the connection, refuses
 * text and malformed frames with the right close code, enforces
 * `maxMessageSize` from each frame header before buffering, and writes
 * frames in order, batching what was queued while a write was in flight.
 *
 * @module
 */

import {
  type Conn,
  type ConnHandler,
  type MessageConn,
  type MessageConnClose,
  type MessageHandler,
  RuntimeError,
} from "../../runtime/runtime.ts";
import {
  CLOSE_ABNORMAL,
  CLOSE_NO_STATUS,
  CLOSE_NORMAL,
  CONTROL_PAYLOAD_MAX,
  encodeClosePayload,
  OPCODE_BINARY,
  OPCODE_CLOSE,
  OPCODE_PING,
  OPCODE_PONG,
  WebSocketError,
  WsFrameDecoder,
  WsFrameEncoder,
  type WsFrameSink,
} from "./frame.ts";
import {
  createKey,
  encodeRefusal,
  encodeUpgradeRequest,
  encodeUpgradeResponse,
  type HeadResult,
  HttpHeadReader,
  parseUpgradeRequest,
  parseUpgradeResponse,
  UpgradeError,
  type UpgradeRequest,
} from "./http_upgrade.ts";

/** Options shared by both ends. */
export interface WsStreamOptions {
  /**
   * The largest message payload accepted, in bytes (-1 or absent: no limit
   * beyond 2 GiB). For ZWS, `maxMessageSize + 1` (the flags byte).
   */
  maxMessageSize?: number;
  /** The largest HTTP head accepted, in bytes (default 8192). */
  maxHeadBytes?: number;
  /** Accept fragmented messages (default `true`; libzmq refuses them). */
  fragments?: boolean;
  /** How long to wait for the peer's close frame after sending ours, in ms (default 1000). */
  closeTimeout?: number;
  /** Aborts the opening handshake: the connection is closed and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Allocates message payloads that span reads (the runtime's `allocate`). */
  allocate?: (size: number) => Uint8Array;
  /** Random bytes for the key and masks (default `crypto.getRandomValues`). */
  random?: (bytes: Uint8Array) => void;
}

/** Options of {@linkcode openWsClient}. */
export interface WsClientOptions extends WsStreamOptions {
  /** The `Host` header. */
  host: string;
  /** The request target, starting with `/`. */
  path: string;
  /** Subprotocols to offer, in order of preference. */
  protocols: readonly string[];
  /** More request headers (an `Origin`, say). */
  headers?: readonly (readonly [string, string])[];
}

/** Options of {@linkcode openWsServer}. */
export interface WsServerOptions extends WsStreamOptions {
  /**
   * Picks the subprotocol to answer with from the client's offer, or `null`
   * to refuse the connection (HTTP 400). The whole request is there too, to
   * check an `Origin` or the path.
   */
  selectProtocol(offered: readonly string[], request: UpgradeRequest): string | null;
}

const EMPTY = new Uint8Array(0);

/**
 * Runs the client side of the opening handshake over `conn` (already
 * connected), and resolves to the open WebSocket. Rejects with an
 * {@linkcode UpgradeError} when the server refuses or answers wrongly (code
 * `refused` with status 0 when it closed without answering, which is how a
 * libzmq server refuses), or with the connection's error; `conn` is closed
 * then.
 *
 * @example Usage
 * ```ts ignore
 * const conn = await runtime.connectTcp("127.0.0.1", port, {});
 * const ws = await openWsClient(conn, { host: "127.0.0.1", path: "/", protocols: ["ZWS2.0/NULL", "ZWS2.0"] });
 * ```
 */
export function openWsClient(conn: Conn, options: WsClientOptions): Promise<MessageConn> {
  return new WsStream(conn, "client", options).opened;
}

/**
 * Runs the server side of the opening handshake over an accepted `conn`
 * and resolves to the open WebSocket. A request that is not a valid
 * WebSocket upgrade, or offers no acceptable subprotocol, gets an HTTP
 * refusal (400, 426 for a wrong version, 431 for an oversized head) and the
 * promise rejects with the {@linkcode UpgradeError}; `conn` is closed then.
 *
 * @example Usage
 * ```ts ignore
 * listener.start(async (conn) => {
 *   const ws = await openWsServer(conn, { selectProtocol: (offered) => selectZwsProtocol(offered, "NULL") });
 * }, console.error);
 * ```
 */
export function openWsServer(conn: Conn, options: WsServerOptions): Promise<MessageConn> {
  return new WsStream(conn, "server", options).opened;
}

const PHASE_OPENING = 0;
const PHASE_OPEN = 1;
const PHASE_ENDED = 2;

class WsStream implements MessageConn, ConnHandler {
  readonly remoteAddress: string;
  readonly remoteHost: string;
  protocol = "";
  path = "";
  readonly canPing = true;
  readonly opened: Promise<MessageConn>;
  readonly closed: Promise<void>;

  #conn: Conn;
  #role: "client" | "server";
  #options: WsClientOptions | WsServerOptions;
  #phase = PHASE_OPENING;
  #key = "";
  #head: HttpHeadReader;
  #decoder: WsFrameDecoder | null = null;
  #encoder: WsFrameEncoder;
  #handler: MessageHandler | null = null;
  #early: Uint8Array[] = [];
  #userPaused = false;
  #resolveOpen!: (conn: MessageConn) => void;
  #rejectOpen!: (error: unknown) => void;
  // Writing: raw bytes (the HTTP head) go first, then the encoder's frames.
  #raw: Uint8Array[] = [];
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #writing = false;
  #closeAfterWrite = false;
  // Closing.
  #closeSent = false;
  #peerClose: MessageConnClose | null = null;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #endError: Error | undefined;
  #endDelivered = false;
  #abort: (() => void) | null = null;

  constructor(conn: Conn, role: "client" | "server", options: WsClientOptions | WsServerOptions) {
    this.#conn = conn;
    this.#role = role;
    this.#options = options;
    this.remoteAddress = conn.remoteAddress;
    this.remoteHost = conn.remoteHost;
    this.#head = new HttpHeadReader({
      maxBytes: options.maxHeadBytes,
      expectPrefix: role === "server" ? "GET " : "HTTP/",
    });
    this.#encoder = new WsFrameEncoder({ mask: role === "client", random: options.random });
    this.opened = new Promise((resolve, reject) => {
      this.#resolveOpen = resolve;
      this.#rejectOpen = reject;
    });
    // A rejected `opened` must not count as unhandled when the caller only awaits `closed`.
    this.opened.catch(() => {});
    this.closed = conn.closed.then(() => undefined);
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) {
        this.#failOpening(signal.reason);
        return;
      }
      const onAbort = () => this.#failOpening(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#abort = () => signal.removeEventListener("abort", onAbort);
    }
    if (role === "client") {
      const client = options as WsClientOptions;
      this.#key = createKey(options.random);
      this.path = client.path;
      try {
        this.#raw.push(encodeUpgradeRequest({
          host: client.host,
          path: client.path,
          key: this.#key,
          protocols: client.protocols,
          headers: client.headers,
        }));
      } catch (err) {
        this.#failOpening(err);
        return;
      }
      this.#flush().catch(() => {});
    }
    conn.start(this);
  }

  // --- ConnHandler -------------------------------------------------------

  data(chunk: Uint8Array): void {
    if (this.#phase === PHASE_OPENING) {
      let done: HeadResult | null;
      try {
        done = this.#head.feed(chunk);
      } catch (err) {
        this.#failOpening(err);
        return;
      }
      if (done !== null) this.#headDone(done);
      return;
    }
    if (this.#phase !== PHASE_OPEN) return;
    // Held until start(), unless we are closing without ever having started: then only the close matters.
    if (this.#handler === null && !this.#closeSent) {
      this.#early.push(chunk);
      return;
    }
    this.#decode(chunk);
  }

  end(error?: Error): void {
    if (this.#phase === PHASE_OPENING) {
      this.#failOpening(
        error ??
          new UpgradeError("refused", "The peer closed the connection during the WebSocket opening handshake", 0),
      );
      return;
    }
    this.#finish(error);
  }

  readTarget(): Uint8Array | null {
    return this.#phase === PHASE_OPEN && this.#handler !== null ? this.#decoder?.bodyBuffer() ?? null : null;
  }

  // --- Opening -----------------------------------------------------------

  #headDone({ head, rest }: HeadResult): void {
    try {
      if (this.#role === "server") {
        const request = parseUpgradeRequest(head);
        const protocol = (this.#options as WsServerOptions).selectProtocol(request.protocols, request);
        if (protocol === null) {
          throw new UpgradeError(
            "no-protocol",
            request.protocols.length === 0
              ? "No subprotocol offered: this endpoint speaks ZWS 2.0 (Sec-WebSocket-Protocol: ZWS2.0/NULL, ...)"
              : `None of the offered subprotocols (${request.protocols.join(", ")}) is acceptable here`,
          );
        }
        this.protocol = protocol;
        this.path = request.target;
        this.#raw.push(encodeUpgradeResponse(request.key, protocol));
      } else {
        const response = parseUpgradeResponse(head, this.#key, (this.#options as WsClientOptions).protocols);
        this.protocol = response.protocol;
      }
    } catch (err) {
      this.#failOpening(err);
      return;
    }
    this.#abort?.();
    this.#abort = null;
    this.#phase = PHASE_OPEN;
    this.#decoder = new WsFrameDecoder({
      masked: this.#role === "server",
      maxMessageSize: this.#options.maxMessageSize ?? -1,
      fragments: this.#options.fragments ?? true,
      allocate: this.#options.allocate,
    });
    if (this.#raw.length > 0) this.#flush().catch(() => {});
    // Hold everything until start(): the conn is paused, and what was read already waits in #early.
    this.#conn.pause();
    if (rest.length > 0) this.#early.push(rest);
    this.#resolveOpen(this);
  }

  #failOpening(error: unknown): void {
    if (this.#phase !== PHASE_OPENING) return;
    this.#phase = PHASE_ENDED;
    this.#abort?.();
    this.#abort = null;
    if (error instanceof UpgradeError && this.#role === "server" && error.code !== "refused") {
      // Refuse in HTTP, then close.
      this.#raw = [encodeRefusal(error)];
      this.#closeAfterWrite = true;
      this.#flush().catch(() => {});
    } else {
      this.#conn.close();
    }
    this.#rejectOpen(error);
  }

  // --- MessageConn -------------------------------------------------------

  start(handler: MessageHandler): void {
    if (this.#handler !== null) throw new Error("MessageConn.start() called twice");
    this.#handler = handler;
    const early = this.#early;
    this.#early = [];
    for (const chunk of early) {
      if (this.#phase !== PHASE_OPEN) break;
      this.#decode(chunk);
    }
    if (this.#phase === PHASE_ENDED) {
      this.#deliverEnd();
      return;
    }
    if (!this.#userPaused) this.#conn.resume();
  }

  pause(): void {
    this.#userPaused = true;
    this.#conn.pause();
  }

  resume(): void {
    this.#userPaused = false;
    if (this.#handler !== null) this.#conn.resume();
  }

  send(messages: readonly (readonly Uint8Array[])[]): Promise<void> {
    if (this.#phase !== PHASE_OPEN || this.#closeSent) {
      return Promise.reject(new RuntimeError("EPIPE", "Send failed: the WebSocket is closing or closed"));
    }
    try {
      for (const parts of messages) this.#encoder.frame(OPCODE_BINARY, parts);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#flush();
  }

  ping(payload: Uint8Array = EMPTY): void {
    if (payload.length > CONTROL_PAYLOAD_MAX) {
      throw new RangeError(`A ping carries at most ${CONTROL_PAYLOAD_MAX} bytes`);
    }
    if (this.#phase !== PHASE_OPEN || this.#closeSent) return;
    this.#encoder.frame(OPCODE_PING, [payload]);
    this.#flush().catch(() => {});
  }

  close(code = CLOSE_NORMAL, reason = ""): void {
    if (this.#phase === PHASE_OPENING) {
      this.#failOpening(new RuntimeError("ECONNABORTED", "The WebSocket was closed during its opening handshake"));
      return;
    }
    if (this.#phase !== PHASE_OPEN) return;
    if (this.#closeSent) return;
    this.#sendClose(code, reason);
    if (this.#peerClose !== null) return;
    this.#closeTimer = setTimeout(() => this.#finish(), this.#options.closeTimeout ?? 1000);
    if (this.#handler === null) {
      // Never started: nothing will be delivered, but the peer's close answer may be among the held bytes.
      const early = this.#early;
      this.#early = [];
      this.#conn.resume();
      for (const chunk of early) if (this.#phase === PHASE_OPEN) this.#decode(chunk);
    }
  }

  // --- Frames ------------------------------------------------------------

  #decode(chunk: Uint8Array): void {
    try {
      this.#decoder!.feed(chunk, this.#sink);
    } catch (err) {
      if (!(err instanceof WebSocketError)) throw err;
      // Tell the peer why (when we still may), then drop the connection.
      this.#endError = err;
      this.#endAfterClose();
      if (!this.#closeSent) this.#sendClose(err.closeCode, err.message);
      else if (!this.#writing) this.#finish();
    }
  }

  /** What the decoder calls: whole messages and control frames. */
  #sink: WsFrameSink = {
    message: (payload) => {
      if (this.#phase === PHASE_OPEN) this.#handler?.message(payload);
    },
    ping: (payload) => {
      if (this.#phase !== PHASE_OPEN) return;
      if (!this.#closeSent) {
        this.#encoder.frame(OPCODE_PONG, [payload]);
        this.#flush().catch(() => {});
      }
      this.#handler?.ping?.(payload);
    },
    pong: (payload) => {
      if (this.#phase === PHASE_OPEN) this.#handler?.pong?.(payload);
    },
    close: (code, reason) => {
      this.#peerClose = { code, reason };
      this.#endAfterClose();
      // Echo the close (its code; libzmq echoes it too), then end; if we sent ours first, end now.
      if (!this.#closeSent) this.#sendClose(code, "");
      else if (!this.#writing) this.#finish();
    },
  };

  /** Nothing more will be read: end once the pending writes (our close frame) are out. */
  #endAfterClose(): void {
    this.#closeAfterWrite = true;
    this.#conn.pause();
  }

  // --- Writing -----------------------------------------------------------

  #sendClose(code: number, reason: string): void {
    this.#closeSent = true;
    this.#encoder.frame(OPCODE_CLOSE, [code === CLOSE_NO_STATUS ? EMPTY : encodeClosePayload(code, reason)]);
    this.#flush().catch(() => {});
  }

  #flush(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (!this.#writing) void this.#writeLoop();
    return done;
  }

  async #writeLoop(): Promise<void> {
    this.#writing = true;
    while (this.#raw.length > 0 || this.#encoder.size > 0) {
      const chunks = this.#raw.length > 0 ? [...this.#raw, ...this.#encoder.take()] : this.#encoder.take();
      this.#raw = [];
      const waiters = this.#waiters;
      this.#waiters = [];
      try {
        await this.#conn.write(chunks);
      } catch (err) {
        for (const waiter of waiters) waiter.reject(err);
        for (const waiter of this.#waiters) waiter.reject(err);
        this.#waiters = [];
        this.#writing = false;
        this.#finish(err instanceof Error ? err : new RuntimeError("EIO", String(err)));
        return;
      }
      for (const waiter of waiters) waiter.resolve();
    }
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters = [];
    this.#writing = false;
    if (this.#closeAfterWrite) {
      if (this.#phase === PHASE_OPEN) this.#finish(this.#endError);
      else this.#conn.close();
    }
  }

  // --- Ending ------------------------------------------------------------

  #finish(error?: Error): void {
    if (this.#phase === PHASE_ENDED) return;
    this.#phase = PHASE_ENDED;
    clearTimeout(this.#closeTimer);
    this.#endError ??= error;
    this.#conn.close();
    this.#deliverEnd();
  }

  #deliverEnd(): void {
    if (this.#handler === null || this.#endDelivered) return;
    this.#endDelivered = true;
    this.#early = [];
    this.#handler.end(this.#endError, this.#peerClose ?? { code: CLOSE_ABNORMAL, reason: "" });
  }
}
