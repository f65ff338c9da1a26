import assert from "node:assert/strict";
import {
  computeAccept,
  createKey,
  encodeRefusal,
  encodeUpgradeRequest,
  encodeUpgradeResponse,
  type HttpHead,
  HttpHeadReader,
  MAX_HEAD_BYTES,
  parseUpgradeRequest,
  parseUpgradeResponse,
  UpgradeError,
} from "../../../src/transports/ws/http_upgrade.ts";
import { selectZwsProtocol } from "../../../src/transports/ws/zws.ts";
import { prng } from "../../_vectors.ts";
import { text } from "../../_helpers.ts";
import { httpVectors, latin1, split, SPLITS } from "./_ws.ts";

const vectors = httpVectors();

/** Reads a whole head from pieces; fails if it never completes. */
function readHead(pieces: Uint8Array[], expectPrefix = "GET "): { head: HttpHead; rest: Uint8Array } {
  const reader = new HttpHeadReader({ expectPrefix });
  for (const [i, piece] of pieces.entries()) {
    const done = reader.feed(piece);
    if (done) {
      const rest = [done.rest, ...pieces.slice(i + 1)];
      const restBytes = new Uint8Array(rest.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of rest) {
        restBytes.set(p, at);
        at += p.length;
      }
      return { head: done.head, rest: restBytes };
    }
  }
  throw new Error("head incomplete");
}

function request(lines: string[]): HttpHead {
  return readHead([latin1(lines.join("\r\n") + "\r\n\r\n")], "").head;
}

const GOOD = [
  "GET /zmq HTTP/1.1",
  "Host: 127.0.0.1",
  "Upgrade: websocket",
  "Connection: Upgrade",
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
  "Sec-WebSocket-Protocol: ZWS2.0/NULL,ZWS2.0",
  "Sec-WebSocket-Version: 13",
];

function refused(lines: string[], code: string, status = 400): void {
  assert.throws(() => parseUpgradeRequest(request(lines)), (err: unknown) => {
    assert.ok(err instanceof UpgradeError, String(err));
    assert.equal(err.code, code, err.message);
    assert.equal(err.status, status);
    return true;
  });
}

Deno.test("upgrade - Sec-WebSocket-Accept of RFC 6455 §1.3 and of the libzmq capture", () => {
  assert.equal(computeAccept(vectors.rfc6455_accept.key!), vectors.rfc6455_accept.accept);
  assert.equal(computeAccept("MDEyMzQ1Njc4OWFiY2RlZg=="), "BACScCJPNqyz+UBoqMH89VmURoA=");
});

Deno.test("upgrade - the client request is byte for byte libzmq's", () => {
  const v = vectors.libzmq_client_request_null;
  const ours = encodeUpgradeRequest({
    host: "127.0.0.1",
    path: "/path",
    key: "aZg85FHcsPRKlOgqKR+Oow==",
    protocols: ["ZWS2.0/NULL", "ZWS2.0"],
  });
  assert.equal(text(ours), v.text);
  const ipv6 = encodeUpgradeRequest({
    host: "[::1]",
    path: "/b?q=1",
    key: "aZg85FHcsPRKlOgqKR+Oow==",
    protocols: ["ZWS2.0/NULL", "ZWS2.0"],
  });
  assert.equal(text(ipv6), vectors.libzmq_client_request_ipv6.text);
});

Deno.test("upgrade - the server answer is byte for byte libzmq's", () => {
  const v = vectors.libzmq_server_response_null;
  assert.equal(text(encodeUpgradeResponse(v.key!, "ZWS2.0/NULL")), v.text);
});

Deno.test("upgrade - libzmq's request parses, split anywhere, with the frames after it kept", () => {
  const v = vectors.libzmq_client_request_null;
  const trailing = new Uint8Array([0x82, 0x81, 1, 2, 3, 4, 0x02]);
  const bytes = new Uint8Array([...latin1(v.text!), ...trailing]);
  for (const how of SPLITS) {
    const { head, rest } = readHead(split(bytes, how));
    const req = parseUpgradeRequest(head);
    assert.equal(req.target, "/path");
    assert.equal(req.host, "127.0.0.1");
    assert.equal(req.key, "aZg85FHcsPRKlOgqKR+Oow==");
    assert.deepEqual(req.protocols, ["ZWS2.0/NULL", "ZWS2.0"]);
    assert.deepEqual(rest, trailing, `split ${how}`);
  }
});

Deno.test("upgrade - a Firefox-style request (Connection list, any header order, Origin) is accepted", () => {
  const req = parseUpgradeRequest(readHead([latin1(vectors.firefox_style_request.text!)]).head);
  assert.equal(req.origin, "http://example.com");
  assert.deepEqual(req.protocols, ["ZWS2.0"]);
  assert.equal(selectZwsProtocol(req.protocols, "NULL"), "ZWS2.0");
});

