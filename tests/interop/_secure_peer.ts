/**
 * A libzmq peer with security: `zmq_secure_peer.py` (zmq_peer.py's commands
 * plus a ZAP handler and libzmq's CURVE key helpers), driven like
 * `LibzmqPeer`. Dispose it (`await using`) to close it and end the process
 * by PID.
 */
import { bytes, hex, type PeerFrame, type PeerReply, PYTHON, text, unhex, withTimeout } from "../_helpers.ts";

/** Whether the local pyzmq's libzmq was built with CURVE (libsodium). */
export const HAS_LIBZMQ_CURVE: boolean = (() => {
  try {
    const out = new Deno.Command(PYTHON, {
      args: ["-c", "import sys, zmq; sys.exit(0 if zmq.has('curve') else 1)"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return out.success;
  } catch {
    return false;
  }
})();

/** A libzmq monitor event: name (e.g. `EVENT_HANDSHAKE_FAILED_AUTH`), value, endpoint. */
export type PeerEvent = [string, number, string];

/** Configuration of the peer's ZAP handler (see zmq_secure_peer.py). */
export interface PeerZapConfig {
  plain?: Record<string, string>;
  curve?: string[] | "any";
  deny?: string[];
  status?: number;
  metadata?: Record<string, string>;
}

/** Socket options for the peer: numbers, or strings sent as their UTF-8 bytes (keys in Z85, usernames). */
export type PeerOptions = Record<string, number | string>;

/** A libzmq socket (and optionally a ZAP handler) in a child process. */
export class SecurePeer implements AsyncDisposable {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #lines: AsyncIterator<string>;
  #disposed = false;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#lines = lineIterator(child.stdout);
  }

  /** Starts a peer process; with `type`, also makes its socket (string options are sent as bytes). */
  static async start(type?: string, options: PeerOptions = {}, zap?: PeerZapConfig): Promise<SecurePeer> {
    const child = new Deno.Command(PYTHON, {
      args: [new URL("./zmq_secure_peer.py", import.meta.url).pathname],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const peer = new SecurePeer(child);
    try {
      if (zap !== undefined) await peer.ok({ op: "zap", ...zap });
      if (type !== undefined) {
        const wire = Object.fromEntries(
          Object.entries(options).map(([name, value]) => [name, typeof value === "string" ? hex(bytes(value)) : value]),
        );
        await peer.ok({ op: "socket", type, options: wire });
        await peer.ok({ op: "monitor" });
      }
    } catch (error) {
      await peer[Symbol.asyncDispose]();
      throw error;
    }
    return peer;
  }

  /** Sends a command and returns its reply (throws on a peer error unless `allowError`). */
  async command(cmd: Record<string, unknown>, allowError = false): Promise<PeerReply & Record<string, unknown>> {
    await this.#writer.write(bytes(JSON.stringify(cmd) + "\n"));
    const next = await withTimeout(this.#lines.next(), 30_000, `libzmq peer ${cmd.op}`);
    if (next.done) throw new Error(`libzmq peer exited during ${cmd.op}`);
    const reply = JSON.parse(next.value);
    if (reply.error && !allowError) throw new Error(`libzmq peer ${cmd.op} failed: ${reply.error}`);
    return reply;
  }

  /** Like {@linkcode SecurePeer.command}, throwing on error. */
  ok(cmd: Record<string, unknown>): Promise<PeerReply & Record<string, unknown>> {
    return this.command(cmd);
  }

  /** Binds and returns the resolved endpoint. */
  async bind(endpoint = "tcp://127.0.0.1:*"): Promise<string> {
    return (await this.ok({ op: "bind", endpoint })).endpoint!;
  }

  /** Connects. */
  async connect(endpoint: string): Promise<void> {
    await this.ok({ op: "connect", endpoint });
  }

  /** Sends a multipart message; frames are strings, bytes, or `{size, seed}` for generated data. */
  async send(frames: (Uint8Array | string | { size: number; seed: number })[]): Promise<PeerFrame[]> {
    const wire = frames.map((f) => typeof f === "string" ? hex(bytes(f)) : f instanceof Uint8Array ? hex(f) : f);
    return (await this.ok({ op: "send", frames: wire })).sent!;
  }

  /** Receives a message (throws on timeout). */
  async recv(timeout = 5000): Promise<PeerFrame[]> {
    return (await this.ok({ op: "recv", timeout })).frames!;
  }

  /** Tries to receive; `null` on timeout. */
  async tryRecv(timeout: number): Promise<PeerFrame[] | null> {
    const reply = await this.command({ op: "recv", timeout }, true);
    if (reply.errno === "EAGAIN") return null;
    if (reply.error) throw new Error(`libzmq peer recv failed: ${reply.error}`);
    return reply.frames!;
  }

  /** Receives a message of small frames, as strings. */
  async recvText(timeout = 5000): Promise<string[]> {
    return (await this.recv(timeout)).map((f) => {
      if (typeof f !== "string") throw new Error("large frame where text was expected");
      return text(unhex(f));
    });
  }

  /** Lets libzmq process pending commands for `ms`. */
  async poll(ms = 50): Promise<void> {
    await this.ok({ op: "poll", ms });
  }

  /** The monitor events seen since the last call. */
  async events(): Promise<PeerEvent[]> {
    return (await this.ok({ op: "events" })).events as PeerEvent[];
  }

  /** Polls libzmq until an event named `name` shows up; returns every event seen so far. */
  async waitForEvent(name: string, ms = 5000): Promise<PeerEvent[]> {
    const seen: PeerEvent[] = [];
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      await this.poll(20);
      seen.push(...await this.events());
      if (seen.some(([n]) => n === name)) return seen;
    }
    throw new Error(`libzmq peer: no ${name} within ${ms} ms; saw ${JSON.stringify(seen.map(([n, v]) => [n, v]))}`);
  }

  /** The ZAP requests the peer's handler received, frames as bytes (after the delimiter). */
  async zapRequests(): Promise<Uint8Array[][]> {
    const requests = (await this.ok({ op: "zap_requests" })).requests as string[][];
    return requests.map((frames) => frames.map(unhex));
  }

  /** A key pair made by libzmq's `zmq_curve_keypair`, in Z85. */
  async curveKeyPair(): Promise<{ publicKey: string; secretKey: string }> {
    const reply = await this.ok({ op: "curve_keypair" });
    return { publicKey: reply.public as string, secretKey: reply.secret as string };
  }

  /** libzmq's `zmq_curve_public` of a Z85 secret key. */
  async curvePublic(secretKey: string): Promise<string> {
    return (await this.ok({ op: "curve_public", secret: secretKey })).public as string;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      await withTimeout(this.command({ op: "close" }, true), 5000, "peer close");
      await this.#writer.close();
    } catch {
      // Fall through to ending the process.
    }
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await this.#child.status;
    await this.#lines.return?.();
  }
}

async function* lineIterator(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
  }
}
