import assert from "node:assert/strict";
import { test } from "node:test";
import { decodePacket, encodePacket, type PgmPacket } from "../../../src/engine/pgm/packet.ts";
import { PgmSender, type PgmSenderOptions } from "../../../src/engine/pgm/sender.ts";
import type { Frames } from "../../../src/engine/pgm/zmtp10.ts";
import { FakeClock } from "./_sim.ts";

const GSI = new Uint8Array([1, 2, 3, 4, 5, 6]);
const NLA = "198.18.0.1";
const GROUP = "239.192.1.1";

function setup(options: Partial<PgmSenderOptions> = {}) {
  const clock = new FakeClock();
  const sent: { at: number; packet: PgmPacket; size: number }[] = [];
  const queue: Frames[] = [];
  const sender = new PgmSender({
    gsi: GSI,
    sourcePort: 4242,
    dataPort: 5555,
    group: GROUP,
    nla: NLA,
    clock,
    send: (d) => sent.push({ at: clock.now(), packet: decodePacket(d), size: d.length }),
    pull: () => queue.shift() ?? null,
    startupDelay: 0,
    ...options,
  });
  return { clock, sent, queue, sender };
}

function nak(sqn: number, list?: number[], over: Partial<PgmPacket> = {}): PgmPacket {
  return {
    type: "nak",
    sourcePort: 5555,
    destinationPort: 4242,
    gsi: GSI,
    sqn,
    sourceNla: NLA,
    groupNla: GROUP,
    options: list ? { nakList: list } : undefined,
    ...over,
  } as PgmPacket;
}

test("pgm sender - start-up SPMs, heartbeats after data as OpenPGM schedules them, FIN at close", () => {
  const { clock, sent, queue, sender } = setup();
  sender.start();
  assert.deepEqual(sent.map((s) => s.packet.type), ["spm", "spm", "spm"]);
  const first = sent[0].packet;
  assert.ok(first.type === "spm");
  assert.deepEqual([first.spmSqn, first.trail, first.lead, first.nla], [0, 0, 0xffffffff, NLA]);
  clock.advance(1000);
  assert.equal(sent.length, 3, "no heartbeat before data");
  queue.push([new Uint8Array([1])]);
  sender.activate();
  const dataAt = clock.now();
  clock.advance(60_000);
  const spms = sent.slice(4).filter((s) => s.packet.type === "spm").map((s) => s.at - dataAt);
  // Heartbeats 100, 100, 100, 100, 1300 ms, then 7, 16, 25 s; the ambient SPM continues every 30 s.
  assert.deepEqual(spms.slice(0, 8), [100, 200, 300, 400, 1700, 8700, 24700, 49700]);
  const hb = sent[5].packet;
  assert.ok(hb.type === "spm" && hb.lead === 0 && hb.spmSqn === 4);
  const before = sent.length;
  clock.advance(31_000);
  assert.ok(sent.length > before, "ambient SPM");
  sender.close();
  const fins = sent.slice(-3).map((s) => s.packet);
  assert.ok(fins.every((p) => p.type === "spm" && p.options?.fin === true && p.lead === 0));
  assert.equal(clock.pending, 0, "no timer left after close");
});

test("pgm sender - ODATA carries libzmq framing, sequence numbers and the trail", () => {
  const { clock, sent, queue, sender } = setup();
  queue.push([new TextEncoder().encode("hello")], [new Uint8Array(3000)]);
  sender.start();
  clock.advance(1000); // 100 kbit/s paces the three packets
  const data = sent.filter((s) => s.packet.type === "odata").map((s) => s.packet);
  assert.equal(data.length, 3);
  data.forEach((p, i) => assert.ok(p.type === "odata" && p.sqn === i && p.trail === 0 && !p.options));
  const d0 = data[0];
  assert.ok(d0.type === "odata");
  // "hello" and the 3000-byte message share the first packet, as libzmq packs them.
  assert.equal(d0.tsdu.length, 1428);
  assert.deepEqual([...d0.tsdu.subarray(0, 9)], [0, 0, 6, 0, 104, 101, 108, 108, 111]);
  assert.equal(sender.maxTsdu, 1428);
  assert.equal(sender.windowSize, 80);
  assert.equal(sender.lead, 2);
  sender.close();
});

test("pgm sender - the window keeps windowSize packets and the trail follows", () => {
  // 10 packets of window: rate 12 kbit/s... use rate 800, 150 ms, 1500 -> 100*150/1500 = 10.
  const { clock, sent, queue, sender } = setup({ rate: 800, recoveryInterval: 150 });
  assert.equal(sender.windowSize, 10);
  for (let i = 0; i < 25; i++) queue.push([new Uint8Array(1416)]);
  sender.start();
  clock.advance(60_000);
  assert.equal(sender.lead, 24);
  assert.equal(sender.trail, 15);
  const last = sent.filter((s) => s.packet.type === "odata").at(-1)!.packet;
  assert.ok(last.type === "odata" && last.trail === 15);
  // A NAK for a packet that left the window is not answered; one inside it is.
  const n = sent.length;
  sender.handle(nak(3));
  assert.equal(sent.length, n);
  sender.handle(nak(20));
  clock.advance(100);
  assert.deepEqual(sent.slice(n).map((s) => s.packet.type), ["ncf", "rdata"]);
  assert.equal(sender.stats.naksIgnored, 1);
  sender.close();
});

