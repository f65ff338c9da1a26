/**
 * The Deno runtime adapter: `Deno.connect` / `Deno.listen` for tcp and
 * Unix sockets. The only file in zmq-ts that says `Deno.`.
 *
 * @module
 */

import {
  type Conn,
  type ConnHandler,
  type InterfaceAddress,
  type Listener,
  type Runtime,
  RuntimeError,
  type RuntimeUdp,
  type TcpConnectOptions,
  type UdpBindOptions,
  type UdpSocket,
} from "./runtime.ts";
import type { RuntimeTls, TlsConnectOptions, TlsListenOptions } from "./runtime.ts";

/**
 * Reads land in slabs; a chunk is never overwritten once handed out. A
 * connection starts with a small slab and doubles it, up to the maximum,
 * each time a read fills all the room it was given (a busy stream), so
 * idle and short-lived connections stay cheap.
 */
const SLAB_MIN = 16 * 1024;
const SLAB_MAX = 256 * 1024;
/** Start a new slab when less than this fraction of its size is left in the current one. */
const SLAB_RESERVE = 16;

/** The permission flags an ipc endpoint needs: Deno checks the socket file and the Unix socket itself. */
const IPC_FLAGS = "--allow-read --allow-write --allow-net";

/** The flags for a Unix socket address (an abstract `\0name` has no file), and how to show it. */
function ipcAddress(path: string): { shown: string; needs: string } {
  return path.startsWith("\0")
    ? { shown: "@" + path.slice(1), needs: "--allow-net" }
    : { shown: path, needs: IPC_FLAGS };
}

/**
 * A refusal by Deno's permission system (`Deno.errors.NotCapable`): an
 * `EACCES` that names the flag to add, and permanent (retrying cannot help).
 * `needs` tells the whole set of flags the endpoint's transport needs when
 * that is more than the one Deno named.
 */
function permissionError(err: Error, what: string, needs?: string): RuntimeError {
  const flag = /--allow-[a-z-]+/.exec(err.message)?.[0] ?? "the matching --allow-* flag";
  const detail = err.message.replace(/,? run again with the --allow-[a-z-]+ flag\.?$/, "").replaceAll("\0", "@");
  const all = needs !== undefined && needs !== flag ? ` (this transport needs ${needs})` : "";
  return new RuntimeError("EACCES", `${what}: Deno's permissions refuse it; run with ${flag}${all}. ${detail}`, {
    cause: err,
    permanent: true,
  });
}

function mapError(err: unknown, what: string, needs?: string): RuntimeError {
  if (err instanceof RuntimeError) return err;
  if (err instanceof Deno.errors.NotCapable) return permissionError(err, what, needs);
  const e = err as Error & { code?: string };
  let code = typeof e?.code === "string" ? e.code : "EIO";
  if (err instanceof Deno.errors.ConnectionRefused) code = "ECONNREFUSED";
  else if (err instanceof Deno.errors.AddrInUse) code = "EADDRINUSE";
  else if (err instanceof Deno.errors.AddrNotAvailable) code = "EADDRNOTAVAIL";
  else if (err instanceof Deno.errors.NotFound) code = "ENOENT";
  else if (err instanceof Deno.errors.PermissionDenied) code = "EACCES";
  else if (err instanceof Deno.errors.TimedOut) code = "ETIMEDOUT";
  else if (err instanceof Deno.errors.ConnectionReset) code = "ECONNRESET";
  else if (err instanceof Deno.errors.BrokenPipe) code = "EPIPE";
  return new RuntimeError(code, `${what}: ${e?.message ?? String(err)}`, { cause: err });
}

