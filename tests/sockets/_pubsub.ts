/**
 * Helpers of the publish/subscribe tests (publisher, subscriber, XPUB, XSUB):
 * receiving with timeouts, publishing until a subscription arrives, and a
 * raw ZMTP peer (libzmq's recorded bytes) for rules that can only be seen on
 * the wire: per-peer subscription sets, both subscription forms, what a
 * Subscriber sends to 3.0 and 3.1 publishers and after a reconnect.
 */
import assert from "node:assert/strict";
import type { Publisher, Subscriber, XPublisher, XSubscriber } from "../../mod.ts";
import { bytes, text, withTimeout } from "../_helpers.ts";
import { concat, vector } from "../_vectors.ts";

/** A socket that publishes. */
export type Pub = Publisher | XPublisher;

/** The port of a `tcp://host:port` endpoint. */
export const portOf = (endpoint: string): number => Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));

/** Receives one message as text frames, failing after `ms`. */
export async function recvText(socket: Subscriber | XSubscriber | XPublisher, ms = 5000): Promise<string[]> {
  return (await withTimeout(socket.receive(), ms, "receive")).map(text);
}

/** Receives one message as one string of its frames joined by "|". */
export async function recvJoined(socket: Subscriber | XSubscriber | XPublisher, ms = 5000): Promise<string> {
  return (await recvText(socket, ms)).join("|");
}

/**
 * Publishes `probe` every few ms until the subscriber receives a message
 * (subscriptions reach a publisher asynchronously), and returns it.
 */
export async function untilReceived(pub: Pub, sub: Subscriber | XSubscriber, probe: string[]): Promise<string[]> {
  const received = withTimeout(sub.receive(), 5000, "first message");
  const timer = setInterval(() => pub.send(probe).catch(() => {}), 5);
  try {
    return (await received).map(text);
  } finally {
    clearInterval(timer);
  }
}

/** Receives until a message whose first frame is `end`, skipping `skip`-prefixed ones; returns the rest joined. */
export async function collect(sub: Subscriber | XSubscriber, end: string, skip = "~probe"): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const message = await recvText(sub);
    if (message[0] === end) return seen;
    if (message[0].startsWith(skip)) continue;
    seen.push(message.join("|"));
  }
}

// ---- a raw ZMTP peer built from libzmq's recorded bytes -----------------------------------------

export const COMMAND = 0x04;

/** A ZMTP frame: a short or long header, then the body. */
export function frame(body: Uint8Array, flags = 0): Uint8Array {
  if (body.length <= 255) return concat([Uint8Array.of(flags, body.length), body]);
  const header = new Uint8Array(9);
  header[0] = flags | 0x02;
  new DataView(header.buffer).setBigUint64(1, BigInt(body.length));
  return concat([header, body]);
}

/** A peer speaking ZMTP over a plain TCP connection: greeting, READY, then raw frames. */
export class RawPeer implements AsyncDisposable {
  #conn: Deno.TcpConn;
  #buffer: Uint8Array = new Uint8Array(0);

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Completes the NULL handshake as a `type` socket announcing ZMTP 3.`minor`. */
  static async handshake(conn: Deno.TcpConn, type: "sub" | "pub", minor: number): Promise<RawPeer> {
    const peer = new RawPeer(conn);
    const greeting = vector("greeting", "greeting_null_libzmq").slice();
    greeting[11] = minor;
    await conn.write(concat([greeting, vector("ready", `ready_${type}_libzmq`)]));
    await peer.#take(64);
    const ready = await peer.frame();
    assert.equal(ready.flags & COMMAND, COMMAND, "READY first");
    return peer;
  }

  /** Connects to a zmq-ts socket. */
  static async connect(endpoint: string, type: "sub" | "pub", minor = 1): Promise<RawPeer> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: portOf(endpoint) });
    return await RawPeer.handshake(conn, type, minor);
  }

  /** Writes raw bytes. */
  async write(data: Uint8Array): Promise<void> {
    await this.#conn.write(data);
  }

  async #take(n: number): Promise<Uint8Array> {
    while (this.#buffer.length < n) {
      const chunk = new Uint8Array(65536);
      const got = await withTimeout(this.#conn.read(chunk), 5000, "raw read");
      if (got === null) throw new Error("raw peer: connection closed");
      this.#buffer = concat([this.#buffer, chunk.subarray(0, got)]);
    }
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.slice(n);
    return out;
  }

  /** Reads the next frame. */
  async frame(): Promise<{ flags: number; body: Uint8Array }> {
    const [flags] = await this.#take(1);
    let size: number;
    if (flags & 0x02) size = Number(new DataView((await this.#take(8)).buffer).getBigUint64(0));
    else [size] = await this.#take(1);
    return { flags, body: await this.#take(size) };
  }

  /** Reads the next message (commands are skipped), as text frames. */
  async message(): Promise<string[]> {
    const parts: string[] = [];
    for (;;) {
      const { flags, body } = await this.frame();
      if (flags & COMMAND) continue;
      parts.push(text(body));
      if (!(flags & 0x01)) return parts;
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
    return Promise.resolve();
  }
}

export const SUBSCRIBE_WEATHER = vector("command", "subscribe_cmd_weather_zmtp31");
export const CANCEL_WEATHER = vector("command", "cancel_cmd_weather_zmtp31");
export const SUBSCRIBE_MSG_WEATHER = vector("command", "subscribe_msg_weather_zmtp30");
export const subscribeMessage = (topic: string) => frame(concat([Uint8Array.of(1), bytes(topic)]));

// ---- Publisher / Subscriber ---------------------------------------------------------------------
