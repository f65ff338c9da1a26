// Test helpers for the npm suites: libzmq peers, timeouts, frame digests.
//
// Under Node the libzmq peer is the `zeromq` npm package (zeromq.js, libzmq
// 4.3.5) in this process; under Bun, which cannot load zeromq's native addon,
// it is Debian's pyzmq (libzmq 4.3.4) driven by tests/interop/zmq_peer.py.
// ZMQ_TS_REPO (set by npm/ci.sh) points at the repository checkout, where
// both live; the package under test itself comes from the installed tarball.
import { Buffer } from "node:buffer";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

export const IS_BUN = typeof process.versions.bun === "string";
const REPO = process.env.ZMQ_TS_REPO ?? "";
const PYTHON = "/usr/bin/python3";

/** Rejects if the promise does not settle in time. */
export function withTimeout(promise, ms, what = "operation") {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Small frames as hex, large ones as length and SHA-256 (what zmq_peer.py reports). */
export function describe(frame) {
  const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  if (buf.length >= 1024) return { len: buf.length, sha256: createHash("sha256").update(buf).digest("hex") };
  return buf.toString("hex");
}

/** A private temp dir for ipc socket files; remove it with the returned function. */
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "zmq-ts-npm-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function hasPyzmq() {
  if (!existsSync(PYTHON) || REPO === "") return false;
  return spawnSync(PYTHON, ["-c", "import zmq"], { stdio: "ignore" }).status === 0;
}

function loadZeromq() {
  if (IS_BUN || REPO === "") return null;
  try {
    return createRequire(join(REPO, "package.json"))("zeromq");
  } catch {
    return null;
  }
}

const zeromq = loadZeromq();
/** Whether Debian's pyzmq (and the repository's peer script) is available. */
export const HAS_PYZMQ = hasPyzmq();
/** Which libzmq peer this runtime uses, or null when none is available. */
export const PEER_KIND = zeromq !== null ? "zeromq.js" : hasPyzmq() ? "pyzmq" : null;

const CLASSES = { PUSH: "Push", PULL: "Pull", REQ: "Request", REP: "Reply", DEALER: "Dealer", ROUTER: "Router" };

/** A libzmq socket of `type` (PUSH, PULL, REQ, REP, DEALER, ROUTER) with one small async API. */
export async function startPeer(type) {
  if (zeromq !== null) return new ZeromqPeer(new zeromq[CLASSES[type]]({ linger: 0 }));
  const peer = new PythonPeer();
  await peer.command({ op: "socket", type });
  return peer;
}

class ZeromqPeer {
  constructor(socket) {
    this.socket = socket;
  }
  async bind(endpoint) {
    await this.socket.bind(endpoint);
    return this.socket.lastEndpoint;
  }
  connect(endpoint) {
    this.socket.connect(endpoint);
    return Promise.resolve();
  }
  /** Sends frames (strings or bytes); resolves to their descriptions. */
  async send(frames) {
    await withTimeout(this.socket.send(frames), 5000, "zeromq send");
    return frames.map((f) => describe(typeof f === "string" ? Buffer.from(f) : f));
  }
  /** Resolves to the described frames of the next message. */
  async recv() {
    return (await withTimeout(this.socket.receive(), 5000, "zeromq receive")).map(describe);
  }
  close() {
    this.socket.close();
    return Promise.resolve();
  }
}

/** A pyzmq (libzmq 4.3.4) socket of `type` with libzmq option names (values: numbers, or hex for bytes), or null without pyzmq. */
export async function startPyzmqPeer(type, options = {}) {
  if (!HAS_PYZMQ) return null;
  const peer = new PythonPeer();
  await peer.command({ op: "socket", type, options });
  return peer;
}

class PythonPeer {
  #child;
  #lines = [];
  #waiting = [];
  #buffer = "";
  constructor() {
    this.#child = spawn(PYTHON, [join(REPO, "tests/interop/zmq_peer.py")], { stdio: ["pipe", "pipe", "inherit"] });
    this.#child.stdout.setEncoding("utf8");
    this.#child.stdout.on("data", (text) => {
      this.#buffer += text;
      let nl;
      while ((nl = this.#buffer.indexOf("\n")) >= 0) {
        const line = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        const waiter = this.#waiting.shift();
        if (waiter) waiter(line);
        else this.#lines.push(line);
      }
    });
  }
  async command(cmd) {
    this.#child.stdin.write(JSON.stringify(cmd) + "\n");
    const line = this.#lines.length > 0
      ? this.#lines.shift()
      : await withTimeout(new Promise((resolve) => this.#waiting.push(resolve)), 15000, `pyzmq ${cmd.op}`);
    const reply = JSON.parse(line);
    if (reply.error) throw new Error(`pyzmq ${cmd.op} failed: ${reply.error}`);
    return reply;
  }
  async bind(endpoint) {
    return (await this.command({ op: "bind", endpoint })).endpoint;
  }
  async connect(endpoint) {
    await this.command({ op: "connect", endpoint });
  }
  async send(frames) {
    const wire = frames.map((f) => Buffer.from(typeof f === "string" ? Buffer.from(f) : f).toString("hex"));
    return (await this.command({ op: "send", frames: wire })).sent;
  }
  async recv() {
    return (await this.command({ op: "recv", timeout: 5000 })).frames;
  }
  async close() {
    try {
      await this.command({ op: "close" });
    } catch {
      // Fall through to killing it.
    }
    this.#child.stdin.end();
    if (this.#child.exitCode === null) {
      const exited = new Promise((resolve) => this.#child.once("exit", resolve));
      const timer = setTimeout(() => this.#child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
  }
}
