/**
 * The soak: `deno task soak [--duration=60] [--rate=10000] [--seed=N]`.
 *
 * Runs three patterns at once for `duration` seconds, each against a libzmq
 * peer (pyzmq, tools/soak_peer.py) that is killed (SIGKILL) and restarted
 * on the same endpoint at random moments:
 *
 * - PUSH/PULL: a zmq-ts Push streams numbered messages to a libzmq PULL.
 *   Each peer incarnation reports the ranges of numbers it received. Loss is
 *   allowed only at a crash (what the dead process had not reported, or was
 *   in flight to it); within an incarnation the numbers must be contiguous,
 *   with no duplicate anywhere, and the last incarnation must get every
 *   message sent to it.
 * - REQ/REP: a zmq-ts Request (relaxed, correlate) asks a libzmq REP echo;
 *   a request without an answer within 500 ms is sent again (lazy pirate).
 *   Every request must eventually be answered with its own body.
 * - PUB/SUB: a libzmq PUB publishes numbered messages to a zmq-ts
 *   Subscriber. PUB/SUB promises no delivery, so loss is only reported; but
 *   within an incarnation numbers must only go up (no duplicate, no reorder).
 *
 * Prints messages sent, received and lost per pattern, reconnects, peak RSS,
 * duration and machine load, as a table and as one JSON line. Exits with 1
 * when a promise was broken.
 *
 * @module
 */
import { Push, Request, Subscriber } from "../mod.ts";
import { prng } from "../tests/_vectors.ts";

function arg(name: string, fallback: number): number {
  const found = Deno.args.find((a) => a.startsWith(`--${name}=`));
  if (found === undefined) return fallback;
  const value = Number(found.slice(name.length + 3));
  if (!Number.isFinite(value)) throw new TypeError(`--${name} needs a number, got ${found}`);
  return value;
}

const DURATION = arg("duration", 60);
const RATE = arg("rate", 10_000);
const SEED = arg("seed", Date.now() % 0x7fffffff);
const rand = prng(SEED);
const PYTHON = "/usr/bin/python3";
const PEER = new URL("./soak_peer.py", import.meta.url).pathname;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

interface PeerReport {
  ready?: boolean;
  received?: number;
  ranges?: [number, number][];
  dups?: number;
  answered?: number;
  sent?: number;
}

/** One incarnation of a libzmq peer process. */
class Peer {
  readonly incarnation: number;
  last: PeerReport = {};
  ready = false;
  #child: Deno.ChildProcess;
  #reading: Promise<void>;

  constructor(mode: string, endpoint: string, incarnation: number) {
    this.incarnation = incarnation;
    this.#child = new Deno.Command(PYTHON, {
      args: [PEER, mode, endpoint, String(incarnation), String(RATE)],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    this.#reading = (async () => {
      const decoder = new TextDecoder();
      let buffered = "";
      for await (const chunk of this.#child.stdout) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = JSON.parse(buffered.slice(0, nl)) as PeerReport;
          buffered = buffered.slice(nl + 1);
          if (line.ready) this.ready = true;
          else this.last = line;
        }
      }
    })();
  }

  async untilReady(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!this.ready) {
      if (Date.now() > deadline) throw new Error("soak peer did not start");
      await sleep(10);
    }
  }

  /** SIGKILL by PID: a crash. */
  async kill(): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await this.#child.status;
    await this.#child.stdin.close().catch(() => {});
    await this.#reading;
  }
}

/** A peer slot that is restarted at random; keeps every incarnation's last report. */
class Restarting {
  readonly endpoint: string;
  readonly mode: string;
  readonly incarnations: Peer[] = [];
  restarts = 0;
  #stopped = false;

  constructor(mode: string) {
    this.mode = mode;
    this.endpoint = `tcp://127.0.0.1:${freePort()}`;
  }

  get current(): Peer {
    return this.incarnations.at(-1)!;
  }

  async start(): Promise<void> {
    const peer = new Peer(this.mode, this.endpoint, this.incarnations.length);
    this.incarnations.push(peer);
    await peer.untilReady();
  }

