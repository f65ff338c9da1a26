import assert from "node:assert/strict";
import { test } from "node:test";
import { denoRuntime } from "../../src/runtime/deno.ts";
import { nodeRuntime } from "../../src/runtime/node.ts";
import { RuntimeError, type UdpEndpoint, type UdpSocket } from "../../src/runtime/runtime.ts";
import { bytes, text, withTimeout } from "../_helpers.ts";

/** Collects datagrams of a socket. */
function collect(socket: UdpSocket) {
  const got: { data: string; from: UdpEndpoint }[] = [];
  let wake: (() => void) | null = null;
  socket.start({
    message: (data, from) => {
      got.push({ data: text(data), from });
      wake?.();
    },
  });
  return {
    got,
    async next(count: number, ms = 3000) {
      await withTimeout(
        (async () => {
          while (got.length < count) await new Promise<void>((r) => (wake = r));
        })(),
        ms,
        `${count} datagrams`,
      );
    },
  };
}

for (const runtime of [denoRuntime, nodeRuntime]) {
  const udp = runtime.udp!;

  test(`${runtime.name} udp - unicast send and receive on 127.0.0.1, sender address reported`, async () => {
    const a = await udp.bind({ address: "127.0.0.1" });
    const b = await udp.bind({ address: "127.0.0.1" });
    assert.ok(a.local.port > 0 && b.local.port > 0);
    const rx = collect(b);
    await a.send(bytes("one"), b.local);
    await a.send(bytes("two"), { address: "127.0.0.1", port: b.local.port });
    await rx.next(2);
    assert.deepEqual(rx.got.map((g) => g.data), ["one", "two"]);
    assert.deepEqual(rx.got[0].from, a.local);
    a.close();
    b.close();
    await Promise.all([a.closed, b.closed]);
    await assert.rejects(a.send(bytes("x"), b.local), RuntimeError);
  });

  test(`${runtime.name} udp - multicast on lo: join, loopback, TTL, leave`, async () => {
    const group = "239.192.77.1";
    const probe = await udp.bind({ address: "127.0.0.1" });
    const port = probe.local.port; // a port free a moment ago
    probe.close();
    await probe.closed;
    const rx = await udp.bind({ address: group, port, reuseAddress: true });
    rx.joinGroup(group, "127.0.0.1");
    const got = collect(rx);
    const tx = await udp.bind({ address: "127.0.0.1" });
    tx.setMulticastInterface("127.0.0.1");
    tx.setMulticastTtl(1);
    tx.setMulticastLoopback(false); // harmless on lo: its transmit path is its receive path
    tx.setTtl(4);
    await tx.send(bytes("m1"), { address: group, port });
    await got.next(1);
    assert.equal(got.got[0].data, "m1");
    assert.equal(got.got[0].from.address, "127.0.0.1");
    rx.leaveGroup(group, "127.0.0.1");
    assert.throws(() => rx.leaveGroup(group, "127.0.0.1"), RuntimeError);
    assert.throws(() => rx.joinGroup("10.1.2.3", "127.0.0.1"), RuntimeError);
    assert.throws(() => tx.setMulticastTtl(-1), (e: unknown) => e instanceof Error);
    tx.close();
    rx.close();
    await Promise.all([tx.closed, rx.closed]);
  });

  test(`${runtime.name} udp - bind errors are RuntimeErrors; reusePort is refused where it cannot be set`, async () => {
    const a = await udp.bind({ address: "127.0.0.1" });
    await assert.rejects(
      udp.bind({ address: "127.0.0.1", port: a.local.port }),
      (e: unknown) => e instanceof RuntimeError && e.code === "EADDRINUSE",
    );
    await assert.rejects(
      udp.bind({ address: "192.0.2.1" }),
      (e: unknown) => e instanceof RuntimeError && e.code === "EADDRNOTAVAIL",
    );
    if (udp.reusePort) {
      const s = await udp.bind({ address: "127.0.0.1", reusePort: true });
      const t = await udp.bind({ address: "127.0.0.1", port: s.local.port, reusePort: true });
      t.close();
      s.close();
      await Promise.all([s.closed, t.closed]);
    } else {
      await assert.rejects(
        udp.bind({ address: "127.0.0.1", reusePort: true }),
        (e: unknown) => e instanceof RuntimeError && e.code === "ENOTSUP" && /SO_REUSEPORT/.test(e.message),
      );
    }
    a.close();
    await a.closed;
  });

  test(`${runtime.name} udp - interfaces include the loopback`, () => {
    const lo = udp.interfaces().find((i) => i.address === "127.0.0.1");
    assert.ok(lo && lo.family === "IPv4" && lo.name.length > 0);
  });
}
