/**
 * The CLI is built on zmq-ts's public API only: every name src/cli imports
 * from outside src/cli is one that mod.ts exports (src/api.ts's list), except
 * the runtime's stdio interface (src/runtime/stdio.ts), which the entries bind.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

async function* walk(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* walk(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

/** The names a file exports through `export { ... } from` and `export type { ... } from` lines. */
function exportedNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const name = part.trim().replace(/^type /, "").split(/\s+as\s+/).pop()!.trim();
      if (name) names.add(name);
    }
  }
  for (const m of code.matchAll(/export (?:const|function|class) (\w+)/g)) names.add(m[1]);
  return names;
}

Deno.test("cli - src/cli imports only names that mod.ts exports", async () => {
  const publicNames = new Set([
    ...exportedNames(await Deno.readTextFile(new URL("mod.ts", ROOT))),
    ...exportedNames(await Deno.readTextFile(new URL("src/api.ts", ROOT))),
  ]);
  const stdio = new URL("src/runtime/stdio.ts", ROOT).href;
  const cli = new URL("src/cli/", ROOT);
  const used: string[] = [];
  for await (const file of walk(cli)) {
    const code = await Deno.readTextFile(file);
    for (const m of code.matchAll(/import (?:type )?\{([^}]*)\} from "([^"]+)"/g)) {
      const target = new URL(m[2], file).href;
      if (target.startsWith(cli.href) || target === stdio) continue;
      for (const part of m[1].split(",")) {
        const name = part.trim().replace(/^type /, "").split(/\s+as\s+/)[0].trim();
        if (!name) continue;
        used.push(name);
        assert.ok(publicNames.has(name), `${file.pathname.slice(cli.pathname.length)} imports ${name}, not public`);
      }
    }
  }
  assert.ok(used.includes("Socket") && used.includes("Proxy") && used.includes("PeerHandshake"));
});
