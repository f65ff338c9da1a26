/**
 * The socket commands (`zmq-ts push`, `zmq-ts sub`, `zmq-ts req`, ... one
 * per socket type): bind or connect, send what arrives on standard input,
 * print what arrives from peers, and the REQ/REP and DEALER/ROUTER round
 * trips.
 *
 * @module
 */

import { ZmqError } from "../../errors.ts";
import type { Subscriber } from "../../sockets/subscriber.ts";
import { type CommandSpec, type FlagSpec, formatHelp, parseArgs, type ParsedArgs } from "../args.ts";
import { aborted, type CommandContext, interruptOf } from "../context.ts";
import { CliError, EXIT } from "../exit_codes.ts";
import { type Format, formatMessage, type FormatOptions, FORMATS, parseRecord, unescapeArg } from "../formats.ts";
import { Progress } from "../progress.ts";
import { splitRecords } from "../records.ts";
import { ENDPOINT_FLAGS, openSocket, OPTION_FLAGS, SECURITY_FLAGS } from "../sockets.ts";

/** What a socket type does with standard input and arrivals. */
type Role = "send" | "receive" | "both" | "request" | "reply";

const ROLES: Readonly<Record<string, Role>> = {
  push: "send",
  pub: "send",
  pull: "receive",
  sub: "receive",
  req: "request",
  rep: "reply",
  dealer: "both",
  router: "both",
  pair: "both",
  xpub: "both",
  xsub: "both",
};

const SUMMARIES: Readonly<Record<string, string>> = {
  push: "PUSH: send each input message to the next PULL peer (round robin).",
  pull: "PULL: print the messages PUSH peers send (fair-queued).",
  pub: "PUB: publish each input message to every subscriber whose prefix matches.",
  sub: "SUB: print the messages of the subscribed topics (--subscribe; all when none is given).",
  req: "REQ: send each input message as a request and print its reply (a round trip each).",
  rep: "REP: print each request and answer it (--echo, or the next input message).",
  dealer: "DEALER: send input messages (round robin) and print what arrives (--echo answers back).",
  router: "ROUTER: print arrivals with the peer's routing id first; send input messages by their first frame.",
  pair: "PAIR: send input messages to the one peer and print what it sends.",
  xpub: "XPUB: publish input messages and print subscriptions (\\x01topic) and cancels (\\x00topic).",
  xsub: "XSUB: print published messages; input messages go upstream (\\x01topic subscribes).",
};

/** Flags for messages and flow, shared by all socket commands. */
const MESSAGE_FLAGS: readonly FlagSpec[] = [
  {
    name: "format",
    short: "f",
    kind: "string",
    value: "FORMAT",
    help: "print arrivals as text, json (frames), hex or raw",
    default: "text",
    choices: FORMATS,
  },
  {
    name: "input",
    short: "i",
    kind: "string",
    value: "FORMAT",
    help: "read input messages as text lines, json lines, hex lines or raw records",
    default: "text",
    choices: FORMATS,
  },
  { name: "separator", kind: "string", value: "SEP", help: "between frames of a multipart message", default: "\\t" },
  { name: "delimiter", kind: "string", value: "DELIM", help: "after each message in raw format", default: "\\n" },
  { name: "message", short: "m", kind: "list", value: "MESSAGE", help: "send MESSAGE instead of reading input" },
  { name: "subscribe", short: "s", kind: "list", value: "PREFIX", help: "SUB/XSUB: subscribe to PREFIX" },
  { name: "count", short: "n", kind: "integer", value: "N", help: "stop after N messages (received, or sent)" },
  {
    name: "timeout",
    short: "t",
    kind: "integer",
    value: "MS",
    help: "give up (exit 3) when nothing arrives or sends in MS",
  },
  { name: "rate", short: "r", kind: "number", value: "N", help: "send at most N messages per second" },
  { name: "delay", kind: "integer", value: "MS", help: "wait MS after binding/connecting before sending" },
  { name: "echo", short: "e", kind: "boolean", help: "REP/ROUTER/DEALER/PAIR: send back every message that arrives" },
  { name: "quiet", short: "q", kind: "boolean", help: "do not print arrivals" },
  { name: "no-progress", kind: "boolean", help: "never draw the progress line" },
];

