import assert from "node:assert/strict";
import { denoRuntime } from "../../../src/runtime/deno.ts";
import { RuntimeError } from "../../../src/runtime/runtime.ts";
import {
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_PROTOCOL_ERROR,
  CLOSE_UNSUPPORTED_DATA,
  encodeFrameHeader,
  OPCODE_BINARY,
  OPCODE_TEXT,
  WebSocketError,
  WsFrameDecoder,
  WsFrameEncoder,
} from "../../../src/transports/ws/frame.ts";
import { UpgradeError } from "../../../src/transports/ws/http_upgrade.ts";
import { openWsClient } from "../../../src/transports/ws/ws_stream.ts";
import { selectZwsProtocol } from "../../../src/transports/ws/zws.ts";
import { bytes, pseudoRandomBytes, text, waitFor, withTimeout } from "../../_helpers.ts";
import { concat } from "../../_vectors.ts";
import { Inbox, RawClient, upgradeRequest, wsClient, wsServer } from "./_peers.ts";
import { recorder } from "./_ws.ts";

const nullServer = { selectProtocol: (offered: readonly string[]) => selectZwsProtocol(offered, "NULL") };

Deno.test("ws stream - a client and a server agree on ZWS2.0/NULL and exchange messages both ways", async () => {
  await using server = await wsServer(nullServer);
  const client = new Inbox(await wsClient(server.port, { path: "/zmq" }));
  const accepted = new Inbox(await server.nextAccepted());
  assert.equal(client.conn.protocol, "ZWS2.0/NULL");
  assert.equal(accepted.conn.protocol, "ZWS2.0/NULL");
  assert.equal(accepted.conn.path, "/zmq");
  assert.equal(accepted.conn.remoteHost, "127.0.0.1");
  assert.ok(client.conn.canPing);
  client.start();
  accepted.start();
  const big = pseudoRandomBytes(1 << 20, 3);
  await client.conn.send([[new Uint8Array([1])], [new Uint8Array([0]), big]]);
  assert.deepEqual(await accepted.next(), new Uint8Array([1]));
  assert.deepEqual(await accepted.next(), concat([new Uint8Array([0]), big]));
  await accepted.conn.send([[new Uint8Array([0]), bytes("world")], [new Uint8Array([0]), big]]);
  assert.equal(text(await client.next()), "\0world");
  assert.deepEqual((await client.next()).subarray(1), big);
  client.conn.close();
  const [clientEnd, serverEnd] = await Promise.all([client.ended, accepted.ended]);
  assert.deepEqual(serverEnd, { error: undefined, close: { code: 1000, reason: "" } });
  assert.deepEqual(clientEnd, { error: undefined, close: { code: 1000, reason: "" } });
  await Promise.all([client.conn.closed, accepted.conn.closed]);
  await assert.rejects(client.conn.send([[new Uint8Array([0])]]), (err: unknown) => {
    return err instanceof RuntimeError && err.code === "EPIPE";
  });
});

Deno.test("ws stream - messages sent right after the 101 wait for start()", async () => {
  await using server = await wsServer(nullServer);
  const clientConn = await wsClient(server.port);
  const accepted = await server.nextAccepted();
  // The server sends before the client has a handler (libzmq sends READY right after its 101).
  await accepted.send([[new Uint8Array([2]), bytes("READY")], [new Uint8Array([0]), bytes("next")]]);
  const client = new Inbox(clientConn).start();
  assert.equal(text(await client.next()), "\x02READY");
  assert.equal(text(await client.next()), "\0next");
  const server2 = new Inbox(accepted).start();
  accepted.close();
  await Promise.all([client.ended, server2.ended]);
  await accepted.closed;
});

Deno.test("ws stream - pings are answered with the same payload; both sides see them", async () => {
  await using server = await wsServer(nullServer);
  const client = new Inbox(await wsClient(server.port)).start();
  const accepted = new Inbox(await server.nextAccepted()).start();
  accepted.conn.ping(bytes("are you there"));
  await accepted.until(() => accepted.pongs.length === 1, 5000, "pong");
  assert.equal(text(accepted.pongs[0]), "are you there");
  assert.equal(text(client.pings[0]), "are you there");
  client.conn.ping();
  await client.until(() => client.pongs.length === 1, 5000, "pong");
  assert.equal(client.pongs[0].length, 0);
  assert.throws(() => client.conn.ping(new Uint8Array(126)), RangeError);
  accepted.conn.close(4000, "done");
  assert.deepEqual((await client.ended).close, { code: 4000, reason: "done" });
  await accepted.ended;
});

