import assert from "node:assert/strict";
import { test } from "node:test";
import {
  checksumValid,
  decodePacket,
  encodePacket,
  pgmChecksum,
  type PgmPacket,
  PgmPacketError,
  sqnCompare,
} from "../../../src/engine/pgm/packet.ts";
import { loadVectors, prng } from "../../_vectors.ts";
import { hex, unhex } from "../../_helpers.ts";

const run1 = loadVectors("pgm/run1_lo");
const gapNak = loadVectors("pgm/gap_nak");
const gapMulti = loadVectors("pgm/gap_multi");
const spmr = loadVectors("pgm/spmr");
const netnsNak = loadVectors("pgm/netns_nak");
const ALL = [...run1, ...gapNak, ...gapMulti, ...spmr, ...netnsNak];

const isReason = (reason: string) => (e: unknown) => e instanceof PgmPacketError && e.reason === reason;

test("pgm packet - the digest's worked checksum example (first ODATA of run1)", () => {
  const odata = run1.find((v) => v.name === "003_odata")!.bytes;
  assert.equal(hex(odata), "5bb215b30400b3b1b7c6d1bc038a0009000000000000000000000600" + "68656c6c6f");
  assert.equal(pgmChecksum(odata), 0xb3b1);
  // The field's own value does not matter to the computation.
  const zeroed = odata.slice();
  zeroed[6] = zeroed[7] = 0;
  assert.equal(pgmChecksum(zeroed), 0xb3b1);
});

test("pgm packet - every captured packet's checksum verifies", () => {
  assert.ok(ALL.length > 130);
  for (const v of ALL) assert.ok(checksumValid(v.bytes), v.name);
});

test("pgm packet - a computed zero is sent as 0xffff, never as 'no checksum'", () => {
  // Header whose words sum to 0xffff: the complement would be 0.
  const b = new Uint8Array(16);
  b[0] = 0xff;
  b[1] = 0xff;
  assert.equal(pgmChecksum(b), 0xffff);
  // An odd final byte counts as the high byte of a word.
  const odd = new Uint8Array(17);
  odd[16] = 0x01;
  assert.equal(pgmChecksum(odd), ~0x0100 & 0xffff);
});

test("pgm packet - every captured packet decodes and re-encodes to the same bytes", () => {
  for (const v of ALL) {
    const packet = decodePacket(v.bytes);
    const again = encodePacket(packet);
    if (packet.options?.nakList) {
      // OpenPGM leaves byte 2 of OPT_NAK_LIST uninitialised (0xcf here); we send 0, so compare decodes.
      assert.deepEqual(decodePacket(again), packet, v.name);
    } else {
      assert.equal(hex(again), hex(v.bytes), v.name);
    }
  }
});

test("pgm packet - libzmq's SPM, ODATA and FIN SPM fields", () => {
  const spm = decodePacket(run1.find((v) => v.name === "000_spm")!.bytes);
  assert.equal(spm.type, "spm");
  if (spm.type !== "spm") return;
  assert.equal(spm.sourcePort, 23474);
  assert.equal(spm.destinationPort, 5555);
  assert.equal(hex(spm.gsi), "b7c6d1bc038a");
  assert.deepEqual([spm.spmSqn, spm.trail, spm.lead, spm.nla], [0, 0, 0xffffffff, "127.0.0.1"]);
  assert.equal(spm.options, undefined);

  const fin = decodePacket(run1[run1.length - 1].bytes);
  assert.ok(fin.type === "spm" && fin.options?.fin === true && fin.lead === 77);

  const odata = decodePacket(run1.find((v) => v.name === "003_odata")!.bytes);
  assert.ok(odata.type === "odata");
  if (odata.type !== "odata") return;
  assert.deepEqual([odata.sqn, odata.trail, hex(odata.tsdu)], [0, 0, "0000060068656c6c6f"]);
});

