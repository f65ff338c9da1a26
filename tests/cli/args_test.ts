import assert from "node:assert/strict";
import { type CommandSpec, formatHelp, parseArgs } from "../../src/cli/args.ts";

const spec: CommandSpec = {
  name: "demo",
  usage: "demo [options]",
  summary: "A demo.",
  flags: [
    { name: "bind", short: "b", kind: "list", value: "ENDPOINT", help: "bind" },
    { name: "count", short: "n", kind: "integer", value: "N", help: "count" },
    { name: "rate", kind: "number", value: "N", help: "rate" },
    { name: "format", kind: "string", value: "F", help: "format", default: "text", choices: ["text", "json"] },
    { name: "quiet", short: "q", kind: "boolean", help: "quiet" },
  ],
};

Deno.test("parseArgs() - long, short, inline and repeated flags; -- ends flags", () => {
  const args = parseArgs(["-b", "a", "--bind=b", "-n5", "--rate", "0.5", "-q", "pos", "--", "--bind"], spec);
  assert.deepEqual(args.list("bind"), ["a", "b"]);
  assert.equal(args.integer("count"), 5);
  assert.equal(args.number("rate"), 0.5);
  assert.equal(args.boolean("quiet"), true);
  assert.equal(args.string("format"), "text", "default");
  assert.deepEqual(args.positionals, ["pos", "--bind"]);
  assert.equal(args.has("count"), true);
  assert.equal(args.has("rate") && !args.has("format"), true);
});

Deno.test("parseArgs() - mistakes are usage errors (exit code 2) that say what is wrong", () => {
  const cases: [string[], RegExp][] = [
    [["--nope"], /unknown option --nope/],
    [["-z"], /unknown option -z/],
    [["--count"], /--count needs a value/],
    [["--count", "1.5"], /whole number/],
    [["--rate", "fast"], /needs a number/],
    [["--format", "xml"], /one of text, json/],
    [["--quiet=yes"], /takes no value/],
  ];
  for (const [argv, message] of cases) assert.throws(() => parseArgs(argv, spec), { exitCode: 2, message });
});

Deno.test("parseArgs() - a negative number is a value, not a flag", () => {
  assert.equal(parseArgs(["--count", "-1"], spec).integer("count"), -1);
});

Deno.test("formatHelp() - usage, options with placeholders and defaults, repeatable lists, --help", () => {
  const text = formatHelp(spec);
  assert.match(text, /^Usage: zmq-ts demo \[options\]\n\nA demo\.\n/);
  assert.match(text, /-b, --bind ENDPOINT +bind \(repeatable\)/);
  assert.match(text, / {4}--format F +format \(default: text\)/);
  assert.match(text, /-h, --help +show this help/);
});
