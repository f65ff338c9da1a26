/**
 * `zmq-ts monitor ENDPOINT`: connects to a peer and prints the connection's
 * events and the peer's handshake (its socket type, the mechanism, the ZMTP
 * version and every READY metadata property).
 *
 * A ZMTP peer accepts only compatible socket types, so the monitor picks
 * one: `--type`, or by default DEALER (which ROUTER, REP and DEALER peers
 * accept) and, when the peer turns out to be of another type, it prints what
 * the peer announced and reconnects once with a type that peer accepts.
 * Under PLAIN and CURVE the server checks the type before it announces its
 * own, so give `--type` there. The monitor takes part in the pattern: it
 * never sends, and messages it receives are counted and dropped.
 *
 * @module
 */

import type { PeerHandshake, SocketEvent } from "../../events.ts";
import { explain } from "../exit_codes.ts";
import { type CommandSpec, parseArgs } from "../args.ts";
import { aborted, type CommandContext, deferred, interruptOf } from "../context.ts";
import { CliError, EXIT, UsageError } from "../exit_codes.ts";
import { escapeFrame } from "../formats.ts";
import { type OpenSocket, openSocket, OPTION_FLAGS, SECURITY_FLAGS, socketTypeName } from "../sockets.ts";

/** The socket type that talks to a peer of each type without sending anything. */
const PASSIVE_PARTNER: Readonly<Record<string, string>> = {
  PAIR: "pair",
  PUB: "sub",
  XPUB: "sub",
  SUB: "pub",
  XSUB: "pub",
  REQ: "router",
  REP: "dealer",
  DEALER: "router",
  ROUTER: "dealer",
  PUSH: "pull",
  PULL: "push",
};

/** The spec of `monitor`. */
export const MONITOR_SPEC: CommandSpec = {
  name: "monitor",
  usage: "monitor ENDPOINT [options]",
  summary: "Connect to ENDPOINT and print the connection's events and the peer's handshake.",
  description: "Without --type the monitor connects as DEALER and, if the peer is of a type DEALER cannot talk " +
    "to, reconnects as one that can (NULL security only: under PLAIN and CURVE give --type). It never sends; " +
    "messages that reach it are dropped.",
  flags: [
    { name: "type", kind: "string", value: "TYPE", help: "connect as this socket type" },
    {
      name: "format",
      short: "f",
      kind: "string",
      value: "FORMAT",
      help: "text, or json (one object per event)",
      default: "text",
      choices: ["text", "json"],
    },
    { name: "count", short: "n", kind: "integer", value: "N", help: "exit after N successful handshakes" },
    { name: "timeout", short: "t", kind: "integer", value: "MS", help: "exit 3 when no handshake succeeded within MS" },
    ...OPTION_FLAGS,
    ...SECURITY_FLAGS,
  ],
  examples: ["zmq-ts monitor tcp://127.0.0.1:5555 --count 1", "zmq-ts monitor ipc:///tmp/x.sock --format json"],
};

function metadataObject(peer: PeerHandshake): Record<string, string | { hex: string }> {
  const out: Record<string, string | { hex: string }> = {};
  for (const [name, value] of peer.metadata) {
    try {
      out[name] = new TextDecoder("utf-8", { fatal: true }).decode(value);
    } catch {
      out[name] = { hex: Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("") };
    }
  }
  return out;
}

/** One event as a line of text (with the peer's properties indented below a handshake). */
function eventText(event: SocketEvent): string {
  const address = "address" in event ? ` ${event.address}` : "";
  let line = `${event.type}${address}`;
  if (event.type === "connect:retry") line += ` (next attempt in ${event.interval} ms)`;
  if ("error" in event && event.error !== undefined) line += `: ${explain(event.error)}`;
  const peer = "peer" in event ? event.peer : undefined;
  if (peer !== undefined) {
    line += `\n  peer: ${peer.socketType || "(no Socket-Type)"}, mechanism ${peer.mechanism}, ZMTP ${peer.zmtpVersion}`;
    for (const [name, value] of peer.metadata) line += `\n  ${name}: ${escapeFrame(value)}`;
  }
  return line + "\n";
}

