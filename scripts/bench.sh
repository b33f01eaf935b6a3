#!/usr/bin/env bash
# Runs the benchmark suites in Benchmarks/ (ordo-one/benchmark) in a release build.
#
#   scripts/bench.sh                       every suite
#   scripts/bench.sh FixedPointText        one suite (a folder name under Benchmarks/Benchmarks/)
#   scripts/bench.sh FixedPointText --filter 'parse.*'   extra arguments go to `benchmark run`
#
# Results print as tables (wall clock, throughput, mallocs per iteration). Compare against a saved
# baseline with `swift package --package-path Benchmarks benchmark baseline update NAME` and
# `... benchmark baseline compare NAME`. The first release build takes several minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f Benchmarks/Package.swift ]; then
  echo "Benchmarks/Package.swift not found" >&2
  exit 1
fi

target_args=()
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  suite="$1"
  shift
  if [ ! -d "Benchmarks/Benchmarks/$suite" ]; then
    echo "no suite '$suite'; suites are: $(ls Benchmarks/Benchmarks | tr '\n' ' ')" >&2
    exit 1
  fi
  target_args=(--target "$suite")
fi

# The plugin builds the suites in release mode itself; --allow-writing-to-package-directory lets it
# keep results and baselines under Benchmarks/.benchmarkBaselines (gitignored).
exec swift package --package-path Benchmarks --disable-sandbox --allow-writing-to-package-directory \
  benchmark run "${target_args[@]}" --no-progress "$@"
