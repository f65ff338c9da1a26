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

// ---------------------------------------------------------------------------
// WebSocket and TLS (ws:// and wss://). Optional parts of the runtime:
// `Runtime.tls` is absent where there is no TLS, `Runtime.webSocket` where the
// runtime has no WebSocket client of its own that zmq-ts should use (only the
// browser adapter has one; Deno, Node and Bun frame WebSockets themselves
// over TCP or TLS, in src/transports/ws/).
// ---------------------------------------------------------------------------

/** How a WebSocket connection ended. */
export interface MessageConnClose {
  /** The close code from the peer's close frame; 1005 if it had none, 1006 if no close frame came. */
  code: number;
  /** The close reason from the peer's close frame ("" if none). */
  reason: string;
}

/** Receives what a {@linkcode MessageConn} reads. */
export interface MessageHandler {
  /**
   * One whole binary message (fragments already joined). For ZWS: the flags
   * byte, then the frame body. Valid forever: never overwritten later.
   */
  message(payload: Uint8Array): void;
  /** Optional: a ping arrived (it has been answered already). Liveness only. */
  ping?(payload: Uint8Array): void;
  /** Optional: a pong arrived (the answer to {@linkcode MessageConn.ping}). */
  pong?(payload: Uint8Array): void;
  /**
   * The connection ended, once. `error` is undefined for an orderly end (a
   * close handshake, or EOF); otherwise it says what failed: a protocol
   * violation by the peer or a limit ({@linkcode WebSocketError}, with the
   * close code sent), or the connection's failure ({@linkcode RuntimeError}).
   */
  end(error: Error | undefined, close: MessageConnClose): void;
}

/**
 * One open WebSocket: whole binary messages both ways, after the opening
 * handshake agreed a subprotocol. The seam between ZWS and whatever carries
 * it: zmq-ts's own RFC 6455 framing over a {@linkcode Conn}
 * (`transports/ws/ws_stream.ts`, on Deno, Node and Bun, ws and wss), or a
 * browser's `WebSocket` (`runtime/browser.ts`), which frames, masks and
 * answers pings by itself.
 *
 * @example Usage
 * ```ts ignore
 * conn.start({ message: (payload) => console.log(payload), end: (error) => console.log("ended", error) });
 * await conn.send([[new Uint8Array([0x00]), new TextEncoder().encode("hello")]]);
 * ```
 */
export interface MessageConn {
  /** The peer's address (`host:port`). */
  readonly remoteAddress: string;
  /** The peer's host without port. */
  readonly remoteHost: string;
  /** The subprotocol both sides agreed on, e.g. `ZWS2.0/NULL`. */
  readonly protocol: string;
  /** The request target: what the client asked for (`/zmq`). */
  readonly path: string;
  /**
   * Whether {@linkcode MessageConn.ping} works and pongs are reported. A
   * browser `WebSocket` answers the server's pings itself but can neither
   * send pings nor see pongs: `false` there.
   */
  readonly canPing: boolean;
  /**
   * Starts delivering messages to `handler`. Messages that arrived since the
   * handshake (a server's READY often comes with its 101) are delivered first.
   */
  start(handler: MessageHandler): void;
  /**
   * Stops reading (backpressure). A byte-stream connection stops reading its
   * socket; a browser `WebSocket` cannot, so it holds what arrives until
   * {@linkcode MessageConn.resume}.
   */
  pause(): void;
  /** Starts reading again. */
  resume(): void;
  /**
   * Sends binary messages in order; each message's payload is the
   * concatenation of its parts (for ZWS: `[flags byte, body]`). Resolves once
   * the parts may be reused and the connection is ready for more; rejects
   * ({@linkcode RuntimeError} `EPIPE`) once the connection is closing or failed.
   */
  send(messages: readonly (readonly Uint8Array[])[]): Promise<void>;
  /** Sends a ping (at most 125 bytes). Throws a {@linkcode RuntimeError} `ENOTSUP` when `canPing` is false. */
  ping(payload?: Uint8Array): void;
  /**
   * Starts the close handshake (default code 1000); the handler's `end`
   * follows once the peer answered, or after a timeout if it does not.
   */
  close(code?: number, reason?: string): void;
  /** Resolves once the connection is closed and nothing more will be delivered. */
  readonly closed: Promise<void>;
}

/**
 * A WebSocket peer broke RFC 6455 or a limit (a text message for ZWS, a
 * message over `maxMessageSize`, a bad frame). `closeCode` is the status
 * sent in the close frame before the connection was dropped (1002, 1003,
 * 1007, 1009).
 *
 * @example Usage
 * ```ts
 * import { WebSocketError } from "./runtime.ts";
 * import assert from "node:assert/strict";
 * const err = new WebSocketError(1009, "A message of 2000 bytes, above 1000");
 * assert.equal(err.closeCode, 1009);
 * assert.equal(err.code, "EPROTO");
 * ```
 */
