/**
 * Worker: pulls tasks from the ventilator, "works" for the given number of
 * milliseconds, and pushes a result to the sink. Ends on the word `stop`.
 *
 *   deno run -A examples/pipeline/worker.ts <ventilator-endpoint> <sink-endpoint> [name]
 */
import { Pull, Push } from "../../mod.ts";

const [ventilator, sinkEndpoint, name = `worker-${Deno.pid}`] = Deno.args;
if (!ventilator || !sinkEndpoint) {
  console.error("usage: worker.ts <ventilator-endpoint> <sink-endpoint> [name]");
  Deno.exit(2);
}

await using receiver = new Pull();
receiver.connect(ventilator);
await using sender = new Push();
sender.connect(sinkEndpoint);
console.log(`READY ${name}`);

let done = 0;
let busyMs = 0;
for await (const [task] of receiver) {
  const text = new TextDecoder().decode(task);
  if (text === "stop") break;
  const ms = Number(text);
  await new Promise((resolve) => setTimeout(resolve, ms));
  busyMs += ms;
  done++;
  await sender.send(`${name} ${ms}`);
}
console.log(`${name}: processed ${done} tasks, busy ${busyMs} ms`);
