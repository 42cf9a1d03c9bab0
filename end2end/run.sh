#!/usr/bin/env bash
# Runs the browser tests in Chromium against the release build
# (target/release/medplat, started by with-server.sh). A bundle that does not
# hydrate fails them.
set -euo pipefail
cd "$(dirname "$0")/.."
exec end2end/with-server.sh node --test --test-concurrency=1 end2end/tests/
