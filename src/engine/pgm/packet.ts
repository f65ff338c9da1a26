/**
 * PGM (RFC 3208) packets as OpenPGM and libzmq's `epgm://` exchange them,
 * one per UDP datagram: encode, decode with strict validation, and the
 * checksum.
 *
 * Layout (all integers big-endian): a 16-byte common header (source port,
 * destination port, type, option flags, checksum, 6-byte GSI, TSDU length),
 * the type's own fields, options when the header says so (OPT_LENGTH first,
 * its total length covering them all, the last one flagged), then the TSDU
 * for ODATA and RDATA. The checksum is the one's complement of the
 * one's-complement sum of the whole packet with the checksum field zeroed
 * and no pseudo-header; a computed 0 is sent as 0xffff because 0 means
 * "none", which OpenPGM refuses on data packets.
 *
 * Decoding never trusts a length it cannot check against the datagram: a
 * short, lying or malformed packet throws a {@linkcode PgmPacketError} and
 * nothing is allocated beyond the returned object (payloads and GSIs are
 * views of the input).
 *
 * @module
 */

/** The size of the common header. */
export const PGM_HEADER_SIZE = 16;
/** The size of the GSI (global source id). */
export const PGM_GSI_SIZE = 6;

/** PGM packet type codes (header byte 4; the high nibble, the version, is 0). */
export const PGM_TYPE = {
  SPM: 0x00,
  POLL: 0x01,
  POLR: 0x02,
  ODATA: 0x04,
  RDATA: 0x05,
  NAK: 0x08,
  NNAK: 0x09,
  NCF: 0x0a,
  SPMR: 0x0c,
  ACK: 0x0d,
} as const;

/** Header option flags (byte 5). */
export const PGM_FLAG = {
  /** Options follow the type-specific fields. */
  OPT_PRESENT: 0x01,
  /** At least one option is network-significant. */
  OPT_NETWORK: 0x02,
  /** Variable-length parity packets (FEC). */
  OPT_VAR_PKTLEN: 0x40,
  /** A parity packet (FEC). */
  OPT_PARITY: 0x80,
} as const;

/** Option type codes (low 7 bits of an option's first byte). */
export const PGM_OPT = {
  LENGTH: 0x00,
  FRAGMENT: 0x01,
  NAK_LIST: 0x02,
  JOIN: 0x03,
  SYN: 0x0d,
  FIN: 0x0e,
  RST: 0x0f,
} as const;

/** Set on the last option's type byte. */
export const PGM_OPT_END = 0x80;
/** The most sequence numbers one OPT_NAK_LIST carries (its length byte allows no more). */
export const PGM_MAX_NAK_LIST = 62;

/** Address family identifiers of NLAs. */
const AFI_IPV4 = 1;
const AFI_IPV6 = 2;

/** Why a packet was refused. */
export type PgmPacketErrorReason =
  | "short"
  | "checksum"
  | "no-checksum"
  | "type"
  | "length"
  | "options"
  | "address"
  | "parity";

/**
 * A packet that is not a valid PGM packet of a type zmq-ts handles.
 *
 * @example Usage
 * ```ts
 * import { decodePacket, PgmPacketError } from "./packet.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodePacket(new Uint8Array(3)), PgmPacketError);
 * ```
 */
export class PgmPacketError extends Error {
  /** What was wrong: `short`, `checksum`, `no-checksum`, `type`, `length`, `options`, `address`, `parity`. */
  readonly reason: PgmPacketErrorReason;

  /** Makes an error for `reason`. */
  constructor(reason: PgmPacketErrorReason, message: string) {
    super(message);
    this.name = "PgmPacketError";
    this.reason = reason;
  }
}

/** OPT_FRAGMENT: where this TSDU sits in a larger APDU (libzmq never sends it). */
export interface PgmFragment {
  /** Sequence number of the APDU's first fragment. */
  firstSqn: number;
  /** Offset of this fragment's TSDU in the APDU. */
  offset: number;
  /** Length of the whole APDU. */
  apduLength: number;
}

