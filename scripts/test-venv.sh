#!/usr/bin/env bash
# Makes target/test-venv: Python with the outside tools the API tests check
# the platform with (scripts/test-python/requirements.txt: Twilio's request
# validator, aiosmtpd, pandas, pyarrow, openpyxl, fhir.resources, fhirclient). The tests
# find it there, or at MEDPLAT_TEST_PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/venv.sh target/test-venv scripts/test-python/requirements.txt
