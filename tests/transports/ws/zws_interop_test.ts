/**
 * ZWS 2.0 against libzmq's ws transport (Debian's libzmq 4.3.4 through
 * pyzmq), both directions: our client code against a libzmq socket bound on
 * ws://, and a libzmq socket connecting to a server made of our server-side
 * code. Framing, handshake and subprotocol only: the ZWS engine (sockets
 * over ws://) is not part of this.
 */

import assert from "node:assert/strict";
import type { MessageConn } from "../../../src/runtime/runtime.ts";
import { browserRuntime } from "../../../src/runtime/browser.ts";
import { denoRuntime } from "../../../src/runtime/deno.ts";
import { CLOSE_MESSAGE_TOO_BIG, WebSocketError } from "../../../src/transports/ws/frame.ts";
import { UpgradeError } from "../../../src/transports/ws/http_upgrade.ts";
import { parseWsEndpoint } from "../../../src/transports/ws/ws_address.ts";
import { openWsClient } from "../../../src/transports/ws/ws_stream.ts";
import { dialZws, listenZws, type ZwsListener } from "../../../src/transports/ws/ws_transport.ts";
import { bytes, HAS_LIBZMQ, hex, LibzmqPeer, pseudoRandomBytes, sha256, text } from "../../_helpers.ts";
import { wsVector } from "./_ws.ts";
import { ZwsSpeaker } from "./_zws_speaker.ts";

const ignore = !HAS_LIBZMQ;
const dial = (endpoint: string, mechanism: "NULL" | "PLAIN" = "NULL", maxMessageSize?: number) =>
  dialZws(parseWsEndpoint(endpoint, "connect"), denoRuntime, { mechanism, maxMessageSize, handshakeTimeout: 5000 });

/** Our ZWS server (NULL): resolves accepted connections and records refusals. */
async function zwsServer(path = "/"): Promise<
  {
    listener: ZwsListener;
    next(): Promise<MessageConn>;
    errors: { error: Error; from: string }[];
    nextError(): Promise<Error>;
  } & AsyncDisposable
> {
  const listener = await listenZws(parseWsEndpoint(`ws://127.0.0.1:*${path}`, "bind"), denoRuntime, {
    mechanism: "NULL",
    handshakeTimeout: 5000,
  });
  const conns: MessageConn[] = [];
  const errors: { error: Error; from: string }[] = [];
  let wake: (() => void) | null = null;
  const opened: MessageConn[] = [];
  listener.start((conn) => {
    conns.push(conn);
    opened.push(conn);
    wake?.();
  }, (error, from) => {
    errors.push({ error, from });
    wake?.();
  });
  const waitFor = async <T>(take: () => T | undefined): Promise<T> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const got = take();
      if (got !== undefined) return got;
      if (Date.now() > deadline) throw new Error("nothing arrived within 10 s");
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  };
  return {
    listener,
    errors,
    next: () => waitFor(() => opened.shift()),
    nextError: () => waitFor(() => errors.shift()?.error),
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of conns) conn.close();
      await Promise.all([listener.closed, ...conns.map((c) => c.closed)]);
    },
  };
}

Deno.test({
  name: "zws interop - our client to a libzmq REP bound on ws://: READY both ways, a request and its reply",
  ignore,
  async fn() {
    await using rep = await LibzmqPeer.start("REP");
    const endpoint = await rep.bind("ws://127.0.0.1:*/zmq");
    assert.match(endpoint, /^ws:\/\/127\.0\.0\.1:\d+\/zmq$/);
    const conn = await dial(endpoint);
    assert.equal(conn.protocol, "ZWS2.0/NULL");
    const zws = new ZwsSpeaker(conn);
    assert.deepEqual(await zws.ready("REQ"), { "Socket-Type": "REP" });
    await zws.send([new Uint8Array(0), bytes("hello")]);
    assert.deepEqual(await rep.recvText(), ["hello"]);
    await rep.send(["world"]);
    assert.deepEqual((await zws.receive()).map(text), ["", "world"]);
    // 1 MiB frames both ways.
    const big = pseudoRandomBytes(1 << 20, 11);
    await zws.send([new Uint8Array(0), big, bytes("tail")]);
    const got = await rep.recv();
    assert.deepEqual(got, [{ len: 1 << 20, sha256: await sha256(big) }, hex(bytes("tail"))]);
    const sent = await rep.send([{ size: 1 << 20, seed: 5 }]);
    const reply = await zws.receive();
    assert.equal(reply.length, 2);
    assert.deepEqual({ len: reply[1].length, sha256: await sha256(reply[1]) }, sent[0]);
    conn.close();
    await zws.inbox.ended;
  },
});

