/**
 * The browser runtime adapter: a page's `WebSocket`, for `ws://` and
 * `wss://` connects. Browsers cannot open TCP or Unix sockets nor listen, so
 * every other method rejects with a {@linkcode RuntimeError} `ENOTSUP`;
 * inproc needs no runtime at all.
 *
 * A browser `WebSocket` does the opening handshake, framing, masking and
 * pong answers itself and hands out whole messages, so it fits behind the
 * same {@linkcode MessageConn} as zmq-ts's own framing over a byte stream;
 * the ZWS layer above cannot tell them apart, except that:
 *
 * - `canPing` is false: a page can neither send WebSocket pings nor see
 *   pongs. It does answer the server's pings, which is what libzmq's
 *   heartbeats need.
 * - There is no read backpressure in the `WebSocket` API: `pause()` holds
 *   arriving messages until `resume()` instead of stopping the socket, and
 *   `maxMessageSize` is checked when a message arrives (the browser has
 *   buffered it by then), not from its header.
 * - A refused handshake (HTTP 400, no subprotocol) and a refused TCP
 *   connection look the same: browsers report neither.
 * - Send backpressure follows `bufferedAmount`: `send()` resolves at once
 *   while less than {@linkcode SEND_BUFFER_HIGH} bytes are queued, else once
 *   the queue drained below {@linkcode SEND_BUFFER_LOW} (polled: browsers fire
 *   no drain event).
 *
 * Nothing here uses a Node or Deno global; it runs in Deno too (whose
 * `WebSocket` is the browser's API), which is how it is tested besides
 * Chromium.
 *
 * @module
 */

import type {
  Conn,
  Listener,
  MessageConn,
  MessageConnClose,
  MessageHandler,
  Runtime,
  RuntimeWebSocket,
  WebSocketConnectOptions,
} from "./runtime.ts";
import { RuntimeError, WebSocketError } from "./runtime.ts";

/** RFC 6455 close codes used here (the full list is in transports/ws/frame.ts, a layer above). */
const CLOSE_UNSUPPORTED_DATA = 1003;
const CLOSE_MESSAGE_TOO_BIG = 1009;

/** `send()` waits while the browser holds more than this many unsent bytes. */
export const SEND_BUFFER_HIGH = 4 * 1024 * 1024;
/** ... until it holds at most this many. */
export const SEND_BUFFER_LOW = 1024 * 1024;
/** How often `send()` looks at `bufferedAmount` while waiting, in ms. */
const DRAIN_POLL_MS = 5;

/** The part of the `WebSocket` constructor this adapter uses. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** Options of {@linkcode createBrowserRuntime}. */
export interface BrowserRuntimeOptions {
  /** The `WebSocket` class to use. Default: the global one, looked up at connect time. */
  WebSocket?: WebSocketConstructor;
  /** ms to wait for the peer's answer to a close before ending anyway (default 1000). */
  closeTimeout?: number;
}

const unsupported = (what: string): Promise<never> =>
  Promise.reject(
    new RuntimeError("ENOTSUP", `${what} is not available in a browser: a page can only connect to ws:// and wss://`),
  );

function closeCodeForScript(code: number): number {
  // Scripts may only send 1000 and 3000-4999 (the WebSocket API throws for the others).
  return code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000;
}

function cutReason(reason: string): string {
  // A close reason is at most 123 bytes of UTF-8.
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length <= 123) return reason;
  let end = 123;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

class BrowserMessageConn implements MessageConn {
  readonly remoteAddress: string;
  readonly remoteHost: string;
  readonly protocol: string;
  readonly path: string;
  readonly canPing = false;
  readonly closed: Promise<void>;

  #ws: WebSocket;
  #maxMessageSize: number;
  #handler: MessageHandler | null = null;
  #held: Uint8Array[] = [];
  #paused = false;
  #ended = false;
  #endError: Error | undefined;
  #endClose: MessageConnClose | null = null;
  #delivered = false;
  #resolveClosed!: () => void;
  #closeTimeout: number;