function formatHost(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

class DenoConn implements Conn {
  readonly remoteAddress: string;
  readonly remoteHost: string;
  #conn: Deno.Conn;
  #handler: ConnHandler | null = null;
  #paused = false;
  #resume: (() => void) | null = null;
  #closed = false;
  #ended = false;
  #done = Promise.withResolvers<void>();
  readonly closed: Promise<void> = this.#done.promise;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
    const addr = conn.remoteAddr;
    // A TLS connection made by Deno.startTls reports its address without `transport`.
    if (addr.transport === "tcp" || "hostname" in addr) {
      this.remoteHost = (addr as Deno.NetAddr).hostname;
      this.remoteAddress = `${formatHost(addr.hostname)}:${addr.port}`;
    } else {
      const path = (addr as Deno.UnixAddr).path ?? "";
      this.remoteHost = path;
      this.remoteAddress = path;
    }
  }

  start(handler: ConnHandler): void {
    this.#handler = handler;
    this.#readLoop().finally(() => this.#done.resolve());
  }

  async #readLoop(): Promise<void> {
    const handler = this.#handler!;
    let size = SLAB_MIN;
    let slab = new Uint8Array(size);
    let offset = 0;
    try {
      while (!this.#closed) {
        if (this.#paused) {
          await new Promise<void>((resolve) => (this.#resume = resolve));
          continue;
        }
        const target = handler.readTarget?.() ?? null;
        if (target !== null) {
          // Straight into a large frame's body: no copy after the read.
          const n = await this.#conn.read(target);
          if (n === null) break;
          handler.data(target.subarray(0, n));
          continue;
        }
        if (slab.length - offset < slab.length / SLAB_RESERVE) {
          slab = new Uint8Array(size);
          offset = 0;
        }
        const room = slab.length - offset;
        const n = await this.#conn.read(slab.subarray(offset));
        if (n === null) break;
        const chunk = slab.subarray(offset, offset + n);
        offset += n;
        if (n === room && size < SLAB_MAX) size *= 2;
        handler.data(chunk);
      }
      this.#end();
    } catch (err) {
      this.#end(this.#closed ? undefined : mapError(err, "Read failed"));
    }
  }

  #end(error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.close();
    this.#handler?.end(error);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    const resume = this.#resume;
    this.#resume = null;
    resume?.();
  }

  write(chunks: Uint8Array[]): Promise<void> {
    // The common case, one chunk written whole, costs one op and one promise.
    if (chunks.length === 1) {
      const chunk = chunks[0];
      return this.#conn.write(chunk).then(
        (n) => (n === chunk.length ? undefined : this.#writeAll([chunk.subarray(n)])),
        (err) => {
          throw mapError(err, "Write failed");
        },
      );
    }
    return this.#writeAll(chunks);
  }

  async #writeAll(chunks: Uint8Array[]): Promise<void> {
    try {
      for (const chunk of chunks) {
        let written = 0;
        while (written < chunk.length) {
          written += await this.#conn.write(written === 0 ? chunk : chunk.subarray(written));
        }
      }
    } catch (err) {
      throw mapError(err, "Write failed");
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the peer or the runtime.
    }
    this.resume();
    if (this.#handler === null) this.#done.resolve();
  }
}

// ---------------------------------------------------------------------------
// TLS (wss://): Deno.startTls over Deno.connect, and Deno.listenTls.
// ---------------------------------------------------------------------------

class DenoTls implements RuntimeTls {
  async connect(host: string, port: number, options: TlsConnectOptions): Promise<Conn> {
    const signal = options.timeout ? AbortSignal.timeout(options.timeout) : undefined;
    let tcp: Deno.TcpConn;
    try {
      tcp = await Deno.connect({ hostname: host, port, transport: "tcp", signal });
    } catch (err) {
      if (signal?.aborted) throw new RuntimeError("ETIMEDOUT", `Connect to ${host}:${port} timed out`, { cause: err });
      throw mapError(err, `Connect to ${formatHost(host)}:${port} failed`);
    }
    tcp.setNoDelay(true);
    if (options.keepAlive) tcp.setKeepAlive(true);
    const serverName = options.serverName ?? host;
    let tls: Deno.TlsConn | undefined;
    const onAbort = () => tls?.close();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      // startTls rather than connectTls: the certificate is checked against serverName, which may differ from host.
      tls = await Deno.startTls(tcp, { hostname: serverName, caCerts: options.caCerts });
      await tls.handshake();
      return new DenoConn(tls);
    } catch (err) {
      try {
        (tls ?? tcp).close();
      } catch {
        // Already closed.
      }
      if (signal?.aborted) throw new RuntimeError("ETIMEDOUT", `TLS handshake with ${host}:${port} timed out`);
      const e = mapError(err, `TLS handshake with ${formatHost(host)}:${port} (${serverName}) failed`);
      throw e.code === "EIO" ? new RuntimeError("EPROTO", e.message, { cause: err }) : e;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  listen(host: string, port: number, options: TlsListenOptions): Promise<Listener> {
    try {
      const listener = Deno.listenTls({ hostname: host, port, transport: "tcp", cert: options.cert, key: options.key });
      return Promise.resolve(new DenoListener(listener));
    } catch (err) {
      const e = mapError(err, `Listen (TLS) on ${formatHost(host)}:${port} failed`);
      return Promise.reject(e.code === "EIO" ? new RuntimeError("EINVAL", e.message, { cause: err }) : e);
    }
  }
}

class DenoListener implements Listener {
  readonly address: string;
  readonly port: number;
  #listener: Deno.Listener;
  #closed = false;
  #started = false;
  #done = Promise.withResolvers<void>();
  readonly closed: Promise<void> = this.#done.promise;

