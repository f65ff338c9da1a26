/**
 * Every command in README.md and docs/*.md works as written from a fresh
 * clone. The test clones this repository's committed HEAD into a temporary
 * directory (sharing node_modules, which `npm install` would make), puts a
 * `zmq-ts` on PATH that runs the clone's cli.ts, and then:
 *
 * - runs every fenced `sh` block with bash (`set -e`), one block at a time;
 *   fixed ports of the 55xx range are replaced by free ones so that the
 *   blocks cannot collide with other tests;
 * - for the commands listed in {@linkcode CHECK_ONLY}, checks only that what
 *   they name exists (they install from a registry, or are the gate that runs
 *   this test);
 * - for those in {@linkcode RUNS_UNTIL_STOPPED}, checks that they are still
 *   running after a few seconds (a proxy serves until Ctrl-C);
 * - checks that every `npm run X` / `npm run task X` / `deno task X` / `bash F`
 *   written anywhere in the docs names a script, task or file that exists;
 * - and that the clone is still clean afterwards (`git status` shows nothing).
 */
import assert from "node:assert/strict";
import { freePort, withTimeout } from "./_helpers.ts";

const REPO = new URL("../", import.meta.url).pathname;
const DOCS = [
  "README.md",
  ...[...Deno.readDirSync(new URL("../docs/", import.meta.url))]
    .filter((e) => e.isFile && e.name.endsWith(".md")).map((e) => `docs/${e.name}`).sort(),
];

/**
 * Commands that are checked, not run, and why. A line is cut at `&&`; these
 * parts are left out and the rest of the line runs.
 */
const CHECK_ONLY: Record<string, string> = {
  "npm install": "fetches from the registry; CI runs it on its fresh clone, and this test shares node_modules",
  "npm test": "the whole gate, which runs this test",
  "npm install zmq-ts": "installs the published package from the registry",
  "bun add zmq-ts": "installs the published package from the registry",
};

/** A line without the parts that are only checked; `null` when nothing is left to run. */
function runnable(line: string): string | null {
  const parts = commandOf(line).split("&&").map((p) => p.trim());
  const kept = parts.filter((p) => !(p in CHECK_ONLY));
  return kept.length === 0 ? null : kept.join(" && ");
}

/** Commands that serve until interrupted: they must still be running after a few seconds. */
const RUNS_UNTIL_STOPPED = [/^zmq-ts proxy /];

async function sh(script: string, cwd: string, env: Record<string, string>, ms = 90_000) {
  // timeout(1) signals the whole process group, so background commands of a block end with it.
  const out = await new Deno.Command("timeout", {
    args: ["-k", "5", String(ms / 1000), "bash", "-e", "-c", script],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, output: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr) };
}

/** The fenced sh blocks of a Markdown file, each as its lines (comments kept: bash ignores them). */
function shBlocks(markdown: string): string[][] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].split("\n").filter((l) => l.trim() !== ""));
}

/** A command line without its trailing comment. */
const commandOf = (line: string) => line.replace(/\s+#.*$/, "").trim();

/** Replaces the block's 55xx ports by free ports, the same port for the same number. */
function freePorts(block: string): string {
  const map = new Map<string, number>();
  return block.replace(/127\.0\.0\.1:(55\d\d)\b/g, (_all, port: string) => {
    if (!map.has(port)) map.set(port, freePort());
    return `127.0.0.1:${map.get(port)}`;
  });
}

/** Checks that the npm scripts, deno tasks and files a text names exist. */
function checkNames(text: string, where: string, scripts: Set<string>, tasks: Set<string>, clone: string): void {
  for (const m of text.matchAll(/npm run task ([\w:-]+)/g)) {
    assert.ok(tasks.has(m[1]), `${where}: no deno task ${m[1]}`);
  }
  for (const m of text.matchAll(/deno task ([\w:-]+)/g)) assert.ok(tasks.has(m[1]), `${where}: no deno task ${m[1]}`);
  for (const m of text.matchAll(/npm run (?!task\b)([\w:-]+)/g)) {
    assert.ok(scripts.has(m[1]), `${where}: no npm script ${m[1]}`);
  }
  for (const m of text.matchAll(/`bash ([\w./-]+)`/g)) Deno.statSync(`${clone}/${m[1]}`);
}

Deno.test("docs - every documented command works as written from a fresh clone", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "zmq-ts-clone-" });
  try {
    const clone = `${tmp}/zmq-ts`;
    const git = await new Deno.Command("git", { args: ["clone", "--quiet", REPO, clone], stderr: "piped" }).output();
    assert.ok(git.success, new TextDecoder().decode(git.stderr));
    await Deno.symlink(Deno.realPathSync(`${REPO}/node_modules`), `${clone}/node_modules`);
    await Deno.mkdir(`${tmp}/bin`);
    await Deno.writeTextFile(
      `${tmp}/bin/zmq-ts`,
      `#!/bin/sh\nDENO_NO_PACKAGE_JSON=1 exec '${Deno.execPath()}' run -A '${clone}/cli.ts' "$@"\n`,
    );
    await Deno.chmod(`${tmp}/bin/zmq-ts`, 0o755);
    const env = { PATH: `${tmp}/bin:${Deno.env.get("PATH")}`, HOME: Deno.env.get("HOME") ?? tmp };

    const scripts = new Set(Object.keys(JSON.parse(await Deno.readTextFile(`${clone}/package.json`)).scripts));
    const tasks = new Set(Object.keys(JSON.parse(await Deno.readTextFile(`${clone}/deno.json`)).tasks));
    let ran = 0;
    let checked = 0;
    for (const doc of DOCS) {
      const markdown = await Deno.readTextFile(`${clone}/${doc}`);
      checkNames(markdown, doc, scripts, tasks, clone);
      for (const lines of shBlocks(markdown)) {
        const kept = lines.map(runnable);
        checked += kept.filter((l, i) => l !== commandOf(lines[i])).length;
        const commands = kept.filter((l): l is string => l !== null && l !== "");
        if (commands.length === 0) continue;
        const block = freePorts(commands.join("\n"));
        if (commands.length === 1 && RUNS_UNTIL_STOPPED.some((r) => r.test(commands[0]))) {
          const result = await sh(`timeout --preserve-status -s INT 3 ${block}`, clone, env);
          assert.equal(result.code, 130, `${doc}: ${commands[0]} should run until stopped:\n${result.output}`);
          ran++;
          continue;
        }
        const result = await withTimeout(sh(block, clone, env), 150_000, `${doc} block`);
        assert.equal(result.code, 0, `${doc}:\n${block}\nfailed:\n${result.output}`);
        ran++;
      }
    }
    assert.ok(ran >= 10, `ran ${ran} blocks`);
    assert.ok(checked >= 3, `checked ${checked} commands`);
    const status = await new Deno.Command("git", { args: ["status", "--porcelain"], cwd: clone, stdout: "piped" })
      .output();
    assert.equal(new TextDecoder().decode(status.stdout), "", "the clone is still clean");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
