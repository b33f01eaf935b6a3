#!/usr/bin/env bash
# Sets up what is missing and runs every test. Tests start their own PostgreSQL through the
# project's embedded-cluster code and remove it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Builds everything once, the benchmark suites and the e2e harness included (in debug: they are
# not run here, but they compile with the rest so they cannot rot; scripts/bench.sh runs them).
swift build --build-tests
# Each test suite has a watchdog that fails a stalled test and names it; this outer limit only
# catches a stall outside any test (the test process starting or exiting).
# The whole output is kept, and on failure what failed is printed again last: a CI log shows
# only its tail, and one failed expectation among 700 passing tests is otherwise cut off.
log=.build/test-output.log
status=0
timeout --kill-after=60 40m swift test --skip-build 2>&1 | tee "$log" || status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "---- what failed (the whole output is in $log) ----" >&2
  grep -E -A 4 "✘|recorded an issue|: error:|Fatal error" "$log" | grep -v "^✔" | head -n 200 >&2 || true
fi
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "error: the test process did not finish within 40 minutes and was killed (a stall outside any test's watchdog)" >&2
fi
exit "$status"
