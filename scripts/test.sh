#!/usr/bin/env bash
# Sets up what is missing and runs every test. Tests start their own PostgreSQL through the
# project's embedded-cluster code and remove it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
# The benchmarks are not run here, but they are built (in debug: a release build of every
# dependency takes too long for CI on 2 cores) so they cannot rot. scripts/bench.sh runs them.
if [ -f Benchmarks/Package.swift ] && [ "${SKIP_BENCHMARK_BUILD:-}" != "1" ]; then
  swift build --package-path Benchmarks
fi
swift test --skip-build
