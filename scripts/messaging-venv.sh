#!/usr/bin/env bash
# Makes target/messaging-venv: Python with Twilio's library (its
# RequestValidator signs the webhook tests' requests) and aiosmtpd (the SMTP
# server the e-mail tests send to). The tests find it there, or at
# MEDPLAT_TEST_PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/messaging-venv
if [ ! -x "$venv/bin/python" ] || [ scripts/messaging/requirements.txt -nt "$venv/.installed" ]; then
  echo "Installing twilio and aiosmtpd into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/messaging/requirements.txt
  touch "$venv/.installed"
fi
