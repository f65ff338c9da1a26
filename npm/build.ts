/**
 * Builds the npm package from the same sources as the Deno module:
 *
 * 1. checks the entry points ({@linkcode ENTRIES}): `deno.json`'s
 *    `exports` (JSR) name exactly the entries listed there, and each npm
 *    entry file exports exactly the names of its Deno twin (`npm/mod.ts`
 *    and `mod.ts`, `npm/cli.ts` and `cli.ts`, ...);
 * 2. bundles each npm entry with esbuild (`platform: "node"`, `node:*`
 *    external): `npm/dist/index.mjs` (ESM) and `index.cjs` (CommonJS) for
 *    the main entry, `<name>.mjs` (and `.cjs` where listed) for the others;
 *    the Wasm codec is inline, there is no native code;
 * 3. maps the lazily imported `npm:<pkg>@<version>[/path]` specifiers (the
 *    crypto layer's) to bare `<pkg>[/path]` and lists them as dependencies;
 * 4. emits `.d.ts` files with TypeScript (the `typescript` devDependency),
 *    rewriting the `.ts` specifiers tsc leaves in them
 *    (microsoft/TypeScript#61037), once for `import` and once for `require`;
 * 5. writes `package.json` (name `zmq-ts`, version from `deno.json`,
 *    `exports` with import/require/types for every entry, the `zmq-ts`
 *    `bin`, no scripts) and a README.
 *
 * Entries other than the main one that are built on the library (v5-compat,
 * draft) reach it through one module (`shares`, e.g. `src/compat/_v6.ts`),
 * which the bundle keeps external and rewrites to the main entry's bundle,
 * so that every entry shares one library: one default context, one set of
 * inproc endpoints.
 *
 * Usage: `deno run -A npm/build.ts` (or `deno task npm:build`);
 * `--check-exports` only runs step 1; `--sync-exports` first copies the
 * re-exports of `mod.ts` into `npm/mod.ts`.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);
const DIST = new URL("npm/dist/", ROOT);
const BIN = new URL("node_modules/.bin/", ROOT);
const path = (url: URL) => decodeURIComponent(url.pathname);

async function run(cmd: string, args: string[], options: { cwd?: URL; quiet?: boolean } = {}): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: options.cwd ? path(options.cwd) : path(ROOT),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed:\n${stdout}${stderr}`);
  if (!options.quiet && stderr.trim() !== "") console.error(stderr.trim());
  return stdout;
}

/** The names a module exports (values and types), as `deno doc` sees them. */
async function exportedNames(file: string): Promise<string[]> {
  const json = JSON.parse(await run(Deno.execPath(), ["doc", "--json", file], { quiet: true }));
  const module = json.nodes[new URL(file, ROOT).href];
  return (module.symbols as { name: string }[]).map((s) => s.name).sort();
}

/** One entry point of the package, on JSR and on npm. */
export interface Entry {
  /** The subpath: `"."`, `"./cli"`, ... (the same key in deno.json's `exports` and package.json's). */
  name: string;
  /** The Deno (JSR, URL) file, as deno.json's `exports` names it. */
  deno: string;
  /** The npm entry file it is bundled from (it exports the same names, bound to Node.js). */
  npm: string;
  /** The bundle's base name in npm/dist/ (`index` for the main entry). */
  out: string;
  /** Whether a CommonJS bundle is built too (for `require`). */
  cjs: boolean;
  /** A command name for package.json's `bin`, for an entry that runs as a program. */
  bin?: string;
  /** esbuild's platform: `"node"` (default) or `"browser"` (a bundle with no `node:` imports). */
  platform?: "node" | "browser";
  /**
   * The module through which the entry reaches the library (it may export
   * only names the main entry exports): bundled as an import of the main
   * entry's bundle instead, so the entry shares the main entry's library.
   */
  shares?: string;
  /** For TypeScript's `moduleResolution: "node"`, which ignores `exports`: list the subpath in `typesVersions`. */
  typesVersions?: boolean;
}

