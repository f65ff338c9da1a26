/**
 * A libzmq peer with security: `zmq_secure_peer.py` (zmq_peer.py's commands
 * plus a ZAP handler and libzmq's CURVE key helpers), driven like
 * `LibzmqPeer`. Dispose it (`await using`) to close it and end the process
 * by PID.
 */
import { bytes, hex, LibzmqPeer, PYTHON, unhex } from "../_helpers.ts";

/** Whether the local pyzmq's libzmq was built with CURVE (libsodium). */
export const HAS_LIBZMQ_CURVE: boolean = (() => {
  try {
    const out = new Deno.Command(PYTHON, {
      args: ["-c", "import sys, zmq; sys.exit(0 if zmq.has('curve') else 1)"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return out.success;
  } catch {
    return false;
  }
})();

/** A libzmq monitor event: name (e.g. `EVENT_HANDSHAKE_FAILED_AUTH`), value, endpoint. */
export type PeerEvent = [string, number, string];

/** Configuration of the peer's ZAP handler (see zmq_secure_peer.py). */
export interface PeerZapConfig {
  plain?: Record<string, string>;
  curve?: string[] | "any";
  deny?: string[];
  status?: number;
  metadata?: Record<string, string>;
}

/** Socket options for the peer: numbers, or strings sent as their UTF-8 bytes (keys in Z85, usernames). */
export type PeerOptions = Record<string, number | string>;

/** A libzmq socket (and optionally a ZAP handler) in a child process, with libzmq's monitor on. */
export class SecurePeer extends LibzmqPeer {
  /** Starts a peer process; with `type`, also makes its socket (string options are sent as bytes). */
  static override async start(type?: string, options: PeerOptions = {}, zap?: PeerZapConfig): Promise<SecurePeer> {
    const peer = new SecurePeer(LibzmqPeer.spawn(new URL("./zmq_secure_peer.py", import.meta.url)));
    try {
      if (zap !== undefined) await peer.ok({ op: "zap", ...zap });
      if (type !== undefined) {
        const wire = Object.fromEntries(
          Object.entries(options).map(([name, value]) => [name, typeof value === "string" ? hex(bytes(value)) : value]),
        );
        await peer.ok({ op: "socket", type, options: wire });
        await peer.ok({ op: "monitor" });
      }
    } catch (error) {
      await peer[Symbol.asyncDispose]();
      throw error;
    }
    return peer;
  }

  /** The monitor events seen since the last call. */
  async events(): Promise<PeerEvent[]> {
    return (await this.ok({ op: "events" })).events as PeerEvent[];
  }

  /** Polls libzmq until an event named `name` shows up; returns every event seen so far. */
  async waitForEvent(name: string, ms = 5000): Promise<PeerEvent[]> {
    const seen: PeerEvent[] = [];
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      await this.poll(20);
      seen.push(...await this.events());
      if (seen.some(([n]) => n === name)) return seen;
    }
    throw new Error(`libzmq peer: no ${name} within ${ms} ms; saw ${JSON.stringify(seen.map(([n, v]) => [n, v]))}`);
  }

  /** The ZAP requests the peer's handler received, frames as bytes (after the delimiter). */
  async zapRequests(): Promise<Uint8Array[][]> {
    const requests = (await this.ok({ op: "zap_requests" })).requests as string[][];
    return requests.map((frames) => frames.map(unhex));
  }

  /** A key pair made by libzmq's `zmq_curve_keypair`, in Z85. */
  async curveKeyPair(): Promise<{ publicKey: string; secretKey: string }> {
    const reply = await this.ok({ op: "curve_keypair" });
    return { publicKey: reply.public as string, secretKey: reply.secret as string };
  }

  /** libzmq's `zmq_curve_public` of a Z85 secret key. */
  async curvePublic(secretKey: string): Promise<string> {
    return (await this.ok({ op: "curve_public", secret: secretKey })).public as string;
  }
}
