/**
 * The JSR and npm export maps list the same entry points (deno.json's
 * `exports` against npm/build.ts's ENTRIES), and each npm entry exports
 * exactly the names of its Deno twin.
 */
import assert from "node:assert/strict";
import { checkExports, ENTRIES } from "../npm/build.ts";

Deno.test("npm entries - match deno.json's exports, name for name", async () => {
  const names = await checkExports();
  assert.ok(names.includes("Push"));
  const deno = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.deepEqual(Object.keys(deno.exports).sort(), ENTRIES.map((e) => e.name).sort());
  assert.deepEqual(ENTRIES.filter((e) => e.bin).map((e) => [e.name, e.bin]), [["./cli", "zmq-ts"]]);
});
