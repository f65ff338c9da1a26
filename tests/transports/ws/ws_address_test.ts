import assert from "node:assert/strict";
import { ZmqError } from "../../../src/errors.ts";
import { formatWsEndpoint, parseWsEndpoint } from "../../../src/transports/ws/ws_address.ts";

Deno.test("ws endpoints - connect: the path libzmq sends and the Host header (checked against libzmq 4.3.4)", () => {
  // [endpoint, host, port, path (GET target), Host header]
  const table: [string, string, number, string, string][] = [
    ["ws://127.0.0.1:5555", "127.0.0.1", 5555, "/", "127.0.0.1"],
    ["ws://127.0.0.1:5555/", "127.0.0.1", 5555, "/", "127.0.0.1"],
    ["ws://127.0.0.1:5555/some/path", "127.0.0.1", 5555, "/path", "127.0.0.1"],
    ["ws://127.0.0.1:5555/a/b/c", "127.0.0.1", 5555, "/c", "127.0.0.1"],
    ["ws://localhost:5555/x", "localhost", 5555, "/x", "localhost"],
    ["ws://[::1]:5555/a/b?q=1", "::1", 5555, "/b?q=1", "[::1]"],
    ["wss://example.com:443/zmq", "example.com", 443, "/zmq", "example.com"],
  ];
  for (const [text, host, port, path, hostHeader] of table) {
    const ep = parseWsEndpoint(text, "connect");
    assert.deepEqual(
      { host: ep.host, port: ep.port, path: ep.path, hostHeader: ep.hostHeader },
      { host, port, path, hostHeader },
      text,
    );
    assert.equal(ep.transport, text.startsWith("wss") ? "wss" : "ws");
  }
});

Deno.test("ws endpoints - bind: wildcards, and lastEndpoint as libzmq prints it", () => {
  const any = parseWsEndpoint("ws://*:*/x", "bind");
  assert.deepEqual([any.host, any.port, any.path], ["0.0.0.0", 0, "/x"]);
  assert.equal(parseWsEndpoint("ws://*:0", "bind", true).host, "::");
  assert.equal(parseWsEndpoint("ws://[::1]:*/x", "bind", true).host, "::1");
  // libzmq: ws://127.0.0.1:* -> ws://127.0.0.1:41919/ ; ws://*:*/x -> ws://0.0.0.0:37495/x ; [::1] in brackets.
  assert.equal(
    formatWsEndpoint("ws", "127.0.0.1", 41919, parseWsEndpoint("ws://127.0.0.1:*", "bind").path),
    "ws://127.0.0.1:41919/",
  );
  assert.equal(formatWsEndpoint("ws", any.host, 37495, any.path), "ws://0.0.0.0:37495/x");
  assert.equal(formatWsEndpoint("ws", "::1", 35559, "/x"), "ws://[::1]:35559/x");
  // libzmq refuses a multi-segment path after a * port (an accident of its parser); zmq-ts keeps the last segment.
  assert.equal(parseWsEndpoint("ws://127.0.0.1:*/a/b", "bind").path, "/b");
});

Deno.test("ws endpoints - malformed and refused endpoints", () => {
  const code = (text: string, role: "bind" | "connect", expected: string, ipv6 = false) =>
    assert.throws(() => parseWsEndpoint(text, role, ipv6), (err: unknown) => {
      assert.ok(err instanceof ZmqError, String(err));
      assert.equal(err.code, expected, `${text}: ${err.message}`);
      return true;
    });
  code("ws://127.0.0.1:*/x", "connect", "EINVAL"); // as libzmq
  code("ws://127.0.0.1/x", "connect", "EINVAL"); // no port, as libzmq
  code("ws://127.0.0.1", "connect", "EINVAL");
  code("ws://127.0.0.1:0", "connect", "EINVAL");
  code("ws://127.0.0.1:5555x", "connect", "EINVAL"); // libzmq's atoi reads 5555
  code("ws://127.0.0.1:65536", "connect", "EINVAL");
  code("ws://*:5555", "connect", "EINVAL");
  code("ws://:5555", "connect", "EINVAL");
  code("ws://::1:5555", "connect", "EINVAL");
  code("ws://[::1:5555", "connect", "EINVAL");
  code("ws://h:5555/a b", "connect", "EINVAL");
  code("ws://[::1]:*", "bind", "ENODEV"); // IPv6 bind needs the ipv6 option, as tcp
  code("tcp://127.0.0.1:5555", "connect", "EPROTONOSUPPORT");
  assert.throws(() => parseWsEndpoint(5 as unknown as string, "connect"), TypeError);
});
