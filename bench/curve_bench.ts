/**
 * CURVE cost end to end, zmq-ts next to libzmq in the same run:
 *
 * - throughput: PUSH→PULL over tcp on 127.0.0.1, 16 B, 1 KiB and 64 KiB
 *   messages, msg/s and MB/s (10^6 payload bytes per second) timed at the
 *   receiver from the first message to the last, as libzmq's `local_thr`
 *   does; with CURVE, and with NULL for reference;
 * - handshake rate: a client makes a new DEALER, connects, waits for the
 *   handshake to complete and closes it, again and again against one bound
 *   ROUTER; handshakes per second, with CURVE and with NULL, after one
 *   untimed warm-up handshake (which, in zmq-ts, loads libsodium).
 *
 * Every measurement is two processes (receiver and sender, or server and
 * client): zmq-ts on Deno runs this file with `--role=...`; libzmq runs
 * `peers/curve_peer.c`, compiled into a temporary directory at start
 * (`gcc -O2 ... -lzmq`) and removed at the end. The libzmq handshake client
 * watches for `ZMQ_EVENT_HANDSHAKE_SUCCEEDED` with a socket monitor, as the
 * zmq-ts client watches for the `handshake` event. Cross pairs (zmq-ts
 * sender to libzmq receiver and the reverse) show which side limits CURVE
 * throughput. The order of implementations alternates between repetitions,
 * and the median is kept.
 *
 * ```sh
 * deno run -A bench/curve_bench.ts            # prints a Markdown table
 * deno run -A bench/curve_bench.ts --quick    # a tenth of the messages, one repetition
 * ```
 *
 * Flags: `--reps=N` (default 3), `--quick`, `--no-cross`, `--no-null`,
 * `--only=thr` or `--only=hs` (throughput or handshakes only).
 * Under `deno bench` this file does nothing.
 *
 * @module
 */

import { curveKeyPair, Dealer, Pull, Push, Router } from "../mod.ts";

const SIZES: { label: string; size: number; count: number }[] = [
  { label: "16 B", size: 16, count: 200_000 },
  { label: "1 KiB", size: 1024, count: 100_000 },
  { label: "64 KiB", size: 64 * 1024, count: 4_000 },
];
const HANDSHAKES = 300;
const RUN_TIMEOUT_MS = 120_000;

type Impl = "zmq-ts" | "libzmq";
type Mech = "CURVE" | "NULL";
interface Keys {
  server: { publicKey: string; secretKey: string };
  client: { publicKey: string; secretKey: string };
}

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return Deno.args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

// ---- roles (child processes) ------------------------------------------------

async function role(name: string): Promise<void> {
  const endpoint = flag("endpoint")!;
  const size = Number(flag("size") ?? 0);
  const count = Number(flag("count") ?? 0);
  const serverSecret = flag("server-secret");
  const serverPublic = flag("server-public");
  const client = serverPublic === undefined
    ? {}
    : { curveServerKey: serverPublic, curvePublicKey: flag("public")!, curveSecretKey: flag("secret")! };
  const server = serverSecret === undefined ? {} : { curveServer: true, curveSecretKey: serverSecret };
  switch (name) {
    case "thr-recv": {
      await using pull = new Pull({ ...server, linger: 0 });
      await pull.bind(endpoint);
      console.log(`endpoint: ${pull.lastEndpoint}`);
      await pull.receive();
      const start = performance.now();
      for (let i = 1; i < count; i++) {
        const message = await pull.receive();
        if (message[0].length !== size) throw new Error(`message of ${message[0].length} bytes, expected ${size}`);
      }
      const seconds = (performance.now() - start) / 1000;
      const rate = (count - 1) / seconds;
      console.log(
        `RESULT ${JSON.stringify({ messages: count, seconds, msgPerSec: rate, mbPerSec: rate * size / 1e6 })}`,
      );
      return;
    }
    case "thr-send": {
      await using push = new Push({ ...client, linger: -1 });
      push.connect(endpoint);
      const body = new Uint8Array(size).fill(0x5a);
      for (let i = 0; i < count; i++) await push.send(body);
      return;
    }
    case "hs-server": {
      await using router = new Router({ ...server, linger: 0 });
      await router.bind(endpoint);
      console.log(`endpoint: ${router.lastEndpoint}`);
      for await (const _ of Deno.stdin.readable) {
        // Serve until stdin closes.
      }
      return;
    }
    case "hs-client": {
      const closing: Promise<void>[] = [];
      let start = 0;
      for (let i = 0; i <= count; i++) { // one more: the first, untimed, loads libsodium and warms up
        if (i === 1) start = performance.now();
        const dealer = new Dealer({ ...client, linger: 0 });
        const done = new Promise<void>((resolve, reject) => {
          dealer.events.on("handshake", () => resolve());
          dealer.events.on("handshake:error:protocol", (e) => reject(e.error));
          dealer.events.on("handshake:error:auth", (e) => reject(e.error));
        });
        dealer.connect(endpoint);
        await done;
        closing.push(dealer[Symbol.asyncDispose]()); // like zmq_close: teardown overlaps the next connection
      }
      const seconds = (performance.now() - start) / 1000;
      await Promise.all(closing);
      console.log(`RESULT ${JSON.stringify({ handshakes: count, seconds, perSec: count / seconds })}`);
      return;
    }
    default:
      throw new Error(`unknown role ${name}`);
  }
}

