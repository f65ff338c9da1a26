/**
 * Checks that no module in `src/` imports from a layer above its own (type
 * imports included). The layers, lowest first, follow how a message flows
 * (shared/design.md): what everything shares, the runtime seam and the Wasm
 * loader, the frame codec, the option table, the security mechanisms, pipes
 * and routing strategies, transports, engines, sessions, the context, the
 * socket types, and what sits on top of sockets. A module may import its own
 * layer or lower ones. Run by `deno task lint:src`; exits non-zero and lists
 * every upward import it finds.
 *
 * @module
 */

/** Layer names, lowest first, with the paths (relative to src/) that belong to each. */
export const LAYERS: readonly (readonly [string, readonly RegExp[]])[] = [
  ["base", [/^types\.ts$/, /^errors\.ts$/, /^bytes\.ts$/, /^deque\.ts$/, /^z85\.ts$/, /^version\.ts$/, /^events\.ts$/]],
  ["runtime", [/^runtime\//, /^wasm\//]],
  ["codec", [/^codec\//]],
  ["options", [/^options\.ts$/]],
  ["mechanisms", [/^mechanisms\//]],
  ["routing", [/^pipe\.ts$/, /^routing\//]],
  ["transports", [/^endpoint\.ts$/, /^transports\//]],
  ["engine", [/^engine\//]],
  ["session", [/^session\//]],
  ["context", [/^context\.ts$/]],
  ["sockets", [/^sockets\//]],
  ["above sockets", [/^proxy\.ts$/, /^authenticator\.ts$/, /^compat\//, /^cli\//]],
  ["api", [/^api\.ts$/]],
];

/** The layer index of a path relative to src/, or -1 when no layer claims it. */
export function layerOf(path: string): number {
  return LAYERS.findIndex(([, patterns]) => patterns.some((p) => p.test(path)));
}

const SRC = new URL("../src/", import.meta.url);

async function* walk(dir: URL, prefix = ""): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) yield* walk(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
    else if (entry.name.endsWith(".ts")) yield `${prefix}${entry.name}`;
  }
}

/** Relative import specifiers of a module (static imports and re-exports, type-only ones included). */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  const pattern = /^\s*(?:import|export)\s[^;]*?\sfrom\s+"(\.[^"]+)"|^\s*import\s+"(\.[^"]+)"/gms;
  for (const match of source.matchAll(pattern)) found.push(match[1] ?? match[2]);
  return found;
}

if (import.meta.main) {
  const problems: string[] = [];
  let files = 0;
  for await (const file of walk(SRC)) {
    files++;
    const layer = layerOf(file);
    if (layer < 0) {
      problems.push(`${file}: belongs to no layer (add it to tests/_check_layers.ts)`);
      continue;
    }
    const source = await Deno.readTextFile(new URL(file, SRC));
    for (const specifier of importsOf(source)) {
      const target = new URL(specifier, new URL(file, SRC)).pathname.slice(SRC.pathname.length);
      if (target.startsWith("../")) continue; // outside src/ (wasm/lib): generated code below everything
      const targetLayer = layerOf(target);
      if (targetLayer > layer) {
        problems.push(
          `${file} (${LAYERS[layer][0]}) imports ${target} (${LAYERS[targetLayer][0]}): an import from a higher layer`,
        );
      }
    }
  }
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    Deno.exit(1);
  }
  console.log(`layers: ok (${files} modules in ${LAYERS.length} layers, no upward import)`);
}
