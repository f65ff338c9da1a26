/**
 * What the implementations need besides Deno, found or built once per run:
 * the tools bundled for Node (esbuild), the zmq-ts npm build, Bun, zeromq.js
 * and the C peers compiled against libzmq. Each step reports why it could not
 * be done instead of throwing, so a run goes on without that implementation.
 *
 * @module
 */

import { exists, output } from "./commands.ts";
import { binPath, pathOf, ROOT, ROOT_PATH } from "./paths.ts";

/** The perf tools, as `bench/<tool>.ts` and `bench/peers/<tool>.c`. */
export const TOOLS: string[] = ["local_thr", "remote_thr", "local_lat", "remote_lat"];

/** Node's version (`v22.1.0`), or null when there is no `node`. */
export async function nodeVersion(): Promise<string | null> {
  const node = await output("node", ["--version"], { cwd: ROOT_PATH });
  return node.ok ? node.stdout.trim() : null;
}

/** Whether the esbuild devDependency is installed. */
export function hasEsbuild(): Promise<boolean> {
  return exists(binPath("esbuild"));
}

/**
 * Bundles the tools of the sources in `tree` for Node (Node 20 cannot run
 * TypeScript) into `outDir/<tool>.mjs`. Returns the failures, one a tool; an
 * empty list means all four were built.
 */
export async function bundleNodeTools(tree: string, outDir: string): Promise<string[]> {
  await Deno.mkdir(outDir, { recursive: true });
  const failures: string[] = [];
  for (const tool of TOOLS) {
    const r = await output(binPath("esbuild"), [
      `bench/${tool}.ts`,
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--target=node20",
      `--outfile=${outDir}/${tool}.mjs`,
      "--log-level=error",
    ], { cwd: tree });
    if (!r.ok) failures.push(`esbuild failed on bench/${tool}.ts: ${r.stderr.trim()}`);
  }
  return failures;
}

/** zeromq.js as the tools load it (`ZMQ_ZEROMQ_JS`), or why it is missing. */
export interface ZeromqJs {
  /** Absolute path of `lib/index.js`, or null when skipped. */
  entry: string | null;
  skip: string | null;
  /** `zeromq.js 6.8.0 (libzmq 4.3.5)`, when found. */
  version?: string;
}

/** Finds the `zeromq` devDependency, else installs zeromq.js 6.8.0 into `tmp/npm`. */
export async function findZeromqJs(tmp: string): Promise<ZeromqJs> {
  const dir = pathOf(new URL("node_modules/zeromq/", ROOT));
  let entry = `${dir}lib/index.js`;
  if (!(await exists(`${dir}package.json`))) {
    console.log("zeromq.js missing: npm install --no-save zeromq@6.8.0 into a temporary directory ...");
    const r = await output("npm", ["install", "--no-save", "--prefix", `${tmp}/npm`, "zeromq@6.8.0"], {
      cwd: ROOT_PATH,
    });
    if (!r.ok) {
      return { entry: null, skip: `\`npm install zeromq@6.8.0\` failed: ${r.stderr.trim().split("\n").pop()}` };
    }
    entry = `${tmp}/npm/node_modules/zeromq/lib/index.js`;
  }
  const pkg = JSON.parse(await Deno.readTextFile(entry.replace(/lib\/index\.js$/, "package.json")));
  const v = await output("node", ["-e", `import(${JSON.stringify(entry)}).then((z) => console.log(z.version))`], {
    cwd: ROOT_PATH,
  });
  return { entry, skip: null, version: `zeromq.js ${pkg.version} (libzmq ${v.stdout.trim() || "?"})` };
}

/** The zmq-ts npm build (`ZMQ_TS_NPM` for the tools on Node and Bun), or why there is none. */
export interface NpmBuild {
  /** Path of `npm/dist/index.mjs`, or null when skipped. */
  entry: string | null;
  skip: string | null;
}

