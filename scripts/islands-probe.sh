#!/usr/bin/env bash
# Weighs a page shaped like the patient's home written with Leptos islands
# (scripts/islands-probe/: server-rendered cards, hydrated buttons): builds its
# browser bundle as the platform's is built (the wasm-release profile,
# erase_components, wasm-bindgen, npm binaryen's wasm-opt -Oz) and prints its
# size raw, with Brotli and with gzip; then the same page hydrated whole
# (without islands), for comparison; then serves the page with islands and
# uses it in Chromium (check.mjs). Needs scripts/setup.sh to have run
# (the wasm32 target, wasm-bindgen-cli, node_modules; Chromium with --test).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/scripts/islands-probe"
export PATH="$root/node_modules/.bin:$PATH"
target="$root/target/islands-probe"
pkg="$target/pkg"
weigh() {
  node -e '
const fs = require("fs"), zlib = require("zlib");
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + " KB";
for (const f of process.argv.slice(1)) {
  const raw = fs.readFileSync(f);
  const br = zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
  const gz = zlib.gzipSync(raw, { level: 9 });
  console.log(`${require("path").basename(f).padEnd(22)} raw ${kb(raw.length)}  Brotli ${kb(br.length)}  gzip ${kb(gz.length)}`);
}' "$@"
}
# The page with islands, then the same page hydrated whole.
for variant in islands whole; do
  features=(--features hydrate)
  [ "$variant" = whole ] && features=(--no-default-features --features hydrate)
  RUSTFLAGS="--cfg erase_components" cargo build --quiet --profile wasm-release \
    --target wasm32-unknown-unknown --lib "${features[@]}" --target-dir "$target"
  wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name "$variant" \
    "$target/wasm32-unknown-unknown/wasm-release/islands_probe.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$pkg/${variant}_bg.wasm" -o "$pkg/${variant}.wasm"
  rm "$pkg/${variant}_bg.wasm"
  weigh "$pkg/${variant}.wasm" "$pkg/${variant}.js"
done

# The page with islands served, then used in Chromium (scripts/islands-probe/check.mjs).
RUSTFLAGS="--cfg erase_components" cargo build --quiet --features ssr --bin islands-probe \
  --target-dir "$target"
port=${PROBE_PORT:-3100}
"$target/debug/islands-probe" "$port" islands &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.2; done
node check.mjs "http://127.0.0.1:$port/"
