/**
 * A hand-driven ZMTP peer over a plain TCP socket, for reliability tests:
 * it sends vectors from tests/vectors/ and reads back whole frames, so a
 * test can play a peer that goes silent, pings, or misbehaves.
 */
import { concat, vector } from "../_vectors.ts";

/** One frame read from the wire. */
export interface RawFrame {
  flags: number;
  body: Uint8Array;
}

/** The NULL greeting libzmq sends. */
export const GREETING: Uint8Array = vector("greeting", "greeting_null_libzmq");

/** READY (with its frame header) as libzmq sends it for a socket type. */
export function ready(
  type: "push" | "pull" | "dealer" | "router" | "req" | "rep" | "pub" | "sub" | "pair",
): Uint8Array {
  return type === "dealer" ? vector("ready", "ready_dealer_identity_client1") : vector("ready", `ready_${type}_libzmq`);
}

/** A PING command frame with a TTL in tenths of a second and a context. */
export function ping(ttl: number, context: Uint8Array = new Uint8Array()): Uint8Array {
  const body = concat([
    Uint8Array.of(4),
    new TextEncoder().encode("PING"),
    Uint8Array.of(ttl >> 8, ttl & 0xff),
    context,
  ]);
  return concat([Uint8Array.of(0x04, body.length), body]);
}

/** A short data frame. */
export function dataFrame(payload: string | Uint8Array, more = false): Uint8Array {
  const body = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  return concat([Uint8Array.of(more ? 1 : 0, body.length), body]);
}

/** The name of a command frame ("PING", "PONG", "READY", ...), or null for data. */
export function commandName(frame: RawFrame): string | null {
  if ((frame.flags & 0x04) === 0) return null;
  return new TextDecoder().decode(frame.body.subarray(1, 1 + frame.body[0]));
}

/** A raw TCP connection that reads ZMTP (greeting, then frames) in the background. */
export class RawPeer implements AsyncDisposable {
  readonly conn: Deno.Conn;
  readonly frames: RawFrame[] = [];
  greeting: Uint8Array | null = null;
  /** Resolves when the other side closed (EOF or reset). */
  readonly ended: Promise<void>;
  #buffer: Uint8Array = new Uint8Array(0);
  #closed = false;

  constructor(conn: Deno.Conn) {
    this.conn = conn;
    this.ended = this.#read();
  }

  /** Connects to `tcp://host:port`. */
  static async connect(endpoint: string): Promise<RawPeer> {
    const [, host, port] = /^tcp:\/\/(.*):(\d+)$/.exec(endpoint)!;
    return new RawPeer(await Deno.connect({ hostname: host, port: Number(port) }));
  }

  /** Whether the other side closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  async #read(): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await this.conn.read(buf);
        if (n === null) break;
        this.#buffer = concat([this.#buffer, buf.subarray(0, n)]);
        this.#parse();
      }
    } catch {
      // Reset or closed locally.
    }
    this.#closed = true;
  }

  #parse(): void {
    let b = this.#buffer;
    if (this.greeting === null) {
      if (b.length < 64) return;
      this.greeting = b.slice(0, 64);
      b = b.subarray(64);
    }
    for (;;) {
      if (b.length < 2) break;
      const flags = b[0];
      const long = (flags & 0x02) !== 0;
      const head = long ? 9 : 2;
      if (b.length < head) break;
      const size = long ? Number(new DataView(b.buffer, b.byteOffset + 1, 8).getBigUint64(0)) : b[1];
      if (b.length < head + size) break;
      this.frames.push({ flags, body: b.slice(head, head + size) });
      b = b.subarray(head + size);
    }
    this.#buffer = b.slice();
  }

  /** Writes bytes; ignores a connection the other side already closed. */
  async write(...chunks: Uint8Array[]): Promise<void> {
    try {
      await this.conn.write(concat(chunks));
    } catch {
      // The other side is gone.
    }
  }

  /** Completes a NULL handshake as a socket of `type`. */
  async handshake(type: Parameters<typeof ready>[0]): Promise<void> {
    await this.write(GREETING, ready(type));
  }

  /** Commands received so far, by name. */
  commands(name: string): RawFrame[] {
    return this.frames.filter((f) => commandName(f) === name);
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.ended;
  }
}

/** A TCP listener that wraps each accepted connection in a {@linkcode RawPeer}. */
export class RawServer implements AsyncDisposable {
  readonly listener: Deno.TcpListener;
  readonly peers: RawPeer[] = [];
  readonly endpoint: string;
  #accepting: Promise<void>;
  #onPeer: (peer: RawPeer) => void;

  constructor(onPeer: (peer: RawPeer) => void = () => {}) {
    this.listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.endpoint = `tcp://127.0.0.1:${this.listener.addr.port}`;
    this.#onPeer = onPeer;
    this.#accepting = this.#accept();
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.listener) {
        const peer = new RawPeer(conn);
        this.peers.push(peer);
        this.#onPeer(peer);
      }
    } catch {
      // Listener closed.
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.listener.close();
    } catch {
      // Already closed.
    }
    await this.#accepting;
    for (const p of this.peers) await p[Symbol.asyncDispose]();
  }
}