/**
 * The spec of the socket command for `type`.
 *
 * @example Usage
 * ```ts
 * import { socketCommandSpec } from "./socket.ts";
 * import assert from "node:assert/strict";
 * assert.equal(socketCommandSpec("push").usage, "push [options]");
 * ```
 */
export function socketCommandSpec(type: string): CommandSpec {
  const full = fullSpec(type);
  return { ...full, flags: full.flags.filter((f) => appliesTo(f.name, type)) };
}

/** The spec with every message flag, so that a flag another type takes gets a clear error. */
function fullSpec(type: string): CommandSpec {
  const role = ROLES[type];
  const reads = role !== "receive";
  const prints = role !== "send";
  return {
    name: type,
    usage: `${type} [options]`,
    summary: SUMMARIES[type],
    description: [
      reads
        ? "Input: one message per line of standard input (or each --message), frames split at the separator."
        : "This socket type never sends; standard input is not read.",
      prints
        ? "Output: one line per message on standard output, frames joined by the separator."
        : "This socket type never receives; nothing is printed.",
      "Bound endpoints are reported on standard error; a progress line is drawn there when it is a terminal.",
    ].join("\n"),
    flags: [...ENDPOINT_FLAGS, ...MESSAGE_FLAGS, ...OPTION_FLAGS, ...SECURITY_FLAGS],
    examples: EXAMPLES[type] ?? [],
  };
}

const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  push: ["printf 'job 1\\njob 2\\n' | zmq-ts push --connect tcp://127.0.0.1:5557"],
  pull: ["zmq-ts pull --bind tcp://*:5557 --count 2"],
  pub: ["zmq-ts pub --bind tcp://*:5556 --delay 200 -m 'weather.paris\\t21C'"],
  sub: ["zmq-ts sub --connect tcp://127.0.0.1:5556 --subscribe weather. --format json"],
  req: ["zmq-ts req --connect tcp://127.0.0.1:5555 -m hello"],
  rep: ["zmq-ts rep --bind tcp://*:5555 --echo"],
  dealer: ["echo ready | zmq-ts dealer --connect tcp://127.0.0.1:5560 --routing-id worker-1 --count 1"],
  router: ["zmq-ts router --bind tcp://*:5560 --echo", "zmq-ts router --bind tcp://*:5560 -f json"],
  pair: ["zmq-ts pair --bind ipc:///tmp/pair.sock"],
  xpub: ["zmq-ts xpub --bind tcp://*:5556 --format hex"],
  xsub: ["zmq-ts xsub --connect tcp://127.0.0.1:5556 --subscribe ''"],
};

/** Flags that only some socket types take. */
const ONLY_FOR: Readonly<Record<string, (type: string, role: Role) => boolean>> = {
  format: (_, role) => role !== "send",
  quiet: (_, role) => role !== "send",
  input: (_, role) => role !== "receive",
  message: (_, role) => role !== "receive",
  rate: (_, role) => role !== "receive",
  delay: (_, role) => role !== "receive",
  echo: (_, role) => role === "reply" || role === "both",
  subscribe: (type) => type === "sub" || type === "xsub",
};

function appliesTo(flag: string, type: string): boolean {
  return ONLY_FOR[flag]?.(type, ROLES[type]) ?? true;
}

/** Whether `type` names a socket command. */
export function isSocketCommand(type: string): boolean {
  return type in ROLES;
}

type Message = Uint8Array[];

const sizeOf = (message: Message): number => message.reduce((n, f) => n + f.length, 0);

