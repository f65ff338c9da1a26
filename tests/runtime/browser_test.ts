/**
 * The browser runtime adapter, run under Deno, whose `WebSocket` is the
 * WHATWG API browsers have. (Against libzmq: tests/transports/ws/zws_interop_test.ts.)
 */

import assert from "node:assert/strict";
import { browserRuntime, createBrowserRuntime } from "../../src/runtime/browser.ts";
import { denoRuntime } from "../../src/runtime/deno.ts";
import { type MessageConn, RuntimeError } from "../../src/runtime/runtime.ts";
import { CLOSE_MESSAGE_TOO_BIG, CLOSE_UNSUPPORTED_DATA, WebSocketError } from "../../src/transports/ws/frame.ts";
import { encodeUpgradeResponse, HttpHeadReader, parseUpgradeRequest } from "../../src/transports/ws/http_upgrade.ts";
import { parseWsEndpoint } from "../../src/transports/ws/ws_address.ts";
import { listenZws } from "../../src/transports/ws/ws_transport.ts";
import { bytes, text } from "../_helpers.ts";
import { Inbox } from "../transports/ws/_peers.ts";

const isCode = (code: string) => (err: unknown) => {
  assert.ok(err instanceof RuntimeError, String(err));
  assert.equal(err.code, code, err.message);
  return true;
};

/** A Deno.serve WebSocket server whose behaviour each test sets. */
function denoServer(onSocket: (socket: WebSocket) => void, protocol = "ZWS2.0") {
  const ac = new AbortController();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req, { protocol });
    socket.binaryType = "arraybuffer";
    onSocket(socket);
    return response;
  });
  return {
    url: `ws://127.0.0.1:${server.addr.port}/page?x=1`,
    async [Symbol.asyncDispose]() {
      ac.abort();
      await server.finished;
    },
  };
}

Deno.test("browser runtime - everything but WebSocket connects is ENOTSUP", async () => {
  await assert.rejects(browserRuntime.connectTcp("127.0.0.1", 1, {}), isCode("ENOTSUP"));
  await assert.rejects(browserRuntime.listenTcp("127.0.0.1", 0), isCode("ENOTSUP"));
  await assert.rejects(browserRuntime.connectIpc("/tmp/x"), isCode("ENOTSUP"));
  await assert.rejects(browserRuntime.listenIpc("/tmp/x"), isCode("ENOTSUP"));
  await assert.rejects(browserRuntime.removeFile("/tmp/x"), isCode("ENOTSUP"));
  await assert.rejects(browserRuntime.makeTempDir(), isCode("ENOTSUP"));
  assert.equal(browserRuntime.tls, undefined);
  await browserRuntime.yieldToEventLoop();
  // Without a WebSocket class at all (Node 20): a clear ENOTSUP, not a ReferenceError.
  const none = createBrowserRuntime({ WebSocket: undefined });
  const saved = globalThis.WebSocket;
  try {
    (globalThis as { WebSocket?: unknown }).WebSocket = undefined;
    await assert.rejects(none.webSocket!.connect("ws://127.0.0.1:1/", ["ZWS2.0"], {}), isCode("ENOTSUP"));
  } finally {
    globalThis.WebSocket = saved;
  }
});

Deno.test("browser runtime - a WebSocket to our ZWS server: messages, held while paused, close", async () => {
  const listener = await listenZws(parseWsEndpoint("ws://127.0.0.1:*", "bind"), denoRuntime, { mechanism: "NULL" });
  const accepted = Promise.withResolvers<MessageConn>();
  listener.start(accepted.resolve, accepted.reject);
  try {
    const page = new Inbox(
      await browserRuntime.webSocket!.connect(`ws://127.0.0.1:${listener.port}/zmq`, ["ZWS2.0"], {}),
    );
    assert.equal(page.conn.protocol, "ZWS2.0");
    assert.equal(page.conn.path, "/zmq");
    assert.equal(page.conn.remoteAddress, `127.0.0.1:${listener.port}`);
    assert.equal(page.conn.canPing, false);
    assert.throws(() => page.conn.ping(), isCode("ENOTSUP"));
    const server = new Inbox(await accepted.promise).start();
    // Sent before start(): held for the handler.
    await server.conn.send([[new Uint8Array([0]), bytes("early")]]);
    page.start();
    assert.equal(text(await page.next()), "\0early");
    page.conn.pause();
    await server.conn.send(Array.from({ length: 50 }, (_, i) => [new Uint8Array([0]), bytes(`m${i}`)]));
    await page.conn.send([[new Uint8Array([1])], [new Uint8Array([0]), bytes("hello")]]);
    assert.deepEqual(await server.next(), new Uint8Array([1]));
    assert.equal(text(await server.next()), "\0hello");
    page.conn.resume();
    for (let i = 0; i < 50; i++) assert.equal(text(await page.next()), `\0m${i}`);
    page.conn.close(4001, "leaving");
    assert.deepEqual((await server.ended).close, { code: 4001, reason: "leaving" });
    assert.deepEqual(await page.ended, { error: undefined, close: { code: 4001, reason: "" } });
    await page.conn.closed;
    await assert.rejects(page.conn.send([[new Uint8Array([0])]]), isCode("EPIPE"));
  } finally {
    listener.close();
    await listener.closed;
  }
});

