/** Helpers for the ws tests: vectors, byte helpers, a recording frame sink, a seeded splitter. */

import { loadVectors, prng } from "../../_vectors.ts";
import type { WsFrameSink } from "../../../src/transports/ws/frame.ts";

/** A WebSocket frame vector from tests/vectors/ws/frames.hex. */
export function wsVector(name: string): Uint8Array {
  const found = loadVectors("ws/frames").find((v) => v.name === name);
  if (!found) throw new Error(`No vector ${name} in ws/frames.hex`);
  return found.bytes;
}

/** One HTTP head vector from tests/vectors/ws/upgrade.json. */
export interface HttpVector {
  source: string;
  text?: string;
  key?: string;
  accept?: string;
}

/** The HTTP head vectors by name. */
export function httpVectors(): Record<string, HttpVector> {
  return JSON.parse(Deno.readTextFileSync(new URL("../../vectors/ws/upgrade.json", import.meta.url)));
}

/** Latin-1 bytes of a string (HTTP heads). */
export const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** What a decoder handed out, in order. */
export type Event =
  | { type: "message"; payload: Uint8Array; text: boolean }
  | { type: "ping" | "pong"; payload: Uint8Array }
  | { type: "close"; code: number; reason: string };

/** A sink that records events (payloads copied, so later input cannot change them). */
export function recorder(): { sink: WsFrameSink; events: Event[] } {
  const events: Event[] = [];
  return {
    events,
    sink: {
      message: (payload, text) => events.push({ type: "message", payload: payload.slice(), text }),
      ping: (payload) => events.push({ type: "ping", payload: payload.slice() }),
      pong: (payload) => events.push({ type: "pong", payload: payload.slice() }),
      close: (code, reason) => events.push({ type: "close", code, reason }),
    },
  };
}

/** Splits bytes into pieces: whole, one byte each, or random sizes from a seeded PRNG. Pieces are copies. */
export function split(bytes: Uint8Array, how: "whole" | "bytes" | number): Uint8Array[] {
  if (how === "whole") return [bytes.slice()];
  if (how === "bytes") return Array.from(bytes, (b) => new Uint8Array([b]));
  const random = prng(how);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = Math.min(bytes.length - at, 1 + Math.floor(random() * 40) * (random() < 0.1 ? 100 : 1));
    out.push(bytes.slice(at, at + n));
    at += n;
  }
  return out;
}

/** The ways every decoding test splits its input. */
export const SPLITS: ("whole" | "bytes" | number)[] = ["whole", "bytes", 1, 2, 3, 42];
