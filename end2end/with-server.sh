#!/usr/bin/env bash
# Starts the release server (target/release/medplat, or $MEDPLAT_BIN) on a free
# port with a fresh SQLite database and demo data, runs the given command with
# BASE_URL pointing at it, then stops the server. Exits with the command's status.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${MEDPLAT_BIN:-target/release/medplat}"
[ -x "$bin" ] || { echo "$bin is missing: run cargo leptos build --release first"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data_dir=$(mktemp -d)
log="$data_dir/server.log"
# The tests sign in as the same demo accounts many times a minute; the
# per-account limit (5 a minute by default, tested by the API tests) would
# refuse them, so the browser tests run with a looser one.
DATA_DIR="$data_dir" PORT="$port" DEMO_DATA=true RUST_LOG="${RUST_LOG:-info}" \
  LOGIN_ATTEMPTS_PER_ACCOUNT="${LOGIN_ATTEMPTS_PER_ACCOUNT:-30}" "$bin" serve >"$log" 2>&1 &
server_pid=$!
cleanup() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$data_dir"; }
trap cleanup EXIT

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$log"; echo "server exited"; exit 1; fi
  sleep 0.5
done

status=0
BASE_URL="http://127.0.0.1:$port" "$@" || status=$?
if [ "$status" != 0 ]; then
  # The errors and warnings of the whole run first (a failure's cause is
  # rarely in the last lines), then the end of the log.
  echo "--- server log: errors and warnings ---"
  grep -aE '(ERROR|WARN)' "$log" | tail -40 || true
  echo "--- server log: last lines ---"
  tail -30 "$log"
fi
exit "$status"
