import assert from "node:assert/strict";
import { Pipe } from "../../src/pipe.ts";
import { RouterTable } from "../../src/routing/router_table.ts";

const pipe = () => new Pipe({ sendHighWaterMark: 0, receiveHighWaterMark: 0, endpoint: "test" });

Deno.test("router table - ids are compared by bytes; delete only removes the id's own pipe", () => {
  const table = new RouterTable();
  const a = pipe();
  const b = pipe();
  table.set(Uint8Array.of(1, 2), a);
  assert.equal(table.get(Uint8Array.of(1, 2)), a);
  assert.equal(table.get(Uint8Array.of(1, 2, 0)), undefined);
  table.delete(Uint8Array.of(1, 2), b);
  assert.equal(table.size, 1, "b never had the id");
  table.delete(Uint8Array.of(1, 2), a);
  assert.equal(table.size, 0);
});

Deno.test("router table - generated ids are 0x00 plus a counter, never repeated", () => {
  const table = new RouterTable();
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const id = table.generate();
    assert.equal(id.length, 5);
    assert.equal(id[0], 0);
    seen.add(id.join(","));
  }
  assert.equal(seen.size, 1000);
});
