import assert from "node:assert/strict";
import { type ProtocolError, Pull } from "../../mod.ts";
import { waitFor, withTimeout } from "../_helpers.ts";
import { fuzzCase, runFuzz } from "./_fuzz_cases.ts";
import { GREETING, RawPeer, ready } from "./_raw.ts";

const SEED = 0x5eed_2026;
const CASES = 5000;

Deno.test("fuzz - cases are reproducible from seed and index, and cover every base and mutation", () => {
  const a = fuzzCase(SEED, 42);
  const b = fuzzCase(SEED, 42);
  assert.deepEqual(a, b);
  const kinds = new Set<string>();
  for (let i = 0; i < CASES; i++) for (const word of fuzzCase(SEED, i).description.split(/[ ,]/)) kinds.add(word);
  for (
    const k of [
      "greeting",
      "greeting+ready+frames",
      "greeting+lying-ready",
      "garbage",
      "bit-flip",
      "truncate",
      "insert",
      "absurd-size",
      "wrong-mechanism",
      "version",
      "reserved-flags",
      "command-before-ready",
      "huge-metadata",
      "signature",
    ]
  ) assert.ok(kinds.has(k), `cases include ${k}`);
});

Deno.test(`fuzz - ${CASES} hostile connections over TCP: each is dropped with an event, memory stays bounded, good peers are served`, async () => {
  // Two halves against two sockets: the first half lets the heap grow to its working size, the second
  // must not grow it as much again (a leak grows it in proportion to the cases). The bounds are generous:
  // under a parallel test run the GC lags; `deno task fuzz` shows the plateau over tens of thousands of cases.
  const half = CASES / 2;
  const reports = [];
  for (const first of [0, half]) {
    reports.push(await runFuzz({ seed: SEED, first, cases: half, concurrency: 64, handshakeInterval: 200 }));
  }
  for (const report of reports) {
    const failures = report.failures.slice(0, 5).map((f) => `#${f.index} ${f.description}: ${f.reason}`);
    assert.deepEqual(failures, [], `replay with: deno task fuzz --seed=${SEED} --first=<index> --cases=1`);
    assert.equal(report.cases, half);
    assert.equal(report.accepted, half, "every connection was accepted");
    assert.equal(report.disconnects, half, "every connection ended with a disconnect event");
    const errors = Object.values(report.handshakeErrors).reduce((a, b) => a + b, 0);
    assert.ok(
      errors > half / 2,
      `most cases failed the handshake with an event (${JSON.stringify(report.handshakeErrors)})`,
    );
    assert.ok(report.stillServing, "a well-behaved Push still delivers to the fuzzed Pull");
  }
  const MiB = 2 ** 20;
  const total = reports[1].rssAfter - reports[0].rssBefore;
  const second = reports[1].rssAfter - reports[0].rssAfter;
  assert.ok(total < 512 * MiB, `RSS grew by ${(total / MiB).toFixed(1)} MiB in all`);
  assert.ok(second < 192 * MiB, `RSS grew by ${(second / MiB).toFixed(1)} MiB in the second half`);
});

/** A LONG frame header announcing `size` bytes, with no body behind it. */
function longHeader(flags: number, size: bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = flags | 0x02;
  new DataView(out.buffer).setBigUint64(1, size);
  return out;
}

Deno.test("hostile input - a frame above maxMessageSize is refused at its header, before any body is buffered", async () => {
  await using pull = new Pull({ maxMessageSize: 1024 });
  await pull.bind("tcp://127.0.0.1:*");
  let disconnects = 0;
  pull.events.on("disconnect", () => disconnects++);
  await using peer = await RawPeer.connect(pull.lastEndpoint!);
  await peer.write(GREETING, ready("push"), longHeader(0, 100n * 1024n * 1024n));
  // Only the header was sent: the connection closing now proves nothing waited for the 100 MiB body.
  await withTimeout(peer.ended, 5000, "refusal of the oversized frame");
  await waitFor(() => disconnects === 1, 1000, "disconnect event");
});

Deno.test("hostile input - an oversized READY fails the handshake with handshake:error:protocol", async () => {
  await using pull = new Pull({ maxMessageSize: 1024 });
  await pull.bind("tcp://127.0.0.1:*");
  const errors: string[] = [];
  pull.events.on("handshake:error:protocol", (e) => errors.push((e.error as ProtocolError).detail ?? e.error.message));
  await using peer = await RawPeer.connect(pull.lastEndpoint!);
  await peer.write(GREETING, longHeader(0x04, 4096n));
  await withTimeout(peer.ended, 5000, "refusal");
  await waitFor(() => errors.length === 1, 1000, "event");
  assert.match(errors[0], /maxMessageSize/);
});

Deno.test("hostile input - 8-byte sizes near 2^63 are refused even without maxMessageSize", async () => {
  await using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  let disconnects = 0;
  pull.events.on("disconnect", () => disconnects++);
  for (const size of [2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 53n + 1n]) {
    await using peer = await RawPeer.connect(pull.lastEndpoint!);
    await peer.write(GREETING, ready("push"), longHeader(0, size));
    await withTimeout(peer.ended, 5000, `refusal of size ${size}`);
  }
  await waitFor(() => disconnects === 4, 1000, "4 disconnect events");
});
