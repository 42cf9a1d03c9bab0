#!/usr/bin/env bash
# Builds the release site and server: the browser bundle (the islands; each
# lazy island and the assistant's panel split into a module of its own),
# optimised by wasm-opt, its files content-hashed and precompressed (Brotli,
# gzip); the server in target/release.
#
# The bundle and the server build side by side, as two cargo-leptos runs
# (`--frontend-only`, `--server-only`; separate target directories, so
# neither waits for the other's lock): the bundle's one-core stretches
# (wasm-split, wasm-bindgen, wasm-opt's calls, Brotli) overlap the server's
# compilation. On 2 cores the build as a whole took about as long as one
# half after the other (README, "What the first run installs"). With either flag, only that half is
# built (scripts/test.sh compiles the tests beside the bundle that way).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
say() { printf '\033[1;36m==> [%3ds] %s\033[0m\n' "$SECONDS" "$*"; }
build=(cargo leptos build --release --split --precompress)

# cargo-leptos calls node_modules/.bin/wasm-opt once per module of the bundle
# (hundreds): scripts/bin/wasm-opt stands there and hands each call to
# binaryen's wasm-opt loaded once, in the workers of scripts/wasm-opt/server.cjs
# (they stop when this build does).
wasm_opt_workers() {
  [ -x node_modules/binaryen/bin/wasm-opt ] || return 0
  ln -sfn ../../scripts/bin/wasm-opt node_modules/.bin/wasm-opt
  local port_file
  port_file=$(mktemp)
  node scripts/wasm-opt/server.cjs "$port_file" $$ >/dev/null 2>&1 &
  for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
  if [ -s "$port_file" ]; then export MEDPLAT_WASM_OPT_PORT="$(cat "$port_file")"; fi
  rm -f "$port_file"
}

for arg in "$@"; do
  case "$arg" in
    --frontend-only | --server-only)
      [ "$arg" = --server-only ] || wasm_opt_workers
      say "Building (${build[*]} $*)"
      exec "${build[@]}" "$@"
      ;;
  esac
done
wasm_opt_workers

# Stops a process and everything it started.
stop_tree() { local child; for child in $(pgrep -P "$1"); do stop_tree "$child"; done; kill "$1" 2>/dev/null || true; }

say "Building the bundle and the server side by side (${build[*]}, --frontend-only and --server-only)"
# Each half's lines carry its name; a subshell so that its status is cargo's.
(set -o pipefail; "${build[@]}" --frontend-only "$@" 2>&1 | sed -u 's/^/[bundle] /') &
bundle=$!
if ! (set -o pipefail; "${build[@]}" --server-only "$@" 2>&1 | sed -u 's/^/[server] /'); then
  stop_tree "$bundle"
  echo "the server build failed" >&2
  exit 1
fi
wait "$bundle" || { echo "the browser bundle's build failed" >&2; exit 1; }
say "Built: target/site (the bundle) and target/release/medplat (the server)"
