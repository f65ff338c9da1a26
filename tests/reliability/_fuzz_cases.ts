/**
 * The hostile-input fuzzer shared by tests/reliability/fuzz_test.ts (a few
 * thousand cases in the suite) and tools/fuzz.ts (`deno task fuzz`, as many
 * as you like). Cases are mutations of real vectors (tests/vectors/*.hex),
 * made by a seeded PRNG so that any case can be replayed from its seed and
 * index. {@linkcode runFuzz} throws them over real TCP at a bound zmq-ts
 * socket, many connections at a time, and checks that every connection is
 * closed by our side and reported with an event.
 */
import { Pull, Push, type Socket } from "../../mod.ts";
import { concat, loadVectors, prng } from "../_vectors.ts";

/** One hostile connection: the bytes it sends, how they are split, and what was done to them. */
export interface FuzzCase {
  index: number;
  /** The base stream and the mutations, for the failure report. */
  description: string;
  bytes: Uint8Array;
  /** Write boundaries (offsets into `bytes`), so decoders see partial headers and bodies. */
  splits: number[];
}

const enc = new TextEncoder();
const byName = (group: string) => new Map(loadVectors(group).map((v) => [v.name, v.bytes]));
const GREETINGS = byName("greeting");
const READY = byName("ready");
const FRAMES = byName("frame");
const COMMANDS = byName("command");

const GREETING = GREETINGS.get("greeting_null_libzmq")!;
const READY_PUSH = READY.get("ready_push_libzmq")!;
const READY_ALL = [...READY.values()];
const FRAME_ALL = [...FRAMES.values()];
const COMMAND_ALL = [...COMMANDS.values()];

/** 8-byte sizes a hostile peer may announce. */
const ABSURD_SIZES: bigint[] = [
  2n ** 63n - 1n,
  2n ** 63n,
  2n ** 64n - 1n,
  2n ** 53n + 1n,
  2n ** 32n,
  2n ** 31n,
  2n ** 31n - 1n,
  1n << 40n,
  16n * 1024n * 1024n,
];

const MECHANISMS = ["null", "PLAIN", "CURVE", "NULL\x01", "GSSAPI", "", "NULLNULLNULLNULLNULL", "N\0LL"];

/** A command frame: name, then body. */
function command(name: string, body: Uint8Array = new Uint8Array()): Uint8Array {
  const b = concat([Uint8Array.of(name.length), enc.encode(name), body]);
  return b.length > 255
    ? concat([Uint8Array.of(0x06), u64(BigInt(b.length)), b])
    : concat([Uint8Array.of(0x04, b.length), b]);
}

function u64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

/** READY with a property whose length fields lie. */
function lyingReady(rand: () => number): Uint8Array {
  const name = enc.encode("Socket-Type");
  const variant = Math.floor(rand() * 4);
  const valueLength = variant === 0
    ? 0xffffffff
    : variant === 1
    ? 0x7ffffff0
    : variant === 2
    ? 5 + Math.floor(rand() * 100)
    : 0;
  const nameLength = variant === 3 ? 255 : name.length;
  const body = concat([
    Uint8Array.of(nameLength),
    name,
    Uint8Array.of(valueLength >>> 24, (valueLength >>> 16) & 0xff, (valueLength >>> 8) & 0xff, valueLength & 0xff),
    enc.encode("PUSH"),
  ]);
  return command("READY", body);
}

/** The well-formed streams the mutations start from. */
const BASES: { name: string; make: (rand: () => number) => Uint8Array }[] = [
  { name: "greeting", make: () => GREETING },
  { name: "greeting+ready", make: () => concat([GREETING, READY_PUSH]) },
  {
    name: "greeting+ready+frames",
    make: (rand) => concat([GREETING, READY_PUSH, ...pickSome(FRAME_ALL, rand, 4)]),
  },
  {
    name: "greeting+ready+commands",
    make: (rand) => concat([GREETING, READY_PUSH, ...pickSome(COMMAND_ALL, rand, 3), ...pickSome(FRAME_ALL, rand, 2)]),
  },
  { name: "greeting+other-ready", make: (rand) => concat([GREETING, pick(READY_ALL, rand)]) },
  { name: "greeting+command-before-ready", make: (rand) => concat([GREETING, pick(COMMAND_ALL, rand), READY_PUSH]) },
  { name: "greeting+frame-before-ready", make: (rand) => concat([GREETING, pick(FRAME_ALL, rand), READY_PUSH]) },
  { name: "greeting+lying-ready", make: (rand) => concat([GREETING, lyingReady(rand)]) },
  {
    name: "greeting+handshake-commands",
    make: (rand) =>
      concat([
        GREETING,
        command(pick(["HELLO", "WELCOME", "INITIATE", "ERROR", "READY", "PING", "FOO"], rand), randomBytes(rand, 40)),
      ]),
  },
  { name: "garbage", make: (rand) => randomBytes(rand, 1 + Math.floor(rand() * 200)) },
];

function pick<T>(items: readonly T[], rand: () => number): T {
  return items[Math.floor(rand() * items.length)];
}

