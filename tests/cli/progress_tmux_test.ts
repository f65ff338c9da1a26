/**
 * The progress line in a real terminal: the CLI runs in a tmux pane (so
 * standard error is a terminal), a libzmq PUSH feeds it, the test reads the
 * screen, presses Ctrl-C and reads the exit code. tmux runs on a private
 * server socket that the test removes.
 */
import assert from "node:assert/strict";
import { freePort, HAS_LIBZMQ, LibzmqPeer, sleep } from "../_helpers.ts";
import { CLI } from "./_cli.ts";

const HAS_TMUX = (() => {
  try {
    return new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
})();

async function tmux(server: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("tmux", { args: ["-L", server, ...args], stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`tmux ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

async function screenUntil(server: string, pattern: RegExp, ms = 15_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    // Right after new-session the server may not answer yet: keep asking until the deadline.
    const screen = await tmux(server, "capture-pane", "-p", "-t", "cli").catch((err) => String(err));
    if (pattern.test(screen)) return screen;
    if (Date.now() > deadline) throw new Error(`${pattern} not on the screen:\n${screen}`);
    await sleep(50);
  }
}

Deno.test({
  name: "cli progress - a live line on a terminal's standard error, erased on Ctrl-C (exit 130)",
  ignore: !HAS_TMUX || !HAS_LIBZMQ,
}, async () => {
  const server = `zmq-ts-test-${Deno.pid}`;
  const dir = await Deno.makeTempDir({ prefix: "zmq-ts-tmux-" });
  const port = freePort();
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  // bash, unlike dash, goes on to print the exit code after a child that handled Ctrl-C itself.
  const script = `DENO_NO_PACKAGE_JSON=1 ${quote(Deno.execPath())} run -A ${quote(CLI)} pull ` +
    `--bind tcp://127.0.0.1:${port} > ${quote(dir + "/out")}; echo "exit=$?"; sleep 60`;
  try {
    await tmux(server, "new-session", "-d", "-s", "cli", "-x", "160", "-y", "20", "bash", "-c", script);
    await screenUntil(server, /bound to tcp:\/\/127\.0\.0\.1:\d+/);
    await using push = await LibzmqPeer.start("PUSH");
    await push.connect(`tcp://127.0.0.1:${port}`);
    for (let i = 0; i < 50; i++) await push.send([`message ${i}`]);
    const screen = await screenUntil(server, /received 50 msgs, [\d,]+ msg\/s, [\d.]+ (B|KiB)/);
    assert.doesNotMatch(screen, /message 1/, "messages go to standard output (the file), not the screen");
    await tmux(server, "send-keys", "-t", "cli", "C-c");
    const after = await screenUntil(server, /exit=\d+/);
    assert.match(after, /exit=130/);
    assert.doesNotMatch(after, /msgs,/, "the progress line is erased at the end");
    const printed = (await Deno.readTextFile(`${dir}/out`)).split("\n");
    assert.equal(printed[49], "message 49");
  } finally {
    await tmux(server, "kill-server").catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
