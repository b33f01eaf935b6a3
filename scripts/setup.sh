#!/usr/bin/env bash
# Installs the system packages the runtime and its tests need (Debian/Ubuntu), when missing.
# As root it installs them; otherwise it says exactly what to install.
set -euo pipefail
needed=()
command -v swift >/dev/null 2>&1 || { echo "error: the Swift 6.3 toolchain is not on PATH (expected /opt/swift/usr/bin); install it first." >&2; exit 1; }
pg_found=""
for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && pg_found="$dir"; done
command -v initdb >/dev/null 2>&1 && pg_found="${pg_found:-$(dirname "$(command -v initdb)")}"
[ -n "$pg_found" ] || needed+=(postgresql)
command -v psql >/dev/null 2>&1 || needed+=(postgresql-client)
dpkg -s libpq-dev >/dev/null 2>&1 || needed+=(libpq-dev)
dpkg -s libssl-dev >/dev/null 2>&1 || needed+=(libssl-dev)
dpkg -s libyaml-dev >/dev/null 2>&1 || needed+=(libyaml-dev)
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
