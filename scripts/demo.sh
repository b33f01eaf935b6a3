#!/usr/bin/env bash
# The demo a newcomer runs: installs what is missing, builds the runtime and its strategy plugins,
# starts the embedded PostgreSQL, migrates, deploys the shipped strategies, paper-trades them for
# a minute (against OKX when it is reachable, otherwise against the synthetic feed, and says so),
# replays a real OKX recording, and prints `runtime status`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build
runtime="$(swift build --show-bin-path)/runtime"
duration="${DEMO_DURATION:-60s}"

"$runtime" db start
"$runtime" migrate
for manifest in strategies/*.yaml; do
  "$runtime" deploy "$manifest"
done

if [ "${DEMO_FEED:-auto}" != "synthetic" ] && timeout 5 bash -c 'exec 3<>/dev/tcp/ws.okx.com/8443' 2>/dev/null; then
  echo "== paper trading for $duration against the live OKX feed"
  "$runtime" run --paper --duration "$duration"
else
  echo "== OKX is not reachable from this machine: paper trading for $duration against the SYNTHETIC feed"
  echo "   (a seeded random walk in OKX's message format, NOT real prices)"
  "$runtime" run --paper --synthetic --duration "$duration"
fi

echo "== replaying a real OKX recording (BTC-USDT trades, tickers and books, 2022) on event time"
"$runtime" replay Tests/Fixtures/okx/ws/trades.jsonl Tests/Fixtures/okx/ws/tickers.jsonl Tests/Fixtures/okx/ws/books5.jsonl

echo "== runtime status"
"$runtime" status