/**
 * Builds the zmq-ts npm package in `tree` (`npm/build.ts`), the sources of
 * commit `rev`; skipped when that commit has no `npm/build.ts` yet. `what`
 * names the sources in the progress line.
 */
export async function buildNpm(tree: string, rev: string, what: string): Promise<NpmBuild> {
  const entry = `${tree}/npm/dist/index.mjs`;
  const landed = await output("git", ["log", "-1", "--format=%h %s", rev, "--", "npm/build.ts"], { cwd: ROOT_PATH });
  if (!landed.ok || landed.stdout.trim() === "" || !(await exists(`${tree}/npm/build.ts`))) {
    return {
      entry: null,
      skip: "the zmq-ts npm build (`npm/build.ts`) has not been committed yet; zmq-ts runs on Deno only",
    };
  }
  console.log(`compare: building the zmq-ts npm package from ${what} (npm/build.ts) ...`);
  const r = await output(Deno.execPath(), ["run", "-A", "npm/build.ts"], { cwd: tree });
  if (!r.ok || !(await exists(entry))) {
    return { entry: null, skip: `\`deno task npm:build\` failed: ${r.stderr.trim().split("\n").slice(-3).join(" ")}` };
  }
  return { entry, skip: null };
}

/** Bun's executable, or why there is none. */
export interface Bun {
  path: string;
  skip: string | null;
  /** What the report says about where Bun came from, if it is not the devDependency. */
  note: string | null;
  /** `Bun 1.1.0`, when it runs. */
  version?: string;
}

/** Finds the `bun` devDependency, else installs it into `tmp/npm`. */
export async function findBun(tmp: string): Promise<Bun> {
  const bun: Bun = { path: binPath("bun"), skip: null, note: null };
  if (!(await exists(bun.path))) {
    console.log("bun missing: npm install --no-save bun into a temporary directory ...");
    const r = await output("npm", ["install", "--no-save", "--prefix", `${tmp}/npm`, "bun"], { cwd: ROOT_PATH });
    bun.path = `${tmp}/npm/node_modules/.bin/bun`;
    if (!r.ok || !(await exists(bun.path))) {
      bun.skip = `\`npm install bun\` failed: ${r.stderr.trim().split("\n").pop()}`;
      bun.note = `Bun: skipped (${bun.skip}).`;
    } else bun.note = "Bun: not in node_modules, installed into a temporary directory for this run.";
  }
  const v = await output(bun.path, ["--version"], { cwd: ROOT_PATH });
  if (v.ok) bun.version = `Bun ${v.stdout.trim()}`;
  return bun;
}

/** The C peers, or why they could not be built. */
export interface CPeers {
  skip: string | null;
  /** `libzmq 4.3.4 (Debian libzmq3-dev), gcc ...`, when built. */
  version?: string;
}

/** Compiles `bench/peers/<tool>.c` of `tree` against libzmq into `outDir/<tool>`. */
export async function compileCPeers(tree: string, outDir: string): Promise<CPeers> {
  await Deno.mkdir(outDir, { recursive: true });
  for (const tool of TOOLS) {
    const r = await output("gcc", ["-O2", `bench/peers/${tool}.c`, "-o", `${outDir}/${tool}`, "-lzmq", "-lpthread"], {
      cwd: tree,
    });
    if (!r.ok) {
      return {
        skip: `gcc bench/peers/${tool}.c -lzmq failed (apt-get install gcc libzmq3-dev): ${
          r.stderr.trim().split("\n")[0]
        }`,
      };
    }
  }
  const pc = await output("pkg-config", ["--modversion", "libzmq"], { cwd: tree });
  const gcc = await output("gcc", ["--version"], { cwd: tree });
  return {
    skip: null,
    version: `libzmq ${pc.stdout.trim() || "?"} (Debian libzmq3-dev), ${gcc.stdout.split("\n")[0]}`,
  };
}
