#!/usr/bin/env bash
# Installs the system packages the runtime and its tests need (Debian/Ubuntu), when missing.
# As root it installs them; otherwise it says exactly what to install.
set -euo pipefail
needed=()
command -v swift >/dev/null 2>&1 || { echo "error: the Swift 6.3 toolchain is not on PATH (expected /opt/swift/usr/bin); install it first." >&2; exit 1; }
# The highest server version in Debian's layout (where PATH usually only has client wrappers).
debian_pg_bin() { local found=""; for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && found="$dir"; done; echo "$found"; }
pg_found="$(debian_pg_bin)"
command -v initdb >/dev/null 2>&1 && pg_found="${pg_found:-$(dirname "$(command -v initdb)")}"
[ -n "$pg_found" ] || needed+=(postgresql)
command -v psql >/dev/null 2>&1 || needed+=(postgresql-client)
dpkg -s libpq-dev >/dev/null 2>&1 || needed+=(libpq-dev)
dpkg -s libssl-dev >/dev/null 2>&1 || needed+=(libssl-dev)
dpkg -s libyaml-dev >/dev/null 2>&1 || needed+=(libyaml-dev)
# The report test opens `runtime replay --report` pages in headless Chromium (a screenshot for CI).
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
if [ ${#needed[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing ${needed[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
    # Debian's postgresql package starts a system cluster; the runtime uses its own, so stop it.
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      for c in $(pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}'); do pg_ctlcluster ${c%/*} ${c#*/} stop 2>/dev/null || true; done
    fi
  else
    echo "error: missing system packages: ${needed[*]}" >&2
    echo "       run as root: apt-get install -y ${needed[*]}" >&2
    exit 1
  fi
fi

# TimescaleDB: the runtime's TimescaleDB flavor (and the tests of it) need the extension in the
# server's library folder. No Debian package ships it, so when it is missing it is built from the
# upstream source in ../shared/vendor/ (about two minutes on 2 cores). Without it everything runs on
# the plain PostgreSQL flavor; see the README for Timescale's own packages.
# Found again: the server may have been installed just above.
pg_bin="$(debian_pg_bin)"
tsdb_source="$(cd "$(dirname "$0")/../.." && pwd)/shared/vendor/timescaledb-2.28.3.tar.gz"
if [ -n "$pg_bin" ] && [ ! -f "$(dirname "$pg_bin")/lib/timescaledb.so" ] && [ "${RUNTIME_SKIP_TIMESCALEDB:-}" != "1" ]; then
  pg_major="$(basename "$(dirname "$pg_bin")")"
  if [ ! -f "$tsdb_source" ]; then
    echo "setup: TimescaleDB is not installed and $tsdb_source is missing: using the plain PostgreSQL flavor"
  elif [ "$(id -u)" -ne 0 ]; then
    echo "setup: TimescaleDB is not installed; to build it from $tsdb_source run scripts/setup.sh as root" >&2
  elif [ "$pg_major" -lt 13 ] || [ "$pg_major" -gt 17 ]; then
    echo "setup: TimescaleDB 2.28 does not support PostgreSQL $pg_major: using the plain PostgreSQL flavor"
  else
    echo "setup: building TimescaleDB 2.28.3 for PostgreSQL $pg_major from $tsdb_source"
    export DEBIAN_FRONTEND=noninteractive
    # The dev package exactly at the running server's version, so apt does not upgrade the server.
    server_version="$(dpkg-query -W -f='${Version}' "postgresql-$pg_major" 2>/dev/null || true)"
    dev_package="postgresql-server-dev-$pg_major${server_version:+=$server_version}"
    tsdb_needed=()
    dpkg -s "postgresql-server-dev-$pg_major" >/dev/null 2>&1 || tsdb_needed+=("$dev_package")
    command -v cmake >/dev/null 2>&1 || tsdb_needed+=(cmake)
    dpkg -s libkrb5-dev >/dev/null 2>&1 || tsdb_needed+=(libkrb5-dev)
    if [ ${#tsdb_needed[@]} -gt 0 ]; then
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${tsdb_needed[@]}" >/dev/null
    fi
    build_dir="$(mktemp -d)"
    trap 'rm -rf "$build_dir"' EXIT
    tar -xzf "$tsdb_source" -C "$build_dir"
    (
      cd "$build_dir/timescaledb-2.28.3"
      ./bootstrap -DPG_CONFIG="$(dirname "$pg_bin")/bin/pg_config" -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF \
        -DWARNINGS_AS_ERRORS=OFF -DLINTER=OFF -DGENERATE_DOWNGRADE_SCRIPT=OFF -DUSE_TELEMETRY=OFF >"$build_dir/log" 2>&1 \
        && make -C build -j"$(nproc)" >>"$build_dir/log" 2>&1 \
        && make -C build install >>"$build_dir/log" 2>&1
    ) || { echo "error: building TimescaleDB failed; the last lines of its log:" >&2; tail -30 "$build_dir/log" >&2; exit 1; }
    echo "setup: TimescaleDB 2.28.3 installed into $(dirname "$pg_bin")/lib"
  fi
fi
