#!/usr/bin/env bash
# Prints the size of the release bundle (raw, Brotli, gzip, as served), what
# each lazy module (a lazy island, the assistant's panel) adds to the main
# bundle (end2end/bundle.mjs), and, in
# Chromium on DevTools' "Slow 4G" profile, the bytes transferred and the time to
# a hydrated page (on Slow 4G, and on Slow 4G with the CPU 4x slower) for the
# landing page, the sign-in page, a signed-in patient's home and a doctor's page
# as that patient finds it (end2end/measure.mjs); then Lighthouse's mobile scores and metrics for the
# landing page, the sign-in page and the patient's home (end2end/lighthouse.mjs).
# Uses the existing release build (scripts/run.sh or scripts/test.sh builds it);
# MEASURE_RUNS sets the loads per page (default 3); LIGHTHOUSE_ASSERT=1 fails
# when Lighthouse's accessibility or best practices score below 95.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

pkg=target/site/pkg
[ -d "$pkg" ] || { echo "$pkg is missing: run cargo leptos build --release --precompress first"; exit 1; }
size() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }
printf '%-40s %10s %10s %10s\n' "file" "raw" "brotli" "gzip"
for f in "$pkg"/medplat.*.wasm "$pkg"/*.js "$pkg"/*.css; do
  [ -f "$f" ] || continue
  printf '%-40s %10s %10s %10s\n' "${f#"$pkg"/}" "$(size "$f")" "$(size "$f.br")" "$(size "$f.gz")"
done
echo
node end2end/bundle.mjs "$pkg"
echo
exec end2end/with-server.sh bash -c 'node end2end/measure.mjs && echo && node end2end/lighthouse.mjs'