test("pgm sender - NAKs: one NCF per NAK, RDATA per sequence number, lists, duplicates, strangers", () => {
  const s = setup({ rate: 10_000 });
  s.sender.start();
  for (let i = 0; i < 6; i++) {
    s.queue.push([new Uint8Array(1416).fill(i)]);
    s.sender.activate();
  }
  assert.equal(s.sender.lead, 5);
  const n = s.sent.length;
  s.sender.handle(nak(1, [2, 4]));
  s.clock.advance(10);
  const answer = s.sent.slice(n).map((x) => x.packet);
  assert.deepEqual(answer.map((p) => p.type), ["ncf", "rdata", "rdata", "rdata"]);
  const ncf = answer[0];
  assert.ok(ncf.type === "ncf" && ncf.sqn === 1 && ncf.sourceNla === NLA && ncf.groupNla === GROUP);
  assert.deepEqual(ncf.options?.nakList, [2, 4]);
  assert.deepEqual(answer.slice(1).map((p) => p.type === "rdata" && p.sqn), [1, 2, 4]);
  const r = answer[1];
  assert.ok(r.type === "rdata" && r.tsdu[2 + 10] === 1 && r.tsdu.length === 1428);
  // Wrong NLA, wrong group, wrong port, wrong GSI: ignored.
  const m = s.sent.length;
  s.sender.handle(nak(1, undefined, { sourceNla: "198.18.0.9" } as Partial<PgmPacket>));
  s.sender.handle(nak(1, undefined, { groupNla: "239.1.1.1" } as Partial<PgmPacket>));
  s.sender.handle(nak(1, undefined, { destinationPort: 4243 }));
  s.sender.handle(nak(1, undefined, { gsi: new Uint8Array(6) }));
  s.sender.handle(nak(99));
  assert.equal(s.sent.length, m);
  // SPMR is answered with an SPM (once per hold-off).
  s.sender.handle({ type: "spmr", sourcePort: 5555, destinationPort: 4242, gsi: GSI });
  s.clock.advance(20);
  s.sender.handle({ type: "spmr", sourcePort: 5555, destinationPort: 4242, gsi: GSI });
  s.sender.handle({ type: "spmr", sourcePort: 5555, destinationPort: 4242, gsi: GSI });
  assert.equal(s.sent.slice(m).filter((x) => x.packet.type === "spm").length, 2);
  s.sender.close();
});

test("pgm sender - pacing keeps to the rate, repairs before new data", () => {
  // 100 kbit/s = 12.5 bytes/ms; 40 packets of ~1480 IP bytes need about 4.7 s.
  const { clock, sent, queue, sender } = setup({ rate: 100 });
  for (let i = 0; i < 40; i++) queue.push([new Uint8Array(1416)]);
  sender.start();
  const startBytes = sender.stats.bytes;
  let checked = 0;
  for (let t = 0; t < 6000; t += 50) {
    clock.advance(50);
    const ip = sender.stats.bytes - startBytes;
    // Never more than the rate allows plus the burst (10 ms of rate or two TPDUs) plus control packets.
    assert.ok(ip <= 12.5 * clock.now() + 3000 + 64 * sender.stats.spm, `${ip} bytes at ${clock.now()} ms`);
    checked++;
  }
  assert.ok(checked > 0);
  assert.equal(sender.lead, 39);
  const odataTimes = sent.filter((s) => s.packet.type === "odata").map((s) => s.at);
  assert.ok(odataTimes.at(-1)! >= 4000, `last ODATA at ${odataTimes.at(-1)}`);
  // Under pacing, a repair goes ahead of queued data.
  const s = setup({ rate: 100 });
  for (let i = 0; i < 10; i++) s.queue.push([new Uint8Array(1416)]);
  s.sender.start();
  s.clock.advance(130);
  const lead = s.sender.lead;
  s.sender.handle(nak(0));
  s.sender.handle(nak(0, [1])); // 0 is queued already: the NCF and RDATA are for 1 only
  s.clock.advance(10_000);
  const ncfs = s.sent.filter((x) => x.packet.type === "ncf").map((x) => x.packet);
  assert.deepEqual(ncfs.map((p) => p.type === "ncf" && [p.sqn, p.options?.nakList]), [[0, undefined], [1, undefined]]);
  const order = s.sent.filter((x) => x.packet.type === "odata" || x.packet.type === "rdata").map((x) =>
    x.packet.type === "rdata" ? "R" : "O"
  );
  assert.equal(order.indexOf("R"), lead + 1);
  assert.equal(order.filter((x) => x === "R").length, 2);
  sender.close();
  s.sender.close();
});

test("pgm sender - data waits 200 ms behind the start-up SPMs by default", () => {
  const { clock, sent, queue, sender } = setup({ startupDelay: undefined });
  queue.push([new Uint8Array([1])]);
  sender.start();
  assert.equal(sent.length, 3);
  clock.advance(199);
  assert.equal(sent.length, 3);
  clock.advance(1);
  assert.deepEqual(sent.map((s) => s.packet.type), ["spm", "spm", "spm", "odata"]);
  sender.close();
});

test("pgm sender - options are checked", () => {
  assert.throws(() => setup({ gsi: new Uint8Array(5) }), TypeError);
  assert.throws(() => setup({ sourcePort: 5555 }), RangeError);
  assert.throws(() => setup({ sourcePort: 70000 }), RangeError);
  assert.throws(() => setup({ maxTpdu: 40 }), RangeError);
  assert.throws(() => setup({ rate: 0 }), RangeError);
  // An IPv6 NLA leaves 20 bytes less for data.
  const { sender } = setup({ nla: "fe80::1", group: "ff02::1" });
  assert.equal(sender.maxTsdu, 1408);
  void encodePacket;
});
