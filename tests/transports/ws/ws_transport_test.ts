import assert from "node:assert/strict";
import { denoRuntime } from "../../../src/runtime/deno.ts";
import { type MessageConn, type Runtime, RuntimeError } from "../../../src/runtime/runtime.ts";
import { UpgradeError } from "../../../src/transports/ws/http_upgrade.ts";
import { parseWsEndpoint } from "../../../src/transports/ws/ws_address.ts";
import { dialZws, listenZws } from "../../../src/transports/ws/ws_transport.ts";
import { RawClient, upgradeRequest, wsClient } from "./_peers.ts";

async function listen(options: Parameters<typeof listenZws>[2]) {
  const listener = await listenZws(parseWsEndpoint("ws://127.0.0.1:*/zmq", "bind"), denoRuntime, options);
  const conns: MessageConn[] = [];
  const errors: Error[] = [];
  let wake = () => {};
  listener.start((conn) => {
    conns.push(conn);
    conn.start({ message: () => {}, end: () => {} });
    wake();
  }, (error) => {
    errors.push(error);
    wake();
  });
  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error("timed out");
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 20);
      });
    }
  };
  return {
    listener,
    conns,
    errors,
    until,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of conns) conn.close();
      await Promise.all([listener.closed, ...conns.map((c) => c.closed)]);
    },
  };
}

Deno.test("ws transport - lastEndpoint, and the mechanism decides what is accepted", async () => {
  await using plain = await listen({ mechanism: "PLAIN" });
  assert.equal(plain.listener.endpoint, `ws://127.0.0.1:${plain.listener.port}/zmq`);
  await assert.rejects(wsClient(plain.listener.port), (err: unknown) => err instanceof UpgradeError);
  await plain.until(() => plain.errors.length === 1);
  assert.ok(plain.errors[0] instanceof UpgradeError && plain.errors[0].code === "no-protocol");
  const conn = await dialZws(parseWsEndpoint(plain.listener.endpoint, "connect"), denoRuntime, { mechanism: "PLAIN" });
  assert.equal(conn.protocol, "ZWS2.0/PLAIN");
  await plain.until(() => plain.conns.length === 1);
  conn.start({ message: () => {}, end: () => {} });
  conn.close();
  await conn.closed;
});

Deno.test("ws transport - an accept() check can refuse a request (an Origin, say)", async () => {
  await using server = await listen({
    mechanism: "NULL",
    accept: (request) => request.origin === undefined || request.origin === "https://good.example",
  });
  const port = server.listener.port;
  const good = await wsClient(port, { headers: [["Origin", "https://good.example"]] });
  await assert.rejects(wsClient(port, { headers: [["Origin", "https://evil.example"]] }), (err: unknown) => {
    return err instanceof UpgradeError && err.code === "refused" && err.status === 400;
  });
  await server.until(() => server.conns.length === 1 && server.errors.length === 1);
  good.start({ message: () => {}, end: () => {} });
  good.close();
  await good.closed;
});

Deno.test("ws transport - a client that never finishes its request is dropped after handshakeTimeout", async () => {
  await using server = await listen({ mechanism: "NULL", handshakeTimeout: 100 });
  await using raw = await RawClient.connect(server.listener.port);
  await raw.write(upgradeRequest(["ZWS2.0"]).slice(0, 30));
  await server.until(() => server.errors.length === 1);
  assert.ok(
    server.errors[0] instanceof RuntimeError && server.errors[0].code === "ETIMEDOUT",
    String(server.errors[0]),
  );
  assert.equal((await raw.readToEnd()).length, 0);
});

Deno.test("ws transport - wss needs TLS in the runtime and a certificate to bind", async () => {
  const noTls: Runtime = Object.create(denoRuntime, { tls: { value: undefined } });
  await assert.rejects(
    dialZws(parseWsEndpoint("wss://127.0.0.1:1", "connect"), noTls, { mechanism: "NULL" }),
    (err: unknown) => err instanceof RuntimeError && err.code === "EPROTONOSUPPORT",
  );
  await assert.rejects(
    listenZws(parseWsEndpoint("wss://127.0.0.1:*", "bind"), noTls, { mechanism: "NULL" }),
    (err: unknown) => err instanceof RuntimeError && err.code === "EPROTONOSUPPORT",
  );
  // A closed port: the runtime's own error comes through.
  const probe = await denoRuntime.listenTcp("127.0.0.1", 0);
  const port = probe.port;
  probe.close();
  await probe.closed;
  await assert.rejects(
    dialZws(parseWsEndpoint(`ws://127.0.0.1:${port}`, "connect"), denoRuntime, { mechanism: "NULL" }),
    (err: unknown) => err instanceof RuntimeError && err.code === "ECONNREFUSED",
  );
});