Deno.test({
  name: "zws interop - a libzmq REQ connecting to our server: the path it sends, READY, request and reply",
  ignore,
  async fn() {
    await using server = await zwsServer("/zmq");
    assert.match(server.listener.endpoint, /^ws:\/\/127\.0\.0\.1:\d+\/zmq$/);
    await using req = await LibzmqPeer.start("REQ");
    await req.connect(`ws://127.0.0.1:${server.listener.port}/a/b/c`);
    await req.send(["hello"]);
    const conn = await server.next();
    assert.equal(conn.path, "/c"); // libzmq keeps only the last path segment
    assert.equal(conn.protocol, "ZWS2.0/NULL");
    const zws = new ZwsSpeaker(conn);
    assert.deepEqual(await zws.ready("REP"), { "Socket-Type": "REQ", Identity: "" });
    assert.deepEqual((await zws.receive()).map(text), ["", "hello"]);
    await zws.send([new Uint8Array(0), bytes("world")]);
    assert.deepEqual(await req.recvText(), ["world"]);
  },
});

Deno.test({
  name: "zws interop - a libzmq SUB sends its subscription as a 00 01 <topic> data message",
  ignore,
  async fn() {
    await using server = await zwsServer();
    await using sub = await LibzmqPeer.start("SUB");
    await sub.ok({ op: "setsockopt", name: "SUBSCRIBE", value: hex(bytes("weather")) });
    await sub.connect(server.listener.endpoint);
    const zws = new ZwsSpeaker(await server.next());
    assert.deepEqual(await zws.ready("PUB"), { "Socket-Type": "SUB" });
    assert.deepEqual(await zws.inbox.next(), wsVector("zws_subscribe_weather_payload"));
    await zws.send([bytes("weather"), bytes("sunny")]);
    assert.deepEqual(await sub.recvText(), ["weather", "sunny"]);
  },
});

Deno.test({
  name: "zws interop - our subscription reaches a libzmq PUB bound on ws://",
  ignore,
  async fn() {
    await using pub = await LibzmqPeer.start("PUB");
    const zws = new ZwsSpeaker(await dial(await pub.bind("ws://127.0.0.1:*")));
    assert.deepEqual(await zws.ready("SUB"), { "Socket-Type": "PUB" });
    await zws.conn.send([[new Uint8Array([0x00, 0x01]), bytes("news")]]);
    // libzmq's PUB applies the subscription when it is next called: keep publishing until one arrives.
    let got: Uint8Array[] | null = null;
    for (let i = 0; i < 100 && got === null; i++) {
      await pub.send(["sport", "no"]);
      await pub.send(["news", `item ${i}`]);
      got = await zws.receive(100).catch(() => null);
    }
    assert.ok(got !== null, "a message after subscribing");
    assert.equal(text(got[0]), "news");
    zws.conn.close();
    await zws.inbox.ended;
  },
});

Deno.test({
  name: "zws interop - libzmq's heartbeat pings are answered, so it keeps the connection past its timeout",
  ignore,
  async fn() {
    await using rep = await LibzmqPeer.start("REP", { HEARTBEAT_IVL: 100, HEARTBEAT_TIMEOUT: 400 });
    const zws = new ZwsSpeaker(await dial(await rep.bind("ws://127.0.0.1:*")));
    await zws.ready("REQ");
    // Pings every 100 ms with a 400 ms timeout: ten pings span several timeouts, each one answered by us.
    await zws.inbox.until(() => zws.inbox.pings.length >= 10, 10_000, "ten pings");
    assert.ok(zws.inbox.pings.every((p) => p.length === 0), "libzmq's pings are empty");
    await zws.send([new Uint8Array(0), bytes("still there?")]);
    assert.deepEqual(await rep.recvText(), ["still there?"]);
    await rep.send(["yes"]);
    assert.deepEqual((await zws.receive()).map(text), ["", "yes"]);
    // libzmq answers our ping, with an empty pong (it does not echo the payload).
    zws.conn.ping(bytes("ctx"));
    await zws.inbox.until(() => zws.inbox.pongs.length >= 1, 5000, "a pong");
    assert.equal(zws.inbox.pongs[0].length, 0);
    zws.conn.close();
    await zws.inbox.ended;
  },
});

