/**
 * The implementations a run compares, each with the command that starts one
 * of its tools: zmq-ts on Deno, Node and Bun, zeromq.js on Node, libzmq in C
 * and the bare Deno TCP ping-pong; with `--baseline=REV`, zmq-ts on each
 * runtime a second time, built from that commit (`zmqts-deno@<rev>`, ...).
 *
 * `setup()` snapshots the sources, then finds or builds what each needs (see
 * `toolchains.ts`); what is missing is skipped with the reason kept for the
 * report.
 *
 * @module
 */

import { type Flags, IMPL_ORDER, type ImplId, ZMQTS_IMPLS, type ZmqTsImplId } from "./flags.ts";
import { type Snapshot, snapshot } from "./snapshot.ts";
import {
  buildNpm,
  bundleNodeTools,
  compileCPeers,
  findBun,
  findZeromqJs,
  hasEsbuild,
  nodeVersion,
  type NpmBuild,
} from "./toolchains.ts";

/** An implementation's key in the tables: its name, or for a baseline build `<name>@<short rev>`. */
export type ImplKey = ImplId | `${ZmqTsImplId}@${string}`;

/** One implementation. */
export interface Impl {
  id: ImplKey;
  /** Which implementation this is (the same for a baseline build and the code measured). */
  base: ImplId;
  /** The short commit of a baseline build; null for the code measured. */
  rev: string | null;
  label: string;
  /** Null when available, else why not. */
  skip: string | null;
  /** The directory the tools run in (a snapshot of the sources). */
  cwd: string;
  /** Environment variables for the tools, added to ours. */
  env: Record<string, string>;
  /** The command for a tool (`local_thr`, ...) with the tool's arguments. */
  cmd(tool: string, args: string[]): string[];
}

/** Everything a run needs to know about the implementations. */
export interface Setup {
  /** The code measured, for the report. */
  code: string;
  /** The `--baseline` commit, or null. */
  baseline: Snapshot | null;
  /** Every implementation, skipped or not, in the order of the tables (a baseline build right after its twin). */
  impls: Map<ImplKey, Impl>;
  /** Why something is missing, and where it came from when not from `node_modules`. */
  notes: string[];
  /** The versions of the runtimes and libraries, for the report. */
  versions: Record<string, string>;
  /** The temporary directory of the run; removing it removes everything `setup()` made. */
  tmp: string;
}

/** What zmq-ts needs on each runtime, built from one snapshot. */
interface ZmqTsBuild {
  tree: Snapshot;
  /** Where the tools bundled for Node are (when `nodeSkip` is null). */
  nodeDir: string;
  nodeSkip: string | null;
  npm: NpmBuild;
  bunPath: string;
  bunSkip: string | null;
  env: Record<string, string>;
}

const LABELS: Record<ImplId, string> = {
  "zmqts-deno": "zmq-ts / Deno",
  "zmqts-node": "zmq-ts / Node",
  "zmqts-bun": "zmq-ts / Bun",
  "zeromqjs-node": "zeromq.js / Node",
  "libzmq-c": "libzmq / C",
  "floor": "bare Deno TCP ping-pong (floor)",
};

/** zmq-ts on Deno, Node and Bun, from one build; with `rev`, as the baseline build of that commit. */
function zmqTsImpls(b: ZmqTsBuild, rev: string | null): Impl[] {
  const deno = Deno.execPath();
  const key = (id: ZmqTsImplId): ImplKey => (rev === null ? id : `${id}@${rev}`);
  const label = (id: ZmqTsImplId) => (rev === null ? LABELS[id] : `${LABELS[id]} @${rev}`);
  const common = { rev, cwd: b.tree.dir, env: b.env };
  return [
    {
      ...common,
      id: key("zmqts-deno"),
      base: "zmqts-deno",
      label: label("zmqts-deno"),
      skip: null,
      cmd: (tool, args) => [deno, "run", "-A", `bench/${tool}.ts`, ...args, "--lib=zmq-ts"],
    },
    {
      ...common,
      id: key("zmqts-node"),
      base: "zmqts-node",
      label: label("zmqts-node"),
      skip: b.npm.skip ?? b.nodeSkip,
      cmd: (tool, args) => ["node", `${b.nodeDir}/${tool}.mjs`, ...args, "--lib=zmq-ts"],
    },
    {
      ...common,
      id: key("zmqts-bun"),
      base: "zmqts-bun",
      label: label("zmqts-bun"),
      skip: b.bunSkip ?? b.npm.skip,
      cmd: (tool, args) => [b.bunPath, `bench/${tool}.ts`, ...args, "--lib=zmq-ts"],
    },
  ];
}

