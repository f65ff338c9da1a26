/**
 * The WebSocket opening handshake (RFC 6455 §4) over a byte stream, both
 * ways: the client's `GET` with `Upgrade: websocket`, the server's checks and
 * its `101 Switching Protocols` (or a clean refusal), and the client's checks
 * of that answer. Pure functions plus one incremental reader
 * ({@linkcode HttpHeadReader}) that never holds more than a fixed number of
 * bytes, so a peer that sends an endless header cannot grow memory.
 *
 * The subprotocol choice is left to the caller (a callback on the server,
 * the offered list on the client); `zws.ts` has ZWS 2.0's rules.
 *
 * @module
 */

import { decodeBase64, encodeBase64, sha1 } from "./sha1.ts";

/** The GUID RFC 6455 §1.3 appends to `Sec-WebSocket-Key` before hashing. */
export const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** The only WebSocket version there is (RFC 6455 §4.1). */
export const WEBSOCKET_VERSION = "13";
/** Default limit on the request or response head, in bytes (libzmq's buffer is 8 KiB too). */
export const MAX_HEAD_BYTES = 8192;
/** Default limit on the number of header lines. */
export const MAX_HEADERS = 64;

/** Why an opening handshake failed. */
export type UpgradeErrorCode =
  /** The head exceeded {@linkcode MAX_HEAD_BYTES} or {@linkcode MAX_HEADERS}. */
  | "too-large"
  /** Not HTTP/1.1 syntax (bad start line, bare CR or LF, control bytes, folded headers). */
  | "malformed"
  /** Valid HTTP but not a WebSocket upgrade (method, `Upgrade`, `Connection`, status line). */
  | "not-websocket"
  /** `Sec-WebSocket-Key` missing or not the base64 of 16 bytes. */
  | "bad-key"
  /** `Sec-WebSocket-Version` missing or not 13. */
  | "bad-version"
  /** Server side: none of the offered subprotocols is acceptable (or none was offered). */
  | "no-protocol"
  /** Client side: the server answered with a status other than 101. */
  | "refused"
  /** Client side: `Sec-WebSocket-Accept` does not match the key. */
  | "bad-accept"
  /** Client side: the server chose no subprotocol, or one that was not offered. */
  | "bad-protocol"
  /** Client side: the server turned on an extension that was not offered. */
  | "bad-extension";

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
};

/**
 * A failed opening handshake. On the server, {@linkcode encodeRefusal} turns
 * it into the HTTP answer to send before closing; on the client `status` is
 * what the server answered (0 when it sent nothing usable).
 *
 * @example Usage
 * ```ts
 * import { UpgradeError } from "./http_upgrade.ts";
 * import assert from "node:assert/strict";
 * const err = new UpgradeError("no-protocol", "No ZWS 2.0 subprotocol offered", 400);
 * assert.equal(err.code, "no-protocol");
 * assert.equal(err.status, 400);
 * ```
 */
export class UpgradeError extends Error {
  /** What went wrong. */
  readonly code: UpgradeErrorCode;
  /** Server: the HTTP status to refuse with. Client: the status received (0 if none). */
  readonly status: number;

  /** Makes an upgrade error. */
  constructor(code: UpgradeErrorCode, message: string, status = 400) {
    super(message);
    this.name = "UpgradeError";
    this.code = code;
    this.status = status;
  }
}

/**
 * The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key`:
 * base64(SHA-1(key + GUID)).
 *
 * @example Usage
 * ```ts
 * import { computeAccept } from "./http_upgrade.ts";
 * import assert from "node:assert/strict";
 * // RFC 6455 §1.3
 * assert.equal(computeAccept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
 * ```
 */
export function computeAccept(key: string): string {
  return encodeBase64(sha1(latin1Bytes(key + WEBSOCKET_GUID)));
}

