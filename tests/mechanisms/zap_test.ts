import assert from "node:assert/strict";
import { encodeMetadata } from "../../src/codec/command.ts";
import { ProtocolError } from "../../src/errors.ts";
import type { ZapRequest } from "../../src/mechanisms/mechanism.ts";
import {
  askZap,
  encodeZapReply,
  encodeZapRequest,
  errorReasonStatus,
  parseZapReply,
  parseZapRequest,
  ZAP_ENDPOINT,
  ZapPolicy,
} from "../../src/mechanisms/zap.ts";
import { decodeZ85 } from "../../src/z85.ts";
import { fromHex, options, text, utf8, zapStub } from "./_helpers.ts";

const CLIENT_KEY = fromHex("bb88471d65e2659b30c55a5321cebb5aab2b70a398645c26dca2b2fcb43fc518");
const CLIENT_KEY_Z85 = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
const request = (extra: Partial<ZapRequest> = {}): ZapRequest => ({
  domain: "",
  address: "127.0.0.1",
  routingId: new Uint8Array(0),
  mechanism: "NULL",
  credentials: [],
  ...extra,
});
const reply = (...frames: (string | Uint8Array)[]) => frames.map((f) => typeof f === "string" ? utf8(f) : f);
const zapError = (name: string) => (e: unknown) =>
  e instanceof ProtocolError && e.kind === "mechanism" && e.message.includes(name);

Deno.test("ZAP - requests are the frames libzmq sends (captured forms, without the delimiter)", () => {
  assert.equal(ZAP_ENDPOINT, "inproc://zeromq.zap.01");
  const plain = encodeZapRequest(request({
    domain: "test",
    routingId: utf8("SRV"),
    mechanism: "PLAIN",
    credentials: [utf8("admin"), utf8("secret")],
  }));
  assert.deepEqual(plain.map(text), ["1.0", "1", "test", "127.0.0.1", "SRV", "PLAIN", "admin", "secret"]);
  const curve = encodeZapRequest(request({ mechanism: "CURVE", credentials: [CLIENT_KEY] }));
  assert.deepEqual(curve.slice(0, 6).map(text), ["1.0", "1", "", "127.0.0.1", "", "CURVE"]);
  assert.deepEqual(curve[6], CLIENT_KEY);
  assert.equal(curve.length, 7);
  const nul = encodeZapRequest(request({ domain: "global" }));
  assert.deepEqual(nul.map(text), ["1.0", "1", "global", "127.0.0.1", "", "NULL"]);
  assert.equal(text(encodeZapRequest(request(), "42")[1]), "42");
});

Deno.test("ZAP - a handler parses requests and rejects malformed ones", () => {
  const frames = encodeZapRequest(request({ mechanism: "CURVE", credentials: [CLIENT_KEY], routingId: utf8("R") }));
  const parsed = parseZapRequest(frames);
  assert.equal(parsed.requestId, "1");
  assert.deepEqual(parsed.request, request({ mechanism: "CURVE", credentials: [CLIENT_KEY], routingId: utf8("R") }));
  const bad: [Uint8Array[], RegExp][] = [
    [frames.slice(0, 5), /at least 6/],
    [[utf8("2.0"), ...frames.slice(1)], /version/],
    [[...frames.slice(0, 5), utf8("GSSAPI"), utf8("p")], /unknown mechanism/],
    [[...frames.slice(0, 6), new Uint8Array(31)], /32-byte key/],
    [frames.slice(0, 6), /CURVE takes 1 credential/],
    [encodeZapRequest(request({ mechanism: "PLAIN", credentials: [utf8("u")] })), /PLAIN takes 2/],
    [[...encodeZapRequest(request()), utf8("extra")], /NULL takes 0/],
  ];
  for (const [input, pattern] of bad) assert.throws(() => parseZapRequest(input), pattern);
});

Deno.test("ZAP - replies parse with libzmq's checks, with or without the delimiter", () => {
  const metadata = encodeMetadata([["X-Role", "admin"]]);
  const frames = reply("1.0", "1", "200", "OK", "alice", metadata);
  const parsed = parseZapReply(frames);
  assert.equal(parsed.status, 200);
  assert.equal(parsed.statusText, "OK");
  assert.equal(parsed.userId, "alice");
  assert.equal(text(parsed.metadata.get("X-Role")), "admin");
  assert.deepEqual(parseZapReply([new Uint8Array(0), ...frames]), parsed);
  for (const status of ["300", "400", "500"]) {
    assert.equal(parseZapReply(reply("1.0", "1", status, "", "", "")).status, Number(status));
  }
  assert.equal(parseZapReply(reply("1.0", "7", "200", "", "", ""), "7").status, 200);
});

