"""Choose the verifier's on-topic gate (`verifier_min_similarity`) on the reserved fold only.

    python -m training.tune_gate --gates 0.8344 0.82 0.80 0.78 0 [--sets ...] [--limit 1000] [--verifier bundled]

For each gate value every set's `aggregate` split (eval/splits.py fold 1; at most --limit claims a set) is run
as `factcheck eval verdicts` runs it, with the gate set to that value, and the aggregator is refitted in 5-fold
cross-validation on those claims (training.fit_aggregator.cross_validated_predictions). A
claim an exact rule decides keeps the rule's label. Prints end-to-end accuracy per set and the mean, for the
aggregator fitted on all the sets and on the sets without VitaminC (whose claims come with their own
evidence). Nothing is written: put the chosen value in verdicts/thresholds.json and refit the aggregator
(python -m training.fit_aggregator --verifier bundled --write). Measured 2026-11-29: docs/verdicts.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import numpy as np

from eval.verdicts import DATA, load_set, run_set
from training.fit_aggregator import DEFAULT_LIMIT, DEFAULT_SETS, cross_validated_predictions


def collect(gate: float, verifier, names, *, data: Path, limit: int, k: int = 5) -> list[tuple]:
    """(set, features, gold, predicted label, basis) of every claim of the sets' aggregate splits."""
    from verdicts.decide import DecideConfig

    cfg = dataclasses.replace(DecideConfig.load(), verifier_min_similarity=gate)
    rows = []
    for name in names:
        eset = load_set(name, data, "aggregate").limited(limit, shrink_store=True)
        out, _ = run_set(eset, verifier=verifier, config=cfg, features=True, k=k)
        rows += list(zip([name] * len(out.gold), out.features, out.gold, out.pred, out.basis))
    return rows


def cross_validated_accuracy(rows: list[tuple], fit_sets, folds: int = 5) -> dict[str, float]:
    """Per set: the rule's label where a rule decided, else the label of an aggregator fitted (on fit_sets'
    rows) without the claim's fifth (training.fit_aggregator.cross_validated_predictions)."""
    X = np.asarray([r[1] for r in rows], dtype=np.float64)
    y = [r[2] for r in rows]
    sets = [r[0] for r in rows]
    pred = cross_validated_predictions(X, y, sets, folds, fit_sets=fit_sets)
    out = {}
    for s in dict.fromkeys(sets):
        idx = [i for i in range(len(y)) if sets[i] == s]
        final = [rows[i][3] if rows[i][4] == "rule" else pred[i] for i in idx]
        out[s] = round(float(np.mean([p == y[i] for p, i in zip(final, idx)])), 3)
    out["mean"] = round(float(np.mean(list(out.values()))), 3)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gates", type=float, nargs="+", required=True, help="gate values (retrieval cosine) to try")
    ap.add_argument("--sets", default=",".join(DEFAULT_SETS))
    ap.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    ap.add_argument("--verifier", default="bundled")
    ap.add_argument("--data", default=str(DATA))
    args = ap.parse_args(argv)

    from verdicts.entail import get_verifier

    verifier = get_verifier(args.verifier)
    names = [s.strip() for s in args.sets.split(",") if s.strip()]
    without = [n for n in names if n != "vitaminc"]
    results = []
    for gate in args.gates:
        rows = collect(gate, verifier, names, data=Path(args.data), limit=args.limit)
        for fit_sets in [names, without] if len(without) < len(names) else [names]:
            acc = cross_validated_accuracy(rows, set(fit_sets))
            results.append({"gate": gate, "fitted_on": fit_sets, "accuracy": acc})
            print(
                f"gate {gate}, aggregator fitted on {', '.join(fit_sets)}: "
                + ", ".join(f"{k} {v:.3f}" for k, v in acc.items()),
                flush=True,
            )
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
