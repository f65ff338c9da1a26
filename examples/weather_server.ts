/**
 * Weather update server (the ZeroMQ guide's wuserver): binds a Publisher and
 * publishes random updates "zipcode temperature humidity" as fast as it can.
 * Subscribers pick their zip code with a prefix subscription; the filtering
 * happens here, at the publisher, so only matching updates cross the network.
 *
 *   deno run -A examples/weather_server.ts [bind-endpoint] [updates]
 *
 * Defaults: tcp://127.0.0.1:5556, and updates without end. Zip codes are
 * five digits (00000 to 99999), temperatures -80..134 °F, humidity 10..59 %.
 */
import { Publisher } from "../mod.ts";

const [endpoint = "tcp://127.0.0.1:5556", updates = "Infinity"] = Deno.args;
const total = Number(updates);

await using publisher = new Publisher();
await publisher.bind(endpoint);
console.log(`weather server: publishing on ${publisher.lastEndpoint}`);

const random = (n: number) => Math.floor(Math.random() * n);
let sent = 0;
while (sent < total) {
  const zipcode = String(random(100_000)).padStart(5, "0");
  const temperature = random(215) - 80;
  const humidity = random(50) + 10;
  await publisher.send(`${zipcode} ${temperature} ${humidity}`);
  sent++;
}
console.log(`weather server: published ${sent} updates`);
