/** zeromq 5's setsockopt/getsockopt and short option names, mapped onto the v6 options. */
import assert from "node:assert/strict";
import * as zmq from "../../v5_compat.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("setsockopt/getsockopt - by number and by short name, chaining, the property sugar", () => {
  const sock = zmq.socket("dealer");
  try {
    assert.equal(sock.getsockopt(zmq.ZMQ_BACKLOG), 100);
    assert.equal(sock.setsockopt(zmq.ZMQ_BACKLOG, 75), sock);
    assert.equal(sock.getsockopt("backlog"), 75);
    sock.backlog = 50;
    assert.equal(sock.backlog, 50);
    sock.setsockopt("linger", 0);
    assert.equal(sock.getsockopt(zmq.ZMQ_LINGER), 0);
    sock.setsockopt(zmq.ZMQ_SNDHWM, 7).setsockopt(zmq.ZMQ_RCVHWM, 9);
    assert.deepEqual([sock.getsockopt(zmq.ZMQ_SNDHWM), sock.getsockopt(zmq.ZMQ_RCVHWM)], [7, 9]);
    sock.setsockopt(zmq.ZMQ_RECONNECT_IVL_MAX, 2000);
    assert.equal(sock.getsockopt(zmq.ZMQ_RECONNECT_IVL_MAX), 2000);
  } finally {
    sock.close();
  }
});

Deno.test("setsockopt/getsockopt - booleans are 1/0, strings may be bytes, IPV4ONLY is the inverse of IPV6", () => {
  const sock = zmq.socket("router");
  try {
    assert.equal(sock.getsockopt(zmq.ZMQ_ROUTER_MANDATORY), 0);
    sock.setsockopt(zmq.ZMQ_ROUTER_MANDATORY, 1);
    assert.equal(sock.getsockopt(zmq.ZMQ_ROUTER_MANDATORY), 1);
    sock.setsockopt(zmq.ZMQ_DELAY_ATTACH_ON_CONNECT, true);
    assert.equal(sock.getsockopt(zmq.ZMQ_DELAY_ATTACH_ON_CONNECT), 1);
    sock.identity = bytes("router-1");
    assert.equal(sock.identity, "router-1");
    sock.zap_domain = bytes("global");
    assert.equal(sock.getsockopt(zmq.ZMQ_ZAP_DOMAIN), "global");
    assert.equal(sock.getsockopt(zmq.ZMQ_IPV4ONLY), 1);
    sock.setsockopt(zmq.ZMQ_IPV4ONLY, 0);
    assert.equal(sock.getsockopt(zmq.ZMQ_IPV6), 1);
    assert.throws(() => sock.setsockopt(zmq.ZMQ_IDENTITY, new Uint8Array([0xff, 0xfe])), /not UTF-8/);
  } finally {
    sock.close();
  }
});

