/**
 * Builds `wasm/zmq_wasm.wasm` and `wasm/lib/zmq_wasm.generated.ts` from the
 * Rust sources in `wasm/`.
 *
 * ```sh
 * deno run -A wasm/build.ts          # build and write both files
 * deno run -A wasm/build.ts --check  # verify the committed files; writes nothing
 * ```
 *
 * The build copies `Cargo.toml` and `src/` into a temporary directory (so no
 * `Cargo.lock` or `target/` appears in the repo and the absolute path never
 * matters), runs Debian's `/usr/bin/cargo` with `/usr/bin/rustc`, maps that
 * path to `/zmq_wasm` in anything the compiler records, and strips every
 * custom section (debug info, names, producers) from the result. The bytes
 * therefore depend only on the sources, the flags below and the rustc
 * version. wasm-opt is not used: it gained nothing measurable here
 * (bench/RESULTS.md) and would make the bytes depend on a second tool's
 * version.
 *
 * `--check` always compares the SHA-256 of the sources with the one recorded
 * in the generated file, and the generated base64 with `zmq_wasm.wasm`. When
 * `/usr/bin/cargo` exists it also rebuilds into a temporary directory and
 * fails if the bytes differ from the committed `zmq_wasm.wasm`.
 *
 * @module
 */

const CARGO = "/usr/bin/cargo";
const RUSTC = "/usr/bin/rustc";
const TARGET = "wasm32-unknown-unknown";
/** Flags that shape the bytes; part of the source hash. */
const RUSTFLAGS = [
  "-C",
  "target-feature=+bulk-memory",
  "-C",
  "link-arg=-zstack-size=131072",
  "-C",
  "link-arg=--strip-all",
];
const REMAPPED_ROOT = "/zmq_wasm";

const here = new URL("./", import.meta.url);
const wasmPath = new URL("zmq_wasm.wasm", here);
const generatedPath = new URL("lib/zmq_wasm.generated.ts", here);

/** The files the module is built from, relative to `wasm/`, sorted. */
function sourceFiles(): string[] {
  const files = ["Cargo.toml"];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(new URL(dir, here))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (entry.name.endsWith(".rs")) files.push(path);
    }
  };
  walk("src");
  return files.sort();
}