  constructor(listener: Deno.Listener) {
    this.#listener = listener;
    const addr = listener.addr;
    if (addr.transport === "tcp") {
      this.address = `${formatHost(addr.hostname)}:${addr.port}`;
      this.port = addr.port;
    } else {
      this.address = (addr as Deno.UnixAddr).path ?? "";
      this.port = 0;
    }
  }

  start(onConn: (conn: Conn) => void, onError: (error: Error) => void): void {
    this.#started = true;
    (async () => {
      while (!this.#closed) {
        let conn: Deno.Conn;
        try {
          conn = await this.#listener.accept();
        } catch (err) {
          if (this.#closed || err instanceof Deno.errors.BadResource) return;
          onError(mapError(err, "Accept failed"));
          continue;
        }
        // TLS connections (Deno.listenTls) have no setNoDelay; their TCP socket is set up by Deno.
        if (conn.remoteAddr.transport === "tcp" && "setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
        onConn(new DenoConn(conn));
      }
    })().finally(() => this.#done.resolve());
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    if (!this.#started) this.#done.resolve();
  }
}

// ---------------------------------------------------------------------------
// Datagrams. Deno's own Deno.listenDatagram exists only with --unstable-net and
// cannot choose the interface multicast datagrams leave by, so the Deno adapter
// uses Deno's node:dgram (stable, no flag) through the Node adapter's
// implementation, loaded on first use so that Deno programs without udp never
// load it. Deno's node:dgram ignores reusePort, so reusePort is false here.
// ---------------------------------------------------------------------------

class DenoUdp implements RuntimeUdp {
  readonly reusePort = false;

  async bind(options: UdpBindOptions): Promise<UdpSocket> {
    const { nodeUdp } = await import("./node.ts");
    return nodeUdp.bind(options);
  }

  interfaces(): InterfaceAddress[] {
    try {
      return Deno.networkInterfaces().map((i) => ({ name: i.name, address: i.address, family: i.family }));
    } catch (err) {
      throw mapError(err, "Cannot list network interfaces (Deno needs --allow-sys)");
    }
  }
}

class DenoRuntime implements Runtime {
  readonly name = "deno";
  readonly udp: RuntimeUdp = new DenoUdp();

  async connectTcp(host: string, port: number, options: TcpConnectOptions): Promise<Conn> {
    const signal = options.timeout ? AbortSignal.timeout(options.timeout) : undefined;
    try {
      const conn = await Deno.connect({ hostname: host, port, transport: "tcp", signal });
      conn.setNoDelay(true);
      if (options.keepAlive) conn.setKeepAlive(true);
      return new DenoConn(conn);
    } catch (err) {
      if (signal?.aborted) throw new RuntimeError("ETIMEDOUT", `Connect to ${host}:${port} timed out`, { cause: err });
      throw mapError(err, `Connect to ${formatHost(host)}:${port} failed`);
    }
  }

  listenTcp(host: string, port: number): Promise<Listener> {
    try {
      return Promise.resolve(new DenoListener(Deno.listen({ hostname: host, port, transport: "tcp" })));
    } catch (err) {
      return Promise.reject(mapError(err, `Listen on ${formatHost(host)}:${port} failed`));
    }
  }

  async connectIpc(path: string): Promise<Conn> {
    try {
      return new DenoConn(await Deno.connect({ transport: "unix", path }));
    } catch (err) {
      const { shown, needs } = ipcAddress(path);
      throw mapError(err, `Connect to ${shown} failed`, needs);
    }
  }

  listenIpc(path: string): Promise<Listener> {
    try {
      return Promise.resolve(new DenoListener(Deno.listen({ transport: "unix", path })));
    } catch (err) {
      const { shown, needs } = ipcAddress(path);
      return Promise.reject(mapError(err, `Listen on ${shown} failed`, needs));
    }
  }

  readonly tls: RuntimeTls = new DenoTls();

  async removeFile(path: string): Promise<void> {
    try {
      await Deno.remove(path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw mapError(err, `Cannot remove ${path}`, IPC_FLAGS);
    }
  }

  async makeTempDir(): Promise<string> {
    try {
      return await Deno.makeTempDir({ prefix: "zmq-ts-" });
    } catch (err) {
      throw mapError(err, "Cannot make a temporary directory for ipc://*", IPC_FLAGS);
    }
  }

  warn(message: string): void {
    console.warn(`Warning: ${message}`);
  }

  yieldToEventLoop(): Promise<void> {
    // A message to a fresh channel arrives after the event loop polled I/O (about 30 µs); closing both
    // ports at once keeps the channel from holding the process open.
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
}

/**
 * The Deno runtime.
 *
 * @example Usage
 * ```ts
 * import { denoRuntime } from "./deno.ts";
 * import assert from "node:assert/strict";
 * assert.equal(denoRuntime.name, "deno");
 * ```
 */
export const denoRuntime: Runtime = new DenoRuntime();
