#!/usr/bin/env bash
# Builds the npm package, packs it, installs the tarball into a scratch
# project in a temp dir and runs the Node and Bun suites against it (not
# against the sources). Needs `npm install` done in the repo (deno, esbuild,
# typescript, bun and zeromq come from devDependencies).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
bin="$repo/node_modules/.bin"

"$bin/deno" run -A npm/build.ts

scratch="$(mktemp -d "${TMPDIR:-/tmp}/zmq-ts-npm-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
(cd npm/dist && npm pack --silent --pack-destination "$scratch" >/dev/null)
tarball="$(ls "$scratch"/zmq-ts-*.tgz)"
echo "packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"
if tar -tzf "$tarball" | grep -Ev '^package/([a-z0-9_-]+\.(mjs|cjs)|README\.md|LICENSE|package\.json|types/.*)$'; then
  echo "unexpected files in the tarball" >&2
  exit 1
fi

if tar -xzOf "$tarball" package/package.json | grep -q '"scripts"'; then
  echo "the package must not have install (or any) scripts" >&2
  exit 1
fi

# What `npm publish` would upload, checked by npm itself: no warning but the dry run's "not logged in".
publish_log="$(cd npm/dist && npm publish --dry-run 2>&1)"
if echo "$publish_log" | grep -i 'warn' | grep -v 'requires you to be logged in'; then
  echo "npm publish --dry-run warns (see above)" >&2
  exit 1
fi
echo "npm publish --dry-run: ok"

cd "$scratch"
cat > package.json <<'JSON'
{ "name": "zmq-ts-scratch", "private": true, "type": "module" }
JSON
npm install --silent --no-audit --no-fund "$tarball"
mkdir tests
cp "$repo"/npm/tests/*.mjs tests/
cp -r "$repo"/npm/tests/v5_programs tests/
export ZMQ_TS_REPO="$repo"

# The types resolve for import and require consumers (moduleResolution nodenext and bundler).
cat > consumer.mts <<'TS'
import { Pull, Push, type Message } from "zmq-ts";
const pull: Pull = new Pull();
const push = new Push({ sendHighWaterMark: 10 });
const received: Promise<Message[]> = pull.receive();
void push; void received;
import * as v5 from "zmq-ts/v5-compat";
const req: v5.Socket = v5.socket("req", { linger: 0 });
req.on("message", (reply) => void reply);
req.send(["a", 1], v5.ZMQ_SNDMORE, (err?: Error) => void err);
TS
cat > consumer.cts <<'TS'
import zmq = require("zmq-ts");
const router: zmq.Router = new zmq.Router({ mandatory: true });
void router;
import v5 = require("zmq-ts/v5-compat");
const sub: v5.Socket = v5.createSocket("sub");
sub.subscribe("topic");
TS
for resolution in nodenext bundler; do
  if [ "$resolution" = nodenext ]; then module=nodenext; files='"consumer.mts", "consumer.cts"'; else module=esnext; files='"consumer.mts"'; fi
  cat > tsconfig.json <<JSON
{ "compilerOptions": { "strict": true, "noEmit": true, "lib": ["esnext"], "types": [],
  "module": "$module", "moduleResolution": "$resolution" }, "files": [$files] }
JSON
  node "$repo/node_modules/typescript/bin/tsc" -p tsconfig.json
  echo "types: ok with moduleResolution $resolution"
done
rm tsconfig.json

# The bin: npx finds it in the installed package; a round trip with a libzmq REP (pyzmq) when present.
npx --no-install zmq-ts --help | grep -q '^Usage: zmq-ts COMMAND'
npx --no-install zmq-ts keygen --json | grep -q '"publicKey"'
if /usr/bin/python3 -c 'import zmq' 2>/dev/null; then
  port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  /usr/bin/python3 -c "
import zmq, sys
s = zmq.Context().socket(zmq.REP); s.bind('tcp://127.0.0.1:$port')
s.send(b'echo ' + s.recv())" &
  rep_pid=$!
  reply="$(npx --no-install zmq-ts req --connect "tcp://127.0.0.1:$port" -m hello --timeout 10000)"
  wait "$rep_pid"
  [ "$reply" = "echo hello" ] || { echo "npx zmq-ts req got: $reply" >&2; exit 1; }
  echo "bin: npx zmq-ts --help, keygen and a REQ round trip with libzmq: ok"
else
  echo "bin: npx zmq-ts --help and keygen: ok (no pyzmq here: round trip skipped)"
fi

echo "== node $(node --version) =="
node --test --test-reporter=spec tests/smoke_test.mjs tests/*.test.mjs
echo "== bun $("$bin/bun" --version) =="
"$bin/bun" test --timeout 30000 tests/
