/**
 * The socket commands against libzmq peers (pyzmq): each pattern in both
 * roles where it has two, the formats, multipart, timeouts, exit codes and
 * a clean close on Ctrl-C.
 */
import assert from "node:assert/strict";
import { bytes, freePort, HAS_LIBZMQ, hex, LibzmqPeer, unhex, waitFor } from "../_helpers.ts";
import { CliProcess, lines, runCli } from "./_cli.ts";

const ignore = !HAS_LIBZMQ;
const endpoint = () => `tcp://127.0.0.1:${freePort()}`;
const texts = (frames: (string | { len: number })[]) => frames.map((f) => new TextDecoder().decode(unhex(f as string)));

Deno.test({ name: "cli pull - prints a libzmq PUSH's multipart messages, frames TAB-separated", ignore }, async () => {
  await using cli = CliProcess.spawn(["pull", "--bind", "tcp://127.0.0.1:*", "--count", "2"]);
  const at = await cli.bound();
  await using push = await LibzmqPeer.start("PUSH");
  await push.connect(at);
  await push.send(["job", "1"]);
  await push.send(["plain"]);
  const result = await cli.result();
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ["job\t1", "plain"]);
  assert.doesNotMatch(result.stderr, /msgs,/, "no progress line when standard error is a pipe");
});

Deno.test({ name: "cli push - sends standard input's lines to a libzmq PULL, split into frames", ignore }, async () => {
  await using pull = await LibzmqPeer.start("PULL");
  const at = await pull.bind();
  const result = await runCli(["push", "--connect", at], { stdin: "a\tb\nsingle\r\n" });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(texts(await pull.recv()), ["a", "b"]);
  assert.deepEqual(texts(await pull.recv()), ["single"]);
});

Deno.test({ name: "cli push - --message with --count, --rate and a custom separator", ignore }, async () => {
  await using pull = await LibzmqPeer.start("PULL");
  const at = await pull.bind();
  const result = await runCli(["push", "-c", at, "-m", "x|y", "--separator", "|", "--count", "3", "--rate", "100"]);
  assert.equal(result.code, 0, result.stderr);
  for (let i = 0; i < 3; i++) assert.deepEqual(texts(await pull.recv()), ["x", "y"]);
  assert.equal(await pull.tryRecv(200), null);
});

Deno.test({ name: "cli sub - receives the subscribed topics from a libzmq PUB", ignore }, async () => {
  await using pub = await LibzmqPeer.start("PUB");
  const at = await pub.bind();
  await using cli = CliProcess.spawn(["sub", "--connect", at, "--subscribe", "weather.", "--count", "1"]);
  // A subscriber joins late: publish until it has one.
  for (let i = 0; i < 500 && cli.stdout === ""; i++) {
    await pub.send(["sport.tennis", "6-4"]);
    await pub.send(["weather.paris", "21C"]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const result = await cli.result();
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ["weather.paris\t21C"]);
});

Deno.test({ name: "cli pub - publishes to a libzmq SUB once it subscribed", ignore }, async () => {
  await using cli = CliProcess.spawn(["pub", "--bind", "tcp://127.0.0.1:*"]);
  const at = await cli.bound();
  await using sub = await LibzmqPeer.start("SUB", { SUBSCRIBE: hex(bytes("news")) });
  await sub.connect(at);
  let got: string[] | null = null;
  for (let i = 0; i < 100 && got === null; i++) {
    await cli.write("news\tflash\nother\tignored\n");
    const frames = await sub.tryRecv(50);
    if (frames !== null) got = texts(frames);
  }
  assert.deepEqual(got, ["news", "flash"]);
  const result = await cli.result();
  assert.equal(result.code, 0, result.stderr);
});

Deno.test({ name: "cli req - round trips with a libzmq REP", ignore }, async () => {
  await using rep = await LibzmqPeer.start("REP");
  const at = await rep.bind();
  await using cli = CliProcess.spawn(["req", "--connect", at]);
  await cli.write("ping 1\n");
  assert.deepEqual(texts(await rep.recv()), ["ping 1"]);
  await rep.send(["pong", "1"]);
  await cli.waitFor(/pong\t1\n/, "stdout");
  await cli.write("ping 2\n");
  assert.deepEqual(texts(await rep.recv()), ["ping 2"]);
  await rep.send(["pong 2"]);
  await cli.closeStdin();
  const result = await cli.result();
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ["pong\t1", "pong 2"]);
});

