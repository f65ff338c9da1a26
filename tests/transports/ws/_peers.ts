/** Test peers for the ws tests: a recording MessageHandler, ws pairs over loopback TCP, a raw TCP client. */

import type { MessageConn, MessageConnClose } from "../../../src/runtime/runtime.ts";
import { denoRuntime } from "../../../src/runtime/deno.ts";
import {
  openWsClient,
  openWsServer,
  type WsClientOptions,
  type WsServerOptions,
} from "../../../src/transports/ws/ws_stream.ts";
import { withTimeout } from "../../_helpers.ts";

/** Records what a MessageConn delivers; `next()` waits for the next message. */
export class Inbox {
  readonly messages: Uint8Array[] = [];
  readonly pings: Uint8Array[] = [];
  readonly pongs: Uint8Array[] = [];
  readonly ended: Promise<{ error: Error | undefined; close: MessageConnClose }>;
  #taken = 0;
  #wake: (() => void) | null = null;
  #resolveEnd!: (value: { error: Error | undefined; close: MessageConnClose }) => void;
  #endCount = 0;

  constructor(readonly conn: MessageConn) {
    this.ended = new Promise((resolve) => (this.#resolveEnd = resolve));
  }

  /** Starts the connection with this inbox as its handler. */
  start(): this {
    this.conn.start({
      message: (payload) => {
        this.messages.push(payload);
        this.#wake?.();
      },
      ping: (payload) => {
        this.pings.push(payload);
        this.#wake?.();
      },
      pong: (payload) => {
        this.pongs.push(payload);
        this.#wake?.();
      },
      end: (error, close) => {
        this.#endCount++;
        if (this.#endCount > 1) throw new Error("end() delivered twice");
        this.#resolveEnd({ error, close });
        this.#wake?.();
      },
    });
    return this;
  }

  /** The next message not yet taken. */
  async next(ms = 5000): Promise<Uint8Array> {
    await this.until(() => this.messages.length > this.#taken, ms, "a message");
    return this.messages[this.#taken++];
  }

  /** Waits until `check()` holds (woken by every delivery). */
  async until(check: () => boolean, ms = 5000, what = "condition"): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what} did not arrive within ${ms} ms`);
      await withTimeout(new Promise<void>((resolve) => (this.#wake = resolve)), left, what).catch(() => {});
    }
  }
}

/** A listening TCP socket whose connections run the server handshake. */
export async function wsServer(options: WsServerOptions): Promise<
  {
    port: number;
    accepted: Promise<MessageConn>[];
    nextAccepted(): Promise<MessageConn>;
    close(): Promise<void>;
  } & AsyncDisposable
> {
  const listener = await denoRuntime.listenTcp("127.0.0.1", 0);
  const accepted: Promise<MessageConn>[] = [];
  const waiting: ((p: Promise<MessageConn>) => void)[] = [];
  listener.start((conn) => {
    const opened = openWsServer(conn, options);
    opened.catch(() => {});
    const waiter = waiting.shift();
    if (waiter) waiter(opened);
    else accepted.push(opened);
  }, () => {});
  const close = async () => {
    listener.close();
    await listener.closed;
  };
  return {
    port: listener.port,
    accepted,
    nextAccepted: () => {
      const ready = accepted.shift();
      return ready ?? new Promise<Promise<MessageConn>>((resolve) => waiting.push(resolve)).then((p) => p);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Connects to 127.0.0.1:port and runs the client handshake. */
export async function wsClient(port: number, options: Partial<WsClientOptions> = {}): Promise<MessageConn> {
  const conn = await denoRuntime.connectTcp("127.0.0.1", port, {});
  return openWsClient(conn, { host: "127.0.0.1", path: "/", protocols: ["ZWS2.0/NULL", "ZWS2.0"], ...options });
}

/** A plain TCP client for sending hand-made bytes and reading what comes back. */
export class RawClient implements AsyncDisposable {
  #conn: Deno.TcpConn;
  #buffered = new Uint8Array(0);
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connects to 127.0.0.1:port. */
  static async connect(port: number): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Writes bytes (a string is sent as Latin-1). */
  async write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === "string" ? Uint8Array.from(data, (c) => c.charCodeAt(0)) : data;
    for (let at = 0; at < bytes.length;) at += await this.#conn.write(bytes.subarray(at));
  }

  /** Reads until `n` bytes are buffered (or EOF), then takes them. */
  async read(n: number, ms = 5000): Promise<Uint8Array> {
    await withTimeout(this.#fill(() => this.#buffered.length >= n), ms, `reading ${n} bytes`);
    const out = this.#buffered.subarray(0, n);
    this.#buffered = this.#buffered.subarray(n);
    return out;
  }

  /** Reads up to the end of an HTTP head and returns it as text. */
  async readHead(ms = 5000): Promise<string> {
    const find = () => {
      for (let i = 3; i < this.#buffered.length; i++) {
        if (this.#buffered[i] === 10 && this.#buffered[i - 1] === 13 && this.#buffered[i - 2] === 10) return i + 1;
      }
      return -1;
    };
    await withTimeout(this.#fill(() => find() >= 0), ms, "reading an HTTP head");
    const end = find();
    const head = String.fromCharCode(...this.#buffered.subarray(0, end));
    this.#buffered = this.#buffered.subarray(end);
    return head;
  }

  /** Reads everything until the peer closes. */
  async readToEnd(ms = 5000): Promise<Uint8Array> {
    await withTimeout(this.#fill(() => false), ms, "reading to EOF");
    const out = this.#buffered;
    this.#buffered = new Uint8Array(0);
    return out;
  }

  async #fill(done: () => boolean): Promise<void> {
    const chunk = new Uint8Array(65536);
    while (!done()) {
      let n: number | null;
      try {
        n = await this.#conn.read(chunk);
      } catch {
        n = null;
      }
      if (n === null) return;
      const joined = new Uint8Array(this.#buffered.length + n);
      joined.set(this.#buffered);
      joined.set(chunk.subarray(0, n), this.#buffered.length);
      this.#buffered = joined;
    }
  }

  /** Closes the socket. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/** A WebSocket upgrade request with a valid key, offering `protocols`. */
export function upgradeRequest(protocols: string[], path = "/", extra: string[] = []): string {
  return [
    `GET ${path} HTTP/1.1`,
    "Host: 127.0.0.1",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ...(protocols.length > 0 ? [`Sec-WebSocket-Protocol: ${protocols.join(", ")}`] : []),
    "Sec-WebSocket-Version: 13",
    ...extra,
  ].join("\r\n") + "\r\n\r\n";
}