/** The options zmq-ts understands; others are skipped on decode. */
export interface PgmOptions {
  /** OPT_FRAGMENT. */
  fragment?: PgmFragment;
  /** OPT_NAK_LIST: the sequence numbers requested besides the packet's own (1 to 62). */
  nakList?: number[];
  /** OPT_JOIN: the minimum sequence number a late joiner may ask for. */
  join?: number;
  /** OPT_SYN: the first data packet of a session. */
  syn?: boolean;
  /** OPT_FIN: the session ends. */
  fin?: boolean;
  /** OPT_RST: the session was reset. */
  rst?: boolean;
}

/** Fields every packet has. */
export interface PgmCommon {
  /** Header source port: the source's TSI port downstream, the data port upstream. */
  sourcePort: number;
  /** Header destination port: the data port downstream, the source's TSI port upstream. */
  destinationPort: number;
  /** The source's GSI (6 bytes). */
  gsi: Uint8Array;
  /** Options, when the packet has any. */
  options?: PgmOptions;
}

/** SPM: the source's heartbeat, window edges and unicast address (where NAKs go). */
export interface PgmSpm extends PgmCommon {
  type: "spm";
  /** The SPM's own sequence number. */
  spmSqn: number;
  /** The oldest data sequence number the source can still repair. */
  trail: number;
  /** The last data sequence number sent (`trail - 1` before any data). */
  lead: number;
  /** The source's path NLA (an IPv4 or IPv6 address). */
  nla: string;
}

/** ODATA (original data) or RDATA (a repair): one TSDU. */
export interface PgmData extends PgmCommon {
  type: "odata" | "rdata";
  /** Data sequence number. */
  sqn: number;
  /** The oldest sequence number the source can still repair. */
  trail: number;
  /** The payload (a view of the decoded datagram). */
  tsdu: Uint8Array;
}

/** NAK (receiver asks for a repair), NNAK (null NAK) or NCF (source confirms a NAK). */
export interface PgmNak extends PgmCommon {
  type: "nak" | "nnak" | "ncf";
  /** The requested sequence number (more may be in `options.nakList`). */
  sqn: number;
  /** The source's NLA, as its SPMs advertise it. */
  sourceNla: string;
  /** The multicast group. */
  groupNla: string;
}

/** SPMR: a receiver asks the source for an SPM (header only). */
export interface PgmSpmr extends PgmCommon {
  type: "spmr";
}

/** A decoded PGM packet. */
export type PgmPacket = PgmSpm | PgmData | PgmNak | PgmSpmr;

/** The type names zmq-ts handles. */
export type PgmTypeName = PgmPacket["type"];

const TYPE_CODE: Record<PgmTypeName, number> = {
  spm: PGM_TYPE.SPM,
  odata: PGM_TYPE.ODATA,
  rdata: PGM_TYPE.RDATA,
  nak: PGM_TYPE.NAK,
  nnak: PGM_TYPE.NNAK,
  ncf: PGM_TYPE.NCF,
  spmr: PGM_TYPE.SPMR,
};

/**
 * The PGM checksum of a whole packet, computed as if bytes 6..7 were zero:
 * the value to put there (never 0).
 *
 * @example Usage
 * ```ts
 * import { pgmChecksum } from "./packet.ts";
 * import assert from "node:assert/strict";
 * // The digest's worked example: libzmq's first ODATA carrying "hello".
 * const hex = "5bb215b30400b3b1b7c6d1bc038a0009000000000000000000000600" + "68656c6c6f";
 * const bytes = Uint8Array.from(hex.match(/../g)!, (x) => parseInt(x, 16));
 * assert.equal(pgmChecksum(bytes), 0xb3b1);
 * ```
 */
