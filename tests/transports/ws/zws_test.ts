import assert from "node:assert/strict";
import { FLAG_COMMAND, FLAG_MORE } from "../../../src/codec/codec.ts";
import { decodeCommand, encodeReady } from "../../../src/codec/command.ts";
import { ProtocolError } from "../../../src/errors.ts";
import {
  OPCODE_BINARY,
  OPCODE_PING,
  OPCODE_PONG,
  WsFrameDecoder,
  WsFrameEncoder,
} from "../../../src/transports/ws/frame.ts";
import {
  decodeZwsFrame,
  encodeZwsCommand,
  encodeZwsFrame,
  encodeZwsSubscription,
  selectZwsProtocol,
  zwsBrowserOffer,
  zwsMode,
  zwsOffer,
} from "../../../src/transports/ws/zws.ts";
import { concat } from "../../_vectors.ts";
import { bytes, text } from "../../_helpers.ts";
import { recorder, split, SPLITS, wsVector } from "./_ws.ts";

/** The ZWS frames in a stream of WebSocket frames. */
function zwsFrames(stream: Uint8Array, masked: boolean, how: "whole" | "bytes" | number = "whole") {
  const { sink, events } = recorder();
  const decoder = new WsFrameDecoder({ masked });
  for (const piece of split(stream, how)) decoder.feed(piece, sink);
  return events.map((e) => {
    assert.equal(e.type, "message");
    return decodeZwsFrame((e as { payload: Uint8Array }).payload);
  });
}

Deno.test("zws - libzmq REP's READY (captured) is one COMMAND message with the ZMTP command body", () => {
  for (const how of SPLITS) {
    const [ready] = zwsFrames(wsVector("zws_ready_rep_server_unmasked"), false, how);
    assert.equal(ready.flags, FLAG_COMMAND);
    const command = decodeCommand(ready.body);
    assert.equal(command.name, "READY");
    assert.equal(text((command as { properties: Map<string, Uint8Array> }).properties.get("Socket-Type")!), "REP");
  }
  // And we write the same bytes for the same READY (server side: unmasked).
  const encoder = new WsFrameEncoder({ mask: false });
  encoder.frame(OPCODE_BINARY, encodeZwsCommand(encodeReady([["Socket-Type", "REP"]])));
  assert.deepEqual(concat(encoder.take()), wsVector("zws_ready_rep_server_unmasked"));
});

Deno.test("zws - libzmq REP's reply (captured): a delimiter with MORE, then the body", () => {
  const frames = zwsFrames(wsVector("zws_reply_world_unmasked"), false);
  assert.deepEqual(frames, [{ body: new Uint8Array(0), flags: FLAG_MORE }, { body: bytes("world"), flags: 0 }]);
  const encoder = new WsFrameEncoder({ mask: false });
  for (const f of frames) encoder.frame(OPCODE_BINARY, encodeZwsFrame(f.body, f.flags));
  assert.deepEqual(concat(encoder.take()), wsVector("zws_reply_world_unmasked"));
});

Deno.test("zws - a client's masked request matches the vector for a known key", () => {
  const encoder = new WsFrameEncoder({
    mask: true,
    random: (b) => b.forEach((_, i) => (b[i] = [1, 2, 3, 4][i & 3])),
  });
  encoder.frame(OPCODE_BINARY, encodeZwsFrame(new Uint8Array(0), FLAG_MORE));
  encoder.frame(OPCODE_BINARY, encodeZwsFrame(bytes("hello"), 0));
  const stream = concat(encoder.take());
  assert.deepEqual(stream, wsVector("zws_request_hello_masked_01020304"));
  assert.deepEqual(zwsFrames(stream, true), [
    { body: new Uint8Array(0), flags: FLAG_MORE },
    { body: bytes("hello"), flags: 0 },
  ]);
});

Deno.test("zws - subscriptions are data messages 00 01 <topic> (captured), cancels 00 00 <topic>", () => {
  assert.deepEqual(concat(encodeZwsSubscription(bytes("weather"), false)), wsVector("zws_subscribe_weather_payload"));
  assert.deepEqual(concat(encodeZwsSubscription(bytes("weather"), true)), new Uint8Array([0, 0, ...bytes("weather")]));
  assert.deepEqual(concat(encodeZwsSubscription(new Uint8Array(0), false)), new Uint8Array([0, 1]));
  const frame = decodeZwsFrame(wsVector("zws_subscribe_weather_payload"));
  assert.equal(frame.flags, 0);
  assert.deepEqual(frame.body, new Uint8Array([1, ...bytes("weather")]));
});

