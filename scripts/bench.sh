#!/usr/bin/env bash
# Benchmarks (release builds). The first release build takes several minutes.
#
#   scripts/bench.sh e2e [--events N] [--file PATH] [--no-db] ...
#                     end-to-end throughput: one table (events/s without and with persistence,
#                     batching writer vs one-row INSERTs vs psql \copy). `--help` lists the options.
#   scripts/bench.sh e2e --rss [N]   peak RSS over an N-event replay (default 10,000,000)
#   scripts/bench.sh                 every micro-benchmark suite (ordo-one/benchmark)
#   scripts/bench.sh Decode          one suite (a folder name under Benchmarks/Benchmarks/)
#   scripts/bench.sh HotPath --filter 'RiskEngine.*'   extra arguments go to `benchmark run`
#
# Suites print tables (wall clock percentiles, throughput, mallocs and instructions per iteration).
# Compare against a saved baseline with `swift package --package-path Benchmarks benchmark baseline
# update NAME` and `... benchmark baseline compare NAME`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f Benchmarks/Package.swift ]; then
  echo "Benchmarks/Package.swift not found" >&2
  exit 1
fi

if [ "${1:-}" = "e2e" ]; then
  shift
  swift build --package-path Benchmarks -c release --product e2e >&2
  bin="$(swift build --package-path Benchmarks -c release --show-bin-path)"
  exec "$bin/e2e" "$@"
fi

target_args=()
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  suite="$1"
  shift
  if [ ! -d "Benchmarks/Benchmarks/$suite" ]; then
    echo "no suite '$suite'; suites are: $(ls Benchmarks/Benchmarks | tr '\n' ' ') (or e2e)" >&2
    exit 1
  fi
  target_args=(--target "$suite")
fi

# The plugin builds the suites in release mode itself; --allow-writing-to-package-directory lets it
# keep results and baselines under Benchmarks/.benchmarkBaselines (gitignored).
exec swift package --package-path Benchmarks --disable-sandbox --allow-writing-to-package-directory \
  benchmark run "${target_args[@]}" --no-progress "$@"
