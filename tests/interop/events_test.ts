/**
 * zmq-ts and libzmq 4.3.4 go through the same situations; their events
 * (libzmq's monitor events under zeromq.js's names) must agree.
 */
import assert from "node:assert/strict";
import { Pull, Push, type Socket, type SocketEvent } from "../../mod.ts";
import { HAS_LIBZMQ, waitFor } from "../_helpers.ts";
import { GREETING, RawPeer } from "../reliability/_raw.ts";
import { MonitorPeer } from "./_monitor_peer.ts";

const ignore = !HAS_LIBZMQ;

/** libzmq monitor event → zeromq.js event name. */
const NAMES: Record<string, string> = {
  CONNECTED: "connect",
  CONNECT_DELAYED: "connect:delay",
  CONNECT_RETRIED: "connect:retry",
  LISTENING: "bind",
  BIND_FAILED: "bind:error",
  ACCEPTED: "accept",
  ACCEPT_FAILED: "accept:error",
  CLOSED: "close",
  CLOSE_FAILED: "close:error",
  DISCONNECTED: "disconnect",
  MONITOR_STOPPED: "end",
  HANDSHAKE_FAILED_NO_DETAIL: "handshake:error:other",
  HANDSHAKE_SUCCEEDED: "handshake",
  HANDSHAKE_FAILED_PROTOCOL: "handshake:error:protocol",
  HANDSHAKE_FAILED_AUTH: "handshake:error:auth",
};

function libzmqEvents(peer: MonitorPeer): string[] {
  return peer.eventNames().map((n) => NAMES[n] ?? n);
}

function record(socket: Socket): string[] {
  const seen: string[] = [];
  const types = [
    "accept",
    "accept:error",
    "bind",
    "connect",
    "connect:delay",
    "connect:retry",
    "close",
    "disconnect",
    "end",
    "handshake",
    "handshake:error:protocol",
    "handshake:error:auth",
    "handshake:error:other",
  ] as const;
  for (const type of types) socket.events.on(type, (e: SocketEvent) => seen.push(e.type));
  return seen;
}

/** Runs `misbehave` against a bound libzmq PULL and a bound zmq-ts Pull; returns both event lists. */
async function bothBound(
  handshakeInterval: number,
  misbehave: (endpoint: string) => Promise<void>,
  settled: (events: string[]) => boolean,
): Promise<{ libzmq: string[]; ours: string[] }> {
  await using peer = await MonitorPeer.start({
    type: "PULL",
    bind: "tcp://127.0.0.1:*",
    mode: "sink",
    options: { HANDSHAKE_IVL: handshakeInterval },
  });
  await using pull = new Pull({ handshakeInterval });
  const ours = record(pull);
  await pull.bind("tcp://127.0.0.1:*");
  await Promise.all([misbehave(peer.endpoint), misbehave(pull.lastEndpoint!)]);
  await waitFor(() => settled(libzmqEvents(peer)) && settled(ours), 10_000, "events on both sides");
  return { libzmq: libzmqEvents(peer), ours: [...ours] }; // copies: closing adds close and end
}

const endsWithDisconnect = (events: string[]) => events.at(-1) === "disconnect";

Deno.test(
  { name: "interop events - a handshake timeout: both report handshake:error:other, then disconnect", ignore },
  async () => {
    const { libzmq, ours } = await bothBound(200, async (endpoint) => {
      const raw = await RawPeer.connect(endpoint);
      await raw.write(GREETING);
      await raw.ended;
    }, endsWithDisconnect);
    assert.deepEqual(ours, ["bind", "accept", "handshake:error:other", "disconnect"]);
    assert.deepEqual(libzmq, ours);
  },
);

Deno.test({
  name: "interop events - a peer closing mid-greeting: both report handshake:error:other, then disconnect",
  ignore,
}, async () => {
  const { libzmq, ours } = await bothBound(30_000, async (endpoint) => {
    const raw = await RawPeer.connect(endpoint);
    await raw.write(GREETING.subarray(0, 20));
    await new Promise((r) => setTimeout(r, 50));
    await raw[Symbol.asyncDispose]();
  }, endsWithDisconnect);
  assert.deepEqual(libzmq, ours);
});

