/** Test helpers: timeouts, byte helpers, and the libzmq peer harness. */

/** The Python with pyzmq (Debian's python3-zmq). */
export const PYTHON = "/usr/bin/python3";

/** Whether a libzmq peer (python3-zmq) is available on this machine. */
export const HAS_LIBZMQ: boolean = (() => {
  try {
    const out = new Deno.Command(PYTHON, { args: ["-c", "import zmq"], stdout: "null", stderr: "null" }).outputSync();
    return out.success;
  } catch {
    return false;
  }
})();

/** Rejects if `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = "operation"): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it is true, or throws after `ms`. */
export async function waitFor(check: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(5);
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();
/** UTF-8 bytes of a string. */
export const bytes = (s: string): Uint8Array => enc.encode(s);
/** A string from UTF-8 bytes. */
export const text = (b: Uint8Array): string => dec.decode(b);
/** Hex of bytes. */
export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
/** Bytes from hex. */
export const unhex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

/** SHA-256 of bytes, as hex. */
export async function sha256(data: Uint8Array): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>)));
}

/** Deterministic pseudo-random bytes (not cryptographic). */
export function pseudoRandomBytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A frame as the peer reports it: hex, or length and digest for large ones. */
export type PeerFrame = string | { len: number; sha256: string };

/** A command reply from the peer. */
export interface PeerReply {
  ok?: boolean;
  error?: string;
  errno?: string;
  endpoint?: string;
  frames?: PeerFrame[];
  sent?: PeerFrame[];
  events?: unknown;
  version?: string;
}

/**
 * A libzmq socket in a child process (pyzmq), driven command by command.
 * Dispose it (`await using`) to close the socket and end the process by PID.
 */
export class LibzmqPeer implements AsyncDisposable {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #lines: AsyncIterator<string>;
  #disposed = false;

  /** Wraps a running peer process (see {@linkcode LibzmqPeer.spawn}). */
  protected constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#lines = lineIterator(child.stdout);
  }

  /** Starts a peer script (default `interop/zmq_peer.py`) with piped stdin/stdout. */
  protected static spawn(script: URL = new URL("./interop/zmq_peer.py", import.meta.url)): Deno.ChildProcess {
    return new Deno.Command(PYTHON, {
      args: [script.pathname],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
  }

  /** Starts a peer with a socket of `type` and libzmq option names (SNDHWM, ROUTING_ID, ...). */
  static async start(type: string, options: Record<string, number | string> = {}): Promise<LibzmqPeer> {
    const peer = new LibzmqPeer(LibzmqPeer.spawn());
    await peer.ok({ op: "socket", type, options });
    return peer;
  }

  /** Sends a command and returns its reply (throws on a peer error unless `allowError`). */
  async command(cmd: Record<string, unknown>, allowError = false): Promise<PeerReply & Record<string, unknown>> {
    await this.#writer.write(enc.encode(JSON.stringify(cmd) + "\n"));
    const next = await withTimeout(this.#lines.next(), 30_000, `libzmq peer ${cmd.op}`);
    if (next.done) throw new Error(`libzmq peer exited during ${cmd.op}`);
    const reply = JSON.parse(next.value) as PeerReply & Record<string, unknown>;
    if (reply.error && !allowError) throw new Error(`libzmq peer ${cmd.op} failed: ${reply.error}`);
    return reply;
  }

  /** Like {@linkcode LibzmqPeer.command}, throwing on error. */
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

  /** Sends a multipart message; frames are bytes, strings, or `{size, seed}` for generated data. */
  async send(frames: (Uint8Array | string | { size: number; seed: number })[]): Promise<PeerFrame[]> {
    const wire = frames.map((f) => typeof f === "string" ? hex(bytes(f)) : f instanceof Uint8Array ? hex(f) : f);
    return (await this.ok({ op: "send", frames: wire })).sent!;
  }

  /** Receives a message; frames come back as hex or `{len, sha256}`. Throws on timeout. */
  async recv(timeout = 5000): Promise<PeerFrame[]> {
    return (await this.ok({ op: "recv", timeout })).frames!;
  }

  /** Receives a message expected to hold only small frames, as strings. */
  async recvText(timeout = 5000): Promise<string[]> {
    return (await this.recv(timeout)).map((f) => {
      if (typeof f !== "string") throw new Error("large frame where text was expected");
      return text(unhex(f));
    });
  }

  /** Tries to receive; `null` on timeout. */
  async tryRecv(timeout: number): Promise<PeerFrame[] | null> {
    const reply = await this.command({ op: "recv", timeout }, true);
    if (reply.errno === "EAGAIN") return null;
    if (reply.error) throw new Error(`libzmq peer recv failed: ${reply.error}`);
    return reply.frames!;
  }

  /** Lets libzmq process pending commands (it acts only when the application calls in). */
  async poll(ms = 50): Promise<number> {
    return (await this.ok({ op: "poll", ms })).events as number;
  }

  /** Kills the peer process at once (SIGKILL by PID), as a crash would. */
  async kill(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await this.#child.status;
    try {
      await this.#writer.close();
    } catch {
      // The pipe is broken; nothing to flush.
    }
    await this.#lines.return?.();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      await withTimeout(this.command({ op: "close" }, true), 5000, "peer close");
      await this.#writer.close();
    } catch {
      // Fall through to killing the process.
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