/** SHA-256 over each source's path and bytes, plus the build flags. */
async function sourceHash(): Promise<string> {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [enc.encode(`flags\0${RUSTFLAGS.join(" ")}\0`)];
  for (const file of sourceFiles()) {
    parts.push(enc.encode(`${file}\0`), Deno.readFileSync(new URL(file, here)), enc.encode("\0"));
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", all)));
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function run(cmd: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const out = await new Deno.Command(cmd, { args, ...options, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed:\n${text}`);
  return text.trim();
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads an unsigned LEB128 at `at`; returns [value, next position]. */
function leb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, at];
    shift += 7;
  }
}

/** Drops every custom section (id 0): names, producers, debug info. */
function stripCustomSections(wasm: Uint8Array): Uint8Array {
  const keep: Uint8Array[] = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const start = at;
    const id = wasm[at];
    const [size, body] = leb(wasm, at + 1);
    at = body + size;
    if (id !== 0) keep.push(wasm.subarray(start, at));
  }
  const out = new Uint8Array(keep.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of keep) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Builds the module in a temporary copy of the crate and returns its bytes. */
async function build(): Promise<{ wasm: Uint8Array; rustc: string }> {
  const tmp = await Deno.makeTempDir({ prefix: "zmq_wasm_build_" });
  try {
    const crate = `${tmp}/crate`;
    for (const file of sourceFiles()) {
      const dest = `${crate}/${file}`;
      Deno.mkdirSync(dest.slice(0, dest.lastIndexOf("/")), { recursive: true });
      Deno.copyFileSync(new URL(file, here), dest);
    }
    const flags = [...RUSTFLAGS, `--remap-path-prefix=${crate}=${REMAPPED_ROOT}`].join(" ");
    const env = {
      RUSTC,
      RUSTFLAGS: flags,
      CARGO_TARGET_DIR: `${tmp}/target`,
      CARGO_INCREMENTAL: "0",
      CARGO_BUILD_JOBS: "1",
    };
    await run(CARGO, ["build", "--release", "--offline", "--target", TARGET], { cwd: crate, env });
    const built = Deno.readFileSync(`${tmp}/target/${TARGET}/release/zmq_wasm.wasm`);
    return { wasm: stripCustomSections(built), rustc: await run(RUSTC, ["--version"]) };
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function generated(wasm: Uint8Array, hash: string, rustc: string, wasmHash: string): string {
  const lines = base64(wasm).match(/.{1,100}/g) ?? [];
  return [
    "// @generated by wasm/build.ts from wasm/Cargo.toml and wasm/src/. Do not edit; run `deno task wasm:build`.",
    "// deno-fmt-ignore-file",
    "// deno-lint-ignore-file",
    "",
    "/** SHA-256 of the Rust sources and build flags this module was built from. */",
    `export const SOURCE_HASH = "${hash}";`,
    "/** SHA-256 of the module bytes (wasm/zmq_wasm.wasm). */",
    `export const WASM_HASH = "${wasmHash}";`,
    "/** The compiler that built it. */",
    `export const RUSTC_VERSION = "${rustc}";`,
    "/** The module (wasm/zmq_wasm.wasm), base64. */",
    "export const WASM_BASE64 =",
    lines.map((l) => `  "${l}"`).join(" +\n") + ";",
    "",
  ].join("\n");
}

function field(text: string, name: string): string | undefined {
  return text.match(new RegExp(`export const ${name} = "([^"]*)"`))?.[1];
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function sha256(bytes: Uint8Array): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

async function check(): Promise<boolean> {
  const problems: string[] = [];
  const text = Deno.readTextFileSync(generatedPath);
  const committed = Deno.readFileSync(wasmPath);
  const hash = await sourceHash();
  if (field(text, "SOURCE_HASH") !== hash) {
    problems.push(
      `wasm/src or Cargo.toml changed since the last build (source hash ${hash}); run deno task wasm:build`,
    );
  }
  const block = text.match(/export const WASM_BASE64 =([\s\S]*?);/)?.[1] ?? "";
  const inline = [...block.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join("");
  if (inline !== base64(committed) || field(text, "WASM_HASH") !== await sha256(committed)) {
    problems.push("wasm/lib/zmq_wasm.generated.ts does not hold wasm/zmq_wasm.wasm; run deno task wasm:build");
  }
  if (exists(CARGO)) {
    const { wasm, rustc } = await build();
    if (!equal(wasm, committed)) {
      problems.push(
        `rebuilding gives different bytes (${wasm.length} vs ${committed.length} committed; ` +
          `${rustc} here, ${field(text, "RUSTC_VERSION")} recorded)`,
      );
    } else {
      console.log(`wasm:check: rebuilt with ${rustc}: identical bytes (${wasm.length})`);
    }
  } else {
    console.log(`wasm:check: ${CARGO} not found; checked the source hash only`);
  }
  for (const p of problems) console.error(`wasm:check: ${p}`);
  if (problems.length === 0) console.log(`wasm:check: ok (source hash ${hash.slice(0, 16)}…)`);
  return problems.length === 0;
}

async function main(args: string[]): Promise<void> {
  if (args.includes("--check")) {
    if (!await check()) Deno.exit(1);
    return;
  }
  const { wasm, rustc } = await build();
  const hash = await sourceHash();
  Deno.writeFileSync(wasmPath, wasm);
  Deno.mkdirSync(new URL("lib/", here), { recursive: true });
  Deno.writeTextFileSync(generatedPath, generated(wasm, hash, rustc, await sha256(wasm)));
  console.log(`wasm:build: ${wasm.length} bytes with ${rustc}; source hash ${hash.slice(0, 16)}…`);
}

if (import.meta.main) {
  main(Deno.args).catch((err) => {
    console.error(err);
    Deno.exit(1);
  });
}
