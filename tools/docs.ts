/**
 * Builds the API reference: `deno doc --html` for every entry point that
 * deno.json exports (so a new entry is documented once it is exported),
 * into `docs/api/` (ignored by git), failing on any `deno doc --lint`
 * problem.
 *
 * Usage: `deno run -A tools/docs.ts` (or `deno task docs`); `--lint` only
 * lints.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);
const deno = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
const exports: Record<string, string> = typeof deno.exports === "string" ? { ".": deno.exports } : deno.exports;
const files = Object.values(exports);
const html = Deno.args.includes("--lint") ? [] : ["--html", "--name=zmq-ts", "--output=docs/api"];
const out = await new Deno.Command(Deno.execPath(), {
  args: ["doc", "--lint", ...html, ...files],
  cwd: decodeURIComponent(ROOT.pathname),
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (!out.success) Deno.exit(out.code);
console.log(`API reference${html.length ? " in docs/api/" : " lint"}: ${files.join(", ")}`);
