/**
 * Run by deno_permissions_test.ts in a Deno process that lacks some
 * permission: binds or connects a socket and prints, as one JSON line, the
 * error a bind rejected with, or the events a connect produced within a
 * short window. Usage: `deno run <flags> _permission_probe.ts bind|connect ENDPOINT`.
 */
import * as zmq from "../../mod.ts";

const [mode, endpoint] = Deno.args;
const push = new zmq.Push({ linger: 0 });
const events: { type: string; code?: string; message?: string }[] = [];
const record = (event: zmq.SocketEvent) => {
  const error = "error" in event ? event.error as zmq.ZmqError : undefined;
  events.push({ type: event.type, code: error?.code, message: error?.detail ?? error?.message });
};
for (const type of ["connect:delay", "connect:retry", "connect:error", "connect", "bind", "bind:error"] as const) {
  push.events.on(type, record);
}
if (mode === "bind") {
  try {
    await push.bind(endpoint);
    console.log(JSON.stringify({ bound: push.lastEndpoint }));
  } catch (err) {
    const e = err as zmq.ZmqError;
    console.log(JSON.stringify({ code: e.code, message: e.detail ?? e.message }));
  }
} else {
  push.connect(endpoint);
  // Long enough for several retries at the 100 ms reconnect interval, had the socket kept retrying.
  await new Promise((resolve) => setTimeout(resolve, 600));
  console.log(JSON.stringify({ events }));
}
push.close();
