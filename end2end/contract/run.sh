#!/usr/bin/env bash
# The API contract, checked from outside: Schemathesis reads the served OpenAPI
# document and throws generated requests (valid and invalid) at every operation
# with every check (`--checks all`), as a demo patient, a doctor and an
# administrator at once, each against a fresh server with the demo data.
# As the doctor, pypdf then reads the printed records back (pdf_check.py).
#
# Installs Schemathesis (pinned in requirements.txt) into target/contract-venv.
# MEDPLAT_BIN picks the server binary (default: the release build);
# CONTRACT_EXAMPLES the cases per operation (default 50); CONTRACT_SEED the seed
# (fixed by default, so a run is reproducible).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=end2end/contract
bin="${MEDPLAT_BIN:-target/release/medplat}"
venv=target/contract-venv

scripts/venv.sh "$venv" "$here/requirements.txt"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

server_pid=""
data_dir=""
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$data_dir" ]; then rm -rf "$data_dir"; fi
  server_pid=""; data_dir=""
}
trap stop_server EXIT

# One role: a fresh server with the demo data, then the whole document.
check_as() {
  local user=$1 password=$2 port
  port=$(free_port)
  data_dir=$(mktemp -d)
  # The fuzzer signs in again after every logout it provokes, and tries the
  # sign-in route itself: the sign-in throttle is lifted for this server only.
  DATA_DIR="$data_dir" PORT="$port" DEMO_DATA=true RUST_LOG=warn \
    LOGIN_ATTEMPTS_PER_ACCOUNT=1000000 LOGIN_ATTEMPTS_PER_ADDRESS=1000000 \
    "$bin" serve >"$data_dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$data_dir/server.log"; echo "server exited"; return 1; fi
    sleep 0.5
  done
  local status=0
  # Before the fuzzer changes anything: the demo's documents as they are.
  if [ -n "${PDF_CHECK:-}" ]; then
    echo "--- PDFs read back with pypdf as $user"
    "$venv/bin/python" "$here/pdf_check.py" "http://127.0.0.1:$port" "$user" "$password" || status=$?
  fi
  echo "--- API contract as $user"
  (cd "$here" && MEDPLAT_USER="$user" MEDPLAT_PASSWORD="$password" \
    "../../$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
      --checks all --workers 1 --no-color \
      --max-examples "${CONTRACT_EXAMPLES:-50}" --seed "${CONTRACT_SEED:-20261122}") || status=$?
  if [ "$status" != 0 ]; then echo "--- server log"; tail -30 "$data_dir/server.log"; fi
  stop_server
  return "$status"
}

# The three roles at once (each its own server, port and data); their
# reports follow in order.
logs=$(mktemp -d)
check_as marie rendez-vous-2026 >"$logs/1" 2>&1 &
pids=($!)
sleep 1
PDF_CHECK=1 check_as dr.dupont consultation-2026 >"$logs/2" 2>&1 &
pids+=($!)
sleep 1
check_as admin 'gestion-2026!' >"$logs/3" 2>&1 &
pids+=($!)
failed=0
for i in 1 2 3; do
  wait "${pids[$((i - 1))]}" || failed=1
  cat "$logs/$i"
done
rm -rf "$logs"
exit "$failed"
