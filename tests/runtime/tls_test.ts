import assert from "node:assert/strict";
import { denoRuntime } from "../../src/runtime/deno.ts";
import type { Conn, MessageConn } from "../../src/runtime/runtime.ts";
import { RuntimeError } from "../../src/runtime/runtime.ts";
import { parseWsEndpoint } from "../../src/transports/ws/ws_address.ts";
import { dialZws, listenZws } from "../../src/transports/ws/ws_transport.ts";
import { bytes, text, withTimeout } from "../_helpers.ts";
import { HAS_OPENSSL, makeTestPki } from "./_tls.ts";

const ignore = !HAS_OPENSSL;
const BIN = new URL("../../node_modules/.bin/", import.meta.url).pathname;
const PEER = new URL("./_tls_peer.ts", import.meta.url).pathname;

/** Reads one chunk from a Conn. */
function readOnce(conn: Conn): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    conn.start({ data: (chunk) => resolve(chunk.slice()), end: (error) => reject(error ?? new Error("EOF")) });
  });
}

function isCode(code: string) {
  return (err: unknown) => {
    assert.ok(err instanceof RuntimeError, String(err));
    assert.equal(err.code, code, err.message);
    return true;
  };
}

Deno.test({
  name: "tls - Deno: tls.listen and tls.connect with a private CA, by IP and by server name",
  ignore,
  async fn() {
    await using pki = await makeTestPki();
    const listener = await denoRuntime.tls!.listen("127.0.0.1", 0, { cert: pki.cert, key: pki.key });
    listener.start((conn) => {
      conn.start({ data: (chunk) => void conn.write([chunk.slice()]).catch(() => {}), end: () => {} });
    }, () => {});
    try {
      for (const serverName of [undefined, "localhost"]) {
        const conn = await denoRuntime.tls!.connect("127.0.0.1", listener.port, { caCerts: [pki.caCert], serverName });
        assert.equal(conn.remoteHost, "127.0.0.1");
        const echoed = readOnce(conn);
        await conn.write([bytes("over tls")]);
        assert.equal(text(await withTimeout(echoed, 5000, "echo")), "over tls");
        conn.close();
        await conn.closed;
      }
      // Untrusted (only another CA), or a name the certificate does not carry.
      await assert.rejects(
        denoRuntime.tls!.connect("127.0.0.1", listener.port, { caCerts: [pki.otherCaCert] }),
        isCode("EPROTO"),
      );
      await assert.rejects(
        denoRuntime.tls!.connect("127.0.0.1", listener.port, { caCerts: [pki.caCert], serverName: "example.com" }),
        isCode("EPROTO"),
      );
    } finally {
      listener.close();
      await listener.closed;
    }
    await assert.rejects(denoRuntime.tls!.listen("127.0.0.1", 0, { cert: "junk", key: pki.key }), isCode("EINVAL"));
  },
});

Deno.test({
  name: "wss - Deno to Deno: the ZWS handshake and messages inside TLS",
  ignore,
  async fn() {
    await using pki = await makeTestPki();
    const listener = await listenZws(parseWsEndpoint("wss://127.0.0.1:*/secure", "bind"), denoRuntime, {
      mechanism: "NULL",
      tls: { cert: pki.cert, key: pki.key },
    });
    assert.match(listener.endpoint, /^wss:\/\/127\.0\.0\.1:\d+\/secure$/);
    const accepted = Promise.withResolvers<MessageConn>();
    listener.start(accepted.resolve, accepted.reject);
    const client = await dialZws(parseWsEndpoint(listener.endpoint, "connect"), denoRuntime, {
      mechanism: "NULL",
      tls: { caCerts: [pki.caCert], serverName: "localhost" },
    });
    const server = await accepted.promise;
    assert.equal(client.protocol, "ZWS2.0/NULL");
    assert.equal(server.path, "/secure");
    const got = Promise.withResolvers<Uint8Array>();
    server.start({ message: got.resolve, end: () => {} });
    const ended = Promise.withResolvers<void>();
    client.start({ message: () => {}, end: () => ended.resolve() });
    await client.send([[new Uint8Array([0]), new Uint8Array(300_000).fill(7)]]);
    assert.equal((await withTimeout(got.promise, 5000, "message")).length, 300_001);
    server.close();
    await ended.promise;
    listener.close();
    await Promise.all([listener.closed, client.closed, server.closed]);
    // wss without a certificate cannot bind.
    await assert.rejects(
      listenZws(parseWsEndpoint("wss://127.0.0.1:*", "bind"), denoRuntime, { mechanism: "NULL" }),
      isCode("EPROTONOSUPPORT"),
    );
  },
});

