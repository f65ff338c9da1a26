/**
 * The runtime adapter interface: the small byte-stream API the rest of
 * zmq-ts is written against. `deno.ts` and `node.ts` implement it; nothing
 * outside `src/runtime/` knows which runtime it runs on.
 *
 * @module
 */

/** Receives what a {@linkcode Conn} reads. */
export interface ConnHandler {
  /**
   * A chunk of bytes read from the peer. The adapter never writes into a
   * chunk again after handing it out, so views of it stay valid.
   */
  data(chunk: Uint8Array): void;
  /** The connection ended: `error` is undefined for an orderly EOF. */
  end(error?: Error): void;
  /**
   * Optional: where the next read should land (the rest of a large frame's
   * body), or `null` for the adapter's own buffers. Adapters that cannot
   * choose where reads land ignore it.
   */
  readTarget?(): Uint8Array | null;
}

/** One connected byte stream (a TCP or Unix socket). */
export interface Conn {
  /** The peer's address, e.g. `127.0.0.1:5555`, `[::1]:5555`, or a socket path. */
  readonly remoteAddress: string;
  /** The peer's host without port (what ZAP calls the address), or the path for ipc. */
  readonly remoteHost: string;
  /** Starts reading; the handler is called for every chunk and once at the end. */
  start(handler: ConnHandler): void;
  /** Stops reading until {@linkcode Conn.resume} (backpressure). */
  pause(): void;
  /** Starts reading again after {@linkcode Conn.pause}. */
  resume(): void;
  /**
   * Writes the buffers in order. Resolves once the runtime no longer needs
   * them (so they may be reused); rejects if the connection failed.
   */
  write(chunks: Uint8Array[]): Promise<void>;
  /** Closes the connection; reading ends with `end()` if it had not already. */
  close(): void;
  /** Resolves once the connection is closed and its reads have stopped. */
  readonly closed: Promise<void>;
}

/** A listening socket. */
export interface Listener {
  /** The bound address: `host:port` for tcp (IPv6 hosts in brackets) or the path for ipc. */
  readonly address: string;
  /** The bound port for tcp (0 for ipc). */
  readonly port: number;
  /** Starts accepting; `onConn` gets each new connection, `onError` accept failures. */
  start(onConn: (conn: Conn) => void, onError: (error: Error) => void): void;
  /** Stops listening. Existing connections stay open. */
  close(): void;
  /** Resolves once the listener is closed and no accept is pending. */
  readonly closed: Promise<void>;
}

/** TCP connection options. */
export interface TcpConnectOptions {
  /** Give up connecting after this many milliseconds (0 = the OS default). */
  timeout?: number;
  /** Enable TCP keepalive. */
  keepAlive?: boolean;
}

/** Options of {@linkcode RuntimeError}. */
export interface RuntimeErrorOptions {
  /** The runtime's own error. */
  cause?: unknown;
  /**
   * Whether trying again cannot help, because the runtime itself refuses
   * the operation (Deno without the permission it needs). A connecting
   * session stops at such an error instead of retrying.
   */
  permanent?: boolean;
}

/** A failure of the runtime, mapped to an errno-like code. */
export class RuntimeError extends Error {
  /** `ECONNREFUSED`, `EADDRINUSE`, `ETIMEDOUT`, `ENOENT`, `EACCES`, `EADDRNOTAVAIL`, ... */
  readonly code: string;
  /** See {@linkcode RuntimeErrorOptions.permanent}. */
  readonly permanent: boolean;

  /** Wraps a runtime failure. */
  constructor(code: string, message: string, options?: RuntimeErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RuntimeError";
    this.code = code;
    this.permanent = options?.permanent ?? false;
  }
}

/**
 * What zmq-ts needs from a JavaScript runtime.
 *
 * @example Usage
 * ```ts ignore
 * const conn = await runtime.connectTcp("127.0.0.1", 5555, {});
 * ```
 */
export interface Runtime {
  /** `"deno"`, `"node"`, `"bun"` or `"memory"`. */
  readonly name: string;
  /** Connects over TCP. Rejects with a {@linkcode RuntimeError}. */
  connectTcp(host: string, port: number, options: TcpConnectOptions): Promise<Conn>;
  /** Listens on TCP; port 0 picks a free port. */
  listenTcp(host: string, port: number): Promise<Listener>;
  /** Connects to a Unix domain socket (`\0name` for an abstract name). */
  connectIpc(path: string): Promise<Conn>;
  /** Listens on a Unix domain socket path. */
  listenIpc(path: string): Promise<Listener>;
  /** Removes a file if it exists (a stale ipc socket); never throws for a missing file. */
  removeFile(path: string): Promise<void>;
  /** Makes a fresh private directory for `ipc://*` endpoints and returns its path. */
  makeTempDir(): Promise<string>;
  /**
   * Whether {@linkcode Runtime.connectIpc}/{@linkcode Runtime.listenIpc} address
   * a Linux abstract name `\0name` with exactly that many bytes, as libzmq's
   * `ipc://@name` does. Absent means yes; `false` makes `ipc://@name` ENOTSUP.
   */
  readonly abstractIpc?: boolean;
  /**
   * Turns the bytes of a received frame into the runtime's native byte type
   * without copying them (on Node and Bun a `Buffer` view of the same memory,
   * as zeromq.js users expect). Absent means frames stay as they are.
   */
  nativeFrame?(bytes: Uint8Array): Uint8Array;
  /**
   * Optional: allocates a large frame body that the decoder fills entirely
   * before handing it out (so it may skip zero-filling; on Node a `Buffer`).
   */
  allocate?(size: number): Uint8Array;
  /**
   * Resolves after the event loop has had a turn (timers and I/O ran), as
   * cheaply as the runtime allows. Used so that a socket whose sends never
   * block (a Publisher dropping, a Router, no high-water mark) cannot starve
   * the I/O it depends on. `setTimeout(0)` is too slow for this (about 2 ms
   * per call in Deno).
   */
  yieldToEventLoop(): Promise<void>;
}
