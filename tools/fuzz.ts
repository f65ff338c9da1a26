/**
 * The long hostile-input run: `deno task fuzz [--seed=N] [--cases=N]
 * [--duration=SECONDS] [--first=N] [--concurrency=N]`.
 *
 * Uses the case generator and harness of the in-suite fuzz test
 * (tests/reliability/_fuzz_cases.ts): mutated greetings, handshakes and
 * frames thrown over real TCP at a bound zmq-ts Pull. Runs in batches of
 * 5000 cases, each against a fresh socket, and prints one line per batch
 * (cases, failures, events, RSS) so a leak shows as RSS that keeps
 * climbing. A failure is printed with the seed and index that replay it
 * (`--first=INDEX --cases=1`). Exits with 1 on any failure.
 *
 * @module
 */
import { runFuzz } from "../tests/reliability/_fuzz_cases.ts";

function arg(name: string, fallback: number): number {
  const found = Deno.args.find((a) => a.startsWith(`--${name}=`));
  if (found === undefined) return fallback;
  const value = Number(found.slice(name.length + 3));
  if (!Number.isFinite(value)) throw new TypeError(`--${name} needs a number, got ${found}`);
  return value;
}

const seed = arg("seed", Date.now() % 0x7fffffff);
const duration = arg("duration", 0);
const cases = arg("cases", duration > 0 ? Number.MAX_SAFE_INTEGER : 50_000);
const first = arg("first", 0);
const concurrency = arg("concurrency", 64);
const BATCH = 5000;
const MiB = (n: number) => (n / 2 ** 20).toFixed(1);

console.log(
  `fuzz: seed=${seed} first=${first} cases=${duration > 0 ? `for ${duration} s` : cases} concurrency=${concurrency}`,
);
const started = Date.now();
let done = 0;
let failed = 0;
let peak = 0;
const totals: Record<string, number> = {};
while (done < cases && (duration === 0 || Date.now() - started < duration * 1000)) {
  const n = Math.min(BATCH, cases - done);
  const report = await runFuzz({ seed, first: first + done, cases: n, concurrency });
  done += report.cases;
  failed += report.failures.length;
  peak = Math.max(peak, report.rssPeak);
  for (const [k, v] of Object.entries(report.handshakeErrors)) totals[k] = (totals[k] ?? 0) + v;
  totals.accepted = (totals.accepted ?? 0) + report.accepted;
  totals.disconnects = (totals.disconnects ?? 0) + report.disconnects;
  totals.delivered = (totals.delivered ?? 0) + report.delivered;
  if (!report.stillServing) {
    failed++;
    console.log(`  batch at ${first + done - n}: a well-behaved Push could no longer deliver`);
  }
  if (report.disconnects !== report.accepted) {
    failed++;
    console.log(`  batch at ${first + done - n}: ${report.accepted} accepted, ${report.disconnects} disconnect events`);
  }
  for (const f of report.failures) {
    console.log(`  FAIL seed=${seed} index=${f.index} (${f.description}): ${f.reason}`);
  }
  console.log(
    `${done} cases, ${failed} failures, ${report.ms} ms for the batch, ` +
      `RSS ${MiB(report.rssAfter)} MiB (peak ${MiB(peak)} MiB), ${JSON.stringify(report.handshakeErrors)}`,
  );
}
console.log(
  `fuzz: ${done} cases in ${((Date.now() - started) / 1000).toFixed(1)} s, ${failed} failures, ` +
    `peak RSS ${MiB(peak)} MiB, totals ${JSON.stringify(totals)}`,
);
if (failed > 0) Deno.exit(1);