Deno.test("upgrade - header names are case-insensitive; repeated protocol headers join in order", () => {
  const req = parseUpgradeRequest(request([
    "GET / HTTP/1.1",
    "HOST: a",
    "upgrade: WebSocket",
    "CONNECTION: upgrade",
    "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Protocol: foo , ZWS2.0/PLAIN",
    "Sec-WebSocket-Protocol: ZWS2.0/NULL",
    "Sec-Websocket-Version:13",
  ]));
  assert.deepEqual(req.protocols, ["foo", "ZWS2.0/PLAIN", "ZWS2.0/NULL"]);
  assert.equal(selectZwsProtocol(req.protocols, "NULL"), "ZWS2.0/NULL");
  assert.equal(selectZwsProtocol(req.protocols, "PLAIN"), "ZWS2.0/PLAIN");
  assert.equal(selectZwsProtocol(req.protocols, "CURVE"), null);
});

Deno.test("upgrade - requests that are not WebSocket upgrades are refused with the right status", () => {
  const without = (name: string) => GOOD.filter((l) => !l.startsWith(name));
  const replace = (name: string, line: string) => GOOD.map((l) => (l.startsWith(name) ? line : l));
  refused(without("Upgrade:"), "not-websocket");
  refused(replace("Upgrade:", "Upgrade: h2c"), "not-websocket");
  refused(without("Connection:"), "not-websocket");
  refused(replace("Connection:", "Connection: keep-alive"), "not-websocket");
  refused(replace("GET", "POST /zmq HTTP/1.1"), "not-websocket");
  refused(replace("GET", "GET /zmq HTTP/1.0"), "not-websocket");
  refused(replace("GET", "GET  /zmq HTTP/1.1"), "malformed");
  refused(replace("GET", "GET /zmq"), "malformed");
  refused(without("Sec-WebSocket-Key"), "bad-key");
  refused(replace("Sec-WebSocket-Key", "Sec-WebSocket-Key: not-a-valid-key"), "bad-key");
  refused(replace("Sec-WebSocket-Key", "Sec-WebSocket-Key: AQIDBA=="), "bad-key"); // 4 bytes, not 16
  refused(without("Sec-WebSocket-Version"), "bad-version", 426);
  refused(replace("Sec-WebSocket-Version", "Sec-WebSocket-Version: 8"), "bad-version", 426);
  // No subprotocol at all parses (the choice is the caller's), and selectZwsProtocol refuses it.
  const none = parseUpgradeRequest(request(without("Sec-WebSocket-Protocol")));
  assert.deepEqual(none.protocols, []);
  assert.equal(selectZwsProtocol(none.protocols, "NULL"), null);
});

Deno.test("upgrade - malformed heads fail at the first bad byte, not after buffering", () => {
  const cases: [string, Uint8Array][] = [
    ["a ZMTP greeting", new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f])],
    ["a TLS ClientHello", new Uint8Array([0x16, 0x03, 0x01, 0x02, 0x00])],
    ["lower-case method", latin1("get / HTTP/1.1\r\n")],
    ["a NUL in a header", latin1("GET / HTTP/1.1\r\nHost: a\0b\r\n")],
  ];
  for (const [what, bytes] of cases) {
    const reader = new HttpHeadReader({ expectPrefix: "GET " });
    assert.throws(
      () => reader.feed(bytes),
      (err: unknown) => err instanceof UpgradeError && err.code === "malformed",
      what,
    );
    assert.ok(reader.buffered <= bytes.length);
  }
  for (
    const head of [
      "GET / HTTP/1.1\nHost: a\r\n\r\n", // bare LF
      "GET / HTTP/1.1\r\nHost : a\r\n\r\n", // space before the colon
      "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", // obsolete line folding
      "GET / HTTP/1.1\r\nno colon\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", // bare CR
    ]
  ) {
    assert.throws(
      () => parseUpgradeRequest(readHead([latin1(head)]).head),
      (err: unknown) => err instanceof UpgradeError && err.code === "malformed",
      JSON.stringify(head),
    );
  }
});

Deno.test("upgrade - an endless head is cut at the limit (431) and never buffers more", () => {
  const reader = new HttpHeadReader({ expectPrefix: "GET " });
  const filler = latin1("GET / HTTP/1.1\r\nX: " + "a".repeat(1000));
  let thrown: unknown;
  try {
    reader.feed(filler);
    for (let i = 0; i < 100; i++) reader.feed(latin1("a".repeat(1000)));
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown instanceof UpgradeError && thrown.code === "too-large" && thrown.status === 431);
  assert.ok(reader.buffered <= MAX_HEAD_BYTES);
  // Too many header lines, each short.
  const many = ["GET / HTTP/1.1", ...Array.from({ length: 100 }, (_, i) => `X-${i}: ${i}`)].join("\r\n") + "\r\n\r\n";
  assert.throws(
    () => readHead([latin1(many)]),
    (err: unknown) => err instanceof UpgradeError && err.code === "too-large",
  );
});

