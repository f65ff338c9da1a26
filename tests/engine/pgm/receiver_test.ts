import assert from "node:assert/strict";
import { test } from "node:test";
import { decodePacket, encodePacket, type PgmPacket } from "../../../src/engine/pgm/packet.ts";
import { PgmReceiver, type PgmReceiverOptions } from "../../../src/engine/pgm/receiver.ts";
import type { Frames } from "../../../src/engine/pgm/zmtp10.ts";
import { loadVectors, prng } from "../../_vectors.ts";
import { hex } from "../../_helpers.ts";
import { FakeClock } from "./_sim.ts";

const GSI = new Uint8Array([9, 8, 7, 6, 5, 4]);
const NLA = "198.18.0.1";
const GROUP = "239.192.1.1";
const common = { sourcePort: 4242, destinationPort: 5555, gsi: GSI };

function setup(options: Partial<PgmReceiverOptions> = {}) {
  const clock = new FakeClock();
  const out: { at: number; packet: PgmPacket; address: string; port: number }[] = [];
  const messages: Frames[] = [];
  const losses: number[] = [];
  const receiver = new PgmReceiver({
    dataPort: 5555,
    group: GROUP,
    clock,
    random: prng(7),
    send: (d, address, port) => out.push({ at: clock.now(), packet: decodePacket(d), address, port }),
    deliver: (m) => messages.push(m),
    onLoss: (_s, n) => losses.push(n),
    ...options,
  });
  return { clock, out, messages, losses, receiver };
}

const spm = (spmSqn: number, lead: number, trail = 0, fin = false) =>
  encodePacket({ type: "spm", ...common, spmSqn, trail, lead, nla: NLA, options: fin ? { fin } : undefined });
/** One whole one-frame message per packet: offset 0, short frame. */
const odata = (sqn: number, body = [sqn & 0xff], trail = 0, type: "odata" | "rdata" = "odata") =>
  encodePacket({ type, ...common, sqn, trail, tsdu: new Uint8Array([0, 0, body.length + 1, 0, ...body]) });
const ncf = (sqn: number, list?: number[]) =>
  encodePacket({
    type: "ncf",
    ...common,
    sqn,
    sourceNla: NLA,
    groupNla: GROUP,
    options: list ? { nakList: list } : undefined,
  });
const bodies = (messages: Frames[]) => messages.map((m) => m[0][0]);

test("pgm receiver - libzmq's run1 capture delivers its five messages", () => {
  const { receiver, messages, out } = setup({ rate: 10_000 });
  for (const v of loadVectors("pgm/run1_lo")) receiver.receive(v.bytes, "127.0.0.1");
  assert.deepEqual(messages.map((m) => m.map((f) => f.length)), [[5], [5, 8, 1], [4096], [102400], [3]]);
  assert.equal(out.length, 0, "nothing to NAK");
  assert.equal(receiver.sources, 0, "forgotten after the FIN SPMs");
  assert.equal(receiver.stats.malformed, 0);
  receiver.close();
});

test("pgm receiver - a hole is NAKed after the back-off, NCF waits, RDATA fills it in order", () => {
  const { clock, receiver, messages, out, losses } = setup();
  receiver.receive(spm(0, 0xffffffff), "198.18.0.1");
  receiver.receive(odata(0), NLA);
  receiver.receive(odata(2), NLA);
  receiver.receive(odata(3), NLA);
  assert.deepEqual(bodies(messages), [0]);
  clock.advance(50); // back-off is random in [0, 50)
  assert.equal(out.length, 1);
  const n = out[0];
  assert.ok(n.packet.type === "nak");
  assert.deepEqual([n.address, n.port, n.packet.sqn, n.packet.sourceNla, n.packet.groupNla], [
    NLA,
    5555,
    1,
    NLA,
    GROUP,
  ]);
  assert.deepEqual([n.packet.sourcePort, n.packet.destinationPort, hex(n.packet.gsi)], [5555, 4242, hex(GSI)]);
  // No NCF: the NAK repeats after 200 ms (plus a new back-off).
  clock.advance(250);
  assert.equal(out.length, 2);
  // An NCF moves it to waiting for data: no NAK for 200 ms.
  receiver.receive(ncf(1), NLA);
  clock.advance(199);
  assert.equal(out.length, 2);
  receiver.receive(odata(1, [1], 0, "rdata"), NLA);
  assert.deepEqual(bodies(messages), [0, 1, 2, 3]);
  clock.advance(5000);
  assert.equal(out.length, 2);
  assert.deepEqual(losses, []);
  receiver.close();
});

