#!/usr/bin/env bash
# Builds the portals hydrated island by island (`--features islands`), uses
# the arrival pages in Chromium (end2end/islands-check.mjs: the landing page,
# signing in, the patient's home on a phone, signing out; fails on any console
# error or failed request), then prints scripts/measure.sh's figures for that
# build. It replaces the release build in target/: scripts/build.sh builds the
# default one (whole pages hydrated) again.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1;36m==> [%3ds] %s\033[0m\n' "$SECONDS" "$*"; }
scripts/build.sh --features islands
say "The arrival pages, island by island, in Chromium"
end2end/with-server.sh node end2end/islands-check.mjs
say "Their weight and time to hydrate (scripts/measure.sh)"
scripts/measure.sh