Deno.test("ws stream - pause holds messages until resume, in order", async () => {
  await using server = await wsServer(nullServer);
  const client = new Inbox(await wsClient(server.port)).start();
  const accepted = new Inbox(await server.nextAccepted()).start();
  accepted.conn.pause();
  const sent = Array.from({ length: 200 }, (_, i) => [new Uint8Array([0]), bytes(`m${i}`)]);
  await client.conn.send(sent);
  accepted.conn.resume();
  for (let i = 0; i < 200; i++) assert.equal(text(await accepted.next()), `\0m${i}`);
  client.conn.close();
  await Promise.all([client.ended, accepted.ended]);
});

Deno.test("ws stream - a client offering no acceptable subprotocol gets an HTTP 400, both sides an UpgradeError", async () => {
  await using server = await wsServer(nullServer);
  // A generic WebSocket client (no subprotocol) and a wrong mechanism, by hand.
  for (const protocols of [[], ["ZWS2.0/PLAIN"], ["chat", "superchat"]]) {
    await using raw = await RawClient.connect(server.port);
    await raw.write(upgradeRequest(protocols));
    const answer = text(await raw.readToEnd());
    assert.ok(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
    await assert.rejects(
      server.nextAccepted(),
      (err: unknown) => err instanceof UpgradeError && err.code === "no-protocol",
    );
  }
  // Our own client offering PLAIN to a NULL server.
  await assert.rejects(wsClient(server.port, { protocols: ["ZWS2.0/PLAIN"] }), (err: unknown) => {
    return err instanceof UpgradeError && err.code === "refused" && err.status === 400;
  });
  await assert.rejects(server.nextAccepted(), UpgradeError);
});

Deno.test("ws stream - a non-HTTP peer (a ZMTP greeting) is refused at once", async () => {
  await using server = await wsServer(nullServer);
  await using raw = await RawClient.connect(server.port);
  await raw.write(new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1]));
  const answer = text(await raw.readToEnd());
  assert.ok(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
  await assert.rejects(
    server.nextAccepted(),
    (err: unknown) => err instanceof UpgradeError && err.code === "malformed",
  );
});

Deno.test("ws stream - a server that closes during the handshake (libzmq's refusal) is an UpgradeError 'refused'", async () => {
  const listener = await denoRuntime.listenTcp("127.0.0.1", 0);
  listener.start((conn) => {
    conn.start({ data: () => conn.close(), end: () => {} });
  }, () => {});
  await assert.rejects(wsClient(listener.port), (err: unknown) => {
    return err instanceof UpgradeError && err.code === "refused" && err.status === 0;
  });
  listener.close();
  await listener.closed;
});

Deno.test("ws stream - the handshake can be aborted (a timeout) and the connection is closed", async () => {
  const controller = new AbortController();
  await using server = await wsServer({ ...nullServer, signal: controller.signal });
  await using raw = await RawClient.connect(server.port);
  await raw.write("GET / HTTP/1.1\r\n"); // and then nothing more
  const opened = server.nextAccepted();
  controller.abort(new RuntimeError("ETIMEDOUT", "too slow"));
  await assert.rejects(opened, (err: unknown) => err instanceof RuntimeError && err.code === "ETIMEDOUT");
  assert.equal((await raw.readToEnd()).length, 0);
});

Deno.test("ws stream - protocol violations: close with the right code, end with a WebSocketError", async () => {
  await using server = await wsServer({ ...nullServer, maxMessageSize: 1000 });
  const cases: [string, Uint8Array, number][] = [
    ["an unmasked client frame", new Uint8Array([0x82, 0x01, 0x00]), CLOSE_PROTOCOL_ERROR],
    ["a text message", maskedFrame(OPCODE_TEXT, bytes("hi")), CLOSE_UNSUPPORTED_DATA],
    [
      "a message over maxMessageSize",
      concat([encodeFrameHeader(OPCODE_BINARY, 5000, { mask: new Uint8Array(4) })]),
      CLOSE_MESSAGE_TOO_BIG,
    ],
    ["a bad opcode", new Uint8Array([0x83, 0x80, 0, 0, 0, 0]), CLOSE_PROTOCOL_ERROR],
  ];
  for (const [what, frame, code] of cases) {
    await using raw = await RawClient.connect(server.port);
    await raw.write(upgradeRequest(["ZWS2.0/NULL"]));
    assert.match(await raw.readHead(), /^HTTP\/1\.1 101 /);
    const accepted = new Inbox(await server.nextAccepted()).start();
    await raw.write(frame);
    const { error, close } = await accepted.ended;
    assert.ok(error instanceof WebSocketError, what);
    assert.equal(error.closeCode, code, what);
    assert.equal(close.code, 1006, what); // the peer sent no close frame
    // The client got a close frame with that code, then EOF.
    const { sink, events } = recorder();
    new WsFrameDecoder({ masked: false }).feed(await raw.readToEnd(), sink);
    assert.equal(events.length, 1, what);
    assert.deepEqual(
      { type: events[0].type, code: (events[0] as { code: number }).code },
      { type: "close", code },
      what,
    );
  }
});