/**
 * Snapshots the sources (and the `--baseline` commit) into a temporary
 * directory and prepares every implementation. The caller removes
 * `Setup.tmp` when done.
 */
export async function setup(flags: Flags): Promise<Setup> {
  const tmp = await Deno.makeTempDir({ prefix: "zmq-ts-compare-" });
  const tree = await snapshot(`${tmp}/tree`, flags.commit);
  const notes: string[] = [];
  const versions: Record<string, string> = {};
  const env: Record<string, string> = { NO_COLOR: "1" };
  const deno = Deno.execPath();
  versions.deno = `Deno ${Deno.version.deno} (V8 ${Deno.version.v8}, TypeScript ${Deno.version.typescript})`;

  // Node: the tools bundled with esbuild.
  const node = await nodeVersion();
  let nodeSkip: string | null = null;
  if (node === null) {
    notes.push("Node: `node` not found, so zmq-ts on Node and zeromq.js are skipped.");
    nodeSkip = "Node or esbuild missing";
  } else {
    versions.node = `Node ${node}`;
    if (!(await hasEsbuild())) {
      notes.push("Node: esbuild (devDependency) missing, run `npm install`; Node runs skipped.");
      nodeSkip = "Node or esbuild missing";
    } else {
      const failures = await bundleNodeTools(tree.dir, `${tmp}/node`);
      for (const f of failures) notes.push(`Node: ${f}`);
      if (failures.length > 0) nodeSkip = "Node or esbuild missing";
    }
  }

  // zeromq.js (the `zeromq` devDependency), Node only.
  const zeromq = nodeSkip === null ? await findZeromqJs(tmp) : { entry: null, skip: nodeSkip };
  if (zeromq.entry !== null) env.ZMQ_ZEROMQ_JS = zeromq.entry;
  if (zeromq.version !== undefined) versions.zeromqjs = zeromq.version;
  if (zeromq.skip !== null) notes.push(`zeromq.js: skipped (${zeromq.skip}).`);

  // The zmq-ts npm build, for Node and Bun: given in ZMQ_TS_NPM, else built from the snapshot.
  let npm: NpmBuild;
  const given = Deno.env.get("ZMQ_TS_NPM");
  if (given) {
    npm = { entry: given, skip: null };
    notes.push(`zmq-ts on Node and Bun: the npm build given in ZMQ_TS_NPM (${given}).`);
  } else {
    npm = await buildNpm(tree.dir, flags.commit ?? "HEAD", "the snapshot");
    if (npm.skip !== null) notes.push(`zmq-ts on Node and Bun: skipped (${npm.skip}).`);
  }
  if (npm.entry !== null) env.ZMQ_TS_NPM = npm.entry;

  // Bun: the devDependency, else a temporary install.
  const bun = await findBun(tmp);
  if (bun.note !== null) notes.push(bun.note);
  if (bun.version !== undefined) versions.bun = bun.version;

  // libzmq in C: compile the peers.
  const c = await compileCPeers(tree.dir, `${tmp}/c`);
  if (c.skip !== null) notes.push(`libzmq in C: skipped (${c.skip}).`);
  if (c.version !== undefined) versions.libzmq = c.version;

  const impls: Impl[] = zmqTsImpls(
    { tree, nodeDir: `${tmp}/node`, nodeSkip, npm, bunPath: bun.path, bunSkip: bun.skip, env },
    null,
  );
  const others = { rev: null, cwd: tree.dir, env };
  impls.push(
    {
      ...others,
      id: "zeromqjs-node",
      base: "zeromqjs-node",
      label: LABELS["zeromqjs-node"],
      skip: zeromq.skip,
      cmd: (tool, args) => ["node", `${tmp}/node/${tool}.mjs`, ...args, "--lib=zeromq"],
    },
    {
      ...others,
      id: "libzmq-c",
      base: "libzmq-c",
      label: LABELS["libzmq-c"],
      skip: c.skip,
      cmd: (tool, args) => [`${tmp}/c/${tool}`, ...args],
    },
    {
      ...others,
      id: "floor",
      base: "floor",
      label: LABELS.floor,
      skip: null,
      cmd: (
        tool,
        args,
      ) => [deno, "run", "-A", "bench/tcp_pingpong.ts", tool === "local_lat" ? "local" : "remote", ...args],
    },
  );

  const selected = (id: ImplId) => flags.impls === null || flags.impls.includes(id);
  let baseline: Snapshot | null = null;
  if (flags.baseline !== null && flags.memoryOnly) {
    notes.push(`--baseline=${flags.baseline}: not measured with --memory (the memory check measures the code only).`);
  } else if (flags.baseline !== null) {
    baseline = await snapshot(`${tmp}/baseline/tree`, flags.baseline, "--baseline");
    impls.push(...await baselineImpls(baseline, { tmp, nodeSkip, bun, env, selected }, notes));
  }

  for (const impl of impls) {
    if (!selected(impl.base) && impl.skip === null) impl.skip = "not selected (--impls)";
  }
  const rank = (impl: Impl) => IMPL_ORDER.indexOf(impl.base) * 2 + (impl.rev === null ? 0 : 1);
  impls.sort((a, b) => rank(a) - rank(b));
  return { code: tree.description, baseline, impls: new Map(impls.map((i) => [i.id, i])), notes, versions, tmp };
}

