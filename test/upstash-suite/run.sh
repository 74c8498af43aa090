#!/usr/bin/env bash
# The @upstash/redis SDK's own test suite (upstash/redis-js, packages/redis/pkg) run against a local
# blink-edge Worker, the way the SDK's CI runs it against Upstash: `bun test pkg` with
# UPSTASH_REDIS_REST_URL/TOKEN set. The tests of the Upstash-only search module
# (pkg/commands/search/*.test.ts) are left out.
#
# Usage: test/upstash-suite/run.sh REDIS_JS [PORT]
#   REDIS_JS  a checkout (or bare git directory) of github.com/upstash/redis-js; nothing of it is
#             copied into this repository
#   PORT      Worker port on 127.0.0.1 (default 7900); state goes to a fresh temp dir
# Env: BUN=path to a bun binary (default: npm installs bun@1.4.4 under $CACHE); CACHE (default
#      /tmp/blink-edge-upstash-suite); FILTER=path substring given to `bun test` instead of `pkg`,
#      to run some files only (FILTER=subscribe: the 13 pub/sub tests).
# Prints bun's summary and "UPSTASH-SUITE <pass> <fail>"; exits 0 when it ran (whatever failed).
set -u
SRC=${1:?usage: run.sh REDIS_JS [PORT]}
PORT=${2:-7900}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${CACHE:-/tmp/blink-edge-upstash-suite}
mkdir -p "$CACHE"
if [ -z "${BUN:-}" ]; then
  [ -x "$CACHE/bun/node_modules/.bin/bun" ] ||
    npm install --prefix "$CACHE/bun" bun@1.4.4 --no-audit --no-fund --loglevel=error >/dev/null
  BUN="$CACHE/bun/node_modules/.bin/bun"
fi
WORK=$(mktemp -d -t upstash-suite.XXXX)
if [ -d "$SRC/.git" ] || [ -f "$SRC/HEAD" ]; then
  git -C "$SRC" archive HEAD packages/redis | tar -x -C "$WORK"
else
  mkdir -p "$WORK/packages" && cp -r "$SRC/packages/redis" "$WORK/packages/"
fi
PKG="$WORK/packages/redis"
# Only the search tests go: the SDK's other modules import the search sources (pkg/redis.ts,
# platforms/*), and without them every test file that builds a Redis client fails to load.
rm -f "$PKG"/pkg/commands/search/*.test.ts
(cd "$PKG" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts --omit=dev uncrypto@0.1.3 >/dev/null)

node "$HERE/bin/blink-edge.mjs" dev --port "$PORT" --no-shim --state "$WORK/state" >"$WORK/worker.log" 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null' EXIT
for _ in $(seq 1 60); do
  curl -sf -X POST -d '["ping"]' "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break
  sleep 1
done
export UPSTASH_REDIS_REST_URL="http://127.0.0.1:$PORT" UPSTASH_REDIS_REST_TOKEN=local
(cd "$PKG" && "$BUN" test "${FILTER:-pkg}" --timeout 20000) >"$WORK/bun.log" 2>&1
grep -E '^\((fail)\)' "$WORK/bun.log" | sort | uniq >"$WORK/failures.txt"
tail -n 6 "$WORK/bun.log"
pass=$(grep -Eo '^ *[0-9]+ pass' "$WORK/bun.log" | grep -Eo '[0-9]+' | tail -1)
fail=$(grep -Eo '^ *[0-9]+ fail' "$WORK/bun.log" | grep -Eo '[0-9]+' | tail -1)
echo "logs: $WORK/bun.log, failing tests: $WORK/failures.txt" >&2
echo "UPSTASH-SUITE ${pass:-0} ${fail:-0}"
