/**
 * The Node.js and Bun runtime adapter: `node:net` sockets for tcp and Unix
 * domain sockets. The only file in zmq-ts that imports `node:` modules.
 *
 * Received chunks are the `Buffer`s Node hands out (a fresh one per read,
 * never reused), so frames cut from them are `Buffer`s too; frames that
 * were assembled elsewhere are turned into `Buffer` views at delivery
 * ({@linkcode Runtime.nativeFrame}), which is what zeromq.js users expect.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import dgram from "node:dgram";
import { mkdtemp, rmdir, unlink } from "node:fs/promises";
import net from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import tls from "node:tls";
import { setImmediate } from "node:timers";
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
  type UdpEndpoint,
  type UdpHandler,
  type UdpSocket,
} from "./runtime.ts";
import type { RuntimeTls, TlsConnectOptions, TlsListenOptions } from "./runtime.ts";

const IS_BUN = typeof process.versions.bun === "string";

/** `Promise.withResolvers`, which Node 20 lacks. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function mapError(err: unknown, what: string): RuntimeError {
  if (err instanceof RuntimeError) return err;
  const e = err as Error & { code?: unknown };
  const code = typeof e?.code === "string" && /^E[A-Z]+$/.test(e.code) ? e.code : "EIO";
  return new RuntimeError(code, `${what}: ${e?.message ?? String(err)}`, { cause: err });
}

function formatHost(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

/** A printable form of a Unix socket path (an abstract `\0name` shows as `@name`). */
function showPath(path: string): string {
  return path.startsWith("\0") ? "@" + path.slice(1) : path;
}

class NodeConn implements Conn {
  readonly remoteAddress: string;
  readonly remoteHost: string;
  #socket: net.Socket;
  #handler: ConnHandler | null = null;
  #error: Error | undefined;
  #ended = false;
  #closing = false;
  #done = deferred();
  /** Copy buffers Node has finished writing, ready for reuse. */
  #spare: Buffer[] = [];
  readonly closed: Promise<void> = this.#done.promise;

  constructor(socket: net.Socket, unixPath: string | null) {
    this.#socket = socket;
    if (unixPath === null) {
      const host = socket.remoteAddress ?? "";
      this.remoteHost = host;
      this.remoteAddress = `${formatHost(host)}:${socket.remotePort ?? 0}`;
    } else {
      this.remoteHost = unixPath;
      this.remoteAddress = unixPath;
    }
    socket.on("error", (err) => {
      this.#error ??= this.#closing ? undefined : mapError(err, "Connection failed");
    });
    socket.on("close", () => {
      this.#finish();
      this.#done.resolve();
    });
  }

