/**
 * Builds the npm package from the same sources as the Deno module:
 *
 * 1. checks that `npm/mod.ts` exports exactly the names `mod.ts` exports
 *    (both re-export `src/api.ts`);
 * 2. bundles `npm/mod.ts` with esbuild (`platform: "node"`, `node:*`
 *    external) into `npm/dist/index.mjs` (ESM) and `npm/dist/index.cjs`
 *    (CommonJS); the Wasm codec is inline, there is no native code;
 * 3. maps the lazily imported `npm:<pkg>@<version>[/path]` specifiers (the
 *    crypto layer's) to bare `<pkg>[/path]` and lists them as dependencies;
 * 4. emits `.d.ts` files with TypeScript (the `typescript` devDependency),
 *    rewriting the `.ts` specifiers tsc leaves in them
 *    (microsoft/TypeScript#61037), once for `import` and once for `require`;
 * 5. writes `package.json` (name `zmq-ts`, version from `deno.json`,
 *    `exports` with import/require/types, no scripts) and a README;
 * 6. does the same for the `zmq-ts/v5-compat` entry (`npm/v5_compat.ts`, the
 *    names of `v5_compat.ts`), bundled without the library itself: its
 *    imports of `src/compat/_v6.ts` (names `mod.ts` exports, checked) become
 *    imports of the main entry, so both entries share one library.
 *
 * Usage: `deno run -A npm/build.ts` (or `deno task npm:build`);
 * `--check-exports` only runs step 1.
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

/** Fails unless `mod.ts` and `npm/mod.ts` export the same names. */
export async function checkExports(): Promise<string[]> {
  const [deno, npm] = await Promise.all([exportedNames("mod.ts"), exportedNames("npm/mod.ts")]);
  const missing = deno.filter((n) => !npm.includes(n));
  const extra = npm.filter((n) => !deno.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      "npm/mod.ts and mod.ts export different names:" +
        (missing.length ? `\n  add to npm/mod.ts: ${missing.join(", ")}` : "") +
        (extra.length ? `\n  not in mod.ts: ${extra.join(", ")}` : "") +
        "\n  (both should re-export src/api.ts and define only `context` themselves)",
    );
  }
  return deno;
}

/** Fails unless `v5_compat.ts` and `npm/v5_compat.ts` export the same names, and `_v6.ts` only names of `mod.ts`. */
export async function checkCompatExports(mainNames: string[]): Promise<void> {
  const [deno, npm, v6] = await Promise.all(
    ["v5_compat.ts", "npm/v5_compat.ts", "src/compat/_v6.ts"].map((file) => exportedNames(file)),
  );
  const differ = [...deno.filter((n) => !npm.includes(n)), ...npm.filter((n) => !deno.includes(n))];
  if (differ.length > 0) {
    throw new Error(`v5_compat.ts and npm/v5_compat.ts export different names: ${differ.join(", ")}`);
  }
  const notMain = v6.filter((n) => !mainNames.includes(n));
  if (notMain.length > 0) throw new Error(`src/compat/_v6.ts exports names mod.ts does not: ${notMain.join(", ")}`);
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

/** Where the v5-compat bundle finds the v6 API: the main entry of the same format. */
const V6_IMPORT = /(["'])[^"']*\/_v6\.ts\1/g;

async function bundle(deps: Map<string, string>): Promise<void> {
  const builds = [
    { entry: "npm/mod.ts", format: "esm", file: "index.mjs", external: [] as string[] },
    { entry: "npm/mod.ts", format: "cjs", file: "index.cjs", external: [] as string[] },
    { entry: "npm/v5_compat.ts", format: "esm", file: "v5-compat.mjs", external: ["*/_v6.ts"] },
    { entry: "npm/v5_compat.ts", format: "cjs", file: "v5-compat.cjs", external: ["*/_v6.ts"] },
  ];
  for (const { entry, format, file, external } of builds) {
    const out = new URL(file, DIST);
    await run(path(new URL("esbuild", BIN)), [
      entry,
      "--bundle",
      `--format=${format}`,
      "--platform=node",
      "--target=node20",
      "--external:node:*",
      "--external:npm:*",
      ...external.map((e) => `--external:${e}`),
      "--legal-comments=none",
      // Class names are API (zeromq.js programs read them; Proxy would otherwise become Proxy2).
      "--keep-names",
      "--log-level=warning",
      `--outfile=${path(out)}`,
    ]);
    let code = await Deno.readTextFile(out);
    if (/\bDeno\./.test(code)) {
      throw new Error(`${file} mentions Deno.: the npm graph must not include runtime/deno.ts`);
    }
    if (external.length > 0) {
      code = code.replace(
        V6_IMPORT,
        (_all, quote: string) => `${quote}./index.${format === "esm" ? "mjs" : "cjs"}${quote}`,
      );
      if (/["'][^"']*\.ts["']/.test(code)) throw new Error(`${file} still imports a .ts file`);
    }
    await Deno.writeTextFile(out, mapNpmSpecifiers(code, deps));
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
        files: ["../mod.ts", "../v5_compat.ts"],
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
    keywords: ["zeromq", "zmq", "zmtp", "0mq", "messaging", "deno", "bun"],
    main: "./index.cjs",
    module: "./index.mjs",
    types: "./types/cjs/npm/mod.d.ts",
    exports: {
      ".": {
        import: { types: "./types/esm/npm/mod.d.ts", default: "./index.mjs" },
        require: { types: "./types/cjs/npm/mod.d.ts", default: "./index.cjs" },
      },
      "./v5-compat": {
        import: { types: "./types/esm/npm/v5_compat.d.ts", default: "./v5-compat.mjs" },
        require: { types: "./types/cjs/npm/v5_compat.d.ts", default: "./v5-compat.cjs" },
      },
      "./package.json": "./package.json",
    },
    // TypeScript's old `moduleResolution: "node"` ignores `exports`; this points it at the subpath's types.
    typesVersions: { "*": { "v5-compat": ["./types/cjs/npm/v5_compat.d.ts"] } },
    files: ["index.mjs", "index.cjs", "v5-compat.mjs", "v5-compat.cjs", "types/", "README.md"],
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
}

if (import.meta.main) {
  const names = await checkExports();
  await checkCompatExports(names);
  console.log(`exports match: ${names.length} names in mod.ts and npm/mod.ts; v5_compat.ts and npm/v5_compat.ts agree`);
  if (!Deno.args.includes("--check-exports")) {
    await Deno.remove(DIST, { recursive: true }).catch(() => {});
    await Deno.mkdir(DIST, { recursive: true });
    const deps = new Map<string, string>();
    await bundle(deps);
    await declarations();
    await manifest(deps);
    const sizes = await Promise.all(
      ["index.mjs", "index.cjs"].map(async (f) => (await Deno.stat(new URL(f, DIST))).size),
    );
    console.log(
      `built npm/dist: index.mjs ${sizes[0]} B, index.cjs ${sizes[1]} B, dependencies ${
        JSON.stringify(Object.fromEntries(deps))
      }`,
    );
  }
}
