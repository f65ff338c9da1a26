/** Runs the example programs as a user would, as separate processes. */
import assert from "node:assert/strict";
import { freePort } from "./_helpers.ts";

async function run(script: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(`../examples/${script}`, import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, `${script} failed:\n${text}\n${new TextDecoder().decode(out.stderr)}`);
  return text;
}

Deno.test("examples - request/reply client and server", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const server = run("reqrep_server.ts", [endpoint, "3"]);
  const client = await run("reqrep_client.ts", [endpoint, "3"]);
  assert.match(client, /client: echo hello 1 .*\n.*echo hello 2.*\n.*echo hello 3/);
  assert.match(await server, /server: answered 3 requests/);
});

Deno.test("examples - the pipeline demo runs ventilator, workers and sink as processes", async () => {
  const out = await run("pipeline_demo.ts", ["3", "60"]);
  assert.match(out, /\[ventilator\] ventilator: sent 60 tasks/);
  assert.match(out, /\[sink\] sink: collected 60 results/);
  assert.equal(out.match(/\[worker-\d\] worker-\d: processed \d+ tasks/g)?.length, 3);
  assert.match(out, /demo: pipeline finished/);
  // The summary table: a row per part with the figures it printed, and the batch's throughput.
  assert.match(out, /^\| part +\| sockets +\| messages +\| time +\|$/m);
  assert.match(out, /^\| ventilator +\| .* \| 60 sent +\|/m);
  assert.equal(out.match(/^\| worker-\d +\| .* \| \d+ processed +\| busy \d+ ms +\|$/gm)?.length, 3);
  assert.match(out, /^\| sink +\| .* \| 60 received +\|/m);
  assert.match(out, /^60 results in \d+ ms: \d+ tasks\/s$/m);
});
