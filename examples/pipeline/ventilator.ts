/**
 * Task ventilator: binds a Push socket, waits for workers, then sends tasks
 * (each a number of milliseconds of "work") and tells the sink how many.
 *
 *   deno run -A examples/pipeline/ventilator.ts <sink-endpoint> [tasks] [workers] [bind-endpoint]
 *
 * After the tasks it sends one `stop` per worker; round-robin gives each
 * worker one, after its last task.
 * Prints `READY <endpoint>` once bound, then waits for a line on stdin (or
 * 1 s when stdin is not a pipe) so workers can connect before tasks go out.
 */
import { Push } from "../../mod.ts";

const [sinkEndpoint, count = "100", workers = "0", bindEndpoint = "tcp://127.0.0.1:*"] = Deno.args;
if (!sinkEndpoint) {
  console.error("usage: ventilator.ts <sink-endpoint> [tasks] [workers] [bind-endpoint]");
  Deno.exit(2);
}
const tasks = Number(count);

await using sender = new Push();
await sender.bind(bindEndpoint);
console.log(`READY ${sender.lastEndpoint}`);

// Wait for the go signal (the workers have connected).
const go = new Uint8Array(16);
await Promise.race([Deno.stdin.read(go), new Promise((r) => setTimeout(r, 1000))]);

// Tell the sink how many results to expect, and be sure it got that first.
await using sink = new Push();
const connected = new Promise((resolve) => sink.events.on("handshake", resolve));
sink.connect(sinkEndpoint);
await connected;
await sink.send(`start ${tasks}`);

let totalMs = 0;
for (let i = 0; i < tasks; i++) {
  const workload = 1 + Math.floor(Math.random() * 20);
  totalMs += workload;
  await sender.send(String(workload));
}
for (let i = 0; i < Number(workers); i++) await sender.send("stop");
console.log(`ventilator: sent ${tasks} tasks, ${totalMs} ms of work in all`);
