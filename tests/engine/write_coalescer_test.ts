import assert from "node:assert/strict";
import {
  COALESCE_MESSAGES,
  WriteCoalescer,
  type WriteSink,
  type WriteSource,
} from "../../src/engine/write_coalescer.ts";

/** A queue of one-byte messages and a sink that records each write's size, resolving writes when told. */
function setup(options: { holdWrites?: boolean } = {}) {
  const queue: number[] = [];
  const writes: number[] = [];
  const pending: (() => void)[] = [];
  let idles = 0;
  let failures: Error[] = [];
  let urgent = false;
  const source: WriteSource = {
    fill: () => {
      urgent = false;
      if (queue.length === 0) return null;
      return [Uint8Array.from(queue.splice(0))];
    },
    backlog: () => queue.length,
    urgent: () => urgent,
  };
  const sink: WriteSink = {
    write: (chunks) => {
      writes.push(chunks[0].length);
      if (!options.holdWrites) return Promise.resolve();
      return new Promise((resolve) => pending.push(resolve));
    },
    failed: (error) => failures.push(error),
    idle: () => idles++,
  };
  const coalescer = new WriteCoalescer(source, sink);
  return {
    coalescer,
    queue,
    writes,
    release: () => pending.shift()?.(),
    get idles() {
      return idles;
    },
    get failures() {
      return failures;
    },
    setUrgent: () => (urgent = true),
    resetFailures: () => (failures = []),
  };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("write coalescer - messages queued in one turn go out in one write", async () => {
  const t = setup();
  for (let i = 0; i < 50; i++) {
    t.queue.push(i);
    t.coalescer.schedule();
  }
  await turn();
  assert.deepEqual(t.writes, [50]);
  assert.equal(t.idles, 1, "the flush after the write found nothing left");
});

Deno.test("write coalescer - one write in flight; what is queued meanwhile is batched behind it", async () => {
  const t = setup({ holdWrites: true });
  t.queue.push(1);
  t.coalescer.schedule();
  await turn();
  assert.deepEqual(t.writes, [1]);
  assert.equal(t.coalescer.writing, true);
  for (let i = 0; i < 10; i++) {
    t.queue.push(i);
    t.coalescer.schedule();
  }
  await turn();
  assert.deepEqual(t.writes, [1], "nothing while the first write is in flight");
  t.release();
  await turn();
  assert.deepEqual(t.writes, [1, 10]);
  t.release();
});

Deno.test("write coalescer - a long backlog is written at once, without waiting for it to stop growing", async () => {
  const t = setup({ holdWrites: true });
  t.queue.push(0);
  t.coalescer.schedule();
  await turn();
  for (let i = 0; i < COALESCE_MESSAGES; i++) t.queue.push(i);
  t.release();
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(t.writes.length, 2, "written in the write's own continuation");
  assert.equal(t.writes[1], COALESCE_MESSAGES);
  t.release();
});

Deno.test("write coalescer - a failed write is reported; stop() ends flushing; writeNow goes first", async () => {
  const failing = new WriteCoalescer(
    { fill: () => [new Uint8Array(1)], backlog: () => 0, urgent: () => false },
    { write: () => Promise.reject(new Error("reset")), failed: (e) => seen.push(e.message), idle: () => {} },
  );
  const seen: string[] = [];
  failing.writeNow([new Uint8Array(1)]);
  await turn();
  assert.deepEqual(seen, ["reset"]);
  await failing.settled(); // a failed write counts as settled
  const t = setup();
  t.coalescer.stop();
  t.queue.push(1);
  t.coalescer.schedule();
  await turn();
  assert.deepEqual(t.writes, []);
});