Deno.test({
  name: "zws interop - bare ZWS2.0 (no mechanism): routing ids first, then messages",
  ignore,
  async fn() {
    await using rep = await LibzmqPeer.start("REP");
    const endpoint = parseWsEndpoint(await rep.bind("ws://127.0.0.1:*"), "connect");
    const tcp = await denoRuntime.connectTcp(endpoint.host, endpoint.port, {});
    const conn = await openWsClient(tcp, { host: endpoint.hostHeader, path: endpoint.path, protocols: ["ZWS2.0"] });
    assert.equal(conn.protocol, "ZWS2.0");
    const zws = new ZwsSpeaker(conn);
    assert.deepEqual(await zws.routingIds(bytes("me")), new Uint8Array(0)); // captured: libzmq sends 00
    await zws.send([new Uint8Array(0), bytes("bare")]);
    assert.deepEqual(await rep.recvText(), ["bare"]);
    await rep.send(["ok"]);
    assert.deepEqual((await zws.receive()).map(text), ["", "ok"]);
    conn.close();
    await zws.inbox.ended;
  },
});

Deno.test({
  name: "zws interop - the browser adapter (Deno's WebSocket) talks bare ZWS2.0 to libzmq",
  ignore,
  async fn() {
    await using rep = await LibzmqPeer.start("REP");
    const endpoint = parseWsEndpoint(await rep.bind("ws://127.0.0.1:*/page"), "connect");
    const conn = await dialZws(endpoint, browserRuntime, { mechanism: "NULL" });
    assert.equal(conn.protocol, "ZWS2.0");
    assert.equal(conn.canPing, false);
    assert.equal(conn.path, "/page");
    const zws = new ZwsSpeaker(conn);
    await zws.routingIds();
    await zws.send([new Uint8Array(0), bytes("from a page")]);
    assert.deepEqual(await rep.recvText(), ["from a page"]);
    const sent = await rep.send([{ size: 1 << 20, seed: 9 }]);
    const reply = await zws.receive();
    assert.deepEqual({ len: reply[1].length, sha256: await sha256(reply[1]) }, sent[0]);
    await assert.rejects(dialZws(endpoint, browserRuntime, { mechanism: "CURVE" }), { code: "ENOTSUP" });
    conn.close();
    await zws.inbox.ended;
  },
});

Deno.test({
  name: "zws interop - refusals: a PLAIN libzmq client to our NULL server, our PLAIN client to a NULL libzmq",
  ignore,
  async fn() {
    await using server = await zwsServer();
    await using plain = await LibzmqPeer.start("DEALER", {
      PLAIN_USERNAME: hex(bytes("admin")),
      PLAIN_PASSWORD: hex(bytes("secret")),
    });
    await plain.connect(server.listener.endpoint);
    const error = await server.nextError();
    assert.ok(error instanceof UpgradeError && error.code === "no-protocol", String(error));
    assert.match(error.message, /ZWS2\.0\/PLAIN/);

    await using rep = await LibzmqPeer.start("REP");
    // libzmq refuses by closing the connection without an answer.
    await assert.rejects(dial(await rep.bind("ws://127.0.0.1:*"), "PLAIN"), (err: unknown) => {
      return err instanceof UpgradeError && err.code === "refused" && err.status === 0;
    });
  },
});

Deno.test({
  name: "zws interop - maxMessageSize: a larger frame from libzmq ends the connection with 1009, before buffering it",
  ignore,
  async fn() {
    await using push = await LibzmqPeer.start("PUSH");
    const zws = new ZwsSpeaker(await dial(await push.bind("ws://127.0.0.1:*"), "NULL", 1000));
    await zws.ready("PULL");
    await push.send([pseudoRandomBytes(1000, 1)]); // exactly the limit: fine
    assert.equal((await zws.receive())[0].length, 1000);
    await push.send([{ size: 100_000, seed: 1 }]);
    const { error } = await zws.inbox.ended;
    assert.ok(error instanceof WebSocketError && error.closeCode === CLOSE_MESSAGE_TOO_BIG, String(error));
  },
});
