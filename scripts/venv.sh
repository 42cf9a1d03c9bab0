#!/usr/bin/env bash
# Makes the Python virtual environment $1 from the pinned requirements file $2:
# once, and again when the file changes (the outside tools that check the
# platform; the product needs no Python).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$1
requirements=$2
if [ ! -x "$venv/bin/python" ] || [ "$requirements" -nt "$venv/.installed" ]; then
  echo "Installing $requirements into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  touch "$venv/.installed"
fi
