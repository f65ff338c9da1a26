import assert from "node:assert/strict";
import { capability, packageVersion, version } from "../mod.ts";

Deno.test("version - the libzmq version emulated is 4.3.5; packageVersion equals deno.json's", async () => {
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(version, "4.3.5");
  assert.equal(packageVersion, denoJson.version);
});

Deno.test("capability - says what this build has", () => {
  assert.equal(capability.tcp && capability.ipc && capability.inproc, true);
  assert.equal(capability.curve && capability.plain, true);
  assert.equal(capability.ws, false);
  for (const value of Object.values(capability)) assert.equal(typeof value, "boolean");
});
