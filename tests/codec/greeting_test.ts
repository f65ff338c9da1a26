import assert from "node:assert/strict";
import { checkGreetingPrefix, encodeGreeting, negotiateMinor, parseGreeting } from "../../src/codec/greeting.ts";
import { ProtocolError } from "../../src/errors.ts";
import { vector } from "../_vectors.ts";

Deno.test("greeting - ours is the canonical NULL 3.1 greeting byte for byte", () => {
  assert.deepEqual(encodeGreeting(), vector("greeting", "greeting_null_canonical"));
});

Deno.test("greeting - libzmq's greetings parse although their padding is not zero", () => {
  for (const name of ["greeting_null_libzmq", "greeting_dealer_routing_id_client1_libzmq"]) {
    const g = parseGreeting(vector("greeting", name), "NULL");
    assert.deepEqual(g, { major: 3, minor: 1, mechanism: "NULL", asServer: false });
  }
});

Deno.test("greeting - the as-server byte is reported, never validated", () => {
  const bytes = encodeGreeting({ mechanism: "CURVE", asServer: false });
  assert.equal(parseGreeting(bytes, "CURVE").asServer, false);
  assert.equal(parseGreeting(encodeGreeting({ mechanism: "CURVE", asServer: true }), "CURVE").asServer, true);
});

Deno.test("greeting - a 3.0 peer gets 3.0 behaviour; a major above 3 counts as 3.1", () => {
  const g30 = parseGreeting(encodeGreeting({ minor: 0 }), "NULL");
  assert.equal(negotiateMinor(1, g30), 0);
  const future = encodeGreeting();
  future[10] = 4;
  future[11] = 7;
  assert.equal(negotiateMinor(1, parseGreeting(future, "NULL")), 1);
});

Deno.test("greeting - ZMTP 1.0 and 2.0 peers get a clear error as soon as the version byte arrives", () => {
  const v2 = vector("greeting", "greeting_null_libzmq").slice(0, 11);
  v2[10] = 1;
  assert.throws(
    () => checkGreetingPrefix(v2),
    (e: unknown) => e instanceof ProtocolError && /ZMTP 2\.0/.test(e.message),
  );
  v2[10] = 0;
  assert.throws(() => checkGreetingPrefix(v2), /ZMTP 1\.0/);
  // An unversioned ZMTP 1.0 peer starts with a length byte, not 0xff.
  assert.throws(() => checkGreetingPrefix(new Uint8Array([0x06, 0x00])), /greeting starts with 0x06/);
});

Deno.test("greeting - bad signature and mechanism mismatch are protocol errors", () => {
  const bad = encodeGreeting();
  bad[9] = 0x7e;
  assert.throws(() => parseGreeting(bad, "NULL"), /signature byte 9/);
  assert.throws(
    () => parseGreeting(encodeGreeting({ mechanism: "PLAIN" }), "NULL"),
    /Mechanism mismatch: peer announced "PLAIN"/,
  );
  const lower = encodeGreeting();
  lower.set([0x6e, 0x75, 0x6c, 0x6c], 12); // "null"
  assert.throws(() => parseGreeting(lower, "NULL"), ProtocolError);
  const junk = encodeGreeting();
  junk[20] = 0x41; // "NULL" followed by garbage inside the 20-byte field
  assert.throws(() => parseGreeting(junk, "NULL"), ProtocolError);
  assert.throws(() => parseGreeting(new Uint8Array(63).fill(0xff), "NULL"), /63 bytes/);
});
