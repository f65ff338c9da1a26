import assert from "node:assert/strict";
import { splitRecords } from "../../src/cli/records.ts";

const enc = new TextEncoder();

async function split(chunks: string[], delimiter: string, stripCr = false): Promise<string[]> {
  async function* input() {
    for (const c of chunks) yield enc.encode(c);
  }
  const out: string[] = [];
  for await (const r of splitRecords(input(), enc.encode(delimiter), stripCr)) out.push(new TextDecoder().decode(r));
  return out;
}

Deno.test("splitRecords() - a delimiter split across chunks, byte by byte, and a last unterminated record", async () => {
  const text = "one--two----three";
  assert.deepEqual(await split([text], "--"), ["one", "two", "", "three"]);
  assert.deepEqual(await split(text.split(""), "--"), ["one", "two", "", "three"]);
  assert.deepEqual(await split(["a\r", "\nb\r\n"], "\n", true), ["a", "b"]);
  assert.deepEqual(await split(["a\n"], "\n"), ["a"], "no empty record after the last delimiter");
  assert.deepEqual(await split([], "\n"), []);
});