test("pgm receiver - several holes go in one NAK with OPT_NAK_LIST; an SPM announces tail loss", () => {
  const { clock, receiver, out } = setup();
  receiver.receive(spm(0, 0xffffffff), NLA);
  receiver.receive(odata(0), NLA);
  receiver.receive(odata(4), NLA);
  receiver.receive(spm(1, 6), NLA); // 5 and 6 were sent too
  clock.advance(50);
  const naks = out.map((o) => o.packet).filter((p) => p.type === "nak");
  const all = naks.flatMap((p) => p.type === "nak" ? [p.sqn, ...(p.options?.nakList ?? [])] : []);
  assert.deepEqual(all.sort((a, b) => a - b), [1, 2, 3, 5, 6]);
  assert.ok(naks.length <= 2);
  receiver.close();
});

test("pgm receiver - an NCF before the NAK suppresses it (another receiver asked)", () => {
  const { clock, receiver, out } = setup();
  receiver.receive(spm(0, 0xffffffff), NLA);
  receiver.receive(odata(0), NLA);
  receiver.receive(odata(2), NLA);
  receiver.receive(ncf(1), NLA);
  clock.advance(150);
  assert.equal(out.length, 0);
  receiver.close();
});

test("pgm receiver - retries run out: the hole is lost, the partial message dropped, the stream rejoins", () => {
  const { clock, receiver, messages, losses } = setup({ timers: { nakNcfRetries: 3 } });
  receiver.receive(spm(0, 0xffffffff), NLA);
  // A message cut across sqns 0..2 (offset 0, then 0xffff, 0xffff), then a whole one at 3.
  const body = new Uint8Array(30).fill(7);
  const stream = new Uint8Array([31, 0, ...body]);
  const parts = [stream.subarray(0, 10), stream.subarray(10, 20), stream.subarray(20)];
  parts.forEach((p, i) =>
    i !== 1 &&
    receiver.receive(
      encodePacket({
        type: "odata",
        ...common,
        sqn: i,
        trail: 0,
        tsdu: new Uint8Array([...(i === 0 ? [0, 0] : [0xff, 0xff]), ...p]),
      }),
      NLA,
    )
  );
  receiver.receive(odata(3, [42]), NLA);
  assert.equal(messages.length, 0);
  clock.advance(3000);
  assert.deepEqual(losses, [1]);
  assert.deepEqual(bodies(messages), [42]);
  assert.equal(receiver.stats.lost, 1);
  assert.equal(receiver.stats.naksSent, 3);
  receiver.close();
});

test("pgm receiver - the source's trail passing a hole makes it lost at once", () => {
  const { receiver, messages, losses } = setup();
  receiver.receive(spm(0, 0xffffffff), NLA);
  receiver.receive(odata(0), NLA);
  receiver.receive(odata(2), NLA);
  receiver.receive(spm(1, 2, 2), NLA); // trail 2: sqn 1 can no longer be repaired
  assert.deepEqual(losses, [1]);
  assert.deepEqual(bodies(messages), [0, 2]);
  receiver.close();
});

test("pgm receiver - data without an SPM: SPMR after 25 ms to the group and the sender; NAKs wait for the NLA", () => {
  const { clock, receiver, out, messages } = setup();
  receiver.receive(odata(5), "198.18.0.7");
  assert.deepEqual(bodies(messages), [5], "the first ODATA defines the window");
  receiver.receive(odata(7), "198.18.0.7");
  clock.advance(24);
  assert.equal(out.filter((o) => o.packet.type === "spmr").length, 0);
  clock.advance(2);
  const spmrs = out.filter((o) => o.packet.type === "spmr");
  assert.deepEqual(spmrs.map((o) => [o.address, o.port]), [[GROUP, 5555], ["198.18.0.7", 5555]]);
  assert.ok(spmrs[0].packet.sourcePort === 5555 && spmrs[0].packet.destinationPort === 4242);
  assert.equal(out.filter((o) => o.packet.type === "nak").length, 0);
  receiver.receive(spm(0, 7), NLA);
  clock.advance(500);
  const nak = out.find((o) => o.packet.type === "nak");
  assert.ok(nak && nak.packet.type === "nak" && nak.packet.sqn === 6 && nak.address === NLA);
  receiver.close();
});

test("pgm receiver - join at the SPM's lead: old data is not asked for", () => {
  const { clock, receiver, out, messages } = setup();
  receiver.receive(spm(10, 99, 0), NLA);
  receiver.receive(odata(100), NLA);
  receiver.receive(odata(50), NLA); // older than the join point
  clock.advance(1000);
  assert.deepEqual(bodies(messages), [100]);
  assert.equal(out.length, 0);
  assert.equal(receiver.stats.duplicates, 1);
  receiver.close();
});