Deno.test("browser runtime - text messages and oversized messages end the connection", async () => {
  {
    await using server = denoServer((socket) => (socket.onopen = () => socket.send("a text message")));
    const page = new Inbox(await browserRuntime.webSocket!.connect(server.url, ["ZWS2.0"], {})).start();
    const { error } = await page.ended;
    assert.ok(error instanceof WebSocketError && error.closeCode === CLOSE_UNSUPPORTED_DATA, String(error));
    await page.conn.closed;
  }
  {
    await using server = denoServer((socket) => (socket.onopen = () => socket.send(new Uint8Array(2000))));
    const page = new Inbox(await browserRuntime.webSocket!.connect(server.url, ["ZWS2.0"], { maxMessageSize: 1000 }))
      .start();
    const { error } = await page.ended;
    assert.ok(error instanceof WebSocketError && error.closeCode === CLOSE_MESSAGE_TOO_BIG, String(error));
    await page.conn.closed;
  }
});

Deno.test("browser runtime - connection failures: refused, no subprotocol chosen, timeout", async () => {
  const listener = await denoRuntime.listenTcp("127.0.0.1", 0);
  const port = listener.port;
  listener.close();
  await listener.closed;
  await assert.rejects(
    browserRuntime.webSocket!.connect(`ws://127.0.0.1:${port}/`, ["ZWS2.0"], {}),
    isCode("ECONNREFUSED"),
  );
  {
    // A server that picks no subprotocol (a generic WebSocket server): a 101 without Sec-WebSocket-Protocol.
    const generic = await denoRuntime.listenTcp("127.0.0.1", 0);
    const conns: { close(): void }[] = [];
    generic.start((conn) => {
      conns.push(conn);
      const reader = new HttpHeadReader();
      conn.start({
        data: (chunk) => {
          const done = reader.feed(chunk);
          if (done) conn.write([encodeUpgradeResponse(parseUpgradeRequest(done.head).key, null)]).catch(() => {});
        },
        end: () => {},
      });
    }, () => {});
    await assert.rejects(
      browserRuntime.webSocket!.connect(`ws://127.0.0.1:${generic.port}/`, ["ZWS2.0"], {}),
      isCode("EPROTO"),
    );
    generic.close();
    for (const conn of conns) conn.close();
    await generic.closed;
  }
  {
    // A server that refuses the upgrade (our ZWS server with another mechanism): indistinguishable from a refused connection.
    const zws = await listenZws(parseWsEndpoint("ws://127.0.0.1:*", "bind"), denoRuntime, { mechanism: "CURVE" });
    const refusals: Error[] = [];
    zws.start(() => {}, (error) => refusals.push(error));
    await assert.rejects(
      browserRuntime.webSocket!.connect(`ws://127.0.0.1:${zws.port}/`, ["ZWS2.0"], {}),
      isCode("ECONNREFUSED"),
    );
    zws.close();
    await zws.closed;
    assert.equal(refusals.length, 1);
  }
  {
    // A TCP server that never answers.
    const silent = await denoRuntime.listenTcp("127.0.0.1", 0);
    const conns: { close(): void }[] = [];
    silent.start((conn) => {
      conns.push(conn);
      conn.start({ data: () => {}, end: () => {} });
    }, () => {});
    await assert.rejects(
      browserRuntime.webSocket!.connect(`ws://127.0.0.1:${silent.port}/`, ["ZWS2.0"], { timeout: 200 }),
      isCode("ETIMEDOUT"),
    );
    silent.close();
    for (const conn of conns) conn.close();
    await silent.closed;
  }
  await assert.rejects(browserRuntime.webSocket!.connect("not a url", ["ZWS2.0"], {}), isCode("EINVAL"));
});
