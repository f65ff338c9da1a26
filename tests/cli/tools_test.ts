/**
 * keygen, PLAIN and CURVE options, proxy, monitor and perf against libzmq
 * peers (pyzmq).
 */
import assert from "node:assert/strict";
import { bytes, HAS_LIBZMQ, hex, LibzmqPeer, PYTHON, unhex, withTimeout } from "../_helpers.ts";
import { SecurePeer } from "../interop/_secure_peer.ts";
import { CliProcess, lines, runCli } from "./_cli.ts";

const ignore = !HAS_LIBZMQ;
const texts = (frames: (string | { len: number })[]) => frames.map((f) => new TextDecoder().decode(unhex(f as string)));
const z85 = (key: string) => hex(bytes(key));

async function keygen(): Promise<{ publicKey: string; secretKey: string }> {
  const result = await runCli(["keygen", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

Deno.test("cli keygen - prints a key pair as curve_keygen does; --secret-key derives the public key", async () => {
  const result = await runCli(["keygen"]);
  assert.equal(result.code, 0);
  const m = /^== CURVE PUBLIC KEY ==\n(.{40})\n\n== CURVE SECRET KEY ==\n(.{40})\n$/.exec(result.stdout);
  assert.ok(m, result.stdout);
  const derived = await runCli(["keygen", "--secret-key", m[2], "--json"]);
  assert.equal(JSON.parse(derived.stdout).publicKey, m[1]);
  assert.equal((await runCli(["keygen", "--secret-key", "short"])).code, 2);
});

Deno.test({ name: "cli curve - keygen's keys work with libzmq, as server and as client", ignore }, async () => {
  const server = await keygen();
  const client = await keygen();
  // zmq-ts CURVE server, libzmq client.
  await using cli = CliProcess.spawn([
    "pull",
    "--bind",
    "tcp://127.0.0.1:*",
    "-n",
    "1",
    "--curve-server",
    "--curve-secret-key",
    server.secretKey,
    "--curve-allow",
    client.publicKey,
  ]);
  const at = await cli.bound();
  await using push = await LibzmqPeer.start("PUSH", {
    CURVE_SERVERKEY: z85(server.publicKey),
    CURVE_PUBLICKEY: z85(client.publicKey),
    CURVE_SECRETKEY: z85(client.secretKey),
  });
  await push.connect(at);
  await push.send(["secret"]);
  const result = await cli.result();
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ["secret"]);
  // libzmq CURVE server, zmq-ts client with an ephemeral key pair.
  await using pull = await LibzmqPeer.start("PULL", { CURVE_SERVER: 1, CURVE_SECRETKEY: z85(server.secretKey) });
  const pullAt = await pull.bind();
  const sent = await runCli(["push", "--connect", pullAt, "--curve-server-key", server.publicKey, "-m", "to libzmq"]);
  assert.equal(sent.code, 0, sent.stderr);
  assert.deepEqual(texts(await pull.recv()), ["to libzmq"]);
});

Deno.test({ name: "cli curve - a client key not in --curve-allow is refused (exit 4)", ignore }, async () => {
  const server = await keygen();
  const allowed = await keygen();
  await using cli = CliProcess.spawn([
    "pull",
    "--bind",
    "tcp://127.0.0.1:*",
    "--curve-server",
    "--curve-secret-key",
    server.secretKey,
    "--curve-allow",
    allowed.publicKey,
    "--timeout",
    "3000",
  ]);
  const at = await cli.bound();
  const refused = await runCli(["push", "-c", at, "--curve-server-key", server.publicKey, "-m", "x"]);
  assert.equal(refused.code, 4, refused.stderr);
  assert.match(refused.stderr, /handshake:error:auth/);
  cli.kill("SIGINT");
  assert.equal((await cli.result()).stdout, "", "nothing got through");
});

Deno.test(
  { name: "cli plain - users in --plain-allow get in from libzmq; a wrong password does not", ignore },
  async () => {
    await using cli = CliProcess.spawn([
      "pull",
      "--bind",
      "tcp://127.0.0.1:*",
      "-n",
      "1",
      "--plain-server",
      "--plain-allow",
      "admin:secret",
    ]);
    const at = await cli.bound();
    await using wrong = await LibzmqPeer.start("PUSH", {
      PLAIN_USERNAME: hex(bytes("admin")),
      PLAIN_PASSWORD: hex(bytes("guess")),
    });
    await wrong.connect(at);
    await wrong.send(["should not arrive"]);
    await cli.waitFor(/handshake:error:auth/);
    await using right = await LibzmqPeer.start("PUSH", {
      PLAIN_USERNAME: hex(bytes("admin")),
      PLAIN_PASSWORD: hex(bytes("secret")),
    });
    await right.connect(at);
    await right.send(["welcome"]);
    const result = await cli.result();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), ["welcome"]);
    // The other role: zmq-ts PLAIN client, libzmq PLAIN server (with a ZAP handler, which libzmq needs for PLAIN).
    await using pull = await SecurePeer.start("PULL", { PLAIN_SERVER: 1 }, { plain: { u: "p" } });
    const pullAt = await pull.bind();
    const sent = await runCli(["push", "-c", pullAt, "--plain-username", "u", "--plain-password", "p", "-m", "hi"]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.deepEqual(texts(await pull.recv()), ["hi"]);
    const refused = await runCli(["push", "-c", pullAt, "--plain-username", "u", "--plain-password", "x", "-m", "no"]);
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /handshake:error:auth/);
  },
);

