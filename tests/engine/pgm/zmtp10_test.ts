import assert from "node:assert/strict";
import { test } from "node:test";
import { decodePacket } from "../../../src/engine/pgm/packet.ts";
import { type Frames, Zmtp10Packer, type Zmtp10Reset, Zmtp10Unpacker } from "../../../src/engine/pgm/zmtp10.ts";
import { loadVectors, prng } from "../../_vectors.ts";
import { bytes, hex, text } from "../../_helpers.ts";

/** The TSDUs of libzmq's run1 capture, in order. */
const run1 = loadVectors("pgm/run1_lo").map((v) => decodePacket(v.bytes)).flatMap((p) => p.type === "odata" ? [p] : []);

/** The messages libzmq sent in run1 (scripts/pub.py). */
function run1Messages(): Frames[] {
  return [
    [bytes("hello")],
    [bytes("topic"), bytes("part-two"), bytes("3")],
    [Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff)],
    [Uint8Array.from({ length: 102400 }, (_, i) => (i * 7) & 0xff)],
    [bytes("bye")],
  ];
}

function unpackAll(unpacker: Zmtp10Unpacker, tsdus: Uint8Array[]): Frames[] {
  return tsdus.flatMap((t) => unpacker.push(t));
}

test("zmtp10 - libzmq's run1 stream unpacks to the five messages it sent", () => {
  assert.equal(run1.length, 78);
  const messages = unpackAll(new Zmtp10Unpacker(), run1.map((p) => p.tsdu));
  assert.deepEqual(messages.map((m) => m.map(hex)), run1Messages().map((m) => m.map(hex)));
});

test("zmtp10 - the packer cuts run1's messages exactly as libzmq did", () => {
  // libzmq sent each message alone (the PUB slept between them), so each starts a fresh packet.
  const ours: string[] = [];
  for (const m of run1Messages()) {
    const packer = new Zmtp10Packer(1428);
    packer.push(m);
    for (let t = packer.next(); t !== null; t = packer.next()) ours.push(hex(t));
  }
  assert.deepEqual(ours, run1.map((p) => hex(p.tsdu)));
});

test("zmtp10 - small messages share a packet; the offset marks the first message start", () => {
  const packer = new Zmtp10Packer(20);
  packer.push([bytes("abc"), bytes("de")]); // 5 + 4 bytes
  packer.push([bytes("0123456789")]); // 12 bytes: cut across
  packer.push([bytes("z")]);
  const t1 = packer.next()!;
  assert.equal(hex(t1.subarray(0, 2)), "0000");
  assert.equal(t1.length, 20);
  const t2 = packer.next()!;
  // 9 bytes of the first message, then 9 of the second in t1; t2 has the last 3, then "z" at 3.
  assert.equal((t2[0] << 8) | t2[1], 3);
  assert.equal(text(t2.subarray(2, 5)), "789");
  assert.equal(packer.next(), null);
  // A packet that ends exactly at a message end carries offset = its data length.
  const exact = new Zmtp10Packer(2 + 5);
  exact.push([bytes("hello")]); // 7 stream bytes: 5 in the first packet, 2 in the second
  assert.equal(hex(exact.next()!.subarray(0, 2)), "0000");
  const end = exact.next()!;
  assert.equal((end[0] << 8) | end[1], 2);
  assert.equal(end.length, 4);
  // A long frame uses 0xff and 8 length bytes.
  const big = new Zmtp10Packer(1428);
  big.push([new Uint8Array(300)]);
  assert.equal(hex(big.next()!.subarray(0, 12)), "0000ff000000000000012d00");
  assert.throws(() => new Zmtp10Packer(2), RangeError);
  assert.throws(() => big.push([]), TypeError);
});

test("zmtp10 - an unpacker joining mid-stream starts at the next message start", () => {
  const all = run1.map((p) => p.tsdu);
  // Join at packet 3 (middle of the 4 KiB message): sqn 3 has 0xffff, sqn 4 has offset = its length.
  const late = unpackAll(new Zmtp10Unpacker(), all.slice(3));
  assert.deepEqual(late.map((m) => m[0].length), [102400, 3]);
  // Join at packet 1 (the multipart message).
  assert.deepEqual(unpackAll(new Zmtp10Unpacker(), all.slice(1)).length, 4);
});