Deno.test("ws stream - an EOF without a close frame ends with code 1006 and no error", async () => {
  await using server = await wsServer(nullServer);
  const raw = await RawClient.connect(server.port);
  await raw.write(upgradeRequest(["ZWS2.0"]));
  await raw.readHead();
  const accepted = new Inbox(await server.nextAccepted()).start();
  assert.equal(accepted.conn.protocol, "ZWS2.0");
  raw.close();
  assert.deepEqual(await accepted.ended, { error: undefined, close: { code: 1006, reason: "" } });
});

Deno.test("ws stream - Deno's own WebSocket client accepts our server's handshake (Sec-WebSocket-Accept)", async () => {
  await using server = await wsServer(nullServer);
  // Deno's WebSocket (the browsers' API) can only offer the bare ZWS2.0.
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/deno`, ["ZWS2.0"]);
  ws.binaryType = "arraybuffer";
  const received: Uint8Array[] = [];
  const closed = new Promise<CloseEvent>((resolve) => (ws.onclose = resolve));
  ws.onmessage = (e) => received.push(new Uint8Array(e.data as ArrayBuffer));
  await withTimeout(
    new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    }),
    5000,
    "open",
  );
  assert.equal(ws.protocol, "ZWS2.0");
  const accepted = new Inbox(await server.nextAccepted()).start();
  assert.equal(accepted.conn.path, "/deno");
  ws.send(new Uint8Array([0, 0x68, 0x69]));
  assert.deepEqual(await accepted.next(), new Uint8Array([0, 0x68, 0x69]));
  await accepted.conn.send([[new Uint8Array([0]), pseudoRandomBytes(100_000, 1)]]);
  await waitFor(() => received.length === 1, 5000, "the message from our server");
  ws.close(1000, "bye");
  const event = await withTimeout(closed, 5000, "close");
  assert.equal(event.code, 1000);
  assert.deepEqual((await accepted.ended).close, { code: 1000, reason: "bye" });
  assert.equal(received.length, 1);
  assert.deepEqual(received[0].subarray(1), pseudoRandomBytes(100_000, 1));
});

Deno.test("ws stream - our client works against Deno's own WebSocket server", async () => {
  const ac = new AbortController();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req, { protocol: "ZWS2.0" });
    socket.binaryType = "arraybuffer";
    socket.onmessage = (e) => socket.send(e.data); // echo
    return response;
  });
  try {
    const client = new Inbox(await wsClient(server.addr.port, { protocols: ["ZWS2.0"] })).start();
    assert.equal(client.conn.protocol, "ZWS2.0");
    const big = pseudoRandomBytes(300_000, 8);
    await client.conn.send([[new Uint8Array([1])], [new Uint8Array([0]), big]]);
    assert.deepEqual(await client.next(), new Uint8Array([1]));
    assert.deepEqual((await client.next()).subarray(1), big);
    client.conn.close();
    assert.equal((await client.ended).close.code, 1000);
  } finally {
    ac.abort();
    await server.finished;
  }
});

Deno.test("ws stream - a 101 with a wrong accept key is refused by the client", async () => {
  const listener = await denoRuntime.listenTcp("127.0.0.1", 0);
  listener.start((conn) => {
    conn.start({
      data: () => {
        const answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: ZWS2.0/NULL\r\n\r\n";
        conn.write([Uint8Array.from(answer, (c) => c.charCodeAt(0))]).catch(() => {});
      },
      end: () => {},
    });
  }, () => {});
  const conn = await denoRuntime.connectTcp("127.0.0.1", listener.port, {});
  await assert.rejects(
    openWsClient(conn, { host: "h", path: "/", protocols: ["ZWS2.0/NULL"] }),
    (err: unknown) => err instanceof UpgradeError && err.code === "bad-accept",
  );
  await conn.closed;
  listener.close();
  await listener.closed;
});

function maskedFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const encoder = new WsFrameEncoder({ mask: true });
  encoder.frame(opcode, [payload]);
  return concat(encoder.take());
}
