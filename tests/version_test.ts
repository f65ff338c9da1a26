import assert from "node:assert/strict";
import { capability, version } from "../mod.ts";

Deno.test("version - equals deno.json's and the npm build's version", async () => {
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(version, denoJson.version);
});

Deno.test("capability - says what this build has", () => {
  assert.equal(capability.tcp && capability.ipc && capability.inproc, true);
  assert.equal(capability.curve && capability.plain, true);
  assert.equal(capability.ws, false);
});
