import assert from "node:assert/strict";
import { parseEndpoint } from "../../src/endpoint.ts";
import { sessionFactoryFor } from "../../src/session/session_factory.ts";
import { Pair, Pull, Push } from "../../mod.ts";
import { text, withTimeout } from "../_helpers.ts";

Deno.test("session factory - every transport of this build has one; the socket needs no branch per transport", async () => {
  for (const address of ["tcp://127.0.0.1:*", "ipc://*", "inproc://session-factory-test"]) {
    assert.ok(sessionFactoryFor(parseEndpoint(address, "bind")), address);
    await using pull = new Pull();
    await pull.bind(address);
    await using push = new Push();
    push.connect(pull.lastEndpoint!);
    await push.send(address);
    assert.equal(text((await withTimeout(pull.receive(), 5000, address))[0]), address);
  }
});

Deno.test("session factory - an endpoint of a transport this build lacks is EPROTONOSUPPORT, for bind and connect", async () => {
  const endpoint = { transport: "tipc", text: "tipc://x" } as unknown as ReturnType<typeof parseEndpoint>;
  assert.throws(() => sessionFactoryFor(endpoint), { code: "EPROTONOSUPPORT" });
  await using pair = new Pair();
  await assert.rejects(pair.bind("tipc://x"), { code: "EPROTONOSUPPORT" });
  assert.throws(() => pair.connect("tipc://x"), { code: "EPROTONOSUPPORT" });
});
