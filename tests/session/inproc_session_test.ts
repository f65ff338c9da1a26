import assert from "node:assert/strict";
import {
  Context,
  Dealer,
  Pair,
  type ProtocolError,
  Publisher,
  Pull,
  Push,
  type Readable,
  Reply,
  Request,
  Router,
  type Socket,
  type SocketEvent,
  Subscriber,
  XPublisher,
  XSubscriber,
  ZmqError,
} from "../../mod.ts";
import { bytes, sleep, text, waitFor, withTimeout } from "../_helpers.ts";

let counter = 0;
const name = () => `inproc://test-${counter++}`;
const texts = (frames: Uint8Array[]) => frames.map(text);
const receive = (socket: Socket & Readable) => withTimeout(socket.receive(), 2000, `${socket.type} receive`);

Deno.test("inproc - Pair exchanges messages both ways", async () => {
  await using a = new Pair();
  await using b = new Pair();
  const endpoint = name();
  await a.bind(endpoint);
  b.connect(endpoint);
  await a.send("to b");
  assert.deepEqual(texts(await receive(b)), ["to b"]);
  await b.send(["to", "a"]);
  assert.deepEqual(texts(await receive(a)), ["to", "a"]);
});

Deno.test("inproc - Push/Pull carries multipart messages in order, frames are not copied", async () => {
  await using pull = new Pull();
  await using push = new Push();
  const endpoint = name();
  await pull.bind(endpoint);
  assert.equal(pull.lastEndpoint, endpoint);
  push.connect(endpoint);
  const frame = new Uint8Array([1, 2, 3]);
  await push.send([frame, "second"]);
  const [got, second] = await receive(pull);
  assert.equal(got, frame, "the receiver gets the very Uint8Array that was sent");
  assert.equal(text(second), "second");
  for (let i = 0; i < 100; i++) await push.send(String(i));
  for (let i = 0; i < 100; i++) assert.deepEqual(texts(await receive(pull)), [String(i)]);
});

Deno.test("inproc - Request/Reply round trips", async () => {
  await using rep = new Reply();
  await using req = new Request();
  const endpoint = name();
  await rep.bind(endpoint);
  req.connect(endpoint);
  for (let i = 0; i < 3; i++) {
    await req.send(`q${i}`);
    assert.deepEqual(texts(await receive(rep)), [`q${i}`]);
    await rep.send(`a${i}`);
    assert.deepEqual(texts(await receive(req)), [`a${i}`]);
  }
});

Deno.test("inproc - a Router receives the connecting Dealer's routing id and replies to it", async () => {
  await using router = new Router();
  await using dealer = new Dealer({ routingId: "dd" });
  const endpoint = name();
  await router.bind(endpoint);
  dealer.connect(endpoint);
  await dealer.send("hi");
  const [id, msg] = await receive(router);
  assert.equal(text(id), "dd");
  assert.equal(text(msg), "hi");
  await router.send([id, "back"]);
  assert.deepEqual(texts(await receive(dealer)), ["back"]);
});

Deno.test("inproc - a connecting Router names its peer by the connect routingId and learns a bound Dealer's id", async () => {
  await using dealer = new Dealer({ routingId: "bound-dealer" });
  await using router = new Router({ mandatory: true });
  const endpoint = name();
  await dealer.bind(endpoint);
  router.connect(endpoint, { routingId: "alias" });
  await router.send(["alias", "via alias"]);
  assert.deepEqual(texts(await receive(dealer)), ["via alias"]);
  await dealer.send("up");
  assert.deepEqual(texts(await receive(router)), ["alias", "up"]);

  await using dealer2 = new Dealer({ routingId: "bound-dealer-2" });
  const endpoint2 = name();
  await dealer2.bind(endpoint2);
  router.connect(endpoint2);
  await router.send(["bound-dealer-2", "by its own id"]);
  assert.deepEqual(texts(await receive(dealer2)), ["by its own id"]);
});

Deno.test("inproc - Publisher/Subscriber and XPublisher/XSubscriber", async () => {
  await using pub = new Publisher();
  await using sub = new Subscriber();
  const endpoint = name();
  await pub.bind(endpoint);
  sub.connect(endpoint);
  sub.subscribe("weather");
  await sleep(0);
  await pub.send(["sports", "no"]);
  await pub.send(["weather", "sunny"]);
  assert.deepEqual(texts(await receive(sub)), ["weather", "sunny"]);

  await using xpub = new XPublisher();
  await using xsub = new XSubscriber();
  const endpoint2 = name();
  xsub.connect(endpoint2); // before the bind: the subscription waits in the queue
  await xsub.send(new Uint8Array([1, ...bytes("t")]));
  await xpub.bind(endpoint2);
  const [notification] = await receive(xpub);
  assert.deepEqual([...notification], [1, ...bytes("t")]);
  await xpub.send(["t1", "x"]);
  assert.deepEqual(texts(await receive(xsub)), ["t1", "x"]);
});

Deno.test("inproc - connect before bind queues until the bind, in either order", async () => {
  await using push = new Push();
  const endpoint = name();
  push.connect(endpoint);
  await push.send("early 1");
  await push.send("early 2");
  await using pull = new Pull();
  await pull.bind(endpoint);
  assert.deepEqual(texts(await receive(pull)), ["early 1"]);
  assert.deepEqual(texts(await receive(pull)), ["early 2"]);

  // A receive waiting on the bound side is woken by the join.
  await using pull2 = new Pull();
  await using push2 = new Push();
  const endpoint2 = name();
  push2.connect(endpoint2);
  await push2.send("queued");
  const pending = pull2.receive();
  await pull2.bind(endpoint2);
  assert.deepEqual(texts(await withTimeout(pending, 2000, "pending receive")), ["queued"]);
});

