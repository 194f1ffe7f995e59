"""Fit confidence calibrations on the reserved fold only, and write them into thresholds.json.

    python -m training.calibrate --verifier bundled [--sets climate-fever,scifact,check-covid,averitec,vitaminc]
                             [--limit 150] [--data ../shared/data] [--write]
    python -m training.calibrate --rules [--limit 1000] [--write]

--rules: the same fit for the labels the exact rules decide (their combined strength is the raw score),
written under "rule_calibration" and applied whatever the verifier; rules decide before any verifier, so
it runs without one.

For every set it runs the same harness as `factcheck eval verdicts` on the set's `aggregate` split (the fold of
eval/splits.py reserved from the verifier's training; SciFact and Check-COVID: that fold of their train files),
with the verifier's raw aggregated score as the confidence (no calibration), and keeps the verdicts the
verifier decided (not a rule, not an opinion). Per label it fits P(label right) = sigmoid(a * logit(raw) + b)
(Platt scaling, with Platt's smoothed targets), falling back to one fit over all labels where a label has
fewer than MIN_PER_LABEL verdicts. The held-out parts that `factcheck eval verdicts` reports are never read.
With --write the fit goes into verdicts/thresholds.json under "verifier_calibration", for this verifier's
name@version only (verdicts.decide applies it to that verifier alone).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np

from eval.verdicts import LABELS, ece, fit_options, load_set, run_set, stderr_progress
from training.tune_verdicts import platt

DEFAULT_SETS = ("climate-fever", "scifact", "check-covid", "averitec", "vitaminc")
MIN_PER_LABEL = 25
THRESHOLDS = Path(__file__).resolve().parent.parent / "verdicts" / "thresholds.json"


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fit(labels: list[str], raw: list[float], correct: list[bool]) -> dict:
    """Per-label Platt maps from raw scores to P(right), with a pooled fallback. Returns {label: {a, b, n}}."""
    x_all, y_all = _logit(np.asarray(raw, dtype=float)), np.asarray(correct, dtype=float)

    def one(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        pos = y.sum()
        neg = len(y) - pos
        t = np.where(y > 0, (pos + 1) / (pos + 2), 1 / (neg + 2))  # Platt's smoothed targets
        if pos == 0 or neg == 0 or float(x.std()) < 1e-9:
            rate = float(t.mean())
            return 0.0, float(np.log(rate / (1 - rate)))  # a constant: the observed rate
        a, b, _ = platt(x, t)
        return float(np.clip(a, -20, 20)), float(np.clip(b, -50, 50))

    pooled = one(x_all, y_all)
    out = {}
    for label in LABELS:
        m = np.asarray([lab == label for lab in labels])
        if m.sum() >= MIN_PER_LABEL:
            a, b = one(x_all[m], y_all[m])
            out[label] = {"a": round(a, 4), "b": round(b, 4), "n": int(m.sum())}
        else:
            out[label] = {"a": round(pooled[0], 4), "b": round(pooled[1], 4), "n": int(m.sum()), "pooled": True}
    return out


def apply(cal: dict, labels: list[str], raw: list[float]) -> list[float]:
    z = _logit(np.asarray(raw, dtype=float))
    return [float(1 / (1 + np.exp(-(cal[lab]["a"] * zi + cal[lab]["b"])))) for lab, zi in zip(labels, z)]


def collect(
    names, verifier, *, data: Path, limit: int, work, embedder: str, k: int, progress=None, basis: str = "verifier"
):
    """(labels, raw, correct, per-set sizes) of the verdicts of one basis ("verifier" or "rule") on the
    aggregate splits, with uncalibrated confidences."""
    from verdicts.decide import DecideConfig

    cfg = dataclasses.replace(DecideConfig.load(), verifier_calibration=(), rule_calibration=())  # raw scores
    labels, raw, correct, sizes = [], [], [], {}
    for name in names:
        eset = load_set(name, data, "aggregate").limited(limit, shrink_store=True)
        out, _ = run_set(eset, verifier=verifier, config=cfg, work=work, embedder=embedder, k=k, progress=progress)
        kept = [i for i, b in enumerate(out.basis) if b == basis]
        sizes[name] = {
            "claims": len(out.gold),
            f"{basis}_decided": len(kept),
            "accuracy_raw": round(sum(out.gold[i] == out.pred[i] for i in kept) / max(1, len(kept)), 4),
        }
        for i in kept:
            labels.append(out.pred[i])
            raw.append(out.confidence[i])
            correct.append(out.gold[i] == out.pred[i])
    return labels, raw, correct, sizes


def _parser() -> argparse.ArgumentParser:
    """The command's options: the shared fit options plus --rules."""
    ap = fit_options(
        argparse.ArgumentParser(description=__doc__.split("\n\n")[0]),
        DEFAULT_SETS,
        150,
        "write the fit into verdicts/thresholds.json",
    )
    ap.add_argument(
        "--rules",
        action="store_true",
        help="calibrate the labels the exact rules decide (no verifier needed) instead of the verifier's",
    )
    return ap


def _meaning(rules: bool) -> str:
    """What the fitted curve means, for the rules' or the verifier's raw score."""
    return "P(label right | raw) = 1/(1+exp(-(a*logit(raw)+b))); raw = " + (
        "the rules' combined strength (noisy-or of the deciding rules, less half the other side)"
        if rules
        else "max P(supports) for SUPPORTED, max P(refutes) for REFUTED, their min for "
        "CONFLICTING, 1 - their max for NOT_ENOUGH_EVIDENCE"
    )


def _calibrate(args: argparse.Namespace, verifier, argv: list[str] | None, started: float) -> dict:
    """Collect the verdicts, fit the calibration and return the result to print and store."""
    names = [s.strip() for s in args.sets.split(",") if s.strip()]
    basis = "rule" if args.rules else "verifier"
    labels, raw, correct, sizes = collect(
        names,
        verifier,
        data=Path(args.data),
        limit=args.limit,
        work=args.work,
        embedder=args.embedder,
        k=args.k,
        progress=stderr_progress,
        basis=basis,
    )
    cal = fit(labels, raw, correct)
    before, _ = ece(raw, correct)
    after, table = ece(apply(cal, labels, raw), correct)
    result = {
        "labels": cal,
        "meaning": _meaning(args.rules),
        "fitted_on": {
            "split": "aggregate (eval.splits reserved fold 1, never trained on by the verifier)",
            "limit_per_set": args.limit,
            "sets": sizes,
            "verdicts": len(labels),
        },
        "ece_on_fit_data": {"raw": before, "calibrated": after, "reliability": table},
        "command": "python -m training.calibrate " + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": dt.date.today().isoformat(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    if verifier is not None:
        result = {"verifier": f"{verifier.name}@{verifier.version}", **result}
    return result


def _write(result: dict, rules: bool) -> None:
    """Store the fit in verdicts/thresholds.json under the rules' or the verifier's key."""
    data = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    data["rule_calibration" if rules else "verifier_calibration"] = result
    THRESHOLDS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {THRESHOLDS}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    from verdicts.entail import get_verifier

    verifier = None if args.rules else get_verifier(args.verifier)
    if verifier is None and not args.rules:
        print("no verifier: nothing to calibrate (the similarity path has its own calibration)", file=sys.stderr)
        return 1
    if verifier is not None:
        verifier.warm_up()
    started = time.perf_counter()
    result = _calibrate(args, verifier, argv, started)
    print(json.dumps(result, indent=2))
    if args.write:
        _write(result, args.rules)
    return 0


if __name__ == "__main__":
    sys.exit(main())