export function pgmChecksum(packet: Uint8Array): number {
  const n = packet.length;
  let sum = 0;
  let i = 0;
  // Words 0..2 and 4.. (word 3, bytes 6..7, is the checksum field, counted as zero).
  for (; i + 1 < n; i += 2) {
    if (i !== 6) sum += (packet[i] << 8) | packet[i + 1];
    // Fold now and then so the sum stays a small integer for any datagram size.
    if ((i & 0x3fff) === 0x3ffe) sum = (sum & 0xffff) + (sum >>> 16);
  }
  if (i < n) sum += packet[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff ? 0xffff : ~sum & 0xffff;
}

/** Whether the packet's checksum field is set and matches its contents. */
export function checksumValid(packet: Uint8Array): boolean {
  if (packet.length < PGM_HEADER_SIZE) return false;
  const field = (packet[6] << 8) | packet[7];
  return field !== 0 && field === pgmChecksum(packet);
}

/** Formats an NLA's address bytes (4 or 16). */
function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  // Compress the longest run of zero words (two or more) to "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === "0") j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return words.join(":");
  return `${words.slice(0, best).join(":")}::${words.slice(best + bestLen).join(":")}`;
}

/**
 * Parses an IPv4 (`a.b.c.d`) or IPv6 address into 4 or 16 bytes; `null` if
 * it is neither.
 *
 * @example Usage
 * ```ts
 * import { parseAddress } from "./packet.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseAddress("239.192.1.1"), new Uint8Array([239, 192, 1, 1]));
 * assert.equal(parseAddress("::1")?.length, 16);
 * assert.equal(parseAddress("eth0"), null);
 * ```
 */
export function parseAddress(address: string): Uint8Array | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((p) => p <= 255) ? Uint8Array.from(parts) : null;
  }
  if (!address.includes(":") || !/^[0-9a-fA-F:]+$/.test(address)) return null;
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] === "" ? [] : halves[0].split(":");
  const tail = halves.length === 2 && halves[1] !== "" ? halves[1].split(":") : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const words = [...head, ...Array(halves.length === 2 ? fill : 0).fill("0"), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(words[i])) return null;
    const w = parseInt(words[i], 16);
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  }
  return out;
}

function readU16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function writeU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v & 0xff;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

/** Reads an NLA (AFI, reserved, address) at `at`; returns the address and the offset after it. */
function readNla(b: Uint8Array, at: number, what: string): [string, number] {
  if (b.length < at + 4) throw new PgmPacketError("short", `PGM packet too short for the ${what} NLA`);
  const afi = readU16(b, at);
  const size = afi === AFI_IPV4 ? 4 : afi === AFI_IPV6 ? 16 : 0;
  if (size === 0) throw new PgmPacketError("address", `Unknown address family ${afi} in the ${what} NLA`);
  if (b.length < at + 4 + size) throw new PgmPacketError("short", `PGM packet too short for the ${what} NLA`);
  return [formatAddress(b.subarray(at + 4, at + 4 + size)), at + 4 + size];
}

function nlaBytes(address: string, what: string): Uint8Array {
  const bytes = parseAddress(address);
  if (bytes === null) throw new TypeError(`The ${what} NLA is not an IP address: ${address}`);
  return bytes;
}

function writeNla(b: Uint8Array, at: number, bytes: Uint8Array): number {
  writeU16(b, at, bytes.length === 4 ? AFI_IPV4 : AFI_IPV6);
  writeU16(b, at + 2, 0);
  b.set(bytes, at + 4);
  return at + 4 + bytes.length;
}