// ---- orchestration -------------------------------------------------------------

interface Proc {
  child: Deno.ChildProcess;
  lines: AsyncIterator<string>;
  stdin: WritableStreamDefaultWriter<Uint8Array> | null;
}

function spawn(command: string, args: string[], keepStdin = false): Proc {
  const child = new Deno.Command(command, {
    args,
    stdin: keepStdin ? "piped" : "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  return { child, lines: lines(child.stdout), stdin: keepStdin ? child.stdin.getWriter() : null };
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
  }
}

async function lineStarting(proc: Proc, prefix: string): Promise<string> {
  for (;;) {
    const next = await proc.lines.next();
    if (next.done) throw new Error(`process ended before printing "${prefix}"`);
    if (next.value.startsWith(prefix)) return next.value.slice(prefix.length).trim();
  }
}

async function end(proc: Proc): Promise<void> {
  try {
    await proc.stdin?.close();
  } catch {
    // Already gone.
  }
  const timer = setTimeout(() => {
    try {
      proc.child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
  }, 5000);
  await proc.child.status;
  clearTimeout(timer);
  while (!(await proc.lines.next()).done) { /* drain */ }
}

function kill(proc: Proc): void {
  try {
    proc.child.kill("SIGKILL");
  } catch {
    // Already exited.
  }
}

/** Runs `work`, killing the processes by PID if it takes too long. */
async function bounded<T>(procs: Proc[], work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      procs.forEach(kill);
      reject(new Error(`${what} took longer than ${RUN_TIMEOUT_MS / 1000} s`));
    }, RUN_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

class Runner {
  readonly self = new URL(import.meta.url).pathname;
  constructor(readonly peer: string, readonly keys: Keys) {}

  #args(impl: Impl, role: string, fields: Record<string, string | number | undefined>): [string, string[]] {
    if (impl === "zmq-ts") {
      const flags = Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => `--${k}=${v}`);
      return [Deno.execPath(), ["run", "-A", this.self, `--role=${role}`, ...flags]];
    }
    const key = (v: string | undefined) => v ?? "-";
    switch (role) {
      case "thr-recv":
        return [this.peer, [
          role,
          fields.endpoint as string,
          String(fields.size),
          String(fields.count),
          key(fields["server-secret"] as string),
        ]];
      case "thr-send":
        return [this.peer, [
          role,
          fields.endpoint as string,
          String(fields.size),
          String(fields.count),
          key(fields["server-public"] as string),
          key(fields.public as string),
          key(fields.secret as string),
        ]];
      case "hs-server":
        return [this.peer, [role, fields.endpoint as string, key(fields["server-secret"] as string)]];
      default:
        return [this.peer, [
          role,
          fields.endpoint as string,
          String(fields.count),
          key(fields["server-public"] as string),
          key(fields.public as string),
          key(fields.secret as string),
        ]];
    }
  }

  #serverFields(mech: Mech) {
    return mech === "CURVE" ? { "server-secret": this.keys.server.secretKey } : {};
  }

  #clientFields(mech: Mech) {
    return mech === "CURVE"
      ? {
        "server-public": this.keys.server.publicKey,
        public: this.keys.client.publicKey,
        secret: this.keys.client.secretKey,
      }
      : {};
  }

  async throughput(sender: Impl, receiver: Impl, mech: Mech, size: number, count: number) {
    const [rc, ra] = this.#args(receiver, "thr-recv", {
      endpoint: "tcp://127.0.0.1:*",
      size,
      count,
      ...this.#serverFields(mech),
    });
    const recv = spawn(rc, ra);
    let send: Proc | null = null;
    try {
      return await bounded(
        [recv],
        (async () => {
          const endpoint = await lineStarting(recv, "endpoint:");
          const [sc, sa] = this.#args(sender, "thr-send", { endpoint, size, count, ...this.#clientFields(mech) });
          send = spawn(sc, sa);
          const result = JSON.parse(await lineStarting(recv, "RESULT"));
          await end(send);
          await end(recv);
          return result as { msgPerSec: number; mbPerSec: number };
        })(),
        `${sender}→${receiver} ${mech} ${size} B`,
      );
    } finally {
      kill(recv);
      if (send) kill(send);
    }
  }

  async handshakes(client: Impl, server: Impl, mech: Mech, count: number) {
    const [sc, sa] = this.#args(server, "hs-server", { endpoint: "tcp://127.0.0.1:*", ...this.#serverFields(mech) });
    const srv = spawn(sc, sa, true);
    let cli: Proc | null = null;
    try {
      return await bounded(
        [srv],
        (async () => {
          const endpoint = await lineStarting(srv, "endpoint:");
          const [cc, ca] = this.#args(client, "hs-client", { endpoint, count, ...this.#clientFields(mech) });
          cli = spawn(cc, ca);
          const result = JSON.parse(await lineStarting(cli, "RESULT"));
          await end(cli);
          await end(srv);
          return result as { perSec: number };
        })(),
        `${client}→${server} ${mech} handshakes`,
      );
    } finally {
      kill(srv);
      if (cli) kill(cli);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number) => x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1);