/**
 * zmq-ts built from the baseline snapshot. Only what a selected runtime needs
 * is built; Bun and Node themselves are the ones found for the code measured.
 */
async function baselineImpls(
  base: Snapshot,
  o: {
    tmp: string;
    nodeSkip: string | null;
    bun: { path: string; skip: string | null };
    env: Record<string, string>;
    selected: (id: ImplId) => boolean;
  },
  notes: string[],
): Promise<Impl[]> {
  const name = `Baseline ${base.rev}`;
  const unselected = "not selected (--impls)";
  const nodeDir = `${o.tmp}/baseline/node`;
  let nodeSkip = o.nodeSkip;
  if (nodeSkip === null && o.selected("zmqts-node")) {
    const failures = await bundleNodeTools(base.dir, nodeDir);
    for (const f of failures) notes.push(`${name}, Node: ${f}`);
    if (failures.length > 0) nodeSkip = "esbuild failed on the baseline's tools";
  }
  let npm: NpmBuild = { entry: null, skip: unselected };
  if (ZMQTS_IMPLS.some((id) => id !== "zmqts-deno" && o.selected(id))) {
    npm = await buildNpm(base.dir, base.rev, `the baseline ${base.rev}`);
    if (npm.skip !== null) notes.push(`${name}, zmq-ts on Node and Bun: skipped (${npm.skip}).`);
  }
  const env = { ...o.env };
  if (npm.entry !== null) env.ZMQ_TS_NPM = npm.entry;
  else delete env.ZMQ_TS_NPM;
  return zmqTsImpls({ tree: base, nodeDir, nodeSkip, npm, bunPath: o.bun.path, bunSkip: o.bun.skip, env }, base.rev);
}