Deno.test("ZAP - malformed replies fail with libzmq's error names", () => {
  const ok = ["1.0", "1", "200", "OK", "", ""];
  const cases: [Uint8Array[], string][] = [
    [reply(...ok.slice(0, 5)), "ZAP_MALFORMED_REPLY"],
    [reply(...ok, ""), "ZAP_MALFORMED_REPLY"], // 7 frames but the first is not empty
    [reply("", ...ok, ""), "ZAP_MALFORMED_REPLY"], // 8 frames
    [[], "ZAP_MALFORMED_REPLY"],
    [reply("1.1", ...ok.slice(1)), "ZAP_BAD_VERSION"],
    [reply("1", ...ok.slice(1)), "ZAP_BAD_VERSION"],
    [reply("1.0", "2", ...ok.slice(2)), "ZAP_BAD_REQUEST_ID"],
    [reply("1.0", "", ...ok.slice(2)), "ZAP_BAD_REQUEST_ID"],
    [reply("1.0", "1", "\x00\x00\x00", "", "", ""), "ZAP_INVALID_STATUS_CODE"],
    [reply("1.0", "1", "2000", "", "", ""), "ZAP_INVALID_STATUS_CODE"],
    [reply("1.0", "1", "20", "", "", ""), "ZAP_INVALID_STATUS_CODE"],
    [reply("1.0", "1", "201", "", "", ""), "ZAP_INVALID_STATUS_CODE"],
    [reply("1.0", "1", "100", "", "", ""), "ZAP_INVALID_STATUS_CODE"],
    [reply("1.0", "1", "600", "", "", ""), "ZAP_INVALID_STATUS_CODE"],
    [reply("1.0", "1", "200", "", "", encodeMetadata([["X-Role", "admin"]]).subarray(0, 9)), "ZAP_INVALID_METADATA"],
    [reply("1.0", "1", "200", "", "", Uint8Array.of(0)), "ZAP_INVALID_METADATA"],
  ];
  for (const [frames, name] of cases) {
    assert.throws(() => parseZapReply(frames), zapError(name), `${frames.map(text).join("|")} → ${name}`);
  }
});

Deno.test("ZAP - a handler encodes replies that parse back; invalid statuses are refused", () => {
  const metadata = new Map([["X-Role", utf8("ops")]]);
  const frames = encodeZapReply({ status: 400, statusText: "No access", userId: "bob", metadata }, "9");
  assert.deepEqual(frames.slice(0, 5).map(text), ["1.0", "9", "400", "No access", "bob"]);
  const parsed = parseZapReply(frames, "9");
  assert.equal(parsed.status, 400);
  assert.equal(text(parsed.metadata.get("X-Role")), "ops");
  assert.throws(() => encodeZapReply({ status: 250, statusText: "", userId: "", metadata: new Map() }), RangeError);
});

Deno.test("ZAP - askZap builds the request from the mechanism options and checks the status", async () => {
  assert.equal(await askZap(options([]), "PLAIN", []), null, "no handler");
  assert.equal(await askZap(options([], { zap: zapStub(null) }), "PLAIN", []), null, "handler says none bound");
  const zap = zapStub({ status: 400 });
  const o = options([], { zap, zapDomain: "d", peerAddress: "1.2.3.4", routingId: utf8("me") });
  assert.equal((await askZap(o, "CURVE", [CLIENT_KEY]))?.status, 400);
  assert.deepEqual(zap.requests, [{
    domain: "d",
    address: "1.2.3.4",
    routingId: utf8("me"),
    mechanism: "CURVE",
    credentials: [CLIENT_KEY],
  }]);
  await assert.rejects(
    () => askZap(options([], { zap: zapStub({ status: 404 }) }), "NULL", []),
    zapError("ZAP_INVALID_STATUS_CODE"),
  );
});

Deno.test("ZAP - errorReasonStatus reads only exact status reasons", () => {
  assert.deepEqual(["300", "400", "500", "200", "401", " 400", "", "Invalid"].map(errorReasonStatus), [
    300,
    400,
    500,
    0,
    0,
    0,
    0,
    0,
  ]);
});