  start(handler: ConnHandler): void {
    this.#handler = handler;
    this.#socket.on("data", (chunk: Buffer) => handler.data(chunk));
    if (this.#socket.destroyed) this.#finish();
  }

  #finish(): void {
    if (this.#ended || this.#handler === null) return;
    this.#ended = true;
    this.#handler.end(this.#closing ? undefined : this.#error);
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  write(chunks: Uint8Array[]): Promise<void> {
    const socket = this.#socket;
    if (socket.destroyed || !socket.writable) {
      return Promise.reject(new RuntimeError("EPIPE", "Write failed: the connection is closed"));
    }
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    if (total > 0 && total <= COPY_WRITE_MAX) {
      // Small batches are copied, so the caller may reuse its buffers at once: waiting for Node's callback
      // would leave only one write in flight and stall a fast sender. While Node's buffer has room
      // (write() returns true) the promise resolves now; failures still end the connection.
      const buffer = this.#spare.pop() ?? Buffer.allocUnsafeSlow(COPY_WRITE_MAX);
      let at = 0;
      for (const chunk of chunks) {
        buffer.set(chunk, at);
        at += chunk.length;
      }
      return new Promise<void>((resolve, reject) => {
        const accepted = socket.write(buffer.subarray(0, total), (err) => {
          // Node is done with the copy: keep it for a later write (a few at most), so steady traffic allocates nothing.
          if (this.#spare.length < SPARE_BUFFERS) this.#spare.push(buffer);
          if (err) reject(mapError(err, "Write failed"));
          else if (!accepted) resolve();
        });
        if (accepted) resolve();
      });
    }
    // A large write. When it carries message bodies above COPY_WRITE_MAX (which zmq-ts never reuses, so Node
    // may keep them), the small chunks (possibly the encoder's reusable buffers) are copied and the promise
    // resolves as soon as Node has queued everything, while its queue is below WRITE_QUEUE_MAX: the next large
    // message follows without waiting for this one to reach the kernel. Otherwise (a batch of smaller
    // messages) nothing is copied and the promise waits for Node to finish with every chunk.
    let large = false;
    for (const chunk of chunks) large ||= chunk.length > COPY_WRITE_MAX;
    return new Promise<void>((resolve, reject) => {
      let left = chunks.length;
      let failed = false;
      let resolved = false;
      const done = (err?: Error | null) => {
        if (failed) return;
        if (err) {
          failed = true;
          reject(mapError(err, "Write failed"));
        } else if (--left === 0 && !resolved) resolve();
      };
      if (left === 0) {
        resolve();
        return;
      }
      if (left > 1) socket.cork();
      for (const chunk of chunks) {
        socket.write(large && chunk.length <= COPY_WRITE_MAX ? Buffer.from(chunk) : chunk, done);
      }
      if (left > 1) socket.uncork();
      if (large && socket.writableLength <= WRITE_QUEUE_MAX) {
        resolved = true;
        resolve();
      }
    });
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#socket.destroy();
  }
}

/** Writes up to this many bytes are copied and do not wait for Node's write callback. */
const COPY_WRITE_MAX = 64 * 1024;
/** How many copy buffers a connection keeps for reuse. */
const SPARE_BUFFERS = 4;
/** A large write resolves at once while Node's queue for the socket holds at most this many bytes. */
const WRITE_QUEUE_MAX = 8 * 1024 * 1024;

class NodeListener implements Listener {
  readonly address: string;
  readonly port: number;
  #server: net.Server;
  #unixPath: string | null;
  #closed = false;
  #early: net.Socket[] = [];
  #onConn: ((socket: net.Socket) => void) | null = null;
  #done = deferred();
  readonly closed: Promise<void> = this.#done.promise;

  /** `connectionEvent` is `"secureConnection"` for a TLS server (its `"connection"` sockets are still encrypted). */
  constructor(server: net.Server, unixPath: string | null, connectionEvent = "connection") {
    this.#server = server;
    this.#unixPath = unixPath;
    if (unixPath === null) {
      const addr = server.address() as net.AddressInfo;
      this.address = `${formatHost(addr.address)}:${addr.port}`;
      this.port = addr.port;
    } else {
      this.address = showPath(unixPath);
      this.port = 0;
    }
    server.on("error", () => {}); // reported through start()'s onError; never an unhandled "error" event
    server.on(connectionEvent, (socket: net.Socket) => {
      if (this.#onConn !== null) this.#onConn(socket);
      else this.#early.push(socket);
    });
  }

  start(onConn: (conn: Conn) => void, onError: (error: Error) => void): void {
    this.#onConn = (socket) => {
      if (this.#closed) {
        socket.destroy();
        return;
      }
      if (this.#unixPath === null) socket.setNoDelay(true);
      onConn(new NodeConn(socket, this.#unixPath === null ? null : ""));
    };
    this.#server.on("error", (err) => {
      if (!this.#closed) onError(mapError(err, "Accept failed"));
    });
    const early = this.#early;
    this.#early = [];
    for (const socket of early) this.#onConn(socket);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of this.#early) socket.destroy();
    this.#early = [];
    // The listening handle closes now; Node's own "close" event waits for accepted connections too.
    this.#server.close();
    setTimeout(() => this.#done.resolve(), 0);
  }
}

// ---------------------------------------------------------------------------
// TLS (wss://): node:tls.
// ---------------------------------------------------------------------------

function tlsConnect(options: tls.ConnectionOptions, timeout: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(options);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onError = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once("error", onError);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      socket.off("error", onError);
      resolve(socket);
    });
    if (timeout > 0) {
      timer = setTimeout(() => {
        socket.destroy();
        reject(new RuntimeError("ETIMEDOUT", `TLS connect timed out after ${timeout} ms`));
      }, timeout);
    }
  });
}

/** Network failures keep their errno code; certificate and TLS protocol failures become EPROTO. */
function mapTlsError(err: unknown, what: string): RuntimeError {
  const e = mapError(err, what);
  const code = (err as { code?: unknown })?.code;
  return e.code === "EIO" && code !== undefined ? new RuntimeError("EPROTO", e.message, { cause: err }) : e;
}

class NodeTls implements RuntimeTls {
  async connect(host: string, port: number, options: TlsConnectOptions): Promise<Conn> {
    const serverName = options.serverName ?? host;
    let socket: tls.TLSSocket;
    try {
      socket = await tlsConnect({
        host,
        port,
        // SNI carries names only (RFC 6066); the certificate is checked against serverName either way.
        servername: net.isIP(serverName) ? undefined : serverName,
        checkServerIdentity: (_host, cert) => tls.checkServerIdentity(serverName, cert),
        // In addition to the system roots, as Deno does.
        ca: options.caCerts ? [...tls.rootCertificates, ...options.caCerts] : undefined,
      }, options.timeout ?? 0);
    } catch (err) {
      throw mapTlsError(err, `TLS connect to ${formatHost(host)}:${port} (${serverName}) failed`);
    }
    socket.setNoDelay(true);
    if (options.keepAlive) socket.setKeepAlive(true);
    return new NodeConn(socket, null);
  }

  async listen(host: string, port: number, options: TlsListenOptions): Promise<Listener> {
    let server: tls.Server;
    try {
      server = tls.createServer({ cert: options.cert, key: options.key });
    } catch (err) {
      throw new RuntimeError("EINVAL", `Cannot use the TLS certificate or key: ${(err as Error).message}`, {
        cause: err,
      });
    }
    // A client that fails the TLS handshake is dropped by Node; nothing reaches zmq-ts.
    server.on("tlsClientError", () => {});
    try {
      await listen(server, { host, port, backlog: 100, ipv6Only: false });
    } catch (err) {
      throw mapError(err, `Listen (TLS) on ${formatHost(host)}:${port} failed`);
    }
    return new NodeListener(server, null, "secureConnection");
  }
}

function listen(server: net.Server, options: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(options, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function connect(options: net.NetConnectOpts, timeout: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(options);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onError = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", onError);
      resolve(socket);
    });
    if (timeout > 0) {
      timer = setTimeout(() => {
        socket.destroy();
        reject(new RuntimeError("ETIMEDOUT", `Connect timed out after ${timeout} ms`));
      }, timeout);
    }
  });
}

