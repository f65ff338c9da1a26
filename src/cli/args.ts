/**
 * Command-line argument parsing and help text: each command declares its
 * flags once ({@linkcode CommandSpec}); parsing and `--help` come from that.
 * Long flags take `--name value` or `--name=value`, short ones `-n value`;
 * repeatable flags collect a list; `--` ends the flags.
 *
 * @module
 */

import { UsageError } from "./exit_codes.ts";

/** How a flag's value is read. */
export type FlagKind = "string" | "integer" | "number" | "boolean" | "list";

/** One flag of a command. */
export interface FlagSpec {
  /** The long name, without `--`. */
  name: string;
  /** A one-letter alias, without `-`. */
  short?: string;
  /** How its value is read: `boolean` takes none, `list` may be repeated. */
  kind: FlagKind;
  /** The placeholder shown in help (`ENDPOINT`, `MS`, ...). */
  value?: string;
  /** One line of help. */
  help: string;
  /** The default, shown in help and used when the flag is absent. */
  default?: string | number | boolean;
  /** The values a `string` flag accepts. */
  choices?: readonly string[];
}

/** A command: its name, usage line, help and flags. */
export interface CommandSpec {
  /** The command's name as typed (`push`, `keygen`, `perf`). */
  name: string;
  /** The usage line after `zmq-ts` (e.g. `push [options]`). */
  usage: string;
  /** One line saying what it does. */
  summary: string;
  /** Paragraphs shown after the usage line. */
  description?: string;
  /** The flags. */
  flags: readonly FlagSpec[];
  /** Example command lines. */
  examples?: readonly string[];
}

/** A flag's value after parsing. */
export type FlagValue = string | number | boolean | string[];

/**
 * Parsed arguments, with typed getters.
 *
 * @example Usage
 * ```ts
 * import { parseArgs } from "./args.ts";
 * import assert from "node:assert/strict";
 * const spec = { name: "x", usage: "x", summary: "", flags: [
 *   { name: "bind", short: "b", kind: "list", help: "" },
 *   { name: "count", kind: "integer", help: "" },
 * ] } as const;
 * const args = parseArgs(["-b", "tcp://*:5555", "--count=3", "rest"], spec);
 * assert.deepEqual(args.list("bind"), ["tcp://*:5555"]);
 * assert.equal(args.integer("count"), 3);
 * assert.deepEqual(args.positionals, ["rest"]);
 * ```
 */
export class ParsedArgs {
  /** Arguments that are not flags, in order. */
  readonly positionals: string[];
  readonly #values: Map<string, FlagValue>;
  readonly #spec: CommandSpec;

  /** Wraps parsed values; see {@linkcode parseArgs}. */
  constructor(spec: CommandSpec, values: Map<string, FlagValue>, positionals: string[]) {
    this.#spec = spec;
    this.#values = values;
    this.positionals = positionals;
  }