Deno.test({ name: "cli proxy - brokers libzmq REQ and REP; Ctrl-C stops it (exit 130)", ignore }, async () => {
  await using cli = CliProcess.spawn(["proxy", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*"]);
  const front = await cli.bound();
  const back = (await cli.waitFor(/bound to \S+\nzmq-ts: bound to (\S+)/))[1];
  await using rep = await LibzmqPeer.start("REP");
  await rep.connect(back);
  await using req = await LibzmqPeer.start("REQ");
  await req.connect(front);
  await req.send(["question"]);
  assert.deepEqual(texts(await rep.recv()), ["question"]);
  await rep.send(["answer"]);
  assert.deepEqual(texts(await req.recv()), ["answer"]);
  cli.kill("SIGINT");
  assert.equal((await cli.result()).code, 130);
});

Deno.test({ name: "cli proxy - an XSUB/XPUB forwarder with a capture socket", ignore }, async () => {
  await using pub = await LibzmqPeer.start("PUB");
  const pubAt = await pub.bind();
  await using cli = CliProcess.spawn([
    "proxy",
    "--front-type",
    "xsub",
    "--back-type",
    "xpub",
    `>${pubAt}`,
    "tcp://127.0.0.1:*",
  ]);
  const back = await cli.bound();
  await using sub = await LibzmqPeer.start("SUB", { SUBSCRIBE: hex(bytes("k")) });
  await sub.connect(back);
  let got: string[] | null = null;
  for (let i = 0; i < 200 && got === null; i++) {
    await pub.send(["k1", "v"]);
    const frames = await sub.tryRecv(25);
    if (frames !== null) got = texts(frames);
  }
  assert.deepEqual(got, ["k1", "v"]);
  cli.kill("SIGTERM");
  assert.equal((await cli.result()).code, 143);
});

Deno.test({ name: "cli monitor - prints a libzmq ROUTER's handshake: type, mechanism, metadata", ignore }, async () => {
  await using router = await LibzmqPeer.start("ROUTER");
  const at = await router.bind();
  const result = await runCli(["monitor", at, "--count", "1", "--format", "json"]);
  assert.equal(result.code, 0, result.stderr);
  const events = lines(result.stdout).map((l) => JSON.parse(l));
  assert.deepEqual(events.map((e) => e.type), ["connect:delay", "connect", "handshake"]);
  const peer = events[2].peer;
  assert.equal(peer.socketType, "ROUTER");
  assert.equal(peer.mechanism, "NULL");
  assert.equal(peer.zmtpVersion, "3.1");
  assert.equal(peer.metadata["Socket-Type"], "ROUTER");
  const text = await runCli(["monitor", at, "--count", "1"]);
  assert.match(
    text.stdout,
    /^handshake tcp:\S+\n {2}peer: ROUTER, mechanism NULL, ZMTP 3\.1\n {2}Socket-Type: ROUTER$/m,
  );
});

Deno.test({ name: "cli monitor - finds a type a libzmq PUB accepts, and reports its handshake", ignore }, async () => {
  await using pub = await LibzmqPeer.start("PUB");
  const at = await pub.bind();
  const result = await runCli(["monitor", at, "--count", "1", "-f", "json"]);
  assert.equal(result.code, 0, result.stderr);
  const events = lines(result.stdout).map((l) => JSON.parse(l));
  const refused = events.find((e) => e.type === "handshake:error:protocol");
  assert.equal(refused.peer.socketType, "PUB", "what the peer announced, even when DEALER was incompatible");
  assert.match(result.stderr, /reconnecting as SUB/);
  const done = events.at(-1);
  assert.equal(done.type, "handshake");
  assert.equal(done.peer.socketType, "PUB");
  // With an explicit incompatible --type, it stops there: exit 4.
  assert.equal((await runCli(["monitor", at, "--type", "push"])).code, 4);
});

Deno.test("cli monitor - nothing listening: retries shown, --timeout ends it with 3", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const result = await runCli(["monitor", `tcp://127.0.0.1:${port}`, "--timeout", "500"]);
  assert.equal(result.code, 3);
  assert.match(result.stdout, /connect:retry tcp:\/\/127\.0\.0\.1:\d+ \(next attempt in \d+ ms\)/);
});

function perfPeer(args: string[]): { child: Deno.ChildProcess; lines: AsyncIterator<string> } {
  const child = new Deno.Command(PYTHON, {
    args: [new URL("./perf_peer.py", import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const iterator = {
    async next(): Promise<IteratorResult<string>> {
      while (!buffered.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) return { value: undefined, done: true };
        buffered += value;
      }
      const nl = buffered.indexOf("\n");
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      return { value: line, done: false };
    },
  };
  return { child, lines: iterator };
}

Deno.test({ name: "cli perf thr - local against libzmq's remote_thr, remote against local_thr", ignore }, async () => {
  await using local = CliProcess.spawn(["perf", "thr", "local", "tcp://127.0.0.1:*", "100", "2000"]);
  const at = await local.bound();
  const remote = perfPeer(["remote_thr", at, "100", "2000"]);
  const result = await local.result();
  await remote.child.status;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^message size: 100 \[B\]\nmessage count: 2000\nmean throughput: \d+ \[msg\/s\]\n/);
  assert.match(result.stdout, /mean throughput: [\d.]+ \[Mb\/s\]\nmean throughput: [\d.]+ \[MB\/s\]\n$/);

  const peer = perfPeer(["local_thr", "tcp://127.0.0.1:*", "64", "3000"]);
  const { endpoint } = JSON.parse((await peer.lines.next()).value);
  const sent = await runCli(["perf", "thr", "remote", endpoint, "--size", "64", "--count", "3000"]);
  assert.equal(sent.code, 0, sent.stderr);
  const report = JSON.parse((await withTimeout(peer.lines.next(), 20_000, "local_thr")).value);
  assert.deepEqual([report.received, report.sizes_ok], [3000, true]);
  await peer.child.status;
});

Deno.test({ name: "cli perf lat - remote against libzmq's local_lat; both ends in one process", ignore }, async () => {
  const peer = perfPeer(["local_lat", "tcp://127.0.0.1:*", "32", "500"]);
  const { endpoint } = JSON.parse((await peer.lines.next()).value);
  const result = await runCli(["perf", "lat", "remote", endpoint, "32", "500"]);
  await peer.child.status;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^message size: 32 \[B\]\nroundtrip count: 500\naverage latency: [\d.]+ \[us\]\n/);
  const both = await runCli(["perf", "lat", "--count", "200", "--json"]);
  assert.equal(both.code, 0, both.stderr);
  const figures = JSON.parse(both.stdout);
  assert.equal(figures.roundtripCount, 200);
  assert.ok(figures.averageLatency > 0);
  assert.equal((await runCli(["perf", "nope"])).code, 2);
});
