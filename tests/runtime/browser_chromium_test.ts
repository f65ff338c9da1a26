/**
 * The browser adapter in a real browser: Debian's Chromium, headless,
 * driven over the DevTools protocol with Deno's own WebSocket (no
 * puppeteer). A page loads an esbuild bundle of the adapter and the ws
 * modules and does a bare ZWS2.0 request/reply with a libzmq REP bound on
 * ws://.
 */

import assert from "node:assert/strict";
import { HAS_LIBZMQ, LibzmqPeer, withTimeout } from "../_helpers.ts";
import type { PageResult } from "./_browser_page.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();
const ESBUILD = new URL("../../node_modules/.bin/esbuild", import.meta.url).pathname;
const PAGE = new URL("./_browser_page.ts", import.meta.url).pathname;

/** A headless Chromium with a DevTools connection; dispose closes it and removes its profile. */
async function launchChromium(dir: string) {
  const child = new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--remote-debugging-port=0",
      `--user-data-dir=${dir}/profile`,
      "about:blank",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  let endpoint = "";
  for (let i = 0; i < 300 && endpoint === ""; i++) {
    try {
      const [port, path] = (await Deno.readTextFile(`${dir}/profile/DevToolsActivePort`)).split("\n");
      if (port && path) endpoint = `ws://127.0.0.1:${port}${path}`;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  if (endpoint === "") {
    child.kill("SIGKILL");
    await child.status;
    throw new Error("Chromium did not start its DevTools endpoint");
  }
  const ws = new WebSocket(endpoint);
  await withTimeout(
    new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    }),
    10_000,
    "DevTools connection",
  );
  let id = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data as string);
    const waiter = msg.id !== undefined ? pending.get(msg.id) : undefined;
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.error) waiter.reject(new Error(`DevTools: ${msg.error.message}`));
    else waiter.resolve(msg.result);
  };
  // deno-lint-ignore no-explicit-any
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<any> => {
    const message = { id: ++id, method, params, ...(sessionId ? { sessionId } : {}) };
    return withTimeout(
      new Promise((resolve, reject) => {
        pending.set(message.id, { resolve, reject });
        ws.send(JSON.stringify(message));
      }),
      30_000,
      method,
    );
  };
  return {
    send,
    async [Symbol.asyncDispose]() {
      await send("Browser.close").catch(() => {});
      const closed = new Promise((resolve) => (ws.onclose = resolve));
      ws.close();
      await closed;
      await withTimeout(child.status, 10_000, "Chromium exit").catch(() => {
        child.kill("SIGKILL");
        return child.status;
      });
    },
  };
}

Deno.test({
  name: "browser runtime in Chromium - a page talks bare ZWS2.0 to a libzmq REP, and cannot offer ZWS2.0/NULL",
  ignore: !HAS_CHROMIUM || !HAS_LIBZMQ,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "zmq-ts-chromium-" });
    try {
      const built = await new Deno.Command(ESBUILD, {
        args: [
          PAGE,
          "--bundle",
          "--format=iife",
          "--platform=browser",
          "--log-level=warning",
          `--outfile=${dir}/page.js`,
        ],
      }).output();
      assert.ok(built.success, new TextDecoder().decode(built.stderr));
      const bundle = await Deno.readTextFile(`${dir}/page.js`);
      assert.ok(!/\bDeno\.|node:/.test(bundle), "the bundle uses no Deno or Node API");
      await Deno.writeTextFile(`${dir}/page.html`, `<!doctype html><script src="page.js"></script>`);

      await using rep = await LibzmqPeer.start("REP");
      const endpoint = await rep.bind("ws://127.0.0.1:*/page");
      await using chromium = await launchChromium(dir);
      const { targetId } = await chromium.send("Target.createTarget", { url: `file://${dir}/page.html` });
      const { sessionId } = await chromium.send("Target.attachToTarget", { targetId, flatten: true });
      const evaluate = (expression: string) =>
        chromium.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true }, sessionId);
      for (let i = 0; i < 100; i++) {
        const { result } = await evaluate(`typeof zwsCheck`);
        if (result.value === "function") break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const running = evaluate(`zwsCheck(${JSON.stringify(endpoint)}, "hello from chromium")`);
      assert.deepEqual(await rep.recvText(10_000), ["hello from chromium"]);
      await rep.send(["hello page", { size: 300_000, seed: 3 }]);
      const { result, exceptionDetails } = await running;
      assert.equal(exceptionDetails, undefined, JSON.stringify(exceptionDetails));
      const page = result.value as PageResult;
      assert.equal(page.protocol, "ZWS2.0");
      assert.equal(page.canPing, false);
      assert.deepEqual(page.peerRoutingId, []); // libzmq's routing id over bare ZWS2.0: empty
      assert.deepEqual(page.reply.slice(0, 2), ["", "hello page"]);
      assert.equal(page.replyLength, 300_000);
      assert.equal(page.slashRefused, "SyntaxError");
      assert.equal(page.curveRefused, "ENOTSUP");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