  #flag(name: string): FlagSpec {
    const flag = this.#spec.flags.find((f) => f.name === name);
    if (flag === undefined) throw new TypeError(`${this.#spec.name} has no flag --${name}`);
    return flag;
  }

  /** Whether the command has the flag at all. */
  knows(name: string): boolean {
    return this.#spec.flags.some((f) => f.name === name);
  }

  /** Whether the flag was given. */
  has(name: string): boolean {
    this.#flag(name);
    return this.#values.has(name);
  }

  /** A `string` flag's value, or its default. */
  string(name: string): string | undefined {
    const flag = this.#flag(name);
    const value = this.#values.get(name) ?? flag.default;
    return value === undefined ? undefined : String(value);
  }

  /** An `integer` or `number` flag's value, or its default. */
  number(name: string): number | undefined {
    const flag = this.#flag(name);
    const value = this.#values.get(name) ?? flag.default;
    return value === undefined ? undefined : Number(value);
  }

  /** Same as {@linkcode ParsedArgs.number}, for `integer` flags. */
  integer(name: string): number | undefined {
    return this.number(name);
  }

  /** A `boolean` flag: whether it was given (or its default). */
  boolean(name: string): boolean {
    const flag = this.#flag(name);
    return Boolean(this.#values.get(name) ?? flag.default ?? false);
  }

  /** A `list` flag's values, in order (empty when absent). */
  list(name: string): string[] {
    this.#flag(name);
    return [...(this.#values.get(name) as string[] | undefined ?? [])];
  }
}

function readValue(flag: FlagSpec, text: string): FlagValue {
  const label = `--${flag.name}`;
  switch (flag.kind) {
    case "integer": {
      if (!/^-?\d+$/.test(text)) throw new UsageError(`${label} needs a whole number, got "${text}"`);
      return Number(text);
    }
    case "number": {
      const n = Number(text);
      if (text.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${label} needs a number, got "${text}"`);
      return n;
    }
    case "string":
      if (flag.choices !== undefined && !flag.choices.includes(text)) {
        throw new UsageError(`${label} must be one of ${flag.choices.join(", ")}; got "${text}"`);
      }
      return text;
    default:
      return text;
  }
}

/**
 * Parses `argv` against a command's flags. Throws a {@linkcode UsageError}
 * for an unknown flag, a missing value or a malformed number.
 *
 * @example Usage
 * ```ts
 * import { parseArgs } from "./args.ts";
 * import assert from "node:assert/strict";
 * const spec = { name: "x", usage: "x", summary: "", flags: [{ name: "quiet", short: "q", kind: "boolean", help: "" }] } as const;
 * assert.equal(parseArgs(["-q"], spec).boolean("quiet"), true);
 * assert.throws(() => parseArgs(["--loud"], spec), { exitCode: 2 });
 * ```
 */
export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const values = new Map<string, FlagValue>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let flag: FlagSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      flag = spec.flags.find((f) => f.name === name);
      if (flag === undefined) {
        throw new UsageError(`${spec.name}: unknown option --${name} (see zmq-ts ${spec.name} --help)`);
      }
    } else if (arg.startsWith("-") && arg.length > 1 && !/^-\d/.test(arg)) {
      const short = arg.slice(1, 2);
      flag = spec.flags.find((f) => f.short === short);
      if (flag === undefined) {
        throw new UsageError(`${spec.name}: unknown option -${short} (see zmq-ts ${spec.name} --help)`);
      }
      if (arg.length > 2) inline = arg.slice(2);
    } else {
      positionals.push(arg);
      continue;
    }
    if (flag.kind === "boolean") {
      if (inline !== undefined) throw new UsageError(`--${flag.name} takes no value`);
      values.set(flag.name, true);
      continue;
    }
    let text = inline;
    if (text === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`--${flag.name} needs a value (${flag.value ?? "VALUE"})`);
      text = argv[++i];
    }
    const value = readValue(flag, text);
    if (flag.kind === "list") {
      const list = (values.get(flag.name) as string[] | undefined) ?? [];
      list.push(value as string);
      values.set(flag.name, list);
    } else {
      values.set(flag.name, value);
    }
  }
  return new ParsedArgs(spec, values, positionals);
}

/**
 * The `--help` text of a command.
 *
 * @example Usage
 * ```ts
 * import { formatHelp } from "./args.ts";
 * import assert from "node:assert/strict";
 * const text = formatHelp({ name: "x", usage: "x [options]", summary: "Does x.", flags: [
 *   { name: "count", short: "n", kind: "integer", value: "N", help: "stop after N", default: 1 },
 * ] });
 * assert.match(text, /-n, --count N +stop after N \(default: 1\)/);
 * ```
 */
export function formatHelp(spec: CommandSpec): string {
  const lines = [`Usage: zmq-ts ${spec.usage}`, "", spec.summary];
  if (spec.description) lines.push("", spec.description);
  const rows = spec.flags.map((f): [string, string] => {
    const names = (f.short ? `-${f.short}, ` : "    ") + `--${f.name}`;
    let help = f.help;
    if (f.kind === "list") help += " (repeatable)";
    if (f.default !== undefined && f.kind !== "boolean") help += ` (default: ${f.default})`;
    return [f.kind === "boolean" ? names : `${names} ${f.value ?? "VALUE"}`, help];
  });
  rows.push(["-h, --help", "show this help"]);
  const width = Math.max(...rows.map(([head]) => head.length)) + 2;
  lines.push("", "Options:", ...rows.map(([head, help]) => `  ${head.padEnd(width)}${help}`));
  if (spec.examples && spec.examples.length > 0) {
    lines.push("", "Examples:", ...spec.examples.map((e) => `  ${e}`));
  }
  return lines.join("\n") + "\n";
}
