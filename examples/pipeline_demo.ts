/**
 * The demo: a PUSH/PULL pipeline (ventilator → workers → sink) across
 * separate processes over TCP on 127.0.0.1, each printing what it did.
 *
 *   deno run -A examples/pipeline_demo.ts [workers] [tasks]
 */

const [workerCount = "3", taskCount = "100"] = Deno.args;
const here = new URL(".", import.meta.url);
const decoder = new TextDecoder();

interface Part {
  name: string;
  child: Deno.ChildProcess;
  ready: Promise<string>;
  done: Promise<void>;
  /** What the part printed (after READY). */
  lines: string[];
}

/** Starts one part as its own Deno process; resolves `ready` with what follows its READY line. */
function start(name: string, script: string, args: string[], stdin: "piped" | "null" = "null"): Part {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(script, here).pathname, ...args],
    stdin,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const { promise: ready, resolve: onReady } = Promise.withResolvers<string>();
  const lines: string[] = [];
  const done = (async () => {
    let buffered = "";
    for await (const chunk of child.stdout) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith("READY ")) onReady(line.slice(6));
        else {
          lines.push(line);
          console.log(`[${name}] ${line}`);
        }
      }
    }
    await child.status;
  })();
  return { name, child, ready, done, lines };
}

/** The summary: one row per part, from the figures each printed, and the batch's throughput. */
function summary(parts: Part[]): string {
  const find = (part: Part, pattern: RegExp) => part.lines.map((l) => pattern.exec(l)).find((m) => m !== null);
  const rows: string[][] = [["part", "sockets", "messages", "time"]];
  let total = 0;
  let elapsed = 0;
  for (const part of parts) {
    if (part.name === "ventilator") {
      const m = find(part, /sent (\d+) tasks, (\d+) ms of work/);
      rows.push([
        part.name,
        "PUSH (bind), PUSH to sink",
        `${m?.[1] ?? "?"} sent`,
        `${m?.[2] ?? "?"} ms of work queued`,
      ]);
    } else if (part.name === "sink") {
      const m = find(part, /collected (\d+) results in (\d+) ms/);
      total = Number(m?.[1] ?? 0);
      elapsed = Number(m?.[2] ?? 0);
      rows.push([part.name, "PULL (bind)", `${m?.[1] ?? "?"} received`, `${m?.[2] ?? "?"} ms for the batch`]);
    } else {
      const m = find(part, /processed (\d+) tasks, busy (\d+) ms/);
      rows.push([part.name, "PULL, PUSH (connect)", `${m?.[1] ?? "?"} processed`, `busy ${m?.[2] ?? "?"} ms`]);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => "| " + r.map((cell, c) => cell.padEnd(widths[c])).join(" | ") + " |";
  const rule = "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|";
  const rate = elapsed > 0 ? Math.round((total / elapsed) * 1000) : 0;
  return [line(rows[0]), rule, ...rows.slice(1).map(line), `${total} results in ${elapsed} ms: ${rate} tasks/s`]
    .join("\n");
}

const parts: Part[] = [];
const timeout = setTimeout(() => {
  console.error("demo: timed out; stopping the parts");
  for (const p of parts) p.child.kill("SIGKILL");
}, 60_000);

try {
  const sink = start("sink", "pipeline/sink.ts", []);
  parts.push(sink);
  const sinkEndpoint = await sink.ready;
  const ventilator = start("ventilator", "pipeline/ventilator.ts", [sinkEndpoint, taskCount, workerCount], "piped");
  parts.push(ventilator);
  const ventilatorEndpoint = await ventilator.ready;
  console.log(`demo: sink on ${sinkEndpoint}, ventilator on ${ventilatorEndpoint}, ${workerCount} workers`);
  const workers: Part[] = [];
  for (let i = 1; i <= Number(workerCount); i++) {
    const worker = start(`worker-${i}`, "pipeline/worker.ts", [ventilatorEndpoint, sinkEndpoint, `worker-${i}`]);
    workers.push(worker);
    parts.push(worker);
  }
  await Promise.all(workers.map((w) => w.ready));
  // Give the workers' connections a moment to complete, then start the batch.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const writer = ventilator.child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("go\n"));
  await writer.close();
  await Promise.all(parts.map((p) => p.done));
  console.log("demo: pipeline finished\n");
  console.log(summary([ventilator, ...workers, sink]));
} finally {
  clearTimeout(timeout);
}