/** Decodes the options block at `at`; returns them and the offset after the block. */
function readOptions(b: Uint8Array, at: number): [PgmOptions, number] {
  if (b.length < at + 4) throw new PgmPacketError("short", "PGM packet too short for its options");
  if (b[at] !== PGM_OPT.LENGTH || b[at + 1] !== 4) {
    throw new PgmPacketError("options", "PGM options do not start with OPT_LENGTH");
  }
  const total = readU16(b, at + 2);
  const end = at + total;
  if (total < 8 || end > b.length) {
    throw new PgmPacketError("options", `PGM options length ${total} does not fit the packet`);
  }
  const options: PgmOptions = {};
  let p = at + 4;
  for (;;) {
    if (p + 4 > end) throw new PgmPacketError("options", "PGM options run past their total length");
    const type = b[p] & 0x7f;
    const last = (b[p] & PGM_OPT_END) !== 0;
    const len = b[p + 1];
    if (len < 4 || p + len > end) {
      throw new PgmPacketError("options", `PGM option 0x${type.toString(16)} has a bad length`);
    }
    // Byte 2 holds OPX/U bits that OpenPGM leaves uninitialised in NAK lists: ignored. Byte 3 is reserved.
    const body = p + 4;
    switch (type) {
      case PGM_OPT.LENGTH:
        throw new PgmPacketError("options", "PGM packet repeats OPT_LENGTH");
      case PGM_OPT.FRAGMENT:
        if (len !== 16) throw new PgmPacketError("options", "OPT_FRAGMENT must be 16 bytes");
        options.fragment = {
          firstSqn: readU32(b, body),
          offset: readU32(b, body + 4),
          apduLength: readU32(b, body + 8),
        };
        break;
      case PGM_OPT.NAK_LIST: {
        if ((len - 4) % 4 !== 0 || len === 4) throw new PgmPacketError("options", "OPT_NAK_LIST has a bad length");
        const list: number[] = [];
        for (let q = body; q < p + len; q += 4) list.push(readU32(b, q));
        options.nakList = list;
        break;
      }
      case PGM_OPT.JOIN:
        if (len !== 8) throw new PgmPacketError("options", "OPT_JOIN must be 8 bytes");
        options.join = readU32(b, body);
        break;
      case PGM_OPT.SYN:
        options.syn = true;
        break;
      case PGM_OPT.FIN:
        options.fin = true;
        break;
      case PGM_OPT.RST:
        options.rst = true;
        break;
      default:
        // FEC, PGMCC, redirect, ...: libzmq never enables them; skipped.
        break;
    }
    p += len;
    if (last) break;
  }
  if (p !== end) throw new PgmPacketError("options", "PGM options end before their total length");
  return [options, end];
}

/** Encodes the options block (OPT_LENGTH first, the last one flagged); empty when there are none. */
function encodeOptions(options: PgmOptions | undefined): Uint8Array {
  if (options === undefined) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  const option = (type: number, body: number[] /* u32 words */) => {
    const o = new Uint8Array(4 + 4 * body.length);
    o[0] = type;
    o[1] = o.length;
    body.forEach((v, i) => writeU32(o, 4 + 4 * i, v));
    parts.push(o);
  };
  if (options.fragment) {
    const f = options.fragment;
    option(PGM_OPT.FRAGMENT, [f.firstSqn, f.offset, f.apduLength]);
  }
  if (options.nakList && options.nakList.length > 0) {
    if (options.nakList.length > PGM_MAX_NAK_LIST) {
      throw new RangeError(`OPT_NAK_LIST holds at most ${PGM_MAX_NAK_LIST} sequence numbers`);
    }
    option(PGM_OPT.NAK_LIST, options.nakList);
  }
  if (options.join !== undefined) option(PGM_OPT.JOIN, [options.join]);
  if (options.syn) option(PGM_OPT.SYN, []);
  if (options.fin) option(PGM_OPT.FIN, []);
  if (options.rst) option(PGM_OPT.RST, []);
  if (parts.length === 0) return new Uint8Array(0);
  parts[parts.length - 1][0] |= PGM_OPT_END;
  const total = 4 + parts.reduce((n, o) => n + o.length, 0);
  const out = new Uint8Array(total);
  out[0] = PGM_OPT.LENGTH;
  out[1] = 4;
  writeU16(out, 2, total);
  let at = 4;
  for (const o of parts) {
    out.set(o, at);
    at += o.length;
  }
  return out;
}

/**
 * Decodes and validates one PGM packet (a UDP payload). The checksum must
 * be present and right on ODATA/RDATA and right where present on the rest.
 * Throws {@linkcode PgmPacketError} for anything else; POLL, POLR, ACK and
 * parity (FEC) packets are refused as `type`/`parity`, since libzmq never
 * enables them.
 *
 * @example Usage
 * ```ts
 * import { decodePacket, encodePacket } from "./packet.ts";
 * import assert from "node:assert/strict";
 * const gsi = new Uint8Array([1, 2, 3, 4, 5, 6]);
 * const bytes = encodePacket({ type: "odata", sourcePort: 4242, destinationPort: 5555, gsi, sqn: 7, trail: 0, tsdu: new Uint8Array([0, 0, 2, 0, 65]) });
 * const packet = decodePacket(bytes);
 * assert.equal(packet.type, "odata");
 * assert.equal(packet.type === "odata" && packet.sqn, 7);
 * ```
 */
