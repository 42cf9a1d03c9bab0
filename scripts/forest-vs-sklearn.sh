#!/usr/bin/env bash
# The platform's symptom forest against scikit-learn's RandomForestClassifier
# on the same folds of the shared data set (scripts/ml/forest_vs_sklearn.py).
# Installs scikit-learn (pinned in scripts/ml/requirements.txt) into
# target/ml-venv. Arguments go to the script (--check fails under the floors).
# MEDPLAT_BIN picks the binary (default: the release build); MEDPLAT_DATASETS
# the folder of disease_symptom_patient_profile.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/ml-venv
scripts/venv.sh "$venv" scripts/ml/requirements.txt
datasets="${MEDPLAT_DATASETS:-$PWD/../shared/datasets}"
exec "$venv/bin/python" scripts/ml/forest_vs_sklearn.py \
  --medplat "${MEDPLAT_BIN:-target/release/medplat}" \
  --csv "$datasets/disease_symptom_patient_profile.csv" "$@"