async function buildPeer(dir: string): Promise<string> {
  const out = `${dir}/curve_peer`;
  const source = new URL("./peers/curve_peer.c", import.meta.url).pathname;
  const gcc = await new Deno.Command("gcc", { args: ["-O2", source, "-o", out, "-lzmq"], stderr: "inherit" }).output();
  if (!gcc.success) throw new Error("gcc failed to build peers/curve_peer.c (needs gcc and libzmq3-dev)");
  return out;
}

async function main(): Promise<void> {
  const quick = Deno.args.includes("--quick");
  const reps = Number(flag("reps") ?? (quick ? 1 : 3));
  const cross = !Deno.args.includes("--no-cross");
  const mechs: Mech[] = Deno.args.includes("--no-null") ? ["CURVE"] : ["CURVE", "NULL"];
  const scale = quick ? 0.1 : 1;
  const dir = await Deno.makeTempDir({ prefix: "zmq-ts-curve-bench-" });
  try {
    const runner = new Runner(await buildPeer(dir), { server: await curveKeyPair(), client: await curveKeyPair() });
    const libzmq = new TextDecoder().decode(
      (await new Deno.Command("/usr/bin/python3", { args: ["-c", "import zmq; print(zmq.zmq_version())"] }).output())
        .stdout,
    ).trim() || "?";
    console.log(`Deno ${Deno.version.deno}, V8 ${Deno.version.v8}; libzmq ${libzmq}; ${reps} rep(s), median`);
    const only = flag("only");
    console.log("");
    if (only !== "hs") {
      console.log("| scenario | size | zmq-ts msg/s | zmq-ts MB/s | libzmq msg/s | libzmq MB/s | zmq-ts / libzmq |");
      console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
      const pairs: [Impl, Impl][] = [["zmq-ts", "zmq-ts"], ["libzmq", "libzmq"]];
      for (const mech of mechs) {
        for (const { label, size, count } of SIZES) {
          const n = Math.max(1000, Math.round(count * scale));
          const results = new Map<string, { msg: number[]; mb: number[] }>();
          const crossPairs: [Impl, Impl][] = cross && mech === "CURVE"
            ? [["zmq-ts", "libzmq"], ["libzmq", "zmq-ts"]]
            : [];
          for (let r = 0; r < reps; r++) {
            const order = [...pairs, ...crossPairs];
            if (r % 2 === 1) order.reverse();
            for (const [s, recv] of order) {
              const res = await runner.throughput(s, recv, mech, size, n);
              const key = `${s}→${recv}`;
              const entry = results.get(key) ?? { msg: [], mb: [] };
              entry.msg.push(res.msgPerSec);
              entry.mb.push(res.mbPerSec);
              results.set(key, entry);
            }
          }
          const ts = results.get("zmq-ts→zmq-ts")!;
          const lz = results.get("libzmq→libzmq")!;
          const ratio = median(ts.msg) / median(lz.msg);
          console.log(
            `| ${mech} PUSH→PULL ×${n} | ${label} | ${fmt(median(ts.msg))} | ${fmt(median(ts.mb))} | ` +
              `${fmt(median(lz.msg))} | ${fmt(median(lz.mb))} | ${ratio.toFixed(2)} |`,
          );
          for (const [s, recv] of crossPairs) {
            const c = results.get(`${s}→${recv}`)!;
            console.log(
              `| ${mech} cross: ${s} PUSH → ${recv} PULL | ${label} | ${fmt(median(c.msg))} msg/s | ` +
                `${fmt(median(c.mb))} MB/s | | | ${(median(c.msg) / median(lz.msg)).toFixed(2)} |`,
            );
          }
        }
      }
      console.log("");
    }
    if (only !== "thr") {
      console.log("| handshakes (new DEALER, connect, handshake, close) | zmq-ts /s | libzmq /s | zmq-ts / libzmq |");
      console.log("| --- | ---: | ---: | ---: |");
      for (const mech of mechs) {
        const n = Math.max(50, Math.round(HANDSHAKES * (quick ? 0.3 : 1)));
        const ts: number[] = [];
        const lz: number[] = [];
        for (let r = 0; r < reps; r++) {
          const order: Impl[] = r % 2 === 0 ? ["zmq-ts", "libzmq"] : ["libzmq", "zmq-ts"];
          for (const impl of order) {
            (impl === "zmq-ts" ? ts : lz).push((await runner.handshakes(impl, impl, mech, n)).perSec);
          }
        }
        console.log(
          `| ${mech} ×${n} | ${fmt(median(ts))} | ${fmt(median(lz))} | ${(median(ts) / median(lz)).toFixed(2)} |`,
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const name = flag("role");
  (name === undefined ? main() : role(name)).catch((error) => {
    console.error(error);
    Deno.exit(1);
  });
}