function pickSome<T>(items: readonly T[], rand: () => number, max: number): T[] {
  const n = 1 + Math.floor(rand() * max);
  return Array.from({ length: n }, () => pick(items, rand));
}

function randomBytes(rand: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
}

/** Offsets of frame headers after the greeting (the stream is parsed as far as it is well-formed). */
function frameOffsets(bytes: Uint8Array): number[] {
  const offsets: number[] = [];
  let at = 64;
  while (at + 2 <= bytes.length) {
    offsets.push(at);
    const long = (bytes[at] & 0x02) !== 0;
    if (long && at + 9 > bytes.length) break;
    const size = long
      ? Number(new DataView(bytes.buffer, bytes.byteOffset + at + 1, 8).getBigUint64(0))
      : bytes[at + 1];
    at += (long ? 9 : 2) + size;
  }
  return offsets;
}

type Mutation = { name: string; apply: (b: Uint8Array, rand: () => number) => Uint8Array };

const MUTATIONS: Mutation[] = [
  {
    name: "bit-flip",
    apply: (b, rand) => {
      const out = b.slice();
      // Half the flips hit the greeting, where every byte matters.
      const at = rand() < 0.5 ? Math.floor(rand() * Math.min(64, out.length)) : Math.floor(rand() * out.length);
      out[at] ^= 1 << Math.floor(rand() * 8);
      return out;
    },
  },
  { name: "truncate", apply: (b, rand) => b.slice(0, Math.floor(rand() * b.length)) },
  {
    name: "insert",
    apply: (b, rand) => {
      const at = Math.floor(rand() * (b.length + 1));
      return concat([b.subarray(0, at), randomBytes(rand, 1 + Math.floor(rand() * 16)), b.subarray(at)]);
    },
  },
  {
    name: "absurd-size",
    apply: (b, rand) => {
      const offsets = frameOffsets(b);
      const at = offsets.length > 0 ? pick(offsets, rand) : Math.min(64, b.length);
      const flags = (at < b.length ? b[at] : 0) | 0x02;
      const header = concat([Uint8Array.of(flags), u64(pick(ABSURD_SIZES, rand))]);
      return concat([b.subarray(0, at), header, randomBytes(rand, Math.floor(rand() * 64))]);
    },
  },
  {
    name: "wrong-mechanism",
    apply: (b, rand) => {
      if (b.length < 32) return b;
      const out = b.slice();
      out.fill(0, 12, 32);
      out.set(enc.encode(pick(MECHANISMS, rand)).subarray(0, 20), 12);
      return out;
    },
  },
  {
    name: "version",
    apply: (b, rand) => {
      if (b.length < 12) return b;
      const out = b.slice();
      if (rand() < 0.7) out[10] = Math.floor(rand() * 3); // major 0, 1 or 2
      else out[11] = Math.floor(rand() * 256);
      return out;
    },
  },
  {
    name: "reserved-flags",
    apply: (b, rand) => {
      const offsets = frameOffsets(b);
      if (offsets.length === 0) return b;
      const out = b.slice();
      out[pick(offsets, rand)] |= pick([0x08, 0x10, 0x20, 0x40, 0x80, 0xf8, 0x05], rand);
      return out;
    },
  },
  {
    name: "command-before-ready",
    apply: (b, rand) => {
      const at = Math.min(64, b.length);
      const cmd = rand() < 0.5 ? pick(COMMAND_ALL, rand) : command("SUBSCRIBE", randomBytes(rand, 5));
      return concat([b.subarray(0, at), cmd, b.subarray(at)]);
    },
  },
  {
    name: "huge-metadata",
    apply: (b, rand) => concat([b.subarray(0, Math.min(64, b.length)), lyingReady(rand)]),
  },
  {
    name: "signature",
    apply: (b, rand) => {
      const out = b.slice();
      if (out.length > 0) out[0] = Math.floor(rand() * 256);
      if (out.length > 9) out[9] = Math.floor(rand() * 256);
      return out;
    },
  },
];

/** The case `index` of the run seeded with `seed`. */
export function fuzzCase(seed: number, index: number): FuzzCase {
  const rand = prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const base = pick(BASES, rand);
  let bytes = base.make(rand);
  const applied: string[] = [];
  const rounds = base.name === "garbage" ? Math.floor(rand() * 2) : 1 + Math.floor(rand() * 3);
  for (let i = 0; i < rounds; i++) {
    const m = pick(MUTATIONS, rand);
    bytes = m.apply(bytes, rand);
    applied.push(m.name);
  }
  const splitCount = Math.floor(rand() * 4);
  const splits = Array.from({ length: splitCount }, () => Math.floor(rand() * bytes.length))
    .sort((a, b) => a - b);
  return { index, description: `${base.name} ${applied.join(",") || "(unmutated)"}`, bytes, splits };
}

/** Settings of a fuzz run. */
export interface FuzzOptions {
  seed: number;
  /** Cases to run, numbered from `first`. */
  cases: number;
  first?: number;
  /** Connections in flight at once. */
  concurrency?: number;
  /** The fuzzed socket's handshakeInterval (how long a stalled handshake may last). */
  handshakeInterval?: number;
  /** How long a case may wait for our side to close the connection. */
  caseTimeout?: number;
  /** Called after each batch with the number of cases done so far. */
  progress?: (done: number) => void;
}