// ---------------------------------------------------------------------------
// Datagrams: node:dgram (Node and Bun; the Deno adapter uses this too, since
// Deno's own Deno.listenDatagram needs --unstable-net and cannot choose the
// interface multicast leaves by).
// ---------------------------------------------------------------------------

/** Whether `reusePort` in `dgram.createSocket` sets SO_REUSEPORT: Bun, Node 22.12+ (Node 20 ignores it). */
function dgramReusePort(): boolean {
  if (IS_BUN) return true;
  if (typeof (globalThis as { Deno?: unknown }).Deno !== "undefined") return false; // Deno's node:dgram ignores it
  const [major, minor] = (process.versions.node ?? "0.0").split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 12);
}

const DGRAM_REUSE_PORT = dgramReusePort();

class NodeUdpSocket implements UdpSocket {
  readonly local: UdpEndpoint;
  #socket: dgram.Socket;
  #handler: UdpHandler | null = null;
  #closing = false;
  #done = deferred();
  readonly closed: Promise<void> = this.#done.promise;

  constructor(socket: dgram.Socket) {
    this.#socket = socket;
    const addr = socket.address();
    this.local = { address: addr.address, port: addr.port };
    socket.on("message", (msg: Buffer, rinfo: dgram.RemoteInfo) => {
      if (!this.#closing) this.#handler?.message(msg, { address: rinfo.address, port: rinfo.port });
    });
    socket.on("error", (err) => {
      if (!this.#closing) this.#handler?.error?.(mapError(err, "Datagram socket error"));
    });
    socket.on("close", () => this.#done.resolve());
  }

  start(handler: UdpHandler): void {
    this.#handler = handler;
  }

  send(data: Uint8Array, to: UdpEndpoint): Promise<void> {
    if (this.#closing) return Promise.reject(new RuntimeError("EBADF", "Send failed: the socket is closed"));
    return new Promise((resolve, reject) => {
      try {
        this.#socket.send(data, to.port, to.address, (err) => {
          if (err) reject(mapError(err, `Send to ${formatHost(to.address)}:${to.port} failed`));
          else resolve();
        });
      } catch (err) {
        reject(mapError(err, `Send to ${formatHost(to.address)}:${to.port} failed`));
      }
    });
  }

  #option(what: string, set: () => void): void {
    try {
      set();
    } catch (err) {
      throw mapError(err, what);
    }
  }

  joinGroup(group: string, interfaceAddress?: string): void {
    this.#option(`Cannot join ${group}`, () => this.#socket.addMembership(group, interfaceAddress));
  }

  leaveGroup(group: string, interfaceAddress?: string): void {
    this.#option(`Cannot leave ${group}`, () => this.#socket.dropMembership(group, interfaceAddress));
  }

  setMulticastInterface(interfaceAddress: string): void {
    this.#option(`Cannot send multicast by ${interfaceAddress}`, () => {
      this.#socket.setMulticastInterface(interfaceAddress);
    });
  }

  setMulticastLoopback(on: boolean): void {
    this.#option("Cannot set multicast loopback", () => this.#socket.setMulticastLoopback(on));
  }

  setMulticastTtl(hops: number): void {
    this.#option("Cannot set the multicast TTL", () => this.#socket.setMulticastTTL(hops));
  }

  setTtl(hops: number): void {
    this.#option("Cannot set the TTL", () => this.#socket.setTTL(hops));
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#handler = null;
    try {
      this.#socket.close();
    } catch {
      this.#done.resolve(); // already closed
    }
  }
}

