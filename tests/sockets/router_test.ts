import assert from "node:assert/strict";
import { Dealer, Router } from "../../mod.ts";
import { text, withTimeout } from "../_helpers.ts";

Deno.test("tcp - Router routes by id; mandatory and handover", async () => {
  await using router = new Router({ mandatory: true, handover: true });
  await router.bind("tcp://127.0.0.1:*");
  await using d1 = new Dealer({ routingId: "same", linger: 0 });
  d1.connect(router.lastEndpoint!);
  await d1.send("from d1");
  const [id1, body1] = await router.receive();
  assert.equal(text(id1), "same");
  assert.equal(text(body1), "from d1");
  await using d2 = new Dealer({ routingId: "same", linger: 0 });
  d2.connect(router.lastEndpoint!);
  await d2.send("from d2");
  const [id2] = await router.receive();
  assert.equal(text(id2), "same");
  await router.send(["same", "to the newest"]);
  assert.deepEqual((await withTimeout(d2.receive(), 5000, "receive")).map(text), ["to the newest"]);
  await assert.rejects(router.send(["ghost", "x"]), { code: "EHOSTUNREACH" });
});
