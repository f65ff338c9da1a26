import assert from "node:assert/strict";
import { Reply, Request } from "../../mod.ts";
import { text } from "../_helpers.ts";

Deno.test("tcp - Request enforces send/receive turns (EFSM); Reply too", async () => {
  await using rep = new Reply();
  await rep.bind("tcp://127.0.0.1:*");
  await using req = new Request({ linger: 0 });
  req.connect(rep.lastEndpoint!);
  await assert.rejects(req.receive(), { code: "EFSM" });
  await req.send("a");
  await assert.rejects(req.send("b"), { code: "EFSM" });
  const [got] = await rep.receive();
  await assert.rejects(rep.receive(), { code: "EFSM" });
  await rep.send(got);
  assert.equal(text((await req.receive())[0]), "a");
});
