#!/usr/bin/env bash
# Makes the Python virtual environment $1 from the pinned requirements file $2:
# once, and again when the file changes (the outside tools that check the
# platform; the product needs no Python).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$1
requirements=$2
# A virtual environment names its own folder in its scripts: one made in
# another checkout (moved or copied here) is made again.
home=$(realpath -m "$venv")
made_here() { [ "$(cat "$venv/.installed" 2>/dev/null)" = "$home" ]; }
if [ ! -x "$venv/bin/python" ] || [ "$requirements" -nt "$venv/.installed" ] || ! made_here; then
  echo "Installing $requirements into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  echo "$home" >"$venv/.installed"
fi