test("pgm receiver - duplicates, old SPMs, foreign ports and FIN", () => {
  const { receiver, messages } = setup();
  receiver.receive(spm(3, 0xffffffff), NLA);
  receiver.receive(spm(2, 50), NLA); // older SPM: ignored (else 0..50 would become holes)
  receiver.receive(odata(0), NLA);
  receiver.receive(odata(0), NLA);
  receiver.receive(odata(0, [0], 0, "rdata"), NLA);
  assert.equal(receiver.stats.duplicates, 2);
  const foreign = encodePacket({
    type: "odata",
    ...common,
    destinationPort: 5556,
    sqn: 1,
    trail: 0,
    tsdu: new Uint8Array([0, 0, 2, 0, 1]),
  });
  receiver.receive(foreign, NLA);
  assert.equal(receiver.stats.wrongPort, 1);
  receiver.receive(odata(1), NLA);
  receiver.receive(spm(4, 1, 0, true), NLA);
  assert.equal(receiver.sources, 0);
  assert.deepEqual(bodies(messages), [0, 1]);
  receiver.close();
});

test("pgm receiver - memory is bounded: the window slides, sources are limited, big datagrams dropped", () => {
  const { clock, receiver, messages, losses } = setup({ maxSources: 3, rate: 800, recoveryInterval: 150 });
  assert.equal(receiver.windowSize, 10);
  receiver.receive(spm(0, 0xffffffff), NLA);
  receiver.receive(odata(0), NLA);
  // A packet far ahead: the window slides to hold it; everything between is lost.
  receiver.receive(odata(1_000_000), NLA);
  assert.deepEqual(bodies(messages), [0]);
  receiver.receive(odata(999_991), NLA);
  clock.advance(100_000);
  assert.ok(losses.reduce((a, b) => a + b, 0) >= 999_990);
  assert.deepEqual(bodies(messages), [0, 999_991 & 0xff, 1_000_000 & 0xff]);
  // More TSIs than allowed are refused.
  for (let port = 1; port <= 5; port++) {
    receiver.receive(
      encodePacket({
        type: "odata",
        ...common,
        sourcePort: port,
        sqn: 0,
        trail: 0,
        tsdu: new Uint8Array([0, 0, 2, 0, 1]),
      }),
      NLA,
    );
  }
  assert.equal(receiver.sources, 3);
  assert.equal(receiver.stats.sourcesRefused, 3);
  // Sources expire after 300 s of silence, making room.
  clock.advance(301_000);
  assert.equal(receiver.sources, 0);
  const big = encodePacket({ type: "odata", ...common, sqn: 1, trail: 0, tsdu: new Uint8Array(1473) });
  receiver.receive(big, NLA);
  assert.equal(receiver.stats.malformed, 1);
  receiver.close();
});

test("pgm receiver - hostile datagrams never crash it or grow it (seeded fuzz)", () => {
  const { clock, receiver } = setup({ maxSources: 8, rate: 1000, recoveryInterval: 1500 });
  const random = prng(0xbad);
  const seeds = [spm(0, 5), odata(1), odata(2, [1, 2, 3]), ncf(3, [4, 5]), spm(1, 9, 3, true)];
  for (let round = 0; round < 20000; round++) {
    const b = seeds[Math.floor(random() * seeds.length)].slice();
    for (let k = 0, n = Math.floor(random() * 4); k < n; k++) b[Math.floor(random() * b.length)] = random() * 256;
    if (random() < 0.5) b[1] = Math.floor(random() * 4); // a few sources
    if (random() < 0.8) {
      b[6] = b[7] = 0;
      const c = encodePacket(decodeLoose(b) ?? { type: "spmr", ...common });
      void c;
    }
    // Re-seal so the structure checks are exercised.
    b[6] = b[7] = 0;
    const sum = (() => {
      let s = 0;
      for (let i = 0; i + 1 < b.length; i += 2) s += (b[i] << 8) | b[i + 1];
      if (b.length & 1) s += b[b.length - 1] << 8;
      while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
      return s === 0xffff ? 0xffff : ~s & 0xffff;
    })();
    if (random() < 0.9) {
      b[6] = sum >> 8;
      b[7] = sum & 0xff;
    }
    receiver.receive(b, NLA);
    if (round % 100 === 0) clock.advance(random() * 400);
    assert.ok(receiver.sources <= 8);
  }
  assert.ok(receiver.stats.malformed > 0 && receiver.stats.odata > 0);
  receiver.close();
  assert.equal(clock.pending, 0);
});

function decodeLoose(b: Uint8Array): PgmPacket | null {
  try {
    return decodePacket(b);
  } catch {
    return null;
  }
}
