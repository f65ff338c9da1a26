/**
 * The ipc transport: `ipc://path` over Unix domain stream sockets, with
 * libzmq's rules: a stale socket file is replaced on bind (but a live
 * listener gives EADDRINUSE), the file is removed again on unbind/close,
 * `ipc://*` binds `<fresh private temp dir>/socket`, paths are at most 107
 * bytes, and `ipc://@name` is the Linux abstract name `\0name` (exactly
 * that many bytes, no trailing NUL).
 *
 * @module
 */

import type { Endpoint } from "../endpoint.ts";
import { ZmqError } from "../errors.ts";
import { type Conn, type ConnHandler, type Listener, type Runtime, RuntimeError } from "../runtime/runtime.ts";
import { type Bound, type ConnectOptions, type ListenOptions, type StreamTransport, toZmqError } from "./transport.ts";

/**
 * The longest ipc path in bytes: `sizeof(sun_path) - 1` on Linux.
 *
 * @example Usage
 * ```ts
 * import { IPC_PATH_MAX } from "./ipc.ts";
 * import assert from "node:assert/strict";
 * assert.equal(IPC_PATH_MAX, 107);
 * ```
 */
export const IPC_PATH_MAX = 107;

const encoder = new TextEncoder();

/**
 * Checks an ipc endpoint before use, as libzmq does when it resolves the
 * address: a path (or `@name`) longer than {@linkcode IPC_PATH_MAX} bytes is
 * `ENAMETOOLONG`, a bare `@` is `EINVAL`, and an abstract name on a runtime
 * that cannot address one exactly is `ENOTSUP`.
 *
 * @example Usage
 * ```ts
 * import { checkIpcEndpoint } from "./ipc.ts";
 * import { parseEndpoint } from "../endpoint.ts";
 * import assert from "node:assert/strict";
 * checkIpcEndpoint(parseEndpoint("ipc:///tmp/a.sock", "bind"));
 * assert.throws(() => checkIpcEndpoint(parseEndpoint(`ipc:///${"x".repeat(107)}`, "bind")), {
 *   code: "ENAMETOOLONG",
 * });
 * assert.throws(() => checkIpcEndpoint(parseEndpoint("ipc://@", "connect")), { code: "EINVAL" });
 * ```
 */
export function checkIpcEndpoint(endpoint: Endpoint, runtime?: Runtime): void {
  if (endpoint.transport !== "ipc") throw new TypeError("checkIpcEndpoint needs an ipc endpoint");
  const path = endpoint.path;
  if (encoder.encode(path).length > IPC_PATH_MAX) {
    throw new ZmqError(
      "ENAMETOOLONG",
      `The ipc path of ${endpoint.text} is longer than ${IPC_PATH_MAX} bytes; use a shorter path`,
      { address: endpoint.text },
    );
  }
  if (path.startsWith("@")) {
    if (path === "@") throw new ZmqError("EINVAL", "ipc://@ needs a name after the @", { address: endpoint.text });
    if (runtime !== undefined && runtime.abstractIpc === false) {
      throw new ZmqError(
        "ENOTSUP",
        `Abstract ipc names (${endpoint.text}) are not supported on ${runtime.name}: its sockets pad the name, ` +
          "so they would not reach libzmq's @name; use an ipc path, or run on Deno or Bun",
        { address: endpoint.text },
      );
    }
  }
}

/**
 * The address the runtime is given for an ipc path: `\0name` for `@name`.
 *
 * @example Usage
 * ```ts
 * import { ipcSocketPath } from "./ipc.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ipcSocketPath("@zmq"), "\0zmq");
 * assert.equal(ipcSocketPath("/tmp/a.sock"), "/tmp/a.sock");
 * ```
 */
export function ipcSocketPath(path: string): string {
  return path.startsWith("@") ? "\0" + path.slice(1) : path;
}

/** An accepted connection that reports the bound path as its peer's address (unnamed Unix clients have none). */
class IpcConn implements Conn {
  readonly remoteAddress: string;
  readonly remoteHost: string;
  readonly #conn: Conn;

  constructor(conn: Conn, address: string) {
    this.#conn = conn;
    this.remoteAddress = address;
    this.remoteHost = address;
  }
  get closed(): Promise<void> {
    return this.#conn.closed;
  }
  start(handler: ConnHandler): void {
    this.#conn.start(handler);
  }
  pause(): void {
    this.#conn.pause();
  }
  resume(): void {
    this.#conn.resume();
  }
  write(chunks: Uint8Array[]): Promise<void> {
    return this.#conn.write(chunks);
  }
  close(): void {
    this.#conn.close();
  }
}

