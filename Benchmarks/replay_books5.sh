#!/usr/bin/env bash
# Issue 23's workload through `runtime replay` itself, persistence off and on, side by side with
# another build of the runtime (the previous main's, say) in one run:
#
#   scripts/bench.sh e2e --books5 [--file FILE] [--trades N] [--baseline OTHER/runtime]
#
# FILE defaults to Benchmarks/make_trades_books5.py's seeded 1,000,000 ETH-USDT trades with a books5
# before each (2,000,000 frames, made once under $TMPDIR). DATABASE_URL names an empty database
# (scripts/bench.sh starts a throwaway cluster; BENCH_FLAVOR=timescaledb for the hypertable schema).
# Each binary gets a database of its own, migrated by that binary, with Benchmarks/workloads/sma_books5.yaml
# deployed. Prints events/s (frames in the file / wall time of the whole command, start-up and the
# final flush included) and peak RSS per run.
# To build a baseline: git worktree add /tmp/base <rev> && (cd /tmp/base && swift build -c release --product runtime --product SMACrossover)
set -euo pipefail
cd "$(dirname "$0")/.."

file="" trades=1000000 baseline=""
while [ $# -gt 0 ]; do
  case "$1" in
    --file) file="$2"; shift 2 ;;
    --trades) trades="$2"; shift 2 ;;
    --baseline) baseline="$2"; shift 2 ;;
    --books5) shift ;;
    *) echo "replay_books5.sh: unknown argument $1 (expected --file FILE, --trades N, --baseline BIN)" >&2; exit 2 ;;
  esac
done
: "${DATABASE_URL:?replay_books5.sh needs DATABASE_URL (scripts/bench.sh e2e --books5 starts a throwaway cluster)}"
if [ -n "$baseline" ] && [ ! -x "$baseline" ]; then echo "--baseline $baseline: not an executable" >&2; exit 2; fi

if [ -z "$file" ]; then
  file="${TMPDIR:-/tmp}/ea-okx-books5-seed42-$trades.jsonl"
  [ -s "$file" ] || python3 Benchmarks/make_trades_books5.py --trades "$trades" --seed 42 --out "$file"
fi
frames=$(wc -l < "$file")

# The account's daily loss cap (config/runtime.yaml) would halt the strategy on the fees alone.
config="$(mktemp -d)"
trap 'rm -rf "$config"' EXIT
cp config/*.yaml "$config/"
sed -i 's/^\(  max_daily_loss:\).*/\1 "100000000"/' "$config/runtime.yaml"

current="$(swift build -c release --show-bin-path)/runtime"
run() { # label binary database
  local label="$1" bin="$2" url="$3"
  local setup="$config/setup.log"
  for step in migrate "deploy Benchmarks/workloads/sma_books5.yaml"; do
    RUNTIME_CONFIG_DIR="$config" DATABASE_URL="$url" "$bin" $step > "$setup" 2>&1 || { cat "$setup" >&2; exit 1; }
  done
  for persist in --no-persist ""; do
    local out; out="$(mktemp)"
    RUNTIME_CONFIG_DIR="$config" DATABASE_URL="$url" /usr/bin/time -f "%e %M" -o "$out.time" \
      "$bin" replay "$file" $persist > "$out" 2>/dev/null
    read -r wall rss < "$out.time"
    local orders; orders="$(grep -m1 '^orders' "$out" | sed 's/orders \([0-9]*\), fills \([0-9]*\).*/\1\/\2/')"
    awk -v l="$label" -v p="${persist:-persisted}" -v f="$frames" -v w="$wall" -v r="$rss" -v o="$orders" \
      'BEGIN { printf "%-10s %-14s %12.0f %10.2f %9d  %s\n", l, p, f / w, w, r / 1024, o }'
    rm -f "$out" "$out.time"
  done
}
database_url() { # name: DATABASE_URL with the database replaced
  python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$DATABASE_URL" "$1"
}
for name in bench_current bench_baseline; do
  PGOPTIONS="-c client_min_messages=warning" psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
done
echo "input: $file ($frames frames)"
printf '%-10s %-14s %12s %10s %9s  %s\n' build persistence events/s "wall s" "RSS MB" "orders/fills"
run current "$current" "$(database_url bench_current)"
[ -z "$baseline" ] || run baseline "$baseline" "$(database_url bench_baseline)"
