"""Fit the verdict aggregator (verdicts/aggregate.py) for one verifier, on the reserved fold only.

    python -m training.fit_aggregator --verifier bundled [--sets climate-fever,scifact,check-covid,averitec,vitaminc]
                                  [--limit 1000] [--data ../shared/data] [--write]

For every set it runs the same harness as `factcheck eval verdicts` (store built from the set's own evidence,
claims retrieved, the verifier reading the on-topic hits) on the set's `aggregate` split: fold 1 of
eval/splits.py, which the verifier's training never reads (SciFact and Check-COVID: fold 1 of their train
files by claim id) and no evaluation figure uses; at most --limit claims a set (file order), which caps only
VitaminC's large fold (its claims come with their own evidence, the pairs setting of `factcheck eval verdicts`).
Each claim gives the aggregator's FEATURES and its gold label;
a multinomial logistic regression (scikit-learn) is fitted with every set weighted equally. It prints the
5-fold cross-validated accuracy per set on the fit data (claims grouped by set), and with --write saves the
weights into verdicts/aggregator.json, keyed to the verifier's name@version (decide() uses it for that verifier
only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np

from eval.verdicts import fit_options, load_set, run_set, stderr_progress
from verdicts.aggregate import AGGREGATOR_PATH, FEATURES, LABELS, Aggregator

# VitaminC joined on 2026-11-29: without it the aggregator had seen only retrieved evidence and read gold
# evidence that it could not place as NOT_ENOUGH_EVIDENCE (docs/verdicts.md, "Aggregator fit").
DEFAULT_SETS = ("climate-fever", "scifact", "check-covid", "averitec", "vitaminc")
DEFAULT_LIMIT = 1000
C = 1.0  # inverse regularisation strength of the logistic regression (scikit-learn's default)


def collect(names, verifier, *, data: Path, limit: int | None, work, embedder: str, k: int, progress=None):
    """(X, y, set of each row, per-set sizes) on the aggregate split of each set."""
    xs, ys, sets, sizes = [], [], [], {}
    for name in names:
        eset = load_set(name, data, "aggregate").limited(limit, shrink_store=True)
        out, _ = run_set(eset, verifier=verifier, work=work, embedder=embedder, k=k, progress=progress, features=True)
        xs.extend(out.features)
        ys.extend(out.gold)
        sets.extend([name] * len(out.gold))
        sizes[name] = {"claims": len(out.gold), "labels": {lab: out.gold.count(lab) for lab in LABELS}}
    return np.asarray(xs, dtype=np.float64), ys, sets, sizes


def _weights(sets: list[str]) -> np.ndarray:
    """Every set weighs the same in all (a small set is not drowned by a large one); mean weight 1."""
    counts = {s: sets.count(s) for s in set(sets)}
    w = np.asarray([1.0 / counts[s] for s in sets])
    return w * len(sets) / w.sum()


def fit(X: np.ndarray, y: list[str], sets: list[str], verifier_key: str, info: dict) -> Aggregator:
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit((X - mean) / scale, y, sample_weight=_weights(sets))
    classes = [str(c) for c in model.classes_]
    coef = np.zeros((len(LABELS), X.shape[1]))
    intercept = np.full(len(LABELS), -30.0)  # a label never seen in the fit data is never predicted
    if len(classes) == 2:  # scikit-learn keeps one row: P(classes[1]) = sigmoid(w.x + b) = softmax([0, w.x + b])
        rows = {classes[0]: (np.zeros(X.shape[1]), 0.0), classes[1]: (model.coef_[0], model.intercept_[0])}
    else:
        rows = {c: (model.coef_[i], model.intercept_[i]) for i, c in enumerate(classes)}
    for c, (w, b) in rows.items():
        coef[LABELS.index(c)] = w
        intercept[LABELS.index(c)] = b
    return Aggregator(verifier_key, LABELS, FEATURES, mean, scale, coef, intercept, info)


def cross_validated_predictions(
    X: np.ndarray, y: list[str], sets: list[str], folds: int = 5, fit_sets=None
) -> list[str]:
    """Each claim's label from an aggregator fitted without its fifth of the fit data (on the claims of
    fit_sets only, when given); "" for a claim whose fold could not be fitted."""
    from eval.splits import fold

    pred = [""] * len(y)
    part = [fold(f"aggregate-cv:{s}:{i}", folds) for i, s in enumerate(sets)]
    for f in range(folds):
        train = [i for i in range(len(y)) if part[i] != f and (fit_sets is None or sets[i] in fit_sets)]
        test = [i for i in range(len(y)) if part[i] == f]
        if not test or len({y[i] for i in train}) < 2:
            continue
        agg = fit(X[train], [y[i] for i in train], [sets[i] for i in train], "", {})
        for i in test:
            p = agg.proba(X[i])
            pred[i] = max(p, key=lambda lab: p[lab])
    return pred


def cross_validate(X: np.ndarray, y: list[str], sets: list[str], folds: int = 5) -> dict:
    """Accuracy per set when each fifth of the fit data is predicted by a fit on the other four fifths."""
    pred = cross_validated_predictions(X, y, sets, folds)
    out = {}
    for s in dict.fromkeys(sets):
        idx = [i for i in range(len(y)) if sets[i] == s]
        out[s] = round(sum(pred[i] == y[i] for i in idx) / max(1, len(idx)), 4)
    return out


def _parser() -> argparse.ArgumentParser:
    """The command's options: the shared fit options plus --out."""
    ap = fit_options(
        argparse.ArgumentParser(description=__doc__.split("\n\n")[0]),
        DEFAULT_SETS,
        DEFAULT_LIMIT,
        "write the fit into verdicts/aggregator.json",
    )
    ap.add_argument("--out", default=str(AGGREGATOR_PATH), help="where --write puts it")
    return ap


def _fit(args: argparse.Namespace, verifier, argv: list[str] | None, started: float):
    """Collect the features, cross-validate and fit the aggregator with its provenance."""
    names = [s.strip() for s in args.sets.split(",") if s.strip()]
    X, y, sets, sizes = collect(
        names,
        verifier,
        data=Path(args.data),
        limit=args.limit,
        work=args.work,
        embedder=args.embedder,
        k=args.k,
        progress=stderr_progress,
    )
    cv = cross_validate(X, y, sets)
    key = f"{verifier.name}@{verifier.version}"
    info = {
        "command": "python -m training.fit_aggregator " + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": dt.date.today().isoformat(),
        "split": "aggregate (eval/splits.py reserved fold 1)",
        "sets": sizes,
        "claims": len(y),
        "C": C,
        "k": args.k,
        "cv_accuracy": cv,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return fit(X, y, sets, key, info)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    from verdicts.entail import get_verifier

    verifier = get_verifier(args.verifier)
    if verifier is None:
        print(
            "no verifier: the aggregator reads the verifier's probabilities; name one with --verifier", file=sys.stderr
        )
        return 1
    verifier.warm_up()
    started = time.perf_counter()
    agg = _fit(args, verifier, argv, started)
    print(json.dumps(agg.to_json(), indent=2))
    if args.write:
        Path(args.out).write_text(json.dumps(agg.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
