import assert from "node:assert/strict";
import { decodeCommand, type Metadata } from "../../src/codec/command.ts";
import { AuthError } from "../../src/errors.ts";
import type { ZapReply } from "../../src/mechanisms/mechanism.ts";
import { MechanismBase } from "../../src/mechanisms/mechanism_base.ts";
import { utf8 } from "./_helpers.ts";

/** The base with its protected parts opened up, counting markFailed() calls. */
class Probe extends MechanismBase {
  failures = 0;
  refuse = (reply: ZapReply) => this.refuseZap(reply, "the probe");
  accept = (reply: ZapReply) => this.acceptZap(reply);
  received = (metadata: Metadata) => this.receivedProperties(metadata);
  pending = () => this.errorPending;
  take = () => this.takeError();
  run = <T>(step: () => T) => this.failOnError(step);
  protected override markFailed(): void {
    this.failures++;
  }
}

const reply = (status: number, extra: Partial<ZapReply> = {}): ZapReply => ({
  status,
  statusText: "Because",
  userId: "",
  metadata: new Map(),
  ...extra,
});

Deno.test("mechanism base - starts empty: no metadata, no user id, no ERROR to send", () => {
  const probe = new Probe();
  assert.equal(probe.peerProperties.size, 0);
  assert.equal(probe.userId, "");
  assert.equal(probe.zapProperties.size, 0);
  assert.equal(probe.pending(), false);
  assert.equal(probe.take(), null);
});

Deno.test("mechanism base - a ZAP 200 gives the user id and properties; peer metadata is kept", () => {
  const probe = new Probe();
  probe.accept(reply(200, { userId: "alice", metadata: new Map([["X-Role", utf8("admin")]]) }));
  assert.equal(probe.userId, "alice");
  assert.deepEqual(probe.zapProperties.get("X-Role"), utf8("admin"));
  probe.received(new Map([["Socket-Type", utf8("DEALER")]]));
  assert.deepEqual(probe.peerProperties.get("Socket-Type"), utf8("DEALER"));
});

Deno.test("mechanism base - ZAP 400 and 500 leave one ERROR with the status; 300 leaves none", () => {
  for (const status of [400, 500]) {
    const probe = new Probe();
    const error = probe.refuse(reply(status));
    assert.ok(error instanceof AuthError);
    assert.equal(error.status, status);
    assert.equal(error.message, `ZAP handler refused the probe: ${status} Because`);
    assert.equal(probe.pending(), true);
    assert.deepEqual(decodeCommand(probe.take()!), { name: "ERROR", reason: String(status) });
    assert.equal(probe.pending(), false);
    assert.equal(probe.take(), null, "sent once");
    assert.equal(probe.userId, "", "a refusal assigns no user id");
  }
  const probe = new Probe();
  assert.equal(probe.refuse(reply(300)).status, 300);
  assert.equal(probe.pending(), false, "300: close without ERROR");
  assert.equal(probe.take(), null);
});

Deno.test("mechanism base - failOnError marks the failure for throws and rejections, never for success", async () => {
  const probe = new Probe();
  assert.equal(probe.run(() => 7), 7);
  await probe.run(() => Promise.resolve());
  assert.equal(probe.failures, 0);
  assert.throws(() =>
    probe.run(() => {
      throw new RangeError("sync");
    }), RangeError);
  assert.equal(probe.failures, 1, "a synchronous failure stays synchronous");
  const pending = probe.run(() => Promise.reject(new TypeError("async")));
  assert.equal(probe.failures, 1, "not before the promise settles");
  await assert.rejects(pending, TypeError);
  assert.equal(probe.failures, 2);
});
