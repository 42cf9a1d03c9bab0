#!/usr/bin/env bash
# Builds the release platform and starts it on SQLite with demo data:
# http://127.0.0.1:3000/  (scripts/dev.sh is the fast debug loop)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

scripts/build.sh
mkdir -p "${DATA_DIR:-data}"
exec target/release/medplat serve
