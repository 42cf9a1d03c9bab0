#!/usr/bin/env bash
# Runs every test: unit, integration, the storage contract suite on SQLite and
# PostgreSQL, and the browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
say() { printf '\033[1;36m==> [%3ds] %s\033[0m\n' "$SECONDS" "$*"; }

# PostgreSQL for the storage contract suite: each test creates its own database.
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
  say "Starting the local PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi

say "Building the site and the server (cargo leptos build)"
cargo leptos build

say "Unit, integration and storage contract tests"
cargo test -p domain -p app -p server

say "Browser tests (Chromium)"
end2end/run.sh
say "All tests passed"