export class WebSocketError extends Error {
  /** The close code that describes the violation. */
  readonly closeCode: number;
  /** Always `EPROTO`, like the other protocol failures of a runtime. */
  readonly code = "EPROTO";

  /** Makes an error with the close code to answer with. */
  constructor(closeCode: number, message: string) {
    super(message);
    this.name = "WebSocketError";
    this.closeCode = closeCode;
  }
}

/** TLS connection options (libzmq's `ZMQ_WSS_TRUST_PEM`, `ZMQ_WSS_HOSTNAME`). */
export interface TlsConnectOptions extends TcpConnectOptions {
  /**
   * PEM certificates of authorities to trust in addition to the runtime's
   * own roots (Deno: its bundled roots; Node/Bun: `tls.rootCertificates`).
   */
  caCerts?: string[];
  /**
   * The name the server's certificate must be valid for, also sent as SNI
   * (when it is not an IP address). Default: the host connected to.
   */
  serverName?: string;
}

/** TLS listening options (libzmq's `ZMQ_WSS_CERT_PEM`, `ZMQ_WSS_KEY_PEM`). */
export interface TlsListenOptions {
  /** The certificate chain, PEM, leaf first. */
  cert: string;
  /** The private key, PEM (PKCS#8, RSA or EC). */
  key: string;
}

/**
 * TLS streams of a runtime: the same {@linkcode Conn} and
 * {@linkcode Listener} as TCP, encrypted.
 *
 * @example Usage
 * ```ts ignore
 * const conn = await runtime.tls!.connect("127.0.0.1", 443, { caCerts: [ca], serverName: "localhost" });
 * const listener = await runtime.tls!.listen("0.0.0.0", 443, { cert, key });
 * ```
 */
export interface RuntimeTls {
  /**
   * Connects over TLS: the TCP connection, then the TLS handshake with the
   * certificate checked against `serverName` (or the host). Rejects with a
   * {@linkcode RuntimeError} (`ECONNREFUSED`, `ETIMEDOUT`, `EPROTO` for a TLS
   * failure such as an untrusted certificate or a wrong name).
   */
  connect(host: string, port: number, options: TlsConnectOptions): Promise<Conn>;
  /**
   * Listens over TLS with a certificate and key; port 0 picks a free port.
   * Rejects with `EINVAL` for a certificate or key that cannot be used. A
   * client that fails the TLS handshake never reaches `start`'s `onConn`
   * as a working connection (its first read fails, or it is dropped).
   */
  listen(host: string, port: number, options: TlsListenOptions): Promise<Listener>;
}

/** Options of {@linkcode RuntimeWebSocket.connect}. */
export interface WebSocketConnectOptions {
  /** Give up the connection and handshake after this many milliseconds (0 or absent = no limit). */
  timeout?: number;
  /** The largest message accepted, in bytes (-1 or absent = no limit); bigger ones end the connection with 1009. */
  maxMessageSize?: number;
}

/**
 * A runtime's own WebSocket client (the browser adapter's). Where it is
 * present, ws:// and wss:// connect through it instead of TCP.
 *
 * @example Usage
 * ```ts ignore
 * const conn = await runtime.webSocket!.connect("ws://127.0.0.1:5555/", ["ZWS2.0"], {});
 * ```
 */
export interface RuntimeWebSocket {
  /**
   * Opens a WebSocket to `url` (`ws://` or `wss://`) offering `protocols`.
   * Rejects with a {@linkcode RuntimeError} (`ECONNREFUSED` for any failure
   * to connect or upgrade, `ETIMEDOUT`, `EPROTO` when the server chose no
   * offered subprotocol, `EINVAL` for a bad URL or protocol name).
   */
  connect(url: string, protocols: readonly string[], options: WebSocketConnectOptions): Promise<MessageConn>;
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
  /** `"deno"`, `"node"`, `"bun"`, `"browser"` or `"memory"`. */
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
  /** TLS streams (wss://); absent where the runtime has none. */
  readonly tls?: RuntimeTls;
  /** The runtime's own WebSocket client, used for ws:// and wss:// where present (browsers). */
  readonly webSocket?: RuntimeWebSocket;
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
  /**
   * Optional: reports a warning the way the runtime does (Node and Bun: a
   * process warning, which `process.on("warning")` sees; Deno: stderr).
   */
  warn?(message: string): void;
  /** Datagram sockets (udp://, epgm://); absent where the runtime has none. */
  readonly udp?: RuntimeUdp;
}