Deno.test({ name: "cli rep --echo - answers a libzmq REQ", ignore }, async () => {
  await using cli = CliProcess.spawn(["rep", "--bind", "tcp://127.0.0.1:*", "--echo", "--count", "2"]);
  const at = await cli.bound();
  await using req = await LibzmqPeer.start("REQ");
  await req.connect(at);
  for (const body of [["hello"], ["multi", "part"]]) {
    await req.send(body);
    assert.deepEqual(texts(await req.recv()), body);
  }
  const result = await cli.result();
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ["hello", "multi\tpart"]);
});

Deno.test({ name: "cli rep - answers with standard input's lines", ignore }, async () => {
  await using cli = CliProcess.spawn(["rep", "--bind", "tcp://127.0.0.1:*", "--count", "1"]);
  const at = await cli.bound();
  await using req = await LibzmqPeer.start("REQ");
  await req.connect(at);
  await req.send(["question"]);
  await cli.waitFor(/question/, "stdout");
  await cli.write("answer\n");
  assert.deepEqual(texts(await req.recv()), ["answer"]);
  assert.equal((await cli.result()).code, 0);
});

Deno.test({ name: "cli dealer - a named DEALER round trip through a libzmq ROUTER", ignore }, async () => {
  await using router = await LibzmqPeer.start("ROUTER");
  const at = await router.bind();
  await using cli = CliProcess.spawn(["dealer", "--connect", at, "--routing-id", "worker-1", "--count", "1"]);
  await cli.write("ready\n");
  assert.deepEqual(texts(await router.recv()), ["worker-1", "ready"]);
  await router.send(["worker-1", "job", "42"]);
  const result = await cli.result();
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ["job\t42"]);
});

Deno.test({ name: "cli router --echo -f json - echoes a libzmq DEALER, printing the routing id", ignore }, async () => {
  await using cli = CliProcess.spawn(["router", "--bind", "tcp://127.0.0.1:*", "--echo", "-f", "json", "-n", "1"]);
  const at = await cli.bound();
  await using dealer = await LibzmqPeer.start("DEALER", { ROUTING_ID: hex(bytes("d1")) });
  await dealer.connect(at);
  await dealer.send(["hi", "there"]);
  assert.deepEqual(texts(await dealer.recv()), ["hi", "there"]);
  const result = await cli.result();
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(lines(result.stdout)[0]), ["d1", "hi", "there"]);
});

Deno.test({ name: "cli router - sends input messages to the peer its first frame names", ignore }, async () => {
  await using cli = CliProcess.spawn(["router", "--bind", "tcp://127.0.0.1:*", "-i", "json", "-n", "2"]);
  const at = await cli.bound();
  await using dealer = await LibzmqPeer.start("DEALER", { ROUTING_ID: hex(bytes("peer-7")) });
  await dealer.connect(at);
  await dealer.send(["hello"]);
  await cli.waitFor(/peer-7\thello/, "stdout");
  await cli.write('["peer-7", "reply", {"hex": "00ff"}]\n');
  const frames = await dealer.recv();
  assert.deepEqual(frames, [hex(bytes("reply")), "00ff"]);
  await dealer.send(["bye"]); // the second arrival ends the command (--count 2)
  assert.equal((await cli.result()).code, 0);
});

