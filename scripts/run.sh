#!/usr/bin/env bash
# Builds the platform and starts it on SQLite with demo data: http://127.0.0.1:3000/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

printf '\033[1;36m==> [%3ds] %s\033[0m\n' "$SECONDS" "Building (cargo leptos build)"
cargo leptos build
mkdir -p "${DATA_DIR:-data}"
exec target/debug/medplat serve
