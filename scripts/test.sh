#!/usr/bin/env bash
# Sets up what is missing and runs every test. Tests start their own PostgreSQL through the
# project's embedded-cluster code and remove it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
# The benchmarks are not run in CI, but they are built so they cannot rot.
if [ -f Benchmarks/Package.swift ] && [ "${SKIP_BENCHMARK_BUILD:-}" != "1" ]; then
  swift build --package-path Benchmarks -c release
fi
swift test --skip-build
