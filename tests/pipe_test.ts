import assert from "node:assert/strict";
import { MessageQueue, Pipe } from "../src/pipe.ts";

const msg = (n: number) => [Uint8Array.of(n)];

Deno.test("pipe - a queue is bounded by its high-water mark and wakes its writer at the low-water mark", () => {
  const q = new MessageQueue(4);
  let wakes = 0;
  q.onWritable = () => wakes++;
  for (let i = 0; i < 4; i++) {
    assert.equal(q.writable, true);
    q.write(msg(i));
  }
  assert.equal(q.writable, false);
  assert.equal(q.lowWaterMark, 2);
  q.read();
  assert.equal(wakes, 0, "not yet at the low-water mark");
  q.read();
  assert.equal(wakes, 1, "woken once at the low-water mark");
  q.read();
  assert.equal(wakes, 1);
  assert.deepEqual(q.read(), msg(3));
  assert.equal(q.read(), undefined);
});

Deno.test("pipe - a queue wakes its reader when it stops being empty, not on every write", () => {
  const q = new MessageQueue(0);
  let wakes = 0;
  q.onReadable = () => wakes++;
  q.write(msg(1));
  q.write(msg(2));
  assert.equal(wakes, 1);
  q.read();
  q.read();
  q.write(msg(3));
  assert.equal(wakes, 2);
  assert.equal(q.writable, true, "hwm 0 means no limit");
});

Deno.test("pipe - conflate keeps only the newest message and never blocks the writer", () => {
  const q = new MessageQueue(1, true);
  for (let i = 0; i < 5; i++) q.write(msg(i));
  assert.equal(q.length, 1);
  assert.equal(q.writable, true);
  assert.deepEqual(q.read(), msg(4));
});

Deno.test("pipe - end() lets the reader drain; clear() drops and wakes a blocked writer", () => {
  const q = new MessageQueue(2);
  let readable = 0;
  let writable = 0;
  q.onReadable = () => readable++;
  q.onWritable = () => writable++;
  q.write(msg(1));
  q.write(msg(2));
  assert.equal(q.writable, false);
  q.clear();
  assert.equal(q.length, 0);
  assert.equal(writable, 1);
  q.write(msg(3));
  q.end();
  assert.equal(q.ended, true);
  assert.equal(q.writable, false);
  q.write(msg(4)); // ignored after end
  assert.deepEqual(q.read(), msg(3));
  assert.equal(q.read(), undefined);
  assert.equal(readable, 3, "each time it stopped being empty, and once for the end");
});

Deno.test("pipe - unread() puts a message back at the front; peek() does not take it", () => {
  const q = new MessageQueue(0);
  q.write(msg(2));
  q.unread(msg(1));
  assert.deepEqual(q.peek(), msg(1));
  assert.deepEqual(q.read(), msg(1));
  assert.deepEqual(q.read(), msg(2));
});

Deno.test("pipe - pipes have unique ids; overQueues shares one pair of queues between two sockets' pipes", () => {
  const a = new Pipe({ sendHighWaterMark: 3, receiveHighWaterMark: 5, endpoint: "tcp://x" });
  const b = new Pipe({ sendHighWaterMark: 3, receiveHighWaterMark: 5, endpoint: "tcp://x" });
  assert.notEqual(a.id, b.id);
  assert.equal(a.outbound.hwm, 3);
  assert.equal(a.inbound.hwm, 5);
  assert.equal(a.shared, false);
  const ab = new MessageQueue(10);
  const ba = new MessageQueue(10);
  const left = Pipe.overQueues(ba, ab, "inproc://x");
  const right = Pipe.overQueues(ab, ba, "inproc://x");
  left.outbound.write(msg(7));
  assert.equal(right.inbound.read()?.[0][0], 7);
  assert.equal(left.zmtpMinor, -1);
});