export function decodePacket(b: Uint8Array): PgmPacket {
  if (b.length < PGM_HEADER_SIZE) throw new PgmPacketError("short", `PGM packet of ${b.length} bytes is too short`);
  const code = b[4];
  const flags = b[5];
  const field = readU16(b, 6);
  const isData = code === PGM_TYPE.ODATA || code === PGM_TYPE.RDATA;
  if (field === 0) {
    if (isData) throw new PgmPacketError("no-checksum", "PGM data packet without a checksum");
  } else if (field !== pgmChecksum(b)) {
    throw new PgmPacketError("checksum", "PGM checksum mismatch");
  }
  if (flags & (PGM_FLAG.OPT_PARITY | PGM_FLAG.OPT_VAR_PKTLEN)) {
    throw new PgmPacketError("parity", "PGM parity (FEC) packets are not supported");
  }
  const common = {
    sourcePort: readU16(b, 0),
    destinationPort: readU16(b, 2),
    gsi: b.subarray(8, 14),
  };
  const tsduLength = readU16(b, 14);
  let at = PGM_HEADER_SIZE;
  let packet: PgmPacket;
  switch (code) {
    case PGM_TYPE.SPM: {
      if (b.length < at + 12) throw new PgmPacketError("short", "SPM too short");
      const spmSqn = readU32(b, at);
      const trail = readU32(b, at + 4);
      const lead = readU32(b, at + 8);
      const [nla, next] = readNla(b, at + 12, "path");
      at = next;
      packet = { type: "spm", ...common, spmSqn, trail, lead, nla };
      break;
    }
    case PGM_TYPE.ODATA:
    case PGM_TYPE.RDATA: {
      if (b.length < at + 8) throw new PgmPacketError("short", "Data packet too short");
      const sqn = readU32(b, at);
      const trail = readU32(b, at + 4);
      at += 8;
      packet = {
        type: code === PGM_TYPE.ODATA ? "odata" : "rdata",
        ...common,
        sqn,
        trail,
        tsdu: new Uint8Array(0),
      };
      break;
    }
    case PGM_TYPE.NAK:
    case PGM_TYPE.NNAK:
    case PGM_TYPE.NCF: {
      if (b.length < at + 4) throw new PgmPacketError("short", "NAK too short");
      const sqn = readU32(b, at);
      const [sourceNla, afterSource] = readNla(b, at + 4, "source");
      const [groupNla, afterGroup] = readNla(b, afterSource, "group");
      at = afterGroup;
      const type = code === PGM_TYPE.NAK ? "nak" : code === PGM_TYPE.NNAK ? "nnak" : "ncf";
      packet = { type, ...common, sqn, sourceNla, groupNla };
      break;
    }
    case PGM_TYPE.SPMR:
      packet = { type: "spmr", ...common };
      break;
    default:
      throw new PgmPacketError("type", `PGM packet type 0x${code.toString(16)} is not supported`);
  }
  if (flags & PGM_FLAG.OPT_PRESENT) {
    const [options, next] = readOptions(b, at);
    packet.options = options;
    at = next;
  }
  if (packet.type === "odata" || packet.type === "rdata") {
    if (tsduLength !== b.length - at) {
      throw new PgmPacketError("length", `TSDU length ${tsduLength} does not match the ${b.length - at} bytes present`);
    }
    packet.tsdu = b.subarray(at);
  } else if (at !== b.length && packet.type !== "spm") {
    // SPMs may carry trailing bytes from extensions we do not know; the rest are exact.
    throw new PgmPacketError("length", `${packet.type.toUpperCase()} has ${b.length - at} unexpected trailing bytes`);
  }
  return packet;
}

/**
 * Encodes a packet, checksum included. NLAs must be IP addresses; a NAK
 * list holds at most 62 sequence numbers.
 *
 * @example Usage
 * ```ts
 * import { encodePacket } from "./packet.ts";
 * import assert from "node:assert/strict";
 * const gsi = new Uint8Array([0x0e, 0x37, 0xc0, 0x3b, 0x7f, 0x42]);
 * // The SPMR libzmq sent in the digest's capture.
 * const spmr = encodePacket({ type: "spmr", sourcePort: 5555, destinationPort: 16962, gsi });
 * assert.deepEqual([...spmr.subarray(4, 8)], [0x0c, 0x00, 0x4e, 0x55]);
 * ```
 */