  /** Kills and restarts the peer every 3-15 s until stopped. */
  async chaos(): Promise<void> {
    while (!this.#stopped) {
      const wait = 3000 + rand() * 12_000;
      const until = Date.now() + wait;
      while (!this.#stopped && Date.now() < until) await sleep(100);
      if (this.#stopped) return;
      await this.current.kill();
      await sleep(rand() * 300);
      await this.start();
      this.restarts++;
    }
  }

  stop(): void {
    this.#stopped = true;
  }

  async dispose(): Promise<void> {
    for (const p of this.incarnations) await p.kill();
  }
}

function countEvents(socket: { events: { on(type: "handshake" | "disconnect", f: () => void): unknown } }) {
  const counts = { handshakes: 0, disconnects: 0 };
  socket.events.on("handshake", () => counts.handshakes++);
  socket.events.on("disconnect", () => counts.disconnects++);
  return counts;
}

const started = Date.now();
const loadBefore = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
let running = true;
let peakRss = Deno.memoryUsage().rss;
const rssSampler = setInterval(() => peakRss = Math.max(peakRss, Deno.memoryUsage().rss), 500);
const deadline = started + DURATION * 1000;

// ---- PUSH/PULL ----------------------------------------------------------------
const sinks = new Restarting("sink");
await sinks.start();
const push = new Push({ linger: 0, reconnectInterval: 20, sendHighWaterMark: 1000 });
const pushEvents = countEvents(push);
push.connect(sinks.endpoint);
let pushSent = 0;
const pushing = (async () => {
  const t0 = Date.now();
  while (running) {
    const due = Math.floor((Date.now() - t0) / 1000 * RATE);
    while (pushSent < due && running) await push.send(String(pushSent++));
    await sleep(5);
  }
})();

// ---- REQ/REP ------------------------------------------------------------------
const echoes = new Restarting("echo");
await echoes.start();
const req = new Request({ linger: 0, reconnectInterval: 20, relaxed: true, correlate: true, receiveTimeout: 500 });
const reqEvents = countEvents(req);
req.connect(echoes.endpoint);
const reqStats = { requests: 0, answered: 0, retries: 0, wrong: 0, abandoned: 0 };
const reqRate = Math.max(1, Math.floor(RATE / 5));
const requesting = (async () => {
  const t0 = Date.now();
  while (running) {
    const due = Math.floor((Date.now() - t0) / 1000 * reqRate);
    if (reqStats.requests >= due) {
      await sleep(5);
      continue;
    }
    const body = `request ${reqStats.requests++}`;
    let tries = 0;
    for (;;) {
      await req.send(body);
      try {
        const [reply] = await req.receive();
        if (new TextDecoder().decode(reply) === body) reqStats.answered++;
        else reqStats.wrong++;
        break;
      } catch {
        reqStats.retries++;
        if (++tries >= 40) {
          reqStats.abandoned++;
          break;
        }
      }
    }
  }
})();

// ---- PUB/SUB ------------------------------------------------------------------
const pubs = new Restarting("pub");
await pubs.start();
const sub = new Subscriber({ linger: 0, reconnectInterval: 20, receiveHighWaterMark: 100_000 });
const subEvents = countEvents(sub);
sub.subscribe("soak");
sub.connect(pubs.endpoint);
const subStats = { received: 0, reordered: 0, gaps: 0 };
const lastSeen = new Map<number, number>();
const subscribing = (async () => {
  for await (const [, body] of sub) {
    const [inc, seq] = new TextDecoder().decode(body).split(":").map(Number);
    subStats.received++;
    const last = lastSeen.get(inc);
    if (last !== undefined && seq <= last) subStats.reordered++;
    else if (last !== undefined && seq > last + 1) subStats.gaps++;
    lastSeen.set(inc, seq);
  }
})();

// ---- chaos, then drain ----------------------------------------------------------
const chaos = [sinks.chaos(), echoes.chaos(), pubs.chaos()];
let lastLine = Date.now();
while (Date.now() < deadline) {
  await sleep(1000);
  if (Date.now() - lastLine >= 10_000) {
    lastLine = Date.now();
    const s = Math.round((Date.now() - started) / 1000);
    console.log(
      `${s} s: push sent ${pushSent}, requests ${reqStats.requests} (retries ${reqStats.retries}), ` +
        `sub received ${subStats.received}, restarts ${sinks.restarts + echoes.restarts + pubs.restarts}, ` +
        `RSS ${(Deno.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB`,
    );
  }
}
for (const r of [sinks, echoes, pubs]) r.stop();
await Promise.all(chaos);
running = false;
await Promise.all([pushing, requesting]);
// Let the last PULL incarnation receive everything still queued (it was not killed, so nothing may be lost).
const drainDeadline = Date.now() + 15_000;
const lastRange = () => sinks.current.last.ranges?.at(-1)?.[1] ?? -1;
while (lastRange() < pushSent - 1 && Date.now() < drainDeadline) await sleep(50);
await sleep(300); // one more report from every peer
const elapsed = (Date.now() - started) / 1000;
const loadAfter = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
clearInterval(rssSampler);
peakRss = Math.max(peakRss, Deno.memoryUsage().rss);

// PUSH/PULL accounting.
let pushReceived = 0;
let pushDups = 0;
let pushGapsInside = 0;
let lostAtCrashes = 0;
let previousEnd = -1;
let overlap = 0;
for (const peer of sinks.incarnations) {
  const ranges = peer.last.ranges ?? [];
  pushReceived += peer.last.received ?? 0;
  pushDups += peer.last.dups ?? 0;
  if (ranges.length > 1) pushGapsInside += ranges.length - 1;
  if (ranges.length === 0) continue;
  if (ranges[0][0] <= previousEnd) overlap++;
  lostAtCrashes += ranges[0][0] - previousEnd - 1;
  previousEnd = ranges.at(-1)![1];
}
const pushLostAtEnd = pushSent - 1 - previousEnd;

// PUB/SUB accounting.
// A killed PUB's last report can be up to 200 ms old: what the subscriber saw from it counts as sent too.
const pubSent = pubs.incarnations.reduce(
  (n, p) => n + Math.max(p.last.sent ?? 0, (lastSeen.get(p.incarnation) ?? -1) + 1),
  0,
);

const report = {
  durationSeconds: Number(elapsed.toFixed(1)),
  seed: SEED,
  rate: RATE,
  loadBefore,
  loadAfter,
  cpus: navigator.hardwareConcurrency,
  peakRssMiB: Number((peakRss / 2 ** 20).toFixed(1)),
  pushPull: {
    sent: pushSent,
    received: pushReceived,
    lostAtCrashes,
    lostOtherwise: pushLostAtEnd + pushGapsInside,
    duplicates: pushDups + overlap,
    peerRestarts: sinks.restarts,
    reconnects: Math.max(0, pushEvents.handshakes - 1),
    disconnects: pushEvents.disconnects,
  },
  reqRep: {
    requests: reqStats.requests,
    answered: reqStats.answered,
    retries: reqStats.retries,
    wrongReplies: reqStats.wrong,
    lost: reqStats.abandoned,
    peerRestarts: echoes.restarts,
    reconnects: Math.max(0, reqEvents.handshakes - 1),
    disconnects: reqEvents.disconnects,
  },
  pubSub: {
    sent: pubSent,
    received: subStats.received,
    lostNotPromised: pubSent - subStats.received,
    gaps: subStats.gaps,
    reordered: subStats.reordered,
    peerRestarts: pubs.restarts,
    reconnects: Math.max(0, subEvents.handshakes - 1),
    disconnects: subEvents.disconnects,
  },
};

console.log(`\nsoak: ${report.durationSeconds} s, seed ${SEED}, rate ${RATE}/s, ${report.cpus} CPUs`);
console.log(`load average before ${loadBefore}, after ${loadAfter}; peak RSS ${report.peakRssMiB} MiB`);
console.table({
  "PUSH/PULL": {
    sent: report.pushPull.sent,
    received: report.pushPull.received,
    "lost (promised none)": report.pushPull.lostOtherwise + report.pushPull.duplicates,
    "lost at crashes": report.pushPull.lostAtCrashes,
    restarts: report.pushPull.peerRestarts,
    reconnects: report.pushPull.reconnects,
  },
  "REQ/REP": {
    sent: report.reqRep.requests,
    received: report.reqRep.answered,
    "lost (promised none)": report.reqRep.lost + report.reqRep.wrongReplies,
    "lost at crashes": `${report.reqRep.retries} retried`,
    restarts: report.reqRep.peerRestarts,
    reconnects: report.reqRep.reconnects,
  },
  "PUB/SUB": {
    sent: report.pubSub.sent,
    received: report.pubSub.received,
    "lost (promised none)": report.pubSub.reordered,
    "lost at crashes": `${report.pubSub.lostNotPromised} (not promised)`,
    restarts: report.pubSub.peerRestarts,
    reconnects: report.pubSub.reconnects,
  },
});
console.log(JSON.stringify(report));

push.close();
req.close();
sub.close();
await subscribing;
for (const r of [sinks, echoes, pubs]) await r.dispose();
const broken = report.pushPull.lostOtherwise + report.pushPull.duplicates + report.reqRep.lost +
  report.reqRep.wrongReplies +
  report.pubSub.reordered;
if (broken > 0) {
  console.log(`soak: ${broken} broken promises`);
  Deno.exit(1);
}
