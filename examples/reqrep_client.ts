/**
 * Request/reply client: sends N requests, one at a time, and prints each reply
 * with its round-trip time.
 *
 *   deno run -A examples/reqrep_client.ts [connect-endpoint] [requests]
 */
import { Request } from "../mod.ts";

const [endpoint = "tcp://127.0.0.1:5555", count = "5"] = Deno.args;
await using req = new Request({ receiveTimeout: 5000 });
req.connect(endpoint);

for (let i = 1; i <= Number(count); i++) {
  const started = performance.now();
  await req.send(`hello ${i}`);
  const [reply] = await req.receive();
  const ms = (performance.now() - started).toFixed(2);
  console.log(`client: ${new TextDecoder().decode(reply)} (${ms} ms)`);
}
