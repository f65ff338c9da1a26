/** Shared pieces of the interop tests. */
import assert from "node:assert/strict";
import { hex, type PeerFrame, pseudoRandomBytes, sha256 } from "../_helpers.ts";

/** Frame sizes every interop test moves: empty, the short-frame maximum, the first long size, and 4 MiB. */
export const SIZES = [0, 255, 256, 4 * 1024 * 1024];

/** A multipart message of {@linkcode SIZES} with distinct content. */
export function sizedMessage(seed: number): Uint8Array[] {
  return SIZES.map((size, i) => pseudoRandomBytes(size, seed * 16 + i + 1));
}

/** Checks frames reported by the libzmq peer against what zmq-ts sent. */
export async function assertPeerFrames(got: PeerFrame[], sent: Uint8Array[]): Promise<void> {
  assert.equal(got.length, sent.length, "frame count");
  for (let i = 0; i < sent.length; i++) {
    const g = got[i];
    if (typeof g === "string") assert.equal(g, hex(sent[i]), `frame ${i}`);
    else assert.deepEqual(g, { len: sent[i].length, sha256: await sha256(sent[i]) }, `frame ${i}`);
  }
}

/** Checks frames zmq-ts received against what the libzmq peer reported sending. */
export async function assertReceived(got: Uint8Array[], sent: PeerFrame[]): Promise<void> {
  assert.equal(got.length, sent.length, "frame count");
  for (let i = 0; i < sent.length; i++) {
    const s = sent[i];
    if (typeof s === "string") assert.equal(hex(got[i]), s, `frame ${i}`);
    else assert.deepEqual({ len: got[i].length, sha256: await sha256(got[i]) }, s, `frame ${i}`);
  }
}

/** Generated frames for the peer to send, matching {@linkcode SIZES}. */
export function peerSizedFrames(seed: number): { size: number; seed: number }[] {
  return SIZES.map((size, i) => ({ size, seed: seed * 16 + i }));
}
