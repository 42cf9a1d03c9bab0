#!/usr/bin/env bash
# The development loop: a debug build served at http://127.0.0.1:3000/, rebuilt
# and reloaded in the browser when a source file changes (cargo leptos watch).
# Faster to rebuild than scripts/run.sh, but the WebAssembly is unoptimised
# (several MB); measure and test the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

mkdir -p "${DATA_DIR:-data}"
printf '\033[1;36m==> [%3ds] %s\033[0m\n' "$SECONDS" "Building and watching (cargo leptos watch)"
exec cargo leptos watch
