import assert from "node:assert/strict";
import { Pipe } from "../../src/pipe.ts";
import { Distributor } from "../../src/routing/dist.ts";

const pipe = (hwm = 0) => new Pipe({ sendHighWaterMark: hwm, receiveHighWaterMark: 0, endpoint: "test" });
const msg = (n: number) => [Uint8Array.of(n)];

Deno.test("dist - sends to the matching pipes only, then clears the selection", () => {
  const dist = new Distributor(() => {});
  const [a, b, c] = [pipe(), pipe(), pipe()];
  for (const p of [a, b, c]) dist.attach(p);
  dist.match(a);
  dist.match(c);
  assert.equal(dist.sendToMatching(msg(1)), 2);
  assert.deepEqual([a.outbound.length, b.outbound.length, c.outbound.length], [1, 0, 1]);
  assert.equal(dist.matchingCount, 0);
  assert.equal(dist.sendToAll(msg(2)), 3);
});

Deno.test("dist - reverseMatch selects the active pipes that did not match", () => {
  const dist = new Distributor(() => {});
  const [a, b, c] = [pipe(), pipe(), pipe()];
  for (const p of [a, b, c]) dist.attach(p);
  dist.match(b);
  dist.reverseMatch();
  dist.sendToMatching(msg(1));
  assert.deepEqual([a.outbound.length, b.outbound.length, c.outbound.length], [1, 0, 1]);
});

Deno.test("dist - a full pipe's copy is dropped and the pipe rests until it drains; checkHwm sees it first", () => {
  let wakes = 0;
  const dist = new Distributor(() => wakes++);
  const full = pipe(1);
  const free = pipe(0);
  dist.attach(full);
  dist.attach(free);
  full.outbound.write(msg(0));
  dist.matchAll();
  assert.equal(dist.checkHwm(), false, "noDrop would wait");
  assert.equal(dist.sendToMatching(msg(1)), 1, "only the free pipe took it");
  assert.equal(dist.activeCount, 1);
  full.outbound.read();
  assert.equal(dist.activeCount, 2, "the drained pipe is active again");
  assert.ok(wakes > 0);
  assert.equal(dist.hasOut(), true, "fan-out never blocks");
});

Deno.test("dist - inproc pipes each get their own message array (frames shared)", () => {
  const dist = new Distributor(() => {});
  const a = Pipe.overQueues(pipe().inbound, pipe().outbound, "inproc://x");
  const b = Pipe.overQueues(pipe().inbound, pipe().outbound, "inproc://x");
  dist.attach(a);
  dist.attach(b);
  const message = msg(5);
  dist.sendToAll(message);
  const [ma, mb] = [a.outbound.read()!, b.outbound.read()!];
  assert.notEqual(ma, mb);
  assert.equal(ma[0], mb[0]);
});