/**
 * Datagram sockets over `node:dgram`, for Node, Bun and (through the Deno
 * adapter) Deno.
 *
 * @example Usage
 * ```ts
 * import { nodeUdp } from "./node.ts";
 * import assert from "node:assert/strict";
 * const a = await nodeUdp.bind({ address: "127.0.0.1" });
 * const b = await nodeUdp.bind({ address: "127.0.0.1" });
 * const got = new Promise<string>((resolve) => b.start({ message: (d) => resolve(new TextDecoder().decode(d)) }));
 * await a.send(new TextEncoder().encode("hi"), b.local);
 * assert.equal(await got, "hi");
 * a.close();
 * b.close();
 * await Promise.all([a.closed, b.closed]);
 * ```
 */
export const nodeUdp: RuntimeUdp = new (class NodeUdp implements RuntimeUdp {
  readonly reusePort = DGRAM_REUSE_PORT;

  async bind(options: UdpBindOptions): Promise<UdpSocket> {
    const address = options.address ?? (options.family === "udp6" ? "::" : "0.0.0.0");
    const family = options.family ?? (address.includes(":") ? "udp6" : "udp4");
    const port = options.port ?? 0;
    const where = `${formatHost(address)}:${port}`;
    if (options.reusePort && !DGRAM_REUSE_PORT) {
      throw new RuntimeError(
        "ENOTSUP",
        `Cannot bind ${where} with SO_REUSEPORT: this runtime cannot set it (Node 22.12+ and Bun can)`,
      );
    }
    const socket = dgram.createSocket({
      type: family,
      reuseAddr: options.reuseAddress ?? false,
      ...(options.reusePort ? { reusePort: true } : {}),
    } as dgram.SocketOptions);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind({ port, address, exclusive: true }, () => {
          socket.off("error", reject);
          resolve();
        });
      });
      if (options.receiveBufferSize) socket.setRecvBufferSize(options.receiveBufferSize);
      if (options.sendBufferSize) socket.setSendBufferSize(options.sendBufferSize);
    } catch (err) {
      try {
        socket.close();
      } catch {
        // Never bound.
      }
      throw mapError(err, `Bind ${where} failed`);
    }
    return new NodeUdpSocket(socket);
  }

  interfaces(): InterfaceAddress[] {
    const out: InterfaceAddress[] = [];
    for (const [name, list] of Object.entries(networkInterfaces())) {
      for (const info of list ?? []) {
        const family = info.family === "IPv6" || (info.family as unknown) === 6 ? "IPv6" : "IPv4";
        out.push({ name, address: info.address, family });
      }
    }
    return out;
  }
})();

