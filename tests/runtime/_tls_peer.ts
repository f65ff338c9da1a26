/**
 * A wss peer for Node and Bun, driven by the TLS tests: runs zmq-ts's ws
 * code over the Node runtime adapter (node:tls). Bundled with esbuild for
 * Node; Bun runs it as it is.
 *
 *   server <certDir>            listens on wss://127.0.0.1:*, prints {"port"}, echoes every message, exits on EOF of stdin
 *   client <port> <caFile> [serverName]   dials, sends "ping from <runtime>", prints {"reply"} or {"error", "code"}
 */

import process from "node:process";
import { readFileSync } from "node:fs";
import { nodeRuntime } from "../../src/runtime/node.ts";
import { parseWsEndpoint } from "../../src/transports/ws/ws_address.ts";
import { dialZws, listenZws } from "../../src/transports/ws/ws_transport.ts";

const [mode, ...args] = process.argv.slice(2);
const print = (value: unknown) => process.stdout.write(JSON.stringify(value) + "\n");

if (mode === "server") {
  const dir = args[0];
  const listener = await listenZws(parseWsEndpoint("wss://127.0.0.1:*", "bind"), nodeRuntime, {
    mechanism: "NULL",
    tls: { cert: readFileSync(`${dir}/server.pem`, "utf8"), key: readFileSync(`${dir}/server.key`, "utf8") },
  });
  listener.start((conn) => {
    conn.start({
      message: (payload) => void conn.send([[payload]]).catch(() => {}),
      end: () => {},
    });
  }, (error) => print({ refused: error.message }));
  print({ port: listener.port, runtime: nodeRuntime.name });
  process.stdin.resume();
  process.stdin.on("end", () => {
    listener.close();
    process.exit(0);
  });
} else if (mode === "client") {
  const [port, caFile, serverName] = args;
  try {
    const conn = await dialZws(parseWsEndpoint(`wss://127.0.0.1:${port}`, "connect"), nodeRuntime, {
      mechanism: "NULL",
      connectTimeout: 5000,
      handshakeTimeout: 5000,
      tls: { caCerts: [readFileSync(caFile, "utf8")], serverName },
    });
    const reply = await new Promise<Uint8Array>((resolve, reject) => {
      conn.start({ message: resolve, end: (error) => reject(error ?? new Error("ended")) });
      conn.send([[new Uint8Array([0]), new TextEncoder().encode(`ping from ${nodeRuntime.name}`)]]).catch(reject);
    });
    print({ reply: new TextDecoder().decode(reply.subarray(1)), protocol: conn.protocol });
    conn.close();
    await conn.closed;
  } catch (err) {
    print({ error: (err as Error).message, code: (err as { code?: string }).code });
  }
  process.exit(0);
}
