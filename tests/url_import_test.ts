/**
 * The URL import, proven: the repository is served over
 * `http://127.0.0.1:<port>/` by a small static file server in this process,
 * and a Deno program that imports `http://127.0.0.1:<port>/mod.ts` (and,
 * through it, the `npm:` package CURVE loads) runs with only the
 * permissions it needs: `--allow-import` for that host and `--allow-net`
 * for the libzmq peer's port. It talks CURVE to libzmq (pyzmq) both ways.
 */
import assert from "node:assert/strict";
import { HAS_LIBZMQ, hex, text, unhex, withTimeout } from "./_helpers.ts";
import { HAS_LIBZMQ_CURVE, SecurePeer } from "./interop/_secure_peer.ts";

const ROOT = new URL("../", import.meta.url);

const TYPES: Record<string, string> = {
  ".ts": "application/typescript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
};

/** Serves the repository's files read-only (no listing, no path outside it). */
function serveRepository(): { origin: string; server: Deno.HttpServer; requests: string[] } {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const { pathname } = new URL(request.url);
    requests.push(pathname);
    if (request.method !== "GET" || pathname.split("/").some((part) => part === ".." || part.startsWith("."))) {
      return new Response("not found", { status: 404 });
    }
    const file = new URL(`.${decodeURIComponent(pathname)}`, ROOT);
    try {
      const body = await Deno.readFile(file);
      const type = TYPES[pathname.slice(pathname.lastIndexOf("."))] ?? "application/octet-stream";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  return { origin: `http://127.0.0.1:${server.addr.port}`, server, requests };
}

const PROGRAM = (origin: string) => `
import * as zmq from "${origin}/mod.ts";

const [endpoint, serverKey] = Deno.args;
const keys = await zmq.curveKeyPair(); // loads the npm: crypto package, through the remote module
await using dealer = new zmq.Dealer({
  curveServerKey: serverKey,
  curvePublicKey: keys.publicKey,
  curveSecretKey: keys.secretKey,
  receiveTimeout: 10000,
});
dealer.connect(endpoint);
await dealer.send(["hello from a URL import", zmq.version]);
const [reply] = await dealer.receive();
console.log(new TextDecoder().decode(reply));
`;

Deno.test({
  name: "URL import - http://127.0.0.1:<port>/mod.ts with its npm: dependency, least permissions, CURVE with libzmq",
  ignore: !HAS_LIBZMQ || !HAS_LIBZMQ_CURVE,
}, async () => {
  const { origin, server, requests } = serveRepository();
  const dir = await Deno.makeTempDir({ prefix: "zmq-ts-url-" });
  try {
    await using router = await SecurePeer.start();
    const keys = await router.curveKeyPair();
    await router.ok({ op: "zap", curve: "any" });
    await router.ok({
      op: "socket",
      type: "ROUTER",
      options: { CURVE_SERVER: 1, CURVE_SECRETKEY: hex(new TextEncoder().encode(keys.secretKey)) },
    });
    const endpoint = await router.bind("tcp://127.0.0.1:*");
    const port = new URL(endpoint.replace("tcp:", "http:")).port;
    await Deno.writeTextFile(`${dir}/program.ts`, PROGRAM(origin));
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        "--no-lock",
        "--no-prompt",
        `--allow-import=127.0.0.1:${new URL(origin).port}`,
        `--allow-net=127.0.0.1:${port}`,
        "program.ts",
        endpoint,
        keys.publicKey,
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = child.output();
    const frames = await router.recv(30_000);
    assert.equal(text(unhex(frames[1] as string)), "hello from a URL import");
    await router.send([unhex(frames[0] as string), "hello from libzmq"]);
    const result = await withTimeout(output, 60_000, "URL-import program");
    const stderr = new TextDecoder().decode(result.stderr);
    assert.ok(result.success, stderr);
    assert.equal(new TextDecoder().decode(result.stdout).trim(), "hello from libzmq");
    assert.ok(requests.includes("/mod.ts"), "mod.ts came from the server");
    assert.ok(requests.some((p) => p.startsWith("/src/")), "and the sources it imports");
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
