/**
 * The copy of the sources that a run measures, so that edits made to the
 * checkout during the run do not leak into it.
 *
 * @module
 */

import { exists, output } from "./commands.ts";
import { ROOT_PATH } from "./paths.ts";

/** A copy of the sources. */
export interface Snapshot {
  /** Where the copy is; the tools run from here. */
  dir: string;
  /** The short hash of the commit (for the working tree, of `HEAD`). */
  rev: string;
  /** What was copied, for the report: the commit, and any uncommitted changes. */
  description: string;
}

/**
 * Copies the sources into `dir`: the working tree (tracked and untracked, not
 * ignored files) when `commit` is null, else that commit (`git archive`).
 * `node_modules` is linked, not copied. `flag` names the option that asked
 * for the commit, for the description (`--commit` or `--baseline`).
 */
export async function snapshot(dir: string, commit: string | null, flag = "--commit"): Promise<Snapshot> {
  await Deno.mkdir(dir, { recursive: true });
  const git = (...args: string[]) => output("git", args, { cwd: ROOT_PATH });
  const parsed = await git("rev-parse", "--short", commit ?? "HEAD");
  if (commit !== null && !parsed.ok) throw new Error(`${flag}=${commit}: not a revision: ${parsed.stderr.trim()}`);
  const rev = parsed.stdout.trim();
  if (commit !== null) {
    const tar = `${dir}.tar`;
    const a = await git("archive", "--format=tar", `--output=${tar}`, commit);
    if (!a.ok) throw new Error(`git archive ${commit} failed: ${a.stderr}`);
    const x = await output("tar", ["-xf", tar, "-C", dir], { cwd: ROOT_PATH });
    await Deno.remove(tar);
    if (!x.ok) throw new Error(`tar failed: ${x.stderr}`);
  } else {
    const files = (await git("ls-files", "-z", "--cached", "--others", "--exclude-standard")).stdout.split("\0");
    for (const file of files) {
      if (file === "" || file.startsWith("node_modules/")) continue;
      const from = `${ROOT_PATH}/${file}`;
      if (!(await exists(from))) continue; // deleted in the working tree
      await Deno.mkdir(`${dir}/${file}`.replace(/\/[^/]*$/, ""), { recursive: true });
      await Deno.copyFile(from, `${dir}/${file}`);
    }
  }
  await Deno.symlink(`${ROOT_PATH}/node_modules`, `${dir}/node_modules`);
  if (commit !== null) return { dir, rev, description: `commit ${rev} (\`${flag}=${commit}\`)` };
  const dirty = (await git("status", "--porcelain", "--", "src", "mod.ts", "npm", "wasm", "bench")).stdout
    .split("\n").filter((l) => l.trim() !== "").map((l) => l.slice(3));
  const description = dirty.length === 0
    ? `commit ${rev}, clean working tree`
    : `commit ${rev} plus uncommitted changes in ${dirty.map((f) => `\`${f}\``).join(", ")} (working tree copied ` +
      "at the start of the run)";
  return { dir, rev, description };
}
