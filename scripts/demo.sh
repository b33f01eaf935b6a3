#!/usr/bin/env bash
# Sets up what is missing, builds the runtime and its strategy plugins, and runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build
RUNTIME="$(swift build --show-bin-path)/runtime"
"$RUNTIME" --help