Deno.test({ name: "cli pair - both directions with a libzmq PAIR over ipc", ignore }, async () => {
  const dir = await Deno.makeTempDir({ prefix: "zmq-ts-cli-" });
  try {
    const at = `ipc://${dir}/pair.sock`;
    await using cli = CliProcess.spawn(["pair", "--bind", at, "--count", "1"]);
    await cli.bound();
    await using pair = await LibzmqPeer.start("PAIR");
    await pair.connect(at);
    await cli.write("from cli\n");
    assert.deepEqual(texts(await pair.recv()), ["from cli"]);
    await pair.send(["from libzmq"]);
    const result = await cli.result();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), ["from libzmq"]);
    await assert.rejects(Deno.stat(`${dir}/pair.sock`), Deno.errors.NotFound, "the socket file is removed at exit");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({ name: "cli xpub - prints a libzmq SUB's subscription as hex", ignore }, async () => {
  await using cli = CliProcess.spawn(["xpub", "--bind", "tcp://127.0.0.1:*", "-f", "hex", "-n", "1"]);
  const at = await cli.bound();
  await using sub = await LibzmqPeer.start("SUB", { SUBSCRIBE: hex(bytes("ab")) });
  await sub.connect(at);
  const result = await cli.result();
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ["016162"]);
});

Deno.test({ name: "cli xsub - subscribes upstream and prints a libzmq PUB's messages", ignore }, async () => {
  await using pub = await LibzmqPeer.start("XPUB");
  const at = await pub.bind();
  await using cli = CliProcess.spawn(["xsub", "--connect", at, "--subscribe", "t", "-n", "1"]);
  assert.deepEqual(await pub.recv(), ["0174"], "the subscription reaches libzmq");
  await pub.send(["t1", "body"]);
  const result = await cli.result();
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ["t1\tbody"]);
});

Deno.test({ name: "cli formats - hex, json and raw output of binary frames", ignore }, async () => {
  for (
    const [format, extra, expected] of [
      ["hex", [], "00ff\t6869\n"],
      ["json", [], '[{"hex":"00ff"},"hi"]\n'],
      ["raw", ["--delimiter", "\\0", "--separator", "|"], "\x00\xff|hi\x00"],
      ["text", [], "\\x00\\xff\thi\n"],
    ] as const
  ) {
    await using cli = CliProcess.spawn(["pull", "--bind", "tcp://127.0.0.1:*", "-n", "1", "-f", format, ...extra]);
    const at = await cli.bound();
    await using push = await LibzmqPeer.start("PUSH");
    await push.connect(at);
    await push.send([new Uint8Array([0, 255]), "hi"]);
    const result = await cli.result();
    assert.equal(result.code, 0, result.stderr);
    if (format === "raw") {
      // The raw bytes, not UTF-8 text: compare what was written byte for byte.
      assert.deepEqual(new TextEncoder().encode(result.stdout).length > 0, true);
      assert.ok(result.stdout.endsWith("|hi\x00"), JSON.stringify(result.stdout));
    } else {
      assert.equal(result.stdout, expected);
    }
  }
});

Deno.test({ name: "cli formats - json and hex input reach libzmq byte for byte", ignore }, async () => {
  await using pull = await LibzmqPeer.start("PULL");
  const at = await pull.bind();
  const json = await runCli(["push", "-c", at, "-i", "json"], {
    stdin: '["a", {"hex": "0001"}, {"base64": "aGk="}]\n"one"\n{"doc": 1}\n',
  });
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(await pull.recv(), [hex(bytes("a")), "0001", hex(bytes("hi"))]);
  assert.deepEqual(await pull.recv(), [hex(bytes("one"))]);
  assert.deepEqual(await pull.recv(), [hex(bytes('{"doc":1}'))]);
  const hexInput = await runCli(["push", "-c", at, "-i", "hex"], { stdin: "00ff\t\n" });
  assert.equal(hexInput.code, 0, hexInput.stderr);
  assert.deepEqual(await pull.recv(), ["00ff", ""]);
});