test("zmtp10 - a loss drops the partial message and rejoins at the next start", () => {
  const all = run1.map((p) => p.tsdu);
  const unpacker = new Zmtp10Unpacker();
  const resets: Zmtp10Reset[] = [];
  unpacker.onReset = (r) => resets.push(r);
  const out: Frames[] = [];
  for (let i = 0; i < all.length; i++) {
    if (i === 40) {
      unpacker.reset("loss"); // sqn 40 lost for good: the 100 KiB message cannot complete
      continue;
    }
    out.push(...unpacker.push(all[i]));
  }
  assert.deepEqual(out.map((m) => m.map((f) => f.length)), [[5], [5, 8, 1], [4096], [3]]);
  assert.deepEqual(resets, ["loss"]);
});

test("zmtp10 - bad frames and TSDUs reset without harm", () => {
  const resets: Zmtp10Reset[] = [];
  const u = new Zmtp10Unpacker({ maxMessageSize: 1000 });
  u.onReset = (r) => resets.push(r);
  assert.deepEqual(u.push(new Uint8Array([0, 0, 0, 0])), []); // frame length 0
  assert.equal(u.joined, false);
  // A 2^63 frame length: refused at its header, nothing allocated.
  assert.deepEqual(u.push(new Uint8Array([0, 0, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0])), []);
  // Over maxMessageSize.
  assert.deepEqual(u.push(new Uint8Array([0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0x03, 0xea, 0])), []);
  // A TSDU too short for its offset field, while joined.
  assert.deepEqual(u.push(new Uint8Array([0, 0, 2, 1, 65])), []); // joined, first frame of two
  assert.deepEqual(u.push(new Uint8Array([0])), []);
  // Offset past the end: not a place to join.
  assert.deepEqual(u.push(new Uint8Array([0, 9, 2, 0, 65])), []);
  assert.equal(u.joined, false);
  assert.deepEqual(resets, ["bad-frame", "too-large", "too-large", "bad-tsdu"]);
  // Still works afterwards.
  assert.deepEqual(u.push(new Uint8Array([0, 0, 2, 0, 66])).map((m) => text(m[0])), ["B"]);
  // Empty frames, including a last one at the very end of a TSDU.
  assert.deepEqual(u.push(new Uint8Array([0, 0, 1, 1, 1, 0])).map((m) => m.map((f) => f.length)), [[0, 0]]);
});

test("zmtp10 - random messages survive any packet size (seeded)", () => {
  const random = prng(19);
  for (let round = 0; round < 40; round++) {
    const maxTsdu = 3 + Math.floor(random() * 1500);
    const packer = new Zmtp10Packer(maxTsdu);
    const sent: Frames[] = [];
    const tsdus: Uint8Array[] = [];
    for (let m = 0; m < 30; m++) {
      const frames: Frames = [];
      for (let f = 0, n = 1 + Math.floor(random() * 3); f < n; f++) {
        const size = random() < 0.1 ? Math.floor(random() * 70000) : Math.floor(random() * 300);
        frames.push(Uint8Array.from({ length: size }, (_, i) => (i * 31 + m) & 0xff));
      }
      sent.push(frames);
      packer.push(frames);
      // Sometimes let the sender drain, sometimes queue several messages.
      if (random() < 0.5) { for (let t = packer.next(); t !== null; t = packer.next()) tsdus.push(t); }
    }
    assert.ok(packer.pendingBytes > 0 || packer.empty);
    for (let t = packer.next(); t !== null; t = packer.next()) tsdus.push(t);
    assert.equal(packer.pendingBytes, 0);
    for (const t of tsdus) assert.ok(t.length <= maxTsdu);
    const got = unpackAll(new Zmtp10Unpacker(), tsdus);
    assert.equal(got.length, sent.length);
    assert.deepEqual(got.map((m) => m.map(hex).join()), sent.map((m) => m.map(hex).join()));
  }
});
