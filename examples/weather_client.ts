/**
 * Weather update client (the ZeroMQ guide's wuclient): connects a Subscriber
 * to the weather server, subscribes to one zip code, averages a number of
 * updates and prints the result.
 *
 *   deno run -A examples/weather_client.ts [connect-endpoint] [zipcode] [updates]
 *
 * Defaults: tcp://127.0.0.1:5556, zip code 10001, 100 updates. Start
 * examples/weather_server.ts first (or after: the subscriber reconnects).
 */
import { Subscriber } from "../mod.ts";

const [endpoint = "tcp://127.0.0.1:5556", zipcode = "10001", updates = "100"] = Deno.args;
const wanted = Number(updates);

await using subscriber = new Subscriber();
subscriber.connect(endpoint);
// The trailing space makes the prefix match exactly this zip code.
subscriber.subscribe(`${zipcode} `);
console.log(`weather client: collecting ${wanted} updates for zip code ${zipcode} from ${endpoint}`);

let temperature = 0;
let humidity = 0;
let received = 0;
for await (const [update] of subscriber) {
  const [, t, h] = new TextDecoder().decode(update).split(" ");
  temperature += Number(t);
  humidity += Number(h);
  if (++received === wanted) break;
}
const average = (sum: number) => (sum / received).toFixed(1);
console.log(
  `weather client: average temperature for zip code ${zipcode} was ${average(temperature)}F, ` +
    `humidity ${average(humidity)}% (${received} updates)`,
);