Deno.test("upgrade - refusals are complete HTTP answers with a reason", () => {
  const answer = text(encodeRefusal(new UpgradeError("bad-version", "Sec-WebSocket-Version must be 13", 426)));
  const [head, body] = answer.split("\r\n\r\n");
  const lines = head.split("\r\n");
  assert.equal(lines[0], "HTTP/1.1 426 Upgrade Required");
  assert.ok(lines.includes("Sec-WebSocket-Version: 13"));
  assert.ok(lines.includes("Connection: close"));
  assert.ok(lines.includes(`Content-Length: ${body.length}`));
  assert.equal(body, "Sec-WebSocket-Version must be 13\n");
  const tooLarge = text(encodeRefusal(new UpgradeError("too-large", "big", 431)));
  assert.ok(tooLarge.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
});

Deno.test("upgrade - the client checks the server's answer", () => {
  const key = "MDEyMzQ1Njc4OWFiY2RlZg==";
  const offered = ["ZWS2.0/NULL", "ZWS2.0"];
  const answer = (lines: string[]) => readHead([latin1(lines.join("\r\n") + "\r\n\r\n")], "HTTP/").head;
  const good = vectors.libzmq_server_response_null.text!.trimEnd().split("\r\n");
  assert.equal(parseUpgradeResponse(answer(good), key, offered).protocol, "ZWS2.0/NULL");
  const check = (lines: string[], code: string, status = 101) =>
    assert.throws(() => parseUpgradeResponse(answer(lines), key, offered), (err: unknown) => {
      assert.ok(err instanceof UpgradeError, String(err));
      assert.equal(err.code, code, err.message);
      assert.equal(err.status, status);
      return true;
    });
  check(["HTTP/1.1 400 Bad Request", "Connection: close"], "refused", 400);
  check(["HTTP/1.1 426 Upgrade Required", "Sec-WebSocket-Version: 13"], "refused", 426);
  check(good.map((l) => (l.startsWith("Sec-WebSocket-Accept") ? "Sec-WebSocket-Accept: AAAA" : l)), "bad-accept");
  check(good.filter((l) => !l.startsWith("Sec-WebSocket-Protocol")), "bad-protocol");
  check(
    good.map((l) => (l.startsWith("Sec-WebSocket-Protocol") ? "Sec-WebSocket-Protocol: ZWS2.0/PLAIN" : l)),
    "bad-protocol",
  );
  check([...good, "Sec-WebSocket-Extensions: permessage-deflate"], "bad-extension");
  check(good.filter((l) => !l.startsWith("Upgrade")), "not-websocket");
  check(["HTTP/1.1 101"].concat(good.slice(1, 3)), "bad-accept"); // status line without reason phrase is fine
  check(["HTTP/1.0 101 Switching Protocols", ...good.slice(1)], "malformed", 0);
});

Deno.test("upgrade - the client request refuses text that cannot go in a head", () => {
  const base = { host: "h", path: "/", key: createKey(), protocols: ["ZWS2.0"] };
  assert.throws(() => encodeUpgradeRequest({ ...base, host: "h\r\nX: y" }), TypeError);
  assert.throws(() => encodeUpgradeRequest({ ...base, path: "/a b" }), TypeError);
  assert.throws(() => encodeUpgradeRequest({ ...base, path: "a" }), TypeError);
  assert.throws(() => encodeUpgradeRequest({ ...base, protocols: ["a,b"] }), TypeError);
  assert.throws(() => encodeUpgradeRequest({ ...base, headers: [["Bad Name", "x"]] }), TypeError);
  const withOrigin = text(encodeUpgradeRequest({ ...base, headers: [["Origin", "http://a b"]] }));
  assert.ok(withOrigin.includes("\r\nOrigin: http://a b\r\n"));
});

Deno.test("upgrade - fuzz: random and mutated requests never crash the reader and stay bounded", () => {
  const random = prng(14);
  const good = latin1(vectors.libzmq_client_request_null.text!);
  let accepted = 0, refusedCount = 0;
  for (let round = 0; round < 3000; round++) {
    let bytes: Uint8Array;
    if (round % 3 === 0) {
      bytes = Uint8Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256));
    } else {
      bytes = good.slice();
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    }
    const reader = new HttpHeadReader({ expectPrefix: "GET ", maxBytes: 512 });
    try {
      for (const piece of split(bytes, round)) {
        const done = reader.feed(piece);
        if (done) {
          parseUpgradeRequest(done.head);
          accepted++;
          break;
        }
      }
    } catch (err) {
      assert.ok(err instanceof UpgradeError, `round ${round}: ${err}`);
      encodeRefusal(err); // every refusal can be answered
      refusedCount++;
    }
    assert.ok(reader.buffered <= 512);
  }
  assert.ok(accepted > 0 && refusedCount > 0, `${accepted} accepted, ${refusedCount} refused`);
});