// ---------------------------------------------------------------------------
// Datagrams (udp://, and epgm:// which carries PGM in UDP). An optional part of
// the runtime: `Runtime.udp` is absent where a runtime has no datagram sockets.
// ---------------------------------------------------------------------------

/** Where a datagram came from, or goes to. */
export interface UdpEndpoint {
  /** An IPv4 or IPv6 address (without brackets). */
  address: string;
  /** The UDP port. */
  port: number;
}

/** Options of {@linkcode RuntimeUdp.bind}. */
export interface UdpBindOptions {
  /** `udp4` or `udp6`; default from `address` (`udp4` when it is absent). */
  family?: "udp4" | "udp6";
  /**
   * The local address: a wildcard (`0.0.0.0`, `::`), a unicast address, or
   * a multicast group (then only that group's datagrams arrive, which keeps
   * unicast meant for another process on the same port away). Default: the
   * wildcard.
   */
  address?: string;
  /** The local port; 0 (the default) picks a free one. */
  port?: number;
  /** SO_REUSEADDR. */
  reuseAddress?: boolean;
  /**
   * SO_REUSEPORT: what sharing a port with libzmq's OpenPGM on one host
   * needs. Where the runtime cannot set it ({@linkcode RuntimeUdp.reusePort}
   * is false) `bind` fails with `ENOTSUP` instead of silently binding
   * without it.
   */
  reusePort?: boolean;
  /** SO_RCVBUF in bytes (libzmq's `ZMQ_RCVBUF`); 0 or absent keeps the OS default. */
  receiveBufferSize?: number;
  /** SO_SNDBUF in bytes; 0 or absent keeps the OS default. */
  sendBufferSize?: number;
}

/** Receives what a {@linkcode UdpSocket} reads. */
export interface UdpHandler {
  /**
   * One datagram. The adapter hands out a fresh buffer per datagram and
   * never writes into it again, so views of it stay valid.
   */
  message(data: Uint8Array, from: UdpEndpoint): void;
  /** A socket error that did not close the socket (e.g. an ICMP error on a connected route). */
  error?(error: Error): void;
}

/** A bound datagram socket. */
export interface UdpSocket {
  /** The bound address and port. */
  readonly local: UdpEndpoint;
  /** Starts delivering datagrams to `handler` (datagrams before this are kept by the OS buffer). */
  start(handler: UdpHandler): void;
  /**
   * Sends one datagram. Resolves once the runtime has handed it to the OS;
   * rejects with a {@linkcode RuntimeError} (EMSGSIZE, ENETUNREACH, ...).
   */
  send(data: Uint8Array, to: UdpEndpoint): Promise<void>;
  /** Joins a multicast group, on the interface with address `interfaceAddress` (default: the OS's choice). */
  joinGroup(group: string, interfaceAddress?: string): void;
  /** Leaves a multicast group joined with {@linkcode UdpSocket.joinGroup}. */
  leaveGroup(group: string, interfaceAddress?: string): void;
  /** The interface multicast datagrams leave by (its address; for IPv6 `::%name`). */
  setMulticastInterface(interfaceAddress: string): void;
  /** Whether this host's own sockets get a copy of what is sent to a group (IP_MULTICAST_LOOP). */
  setMulticastLoopback(on: boolean): void;
  /** The TTL (hop limit) of multicast datagrams: libzmq's `multicastHops`. */
  setMulticastTtl(hops: number): void;
  /** The TTL of unicast datagrams. */
  setTtl(hops: number): void;
  /** Closes the socket; no handler call follows. */
  close(): void;
  /** Resolves once the socket is closed. */
  readonly closed: Promise<void>;
}

/** A network interface address, for endpoints that name an interface (`epgm://eth0;...`). */
export interface InterfaceAddress {
  /** The interface name, e.g. `eth0`, `lo`. */
  name: string;
  /** The address. */
  address: string;
  /** `IPv4` or `IPv6`. */
  family: "IPv4" | "IPv6";
}

/**
 * Datagram sockets of a runtime.
 *
 * @example Usage
 * ```ts ignore
 * const socket = await runtime.udp!.bind({ address: "239.192.1.1", port: 5555 });
 * socket.joinGroup("239.192.1.1", "127.0.0.1");
 * socket.start({ message: (data, from) => console.log(data.length, from.address) });
 * ```
 */
export interface RuntimeUdp {
  /** Whether {@linkcode UdpBindOptions.reusePort} can be honoured. */
  readonly reusePort: boolean;
  /** Binds a datagram socket. Rejects with a {@linkcode RuntimeError} (EADDRINUSE, EADDRNOTAVAIL, ENOTSUP, ...). */
  bind(options: UdpBindOptions): Promise<UdpSocket>;
  /** The host's interface addresses (may need a permission on Deno: `--allow-sys`). */
  interfaces(): InterfaceAddress[];
}