test("pgm packet - libzmq's NAK (single and with OPT_NAK_LIST), our NCF and RDATA", () => {
  const nak = decodePacket(gapNak.find((v) => v.name.endsWith("_nak"))!.bytes);
  assert.ok(nak.type === "nak");
  if (nak.type !== "nak") return;
  assert.deepEqual([nak.sourcePort, nak.destinationPort, nak.sqn], [5555, 0x4242, 1]);
  assert.deepEqual([nak.sourceNla, nak.groupNla], ["127.0.0.1", "239.192.1.1"]);

  const list = gapMulti.map((v) => decodePacket(v.bytes)).find((p) => p.type === "nak" && p.options?.nakList);
  assert.ok(list && list.type === "nak");
  assert.deepEqual(list.options?.nakList, [2, 3]);
  assert.equal(list.sqn, 1);
  // Our encoder marks a NAK list network-significant, as OpenPGM does.
  assert.equal(encodePacket(list)[5], 0x03);

  const ncf = decodePacket(netnsNak.find((v) => v.name.endsWith("_ncf"))!.bytes);
  assert.ok(ncf.type === "ncf" && ncf.sqn === 10 && ncf.sourceNla === "198.18.0.1");
  const rdata = decodePacket(netnsNak.find((v) => v.name.endsWith("_rdata"))!.bytes);
  assert.ok(rdata.type === "rdata" && rdata.sqn === 10);

  const s = decodePacket(spmr[0].bytes);
  assert.ok(s.type === "spmr" && s.sourcePort === 5555 && s.destinationPort === 16962);
});

test("pgm packet - every type round-trips with every option", () => {
  const gsi = unhex("0102030405fe");
  const common = { sourcePort: 40000, destinationPort: 5555, gsi };
  const packets: PgmPacket[] = [
    { type: "spm", ...common, spmSqn: 9, trail: 3, lead: 8, nla: "198.18.0.1" },
    { type: "spm", ...common, spmSqn: 10, trail: 3, lead: 8, nla: "fe80::1:2", options: { fin: true } },
    { type: "spm", ...common, spmSqn: 0, trail: 0, lead: 0xffffffff, nla: "10.0.0.1", options: { syn: true } },
    { type: "odata", ...common, sqn: 0xfffffffe, trail: 0xfffffff0, tsdu: new Uint8Array([0xff, 0xff, 1, 2, 3]) },
    { type: "rdata", ...common, sqn: 1, trail: 0, tsdu: new Uint8Array([0, 0]), options: { join: 0 } },
    {
      type: "odata",
      ...common,
      sqn: 5,
      trail: 0,
      tsdu: new Uint8Array(100),
      options: { fragment: { firstSqn: 5, offset: 0, apduLength: 300 }, syn: true },
    },
    { type: "nak", ...common, sqn: 7, sourceNla: "198.18.0.1", groupNla: "239.192.1.1" },
    {
      type: "nak",
      ...common,
      sqn: 7,
      sourceNla: "198.18.0.1",
      groupNla: "239.192.1.1",
      options: { nakList: Array.from({ length: 62 }, (_, i) => 8 + i) },
    },
    { type: "nnak", ...common, sqn: 1, sourceNla: "::1", groupNla: "ff02::1" },
    { type: "ncf", ...common, sqn: 7, sourceNla: "198.18.0.1", groupNla: "239.192.1.1", options: { nakList: [9] } },
    { type: "spmr", ...common },
    { type: "spmr", ...common, options: { rst: true } },
  ];
  for (const p of packets) {
    const bytes = encodePacket(p);
    assert.ok(checksumValid(bytes));
    assert.deepEqual(decodePacket(bytes), p, p.type);
  }
  assert.throws(
    () => encodePacket({ type: "nak", ...common, sqn: 1, sourceNla: "a", groupNla: "b", options: {} }),
    TypeError,
  );
  assert.throws(
    () =>
      encodePacket({
        type: "nak",
        ...common,
        sqn: 1,
        sourceNla: "1.2.3.4",
        groupNla: "239.1.1.1",
        options: { nakList: Array(63).fill(1) },
      }),
    RangeError,
  );
});

/** Re-seals a modified packet so only the intended defect remains. */
function reseal(b: Uint8Array): Uint8Array {
  b[6] = b[7] = 0;
  const c = pgmChecksum(b);
  b[6] = c >> 8;
  b[7] = c & 0xff;
  return b;
}

