/**
 * What the Chromium test runs inside a page: bundled with esbuild as an
 * IIFE, it puts `zwsCheck` on `globalThis`. It uses only the browser
 * adapter and the ws modules: a bare ZWS2.0 request/reply with a libzmq REP.
 */

import { browserRuntime } from "../../src/runtime/browser.ts";
import { parseWsEndpoint } from "../../src/transports/ws/ws_address.ts";
import { dialZws } from "../../src/transports/ws/ws_transport.ts";
import { decodeZwsFrame, encodeZwsFrame } from "../../src/transports/ws/zws.ts";

/** The result the test reads back. */
export interface PageResult {
  protocol: string;
  canPing: boolean;
  peerRoutingId: number[];
  reply: string[];
  replyLength: number;
  slashRefused: string;
  curveRefused: string;
}

async function zwsCheck(endpoint: string, request: string): Promise<PageResult> {
  // The subprotocol names with "/" cannot even be offered from a page.
  let slashRefused = "";
  try {
    new WebSocket(endpoint, ["ZWS2.0/NULL"]).close();
  } catch (err) {
    slashRefused = (err as Error).name;
  }
  let curveRefused = "";
  await dialZws(parseWsEndpoint(endpoint, "connect"), browserRuntime, { mechanism: "CURVE" }).catch((err) => {
    curveRefused = err.code;
  });

  const conn = await dialZws(parseWsEndpoint(endpoint, "connect"), browserRuntime, {
    mechanism: "NULL",
    connectTimeout: 5000,
  });
  const payloads: Uint8Array[] = [];
  let wake: () => void = () => {};
  conn.start({
    message: (payload) => {
      payloads.push(payload);
      wake();
    },
    end: () => wake(),
  });
  const next = async (): Promise<{ body: Uint8Array; flags: number }> => {
    while (payloads.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return decodeZwsFrame(payloads.shift()!);
  };
  // Bare ZWS2.0: routing ids first.
  await conn.send([encodeZwsFrame(new Uint8Array(0), 0)]);
  const peerId = await next();
  // REQ-style envelope: an empty delimiter (MORE), then the body.
  await conn.send([encodeZwsFrame(new Uint8Array(0), 1), encodeZwsFrame(new TextEncoder().encode(request), 0)]);
  const reply: Uint8Array[] = [];
  for (;;) {
    const frame = await next();
    reply.push(frame.body);
    if ((frame.flags & 1) === 0) break;
  }
  conn.close();
  return {
    protocol: conn.protocol,
    canPing: conn.canPing,
    peerRoutingId: [...peerId.body],
    reply: reply.map((b) => new TextDecoder().decode(b.subarray(0, 40))),
    replyLength: reply[reply.length - 1].length,
    slashRefused,
    curveRefused,
  };
}

(globalThis as { zwsCheck?: typeof zwsCheck }).zwsCheck = zwsCheck;
