import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { text, waitFor, withTimeout } from "../_helpers.ts";
import { count, record, watchPipes } from "../_events.ts";

Deno.test("engine - a failure of our own in the traffic path is a closed connection with its error, and the connect side reconnects", async () => {
  await using push = new Push();
  await push.bind("tcp://127.0.0.1:*");
  await using pull = new Pull();
  const events = record(pull);
  const pipes = watchPipes(pull);
  pull.connect(push.lastEndpoint!);
  await waitFor(() => count(events, "handshake") === 1);
  // Inject a bug: the next delivery into the connecting side's pipe throws a plain TypeError.
  const bug = new TypeError("injected failure in the traffic path");
  const inbound = pipes[0].inbound;
  const write = inbound.write.bind(inbound);
  inbound.write = () => {
    inbound.write = write;
    throw bug;
  };
  await push.send("lost with the failure");
  await waitFor(() => count(events, "disconnect") === 1);
  const disconnect = events.find((e) => e.type === "disconnect");
  assert.ok(disconnect !== undefined && "error" in disconnect);
  assert.equal(disconnect.error, bug, "the disconnect event carries the original error");
  assert.equal(count(events, "handshake:error:protocol"), 0, "not reported as a protocol error");
  // The session did not give up on the endpoint: it reconnects, and traffic flows again.
  await withTimeout(waitFor(() => count(events, "handshake") === 2), 5000, "the reconnection");
  await push.send("after the reconnection");
  const [msg] = await withTimeout(pull.receive(), 5000, "a message after the reconnection");
  assert.equal(text(msg), "after the reconnection");
});
