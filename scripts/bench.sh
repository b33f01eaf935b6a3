#!/usr/bin/env bash
# Benchmarks (release builds). The first release build takes several minutes.
#
#   scripts/bench.sh e2e [--events N] [--file PATH] [--no-db] ...
#                     end-to-end throughput: one table (events/s without and with persistence,
#                     batching writer vs one-row INSERTs vs psql \copy). `--help` lists the options.
#   scripts/bench.sh e2e --books5 [--file F] [--baseline BIN]   issue 23's workload (trades with a books5
#                     before each) through `runtime replay`, persistence off and on, beside another build
#   scripts/bench.sh e2e --rss [N]   peak RSS over an N-event replay (default 10,000,000)
#   scripts/bench.sh e2e --candles N [--csv FILE]   a candles-only replay of N 1-minute bars; with
#                     --csv the same bars for Benchmarks/peers/backtesting_py_sma.py (side by side)
#   scripts/bench.sh candles [N] [ROUNDS]   the candles-only figure side by side: N bars (default
#                     1,000,000) replayed by e2e --candles (alone, and with the report's statistics
#                     as `runtime replay` works them out) and by backtesting.py (pip-installed when
#                     missing), ROUNDS rounds (default 3) taking turns; prints each run, the medians
#                     and the ratios
#   scripts/bench.sh e2e --writer-only   only the batching writer vs one-row INSERTs vs psql \copy table
#                     (BENCH_FLAVOR=timescaledb: on a TimescaleDB-preloaded cluster; default plain PostgreSQL)
#   scripts/bench.sh                 every micro-benchmark suite (ordo-one/benchmark)
#   scripts/bench.sh direct [Suite...]   the suites' executables run standalone, one summary line each
#   scripts/bench.sh Decode          one suite (a folder name under Benchmarks/Benchmarks/)
#   scripts/bench.sh HotPath --filter 'RiskEngine.*'   extra arguments go to `benchmark run`
#
# Suites print tables (wall clock percentiles, throughput, mallocs and instructions per iteration).
# Compare against a saved baseline with `swift package benchmark baseline update NAME` and
# `swift package benchmark baseline compare NAME`. The suites and the harness are targets of the
# root package (Package.swift), so they share its build folder.
set -euo pipefail
cd "$(dirname "$0")/.."

# Strategies are loaded as plugins from the executables' folder, as the host does.
build_strategy_plugin() { swift build -c release --product SMACrossover >&2; swift build -c release --product HandTunedSMACrossover >&2; }

if [ "${1:-}" = "e2e" ]; then
  shift
  books5=false
  case " $* " in *" --books5 "*) books5=true ;; esac
  if $books5; then swift build -c release --product runtime >&2; else swift build -c release --product e2e >&2; fi
  build_strategy_plugin
  bin="$(swift build -c release --show-bin-path)"
  case " $* " in *" --no-db "*|*" --rss"*|*" --candles "*|*" --help "*) exec "$bin/e2e" "$@" ;; esac
  harness=("$bin/e2e")
  if $books5; then harness=(Benchmarks/replay_books5.sh); fi
  if [ -n "${DATABASE_URL:-}" ]; then exec "${harness[@]}" "$@"; fi
  # A throwaway PostgreSQL cluster (fsync off) in a temporary folder, stopped and removed on exit.
  # (The harness can start one itself through Storage's ScratchDatabase, but from a plain
  # executable on this machine its `pg_ctl start` never returned: see the benchmarks report.)
  pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if command -v pg_config >/dev/null 2>&1; then pgbin="$(pg_config --bindir)"; fi
  home="$(mktemp -d /tmp/ea-okx-bench-pg.XXXXXX)"
  as_server=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$home"; as_server=(runuser -u postgres --); fi
  port=$((20000 + RANDOM % 20000))
  cleanup() { "${as_server[@]}" "$pgbin/pg_ctl" stop -D "$home/data" -m immediate -s >/dev/null 2>&1 || true; rm -rf "$home"; }
  trap cleanup EXIT
  "${as_server[@]}" "$pgbin/initdb" -D "$home/data" -U runtime --auth=trust -E UTF8 >/dev/null
  # BENCH_FLAVOR=timescaledb preloads TimescaleDB, so the schema migrates as hypertables.
  preload=""
  if [ "${BENCH_FLAVOR:-postgres}" = timescaledb ]; then preload="-c shared_preload_libraries=timescaledb"; fi
  "${as_server[@]}" "$pgbin/pg_ctl" start -D "$home/data" -l "$home/server.log" -w -s \
    -o "-k $home -p $port -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off $preload"
  "$pgbin/createdb" -h "$home" -p "$port" -U runtime runtime
  DATABASE_URL="postgresql://runtime@/runtime?host=$home&port=$port" "${harness[@]}" "$@"
  exit $?
