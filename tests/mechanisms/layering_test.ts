/**
 * The security layer imports nothing from above it: every module that
 * src/mechanisms/ reaches, directly or through others, is a mechanism or
 * one of the layers below (codec, Wasm, errors, bytes, z85, types, the
 * options table). Imports in JSDoc examples do not count.
 */
import assert from "node:assert/strict";

const SRC = new URL("../../src/", import.meta.url);
const BELOW = ["mechanisms/", "codec/", "wasm/", "errors.ts", "bytes.ts", "z85.ts", "types.ts", "options.ts"];

/** The relative imports of one module, as URLs (skipping comments and JSDoc). */
async function importsOf(file: URL): Promise<URL[]> {
  const found: URL[] = [];
  for (const line of (await Deno.readTextFile(file)).split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("*") || trimmed.startsWith("//")) continue;
    const spec = /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/.exec(line)?.[1];
    if (spec !== undefined) found.push(new URL(spec, file));
  }
  return found;
}

Deno.test("layering - src/mechanisms/ reaches only itself and the layers below it", async () => {
  const start: URL[] = [];
  for await (const entry of Deno.readDir(new URL("mechanisms/", SRC))) {
    if (entry.isFile && entry.name.endsWith(".ts")) start.push(new URL(`mechanisms/${entry.name}`, SRC));
  }
  assert.ok(start.length > 5, "the mechanism files are found");
  const seen = new Map<string, string>(start.map((url) => [url.href, "(start)"]));
  const problems: string[] = [];
  const queue = [...start];
  while (queue.length > 0) {
    const file = queue.pop()!;
    for (const target of await importsOf(file)) {
      if (seen.has(target.href)) continue;
      seen.set(target.href, file.href);
      const from = file.href.slice(SRC.href.length);
      if (!target.href.startsWith(SRC.href)) {
        // Outside src/: only the generated Wasm module, which the Wasm layer loads.
        if (!target.pathname.endsWith("/wasm/lib/zmq_wasm.generated.ts")) {
          problems.push(`${from} -> ${target.pathname}`);
        }
        continue;
      }
      const path = target.href.slice(SRC.href.length);
      if (!BELOW.some((allowed) => path === allowed || (allowed.endsWith("/") && path.startsWith(allowed)))) {
        problems.push(`src/${from} imports src/${path}`);
      }
      queue.push(target);
    }
  }
  assert.deepEqual(problems, [], "imports from above the security layer");
  assert.ok(seen.has(new URL("codec/command.ts", SRC).href), "the walk follows imports");
});
