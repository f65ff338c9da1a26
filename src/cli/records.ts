/**
 * Cuts a byte stream (standard input) into records at a delimiter.
 *
 * @module
 */

/**
 * Yields the records of `chunks`, each without its delimiter. A last record
 * without a delimiter is yielded too unless it is empty. With `stripCr`, a
 * `\r` before the delimiter is dropped (text lines from Windows).
 *
 * @example Usage
 * ```ts
 * import { splitRecords } from "./records.ts";
 * import assert from "node:assert/strict";
 * async function* input() {
 *   yield new TextEncoder().encode("a\r\nb");
 *   yield new TextEncoder().encode("c\n\nd");
 * }
 * const out: string[] = [];
 * for await (const r of splitRecords(input(), new Uint8Array([10]), true)) out.push(new TextDecoder().decode(r));
 * assert.deepEqual(out, ["a", "bc", "", "d"]);
 * ```
 */
export async function* splitRecords(
  chunks: AsyncIterable<Uint8Array>,
  delimiter: Uint8Array,
  stripCr = false,
): AsyncGenerator<Uint8Array> {
  if (delimiter.length === 0) throw new TypeError("splitRecords needs a delimiter of at least one byte");
  let pending = new Uint8Array(0);
  const first = delimiter[0];
  for await (const chunk of chunks) {
    let buffer: Uint8Array;
    if (pending.length === 0) buffer = chunk;
    else {
      buffer = new Uint8Array(pending.length + chunk.length);
      buffer.set(pending);
      buffer.set(chunk, pending.length);
    }
    let start = 0;
    let from = Math.max(0, pending.length - delimiter.length + 1);
    for (;;) {
      const at = findDelimiter(buffer, delimiter, first, from);
      if (at < 0) break;
      let end = at;
      if (stripCr && end > start && buffer[end - 1] === 13) end--;
      yield buffer.slice(start, end);
      start = at + delimiter.length;
      from = start;
    }
    pending = buffer.slice(start);
  }
  if (pending.length > 0) {
    const end = stripCr && pending[pending.length - 1] === 13 ? pending.length - 1 : pending.length;
    yield pending.slice(0, end);
  }
}

function findDelimiter(buffer: Uint8Array, delimiter: Uint8Array, first: number, from: number): number {
  for (
    let i = buffer.indexOf(first, from);
    i >= 0 && i <= buffer.length - delimiter.length;
    i = buffer.indexOf(first, i + 1)
  ) {
    let match = true;
    for (let j = 1; j < delimiter.length; j++) {
      if (buffer[i + j] !== delimiter[j]) {
        match = false;
        break;
      }
    }
    if (match) return i;
  }
  return -1;
}
