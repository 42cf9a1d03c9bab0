#!/usr/bin/env bash
# Installs what building (and, with --test, testing) needs. Idempotent: each tool
# is skipped when already present at the right version.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test_tools=false
[ "${1:-}" = "--test" ] && want_test_tools=true

say() { printf '\033[1;36m==> [%3ds] %s\033[0m\n' "$SECONDS" "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

CARGO_LEPTOS_VERSION=0.3.10
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)"; exit 1; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# System packages and npm (mostly downloads) install in the background while
# the two Rust tools compile; their output follows once they are done.
packages_log=$(mktemp)
trap 'rm -f "$packages_log"' EXIT
# sudo asks here, in the foreground, if a system package is missing.
if [ "$(id -u)" != 0 ] && { ! command -v npm >/dev/null \
  || { $want_test_tools && { ! command -v chromium >/dev/null \
    || ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; }; }; }; then
  sudo -v
fi
(
if ! command -v npm >/dev/null; then
  say "Installing Node.js and npm"
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi

# wasm-opt comes from npm's binaryen (132), never Debian's binaryen 108: that
# one's output fails to hydrate in Chromium. node_modules/.bin goes first on PATH.
if [ ! -x node_modules/.bin/tailwindcss ] || [ ! -x node_modules/.bin/wasm-opt ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "Installing Tailwind CSS, wasm-opt (binaryen) and Playwright (npm, from package-lock.json)"
  # Not `npm ci`: npm refuses the lock file over Tailwind's per-platform optional
  # packages (npm/cli#4828); `install --no-save` follows the lock and leaves it alone.
  npm install --no-audit --no-fund --no-save --loglevel=error
fi

if $want_test_tools && ! command -v chromium >/dev/null; then
  say "Installing Chromium for the browser tests"
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

# The API contract check installs Schemathesis into a virtual environment.
if $want_test_tools && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  say "Installing Python's venv module for the API contract check"
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
fi
) >"$packages_log" 2>&1 &
packages=$!

# wasm-bindgen-cli compiles beside cargo-leptos (each leaves the other's idle
# moments to it).
bindgen_log=$(mktemp)
trap 'rm -f "$packages_log" "$bindgen_log"' EXIT
bindgen=""
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once, in the background)"
  # At opt-level 1 rather than its release profile's 3: it runs once per build
  # of the bundle, and compiles in less time (README, "What the first run
  # installs").
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" \
    --config profile.release.opt-level=1 >"$bindgen_log" 2>&1 &
  bindgen=$!
fi

if [ "$(cargo leptos --version 2>/dev/null || true)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (several minutes, once)"
  # A build tool run a few times: compiled unoptimised in parallel codegen
  # units, without its release profile's fat LTO, which nearly halves the
  # install (README). What it runs on every file of the site stays at
  # opt-level 3: the compressors (Brotli, gzip), the content hash, wasm-split's
  # reading and writing of modules, and the tool's own crate, where the
  # compressors' generic code is compiled.
  fast=()
  for crate in brotli brotli-decompressor alloc-no-stdlib alloc-stdlib libflate libflate_lz77 \
    crc32fast adler32 rle-decode-fast dary_heap flate2 miniz_oxide seahash md-5 \
    wasm_split_cli_support wasmparser wasm-encoder gimli cargo-leptos; do
    fast+=(--config "profile.release.package.$crate.opt-level=3")
  done
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION" --features no_downloads \
    --config profile.release.opt-level=0 --config profile.release.lto=false \
    --config profile.release.codegen-units=16 "${fast[@]}"
  say "cargo-leptos installed"
fi


[ -z "$bindgen" ] || ! kill -0 "$bindgen" 2>/dev/null || say "Waiting for wasm-bindgen-cli"
if [ -n "$bindgen" ] && ! wait "$bindgen"; then
  cat "$bindgen_log"
  echo "installing wasm-bindgen-cli failed" >&2
  exit 1
fi

if ! wait "$packages"; then
  cat "$packages_log"
  echo "installing the system packages or npm's failed" >&2
  exit 1
fi
cat "$packages_log"
