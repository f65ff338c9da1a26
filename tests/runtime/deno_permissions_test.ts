/**
 * A bind or connect that Deno's permissions refuse fails with an error that
 * names the missing flag: bind rejects with EACCES, connect reports one
 * `connect:error` event and does not retry. Each case runs a Deno process
 * without the permission (tests/runtime/_permission_probe.ts).
 */
import assert from "node:assert/strict";
import * as zmq from "../../mod.ts";
import { freePort, withTimeout } from "../_helpers.ts";

const PROBE = new URL("./_permission_probe.ts", import.meta.url).pathname;

interface ProbeResult {
  code?: string;
  message?: string;
  bound?: string;
  events?: { type: string; code?: string; message?: string }[];
}

async function probe(flags: string[], mode: "bind" | "connect", endpoint: string): Promise<ProbeResult> {
  const out = await withTimeout(
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", ...flags, PROBE, mode, endpoint],
      env: { DENO_NO_PACKAGE_JSON: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output(),
    30_000,
    "permission probe",
  );
  const stdout = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, `probe failed: ${stdout}${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

function assertRefusedBind(result: ProbeResult, flag: string): void {
  assert.equal(result.bound, undefined, "bind must fail");
  assert.equal(result.code, "EACCES");
  assert.match(result.message!, new RegExp(`run with ${flag}\\b`));
}

function assertRefusedConnect(result: ProbeResult, flag: string): void {
  const types = result.events!.map((e) => e.type);
  assert.deepEqual(types, ["connect:delay", "connect:error"], "one attempt, one error, no retry");
  const error = result.events![1];
  assert.equal(error.code, "EACCES");
  assert.match(error.message!, new RegExp(`run with ${flag}\\b`));
}

Deno.test("Deno permissions - tcp bind without --allow-net rejects naming --allow-net", async () => {
  assertRefusedBind(await probe([], "bind", `tcp://127.0.0.1:${freePort()}`), "--allow-net");
});

Deno.test("Deno permissions - tcp connect without --allow-net reports connect:error naming --allow-net", async () => {
  assertRefusedConnect(await probe([], "connect", `tcp://127.0.0.1:${freePort()}`), "--allow-net");
});

Deno.test("Deno permissions - a net permission for another port is refused too", async () => {
  const port = freePort();
  const result = await probe([`--allow-net=127.0.0.1:${port + 1}`], "connect", `tcp://127.0.0.1:${port}`);
  assertRefusedConnect(result, "--allow-net");
});

Deno.test("Deno permissions - tcp bind and connect work with --allow-net", async () => {
  const port = freePort();
  const bound = await probe(["--allow-net=127.0.0.1"], "bind", `tcp://127.0.0.1:${port}`);
  assert.equal(bound.bound, `tcp://127.0.0.1:${port}`);
  const connected = await probe(["--allow-net=127.0.0.1"], "connect", `tcp://127.0.0.1:${port}`);
  assert.ok(connected.events!.some((e) => e.type === "connect:retry"), "a refused connection is retried");
  assert.ok(!connected.events!.some((e) => e.type === "connect:error"));
});

Deno.test("Deno permissions - ipc bind and connect name each missing flag, --allow-net included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "zmq-ts-perm-" });
  try {
    const endpoint = `ipc://${dir}/socket`;
    const read = `--allow-read=${dir}`;
    const write = `--allow-write=${dir}`;
    assertRefusedBind(await probe([], "bind", endpoint), "--allow-read");
    assertRefusedBind(await probe([read], "bind", endpoint), "--allow-write");
    assertRefusedBind(await probe([read, write], "bind", endpoint), "--allow-net");
    assertRefusedConnect(await probe([], "connect", endpoint), "--allow-read");
    assertRefusedConnect(await probe([read, write], "connect", endpoint), "--allow-net");
    const refused = await probe([read, write], "connect", endpoint);
    assert.match(refused.events![1].message!, /--allow-read --allow-write --allow-net/, "names the whole set");
    const bound = await probe([read, write, `--allow-net=unix:${dir}/socket`], "bind", endpoint);
    assert.equal(bound.bound, endpoint);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Deno permissions - an abstract ipc name (Linux) needs only --allow-net", async () => {
  const endpoint = `ipc://@zmq-ts-perm-${Deno.pid}`;
  const refused = await probe([], "bind", endpoint);
  assertRefusedBind(refused, "--allow-net");
  assert.doesNotMatch(refused.message!, /--allow-read/);
  assert.equal((await probe(["--allow-net"], "bind", endpoint)).bound, endpoint);
});

Deno.test("Deno permissions - a refused ipc bind leaves another process's live socket alone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "zmq-ts-perm-" });
  const endpoint = `ipc://${dir}/socket`;
  try {
    await using pull = new zmq.Pull();
    await pull.bind(endpoint);
    assertRefusedBind(await probe([`--allow-read=${dir}`, `--allow-write=${dir}`], "bind", endpoint), "--allow-net");
    await Deno.stat(`${dir}/socket`); // still there
    await using push = new zmq.Push();
    push.connect(endpoint);
    await push.send("still bound");
    const [msg] = await withTimeout(pull.receive(), 5000, "receive");
    assert.equal(new TextDecoder().decode(msg), "still bound");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
