/**
 * How messages are read from standard input and printed to standard
 * output. Four formats, for both directions:
 *
 * - `text`: one message per line, frames separated by the separator (TAB by
 *   default). Printed frames are UTF-8 with control characters and invalid
 *   bytes escaped (`\t`, `\n`, `\xNN`), so the terminal stays readable.
 * - `json`: one JSON value per line. A message prints as an array of frames:
 *   a string for UTF-8 text, `{"hex": "..."}` for other bytes. Read back,
 *   a string is one frame, an array is a multipart message whose elements
 *   are strings, `{"hex"}` or `{"base64"}` objects (any other value is sent
 *   as its JSON text), and any other value is one frame of its JSON text.
 * - `hex`: frames as hexadecimal, separated by the separator.
 * - `raw`: the bytes as they are; frames joined by the separator, messages
 *   ended by the delimiter (newline by default).
 *
 * `json` and `hex` are lossless for any bytes; `raw` is when neither the
 * separator nor the delimiter occurs in the data.
 *
 * @module
 */

import { UsageError } from "./exit_codes.ts";

/** The formats. */
export const FORMATS = ["text", "json", "hex", "raw"] as const;

/** One of {@linkcode FORMATS}. */
export type Format = typeof FORMATS[number];

/** How records are cut into frames and printed. */
export interface FormatOptions {
  /** The format. */
  format: Format;
  /** Between frames (text, hex, raw); empty means a message is one frame. */
  separator: Uint8Array;
  /** After each printed message (raw; the other formats end lines with `\n`). */
  delimiter: Uint8Array;
}

const encoder = new TextEncoder();
const strict = new TextDecoder("utf-8", { fatal: true });
const NEWLINE = encoder.encode("\n");

/**
 * Reads an argument with C-style escapes (`\t`, `\n`, `\r`, `\0`, `\\`,
 * `\xNN`) into bytes, so a NUL or a TAB can be given on a command line.
 *
 * @example Usage
 * ```ts
 * import { unescapeArg } from "./formats.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(unescapeArg("\\t|\\x00"), new Uint8Array([9, 124, 0]));
 * ```
 */
export function unescapeArg(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== "\\" || i + 1 >= text.length) {
      out.push(...encoder.encode(c));
      continue;
    }
    const next = text[++i];
    const simple: Record<string, number> = { t: 9, n: 10, r: 13, "0": 0, "\\": 92 };
    if (next in simple) out.push(simple[next]);
    else if (next === "x" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else throw new UsageError(`Unknown escape \\${next} in "${text}" (use \\t \\n \\r \\0 \\\\ or \\xNN)`);
  }
  return new Uint8Array(out);
}

/** Hex of bytes. */
function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

