#!/usr/bin/env bash
# Runs every test against the release build: unit, integration, the storage
# contract suite on SQLite and PostgreSQL, and the browser tests in Chromium.
# One profile only: `cargo test --release` reuses what `cargo leptos build
# --release` compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1;36m==> [%3ds] %s\033[0m\n' "$SECONDS" "$*"; }
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
packages=(-p domain -p app -p server)

# The server and the tests need none of the tools setup.sh installs: they
# compile from the start, beside the installs and then the browser bundle, and
# fill the moments those leave a core idle. Plain cargo, with the environment
# cargo-leptos gives (.cargo/config.toml), so `cargo leptos build --server-only`
# finds the server built.
# Stops a process and everything it started (a step that fails stops the rest).
stop_tree() { local child; for child in $(pgrep -P "$1"); do stop_tree "$child"; done; kill "$1" 2>/dev/null || true; }
tests_log=$(mktemp)
venv_log=$(mktemp)
compile_log=$(mktemp)
rust="" bundle="" venvs=""
cleanup() {
  for job in $rust $bundle $venvs; do stop_tree "$job"; done
  rm -f "$tests_log" "$venv_log" "$compile_log"
}
trap cleanup EXIT
say "Compiling the server and the tests (cargo build/test --release), beside the installs"
(set -o pipefail
  cargo build --release -p server --bin medplat 2>&1 | sed -u 's/^/[rust] /'
  cargo test --release "${packages[@]}" --no-run 2>&1 | tee "$tests_log" | sed -u 's/^/[rust] /') &
rust=$!
scripts/setup.sh --test
say "The tools are installed"

# PostgreSQL for the storage contract suite: each test creates its own database.
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
  say "Starting the local PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi

# The shared reference data sets (tests read them; the product never does):
# ../shared/datasets beside the checkout, or the machine's copy.
if [ -z "${MEDPLAT_DATASETS:-}" ]; then
  for dir in "$PWD/../shared/datasets" /work/shared/datasets; do
    if [ -f "$dir/disease_symptom_patient_profile.csv" ]; then export MEDPLAT_DATASETS="$dir"; break; fi
  done
fi
if [ -z "${MEDPLAT_DATASETS:-}" ]; then
  echo "error: set MEDPLAT_DATASETS to the folder of the shared data sets (disease_symptom_patient_profile.csv)" >&2
  exit 1
fi

# The outside checks' Python tools install (mostly downloads) while the build
# compiles; each step below waits for them first.
(scripts/venv.sh target/test-venv scripts/test-python/requirements.txt \
  && scripts/venv.sh target/ml-venv scripts/ml/requirements.txt \
  && scripts/venv.sh target/contract-venv end2end/contract/requirements.txt) >"$venv_log" 2>&1 &
venvs=$!

# The browser bundle builds beside the server and the tests (see
# scripts/build.sh): its one-core stretches overlap their compilation.
(set -o pipefail; scripts/build.sh --frontend-only 2>&1 | sed -u 's/^/[bundle] /') &
bundle=$!
[ ! -e /proc/$rust ] || say "Waiting for the server and the tests to compile"
wait "$rust" || { echo "compiling the server or the tests failed" >&2; exit 1; }
# cargo-leptos's own server build: the server is fresh, so this only checks it.
# If anything compiles here, plain cargo and cargo-leptos gave different
# environments (README, Development).
scripts/build.sh --server-only 2>&1 | tee "$compile_log"
if grep -qE '^ *Compiling ' "$compile_log"; then
  echo "note: cargo-leptos compiled the server again; its environment differs from .cargo/config.toml"
fi
# The shared dependencies must have been fresh for the tests; if axum, Leptos
# or sqlx compiled again, the server and the tests resolved different features
# (see the feature list in server/Cargo.toml).
if grep -qE '^ *Compiling (axum|leptos|leptos_axum|hyper|tokio|sqlx-core) v' "$tests_log"; then
  echo "note: cargo test compiled shared dependencies again; their features differ from the server build"
fi
say "Waiting for the browser bundle"
wait "$bundle" || { echo "the browser bundle's build failed" >&2; exit 1; }

say "Python for the outside checks (Twilio's validator, aiosmtpd, pandas, pyarrow, openpyxl, fhir.resources, fhirclient; scikit-learn; Schemathesis)"
wait "$venvs" || { cat "$venv_log"; exit 1; }
cat "$venv_log"
export MEDPLAT_TEST_PYTHON="$PWD/target/test-venv/bin/python"

say "Unit, integration and storage contract tests"
cargo test --release "${packages[@]}"

say "Symptom model against scikit-learn on the same folds (floors in scripts/ml/forest_vs_sklearn.py)"
scripts/forest-vs-sklearn.sh --check

say "Browser tests (Chromium, release build): features, the walk of every page (axe), the surface"
end2end/run.sh
say "Lighthouse on the arrival pages (mobile preset; accessibility and best practices at least 95)"
LIGHTHOUSE_ASSERT=1 end2end/with-server.sh node end2end/lighthouse.mjs
say "API contract (Schemathesis as patient, doctor, administrator; release build)"
end2end/contract/run.sh
say "All tests passed"