Deno.test("getsockopt - ZMQ_TYPE, ZMQ_MECHANISM, ZMQ_LAST_ENDPOINT, ZMQ_EVENTS and ZMQ_RCVMORE", async () => {
  const sock = zmq.socket("pull");
  try {
    assert.equal(sock.getsockopt(zmq.ZMQ_TYPE), zmq.ZMQ_PULL);
    assert.equal(sock.mechanism, 0);
    sock.plain_server = 1;
    assert.equal(sock.mechanism, 1);
    sock.plain_server = 0;
    sock.curve_server = true;
    assert.equal(sock.getsockopt(zmq.ZMQ_MECHANISM), 2);
    sock.curve_server = false;
    assert.equal(sock.last_endpoint, null);
    await new Promise<void>((resolve, reject) =>
      sock.bind("tcp://127.0.0.1:*", (err) => err ? reject(err) : resolve())
    );
    assert.match(String(sock.last_endpoint), /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((sock.getsockopt(zmq.ZMQ_EVENTS) as number) & zmq.ZMQ_POLLIN, 0);
    assert.equal(sock.getsockopt(zmq.ZMQ_RCVMORE), 0);
  } finally {
    sock.close();
  }
  const push = zmq.socket("push");
  assert.equal(push.getsockopt(zmq.ZMQ_TYPE), zmq.ZMQ_PUSH);
  push.close();
});

Deno.test("setsockopt - ZMQ_RCVTIMEO is kept by the layer (messages are read as they come)", () => {
  const sock = zmq.socket("pull");
  try {
    assert.equal(sock.getsockopt(zmq.ZMQ_RCVTIMEO), -1);
    sock.setsockopt(zmq.ZMQ_RCVTIMEO, 0);
    assert.equal(sock.getsockopt(zmq.ZMQ_RCVTIMEO), 0);
    assert.throws(() => sock.setsockopt(zmq.ZMQ_RCVTIMEO, "soon"), TypeError);
  } finally {
    sock.close();
  }
});

Deno.test("setsockopt/getsockopt - unknown, read-only, write-only and inapplicable options fail clearly", () => {
  const sock = zmq.socket("dealer");
  try {
    assert.throws(() => sock.setsockopt(9999, 1), { name: "TypeError", message: /Unknown socket option 9999/ });
    assert.throws(() => sock.getsockopt("nonsense"), {
      name: "TypeError",
      message: /Unknown socket option "nonsense"/,
    });
    assert.throws(() => sock.setsockopt(zmq.ZMQ_TYPE, 1), /ZMQ_TYPE is read-only/);
    assert.throws(() => sock.setsockopt(zmq.ZMQ_LAST_ENDPOINT, "x"), /read-only/);
    assert.throws(() => sock.getsockopt(zmq.ZMQ_SUBSCRIBE), /write-only/);
    assert.throws(() => sock.getsockopt(zmq.ZMQ_FD), /ZMQ_FD is not supported/);
    assert.throws(() => sock.setsockopt(zmq.ZMQ_ROUTER_RAW, 1), /not supported/);
    assert.throws(
      () => sock.setsockopt(zmq.ZMQ_ROUTER_MANDATORY, 1),
      /ZMQ_ROUTER_MANDATORY is not available on a dealer socket/,
    );
    assert.throws(() => sock.subscribe("x"), /SUB sockets only/);
    // The v6 setter's own checks pass through.
    assert.throws(() => sock.setsockopt(zmq.ZMQ_SNDHWM, -5), RangeError);
  } finally {
    sock.close();
  }
});

Deno.test("createSocket - applies short-name options and refuses unknown names", () => {
  const sock = zmq.createSocket("req", { backlog: 30, linger: 0, identity: "client" });
  try {
    assert.equal(zmq.socket, zmq.createSocket);
    assert.equal(sock.type, "req");
    assert.deepEqual([sock.backlog, sock.linger, sock.identity], [30, 0, "client"]);
  } finally {
    sock.close();
  }
  assert.throws(() => zmq.createSocket("req", { lingr: 0 }), {
    name: "TypeError",
    message: /Unknown socket option "lingr"/,
  });
  assert.throws(() => zmq.socket("bogus" as zmq.SocketType), {
    name: "TypeError",
    message: /Invalid socket type: bogus/,
  });
});

Deno.test("exports - zeromq 5's constants, option and type tables, version", () => {
  assert.equal(zmq.options.identity, zmq.ZMQ_IDENTITY);
  assert.equal(zmq.types.xrep, zmq.ZMQ_ROUTER);
  assert.equal(zmq.events[512], "disconnect");
  assert.deepEqual([zmq.ZMQ_POLLIN, zmq.ZMQ_POLLOUT, zmq.ZMQ_POLLERR, zmq.ZMQ_SNDMORE], [1, 2, 4, 2]);
  assert.deepEqual([zmq.STATE_READY, zmq.STATE_BUSY, zmq.STATE_CLOSED], [0, 1, 2]);
  assert.match(zmq.version, /^\d+\.\d+\.\d+$/);
  assert.throws(() => new zmq.Context(), /cannot be instantiated/);
});
