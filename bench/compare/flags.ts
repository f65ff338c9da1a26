/**
 * What `bench/compare.ts` measures: the scenarios (kinds, transports, sizes),
 * the implementations by name, the message counts, and the command line that
 * narrows them down.
 *
 * @module
 */

/** A measurement: PUSH→PULL throughput or REQ/REP latency. */
export type Kind = "thr" | "lat";
/** The transports the tools run over. */
export type Transport = "tcp" | "ipc" | "inproc";
/** The implementations by name, as `--impls` takes them. */
export type ImplId = "zmqts-deno" | "zmqts-node" | "zmqts-bun" | "zeromqjs-node" | "libzmq-c" | "floor";
/** The zmq-ts implementations, the ones `--baseline` measures a second time. */
export type ZmqTsImplId = "zmqts-deno" | "zmqts-node" | "zmqts-bun";

/** Message sizes of a full run, in bytes. */
export const SIZES: number[] = [16, 256, 4096, 65536, 1048576];
/** Transports of a full run. */
export const TRANSPORTS: Transport[] = ["tcp", "ipc", "inproc"];
/** Kinds of a full run. */
export const KINDS: Kind[] = ["thr", "lat"];
/** Every implementation, in the order of the tables. */
export const IMPL_ORDER: ImplId[] = ["zmqts-deno", "zmqts-node", "zmqts-bun", "zeromqjs-node", "libzmq-c", "floor"];
/** The zmq-ts implementations, in the order of the tables. */
export const ZMQTS_IMPLS: ZmqTsImplId[] = ["zmqts-deno", "zmqts-node", "zmqts-bun"];
/** Messages per throughput run: about 0.8–1.3 GB, or 1 M small messages. */
export const THR_COUNT: Record<number, number> = {
  16: 1_000_000,
  256: 500_000,
  4096: 200_000,
  65536: 20_000,
  1048576: 1_000,
};
/** Round trips per latency run. */
export const LAT_COUNT: Record<number, number> = {
  16: 10_000,
  256: 10_000,
  4096: 10_000,
  65536: 4_000,
  1048576: 500,
};
/** Messages of the memory check. */
export const MEMORY_COUNT = 10_000_000;
/** Message size of the memory check, in bytes. */
export const MEMORY_SIZE = 16;

/** The parsed command line. */
export interface Flags {
  /** `--quick`: small counts, one repetition, no memory check. */
  quick: boolean;
  /** `--memory`: only the memory check. */
  memoryOnly: boolean;
  /** False with `--no-memory`. */
  memory: boolean;
  /** False with `--no-interop`. */
  interop: boolean;
  /** Repetitions of each measurement (`--reps=N`). */
  reps: number;
  kinds: Kind[];
  transports: Transport[];
  sizes: number[];
  /** `--impls=...`, or null for all. */
  impls: ImplId[] | null;
  /** Multiplies the message counts (`--scale=F`). */
  scale: number;
  /** `--write` / `--no-write`; null until `parseFlags` decides. */
  write: boolean | null;
  /** `--commit=REV`: measure that commit instead of the working tree. */
  commit: string | null;
  /** `--baseline=REV`: measure zmq-ts at that commit too, beside the tree (or `--commit`). */
  baseline: string | null;
}

/**
 * Parses the command line of `bench/compare.ts`. An unknown flag prints an
 * error and exits with status 2; a bad value throws a `TypeError`.
 */
export function parseFlags(args: string[]): Flags {
  const f: Flags = {
    quick: false,
    memoryOnly: false,
    memory: true,
    interop: true,
    reps: 3,
    kinds: KINDS,
    transports: TRANSPORTS,
    sizes: SIZES,
    impls: null,
    scale: 1,
    write: null,
    commit: null,
    baseline: null,
  };
  let reps: number | null = null;
  let filtered = false;
  for (const arg of args) {
    const [name, value = ""] = arg.split("=", 2);
    const list = () => value.split(",").filter((s) => s !== "");
    switch (name) {
      case "--quick":
        f.quick = true;
        break;
      case "--memory":
        f.memoryOnly = true;
        break;
      case "--no-memory":
        f.memory = false;
        break;
      case "--no-interop":
        f.interop = false;
        break;
      case "--reps":
        reps = Number(value);
        break;
      case "--kinds":
        f.kinds = list() as Kind[];
        filtered = true;
        break;
      case "--transports":
        f.transports = list() as Transport[];
        filtered = true;
        break;
      case "--sizes":
        f.sizes = list().map(Number);
        filtered = true;
        break;
      case "--impls":
        f.impls = list() as ImplId[];
        filtered = true;
        break;
      case "--scale":
        f.scale = Number(value);
        filtered = true;
        break;
      case "--write":
        f.write = true;
        break;
      case "--no-write":
        f.write = false;
        break;
      case "--commit":
        f.commit = value;
        break;
      case "--baseline":
        if (value === "") throw new TypeError("--baseline needs a revision, e.g. --baseline=HEAD~1");
        f.baseline = value;
        break;
      default:
        console.error(`compare: unknown flag ${arg}`);
        Deno.exit(2);
    }
  }
  for (const k of f.kinds) if (!KINDS.includes(k)) throw new TypeError(`unknown kind ${k}`);
  for (const t of f.transports) if (!TRANSPORTS.includes(t)) throw new TypeError(`unknown transport ${t}`);
  for (const s of f.sizes) if (!(THR_COUNT[s] > 0)) throw new TypeError(`size ${s} is not one of ${SIZES.join(", ")}`);
  for (const i of f.impls ?? []) if (!IMPL_ORDER.includes(i)) throw new TypeError(`unknown implementation ${i}`);
  if (f.quick) {
    f.reps = 1;
    if (!filtered) {
      f.sizes = [16, 1048576];
      f.transports = ["tcp", "inproc"];
    }
    f.scale *= 0.02;
    f.memory = false;
  }
  if (reps !== null) f.reps = reps;
  if (!(f.reps >= 1)) throw new TypeError("--reps must be at least 1");
  // Only a complete run of the code alone replaces the section in RESULTS.md unless asked.
  if (f.write === null) f.write = !f.quick && !f.memoryOnly && !filtered && f.reps >= 3 && f.baseline === null;
  return f;
}
