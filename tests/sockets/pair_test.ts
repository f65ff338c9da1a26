import assert from "node:assert/strict";
import { Pair } from "../../mod.ts";
import { text, withTimeout } from "../_helpers.ts";

Deno.test("tcp - a second Pair peer stays connected but unused", async () => {
  await using a = new Pair();
  await a.bind("tcp://127.0.0.1:*");
  await using b = new Pair({ linger: 0 });
  b.connect(a.lastEndpoint!);
  await b.send("first");
  assert.equal(text((await a.receive())[0]), "first");
  await using c = new Pair({ linger: 0, sendTimeout: 100 });
  c.connect(a.lastEndpoint!);
  await c.send("ignored").catch(() => {});
  await a.send("to b");
  assert.equal(text((await withTimeout(b.receive(), 5000, "b"))[0]), "to b");
  a.receiveTimeout = 100;
  await assert.rejects(a.receive(), { code: "EAGAIN" });
});
