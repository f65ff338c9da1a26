import assert from "node:assert/strict";
import { Pipe } from "../../src/pipe.ts";
import { LoadBalancer } from "../../src/routing/lb.ts";

const pipe = (hwm: number) => new Pipe({ sendHighWaterMark: hwm, receiveHighWaterMark: 0, endpoint: "test" });
const msg = (n: number) => [Uint8Array.of(n)];

Deno.test("lb - round-robin over the pipes with room; mute when all are full", () => {
  let wakes = 0;
  const lb = new LoadBalancer(() => wakes++);
  const a = pipe(2);
  const b = pipe(2);
  lb.attach(a);
  lb.attach(b);
  for (let i = 0; i < 4; i++) assert.equal(lb.send(msg(i)), true);
  assert.deepEqual([a.outbound.read()?.[0][0], b.outbound.read()?.[0][0]], [0, 1]);
  assert.equal(lb.send(msg(9)), true, "a and b each had room for one more");
  assert.equal(lb.send(msg(9)), true);
  assert.equal(lb.send(msg(9)), false, "mute");
  assert.equal(lb.hasOut(), false);
  a.outbound.read();
  a.outbound.read();
  assert.ok(wakes > 0, "a pipe that drains wakes the sender");
  assert.equal(lb.hasOut(), true);
  assert.equal(lb.send(msg(5)), true);
  assert.equal(lb.lastPipe, a);
});

Deno.test("lb - a detached pipe gets nothing more", () => {
  const lb = new LoadBalancer(() => {});
  const a = pipe(0);
  const b = pipe(0);
  lb.attach(a);
  lb.attach(b);
  lb.detach(a);
  for (let i = 0; i < 3; i++) lb.send(msg(i));
  assert.equal(a.outbound.length, 0);
  assert.equal(b.outbound.length, 3);
  lb.detach(b);
  assert.equal(lb.send(msg(4)), false, "no pipe: mute");
});
