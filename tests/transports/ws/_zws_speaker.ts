/**
 * The smallest ZWS 2.0 peer that can talk to libzmq, for tests: READY
 * exchange (NULL), routing ids (bare ZWS2.0), multipart messages. It is a
 * test driver of the framing modules, not the engine.
 */

import assert from "node:assert/strict";
import { FLAG_COMMAND, FLAG_MORE } from "../../../src/codec/codec.ts";
import { decodeCommand, encodeReady } from "../../../src/codec/command.ts";
import type { MessageConn } from "../../../src/runtime/runtime.ts";
import { decodeZwsFrame, encodeZwsCommand, encodeZwsFrame } from "../../../src/transports/ws/zws.ts";
import { text } from "../../_helpers.ts";
import { Inbox } from "./_peers.ts";

/** Drives one ZWS connection frame by frame. */
export class ZwsSpeaker {
  readonly inbox: Inbox;

  constructor(readonly conn: MessageConn) {
    this.inbox = new Inbox(conn).start();
  }

  /** The next ZWS frame. */
  async frame(ms = 5000): Promise<{ body: Uint8Array; flags: number }> {
    return decodeZwsFrame(await this.inbox.next(ms));
  }

  /** NULL handshake: sends our READY, returns the peer's READY properties (as text). */
  async ready(socketType: string): Promise<Record<string, string>> {
    await this.conn.send([encodeZwsCommand(encodeReady([["Socket-Type", socketType]]))]);
    const frame = await this.frame();
    assert.equal(frame.flags, FLAG_COMMAND, "the peer's first message is a command");
    const command = decodeCommand(frame.body);
    assert.equal(command.name, "READY");
    const props: Record<string, string> = {};
    for (const [k, v] of (command as { properties: Map<string, Uint8Array> }).properties) props[k] = text(v);
    return props;
  }

  /** Bare ZWS2.0: sends our routing id, returns the peer's. */
  async routingIds(ours: Uint8Array = new Uint8Array(0)): Promise<Uint8Array> {
    await this.conn.send([encodeZwsFrame(ours, 0)]);
    const frame = await this.frame();
    assert.equal(frame.flags, 0, "a routing id is one frame, flags 0");
    return frame.body;
  }

  /** Sends one multipart message. */
  send(frames: Uint8Array[]): Promise<void> {
    return this.conn.send(frames.map((f, i) => encodeZwsFrame(f, i < frames.length - 1 ? FLAG_MORE : 0)));
  }

  /** Receives one multipart message (commands are not expected here). */
  async receive(ms = 5000): Promise<Uint8Array[]> {
    const frames: Uint8Array[] = [];
    for (;;) {
      const frame = await this.frame(ms);
      assert.equal(frame.flags & FLAG_COMMAND, 0, "a data frame");
      frames.push(frame.body);
      if ((frame.flags & FLAG_MORE) === 0) return frames;
    }
  }
}