Deno.test("ZapPolicy - address lists: deny wins, and an allow list lets only its addresses through", () => {
  const nul = (address: string) => request({ address });
  const open = new ZapPolicy();
  assert.equal(open.decide(nul("1.1.1.1")).status, 200, "NULL passes when no list applies");
  const deny = new ZapPolicy({ deny: ["6.6.6.6"] });
  assert.equal(deny.decide(nul("6.6.6.6")).status, 400);
  assert.equal(deny.decide(nul("1.1.1.1")).status, 200);
  const allow = new ZapPolicy({ allow: ["1.1.1.1"] });
  assert.equal(allow.decide(nul("1.1.1.1")).status, 200);
  assert.equal(allow.decide(nul("2.2.2.2")).status, 400);
  const both = new ZapPolicy({ allow: ["1.1.1.1", "6.6.6.6"], deny: ["6.6.6.6"] });
  assert.equal(both.decide(nul("1.1.1.1")).status, 200);
  assert.equal(both.decide(nul("6.6.6.6")).status, 400, "deny wins over allow");
  assert.equal(both.decide(nul("2.2.2.2")).status, 400);
  assert.equal(new ZapPolicy({ allow: [] }).decide(nul("2.2.2.2")).status, 200, "an empty allow list is no list");
});

Deno.test("ZapPolicy - PLAIN checks username and password; user id is the username", () => {
  const plain = (user: string, password: string, address = "127.0.0.1") =>
    request({ mechanism: "PLAIN", address, credentials: [utf8(user), utf8(password)] });
  const policy = new ZapPolicy({ plain: { admin: "secret", "": "" }, deny: ["6.6.6.6"] });
  const ok = policy.decide(plain("admin", "secret"));
  assert.deepEqual(ok, { status: 200, statusText: "OK", userId: "admin", metadata: new Map() });
  assert.equal(policy.decide(plain("", "")).status, 200);
  for (
    const [u, p] of [["admin", "Secret"], ["admin", "secret!"], ["admin", "secre"], ["admin", ""], ["root", "secret"]]
  ) {
    const refused = policy.decide(plain(u, p));
    assert.equal(refused.status, 400, `${u}/${p}`);
    assert.equal(refused.userId, "");
  }
  assert.equal(policy.decide(plain("admin", "secret", "6.6.6.6")).status, 400, "PLAIN from a denied address");
  assert.equal(new ZapPolicy().decide(plain("admin", "secret")).status, 400, "no users configured");
  assert.equal(policy.decide(request({ mechanism: "PLAIN", credentials: [utf8("admin")] })).status, 400);
});

Deno.test("ZapPolicy - CURVE accepts listed keys (Z85 or bytes) or any; user id is the key in Z85", () => {
  const curve = (key: Uint8Array) => request({ mechanism: "CURVE", credentials: [key] });
  const listed = new ZapPolicy({ curve: [CLIENT_KEY_Z85] });
  const accepted = listed.decide(curve(CLIENT_KEY));
  assert.equal(accepted.status, 200);
  assert.equal(accepted.userId, CLIENT_KEY_Z85);
  assert.equal(listed.decide(curve(new Uint8Array(32))).status, 400);
  assert.equal(new ZapPolicy({ curve: [CLIENT_KEY] }).decide(curve(CLIENT_KEY)).status, 200);
  assert.equal(new ZapPolicy({ curve: new Set([decodeZ85(CLIENT_KEY_Z85)]) }).decide(curve(CLIENT_KEY)).status, 200);
  assert.equal(new ZapPolicy({ curve: "any" }).decide(curve(new Uint8Array(32).fill(9))).status, 200);
  assert.equal(new ZapPolicy().decide(curve(CLIENT_KEY)).status, 400, "no keys configured");
  assert.equal(new ZapPolicy({ curve: "any" }).decide(curve(new Uint8Array(31))).status, 400);
  assert.equal(
    new ZapPolicy({ curve: "any", allow: ["10.0.0.1"] }).decide(curve(CLIENT_KEY)).status,
    400,
    "CURVE from an address not on the allow list",
  );
  assert.throws(() => new ZapPolicy({ curve: ["not a key"] }), TypeError);
  assert.throws(() => new ZapPolicy({ curve: CLIENT_KEY_Z85 as unknown as string[] }), /not a single string/);
  const odd = request({ mechanism: "GSSAPI" as ZapRequest["mechanism"] });
  assert.equal(new ZapPolicy({ curve: "any" }).decide(odd).status, 400);
});
