/**
 * Checks that the core is runtime-neutral: only src/runtime/deno.ts (and
 * deno_io.ts, the CLI's streams) says `Deno.`, only src/runtime/node.ts (and
 * node_io.ts) imports `node:`, and nothing in src/
 * uses a bare import specifier. Run by `deno task lint:src`.
 */

const SRC = new URL("../src/", import.meta.url);
const problems: string[] = [];
const DENO_FILES = ["runtime/deno.ts", "runtime/deno_io.ts"];
const NODE_FILES = ["runtime/node.ts", "runtime/node_io.ts"];

async function* walk(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* walk(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

for await (const file of walk(SRC)) {
  const path = file.pathname.slice(SRC.pathname.length);
  const code = await Deno.readTextFile(file);
  const lines = code.split("\n");
  lines.forEach((line, i) => {
    const where = `src/${path}:${i + 1}`;
    const trimmed = line.trim();
    if (trimmed.startsWith("*") || trimmed.startsWith("//")) return; // comments and JSDoc
    if (/\bDeno\./.test(line) && !DENO_FILES.includes(path)) problems.push(`${where}: uses Deno.`);
    const spec = /(?:from|import)\s*\(?\s*["']([^"']+)["']/.exec(line)?.[1];
    if (spec === undefined) return;
    if (spec.startsWith("node:") && !NODE_FILES.includes(path)) problems.push(`${where}: imports ${spec}`);
    const relative = spec.startsWith("./") || spec.startsWith("../");
    if (!relative && !spec.startsWith("node:") && !spec.startsWith("npm:")) {
      problems.push(`${where}: bare import specifier ${spec}`);
    }
    if (relative && !spec.endsWith(".ts")) problems.push(`${where}: relative import without .ts: ${spec}`);
  });
}

if (problems.length > 0) {
  console.error(`Runtime-neutrality check failed:\n${problems.join("\n")}`);
  Deno.exit(1);
}
console.log("runtime-neutral: ok");