Deno.test("inproc - binding a name twice is EADDRINUSE; names are per context", async () => {
  const endpoint = name();
  await using a = new Pull();
  await using b = new Pull();
  await a.bind(endpoint);
  await assert.rejects(b.bind(endpoint), { code: "EADDRINUSE" });
  const other = new Context();
  await using c = new Pull({ context: other });
  await c.bind(endpoint); // another context: a different name space
  await using push = new Push({ context: other, sendTimeout: 2000 });
  push.connect(endpoint);
  await push.send("other context");
  assert.deepEqual(texts(await receive(c)), ["other context"]);
  assert.equal(a.readable, false);
  // After unbind the name is free again.
  await a.unbind(endpoint);
  await b.bind(endpoint);
});

Deno.test("inproc - the effective high-water mark is the sender's SNDHWM plus the receiver's RCVHWM", async () => {
  await using pull = new Pull({ receiveHighWaterMark: 3 });
  await using push = new Push({ sendHighWaterMark: 2, sendTimeout: 0 });
  const endpoint = name();
  await pull.bind(endpoint);
  push.connect(endpoint);
  for (let i = 0; i < 5; i++) await push.send(String(i));
  await assert.rejects(push.send("6th"), { code: "EAGAIN" });
  // Reading down to the low-water mark makes room again.
  for (let i = 0; i < 3; i++) assert.deepEqual(texts(await receive(pull)), [String(i)]);
  await push.send("5");
  assert.deepEqual(texts(await receive(pull)), ["3"]);

  // Before the bind only the sender's own mark applies.
  await using early = new Push({ sendHighWaterMark: 2, sendTimeout: 0 });
  early.connect(name());
  await early.send("a");
  await early.send("b");
  await assert.rejects(early.send("c"), { code: "EAGAIN" });
});

Deno.test("inproc - a send waiting for room is woken when the bind raises the mark", async () => {
  await using push = new Push({ sendHighWaterMark: 1 });
  const endpoint = name();
  push.connect(endpoint);
  await push.send("1");
  const waiting = push.send("2");
  await using pull = new Pull({ receiveHighWaterMark: 5 });
  await pull.bind(endpoint);
  await withTimeout(waiting, 2000, "blocked send");
  assert.deepEqual(texts(await receive(pull)), ["1"]);
  assert.deepEqual(texts(await receive(pull)), ["2"]);
});

Deno.test("inproc - incompatible socket types are refused", async () => {
  await using a = new Push();
  await using b = new Push();
  const endpoint = name();
  await a.bind(endpoint);
  assert.throws(
    () => b.connect(endpoint),
    (e: unknown) =>
      e instanceof ZmqError && e.code === "EINVAL" && /PUSH socket cannot talk to a PUSH/.test(e.detail ?? ""),
  );

  // Connect first: the bind that comes later refuses the pair and both sockets hear of it.
  await using c = new Pull();
  await using d = new Pair();
  const events: SocketEvent[] = [];
  c.events.on("handshake:error:protocol", (e) => events.push(e));
  d.events.on("handshake:error:protocol", (e) => events.push(e));
  const endpoint2 = name();
  c.connect(endpoint2);
  await d.bind(endpoint2);
  assert.equal(events.length, 2);
  assert.ok(
    events.every((e) =>
      e.type === "handshake:error:protocol" && /cannot talk to/.test((e.error as ProtocolError).detail ?? "")
    ),
  );
});

Deno.test("inproc - closing the sender: the receiver still drains what arrived, then the pipe is gone", async () => {
  await using pull = new Pull();
  const push = new Push();
  const endpoint = name();
  await pull.bind(endpoint);
  push.connect(endpoint);
  for (let i = 0; i < 3; i++) await push.send(String(i));
  await push[Symbol.asyncDispose]();
  for (let i = 0; i < 3; i++) assert.deepEqual(texts(await receive(pull)), [String(i)]);
  assert.equal(pull.readable, false);
});

Deno.test("inproc - closing the bound side detaches the pipe on the connected side", async () => {
  await using push = new Push({ sendTimeout: 0 });
  const pull = new Pull();
  const endpoint = name();
  await pull.bind(endpoint);
  const disconnects: SocketEvent[] = [];
  push.events.on("disconnect", (e) => disconnects.push(e));
  push.connect(endpoint);
  await push.send("delivered");
  assert.deepEqual(texts(await receive(pull)), ["delivered"]);
  await push.send("unread");
  await pull[Symbol.asyncDispose]();
  assert.equal(disconnects.length, 1);
  assert.equal(push.writable, false);
  await assert.rejects(push.send("nobody"), { code: "EAGAIN" });

  // A Dealer whose Router went away gets no further replies; a new bind of the name is a new peer.
  await using pull2 = new Pull();
  await pull2.bind(endpoint);
  await waitFor(() => !pull2.readable, 100);
});

Deno.test("inproc - disconnect() and unbind() detach the peers", async () => {
  await using pull = new Pull({ receiveTimeout: 50 });
  await using push = new Push({ sendTimeout: 0 });
  const endpoint = name();
  await pull.bind(endpoint);
  push.connect(endpoint);
  await push.send("one");
  push.disconnect(endpoint);
  assert.deepEqual(texts(await receive(pull)), ["one"]);
  await assert.rejects(push.send("two"), { code: "EAGAIN" });
  assert.throws(() => push.disconnect(endpoint), { code: "ENOENT" });

  push.connect(endpoint);
  await push.send("three");
  assert.deepEqual(texts(await receive(pull)), ["three"]);
  await pull.unbind(endpoint);
  await assert.rejects(push.send("four"), { code: "EAGAIN" });
});