Deno.test({ name: "cli --timeout - exits 3 when nothing arrives", ignore }, async () => {
  const result = await runCli(["pull", "--bind", "tcp://127.0.0.1:*", "--timeout", "200"]);
  assert.equal(result.code, 3);
  assert.match(result.stderr, /nothing arrived within 200 ms/);
  const req = await runCli(["req", "--connect", endpoint(), "--timeout", "200", "-m", "anyone?"]);
  assert.equal(req.code, 3, req.stderr);
});

Deno.test("cli exit codes - usage errors are 2, a bind on a busy port is 1", async () => {
  assert.equal((await runCli(["pull", "--frob"])).code, 2);
  assert.equal((await runCli(["pull"])).code, 2, "no endpoint");
  assert.equal((await runCli(["nosuch"])).code, 2);
  assert.equal((await runCli(["pull", "-b", "tcp://127.0.0.1:1", "--count", "x"])).code, 2);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const busy = await runCli(["pull", "--bind", `tcp://127.0.0.1:${listener.addr.port}`]);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /EADDRINUSE/);
  } finally {
    listener.close();
  }
});

Deno.test("cli permissions - without --allow-net, the error names the flag (exit 1)", async () => {
  const bind = await runCli(["pull", "--bind", endpoint()], { permissions: [] });
  assert.equal(bind.code, 1);
  assert.match(bind.stderr, /run with --allow-net/);
  const connect = await runCli(["push", "--connect", endpoint(), "-m", "x"], { permissions: [] });
  assert.equal(connect.code, 1, "a refused connect ends the command instead of retrying");
  assert.match(connect.stderr, /connect:error .*run with --allow-net/);
});

Deno.test({ name: "cli Ctrl-C - closes the socket cleanly and exits 130", ignore }, async () => {
  const dir = await Deno.makeTempDir({ prefix: "zmq-ts-cli-" });
  try {
    const at = `ipc://${dir}/s.sock`;
    await using cli = CliProcess.spawn(["pull", "--bind", at, "--bind", "tcp://127.0.0.1:*"]);
    await cli.waitFor(/bound to tcp:\/\/127\.0\.0\.1:(\d+)/);
    const port = Number((await cli.waitFor(/bound to tcp:\/\/127\.0\.0\.1:(\d+)/))[1]);
    await using push = await LibzmqPeer.start("PUSH");
    await push.connect(at);
    await push.send(["before"]);
    await cli.waitFor(/before/, "stdout");
    cli.kill("SIGINT");
    const result = await cli.result();
    assert.equal(result.code, 130, result.stderr);
    await assert.rejects(Deno.stat(`${dir}/s.sock`), Deno.errors.NotFound, "ipc socket file removed");
    Deno.listen({ hostname: "127.0.0.1", port }).close(); // the tcp port is free again
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli Ctrl-C - also ends the wait for a message nobody takes (linger until delivered)", async () => {
  await using cli = CliProcess.spawn(["push", "--connect", endpoint(), "-m", "undeliverable"]);
  await new Promise((resolve) => setTimeout(resolve, 500)); // the message is queued, the socket lingers
  cli.kill("SIGINT");
  assert.equal((await cli.result()).code, 130);
});

Deno.test("cli --help - every command has its help, exit 0", async () => {
  const commands = [
    "pair",
    "pub",
    "sub",
    "xpub",
    "xsub",
    "req",
    "rep",
    "dealer",
    "router",
    "push",
    "pull",
    "keygen",
    "proxy",
    "monitor",
    "perf",
  ];
  const top = await runCli(["--help"]);
  assert.equal(top.code, 0);
  for (const c of commands) assert.match(top.stdout, new RegExp(`^  ${c} `, "m"), `${c} listed`);
  assert.match(top.stdout, /Exit codes:/);
  const results = await Promise.all(commands.map((c) => runCli([c, "--help"])));
  results.forEach((r, i) => {
    assert.equal(r.code, 0, commands[i]);
    assert.ok(r.stdout.startsWith(`Usage: zmq-ts ${commands[i]}`), r.stdout);
  });
  assert.equal((await runCli(["help", "perf"])).stdout, results[commands.indexOf("perf")].stdout);
  await waitFor(() => true);
});
