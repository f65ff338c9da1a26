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
if tar -tzf "$tarball" | grep -Ev '^package/((index|v5-compat)\.(mjs|cjs)|README\.md|package\.json|types/.*)$'; then
  echo "unexpected files in the tarball" >&2
  exit 1
fi

if tar -xzOf "$tarball" package/package.json | grep -q '"scripts"'; then
  echo "the package must not have install (or any) scripts" >&2
  exit 1
fi

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

echo "== node $(node --version) =="
node --test --test-reporter=spec tests/smoke_test.mjs tests/*.test.mjs
echo "== bun $("$bin/bun" --version) =="
"$bin/bun" test --timeout 30000 tests/
