import assert from "node:assert/strict";
import { escapeFrame, formatMessage, FORMATS, parseRecord, unescapeArg } from "../../src/cli/formats.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const TAB = new Uint8Array([9]);
const NL = new Uint8Array([10]);

Deno.test("formats - every format reads back what it prints (binary frames, empty frames)", () => {
  const message = [enc.encode("topic"), new Uint8Array([0, 1, 255]), new Uint8Array(0), enc.encode("é")];
  for (const format of ["json", "hex"] as const) {
    const options = { format, separator: TAB, delimiter: NL };
    const printed = formatMessage(message, options);
    assert.deepEqual(parseRecord(printed.subarray(0, printed.length - 1), options), message, format);
  }
  const raw = { format: "raw" as const, separator: unescapeArg("\\0\\0"), delimiter: unescapeArg("\\n--\\n") };
  const printed = formatMessage(message, raw);
  assert.deepEqual(parseRecord(printed.subarray(0, printed.length - 4), raw), message);
  assert.deepEqual([...FORMATS], ["text", "json", "hex", "raw"]);
});

Deno.test("formats - text escapes control characters and invalid UTF-8 only", () => {
  assert.equal(escapeFrame(enc.encode("a\tb\nc\\d é")), "a\\tb\\nc\\d é");
  assert.equal(escapeFrame(new Uint8Array([0x41, 0xff, 0x00])), "A\\xff\\x00");
  const printed = formatMessage([enc.encode("x"), enc.encode("y")], {
    format: "text",
    separator: enc.encode(" | "),
    delimiter: NL,
  });
  assert.equal(dec.decode(printed), "x | y\n");
});

Deno.test("formats - JSON input: strings, arrays, hex/base64 objects, other values as their JSON text", () => {
  const options = { format: "json" as const, separator: TAB, delimiter: NL };
  const read = (line: string) => parseRecord(enc.encode(line), options)?.map((f) => dec.decode(f));
  assert.deepEqual(read('"one"'), ["one"]);
  assert.deepEqual(read('["a", {"hex": "6869"}, {"base64": "aGk="}, 5]'), ["a", "hi", "hi", "5"]);
  assert.deepEqual(read('{"temp": 21}'), ['{"temp":21}']);
  assert.equal(parseRecord(enc.encode("   "), options), null, "blank lines are skipped");
  assert.throws(() => parseRecord(enc.encode("{oops"), options), { exitCode: 2 });
  assert.throws(() => parseRecord(enc.encode("zz"), { ...options, format: "hex" }), { exitCode: 2 });
});

Deno.test("formats - an empty separator keeps a line as one frame", () => {
  const frames = parseRecord(enc.encode("a\tb"), { format: "text", separator: new Uint8Array(0), delimiter: NL });
  assert.deepEqual(frames, [enc.encode("a\tb")]);
});

Deno.test("unescapeArg() - escapes, and unknown ones are usage errors", () => {
  assert.deepEqual(unescapeArg("\\t\\n\\r\\0\\\\\\x7f"), new Uint8Array([9, 10, 13, 0, 92, 127]));
  assert.deepEqual(unescapeArg("é"), enc.encode("é"));
  assert.throws(() => unescapeArg("\\q"), { exitCode: 2 });
});