test("pgm packet - malformed packets are refused with a reason", () => {
  const odata = run1.find((v) => v.name === "003_odata")!.bytes;
  assert.throws(() => decodePacket(odata.subarray(0, 15)), isReason("short"));
  const bad = odata.slice();
  bad[30] ^= 1;
  assert.throws(() => decodePacket(bad), isReason("checksum"));
  const none = odata.slice();
  none[6] = none[7] = 0;
  assert.throws(() => decodePacket(none), isReason("no-checksum"));
  // TSDU length lies (too long, too short).
  const longer = odata.slice();
  longer[15] = 10;
  assert.throws(() => decodePacket(reseal(longer)), isReason("length"));
  const shorter = odata.slice();
  shorter[15] = 8;
  assert.throws(() => decodePacket(reseal(shorter)), isReason("length"));
  // Unsupported type, version nibble, parity.
  const poll = odata.slice();
  poll[4] = 0x01;
  assert.throws(() => decodePacket(reseal(poll)), isReason("type"));
  const version = odata.slice();
  version[4] = 0x14;
  assert.throws(() => decodePacket(reseal(version)), isReason("type"));
  const parity = odata.slice();
  parity[5] = 0x80;
  assert.throws(() => decodePacket(reseal(parity)), isReason("parity"));
  // Options flagged but absent / not starting with OPT_LENGTH / total too large.
  const flagged = odata.slice();
  flagged[5] = 0x01;
  assert.throws(() => decodePacket(reseal(flagged)), isReason("options"));
  const fin = run1[run1.length - 1].bytes;
  const total = fin.slice();
  total[39] = 0x40;
  assert.throws(() => decodePacket(reseal(total)), isReason("options"));
  const noEnd = fin.slice();
  noEnd[40] = 0x0e; // FIN without the last-option flag: the walk runs past the total
  assert.throws(() => decodePacket(reseal(noEnd)), isReason("options"));
  const zeroLen = fin.slice();
  zeroLen[41] = 0;
  assert.throws(() => decodePacket(reseal(zeroLen)), isReason("options"));
  // Unknown NLA family; NAK with trailing garbage.
  const spm = run1[0].bytes.slice();
  spm[29] = 7;
  assert.throws(() => decodePacket(reseal(spm)), isReason("address"));
  const nak = gapNak.find((v) => v.name.endsWith("_nak"))!.bytes;
  const trailing = new Uint8Array(nak.length + 3);
  trailing.set(nak);
  assert.throws(() => decodePacket(reseal(trailing)), isReason("length"));
  assert.throws(() => decodePacket(reseal(nak.slice(0, 30))), isReason("short"));
});

test("pgm packet - hostile packets never crash the decoder (seeded fuzz)", () => {
  const random = prng(0x5eed);
  const seeds = ALL.filter((_, i) => i % 3 === 0).map((v) => v.bytes);
  const reasons = new Map<string, number>();
  let accepted = 0;
  for (let round = 0; round < 20000; round++) {
    const base = seeds[Math.floor(random() * seeds.length)];
    let b: Uint8Array;
    const mode = round % 4;
    if (mode === 0) {
      b = base.slice(0, Math.floor(random() * (base.length + 1)));
    } else if (mode === 1) {
      b = base.slice();
      for (let k = 0, n = 1 + Math.floor(random() * 4); k < n; k++) {
        b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
      }
    } else if (mode === 2) {
      b = new Uint8Array(Math.floor(random() * 80));
      for (let k = 0; k < b.length; k++) b[k] = Math.floor(random() * 256);
      if (b.length > 5) b[4] = [0, 4, 5, 8, 9, 10, 12][Math.floor(random() * 7)];
      if (b.length > 5) b[5] = random() < 0.5 ? 1 : 0;
    } else {
      b = base.slice();
      const at = Math.floor(random() * b.length);
      b[at] = Math.floor(random() * 256);
    }
    // Half the time fix the checksum, so the structure checks behind it are reached.
    if (b.length >= 16 && random() < 0.7) reseal(b);
    try {
      const p = decodePacket(b);
      accepted++;
      // Whatever is accepted is self-consistent: it re-encodes and decodes to the same fields.
      if (!p.options?.nakList && p.type !== "spm") assert.deepEqual(decodePacket(encodePacket(p)), p);
      if (p.type === "odata" || p.type === "rdata") assert.ok(p.tsdu.length <= b.length);
    } catch (e) {
      assert.ok(e instanceof PgmPacketError, `unexpected ${e}`);
      reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1);
    }
  }
  assert.ok(accepted > 100, `accepted ${accepted}`);
  for (const r of ["short", "checksum", "type", "length", "options"]) assert.ok(reasons.get(r), r);
});

test("pgm packet - sequence numbers compare with wrap-around", () => {
  assert.ok(sqnCompare(0, 0xffffffff) > 0);
  assert.ok(sqnCompare(0x7ffffffe, 0) > 0);
  assert.equal(sqnCompare(12, 12), 0);
});