/** A listener whose connections are named after the bound path. */
class IpcListener implements Listener {
  readonly address: string;
  readonly port = 0;
  readonly #listener: Listener;

  constructor(listener: Listener, address: string) {
    this.#listener = listener;
    this.address = address;
  }
  get closed(): Promise<void> {
    return this.#listener.closed;
  }
  start(onConn: (conn: Conn) => void, onError: (error: Error) => void): void {
    this.#listener.start((conn) => onConn(conn.remoteHost === "" ? new IpcConn(conn, this.address) : conn), onError);
  }
  close(): void {
    this.#listener.close();
  }
}

/** Whether something is listening on the path (a live socket), as opposed to a stale file or nothing. */
async function isLive(runtime: Runtime, path: string): Promise<boolean> {
  let conn: Conn;
  try {
    conn = await runtime.connectIpc(path);
  } catch (err) {
    // A refused permission says nothing about the path: never unlink a file we could not probe.
    if (err instanceof RuntimeError && err.permanent) throw err;
    return false;
  }
  conn.close();
  await conn.closed;
  return true;
}

/**
 * The ipc transport.
 *
 * @example Usage
 * ```ts
 * import { ipcTransport } from "./ipc.ts";
 * import { parseEndpoint } from "../endpoint.ts";
 * import { denoRuntime } from "../runtime/deno.ts";
 * import assert from "node:assert/strict";
 * const bound = await ipcTransport.listen(parseEndpoint("ipc://*", "bind"), denoRuntime, { ipv6: false });
 * assert.match(bound.endpoint, /^ipc:\/\/.*\/socket$/);
 * bound.listener.close();
 * await bound.listener.closed;
 * await bound.cleanup?.();
 * ```
 */
export const ipcTransport: StreamTransport = {
  check: checkIpcEndpoint,

  listen(endpoint: Endpoint, runtime: Runtime, _options: ListenOptions): Promise<Bound> {
    if (endpoint.transport !== "ipc") throw new TypeError("ipcTransport needs an ipc endpoint");
    checkIpcEndpoint(endpoint, runtime);
    return listenIpc(endpoint, runtime);
  },

  connect(endpoint: Endpoint, runtime: Runtime, _options: ConnectOptions): Promise<Conn> {
    if (endpoint.transport !== "ipc") throw new TypeError("ipcTransport needs an ipc endpoint");
    return runtime.connectIpc(ipcSocketPath(endpoint.path));
  },
};

async function listenIpc(endpoint: Endpoint & { transport: "ipc" }, runtime: Runtime): Promise<Bound> {
  let path = endpoint.path;
  let dir: string | null = null;
  if (path === "*") {
    try {
      dir = await runtime.makeTempDir();
    } catch (err) {
      throw toZmqError(err, endpoint.text);
    }
    path = `${dir}/socket`;
    if (encoder.encode(path).length > IPC_PATH_MAX) {
      await runtime.removeFile(dir).catch(() => {});
      throw new ZmqError("ENAMETOOLONG", `The temporary directory ${dir} makes the ipc path too long`, {
        address: endpoint.text,
      });
    }
  }
  const abstract = path.startsWith("@");
  const socketPath = ipcSocketPath(path);
  const text = `ipc://${path}`;
  let listener: Listener;
  try {
    if (!abstract && dir === null) {
      // libzmq unlinks whatever is at the path; we do so only when nobody is listening there.
      if (await isLive(runtime, socketPath)) {
        throw new ZmqError("EADDRINUSE", `Address already in use: ${endpoint.text} has a live listener`, {
          address: endpoint.text,
        });
      }
      await runtime.removeFile(socketPath);
    }
    listener = await runtime.listenIpc(socketPath);
  } catch (err) {
    if (dir !== null) await runtime.removeFile(dir).catch(() => {});
    throw toZmqError(err, endpoint.text);
  }
  const cleanup = abstract ? undefined : async () => {
    await runtime.removeFile(socketPath);
    if (dir !== null) await runtime.removeFile(dir);
  };
  return { listener: new IpcListener(listener, path), endpoint: text, cleanup };
}
