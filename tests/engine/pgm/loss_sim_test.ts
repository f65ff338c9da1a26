/** Our source and receivers against each other over a seeded lossy link, in virtual time. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { decodePacket } from "../../../src/engine/pgm/packet.ts";
import { PgmReceiver } from "../../../src/engine/pgm/receiver.ts";
import { PgmSender } from "../../../src/engine/pgm/sender.ts";
import type { Frames } from "../../../src/engine/pgm/zmtp10.ts";
import { prng } from "../../_vectors.ts";
import { FakeClock, LossyLink } from "./_sim.ts";

const NLA = "198.18.0.1";
const GROUP = "239.192.1.1";

interface Scenario {
  seed: number;
  loss: number;
  upLoss?: number;
  receivers?: number;
  messages: number;
  rate?: number;
  recoveryInterval?: number;
  /** Message sizes are drawn up to this. */
  maxSize?: number;
  /** Virtual ms to run for. */
  limit?: number;
}

function message(i: number, random: () => number, maxSize: number): Frames {
  const parts = 1 + Math.floor(random() * 3);
  const frames: Frames = [];
  for (let p = 0; p < parts; p++) {
    const size = random() < 0.1 ? Math.floor(random() * maxSize) : Math.floor(random() * 200);
    const f = new Uint8Array(size + 4);
    new DataView(f.buffer).setUint32(0, i);
    for (let k = 4; k < f.length; k++) f[k] = (k * 7 + i + p) & 0xff;
    frames.push(f);
  }
  return frames;
}

function run(s: Scenario) {
  const clock = new FakeClock();
  const random = prng(s.seed);
  const down = new LossyLink(clock, prng(s.seed + 1), s.loss);
  const up = new LossyLink(clock, prng(s.seed + 2), s.upLoss ?? s.loss);
  const sent: Frames[] = [];
  const queue: Frames[] = [];
  const receivers: { receiver: PgmReceiver; got: Frames[]; lost: number }[] = [];
  const toReceivers = (d: Uint8Array) => {
    for (const r of receivers) down.carry(d, (x) => r.receiver.receive(x, NLA));
  };
  const sender: PgmSender = new PgmSender({
    gsi: new Uint8Array([1, 1, 2, 3, 5, 8]),
    sourcePort: 30000 + s.seed,
    dataPort: 5555,
    group: GROUP,
    nla: NLA,
    rate: s.rate ?? 10_000,
    recoveryInterval: s.recoveryInterval ?? 10_000,
    clock,
    send: toReceivers,
    pull: () => queue.shift() ?? null,
  });
  for (let n = 0; n < (s.receivers ?? 1); n++) {
    const entry = { receiver: null as unknown as PgmReceiver, got: [] as Frames[], lost: 0 };
    entry.receiver = new PgmReceiver({
      dataPort: 5555,
      group: GROUP,
      rate: s.rate ?? 10_000,
      recoveryInterval: s.recoveryInterval ?? 10_000,
      clock,
      random: prng(s.seed * 31 + n),
      send: (d, address) => {
        if (address === NLA) up.carry(d, (x) => sender.handle(decodePacket(x)));
      },
      deliver: (m) => entry.got.push(m),
      onLoss: (_s, count) => (entry.lost += count),
    });
    receivers.push(entry);
  }
  sender.start();
  for (let i = 0; i < s.messages; i++) {
    const m = message(i, random, s.maxSize ?? 5000);
    sent.push(m);
    queue.push(m);
    sender.activate();
    clock.advance(random() * 5);
  }
  clock.runUntil(() => receivers.every((r) => r.got.length === s.messages), s.limit ?? 60_000);
  clock.advance(200);
  sender.close();
  for (const r of receivers) r.receiver.close();
  return { sent, receivers, sender, down, up, clock };
}

const ids = (messages: Frames[]) => messages.map((m) => new DataView(m[0].buffer, m[0].byteOffset).getUint32(0));
const digest = (m: Frames) => m.map((f) => `${f.length}:${f.reduce((a, b) => (a * 31 + b) >>> 0, 7)}`).join("|");

test("pgm loss sim - no loss: every message, in order, once", () => {
  const { sent, receivers, sender } = run({ seed: 1, loss: 0, messages: 300, receivers: 2 });
  for (const r of receivers) {
    assert.deepEqual(r.got.map(digest), sent.map(digest));
    assert.equal(r.receiver.stats.naksSent, 0);
  }
  assert.equal(sender.stats.rdata, 0);
});

for (const [seed, loss] of [[2, 0.01], [3, 0.05], [4, 0.05], [5, 0.2]] as const) {
  test(`pgm loss sim - ${loss * 100}% loss both ways (seed ${seed}): NAK/NCF/RDATA repair delivers everything`, () => {
    const { sent, receivers, sender, down } = run({ seed, loss, messages: 400, receivers: 3 });
    assert.ok(down.dropped > 0);
    for (const r of receivers) {
      assert.equal(r.lost, 0, "nothing given up");
      assert.deepEqual(ids(r.got), ids(sent));
      assert.deepEqual(r.got.map(digest), sent.map(digest));
      assert.ok(r.receiver.stats.naksSent > 0);
    }
    assert.ok(sender.stats.rdata > 0 && sender.stats.ncf > 0);
  });
}

test("pgm loss sim - a window too small for the loss: losses are reported, what arrives is whole and in order", () => {
  // 10-packet windows at 800 kbit/s, 150 ms recovery; 30% loss, large messages.
  const { sent, receivers } = run({
    seed: 9,
    loss: 0.3,
    messages: 200,
    rate: 800,
    recoveryInterval: 150,
    maxSize: 20000,
    limit: 120_000,
  });
  const r = receivers[0];
  assert.ok(r.lost > 0, "some loss was given up");
  assert.ok(r.got.length > 0 && r.got.length < sent.length);
  const sentById = new Map(sent.map((m, i) => [i, digest(m)]));
  const got = ids(r.got);
  for (let i = 1; i < got.length; i++) assert.ok(got[i] > got[i - 1], "in order, no duplicates");
  r.got.forEach((m, i) => assert.equal(digest(m), sentById.get(got[i]), "never a corrupted message"));
});

test("pgm loss sim - a receiver that joins late starts at a message start", () => {
  const clock = new FakeClock();
  const got: Frames[] = [];
  const queue: Frames[] = [];
  let receiver: PgmReceiver | null = null;
  const sender = new PgmSender({
    gsi: new Uint8Array(6).fill(3),
    sourcePort: 1234,
    dataPort: 5555,
    group: GROUP,
    nla: NLA,
    rate: 10_000,
    clock,
    send: (d) => receiver?.receive(d, NLA),
    pull: () => queue.shift() ?? null,
    startupDelay: 0,
  });
  sender.start();
  const random = prng(77);
  for (let i = 0; i < 50; i++) {
    queue.push(message(i, random, 8000));
    sender.activate();
    clock.advance(3);
    if (i === 20) {
      receiver = new PgmReceiver({
        dataPort: 5555,
        group: GROUP,
        rate: 10_000,
        clock,
        send: () => {},
        deliver: (m) => got.push(m),
      });
    }
  }
  clock.advance(2000);
  const g = ids(got);
  assert.ok(g.length >= 25 && g[0] >= 20, `joined at ${g[0]}`);
  assert.deepEqual(g, Array.from({ length: 50 - g[0] }, (_, k) => g[0] + k));
  sender.close();
  receiver!.close();
});
