/** zeromq 5's monitor events from the v6 socket events: names, arguments, unmonitor. */
import assert from "node:assert/strict";
import * as zmq from "../../v5_compat.ts";
import { withTimeout } from "../_helpers.ts";

/** Records monitor events as "name endpoint". */
function record(sock: zmq.Socket, names: string[]): string[] {
  const seen: string[] = [];
  for (const name of names) sock.on(name, (_value: unknown, endpoint: string) => seen.push(`${name} ${endpoint}`));
  return seen;
}

async function until(check: () => boolean, what: string): Promise<void> {
  await withTimeout(
    (async () => {
      while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
    })(),
    5000,
    what,
  );
}

Deno.test("monitor - listen, accept, disconnect and close carry the bound endpoint", async () => {
  const rep = zmq.socket("rep");
  const req = zmq.socket("req");
  try {
    assert.equal(rep.monitor(), rep);
    const seen = record(rep, ["listen", "accept", "disconnect", "close"]);
    await new Promise<void>((resolve, reject) => rep.bind("tcp://127.0.0.1:*", (err) => err ? reject(err) : resolve()));
    const endpoint = rep.last_endpoint!;
    req.connect(endpoint);
    await until(() => seen.includes(`accept ${endpoint}`), "accept");
    req.close();
    await until(() => seen.includes(`disconnect ${endpoint}`), "disconnect");
    rep.close();
    await until(() => seen.includes(`close ${endpoint}`), "close");
    assert.deepEqual(seen, [`listen ${endpoint}`, `accept ${endpoint}`, `disconnect ${endpoint}`, `close ${endpoint}`]);
  } finally {
    req.close();
    rep.close();
  }
});

Deno.test("monitor - connect, connect_retry with its interval, bind_error with the error", async () => {
  const holder = zmq.socket("pull");
  const twin = zmq.socket("pull");
  const push = zmq.socket("push");
  try {
    await new Promise<void>((resolve, reject) =>
      holder.bind("tcp://127.0.0.1:*", (err) => err ? reject(err) : resolve())
    );
    const endpoint = holder.last_endpoint!;
    twin.monitor();
    const bindError = new Promise<unknown[]>((resolve) => twin.on("bind_error", (...args: unknown[]) => resolve(args)));
    twin.bind(endpoint, () => {});
    const [, address, error] = await withTimeout(bindError, 5000, "bind_error");
    assert.equal(address, endpoint.replace("tcp://", "")); // libzmq reports a failed bind without the scheme
    assert.ok(error instanceof Error);
    assert.equal((error as Error & { code?: string }).code, "EADDRINUSE");

    push.monitor(10, 0); // zeromq 5's arguments are accepted
    push.setsockopt(zmq.ZMQ_RECONNECT_IVL, 20);
    const connected = new Promise<unknown[]>((resolve) => push.once("connect", (...args: unknown[]) => resolve(args)));
    push.connect(endpoint);
    assert.equal((await withTimeout(connected, 5000, "connect"))[1], endpoint);
    const retried = new Promise<unknown[]>((resolve) =>
      push.once("connect_retry", (...args: unknown[]) => resolve(args))
    );
    holder.close(); // the connection drops and push retries a closed port
    const [interval, retryAddress] = await withTimeout(retried, 5000, "connect_retry");
    assert.equal(typeof interval, "number");
    assert.equal(retryAddress, endpoint);
  } finally {
    holder.close();
    twin.close();
    push.close();
  }
});

Deno.test("monitor - unmonitor stops the events; monitor() again restarts them", async () => {
  const pull = zmq.socket("pull");
  try {
    const seen = record(pull, ["listen"]);
    const bind = (address: string) =>
      new Promise<void>((resolve, reject) => pull.bind(address, (err) => err ? reject(err) : resolve()));
    // tcp: binding an inproc endpoint reports no event in libzmq (nor here).
    pull.monitor();
    await bind("tcp://127.0.0.1:*");
    const a = pull.last_endpoint;
    assert.equal(pull.unmonitor(), pull);
    await bind("tcp://127.0.0.1:*");
    pull.monitor().monitor(); // a second call does not double the events
    await bind("tcp://127.0.0.1:*");
    const c = pull.last_endpoint;
    assert.deepEqual(seen, [`listen ${a}`, `listen ${c}`]);
  } finally {
    pull.close();
  }
});
