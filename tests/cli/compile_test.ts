/**
 * The single binary: `deno task cli:compile` builds `dist/zmq-ts`, which
 * runs `--help` and a REQ/REP round trip with libzmq without Deno.
 *
 * `deno compile` needs Deno's `denort` runtime for the target: it downloads
 * it from dl.deno.land, or takes the file `DENORT_BIN` names. Where neither
 * is possible (an offline machine) the test is skipped and says so.
 */
import assert from "node:assert/strict";
import { bytes, HAS_LIBZMQ, hex, LibzmqPeer } from "../_helpers.ts";
import { CliProcess, runCli } from "./_cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BINARY = `${ROOT}dist/zmq-ts`;

async function canCompile(): Promise<boolean> {
  if (Deno.env.get("DENORT_BIN")) return true;
  try {
    return (await Deno.resolveDns("dl.deno.land", "A")).length > 0;
  } catch {
    return false;
  }
}

const COMPILE = await canCompile();
if (!COMPILE) {
  console.log("cli:compile test skipped: no DENORT_BIN and dl.deno.land cannot be reached (denort is downloaded)");
}

Deno.test({ name: "cli:compile - the binary runs --help and a round trip with libzmq", ignore: !COMPILE }, async () => {
  const build = await new Deno.Command(Deno.execPath(), {
    args: ["task", "cli:compile"],
    cwd: ROOT,
    env: { DENO_NO_PACKAGE_JSON: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(300_000),
  }).output();
  assert.ok(build.success, new TextDecoder().decode(build.stderr));
  const help = await runCli(["--help"], { command: BINARY });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: zmq-ts COMMAND/);
  if (!HAS_LIBZMQ) return;
  await using rep = await LibzmqPeer.start("REP");
  const at = await rep.bind();
  await using req = CliProcess.spawn(["req", "--connect", at, "-m", "compiled"], { command: BINARY });
  assert.deepEqual(await rep.recv(), [hex(bytes("compiled"))]);
  await rep.send(["reply"]);
  const result = await req.result();
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "reply\n");
});
