import assert from "node:assert/strict";
import { Pipe } from "../../src/pipe.ts";
import { FairQueue } from "../../src/routing/fq.ts";

const pipe = () => new Pipe({ sendHighWaterMark: 0, receiveHighWaterMark: 0, endpoint: "test" });
const msg = (n: number) => [Uint8Array.of(n)];

Deno.test("fq - takes one message from each pipe in turn, so a busy pipe cannot starve another", () => {
  const fq = new FairQueue(() => {});
  const busy = pipe();
  const quiet = pipe();
  fq.attach(busy);
  fq.attach(quiet);
  for (let i = 0; i < 100; i++) busy.inbound.write(msg(1));
  quiet.inbound.write(msg(2));
  const first = [fq.recv(), fq.recv()].map((m) => m![0][0]);
  assert.deepEqual(first.sort(), [1, 2], "the quiet pipe's message is among the first two");
});

Deno.test("fq - wakes the reader when a pipe gets a message; lastPipe says where it came from", () => {
  let wakes = 0;
  const fq = new FairQueue(() => wakes++);
  const a = pipe();
  fq.attach(a);
  assert.equal(fq.hasIn(), false);
  a.inbound.write(msg(7));
  assert.equal(wakes, 1);
  assert.equal(fq.hasIn(), true);
  assert.deepEqual(fq.recv(), msg(7));
  assert.equal(fq.lastPipe, a);
  assert.equal(fq.recv(), undefined);
});

Deno.test("fq - a detached pipe's queued messages are still delivered, then it is forgotten; remove() drops at once", () => {
  const fq = new FairQueue(() => {});
  const a = pipe();
  const b = pipe();
  fq.attach(a);
  fq.attach(b);
  a.inbound.write(msg(1));
  b.inbound.write(msg(2));
  a.detached = true;
  fq.detach(a);
  fq.remove(b);
  assert.deepEqual(fq.recv(), msg(1));
  assert.equal(fq.recv(), undefined, "b was removed with its message");
  assert.equal(fq.activeCount, 0);
});

Deno.test("fq - recvFrom reads one pipe only", () => {
  const fq = new FairQueue(() => {});
  const a = pipe();
  const b = pipe();
  fq.attach(a);
  fq.attach(b);
  a.inbound.write(msg(1));
  b.inbound.write(msg(2));
  assert.deepEqual(fq.recvFrom(b), msg(2));
  assert.equal(fq.lastPipe, b);
  assert.equal(fq.recvFrom(b), undefined);
});