/**
 * The entry points. Each line is one entry on both registries: adding one
 * (draft, v5-compat, browser) is one line here plus its line in
 * deno.json's `exports`, and the check below fails until both agree. E.g.
 * `{ name: "./draft", deno: "./draft.ts", npm: "npm/draft.ts", out: "draft", cjs: true }`, or for the browser
 * bundle `{ name: "./browser", deno: "./browser.ts", npm: "npm/browser.ts", out: "browser", cjs: false,
 * platform: "browser" }`.
 */
export const ENTRIES: readonly Entry[] = [
  { name: ".", deno: "./mod.ts", npm: "npm/mod.ts", out: "index", cjs: true },
  {
    name: "./v5-compat",
    deno: "./v5_compat.ts",
    npm: "npm/v5_compat.ts",
    out: "v5-compat",
    cjs: true,
    shares: "src/compat/_v6.ts",
    typesVersions: true,
  },
  { name: "./cli", deno: "./cli.ts", npm: "npm/cli.ts", out: "cli", cjs: false, bin: "zmq-ts" },
];

/** Fails unless deno.json's `exports` list exactly the entries of {@linkcode ENTRIES}. */
export async function checkExportMaps(): Promise<void> {
  const deno = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const jsr: Record<string, string> = typeof deno.exports === "string" ? { ".": deno.exports } : deno.exports;
  const expected = Object.fromEntries(ENTRIES.map((e) => [e.name, e.deno]));
  const show = (map: Record<string, string>) => JSON.stringify(map, Object.keys(map).sort());
  if (show(jsr) !== show(expected)) {
    throw new Error(`deno.json exports ${show(jsr)} but npm/build.ts ENTRIES list ${show(expected)}`);
  }
}

/** Fails unless every npm entry exports the same names as its Deno twin; returns the main entry's names. */
export async function checkExports(): Promise<string[]> {
  await checkExportMaps();
  let main: string[] = [];
  for (const entry of ENTRIES) {
    const [deno, npm] = await Promise.all([exportedNames(entry.deno.slice(2)), exportedNames(entry.npm)]);
    const missing = deno.filter((n) => !npm.includes(n));
    const extra = npm.filter((n) => !deno.includes(n));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(
        `${entry.npm} and ${entry.deno} export different names:` +
          (missing.length ? `\n  add to ${entry.npm}: ${missing.join(", ")}` : "") +
          (extra.length ? `\n  not in ${entry.deno}: ${extra.join(", ")}` : "") +
          (entry.name === "." ? "\n  (both should re-export src/api.ts and define only `context` themselves)" : ""),
      );
    }
    if (entry.name === ".") main = deno;
  }
  for (const entry of ENTRIES) {
    if (entry.shares === undefined) continue;
    const shared = await exportedNames(entry.shares);
    const notMain = shared.filter((n) => !main.includes(n));
    if (notMain.length > 0) throw new Error(`${entry.shares} exports names mod.ts does not: ${notMain.join(", ")}`);
  }
  return main;
}

/** `npm:name@1.2.3/sub/path` → `{ name, version, bare: "name/sub/path" }`. */
function parseNpmSpecifier(specifier: string): { name: string; version: string; bare: string } {
  const m = /^npm:(@[^/@]+\/[^/@]+|[^/@]+)@([^/]+)(\/.*)?$/.exec(specifier);
  if (!m) throw new Error(`Cannot map ${specifier}: use npm:<package>@<version>[/path]`);
  return { name: m[1], version: m[2], bare: m[1] + (m[3] ?? "") };
}

