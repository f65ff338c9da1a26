import assert from "node:assert/strict";
import { Dealer, Publisher, Push, Router, Subscriber, XPublisher } from "../mod.ts";
import { checkOption, optionById, type OptionName, optionNamesOf, OptionTable } from "../src/options.ts";

Deno.test("options - every socket type has exactly the table's options as properties", () => {
  const sockets = [new Push(), new Router(), new Dealer(), new Publisher(), new Subscriber(), new XPublisher()];
  try {
    for (const socket of sockets) {
      for (const name of Object.keys(OptionTable)) {
        const applies = optionNamesOf(socket.typeName).includes(name as OptionName);
        assert.equal(name in socket, applies, `${socket.typeName} ${applies ? "lacks" : "has"} ${name}`);
      }
    }
  } finally {
    for (const socket of sockets) socket.close();
  }
});

Deno.test("options - accessors read defaults, validate writes and keep values per socket", () => {
  using stack = new DisposableStack();
  const a = stack.adopt(new Router(), (s) => s.close());
  const b = stack.adopt(new Router({ mandatory: true, linger: 5 }), (s) => s.close());
  assert.equal(a.mandatory, false);
  assert.equal(b.mandatory, true);
  assert.equal(b.linger, 5);
  a.handover = true;
  assert.equal(a.handover, true);
  assert.equal(b.handover, false);
  assert.throws(() => (a.sendHighWaterMark = -1), RangeError);
  assert.throws(() => ((a as unknown as { mandatory: unknown }).mandatory = "yes"), TypeError);
  assert.equal(a.sendHighWaterMark, 1000);
  const sub = stack.adopt(new Subscriber(), (s) => s.close());
  assert.equal(sub.linger, 0); // libzmq's default for SUB
});

Deno.test("options - names are checked by the compiler and by the constructor", () => {
  using stack = new DisposableStack();
  const push = stack.adopt(new Push(), (s) => s.close());
  // @ts-expect-error: a misspelt option is a compile error, and a TypeError at run time (sockets are sealed)
  assert.throws(() => (push.sendHighWatermark = 5), TypeError);
  // @ts-expect-error: Router's options are not a Push's
  assert.throws(() => new Push({ mandatory: true }), TypeError);
  assert.throws(() => checkOption("PUSH", "nonsense", 1), /Unknown option "nonsense" for a PUSH socket/);
});

Deno.test("options - libzmq option numbers identify options", () => {
  const ids = new Map<number, string>();
  for (const [name, spec] of Object.entries(OptionTable)) {
    if (spec.id === null) continue;
    assert.equal(ids.has(spec.id), false, `${name} and ${ids.get(spec.id)} share number ${spec.id}`);
    ids.set(spec.id, name);
    assert.equal(optionById(spec.id), name);
  }
  assert.equal(optionById(23), "sendHighWaterMark"); // ZMQ_SNDHWM
  assert.equal(optionById(33), "mandatory"); // ZMQ_ROUTER_MANDATORY
});

Deno.test("options - multicastHops (ZMQ_MULTICAST_HOPS) exists on the sending socket types, from its table entry alone", () => {
  using stack = new DisposableStack();
  const push = stack.adopt(new Push({ multicastHops: 4 }), (s) => s.close());
  assert.equal(push.multicastHops, 4);
  assert.equal(stack.adopt(new Dealer(), (s) => s.close()).multicastHops, 1);
  assert.throws(() => (push.multicastHops = 0), RangeError);
  assert.equal("multicastHops" in stack.adopt(new Subscriber(), (s) => s.close()), false);
  assert.equal(optionById(25), "multicastHops");
});
