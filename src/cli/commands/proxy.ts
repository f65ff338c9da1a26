/**
 * `zmq-ts proxy FRONT BACK`: zmq_proxy from the shell. Each side is a list
 * of endpoints, bound by default (`@endpoint` also binds, `>endpoint`
 * connects, as in CZMQ), with a socket type per side (ROUTER/DEALER by
 * default: a request broker; XSUB/XPUB make a pub/sub forwarder, PULL/PUSH
 * a streamer).
 *
 * @module
 */

import { Proxy } from "../../proxy.ts";
import { Publisher } from "../../sockets/publisher.ts";
import { Pull } from "../../sockets/pull.ts";
import { Push } from "../../sockets/push.ts";
import type { Socket } from "../../sockets/socket.ts";
import { type CommandSpec, parseArgs } from "../args.ts";
import { aborted, type CommandContext, interruptOf } from "../context.ts";
import { CliError, EXIT, UsageError } from "../exit_codes.ts";
import { Progress } from "../progress.ts";
import { SOCKET_TYPES, socketTypeName, usageFrom } from "../sockets.ts";

/** The spec of `proxy`. */
export const PROXY_SPEC: CommandSpec = {
  name: "proxy",
  usage: "proxy FRONT BACK [options]",
  summary: "Forward messages between a front-end and a back-end socket (zmq_proxy).",
  description: "FRONT and BACK are comma-separated endpoints, bound by default; write >ENDPOINT to connect " +
    "instead (@ENDPOINT binds). Typical pairs: router/dealer (a broker, the default), xsub/xpub (a pub/sub " +
    "forwarder), pull/push (a streamer).",
  flags: [
    { name: "front-type", kind: "string", value: "TYPE", help: "the front end's socket type", default: "router" },
    { name: "back-type", kind: "string", value: "TYPE", help: "the back end's socket type", default: "dealer" },
    {
      name: "capture",
      kind: "string",
      value: "ENDPOINT",
      help: "a PUB socket there gets a copy of everything (sub to it)",
    },
    { name: "no-progress", kind: "boolean", help: "never draw the progress line" },
  ],
  examples: [
    "zmq-ts proxy tcp://*:5559 tcp://*:5560",
    "zmq-ts proxy --front-type xsub --back-type xpub '>tcp://127.0.0.1:5556' tcp://*:5557",
  ],
};

/** Binds or connects `socket` to each endpoint of a side (`@` or no prefix binds, `>` connects). */
async function attach(socket: Socket, side: string, note: (text: string) => void): Promise<void> {
  for (const item of side.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    if (item.startsWith(">")) socket.connect(item.slice(1));
    else {
      await socket.bind(item.startsWith("@") ? item.slice(1) : item);
      note(`bound to ${socket.lastEndpoint}`);
    }
  }
}

function makeSocket(name: string, flag: string): Socket {
  const type = socketTypeName(name);
  if (type === undefined) throw new UsageError(`${flag}: unknown socket type "${name}"`);
  try {
    return new SOCKET_TYPES[type]();
  } catch (err) {
    return usageFrom(err);
  }
}

/**
 * Runs `proxy`.
 *
 * @example Usage
 * ```ts ignore
 * await runProxy(["tcp://*:5559", "tcp://*:5560"], ctx);
 * ```
 */
export async function runProxy(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, PROXY_SPEC);
  if (args.positionals.length !== 2) throw new UsageError("proxy needs two arguments: FRONT and BACK endpoints");
  const [frontSide, backSide] = args.positionals;
  const front = makeSocket(args.string("front-type")!, "--front-type");
  const back = makeSocket(args.string("back-type")!, "--back-type");
  const progress = new Progress(ctx.io, "forwarded", {});
  const closers: Socket[] = [front, back];
  let capture: Socket | undefined;
  let counter: Pull | undefined;
  try {
    await attach(front, frontSide, ctx.note);
    await attach(back, backSide, ctx.note);
    const captureAt = args.string("capture");
    if (captureAt !== undefined) {
      capture = new Publisher({ linger: 0 }); // drops copies nobody subscribed to, never slows the proxy
      closers.push(capture);
      await attach(capture, captureAt, ctx.note);
    } else if (progress.enabled && !args.boolean("no-progress")) {
      // Count what passes through an in-process capture socket (inproc does not copy).
      const name = `inproc://zmq-ts-proxy-count-${crypto.randomUUID()}`;
      counter = new Pull();
      closers.push(counter);
      await counter.bind(name);
      capture = new Push({ linger: 0 });
      closers.push(capture);
      capture.connect(name);
    }
  } catch (err) {
    for (const s of closers) s.close();
    if (err instanceof TypeError || err instanceof RangeError) throw new UsageError(err.message);
    const code = (err as { code?: unknown }).code;
    throw new CliError(EXIT.ERROR, `${typeof code === "string" ? code + ": " : ""}${(err as Error).message}`, {
      cause: err,
    });
  }
  const proxy = new Proxy(front, back, capture ? { capture } : {});
  if (counter !== undefined) {
    progress.start();
    (async () => {
      for await (const message of counter) progress.add(1, message.reduce((n, f) => n + f.length, 0));
    })().catch(() => {});
  }
  const running = proxy.run();
  running.catch(() => {});
  try {
    const outcome = await Promise.race([running.then(() => "done" as const), aborted(ctx.signal)]);
    if (outcome === "aborted") {
      front.linger = 0;
      back.linger = 0;
      proxy.terminate();
      await running.catch(() => {});
      return interruptOf(ctx.signal) === "SIGTERM" ? EXIT.TERMINATED : EXIT.INTERRUPTED;
    }
    return EXIT.OK;
  } catch (err) {
    throw new CliError(EXIT.ERROR, `proxy stopped: ${(err as Error).message}`, { cause: err });
  } finally {
    progress.stop();
    for (const s of [capture, counter]) if (s) await s[Symbol.asyncDispose]();
  }
}