/** Rewrites the external `npm:` specifiers left in a bundle and collects the packages. */
function mapNpmSpecifiers(code: string, deps: Map<string, string>): string {
  return code.replace(/(["'])(npm:[^"']+)\1/g, (_all, quote: string, specifier: string) => {
    const { name, version, bare } = parseNpmSpecifier(specifier);
    const known = deps.get(name);
    if (known !== undefined && known !== version) throw new Error(`${name} is imported at ${known} and ${version}`);
    deps.set(name, version);
    return quote + bare + quote;
  });
}

/** The bundles of an entry: `[format, file name]`. */
function bundlesOf(entry: Entry): [string, string][] {
  return entry.cjs ? [["esm", `${entry.out}.mjs`], ["cjs", `${entry.out}.cjs`]] : [["esm", `${entry.out}.mjs`]];
}

async function bundle(deps: Map<string, string>): Promise<void> {
  for (const entry of ENTRIES) {
    const shared = entry.shares === undefined ? null : entry.shares.slice(entry.shares.lastIndexOf("/") + 1);
    for (const [format, file] of bundlesOf(entry)) {
      const out = new URL(file, DIST);
      await run(path(new URL("esbuild", BIN)), [
        entry.npm,
        "--bundle",
        `--format=${format}`,
        `--platform=${entry.platform ?? "node"}`,
        "--target=node20",
        "--external:node:*",
        "--external:npm:*",
        ...(shared === null ? [] : [`--external:*/${shared}`]),
        "--legal-comments=none",
        // Class names are API (zeromq.js programs read them; Proxy would otherwise become Proxy2).
        "--keep-names",
        "--log-level=warning",
        `--outfile=${path(out)}`,
      ]);
      let code = await Deno.readTextFile(out);
      if (shared !== null) {
        // The entry's way to the library becomes the main entry's bundle of the same format.
        const sharedImport = new RegExp(`(["'])[^"']*/${shared.replace(".", "\\.")}\\1`, "g");
        code = code.replace(
          sharedImport,
          (_all, quote: string) => `${quote}./index.${format === "esm" ? "mjs" : "cjs"}${quote}`,
        );
        if (/["'][^"']*\.ts["']/.test(code)) throw new Error(`${file} still imports a .ts file`);
      }
      if (/\bDeno\./.test(code)) {
        throw new Error(`${file} mentions Deno.: the npm graph must not include runtime/deno*.ts`);
      }
      if (entry.bin !== undefined && !code.startsWith("#!/usr/bin/env node\n")) {
        throw new Error(`${file} is a bin but does not start with #!/usr/bin/env node`);
      }
      await Deno.writeTextFile(out, mapNpmSpecifiers(code, deps));
    }
  }
}

/** Rewrites relative `.ts` specifiers to `.js` in emitted declarations (microsoft/TypeScript#61037). */
function rewriteDeclaration(text: string): string {
  return text.replace(
    /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']+?)\.ts\2/g,
    (_all, head: string, quote: string, spec: string) => `${head}${quote}${spec}.js${quote}`,
  );
}

async function* walk(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* walk(url);
    else yield url;
  }
}

