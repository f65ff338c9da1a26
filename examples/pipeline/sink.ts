/**
 * Sink: binds a Pull socket, waits for the ventilator's `start N`, collects
 * N results and reports how long the batch took and who did what.
 *
 *   deno run -A examples/pipeline/sink.ts [bind-endpoint]
 *
 * Prints `READY <endpoint>` once bound.
 */
import { Pull } from "../../mod.ts";

const [bindEndpoint = "tcp://127.0.0.1:*"] = Deno.args;
await using receiver = new Pull();
await receiver.bind(bindEndpoint);
console.log(`READY ${receiver.lastEndpoint}`);

const decode = (b: Uint8Array) => new TextDecoder().decode(b);
const [start] = await receiver.receive();
const [word, count] = decode(start).split(" ");
if (word !== "start") throw new Error(`sink: expected "start N" first, got ${JSON.stringify(decode(start))}`);
const expected = Number(count);
const started = performance.now();
const perWorker = new Map<string, number>();
for (let i = 0; i < expected; i++) {
  const [result] = await receiver.receive();
  const [worker] = decode(result).split(" ");
  perWorker.set(worker, (perWorker.get(worker) ?? 0) + 1);
}
const elapsed = performance.now() - started;
const split = [...perWorker].map(([w, n]) => `${w}: ${n}`).join(", ");
console.log(`sink: collected ${expected} results in ${elapsed.toFixed(0)} ms (${split})`);