Deno.test("zws - heartbeats are WebSocket ping and pong frames with empty payloads (captured)", () => {
  const { sink, events } = recorder();
  new WsFrameDecoder({ masked: false }).feed(
    concat([wsVector("ws_ping_from_libzmq"), wsVector("ws_pong_from_libzmq")]),
    sink,
  );
  assert.deepEqual(events, [{ type: "ping", payload: new Uint8Array(0) }, {
    type: "pong",
    payload: new Uint8Array(0),
  }]);
  const encoder = new WsFrameEncoder({ mask: false });
  encoder.frame(OPCODE_PING, []);
  encoder.frame(OPCODE_PONG, []);
  assert.deepEqual(concat(encoder.take()), concat([wsVector("ws_ping_from_libzmq"), wsVector("ws_pong_from_libzmq")]));
});

Deno.test("zws - subprotocols offered and chosen as libzmq does", () => {
  assert.deepEqual(zwsOffer("NULL"), ["ZWS2.0/NULL", "ZWS2.0"]);
  assert.deepEqual(zwsOffer("PLAIN"), ["ZWS2.0/PLAIN"]);
  assert.deepEqual(zwsOffer("CURVE"), ["ZWS2.0/CURVE"]);
  // The server takes the first offered protocol that fits its own mechanism.
  const table: [string[], "NULL" | "PLAIN" | "CURVE", string | null][] = [
    [["ZWS2.0/NULL", "ZWS2.0"], "NULL", "ZWS2.0/NULL"],
    [["ZWS2.0", "ZWS2.0/NULL"], "NULL", "ZWS2.0"],
    [["ZWS2.0/PLAIN"], "NULL", null],
    [["ZWS2.0/NULL", "ZWS2.0"], "PLAIN", null],
    [["foo", "ZWS2.0/PLAIN"], "PLAIN", "ZWS2.0/PLAIN"],
    [["ZWS2.0/CURVE"], "CURVE", "ZWS2.0/CURVE"],
    [["zws2.0/null"], "NULL", null], // exact names, as libzmq's strcmp
    [["ZWS1.0"], "NULL", null],
    [["ZWS2.0/BEARER"], "NULL", null],
    [[], "NULL", null],
  ];
  for (const [offered, mechanism, chosen] of table) {
    assert.equal(selectZwsProtocol(offered, mechanism), chosen, `${offered} to ${mechanism}`);
  }
  assert.deepEqual(zwsMode("ZWS2.0/NULL"), { protocol: "ZWS2.0/NULL", mechanism: "NULL", handshake: true });
  assert.deepEqual(zwsMode("ZWS2.0"), { protocol: "ZWS2.0", mechanism: "NULL", handshake: false });
  assert.equal(zwsMode("ZWS2.0/CURVE")?.mechanism, "CURVE");
});

Deno.test("zws - a browser can offer only the bare ZWS2.0 (WebSocket subprotocols cannot contain /)", () => {
  assert.deepEqual(zwsBrowserOffer("NULL"), ["ZWS2.0"]);
  assert.deepEqual(zwsBrowserOffer("PLAIN"), []);
  assert.deepEqual(zwsBrowserOffer("CURVE"), []);
  // Deno's WebSocket (the WHATWG API browsers have) refuses the names with "/", as Chromium does.
  assert.throws(() => new WebSocket("ws://127.0.0.1:9/", ["ZWS2.0/NULL"]), { name: "SyntaxError" });
});

Deno.test("zws - malformed frames", () => {
  const isProtocolError = (err: unknown) => err instanceof ProtocolError && err.kind === "frame";
  assert.throws(() => decodeZwsFrame(new Uint8Array(0)), isProtocolError); // libzmq: the flags byte is mandatory
  assert.throws(() => decodeZwsFrame(new Uint8Array([0x04])), isProtocolError);
  assert.throws(() => decodeZwsFrame(new Uint8Array([0x80, 1])), isProtocolError);
  assert.throws(() => decodeZwsFrame(new Uint8Array([0x03])), isProtocolError); // a command with MORE
  // Not strict: reserved bits ignored, as libzmq does.
  assert.deepEqual(decodeZwsFrame(new Uint8Array([0x85, 7]), false), { body: new Uint8Array([7]), flags: FLAG_MORE });
  assert.deepEqual(decodeZwsFrame(new Uint8Array([0x00])), { body: new Uint8Array(0), flags: 0 });
});