/** What a fuzz run saw. */
export interface FuzzReport {
  cases: number;
  /** Cases whose connection our side did not close in time, with how to replay them. */
  failures: { index: number; description: string; reason: string }[];
  accepted: number;
  disconnects: number;
  handshakeErrors: Record<string, number>;
  /** Messages the fuzzed Pull delivered (mutations that happened to be valid). */
  delivered: number;
  /** Whether a well-behaved Push could still deliver afterwards. */
  stillServing: boolean;
  rssBefore: number;
  rssAfter: number;
  rssPeak: number;
  ms: number;
}

async function writeSplit(conn: Deno.Conn, c: FuzzCase): Promise<void> {
  let at = 0;
  for (const split of [...c.splits, c.bytes.length]) {
    if (split <= at) continue;
    await conn.write(c.bytes.subarray(at, split));
    at = split;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Sends one case and waits until our side closes the connection; returns a failure reason or null. */
async function runCase(port: number, c: FuzzCase, timeout: number): Promise<string | null> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const closedByUs = (async () => {
      const buf = new Uint8Array(4096);
      try {
        while ((await conn.read(buf)) !== null) {
          // Our greeting, PONGs, PINGs: keep reading until EOF.
        }
      } catch {
        // A reset also means our side closed it.
      }
      return null;
    })();
    const written = writeSplit(conn, c).catch(() => {}); // our side may close before everything is written
    const expired = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`connection still open after ${timeout} ms`), timeout);
    });
    const result = await Promise.race([closedByUs, expired]);
    await written;
    return result;
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

/**
 * Fuzzes a bound zmq-ts Pull. It heartbeats (so even a mutation that
 * happens to be valid is dropped once the peer stops answering) and has a
 * short handshakeInterval and a maxMessageSize. Afterwards a well-behaved
 * Push must still deliver to it.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const concurrency = options.concurrency ?? 64;
  const handshakeInterval = options.handshakeInterval ?? 200;
  const caseTimeout = options.caseTimeout ?? handshakeInterval * 10 + 2000;
  const first = options.first ?? 0;
  const rssBefore = Deno.memoryUsage().rss;
  let rssPeak = rssBefore;
  const pull = new Pull({
    handshakeInterval,
    heartbeatInterval: 100,
    heartbeatTimeout: 100,
    maxMessageSize: 1024 * 1024,
    receiveHighWaterMark: 100,
  });
  const report: FuzzReport = {
    cases: 0,
    failures: [],
    accepted: 0,
    disconnects: 0,
    handshakeErrors: {},
    delivered: 0,
    stillServing: false,
    rssBefore,
    rssAfter: 0,
    rssPeak: 0,
    ms: 0,
  };
  let counting = true;
  pull.events.on("accept", () => counting && report.accepted++);
  pull.events.on("disconnect", () => counting && report.disconnects++);
  for (const type of ["handshake:error:protocol", "handshake:error:other", "handshake:error:auth"] as const) {
    pull.events.on(type, () => {
      if (counting) report.handshakeErrors[type] = (report.handshakeErrors[type] ?? 0) + 1;
    });
  }
  let draining = true;
  const marker = `well-behaved peer ${options.seed}`;
  let markerArrived = false;
  const drain = (async () => {
    pull.receiveTimeout = 100;
    while (draining) {
      try {
        const message = await pull.receive();
        if (message.length === 1 && new TextDecoder().decode(message[0]) === marker) markerArrived = true;
        else report.delivered++;
      } catch {
        // EAGAIN: nothing this time.
      }
    }
  })();
  try {
    await pull.bind("tcp://127.0.0.1:*");
    const port = Number(pull.lastEndpoint!.split(":").pop());
    let next = first;
    const end = first + options.cases;
    const worker = async () => {
      while (next < end) {
        const c = fuzzCase(options.seed, next++);
        const reason = await runCase(port, c, caseTimeout);
        report.cases++;
        if (reason !== null) report.failures.push({ index: c.index, description: c.description, reason });
        if (report.cases % 250 === 0) {
          rssPeak = Math.max(rssPeak, Deno.memoryUsage().rss);
          options.progress?.(report.cases);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    // Every connection ends with an event: wait for the last disconnects.
    const deadline = Date.now() + 5000;
    while (report.disconnects < report.accepted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    counting = false; // the well-behaved peer's events are not the fuzz cases'
    report.stillServing = await stillServes(pull, () => markerArrived, marker);
  } finally {
    draining = false;
    await drain;
    await pull[Symbol.asyncDispose]();
  }
  report.rssAfter = Deno.memoryUsage().rss;
  report.rssPeak = Math.max(rssPeak, report.rssAfter);
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** Whether a well-behaved Push can still deliver to `pull` (whose drain loop flags the marker). */
async function stillServes(pull: Socket, arrived: () => boolean, marker: string): Promise<boolean> {
  await using push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send(marker);
  const deadline = Date.now() + 5000;
  while (!arrived() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return arrived();
}