/**
 * The Node.js runtime (also used by Bun, whose `node:net` it relies on).
 *
 * @example Usage
 * ```ts
 * import { nodeRuntime } from "./node.ts";
 * import assert from "node:assert/strict";
 * assert.ok(nodeRuntime.name === "node" || nodeRuntime.name === "bun");
 * const frame = nodeRuntime.nativeFrame!(new Uint8Array([1, 2]));
 * assert.deepEqual([...frame], [1, 2]);
 * ```
 */
export const nodeRuntime: Runtime = new (class NodeRuntime implements Runtime {
  readonly name = IS_BUN ? "bun" : "node";
  // Node (libuv) pads abstract names to the whole sun_path, so they never match libzmq's; Bun's are exact.
  readonly abstractIpc = IS_BUN;
  readonly udp = nodeUdp;

  async connectTcp(host: string, port: number, options: TcpConnectOptions): Promise<Conn> {
    let socket: net.Socket;
    try {
      socket = await connect({ host, port, noDelay: true }, options.timeout ?? 0);
    } catch (err) {
      throw mapError(err, `Connect to ${formatHost(host)}:${port} failed`);
    }
    socket.setNoDelay(true);
    if (options.keepAlive) socket.setKeepAlive(true);
    return new NodeConn(socket, null);
  }

  async listenTcp(host: string, port: number): Promise<Listener> {
    const server = net.createServer({ noDelay: true, pauseOnConnect: false });
    try {
      await listen(server, { host, port, backlog: 100, ipv6Only: false });
    } catch (err) {
      throw mapError(err, `Listen on ${formatHost(host)}:${port} failed`);
    }
    return new NodeListener(server, null);
  }

  async connectIpc(path: string): Promise<Conn> {
    try {
      return new NodeConn(await connect({ path }, 0), showPath(path));
    } catch (err) {
      throw mapError(err, `Connect to ${showPath(path)} failed`);
    }
  }

  async listenIpc(path: string): Promise<Listener> {
    const server = net.createServer();
    try {
      await listen(server, { path, backlog: 100 });
    } catch (err) {
      throw mapError(err, `Listen on ${showPath(path)} failed`);
    }
    return new NodeListener(server, path);
  }

  readonly tls: RuntimeTls = new NodeTls();

  async removeFile(path: string): Promise<void> {
    try {
      await unlink(path);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "ENOENT") return;
      if (code === "EISDIR" || code === "EPERM") {
        try {
          await rmdir(path);
          return;
        } catch (dirErr) {
          if ((dirErr as { code?: string }).code === "ENOENT") return;
          throw mapError(dirErr, `Cannot remove ${path}`);
        }
      }
      throw mapError(err, `Cannot remove ${path}`);
    }
  }

  makeTempDir(): Promise<string> {
    return mkdtemp(join(tmpdir(), "zmq-ts-"));
  }

  warn(message: string): void {
    process.emitWarning(message);
  }

  yieldToEventLoop(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  allocate(size: number): Uint8Array {
    // Filled completely by the decoder before anyone sees it, so zero-filling would be wasted work.
    return Buffer.allocUnsafeSlow(size);
  }

  nativeFrame(bytes: Uint8Array): Uint8Array {
    return bytes instanceof Buffer ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
})();