/**
 * A fresh `Sec-WebSocket-Key`: base64 of 16 random bytes.
 *
 * @example Usage
 * ```ts
 * import { createKey } from "./http_upgrade.ts";
 * import assert from "node:assert/strict";
 * assert.match(createKey(), /^[A-Za-z0-9+/]{22}==$/);
 * ```
 */
export function createKey(random: (bytes: Uint8Array) => void = (b) => crypto.getRandomValues(b)): string {
  const nonce = new Uint8Array(16);
  random(nonce);
  return encodeBase64(nonce);
}

/** An HTTP/1.1 message head: the start line and the header lines in order. */
export interface HttpHead {
  /** The request line or status line, without CRLF. */
  startLine: string;
  /** Header names lower-cased, values trimmed, in the order received. */
  headers: [name: string, value: string][];
}

/** Limits of an {@linkcode HttpHeadReader}. */
export interface HeadReaderOptions {
  /** Most bytes a head may take, CRLFs included. Default {@linkcode MAX_HEAD_BYTES}. */
  maxBytes?: number;
  /** Most header lines. Default {@linkcode MAX_HEADERS}. */
  maxHeaders?: number;
  /**
   * What the head must start with (`"GET "` for a server reading requests,
   * `"HTTP/"` for a client reading responses), checked byte by byte as it
   * arrives, so that a peer speaking another protocol (a ZMTP greeting, TLS)
   * is refused at once instead of after the timeout.
   */
  expectPrefix?: string;
}

/** What {@linkcode HttpHeadReader.feed} returns once the head is complete. */
export interface HeadResult {
  /** The parsed head. */
  head: HttpHead;
  /** Bytes of the chunk after the head (WebSocket frames already sent by the peer); a view, not a copy. */
  rest: Uint8Array;
}

const CR = 13, LF = 10;

/**
 * Reads an HTTP/1.1 head from a byte stream split anywhere, up to the blank
 * line. It buffers at most `maxBytes` and fails as soon as the input cannot
 * be a valid head, so its memory is bounded whatever the peer sends.
 *
 * @example Usage
 * ```ts
 * import { HttpHeadReader } from "./http_upgrade.ts";
 * import assert from "node:assert/strict";
 * const reader = new HttpHeadReader({ expectPrefix: "GET " });
 * const bytes = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\nxy");
 * assert.equal(reader.feed(bytes.subarray(0, 10)), null);
 * const done = reader.feed(bytes.subarray(10))!;
 * assert.deepEqual(done.head.headers, [["host", "a"]]);
 * assert.equal(new TextDecoder().decode(done.rest), "xy");
 * ```
 */
export class HttpHeadReader {
  #buffer: Uint8Array;
  #length = 0;
  #maxHeaders: number;
  #prefix: Uint8Array;
  #done = false;

  /** Makes a reader with the given limits. */
  constructor(options: HeadReaderOptions = {}) {
    const maxBytes = options.maxBytes ?? MAX_HEAD_BYTES;
    if (!Number.isInteger(maxBytes) || maxBytes < 16) throw new RangeError(`maxBytes must be an integer >= 16`);
    this.#buffer = new Uint8Array(maxBytes);
    this.#maxHeaders = options.maxHeaders ?? MAX_HEADERS;
    this.#prefix = latin1Bytes(options.expectPrefix ?? "");
  }

  /** Bytes held so far. */
  get buffered(): number {
    return this.#length;
  }

