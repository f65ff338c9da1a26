/** zeromq 5's zmq.proxy: the socket pairs it forwards between, capture, and the wrong order. */
import assert from "node:assert/strict";
import * as zmq from "../../v5_compat.ts";
import { text, withTimeout } from "../_helpers.ts";

let counter = 0;
const inproc = () => `inproc://compat-proxy-${counter++}`;

function nextMessage(sock: zmq.Socket): Promise<string[]> {
  return withTimeout(
    new Promise((resolve) => sock.once("message", (...frames: Uint8Array[]) => resolve(frames.map(text)))),
    5000,
    "message",
  );
}

Deno.test("proxy - pull/push forwards frontend to backend", async () => {
  const [frontend, backend, producer, consumer] = [
    zmq.socket("pull"),
    zmq.socket("push"),
    zmq.socket("push"),
    zmq.socket("pull"),
  ];
  try {
    const a = inproc();
    const b = inproc();
    frontend.bindSync(a);
    backend.bindSync(b);
    zmq.proxy(frontend, backend);
    producer.connect(a);
    consumer.connect(b);
    const got = nextMessage(consumer);
    producer.send(["two", "frames"]);
    assert.deepEqual(await got, ["two", "frames"]);
  } finally {
    for (const s of [frontend, backend, producer, consumer]) s.close();
  }
});

Deno.test("proxy - router/dealer carries requests and replies; capture gets the replies without envelope", async () => {
  const [frontend, backend, capture, tap, req, rep] = [
    zmq.socket("router"),
    zmq.socket("dealer"),
    zmq.socket("push"),
    zmq.socket("pull"),
    zmq.socket("req"),
    zmq.socket("rep"),
  ];
  try {
    const [a, b, c] = [inproc(), inproc(), inproc()];
    frontend.bindSync(a);
    backend.bindSync(b);
    capture.bindSync(c);
    tap.connect(c);
    zmq.proxy(frontend, backend, capture);
    rep.on("message", (m: Uint8Array) => rep.send(`${text(m)} bar`));
    rep.connect(b);
    req.connect(a);
    const reply = nextMessage(req);
    const captured = nextMessage(tap);
    req.send("foo");
    assert.deepEqual(await reply, ["foo bar"]);
    assert.deepEqual(await captured, ["foo bar"]);
  } finally {
    for (const s of [frontend, backend, capture, tap, req, rep]) s.close();
  }
});

Deno.test("proxy - xpub/xsub forwards subscriptions up and messages down", async () => {
  const [frontend, backend, pub, sub] = [zmq.socket("xpub"), zmq.socket("xsub"), zmq.socket("pub"), zmq.socket("sub")];
  try {
    const [a, b] = [inproc(), inproc()];
    frontend.bindSync(a);
    backend.bindSync(b);
    zmq.proxy(frontend, backend);
    pub.connect(b);
    sub.subscribe("news");
    sub.connect(a);
    const got = nextMessage(sub);
    // The subscription travels sub → xpub → proxy → xsub → pub; publish until it has arrived.
    const timer = setInterval(() => pub.send(["news", "today"]), 5);
    try {
      assert.deepEqual(await got, ["news", "today"]);
    } finally {
      clearInterval(timer);
    }
  } finally {
    for (const s of [frontend, backend, pub, sub]) s.close();
  }
});

Deno.test("proxy - an unsupported order throws", () => {
  const xpub = zmq.socket("xpub");
  const xsub = zmq.socket("xsub");
  try {
    assert.throws(() => zmq.proxy(xsub, xpub), /wrong socket order to proxy/);
  } finally {
    xpub.close();
    xsub.close();
  }
});
