/**
 * Runs the `ts` examples of a Markdown document: every block is
 * type-checked and run as a program, with its URL import of zmq-ts pointed
 * at this checkout's mod.ts.
 */
import assert from "node:assert/strict";

const MOD = new URL("../mod.ts", import.meta.url).href;
const URL_IMPORT = /https:\/\/raw\.githubusercontent\.com\/[^"]+\/mod\.ts/g;

/** Checks and runs every `ts` block of `doc` (at least `minimum` of them). */
export async function runDocExamples(doc: URL, minimum: number): Promise<void> {
  const blocks = [...(await Deno.readTextFile(doc)).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= minimum, `found ${blocks.length} examples`);
  const dir = await Deno.makeTempDir({ prefix: "zmq-ts-docs-" });
  try {
    const files: string[] = [];
    for (const [i, block] of blocks.entries()) {
      assert.match(block, URL_IMPORT, `example ${i + 1} imports zmq-ts by URL`);
      const file = `${dir}/example_${i + 1}.ts`;
      await Deno.writeTextFile(file, block.replaceAll(URL_IMPORT, MOD));
      files.push(file);
    }
    const check = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", ...files],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).output();
    assert.ok(check.success, new TextDecoder().decode(check.stderr));
    for (const file of files) {
      const run = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-net", "--allow-read", "--allow-env", file],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(60_000),
      }).output();
      assert.ok(run.success, `${file.split("/").pop()} failed:\n${new TextDecoder().decode(run.stderr)}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