  /**
   * Takes the next bytes. Returns `null` while the head is incomplete, the
   * head and the bytes after it once the blank line arrived. Throws an
   * {@linkcode UpgradeError} (`too-large`, `malformed`) as soon as the input
   * is known to be bad. Must not be called again after it returned a head.
   */
  feed(chunk: Uint8Array): HeadResult | null {
    if (this.#done) throw new Error("HttpHeadReader.feed() called after the head was complete");
    const buffer = this.#buffer;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      const at = this.#length;
      if (at < this.#prefix.length && byte !== this.#prefix[at]) {
        throw new UpgradeError("malformed", `Not an HTTP/1.1 ${this.#prefix[0] === 0x47 ? "request" : "response"}`);
      }
      // Control bytes other than CR, LF and HTAB never appear in a head (RFC 9110 §5.5).
      if ((byte < 0x20 && byte !== CR && byte !== LF && byte !== 9) || byte === 0x7f) {
        throw new UpgradeError("malformed", `Control byte 0x${byte.toString(16).padStart(2, "0")} in the HTTP head`);
      }
      if (at === buffer.length) {
        throw new UpgradeError("too-large", `The HTTP head is longer than ${buffer.length} bytes`, 431);
      }
      buffer[at] = byte;
      this.#length = at + 1;
      if (byte === LF && at >= 3 && buffer[at - 1] === CR && buffer[at - 2] === LF && buffer[at - 3] === CR) {
        this.#done = true;
        const head = parseHead(latin1String(buffer.subarray(0, at - 3)), this.#maxHeaders);
        return { head, rest: chunk.subarray(i + 1) };
      }
    }
    return null;
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Splits a head (without the final blank line) into start line and headers. */
function parseHead(text: string, maxHeaders: number): HttpHead {
  const lines = text.split("\r\n");
  for (const line of lines) {
    if (line.includes("\r") || line.includes("\n")) {
      throw new UpgradeError("malformed", "Bare CR or LF in the HTTP head");
    }
  }
  const [startLine, ...rest] = lines;
  if (rest.length > maxHeaders) {
    throw new UpgradeError("too-large", `More than ${maxHeaders} header lines`, 431);
  }
  const headers: [string, string][] = [];
  for (const line of rest) {
    const colon = line.indexOf(":");
    const name = colon < 0 ? "" : line.slice(0, colon);
    if (!TOKEN.test(name)) {
      // Also rejects obsolete line folding (a line starting with SP or HTAB) and space before the colon.
      throw new UpgradeError("malformed", `Malformed header line ${JSON.stringify(line.slice(0, 40))}`);
    }
    headers.push([name.toLowerCase(), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "")]);
  }
  return { startLine, headers };
}

/**
 * All values of a header (name in lower case), joined as one comma-separated
 * list (RFC 9110 §5.3); `undefined` if absent.
 *
 * @example Usage
 * ```ts
 * import { headerValue } from "./http_upgrade.ts";
 * import assert from "node:assert/strict";
 * const head = { startLine: "GET / HTTP/1.1", headers: [["a", "1"], ["b", "2"], ["a", "3"]] as [string, string][] };
 * assert.equal(headerValue(head, "a"), "1, 3");
 * assert.equal(headerValue(head, "c"), undefined);
 * ```
 */
export function headerValue(head: HttpHead, name: string): string | undefined {
  const values = head.headers.filter(([n]) => n === name).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(", ");
}

/** The comma-separated elements of a list header, trimmed, empty ones dropped. */
function listElements(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function hasToken(value: string | undefined, token: string): boolean {
  return listElements(value).some((element) => element.toLowerCase() === token);
}

/** A client's upgrade request, checked. */
export interface UpgradeRequest {
  /** The request target as sent (`/zmq`, `/`, `/path?query`). */
  target: string;
  /** The `Host` header, if any. */
  host: string | undefined;
  /** The `Origin` header, if any (browsers send it). */
  origin: string | undefined;
  /** `Sec-WebSocket-Key`, valid base64 of 16 bytes. */
  key: string;
  /** The offered subprotocols, in the client's order of preference. */
  protocols: string[];
  /** The whole head. */
  head: HttpHead;
}

/**
 * Checks a request head as a WebSocket upgrade (RFC 6455 §4.2.1): `GET`,
 * HTTP/1.1, `Upgrade: websocket`, `Connection` listing `upgrade` (a list such
 * as Firefox's `keep-alive, Upgrade` is fine, as in libzmq 4.3.5), a valid
 * `Sec-WebSocket-Key` and version 13. Throws an {@linkcode UpgradeError}
 * whose `status` is the HTTP answer to refuse with (400, or 426 for a wrong
 * version).
 *
 * @example Usage
 * ```ts
 * import { HttpHeadReader, parseUpgradeRequest } from "./http_upgrade.ts";
 * import assert from "node:assert/strict";
 * const text = "GET /zmq HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
 *   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ZWS2.0/NULL,ZWS2.0\r\n" +
 *   "Sec-WebSocket-Version: 13\r\n\r\n";
 * const { head } = new HttpHeadReader().feed(new TextEncoder().encode(text))!;
 * const request = parseUpgradeRequest(head);
 * assert.equal(request.target, "/zmq");
 * assert.deepEqual(request.protocols, ["ZWS2.0/NULL", "ZWS2.0"]);
 * ```
 */
export function parseUpgradeRequest(head: HttpHead): UpgradeRequest {
  const parts = head.startLine.split(" ");
  if (parts.length !== 3 || parts[1] === "" || !TOKEN.test(parts[0])) {
    throw new UpgradeError("malformed", `Malformed request line ${JSON.stringify(head.startLine.slice(0, 60))}`);
  }
  const [method, target, version] = parts;
  if (version !== "HTTP/1.1") {
    throw new UpgradeError("not-websocket", `A WebSocket upgrade needs HTTP/1.1, not ${version}`);
  }
  if (method !== "GET") throw new UpgradeError("not-websocket", `A WebSocket upgrade is a GET, not ${method}`);
  if (!hasToken(headerValue(head, "upgrade"), "websocket")) {
    throw new UpgradeError("not-websocket", "Not a WebSocket upgrade: Upgrade: websocket is missing");
  }
  if (!hasToken(headerValue(head, "connection"), "upgrade")) {
    throw new UpgradeError("not-websocket", "Not a WebSocket upgrade: Connection: Upgrade is missing");
  }
  const versionHeader = headerValue(head, "sec-websocket-version");
  if (versionHeader !== WEBSOCKET_VERSION) {
    throw new UpgradeError(
      "bad-version",
      `Sec-WebSocket-Version must be 13, got ${versionHeader === undefined ? "none" : JSON.stringify(versionHeader)}`,
      426,
    );
  }
  const key = headerValue(head, "sec-websocket-key");
  if (key === undefined || decodeBase64(key)?.length !== 16) {
    throw new UpgradeError("bad-key", "Sec-WebSocket-Key must be the base64 of 16 bytes");
  }
  return {
    target,
    host: headerValue(head, "host"),
    origin: headerValue(head, "origin"),
    key,
    protocols: listElements(headerValue(head, "sec-websocket-protocol")),
    head,
  };
}

function checkHeaderText(what: string, value: string, allowSpace: boolean): void {
  // deno-lint-ignore no-control-regex
  if ((allowSpace ? /[\x00-\x1f\x7f]/ : /[\x00-\x20\x7f]/).test(value) || /[^\x00-\xff]/.test(value)) {
    throw new TypeError(`${what} ${JSON.stringify(value)} cannot go in an HTTP head`);
  }
}

/**
 * The `101 Switching Protocols` answer to a checked request, with the
 * chosen subprotocol (libzmq's header order).
 *
 * @example Usage
 * ```ts
 * import { encodeUpgradeResponse } from "./http_upgrade.ts";
 * import assert from "node:assert/strict";
 * const text = new TextDecoder().decode(encodeUpgradeResponse("MDEyMzQ1Njc4OWFiY2RlZg==", "ZWS2.0/NULL"));
 * assert.equal(text, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
 *   "Sec-WebSocket-Accept: BACScCJPNqyz+UBoqMH89VmURoA=\r\nSec-WebSocket-Protocol: ZWS2.0/NULL\r\n\r\n");
 * ```
 */
export function encodeUpgradeResponse(key: string, protocol: string | null): Uint8Array {
  if (protocol !== null) checkHeaderText("Subprotocol", protocol, false);
  let text = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    `Sec-WebSocket-Accept: ${computeAccept(key)}\r\n`;
  if (protocol !== null) text += `Sec-WebSocket-Protocol: ${protocol}\r\n`;
  return latin1Bytes(text + "\r\n");
}

/**
 * The HTTP answer that refuses an upgrade: the error's status, a short
 * plain-text body saying why, `Connection: close`, and for a wrong version
 * the `Sec-WebSocket-Version: 13` RFC 6455 §4.4 asks for. Send it, then close
 * the connection.
 *
 * @example Usage
 * ```ts
 * import { encodeRefusal, UpgradeError } from "./http_upgrade.ts";
 * import assert from "node:assert/strict";
 * const text = new TextDecoder().decode(encodeRefusal(new UpgradeError("no-protocol", "No ZWS 2.0 subprotocol")));
 * assert.ok(text.startsWith("HTTP/1.1 400 Bad Request\r\n"));
 * assert.ok(text.endsWith("\r\n\r\nNo ZWS 2.0 subprotocol\n"));
 * ```
 */
export function encodeRefusal(error: UpgradeError): Uint8Array {
  const status = STATUS_TEXT[error.status] ? error.status : 400;
  const body = latin1Bytes(error.message.replace(/[^\x20-\x7e]/g, "?") + "\n");
  let text = `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n`;
  if (error.code === "bad-version") text += `Sec-WebSocket-Version: ${WEBSOCKET_VERSION}\r\n`;
  const head = latin1Bytes(text + "\r\n");
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** What a client puts in its upgrade request. */
export interface UpgradeRequestOptions {
  /** The `Host` header (libzmq sends the host without the port, IPv6 in brackets). */
  host: string;
  /** The request target, starting with `/`. */
  path: string;
  /** The `Sec-WebSocket-Key` ({@linkcode createKey}). */
  key: string;
  /** Subprotocols to offer, in order of preference (at least one for ZWS). */
  protocols: readonly string[];
  /** More header lines, after the standard ones (for example `Origin`). */
  headers?: readonly (readonly [string, string])[];
}

/**
 * A client's upgrade request, laid out as libzmq lays it out (`Host`,
 * `Upgrade`, `Connection`, key, protocols joined by `,`, version). Throws a
 * `TypeError` for text that cannot go in a head.
 *
 * @example Usage
 * ```ts
 * import { encodeUpgradeRequest } from "./http_upgrade.ts";
 * import assert from "node:assert/strict";
 * const bytes = encodeUpgradeRequest({
 *   host: "127.0.0.1", path: "/path", key: "aZg85FHcsPRKlOgqKR+Oow==", protocols: ["ZWS2.0/NULL", "ZWS2.0"],
 * });
 * assert.equal(new TextDecoder().decode(bytes), "GET /path HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
 *   "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: aZg85FHcsPRKlOgqKR+Oow==\r\n" +
 *   "Sec-WebSocket-Protocol: ZWS2.0/NULL,ZWS2.0\r\nSec-WebSocket-Version: 13\r\n\r\n");
 * ```
 */
export function encodeUpgradeRequest(options: UpgradeRequestOptions): Uint8Array {
  const { host, path, key, protocols } = options;
  checkHeaderText("Host", host, false);
  checkHeaderText("Path", path, false);
  if (!path.startsWith("/")) throw new TypeError(`Path ${JSON.stringify(path)} must start with /`);
  checkHeaderText("Key", key, false);
  for (const protocol of protocols) {
    checkHeaderText("Subprotocol", protocol, false);
    // RFC 6455 wants tokens, which excludes "/"; ZWS's own names (ZWS2.0/NULL) break that rule, so only
    // what would break the list (commas, spaces) is refused. Browsers do refuse "/" (see runtime/browser.ts).
    if (protocol === "" || protocol.includes(",")) {
      throw new TypeError(`Subprotocol ${JSON.stringify(protocol)} cannot go in a Sec-WebSocket-Protocol list`);
    }
  }
  let text = `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\n`;
  if (protocols.length > 0) text += `Sec-WebSocket-Protocol: ${protocols.join(",")}\r\n`;
  text += `Sec-WebSocket-Version: ${WEBSOCKET_VERSION}\r\n`;
  for (const [name, value] of options.headers ?? []) {
    if (!TOKEN.test(name)) throw new TypeError(`Header name ${JSON.stringify(name)} is not an HTTP token`);
    checkHeaderText(`Header ${name}`, value, true);
    text += `${name}: ${value}\r\n`;
  }
  return latin1Bytes(text + "\r\n");
}

/** A server's answer to an upgrade, checked. */
export interface UpgradeResponse {
  /** The subprotocol the server chose (one of those offered). */
  protocol: string;
  /** The whole head. */
  head: HttpHead;
}

/**
 * Checks a server's answer to our request (RFC 6455 §4.1): status 101,
 * `Upgrade: websocket`, `Connection: upgrade`, the right
 * `Sec-WebSocket-Accept`, no extension, and one of the offered subprotocols.
 * Throws an {@linkcode UpgradeError}; for a refusal (`refused`) its `status`
 * is the server's status code.
 *
 * @example Usage
 * ```ts
 * import { HttpHeadReader, parseUpgradeResponse } from "./http_upgrade.ts";
 * import assert from "node:assert/strict";
 * const text = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
 *   "Sec-WebSocket-Accept: BACScCJPNqyz+UBoqMH89VmURoA=\r\nSec-WebSocket-Protocol: ZWS2.0/NULL\r\n\r\n";
 * const { head } = new HttpHeadReader().feed(new TextEncoder().encode(text))!;
 * const response = parseUpgradeResponse(head, "MDEyMzQ1Njc4OWFiY2RlZg==", ["ZWS2.0/NULL", "ZWS2.0"]);
 * assert.equal(response.protocol, "ZWS2.0/NULL");
 * ```
 */
export function parseUpgradeResponse(head: HttpHead, key: string, offered: readonly string[]): UpgradeResponse {
  const match = /^HTTP\/1\.1 ([0-9]{3})(?: .*)?$/.exec(head.startLine);
  if (!match) {
    throw new UpgradeError("malformed", `Malformed status line ${JSON.stringify(head.startLine.slice(0, 60))}`, 0);
  }
  const status = Number(match[1]);
  if (status !== 101) {
    throw new UpgradeError(
      "refused",
      `The server refused the WebSocket upgrade: ${head.startLine.slice(9, 80)}`,
      status,
    );
  }
  if (!hasToken(headerValue(head, "upgrade"), "websocket") || !hasToken(headerValue(head, "connection"), "upgrade")) {
    throw new UpgradeError("not-websocket", "The 101 answer lacks Upgrade: websocket or Connection: Upgrade", status);
  }
  if (headerValue(head, "sec-websocket-accept") !== computeAccept(key)) {
    throw new UpgradeError("bad-accept", "Sec-WebSocket-Accept does not match the key sent", status);
  }
  if (headerValue(head, "sec-websocket-extensions") !== undefined) {
    throw new UpgradeError("bad-extension", "The server turned on a WebSocket extension that was not offered", status);
  }
  const protocol = headerValue(head, "sec-websocket-protocol");
  if (protocol === undefined || !offered.includes(protocol)) {
    throw new UpgradeError(
      "bad-protocol",
      protocol === undefined
        ? "The server chose no subprotocol"
        : `The server chose subprotocol ${JSON.stringify(protocol)}, which was not offered`,
      status,
    );
  }
  return { protocol, head };
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function latin1String(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, Math.min(i + 4096, bytes.length)));
  }
  return text;
}