/** The messages to send: each --message (repeated up to --count), or the records of standard input. */
async function* inputMessages(args: ParsedArgs, ctx: CommandContext, format: FormatOptions): AsyncGenerator<Message> {
  const given = args.list("message");
  const count = args.integer("count");
  if (given.length > 0) {
    const messages = given.map((m) => parseRecord(new TextEncoder().encode(m), format)).filter((m) => m !== null);
    const total = count ?? messages.length;
    for (let i = 0; i < total; i++) yield messages[i % messages.length];
    return;
  }
  const delimiter = format.format === "raw" ? format.delimiter : new Uint8Array([10]);
  for await (const record of splitRecords(ctx.io.stdin(), delimiter, format.format !== "raw")) {
    const message = parseRecord(record, format);
    if (message !== null) yield message;
  }
}

/** Paces sends to `rate` per second (absolute schedule, so it does not drift). */
function pacer(rate: number | undefined): () => Promise<void> {
  if (rate === undefined || rate <= 0) return () => Promise.resolve();
  const start = performance.now();
  let sent = 0;
  return async () => {
    const due = start + (sent++ * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
}

/** Ends a loop: a message limit was reached, input ended, or the command was interrupted. */
class Stop extends Error {}

/**
 * Runs a socket command. Resolves to the exit code.
 *
 * @example Usage
 * ```ts ignore
 * const code = await runSocketCommand("pull", ["--bind", "tcp://*:5557", "--count", "1"], ctx);
 * ```
 */
export async function runSocketCommand(type: string, argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, fullSpec(type));
  for (const flag of MESSAGE_FLAGS) {
    if (args.has(flag.name) && !appliesTo(flag.name, type)) {
      throw new CliError(EXIT.USAGE, `${type}: --${flag.name} does not apply to a ${type.toUpperCase()} socket`);
    }
  }
  if (args.positionals.length > 0) {
    throw new CliError(
      EXIT.USAGE,
      `${type}: unexpected argument "${args.positionals[0]}" (endpoints go after --bind or --connect)`,
    );
  }
  const role = ROLES[type];
  const format: FormatOptions = {
    format: args.string("format") as Format,
    separator: unescapeArg(args.string("separator")!),
    delimiter: unescapeArg(args.string("delimiter")!),
  };
  const input: FormatOptions = { ...format, format: args.string("input") as Format };
  const echo = args.boolean("echo");
  const timeout = args.integer("timeout");
  const count = args.integer("count");
  if (count !== undefined && count < 1) throw new CliError(EXIT.USAGE, "--count must be at least 1");
  const options: Record<string, unknown> = {};
  if (timeout !== undefined) {
    options.receiveTimeout = timeout;
    options.sendTimeout = timeout;
    if (!args.has("linger")) options.linger = timeout;
  }
  const open = await openSocket(type, args, { options, note: ctx.note });
  const socket = open.socket;
  const label = role === "send" ? "sent" : "received";
  const progress = new Progress(ctx.io, label, {});
  if (!args.boolean("no-progress")) progress.start();
  const quiet = args.boolean("quiet");
  let closing = false;
  try {
    if (type === "sub") {
      const prefixes = args.list("subscribe");
      (socket as unknown as Subscriber).subscribe(...prefixes.map((p) => unescapeArg(p)));
    } else if (type === "xsub") {
      for (const p of args.list("subscribe")) await socket.send(new Uint8Array([1, ...unescapeArg(p)]));
    }
    const delay = args.integer("delay");
    if (delay !== undefined && delay > 0) {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, delay)), aborted(ctx.signal)]);
    }
    const print = async (message: Message) => {
      progress.add(1, sizeOf(message));
      if (!quiet) await ctx.io.writeStdout(formatMessage(message, format));
    };
    const pace = pacer(args.number("rate"));
    const receive = async (): Promise<Message> => {
      try {
        return await socket.receive();
      } catch (err) {
        throw timeoutOrStop(err, timeout, "arrived");
      }
    };
    const send = async (message: Message, countIt: boolean): Promise<void> => {
      await pace();
      try {
        await socket.send(message);
      } catch (err) {
        throw timeoutOrStop(err, timeout, "could be sent");
      }
      if (countIt) progress.add(1, sizeOf(message));
    };
    const timeoutOrStop = (err: unknown, ms: number | undefined, what: string): Error => {
      if (ctx.signal.aborted || closing) return new Stop();
      if (err instanceof ZmqError && err.code === "EAGAIN") {
        return new CliError(EXIT.TIMEOUT, `nothing ${what} within ${ms} ms`);
      }
      return err as Error;
    };

    const work = async (): Promise<void> => {
      switch (role) {
        case "send": {
          for await (const message of inputMessages(args, ctx, input)) {
            await send(message, true);
            if (count !== undefined && progress.messages >= count) break;
          }
          return;
        }
        case "receive": {
          while (count === undefined || progress.messages < count) await print(await receive());
          return;
        }
        case "request": {
          let trips = 0;
          for await (const message of inputMessages(args, ctx, input)) {
            await send(message, false);
            await print(await receive());
            if (count !== undefined && ++trips >= count) break;
          }
          return;
        }
        case "reply": {
          const replies = echo ? null : inputMessages(args, ctx, input)[Symbol.asyncIterator]();
          while (count === undefined || progress.messages < count) {
            const request = await receive();
            await print(request);
            if (replies === null) await send(request, false);
            else {
              const next = await replies.next();
              if (next.done) return;
              await send(next.value, false);
            }
          }
          return;
        }
        default: {
          // Both directions: input goes out while arrivals are printed; the command ends with --count
          // arrivals (or an interrupt or timeout), not when input ends.
          const sending = echo ? Promise.resolve() : (async () => {
            for await (const message of inputMessages(args, ctx, input)) await send(message, false);
          })();
          sending.catch(() => {}); // still reported through the race below while it matters
          const receiving = (async () => {
            while (count === undefined || progress.messages < count) {
              const message = await receive();
              await print(message);
              if (echo) await send(message, false);
            }
          })();
          await Promise.race([receiving, sending.then(() => receiving)]);
        }
      }
    };
    const working = work();
    working.catch(() => {}); // after an interrupt its rejection (the closed socket) is expected
    const outcome = await Promise.race([working.then(() => "done" as const), aborted(ctx.signal), open.failed]);
    if (outcome === "aborted") {
      closing = true;
      await open.abort();
      return interruptOf(ctx.signal) === "SIGTERM" ? EXIT.TERMINATED : EXIT.INTERRUPTED;
    }
    closing = true;
    // Queued messages get --linger (or --timeout) ms to reach the peer; an interrupt stops waiting.
    const lingered = await Promise.race([open[Symbol.asyncDispose]().then(() => "done" as const), aborted(ctx.signal)]);
    if (lingered === "aborted") {
      // The socket is closed already; a lingering close cannot be cut short, so the process ends here and
      // the messages still queued are dropped (as linger 0 would).
      return interruptOf(ctx.signal) === "SIGTERM" ? EXIT.TERMINATED : EXIT.INTERRUPTED;
    }
    // Every peer refused us while the queued messages lingered: they were not delivered.
    const failure = open.failure();
    if (failure !== null) throw failure;
    return EXIT.OK;
  } catch (err) {
    closing = true;
    // Not yet closed (a failure or an interrupt during the work): close at once, dropping queued messages.
    if (!socket.closed) await open.abort();
    if (err instanceof Stop) return ctx.signal.aborted ? EXIT.INTERRUPTED : EXIT.OK;
    throw err;
  } finally {
    progress.stop();
  }
}

/** The `--help` text of a socket command. */
export function socketCommandHelp(type: string): string {
  return formatHelp(socketCommandSpec(type));
}
