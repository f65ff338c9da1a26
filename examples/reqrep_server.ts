/**
 * Request/reply server: answers every request with `echo <request>`.
 *
 *   deno run -A examples/reqrep_server.ts [bind-endpoint] [max-requests]
 */
import { Reply } from "../mod.ts";

const [endpoint = "tcp://127.0.0.1:5555", max = "Infinity"] = Deno.args;
await using rep = new Reply();
await rep.bind(endpoint);
console.log(`server: listening on ${rep.lastEndpoint}`);

let served = 0;
for await (const [request] of rep) {
  const text = new TextDecoder().decode(request);
  await rep.send(`echo ${text}`);
  if (++served >= Number(max)) break;
}
console.log(`server: answered ${served} requests`);