Deno.test({
  name: "interop events - a mechanism mismatch: both report handshake:error:protocol, then disconnect",
  ignore,
}, async () => {
  const { libzmq, ours } = await bothBound(30_000, async (endpoint) => {
    const raw = await RawPeer.connect(endpoint);
    const plain = GREETING.slice();
    plain.set(new TextEncoder().encode("PLAIN"), 12);
    await raw.write(plain);
    await raw.ended;
  }, endsWithDisconnect);
  assert.deepEqual(ours, ["bind", "accept", "handshake:error:protocol", "disconnect"]);
  assert.deepEqual(libzmq, ours);
});

Deno.test({ name: "interop events - bound side: a peer connects, talks and is killed", ignore }, async () => {
  // libzmq bound, zmq-ts connecting; then zmq-ts bound, libzmq connecting. Each connecting peer then dies.
  await using libzmqPull = await MonitorPeer.start({ type: "PULL", bind: "tcp://127.0.0.1:*", mode: "sink" });
  {
    const push = new Push({ linger: 0 });
    push.connect(libzmqPull.endpoint);
    await push.send("x");
    await waitFor(() => libzmqEvents(libzmqPull).includes("handshake"), 10_000, "libzmq handshake");
    push.close();
  }
  await waitFor(() => endsWithDisconnect(libzmqEvents(libzmqPull)), 10_000, "libzmq disconnect");

  await using pull = new Pull();
  const ours = record(pull);
  await pull.bind("tcp://127.0.0.1:*");
  const libzmqPush = await MonitorPeer.start({ type: "PUSH", connect: pull.lastEndpoint!, mode: "idle" });
  await waitFor(() => ours.includes("handshake"), 10_000, "our handshake");
  await libzmqPush.kill();
  await waitFor(() => endsWithDisconnect(ours), 10_000, "our disconnect");
  assert.deepEqual(ours, ["bind", "accept", "handshake", "disconnect"]);
  assert.deepEqual(libzmqEvents(libzmqPull), ours);
});

Deno.test(
  { name: "interop events - connecting side: the bound peer goes away, reconnect attempts follow", ignore },
  async () => {
    // zmq-ts connects to libzmq, which is then killed.
    const libzmqPull = await MonitorPeer.start({ type: "PULL", bind: "tcp://127.0.0.1:*", mode: "sink" });
    await using push = new Push({ linger: 0, reconnectInterval: 50 });
    const ours = record(push);
    push.connect(libzmqPull.endpoint);
    await waitFor(() => ours.includes("handshake"), 10_000, "our handshake");
    await libzmqPull.kill();
    await waitFor(() => ours.filter((e) => e === "connect:retry").length >= 2, 10_000, "our retries");

    // libzmq connects to zmq-ts, which then closes.
    const pull = new Pull();
    await pull.bind("tcp://127.0.0.1:*");
    await using libzmqPush = await MonitorPeer.start({
      type: "PUSH",
      connect: pull.lastEndpoint!,
      mode: "idle",
      options: { RECONNECT_IVL: 50 },
    });
    await waitFor(() => libzmqEvents(libzmqPush).includes("handshake"), 10_000, "libzmq handshake");
    await pull[Symbol.asyncDispose]();
    await waitFor(
      () => libzmqEvents(libzmqPush).filter((e) => e === "connect:retry").length >= 2,
      10_000,
      "libzmq retries",
    );
    // libzmq also reports `close` for each connecting socket it closes; zmq-ts keeps `close` for listeners.
    const theirs = libzmqEvents(libzmqPush).filter((e) => e !== "close");
    const upTo = (events: string[]) => events.slice(0, events.indexOf("connect:retry") + 1);
    assert.deepEqual(upTo(ours), ["connect:delay", "connect", "handshake", "disconnect", "connect:retry"]);
    assert.deepEqual(upTo(theirs), upTo(ours));
    // Every retry is followed by a new attempt, announced with connect:delay, on both sides.
    const after = (events: string[]) => events.slice(events.indexOf("connect:retry"));
    assert.deepEqual(after(ours).slice(0, 3), ["connect:retry", "connect:delay", "connect:retry"]);
    assert.deepEqual(after(theirs).slice(0, 3), after(ours).slice(0, 3));
  },
);