/** Runs the Node/Bun peer: `node` on an esbuild bundle, or `bun` on the source. */
async function startPeer(runtime: "node" | "bun", args: string[], bundleDir: string) {
  let command: string, commandArgs: string[];
  if (runtime === "node") {
    const bundle = `${bundleDir}/tls_peer.mjs`;
    try {
      await Deno.stat(bundle);
    } catch {
      const built = await new Deno.Command(`${BIN}esbuild`, {
        args: [PEER, "--bundle", "--platform=node", "--format=esm", "--log-level=warning", `--outfile=${bundle}`],
      }).output();
      assert.ok(built.success, new TextDecoder().decode(built.stderr));
    }
    command = "node";
    commandArgs = [bundle, ...args];
  } else {
    command = `${BIN}bun`;
    commandArgs = [PEER, ...args];
  }
  const child = new Deno.Command(command, { args: commandArgs, stdin: "piped", stdout: "piped", stderr: "inherit" })
    .spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const line = async (): Promise<Record<string, unknown>> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await withTimeout(reader.read(), 20_000, `${runtime} peer output`);
      if (done) throw new Error(`${runtime} peer exited`);
      buffered += value;
    }
    const nl = buffered.indexOf("\n");
    const out = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    return JSON.parse(out);
  };
  return {
    line,
    async [Symbol.asyncDispose](): Promise<void> {
      await child.stdin.close().catch(() => {});
      await withTimeout(child.status, 10_000, `${runtime} peer exit`).catch(() => {
        child.kill("SIGKILL");
        return child.status;
      });
      await reader.cancel().catch(() => {});
    },
  };
}

for (const runtime of ["node", "bun"] as const) {
  Deno.test({
    name: `wss - ${runtime} (node:tls in the Node runtime adapter) as server and as client, with a Deno peer`,
    ignore,
    async fn() {
      await using pki = await makeTestPki();
      // The Node/Bun server, a Deno client.
      {
        await using server = await startPeer(runtime, ["server", pki.dir], pki.dir);
        const hello = await server.line();
        assert.equal(hello.runtime, runtime);
        const conn = await dialZws(parseWsEndpoint(`wss://127.0.0.1:${hello.port}`, "connect"), denoRuntime, {
          mechanism: "NULL",
          tls: { caCerts: [pki.caCert] },
        });
        assert.equal(conn.protocol, "ZWS2.0/NULL");
        const got = Promise.withResolvers<Uint8Array>();
        conn.start({ message: got.resolve, end: () => {} });
        await conn.send([[new Uint8Array([0]), bytes("from deno")]]);
        assert.equal(text(await withTimeout(got.promise, 5000, "echo")), "\0from deno");
        conn.close();
        await conn.closed;
      }
      // A Deno server, the Node/Bun client: trusted, by name, untrusted, wrong name.
      const listener = await listenZws(parseWsEndpoint("wss://127.0.0.1:*", "bind"), denoRuntime, {
        mechanism: "NULL",
        tls: { cert: pki.cert, key: pki.key },
      });
      const conns: MessageConn[] = [];
      listener.start((conn) => {
        conns.push(conn);
        conn.start({ message: (payload) => void conn.send([[payload]]).catch(() => {}), end: () => {} });
      }, () => {});
      try {
        const run = async (ca: string, serverName?: string) => {
          await using client = await startPeer(
            runtime,
            ["client", String(listener.port), `${pki.dir}/${ca}`, ...(serverName ? [serverName] : [])],
            pki.dir,
          );
          return await client.line();
        };
        assert.deepEqual(await run("ca.pem"), { reply: `ping from ${runtime}`, protocol: "ZWS2.0/NULL" });
        assert.deepEqual(await run("ca.pem", "localhost"), { reply: `ping from ${runtime}`, protocol: "ZWS2.0/NULL" });
        assert.equal((await run("other.pem")).code, "EPROTO");
        assert.equal((await run("ca.pem", "example.com")).code, "EPROTO");
      } finally {
        listener.close();
        for (const conn of conns) conn.close();
        await Promise.all([listener.closed, ...conns.map((c) => c.closed)]);
      }
    },
  });
}
