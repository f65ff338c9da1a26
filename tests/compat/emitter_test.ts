/** The compat layer's event emitter behaves as Node's EventEmitter does for the methods it has. */
import assert from "node:assert/strict";
import { Emitter } from "../../src/compat/emitter.ts";

Deno.test("Emitter - listeners run in order with the emitter as this, and emit reports whether any ran", () => {
  const e = new Emitter();
  const calls: string[] = [];
  assert.equal(e.emit("x", 1), false);
  e.on("x", function (this: Emitter, a: number) {
    assert.equal(this, e);
    calls.push(`a${a}`);
  });
  e.prependListener("x", (a: number) => calls.push(`p${a}`));
  e.addListener("x", (a: number) => calls.push(`b${a}`));
  assert.equal(e.emit("x", 1), true);
  assert.deepEqual(calls, ["p1", "a1", "b1"]);
  assert.equal(e.listenerCount("x"), 3);
  assert.deepEqual(e.eventNames(), ["x"]);
});

Deno.test("Emitter - once listeners run once, also when registered twice", () => {
  const e = new Emitter();
  let n = 0;
  const f = () => n++;
  e.once("x", f);
  e.once("x", f);
  e.prependOnceListener("x", f);
  e.emit("x");
  e.emit("x");
  assert.equal(n, 3);
  assert.equal(e.listenerCount("x"), 0);
});

Deno.test("Emitter - off removes the most recent registration only, and a running emit keeps its snapshot", () => {
  const e = new Emitter();
  const calls: string[] = [];
  const f = () => calls.push("f");
  const g = () => {
    calls.push("g");
    e.off("x", f);
  };
  e.on("x", f).on("x", g).on("x", f);
  e.emit("x"); // f, g (removes the second f), f (still in this emit's snapshot)
  e.emit("x"); // f, g (removes the remaining f)
  e.emit("x"); // g
  assert.deepEqual(calls, ["f", "g", "f", "f", "g", "g"]);
  e.removeListener("x", g);
  assert.equal(e.listenerCount("x"), 0);
});

Deno.test("Emitter - error without a listener throws it; with one it is delivered", () => {
  const e = new Emitter();
  const boom = new Error("boom");
  assert.throws(() => e.emit("error", boom), (err) => err === boom);
  assert.throws(() => e.emit("error", "not an error"), /Unhandled error event \(not an error\)/);
  let got: unknown;
  e.on("error", (err: unknown) => (got = err));
  assert.equal(e.emit("error", boom), true);
  assert.equal(got, boom);
});

Deno.test("Emitter - newListener and removeListener events, removeAllListeners, non-function listeners", () => {
  const e = new Emitter();
  const seen: string[] = [];
  e.on("newListener", (name: string) => seen.push(`new ${name}`));
  e.on("removeListener", (name: string) => seen.push(`removed ${name}`));
  const f = () => {};
  e.on("a", f);
  e.off("a", f);
  e.on("b", f).on("c", f);
  e.removeAllListeners("b");
  assert.deepEqual(e.eventNames().sort(), ["c", "newListener", "removeListener"]);
  e.removeAllListeners();
  assert.deepEqual(e.eventNames(), []);
  assert.deepEqual(seen, ["new removeListener", "new a", "removed a", "new b", "new c"]);
  assert.throws(() => e.on("x", "nope" as never), TypeError);
  assert.equal(e.setMaxListeners(50).getMaxListeners(), 50);
});
