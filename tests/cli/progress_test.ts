import assert from "node:assert/strict";
import { formatBytes, Progress } from "../../src/cli/progress.ts";

Deno.test("Progress - draws in place on a terminal, and never when standard error is not one", () => {
  let out = "";
  let now = 0;
  const tty = new Progress({ writeStderr: (s) => void (out += s), stderrIsTerminal: true }, "received", {
    now: () => now,
  });
  tty.add(1500, 3 * 1024 * 1024);
  now = 500;
  tty.render();
  assert.equal(out, "\r\x1b[2Kreceived 1,500 msgs, 3,000 msg/s, 3.0 MiB");
  tty.stop();
  assert.ok(out.endsWith("\r\x1b[2K"), "the line is erased at the end");

  let piped = "";
  const pipe = new Progress({ writeStderr: (s) => void (piped += s), stderrIsTerminal: false }, "received");
  pipe.start();
  pipe.add(1, 1);
  pipe.render();
  pipe.stop();
  assert.equal(piped, "");
  assert.equal(pipe.enabled, false);
});

Deno.test("formatBytes() - binary units", () => {
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(1536), "1.5 KiB");
  assert.equal(formatBytes(5 * 1024 ** 3), "5.0 GiB");
});
