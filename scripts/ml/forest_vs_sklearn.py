"""The platform's symptom forest against scikit-learn on the very same folds.

`medplat model compare` cross-validates the platform's forest (its settings
as `medplat model tune` chose them) and writes each row's fold and encoded
features; this script trains scikit-learn's RandomForestClassifier
(n_estimators=100, otherwise its defaults) on the same training folds, with
five seeds, and prints both side by side: accuracy, top-3 accuracy, the
multi-class Brier score of the held-out probabilities, and the majority
baseline. With --check it fails when the platform falls below its floors.
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from collections import Counter

import numpy as np
from sklearn.ensemble import RandomForestClassifier

# Floors a little under the measured figures (README, "Symptom model"), so
# that a library upgrade's noise cannot fail the check.
ACCURACY_FLOOR = 0.26
TOP3_FLOOR = 0.31
# The platform may not trail scikit-learn by more than this.
TOLERANCE = 0.01
SEEDS = range(5)


def read_export(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    names = [k for k in rows[0].keys() if k not in ("fold", "label")]
    x = np.array([[float(r[n]) for n in names] for r in rows])
    y = np.array([r["label"] for r in rows])
    folds = np.array([int(r["fold"]) for r in rows])
    return x, y, folds


def score(x, y, folds, seed):
    hits = top3 = base = 0
    brier = 0.0
    for fold in sorted(set(folds)):
        train, test = folds != fold, folds == fold
        model = RandomForestClassifier(n_estimators=100, random_state=seed)
        model.fit(x[train], y[train])
        proba = model.predict_proba(x[test])
        classes = list(model.classes_)
        majority = sorted(Counter(y[train]).items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        for p, truth in zip(proba, y[test]):
            # Most likely first, ties to the first class by name (as the platform).
            order = sorted(range(len(classes)), key=lambda k: (-p[k], k))
            hits += classes[order[0]] == truth
            top3 += truth in [classes[k] for k in order[:3]]
            onehot = np.array([c == truth for c in classes], dtype=float)
            brier += float(((p - onehot) ** 2).sum()) + (0.0 if truth in classes else 1.0)
            base += majority == truth
    n = len(y)
    return {"accuracy": hits / n, "top3_accuracy": top3 / n, "brier": brier / n,
            "baseline_accuracy": base / n}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--medplat", default="target/release/medplat")
    ap.add_argument("--csv", required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    with tempfile.NamedTemporaryFile(suffix=".csv") as export:
        out = subprocess.run(
            [args.medplat, "model", "compare", "--csv", args.csv, "--folds", str(args.folds),
             "--export", export.name, "--json"],
            check=True, capture_output=True, text=True).stdout
        ours = json.loads(out.strip().splitlines()[-1])
        x, y, folds = read_export(export.name)

    runs = [score(x, y, folds, seed) for seed in SEEDS]
    theirs = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
    spread = {k: (min(r[k] for r in runs), max(r[k] for r in runs)) for k in runs[0]}

    print(f"{len(y)} rows, {args.folds} folds (seed {ours['fold_seed']}), the same split for both")
    print(f"platform: {ours['trees']} trees, {ours['features_per_split']} columns per split, "
          f"leaves of at least {ours['min_samples_leaf']}")
    print(f"scikit-learn: RandomForestClassifier(n_estimators=100), mean of seeds {list(SEEDS)}")
    print(f"{'':20}{'platform':>10}{'scikit-learn':>14}   (seed range)")
    for key, name in [("accuracy", "accuracy"), ("top3_accuracy", "top-3 accuracy"),
                      ("brier", "Brier score"), ("baseline_accuracy", "majority baseline")]:
        lo, hi = spread[key]
        print(f"{name:20}{ours[key]:>10.3f}{theirs[key]:>14.3f}   ({lo:.3f}–{hi:.3f})")

    if args.check:
        failures = []
        if ours["accuracy"] < ACCURACY_FLOOR:
            failures.append(f"accuracy {ours['accuracy']:.3f} under its floor {ACCURACY_FLOOR}")
        if ours["top3_accuracy"] < TOP3_FLOOR:
            failures.append(f"top-3 accuracy {ours['top3_accuracy']:.3f} under its floor {TOP3_FLOOR}")
        if ours["accuracy"] < theirs["accuracy"] - TOLERANCE:
            failures.append(f"accuracy {ours['accuracy']:.3f} trails scikit-learn's "
                            f"{theirs['accuracy']:.3f} by more than {TOLERANCE}")
        for f in failures:
            print("FAIL:", f, file=sys.stderr)
        if failures:
            sys.exit(1)
        print("check passed")


if __name__ == "__main__":
    main()
