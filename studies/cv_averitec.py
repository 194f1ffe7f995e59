"""Five-fold cross-validation of the verdict pipeline on AVeriTeC train (the AVeriTeC goal of issue 9).

    factcheck train verifier --data ../shared/data --out /tmp/v-noav --max-pairs 40000 --epochs 3 --seed 0 \
        --exclude averitec
    python -m studies.cv_averitec --verifier dir:/tmp/v-noav [--out cv.json]

The verifier is the shipped recipe with AVeriTeC left out of its training, so none of the 3,068 claims was
trained on. The folds are eval.splits.fold of the claim's index (fold 0 is the usual held-out fold, fold 1
the aggregator's reserved one). Each fold is checked end to end as `factcheck eval verdicts --dataset
averitec` checks its held-out fold: the fold's claims against a store of the fold's question/answer pairs.
For each fold the verdict aggregator is fitted (training.fit_aggregator.fit) on the other four folds' claims
plus the reserved fold of the shipped aggregator's other sets (training.fit_aggregator.DEFAULT_SETS: Climate-FEVER,
SciFact, Check-COVID, VitaminC; at most DEFAULT_LIMIT claims a set), and labels the fold's claims that reach it;
a claim an exact rule decides keeps the rule's label. Prints the pooled report (accuracy, macro-F1,
per-label P/R/F1, confusion, ECE) and each fold's accuracy and macro-F1.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

from eval.splits import FOLDS, fold
from eval.verdicts import DATA, format_report, load_set, run_set, score, stderr_progress
from training.fit_aggregator import DEFAULT_LIMIT, DEFAULT_SETS, fit

OTHER_SETS = tuple(s for s in DEFAULT_SETS if s != "averitec")  # the shipped aggregator's other sets


def fold_set(eset, f: int):
    """The claims of fold f and the question/answer passages of those claims."""
    claims = tuple(c for c in eset.claims if fold(int(c.id), FOLDS) == f)
    ids = {c.id for c in claims}
    passages = tuple(p for p in eset.passages if p.external_id.split("-q", 1)[0] in ids)
    return dataclasses.replace(eset, split=f"fold{f}", claims=claims, passages=passages)


def cross_validate(verifier, *, data: Path = DATA, k: int = 5, work=None, progress=None) -> dict:
    started = time.perf_counter()
    others_x, others_y, others_sets = [], [], []
    for name in OTHER_SETS:
        eset = load_set(name, data, "aggregate").limited(DEFAULT_LIMIT, shrink_store=True)
        out, _ = run_set(eset, verifier=verifier, features=True, k=k, work=work, progress=progress)
        others_x.extend(out.features)
        others_y.extend(out.gold)
        others_sets.extend([name] * len(out.gold))
    full = load_set("averitec", data, "all")
    results = [
        run_set(fold_set(full, f), verifier=verifier, features=True, k=k, work=work, progress=progress)
        for f in range(FOLDS)
    ]
    runs = [out for out, _ in results]
    gold, pred, conf, per_fold = [], [], [], {}
    for f, out in enumerate(runs):
        train = [runs[g] for g in range(FOLDS) if g != f]
        X = np.asarray(others_x + [x for o in train for x in o.features], dtype=np.float64)
        y = others_y + [lab for o in train for lab in o.gold]
        sets = others_sets + ["averitec"] * sum(len(o.gold) for o in train)
        agg = fit(X, y, sets, "", {})
        fp, fc = [], []
        for x, p, c, basis in zip(out.features, out.pred, out.confidence, out.basis):
            if basis == "verifier":  # the claims the aggregator decides in decide(); rules keep their label
                probs = agg.proba(np.asarray(x, dtype=np.float64))
                p = max(probs, key=lambda lab: probs[lab])
                c = probs[p]
            fp.append(p)
            fc.append(c)
        s = score(out.gold, fp, fc)
        per_fold[f"fold{f}"] = {"n": s["n"], "accuracy": s["accuracy"], "macro_f1": s["macro_f1"], "ece": s["ece"]}
        gold.extend(out.gold)
        pred.extend(fp)
        conf.extend(fc)
    report = {
        "set": "averitec",
        "split": f"train, {FOLDS}-fold cross-validation",
        "verifier": f"{verifier.name}@{verifier.version}",
        "embedder": results[0][1]["embedder"],
        "k": k,
        **score(gold, pred, conf),
        "folds": per_fold,
        "aggregator_fit_also_on": list(OTHER_SETS),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--verifier", required=True, help="a verifier trained without AVeriTeC (dir:PATH)")
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--work", default=None)
    ap.add_argument("-k", type=int, default=5)
    ap.add_argument("--out", default=None, help="write the report as JSON here")
    args = ap.parse_args(argv)

    from verdicts.entail import get_verifier

    verifier = get_verifier(args.verifier)
    if verifier is None:
        print("name a verifier trained without AVeriTeC: --verifier dir:PATH", file=sys.stderr)
        return 1
    card = Path(getattr(verifier, "path", "") or "") / "verifier_card.json"
    excluded = json.loads(card.read_text()).get("options", {}).get("exclude", []) if card.exists() else []
    if "averitec" not in excluded:
        print(
            f"error: {args.verifier} was not trained with --exclude averitec (its verifier_card.json says "
            f"exclude={excluded}); train one as in `python -m studies.cv_averitec --help`",
            file=sys.stderr,
        )
        return 1
    report = cross_validate(verifier, data=Path(args.data), k=args.k, work=args.work, progress=stderr_progress)
    report["command"] = "python -m studies.cv_averitec " + " ".join(argv if argv is not None else sys.argv[1:])
    report["verifier_card_command"] = json.loads(card.read_text()).get("command") if card.exists() else None
    print(format_report(report))
    for f, s in report["folds"].items():
        print(f"  {f}: n={s['n']} accuracy {s['accuracy']:.3f} macro-F1 {s['macro_f1']:.3f} ECE {s['ece']:.3f}")
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
