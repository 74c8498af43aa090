#!/usr/bin/env bash
# The longer fuzz campaign of issue 5 (CI runs 10,000 inputs per codec; this runs 200,000):
#   1. every codec into the engine with store invariants and a restart check
#      (test/unit/fuzz-doors.test.ts: Blink, Redis, gevent, Light-Redis;
#       test/unit/fuzz-upstash.test.ts: Upstash body, pipeline, multi-exec, path form);
#   2. the RESP and gevent framers on junk bytes (test/unit/resp-parse.test.ts and
#      gevent-wire.test.ts, 10,000 inputs per run), JUNK_ROUNDS runs with distinct seeds.
#
#   bench/fuzz.sh                      # FUZZ_RUNS=200000, JUNK_ROUNDS=20
#   FUZZ_RUNS=1000000 JUNK_ROUNDS=100 bench/fuzz.sh
#
# Exit status 0 when every run passed. A failing junk round prints its FC_SEED; rerun it with
#   FC_SEED=<seed> npx vitest run --project unit test/unit/resp-parse.test.ts -t "junk inputs"
set -uo pipefail
cd "$(dirname "$0")/.."

export FUZZ_RUNS="${FUZZ_RUNS:-200000}"
JUNK_ROUNDS="${JUNK_ROUNDS:-20}"
JUNK_PER_ROUND=10000
log="$(mktemp -t blink-edge-fuzz.XXXXXX)"
trap 'rm -f "$log"' EXIT
failed=0
started=$(date +%s)

echo "fuzz: ${FUZZ_RUNS} inputs per codec into the engine"
if ! npx vitest run --project unit test/unit/fuzz-doors.test.ts test/unit/fuzz-upstash.test.ts \
  >"$log" 2>&1; then
  cat "$log"
  failed=1
fi
sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^fuzz [^:]+: [0-9]+ inputs' | sed 's/^/  /'

echo "fuzz: RESP and gevent framers, ${JUNK_ROUNDS} rounds × ${JUNK_PER_ROUND} junk inputs each"
for ((i = 1; i <= JUNK_ROUNDS; i++)); do
  seed=$(( (RANDOM << 16 | RANDOM) & 0x7fffffff ))
  if ! FC_SEED=$seed npx vitest run --project unit test/unit/resp-parse.test.ts \
    test/unit/gevent-wire.test.ts -t "junk inputs" >"$log" 2>&1; then
    cat "$log"
    echo "  round $i FAILED: FC_SEED=$seed"
    failed=1
  fi
done
echo "  resp-parse: $((JUNK_ROUNDS * JUNK_PER_ROUND)) junk inputs; gevent-wire: $((JUNK_ROUNDS * JUNK_PER_ROUND)) junk inputs"

echo "fuzz: $([ $failed -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started )) s"
exit $failed
