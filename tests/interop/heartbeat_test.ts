import assert from "node:assert/strict";
import { Dealer, Pull, type SocketEvent } from "../../mod.ts";
import { HAS_LIBZMQ, sleep, text, waitFor, withTimeout } from "../_helpers.ts";
import { MonitorPeer } from "./_monitor_peer.ts";

const ignore = !HAS_LIBZMQ;

/** Keeps the event loop busy, as a stuck application would: nothing is read, written or answered. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Busy.
  }
}

async function roundTrip(dealer: Dealer, body: string): Promise<void> {
  await dealer.send(body);
  const reply = await withTimeout(dealer.receive(), 10_000, `echo of ${body}`);
  assert.deepEqual(reply.map(text), [body]);
}

Deno.test(
  { name: "interop heartbeats - zmq-ts answers libzmq's PINGs, so libzmq keeps an idle connection", ignore },
  async () => {
    // libzmq drops a peer that sends nothing for 400 ms after its PING; only our PONGs can keep this alive.
    await using peer = await MonitorPeer.start({
      type: "DEALER",
      bind: "tcp://127.0.0.1:*",
      mode: "echo",
      options: { HEARTBEAT_IVL: 50, HEARTBEAT_TIMEOUT: 400 },
    });
    await using dealer = new Dealer({ linger: 0 });
    let disconnects = 0;
    dealer.events.on("disconnect", () => disconnects++);
    dealer.connect(peer.endpoint);
    await roundTrip(dealer, "first");
    await sleep(1000); // 20 PING intervals, 5 timeouts
    assert.equal(disconnects, 0, "zmq-ts saw no disconnect");
    assert.deepEqual(peer.eventNames().filter((e) => e === "DISCONNECTED"), [], "libzmq kept the connection");
    await roundTrip(dealer, "second");
  },
);

Deno.test(
  { name: "interop heartbeats - libzmq answers zmq-ts PINGs, so zmq-ts keeps an idle connection", ignore },
  async () => {
    await using peer = await MonitorPeer.start({ type: "DEALER", bind: "tcp://127.0.0.1:*", mode: "echo" });
    await using dealer = new Dealer({ linger: 0, heartbeatInterval: 50, heartbeatTimeout: 400 });
    let disconnects = 0;
    dealer.events.on("disconnect", () => disconnects++);
    dealer.connect(peer.endpoint);
    await roundTrip(dealer, "first");
    await sleep(1000);
    assert.equal(disconnects, 0);
    assert.deepEqual(peer.eventNames().filter((e) => e === "DISCONNECTED"), []);
    await roundTrip(dealer, "second");
  },
);

Deno.test({
  name: "interop heartbeats - a frozen libzmq peer is dropped after heartbeatTimeout and reconnected once it thaws",
  ignore,
}, async () => {
  await using peer = await MonitorPeer.start({ type: "DEALER", bind: "tcp://127.0.0.1:*", mode: "echo" });
  await using dealer = new Dealer({ linger: 0, reconnectInterval: 50, heartbeatInterval: 50, heartbeatTimeout: 250 });
  const events: SocketEvent[] = [];
  dealer.events.on("disconnect", (e) => events.push(e));
  dealer.events.on("handshake", (e) => events.push(e));
  dealer.connect(peer.endpoint);
  await roundTrip(dealer, "before");
  peer.freeze(); // the kernel keeps the TCP connection up; the process answers nothing
  try {
    await waitFor(() => events.some((e) => e.type === "disconnect"), 10_000, "the frozen peer to be dropped");
    await dealer.send("while frozen"); // queued on the surviving pipe
  } finally {
    peer.thaw();
  }
  await waitFor(() => events.filter((e) => e.type === "handshake").length >= 2, 15_000, "a new handshake");
  const reply = await withTimeout(dealer.receive(), 10_000, "the queued message's echo");
  assert.deepEqual(reply.map(text), ["while frozen"]);
  await roundTrip(dealer, "after");
});

Deno.test({ name: "interop heartbeats - libzmq honours the TTL in zmq-ts PINGs", ignore }, async () => {
  // libzmq's own heartbeating is off; only the TTL we send (300 ms) can make it drop us.
  await using peer = await MonitorPeer.start({ type: "DEALER", bind: "tcp://127.0.0.1:*", mode: "echo" });
  await using dealer = new Dealer({
    linger: 0,
    reconnectInterval: 50,
    heartbeatInterval: 50,
    heartbeatTimeout: 60_000,
    heartbeatTimeToLive: 300,
  });
  let handshakes = 0;
  dealer.events.on("handshake", () => handshakes++);
  dealer.connect(peer.endpoint);
  await roundTrip(dealer, "before");
  await sleep(150); // a few PINGs carrying the TTL
  blockEventLoop(1200); // we go silent well past the TTL
  await waitFor(() => peer.eventNames().includes("DISCONNECTED"), 10_000, "libzmq to drop us");
  await waitFor(() => handshakes >= 2, 10_000, "zmq-ts to reconnect");
  await roundTrip(dealer, "after");
});

Deno.test(
  { name: "interop heartbeats - a connecting libzmq peer drops a silent zmq-ts socket and reconnects", ignore },
  async () => {
    await using pull = new Pull();
    await pull.bind("tcp://127.0.0.1:*");
    let handshakes = 0;
    pull.events.on("handshake", () => handshakes++);
    await using peer = await MonitorPeer.start({
      type: "PUSH",
      connect: pull.lastEndpoint!,
      mode: "idle",
      options: { HEARTBEAT_IVL: 50, HEARTBEAT_TIMEOUT: 200, RECONNECT_IVL: 50 },
    });
    await waitFor(() => handshakes === 1, 10_000, "handshake");
    blockEventLoop(1000);
    await waitFor(() => handshakes >= 2, 10_000, "libzmq to reconnect");
    // The peer's monitor events reach us a little after the handshake itself: wait for them to say so too.
    const reconnected = () => {
      const names = peer.eventNames();
      const cut = names.indexOf("DISCONNECTED");
      return cut > 0 && names.slice(cut).includes("HANDSHAKE_SUCCEEDED");
    };
    await waitFor(reconnected, 10_000, "libzmq's monitor to report the reconnection").catch(() => {});
    const names = peer.eventNames();
    const cut = names.indexOf("DISCONNECTED");
    assert.ok(cut > 0, `libzmq dropped us (events ${names})`);
    assert.ok(names.slice(cut).includes("HANDSHAKE_SUCCEEDED"), `and reconnected (events ${names})`);
  },
);
