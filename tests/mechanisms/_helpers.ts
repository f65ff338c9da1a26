/** Helpers shared by the mechanism tests. */

import type { MechanismOptions, ZapClient, ZapReply, ZapRequest } from "../../src/mechanisms/mechanism.ts";
import type { Mechanism } from "../../src/mechanisms/mechanism.ts";

/** UTF-8 bytes of a string. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
/** A string from UTF-8 bytes. */
export const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);
/** Bytes from hex. */
export const fromHex = (hex: string): Uint8Array =>
  Uint8Array.from(hex.replace(/\s+/g, "").match(/../g) ?? [], (b) => parseInt(b, 16));

/** Splits one complete ZMTP frame into its flags (LONG dropped) and body, checking the size field. */
export function splitFrame(frame: Uint8Array): { flags: number; body: Uint8Array } {
  const flags = frame[0];
  if (flags & 0x02) {
    const size = Number(new DataView(frame.buffer, frame.byteOffset + 1, 8).getBigUint64(0));
    if (size !== frame.length - 9) throw new Error(`frame size ${size} does not match ${frame.length - 9}`);
    return { flags: flags & ~0x02, body: frame.subarray(9) };
  }
  if (frame[1] !== frame.length - 2) throw new Error(`frame size ${frame[1]} does not match ${frame.length - 2}`);
  return { flags, body: frame.subarray(2) };
}

/** Mechanism options with defaults for tests. */
export function options(
  properties: [string, string][],
  extra: Partial<MechanismOptions> = {},
): MechanismOptions {
  return {
    properties,
    peerAddress: "127.0.0.1",
    routingId: new Uint8Array(0),
    zapDomain: "",
    ...extra,
  };
}

/** A ZAP client that records requests and answers with a fixed reply (or null: no handler). */
export function zapStub(reply: Partial<ZapReply> | null): ZapClient & { requests: ZapRequest[] } {
  const requests: ZapRequest[] = [];
  const client = (request: ZapRequest) => {
    requests.push(request);
    if (reply === null) return Promise.resolve(null);
    return Promise.resolve({ status: 200, statusText: "OK", userId: "", metadata: new Map(), ...reply });
  };
  return Object.assign(client, { requests });
}

/**
 * Runs a handshake between two mechanisms in memory until neither has
 * anything to send; returns every command body in order with its sender.
 */
export async function handshake(
  client: Mechanism,
  server: Mechanism,
): Promise<{ from: "client" | "server"; body: Uint8Array }[]> {
  await Promise.all([client.prepare?.(), server.prepare?.()]);
  const log: { from: "client" | "server"; body: Uint8Array }[] = [];
  for (let progress = true; progress;) {
    progress = false;
    for (const [from, to, name] of [[client, server, "client"], [server, client, "server"]] as const) {
      for (let body = from.nextCommand(); body; body = from.nextCommand()) {
        progress = true;
        log.push({ from: name, body });
        await to.processCommand(body);
      }
    }
  }
  return log;
}