fi

if [ "${1:-}" = "candles" ]; then
  bars="${2:-1000000}"
  rounds="${3:-3}"
  swift build -c release --product e2e >&2
  build_strategy_plugin
  bin="$(swift build -c release --show-bin-path)"
  python3 -c "import backtesting" 2>/dev/null || python3 -m pip install -q "backtesting==0.6.6" >&2
  csv="${TMPDIR:-/tmp}/ea-okx-candles-$bars.csv"
  "$bin/e2e" --candles "$bars" --csv "$csv" >/dev/null
  # Turns, not blocks: a machine whose speed drifts slows both sides alike.
  # Two runtime figures: the replay alone, and the replay with its report's statistics (what
  # `runtime replay` does, and what backtesting.py's timed run includes).
  ours=(); reported=(); theirs=()
  for round in $(seq "$rounds"); do
    figures="$("$bin/e2e" --candles "$bars" | sed -n 's/.*| *\([0-9,]*\) bars\/s.*/\1/p' | tr -d ,)"
    ours+=("$(echo "$figures" | sed -n 1p)"); reported+=("$(echo "$figures" | sed -n 2p)")
    theirs+=("$(python3 Benchmarks/peers/backtesting_py_sma.py "$csv" | sed -n 's/.*: \([0-9,]*\) bars\/s.*/\1/p' | tr -d ,)")
    echo "round $round: runtime ${ours[-1]} bars/s (with statistics ${reported[-1]}), backtesting.py ${theirs[-1]} bars/s"
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
  a="$(median "${ours[@]}")"; r="$(median "${reported[@]}")"; b="$(median "${theirs[@]}")"
  echo "median of $rounds: runtime $a bars/s ($(ratio "$a" "$b")x), with statistics $r bars/s ($(ratio "$r" "$b")x), backtesting.py $b bars/s"
  exit 0
fi

if [ "${1:-}" = "direct" ]; then
  # The suites' executables run standalone (no BenchmarkTool), one summary line per benchmark.
  # (Written while the host module was called Runtime, which ordo-one's canImport(Runtime) took for
  # Swift's own; the module is RuntimeHost now, and this mode stays as the quick one-line summary.)
  shift
  suites=("$@")
  [ ${#suites[@]} -gt 0 ] || suites=($(ls Benchmarks/Benchmarks))
  for suite in "${suites[@]}"; do swift build -c release --product "$suite" >&2; done
  build_strategy_plugin
  bin="$(swift build -c release --show-bin-path)"
  for suite in "${suites[@]}"; do
    out="$(mktemp)"
    "$bin/$suite" --quiet true > "$out" 2>&1
    python3 Benchmarks/summarize.py "$out"
    rm -f "$out"
  done
  exit 0
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
# keep results and baselines under .benchmarkBaselines (gitignored). E2E is the harness, not a suite.
build_strategy_plugin
exec swift package --disable-sandbox --allow-writing-to-package-directory \
  benchmark run "${target_args[@]}" --skip-target E2E --no-progress "$@"
