#!/usr/bin/env bash
# Builds the release site and server: the browser bundle (the islands; each
# lazy island and the assistant's panel split into a module of its own),
# optimised by wasm-opt, its files content-hashed and precompressed (Brotli,
# gzip); the server in target/release.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
printf '\033[1;36m==> [%3ds] %s\033[0m\n' "$SECONDS" "Building (cargo leptos build --release --split --precompress)"
exec cargo leptos build --release --split --precompress "$@"