function fromHex(text: string): Uint8Array {
  const clean = text.trim();
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw new UsageError(`Not hexadecimal: "${clean}"`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Text of a frame with control characters and invalid UTF-8 escaped. */
export function escapeFrame(bytes: Uint8Array): string {
  let valid: string | null = null;
  try {
    valid = strict.decode(bytes);
  } catch {
    // Invalid UTF-8: escape byte by byte below.
  }
  const escapeChar = (code: number): string => {
    if (code === 9) return "\\t";
    if (code === 10) return "\\n";
    if (code === 13) return "\\r";
    return `\\x${code.toString(16).padStart(2, "0")}`;
  };
  if (valid !== null) {
    // deno-lint-ignore no-control-regex
    return valid.replace(/[\x00-\x1f\x7f]/g, (c) => escapeChar(c.charCodeAt(0)));
  }
  let s = "";
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : escapeChar(b);
  return s;
}

function jsonFrame(bytes: Uint8Array): string | { hex: string } {
  try {
    return strict.decode(bytes);
  } catch {
    return { hex: toHex(bytes) };
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function joinFrames(frames: Uint8Array[], separator: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  frames.forEach((f, i) => {
    if (i > 0) parts.push(separator);
    parts.push(f);
  });
  return concat(parts);
}

/**
 * The bytes to print for one message, delimiter or newline included.
 *
 * @example Usage
 * ```ts
 * import { formatMessage } from "./formats.ts";
 * import assert from "node:assert/strict";
 * const sep = new Uint8Array([9]);
 * const nl = new Uint8Array([10]);
 * const msg = [new TextEncoder().encode("topic"), new Uint8Array([0, 255])];
 * const show = (format: "text" | "json" | "hex") =>
 *   new TextDecoder().decode(formatMessage(msg, { format, separator: sep, delimiter: nl }));
 * assert.equal(show("text"), "topic\t\\x00\\xff\n");
 * assert.equal(show("json"), '["topic",{"hex":"00ff"}]\n');
 * assert.equal(show("hex"), "746f706963\t00ff\n");
 * ```
 */
export function formatMessage(frames: Uint8Array[], options: FormatOptions): Uint8Array {
  switch (options.format) {
    case "raw":
      return concat([joinFrames(frames, options.separator), options.delimiter]);
    case "json":
      return encoder.encode(JSON.stringify(frames.map(jsonFrame)) + "\n");
    case "hex":
      return concat([joinFrames(frames.map((f) => encoder.encode(toHex(f))), options.separator), NEWLINE]);
    default: {
      const sep = new TextDecoder().decode(options.separator);
      return encoder.encode(frames.map(escapeFrame).join(sep) + "\n");
    }
  }
}

function splitBytes(record: Uint8Array, separator: Uint8Array): Uint8Array[] {
  if (separator.length === 0) return [record];
  const frames: Uint8Array[] = [];
  let start = 0;
  outer: for (let i = 0; i <= record.length - separator.length; i++) {
    for (let j = 0; j < separator.length; j++) if (record[i + j] !== separator[j]) continue outer;
    frames.push(record.subarray(start, i));
    i += separator.length - 1;
    start = i + 1;
  }
  frames.push(record.subarray(start));
  return frames;
}

function frameFromJson(value: unknown): Uint8Array {
  if (typeof value === "string") return encoder.encode(value);
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const v = value as Record<string, unknown>;
    if (keys.length === 1 && keys[0] === "hex" && typeof v.hex === "string") return fromHex(v.hex);
    if (keys.length === 1 && keys[0] === "base64" && typeof v.base64 === "string") {
      return Uint8Array.from(atob(v.base64), (c) => c.charCodeAt(0));
    }
  }
  return encoder.encode(JSON.stringify(value));
}

/**
 * The frames of one input record (a line, or a raw record). Returns `null`
 * for a record to skip (a blank line in `json`). Throws a
 * {@linkcode UsageError} for malformed JSON or hex.
 *
 * @example Usage
 * ```ts
 * import { parseRecord } from "./formats.ts";
 * import assert from "node:assert/strict";
 * const enc = new TextEncoder();
 * const opts = { separator: new Uint8Array([9]), delimiter: new Uint8Array([10]) };
 * assert.deepEqual(parseRecord(enc.encode("a\tb"), { ...opts, format: "text" }), [enc.encode("a"), enc.encode("b")]);
 * assert.deepEqual(parseRecord(enc.encode('["a",{"hex":"00"}]'), { ...opts, format: "json" }), [
 *   enc.encode("a"),
 *   new Uint8Array([0]),
 * ]);
 * ```
 */
export function parseRecord(record: Uint8Array, options: FormatOptions): Uint8Array[] | null {
  switch (options.format) {
    case "json": {
      const text = new TextDecoder().decode(record).trim();
      if (text === "") return null;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new UsageError(`Not JSON: ${text.length > 60 ? text.slice(0, 60) + "..." : text}`);
      }
      return Array.isArray(value) ? value.map(frameFromJson) : [frameFromJson(value)];
    }
    case "hex":
      return splitBytes(record, options.separator).map((f) => fromHex(new TextDecoder().decode(f)));
    default:
      return splitBytes(record, options.separator).map((f) => f.slice());
  }
}
