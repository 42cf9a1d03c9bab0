#!/usr/bin/env bash
# Starts the built server on a free port with a fresh SQLite database and demo
# data, runs the browser tests against it in Chromium, then stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data_dir=$(mktemp -d)
log="$data_dir/server.log"
DATA_DIR="$data_dir" PORT="$port" DEMO_DATA=true RUST_LOG=info target/debug/medplat serve >"$log" 2>&1 &
server_pid=$!
cleanup() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$data_dir"; }
trap cleanup EXIT

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$log"; echo "server exited"; exit 1; fi
  sleep 0.5
done

status=0
BASE_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 end2end/tests/ || status=$?
if [ "$status" != 0 ]; then echo "--- server log ---"; tail -50 "$log"; fi
exit "$status"