function eventJson(event: SocketEvent): string {
  const out: Record<string, unknown> = { ...event };
  if ("error" in event && event.error !== undefined) {
    out.error = explain(event.error);
    const code = (event.error as { code?: unknown }).code;
    if (typeof code === "string") out.code = code;
  }
  if ("peer" in event && event.peer !== undefined) out.peer = { ...event.peer, metadata: metadataObject(event.peer) };
  return JSON.stringify(out) + "\n";
}

const EVENT_TYPES = [
  "connect:delay",
  "connect",
  "connect:retry",
  "connect:error",
  "handshake",
  "handshake:error:protocol",
  "handshake:error:auth",
  "handshake:error:other",
  "disconnect",
] as const;

/**
 * Runs `monitor`.
 *
 * @example Usage
 * ```ts ignore
 * await runMonitor(["tcp://127.0.0.1:5555", "--count", "1"], ctx);
 * ```
 */
export async function runMonitor(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, MONITOR_SPEC);
  if (args.positionals.length !== 1) throw new UsageError("monitor needs one ENDPOINT");
  const endpoint = args.positionals[0];
  const given = args.string("type");
  const type = given === undefined ? "dealer" : socketTypeName(given);
  if (type === undefined) throw new UsageError(`--type: unknown socket type "${given}"`);
  const json = args.string("format") === "json";
  const count = args.integer("count");
  const timeout = args.integer("timeout");
  let handshakes = 0;
  let switched = given !== undefined;
  const done = deferred<number>();
  const timer = timeout === undefined ? undefined : setTimeout(() => {
    done.reject(new CliError(EXIT.TIMEOUT, `no handshake with ${endpoint} within ${timeout} ms`));
  }, timeout);
  let open: OpenSocket | null = null;
  const print = (event: SocketEvent) =>
    void ctx.io.writeStdout(new TextEncoder().encode(json ? eventJson(event) : eventText(event)));
  const connectAs = async (socketType: string): Promise<void> => {
    const current = await openSocket(socketType, args, { note: ctx.note, requireEndpoint: false });
    open = current;
    current.failed.catch(() => {});
    for (const name of EVENT_TYPES) {
      current.socket.events.on(name, (event: SocketEvent) => {
        if (open !== current) return;
        print(event);
        if (event.type === "handshake") {
          handshakes++;
          if (count !== undefined && handshakes >= count) done.resolve(EXIT.OK);
        } else if (event.type === "handshake:error:protocol") {
          const peerType = event.peer?.socketType;
          const partner = peerType === undefined ? undefined : PASSIVE_PARTNER[peerType];
          if (!switched && partner !== undefined && partner !== socketType) {
            switched = true;
            ctx.note(`the peer is ${peerType}: reconnecting as ${partner.toUpperCase()}`);
            current.abort().then(() => connectAs(partner)).catch((err) => done.reject(err));
          } else done.resolve(EXIT.HANDSHAKE);
        } else if (event.type === "handshake:error:auth") done.resolve(EXIT.HANDSHAKE);
        else if (event.type === "connect:error") done.resolve(EXIT.ERROR);
      });
    }
    // Drain whatever arrives (a PULL monitoring a PUSH gets its share of messages).
    (async () => {
      for await (const _ of current.socket) { /* dropped */ }
    })().catch(() => {});
    current.socket.connect(endpoint);
  };
  try {
    await connectAs(type);
    const outcome = await Promise.race([done.promise, aborted(ctx.signal)]);
    if (outcome === "aborted") return interruptOf(ctx.signal) === "SIGTERM" ? EXIT.TERMINATED : EXIT.INTERRUPTED;
    return outcome;
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  } finally {
    clearTimeout(timer);
    await (open as OpenSocket | null)?.abort();
  }
}