  constructor(ws: WebSocket, url: URL, maxMessageSize: number, closeTimeout: number) {
    this.#ws = ws;
    this.#maxMessageSize = maxMessageSize;
    this.#closeTimeout = closeTimeout;
    const port = url.port !== "" ? url.port : url.protocol === "wss:" ? "443" : "80";
    this.remoteHost = url.hostname.replace(/^\[(.*)\]$/, "$1");
    this.remoteAddress = `${url.hostname}:${port}`;
    this.protocol = ws.protocol;
    this.path = url.pathname + url.search;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    ws.onmessage = (event: MessageEvent) => this.#arrived(event.data);
    ws.onclose = (event: CloseEvent) => this.#end(undefined, { code: event.code, reason: event.reason });
    ws.onerror = null;
  }

  #arrived(data: unknown): void {
    if (this.#ended) return;
    if (typeof data === "string") {
      this.#violation(new WebSocketError(CLOSE_UNSUPPORTED_DATA, "Text messages are not accepted, only binary ones"));
      return;
    }
    const payload = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data as ArrayBufferLike);
    if (this.#maxMessageSize >= 0 && payload.length > this.#maxMessageSize) {
      this.#violation(
        new WebSocketError(
          CLOSE_MESSAGE_TOO_BIG,
          `A message of ${payload.length} bytes, above ${this.#maxMessageSize}`,
        ),
      );
      return;
    }
    if (this.#handler === null || this.#paused) this.#held.push(payload);
    else this.#handler.message(payload);
  }

  #violation(error: WebSocketError): void {
    this.#endError = error;
    this.#held = [];
    this.#ws.close(closeCodeForScript(error.closeCode), cutReason(error.message));
    // The browser's close event may take a while (it waits for the server's answer); end now.
    this.#end(error, { code: error.closeCode, reason: error.message });
  }

  #end(error: Error | undefined, close: MessageConnClose): void {
    if (!this.#ended) {
      this.#ended = true;
      this.#endError ??= error;
      this.#endClose = close;
      this.#deliver();
    }
    if (this.#ws.readyState === 3 /* CLOSED */) this.#resolveClosed();
  }

  /** Delivers held messages while not paused, then the end once everything before it is out. */
  #deliver(): void {
    const handler = this.#handler;
    if (handler === null) return;
    while (this.#held.length > 0 && !this.#paused) handler.message(this.#held.shift()!);
    if (this.#ended && !this.#delivered && (this.#held.length === 0 || this.#endError !== undefined)) {
      this.#delivered = true;
      this.#held = [];
      handler.end(this.#endError, this.#endClose!);
    }
  }

  start(handler: MessageHandler): void {
    if (this.#handler !== null) throw new Error("MessageConn.start() called twice");
    this.#handler = handler;
    this.#deliver();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#deliver();
  }

  send(messages: readonly (readonly Uint8Array[])[]): Promise<void> {
    const ws = this.#ws;
    if (this.#ended || ws.readyState !== 1 /* OPEN */) {
      return Promise.reject(new RuntimeError("EPIPE", "Send failed: the WebSocket is closing or closed"));
    }
    for (const parts of messages) {
      let payload: Uint8Array;
      if (parts.length === 1) {
        payload = parts[0];
      } else {
        let size = 0;
        for (const part of parts) size += part.length;
        payload = new Uint8Array(size);
        let at = 0;
        for (const part of parts) {
          payload.set(part, at);
          at += part.length;
        }
      }
      ws.send(payload as Uint8Array<ArrayBuffer>);
    }
    if (ws.bufferedAmount <= SEND_BUFFER_HIGH) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#ended || ws.readyState !== 1) reject(new RuntimeError("EPIPE", "Send failed: the WebSocket closed"));
        else if (ws.bufferedAmount <= SEND_BUFFER_LOW) resolve();
        else setTimeout(check, DRAIN_POLL_MS);
      };
      setTimeout(check, DRAIN_POLL_MS);
    });
  }

  ping(): void {
    throw new RuntimeError("ENOTSUP", "A browser WebSocket cannot send pings");
  }

  close(code = 1000, reason = ""): void {
    if (this.#ws.readyState >= 2 /* CLOSING */) return;
    this.#ws.close(closeCodeForScript(code), cutReason(reason));
    // A peer may never answer the close (libzmq in bare ZWS2.0 mode does not): end anyway after a while.
    // The browser keeps the TCP connection until it gives up; nothing more is delivered from it.
    setTimeout(() => {
      if (this.#ended) return;
      this.#held = [];
      this.#end(undefined, { code: 1006, reason: "" });
      this.#resolveClosed();
    }, this.#closeTimeout);
  }
}

function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel !== "function") return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
    port2.close();
  });
}

