#!/usr/bin/env bash
# Makes target/test-venv: Python with the outside tools the API tests check
# the platform with (scripts/test-python/requirements.txt: Twilio's request
# validator, aiosmtpd, pandas, pyarrow, openpyxl, fhir.resources, fhirclient). The tests
# find it there, or at MEDPLAT_TEST_PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/test-venv
if [ ! -x "$venv/bin/python" ] || [ scripts/test-python/requirements.txt -nt "$venv/.installed" ]; then
  echo "Installing the API tests' Python tools into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/test-python/requirements.txt
  touch "$venv/.installed"
fi