async function declarations(): Promise<void> {
  const tsconfig = new URL("tsconfig.build.json", DIST);
  await Deno.writeTextFile(
    tsconfig,
    JSON.stringify(
      {
        compilerOptions: {
          declaration: true,
          emitDeclarationOnly: true,
          noCheck: true, // deno check already type-checks these sources
          allowImportingTsExtensions: true,
          module: "esnext",
          moduleResolution: "bundler",
          target: "es2022",
          lib: ["esnext"],
          types: [],
          skipLibCheck: true,
          rootDir: "../..",
          outDir: "types/esm",
        },
        files: ENTRIES.map((e) => `../../${e.npm}`),
      },
      null,
      2,
    ),
  );
  await run("node", [path(new URL("../typescript/bin/tsc", BIN)), "-p", path(tsconfig)]);
  await Deno.remove(tsconfig);
  const esm = new URL("types/esm/", DIST);
  const cjs = new URL("types/cjs/", DIST);
  for await (const file of walk(esm)) {
    if (!file.pathname.endsWith(".d.ts")) continue;
    const text = rewriteDeclaration(await Deno.readTextFile(file));
    if (/\.ts["']/.test(text.replace(/\.d\.ts["']/g, ""))) throw new Error(`${file.pathname} still names a .ts file`);
    await Deno.writeTextFile(file, text);
    const twin = new URL(file.href.slice(esm.href.length), cjs);
    await Deno.mkdir(new URL("./", twin), { recursive: true });
    await Deno.writeTextFile(twin, text);
  }
  // The same declarations, read as ESM for `import` and as CommonJS for `require`.
  await Deno.writeTextFile(new URL("package.json", esm), JSON.stringify({ type: "module" }) + "\n");
  await Deno.writeTextFile(new URL("package.json", cjs), JSON.stringify({ type: "commonjs" }) + "\n");
}

async function manifest(deps: Map<string, string>): Promise<void> {
  const deno = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const pkg = {
    name: "zmq-ts",
    version: deno.version,
    description:
      "ZeroMQ in TypeScript: ZMTP 3.1 over tcp, ipc and inproc, interoperable with libzmq; no native code. " +
      "The same library runs on Deno, Node.js and Bun.",
    keywords: ["zeromq", "zmq", "zmtp", "0mq", "messaging", "deno", "bun", "cli"],
    homepage: "https://github.com/zmq-ts/zmq-ts#readme",
    repository: { type: "git", url: "git+https://github.com/zmq-ts/zmq-ts.git" },
    bugs: { url: "https://github.com/zmq-ts/zmq-ts/issues" },
    main: "./index.cjs",
    module: "./index.mjs",
    types: "./types/cjs/npm/mod.d.ts",
    bin: Object.fromEntries(
      ENTRIES.filter((e) => e.bin).map((e) => [e.bin, `${e.out}.mjs`]), /* npm 11 drops "./" bin paths */
    ),
    // TypeScript's old `moduleResolution: "node"` ignores `exports`; this points it at the subpaths' types.
    typesVersions: {
      "*": Object.fromEntries(
        ENTRIES.filter((e) => e.typesVersions).map((e) => [
          e.name.slice(2),
          [`./types/cjs/npm/${e.npm.replace(/^npm\//, "").replace(/\.ts$/, ".d.ts")}`],
        ]),
      ),
    },
    exports: {
      ...Object.fromEntries(ENTRIES.map((e) => {
        const types = e.npm.replace(/^npm\//, "").replace(/\.ts$/, ".d.ts");
        const conditions: Record<string, unknown> = {
          import: { types: `./types/esm/npm/${types}`, default: `./${e.out}.mjs` },
        };
        if (e.cjs) conditions.require = { types: `./types/cjs/npm/${types}`, default: `./${e.out}.cjs` };
        return [e.name, conditions];
      })),
      "./package.json": "./package.json",
    },
    files: [...ENTRIES.flatMap((e) => bundlesOf(e).map(([, file]) => file)), "types/", "README.md", "LICENSE"],
    license: deno.license,
    sideEffects: true,
    engines: { node: ">=20" },
    dependencies: Object.fromEntries([...deps].sort()),
  };
  await Deno.writeTextFile(new URL("package.json", DIST), JSON.stringify(pkg, null, 2) + "\n");
  let readme = "# zmq-ts\n\nZeroMQ (ZMTP 3.1) in TypeScript for Deno, Node.js and Bun.\n";
  try {
    readme += "\n" + await Deno.readTextFile(new URL("docs/runtimes.md", ROOT));
  } catch {
    // The runtimes page is optional.
  }
  await Deno.writeTextFile(new URL("README.md", DIST), readme);
  await Deno.copyFile(new URL("LICENSE", ROOT), new URL("LICENSE", DIST));
}

if (import.meta.main) {
  const names = await checkExports();
  console.log(
    `exports match: ${ENTRIES.map((e) => `${e.deno} = ${e.npm}`).join(", ")} (${names.length} names in mod.ts)`,
  );
  if (!Deno.args.includes("--check-exports")) {
    await Deno.remove(DIST, { recursive: true }).catch(() => {});
    await Deno.mkdir(DIST, { recursive: true });
    const deps = new Map<string, string>();
    await bundle(deps);
    await declarations();
    await manifest(deps);
    const files = ENTRIES.flatMap((e) => bundlesOf(e).map(([, file]) => file));
    const sizes = await Promise.all(files.map(async (f) => `${f} ${(await Deno.stat(new URL(f, DIST))).size} B`));
    console.log(`built npm/dist: ${sizes.join(", ")}, dependencies ${JSON.stringify(Object.fromEntries(deps))}`);
  }
}