export function encodePacket(packet: PgmPacket): Uint8Array {
  if (packet.gsi.length !== PGM_GSI_SIZE) throw new TypeError("A GSI is 6 bytes");
  const options = encodeOptions(packet.options);
  let bodySize = 0;
  let nlas: Uint8Array[] = [];
  switch (packet.type) {
    case "spm":
      nlas = [nlaBytes(packet.nla, "path")];
      bodySize = 12 + 4 + nlas[0].length;
      break;
    case "odata":
    case "rdata":
      if (packet.tsdu.length > 0xffff - 64) throw new RangeError("TSDU too large for one PGM packet");
      bodySize = 8;
      break;
    case "nak":
    case "nnak":
    case "ncf":
      nlas = [nlaBytes(packet.sourceNla, "source"), nlaBytes(packet.groupNla, "group")];
      bodySize = 4 + 8 + nlas[0].length + nlas[1].length;
      break;
    case "spmr":
      break;
  }
  const tsdu = packet.type === "odata" || packet.type === "rdata" ? packet.tsdu : null;
  const size = PGM_HEADER_SIZE + bodySize + options.length + (tsdu?.length ?? 0);
  const b = new Uint8Array(size);
  writeU16(b, 0, packet.sourcePort);
  writeU16(b, 2, packet.destinationPort);
  b[4] = TYPE_CODE[packet.type];
  let flags = 0;
  if (options.length > 0) flags |= PGM_FLAG.OPT_PRESENT;
  if (packet.options?.nakList?.length) flags |= PGM_FLAG.OPT_NETWORK;
  b[5] = flags;
  b.set(packet.gsi, 8);
  writeU16(b, 14, tsdu?.length ?? 0);
  let at = PGM_HEADER_SIZE;
  switch (packet.type) {
    case "spm":
      writeU32(b, at, packet.spmSqn);
      writeU32(b, at + 4, packet.trail);
      writeU32(b, at + 8, packet.lead);
      at = writeNla(b, at + 12, nlas[0]);
      break;
    case "odata":
    case "rdata":
      writeU32(b, at, packet.sqn);
      writeU32(b, at + 4, packet.trail);
      at += 8;
      break;
    case "nak":
    case "nnak":
    case "ncf":
      writeU32(b, at, packet.sqn);
      at = writeNla(b, at + 4, nlas[0]);
      at = writeNla(b, at, nlas[1]);
      break;
    case "spmr":
      break;
  }
  b.set(options, at);
  at += options.length;
  if (tsdu) b.set(tsdu, at);
  writeU16(b, 6, pgmChecksum(b));
  return b;
}

/**
 * Serial-number comparison of 32-bit sequence numbers (RFC 1982): negative
 * when `a` comes before `b`, 0 when equal, positive after.
 *
 * @example Usage
 * ```ts
 * import { sqnCompare } from "./packet.ts";
 * import assert from "node:assert/strict";
 * assert.ok(sqnCompare(0xffffffff, 0) < 0);
 * assert.ok(sqnCompare(5, 3) > 0);
 * ```
 */
export function sqnCompare(a: number, b: number): number {
  return (a - b) | 0;
}

/**
 * The key of a transport session: GSI and source port, as `gsihex.port`.
 *
 * @example Usage
 * ```ts
 * import { tsiKey } from "./packet.ts";
 * import assert from "node:assert/strict";
 * assert.equal(tsiKey(new Uint8Array([0xb7, 0xc6, 0xd1, 0xbc, 0x03, 0x8a]), 23474), "b7c6d1bc038a.23474");
 * ```
 */
export function tsiKey(gsi: Uint8Array, sourcePort: number): string {
  let s = "";
  for (let i = 0; i < gsi.length; i++) s += (gsi[i] < 16 ? "0" : "") + gsi[i].toString(16);
  return `${s}.${sourcePort}`;
}