class BrowserWebSocket implements RuntimeWebSocket {
  #options: BrowserRuntimeOptions;

  constructor(options: BrowserRuntimeOptions) {
    this.#options = options;
  }

  connect(url: string, protocols: readonly string[], connectOptions: WebSocketConnectOptions): Promise<MessageConn> {
    const Ctor = this.#options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (typeof Ctor !== "function") return unsupported("WebSocket (this environment has no WebSocket class)");
    let parsed: URL;
    let ws: WebSocket;
    try {
      parsed = new URL(url);
      ws = new Ctor(url, [...protocols]);
    } catch (err) {
      return Promise.reject(new RuntimeError("EINVAL", `Cannot open a WebSocket to ${url}: ${err}`, { cause: err }));
    }
    ws.binaryType = "arraybuffer";
    const closeTimeout = this.#options.closeTimeout ?? 1000;
    return new Promise<MessageConn>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const fail = (error: RuntimeError) => {
        clearTimeout(timer);
        ws.onopen = ws.onclose = ws.onerror = null;
        if (ws.readyState < 2) ws.close();
        reject(error);
      };
      if (connectOptions.timeout) {
        timer = setTimeout(
          () => fail(new RuntimeError("ETIMEDOUT", `WebSocket to ${url} not open after ${connectOptions.timeout} ms`)),
          connectOptions.timeout,
        );
      }
      ws.onerror = () => {}; // the close event that follows says it
      ws.onclose = (event: CloseEvent) =>
        fail(
          new RuntimeError(
            "ECONNREFUSED",
            `WebSocket to ${url} failed (code ${event.code}): the connection or the upgrade was refused`,
          ),
        );
      ws.onopen = () => {
        clearTimeout(timer);
        if (!protocols.includes(ws.protocol)) {
          fail(
            new RuntimeError("EPROTO", `The server at ${url} chose no offered subprotocol (${protocols.join(", ")})`),
          );
          return;
        }
        ws.onopen = null;
        resolve(new BrowserMessageConn(ws, parsed, connectOptions.maxMessageSize ?? -1, closeTimeout));
      };
    });
  }
}

class BrowserRuntime implements Runtime {
  readonly name = "browser";
  readonly abstractIpc = false;
  readonly webSocket: RuntimeWebSocket;

  constructor(options: BrowserRuntimeOptions) {
    this.webSocket = new BrowserWebSocket(options);
  }

  connectTcp(): Promise<Conn> {
    return unsupported("tcp://");
  }

  listenTcp(): Promise<Listener> {
    return unsupported("Binding");
  }

  connectIpc(): Promise<Conn> {
    return unsupported("ipc://");
  }

  listenIpc(): Promise<Listener> {
    return unsupported("Binding");
  }

  removeFile(): Promise<void> {
    return unsupported("The file system");
  }

  makeTempDir(): Promise<string> {
    return unsupported("The file system");
  }

  warn(message: string): void {
    console.warn(`Warning: ${message}`);
  }

  yieldToEventLoop(): Promise<void> {
    return yieldToEventLoop();
  }
}

/**
 * Makes a browser runtime, optionally over a given `WebSocket` class.
 *
 * @example Usage
 * ```ts
 * import { createBrowserRuntime } from "./browser.ts";
 * import assert from "node:assert/strict";
 * const runtime = createBrowserRuntime();
 * assert.equal(runtime.name, "browser");
 * await assert.rejects(runtime.listenTcp("127.0.0.1", 0), { code: "ENOTSUP" });
 * ```
 */
export function createBrowserRuntime(options: BrowserRuntimeOptions = {}): Runtime {
  return new BrowserRuntime(options);
}

/**
 * The browser runtime over the global `WebSocket`.
 *
 * @example Usage
 * ```ts
 * import { browserRuntime } from "./browser.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof browserRuntime.webSocket?.connect, "function");
 * await assert.rejects(browserRuntime.connectTcp("127.0.0.1", 1, {}), { code: "ENOTSUP" });
 * ```
 */
export const browserRuntime: Runtime = createBrowserRuntime();
