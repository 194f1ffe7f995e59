"""Fit the rules' confidences on real articles, and choose when a REFUTED is "refuted with high confidence".

    python -m training.calibrate_articles [FOLDERS ...] [--target-precision 0.8] [--write]

FOLDERS are case folders as `factcheck eval articles` reads them (default: the seed and every folder of
../shared/data/articles). Every article is checked end to end with the rules' raw strengths (no calibration)
and the verdicts the rules decided are kept with whether the gold label agrees. Then:

- the per-label Platt fit of training.calibrate (P(right) = sigmoid(a * logit(raw) + b), pooled where a label
  has too few verdicts) on all of them, and the same fit leaving each article out in turn, applied to it: the
  held-out log-loss and ECE of the fit against the raw strengths say whether the fit is better than the
  hand-set strengths on an article it has not seen;
- `refuted_high`: the lowest confidence (review_below, 0.60, then 0.61, ... 0.97: below it a verdict is "low
  confidence" whatever its label) at which the REFUTED calls at or above it are
  right at least --target-precision of the time (default 0.8, the issue's bound: at most one false alarm in
  five), counting at least MIN_HIGH calls; each call's confidence is the one `decide` will give it (the fit that
  did not see its article when the fit is kept, else the raw strength). A "refuted with high confidence" in the
  review queue is then a false alarm at most that often on the development articles. None reaches it: 0.98, so
  that no REFUTED is called "high".

--write stores the fit under "rule_calibration" (only when it beats the raw strengths held out) and
`refuted_high` in verdicts/thresholds.json. The development articles are few (38 rule verdicts on 2026-12-03),
so the figures are noisy; rerun when more articles arrive.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import sys

from eval.articles import case_folders, default_folders
from eval.verdicts import case_set, ece, run_set, stderr_progress
from training.calibrate import THRESHOLDS, apply, fit

MIN_HIGH = 5  # REFUTED calls a high-confidence threshold must keep to be measured at all
NONE_HIGH = 0.98  # above max_confidence: no REFUTED is "high"


def collect(folders, k: int = 8, progress=None) -> list[dict]:
    """The rule-decided verdicts of every article with raw strengths: {case, label, raw, correct}."""
    from verdicts.decide import DecideConfig

    cfg = dataclasses.replace(DecideConfig.load(), rule_calibration=())
    rows = []
    for folder in case_folders(folders):
        eset = case_set(folder)
        out, _ = run_set(eset, config=cfg, k=k, progress=progress)
        for gold, pred, conf, basis in zip(out.gold, out.pred, out.confidence, out.basis):
            if basis == "rule":
                rows.append({"case": eset.name, "label": pred, "raw": conf, "correct": gold == pred})
    return rows


def held_out(rows: list[dict]) -> list[float]:
    """Each verdict's confidence from the fit on the other articles."""
    out = [0.0] * len(rows)
    for case in sorted({r["case"] for r in rows}):
        train = [r for r in rows if r["case"] != case]
        cal = fit([r["label"] for r in train], [r["raw"] for r in train], [r["correct"] for r in train])
        idx = [i for i, r in enumerate(rows) if r["case"] == case]
        for i, p in zip(idx, apply(cal, [rows[i]["label"] for i in idx], [rows[i]["raw"] for i in idx])):
            out[i] = p
    return out


def log_loss(conf: list[float], correct: list[bool]) -> float:
    eps = 1e-6
    return round(-sum(math.log(max(eps, c if y else 1 - c)) for c, y in zip(conf, correct)) / max(1, len(conf)), 4)


def choose_refuted_high(
    conf: list[float], rows: list[dict], target: float, low: float = 0.6
) -> tuple[float, list[dict]]:
    """The lowest threshold from `low` up (by 0.01) whose REFUTED calls at or above it reach the target precision,
    and the table of precision by threshold."""
    refuted = [(c, r["correct"]) for c, r in zip(conf, rows) if r["label"] == "REFUTED"]
    table, chosen = [], NONE_HIGH
    for t in [round(low + i / 100, 2) for i in range(int(round((0.97 - low) * 100)) + 1)]:
        kept = [ok for c, ok in refuted if c >= t]
        if len(kept) < MIN_HIGH:
            break
        precision = sum(kept) / len(kept)
        table.append({"threshold": t, "refuted": len(kept), "precision": round(precision, 4)})
        if precision >= target and chosen == NONE_HIGH:
            chosen = t
    return chosen, table


def calibrate(folders, target: float, progress=None) -> dict:
    rows = collect(folders, progress=progress)
    correct = [r["correct"] for r in rows]
    raw = [r["raw"] for r in rows]
    loao = held_out(rows)
    cal = fit([r["label"] for r in rows], raw, correct)
    better = log_loss(loao, correct) < log_loss(raw, correct)
    from verdicts.decide import DecideConfig

    high, table = choose_refuted_high(loao if better else raw, rows, target, DecideConfig.load().review_below)
    return {
        "labels": cal,
        "verdicts": len(rows),
        "right": sum(correct),
        "articles": sorted({r["case"] for r in rows}),
        "held_out_log_loss": {"raw": log_loss(raw, correct), "fitted": log_loss(loao, correct)},
        "held_out_ece": {"raw": ece(raw, correct)[0], "fitted": ece(loao, correct)[0]},
        "fit_beats_raw_held_out": better,
        "refuted_high": high,
        "refuted_high_target_precision": target,
        "refuted_high_on": "held-out fitted confidences" if better else "raw rule strengths (the fit is not kept)",
        "refuted_high_table": table,
    }


def write(result: dict, command: str) -> None:
    data = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    data["refuted_high"] = result["refuted_high"]
    meta = {"command": command, "date": dt.date.today().isoformat(), "fitted_on": "real articles"}
    if result["fit_beats_raw_held_out"]:
        data["rule_calibration"] = {**{k: result[k] for k in ("labels", "verdicts", "held_out_log_loss")}, **meta}
    data["refuted_high_fit"] = {
        **{
            k: result[k]
            for k in (
                "refuted_high_target_precision",
                "refuted_high_on",
                "refuted_high_table",
                "verdicts",
                "articles",
                "held_out_log_loss",
                "held_out_ece",
                "fit_beats_raw_held_out",
            )
        },
        **meta,
    }
    THRESHOLDS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {THRESHOLDS}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", help="case folders (default: the seed and ../shared/data/articles/*)")
    ap.add_argument("--target-precision", type=float, default=0.8, help="REFUTED precision above refuted_high")
    ap.add_argument("--write", action="store_true", help="store the result in verdicts/thresholds.json")
    args = ap.parse_args(argv)
    result = calibrate(args.folders or default_folders(), args.target_precision, progress=stderr_progress)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.write:
        write(result, "python -m training.calibrate_articles " + " ".join(argv if argv is not None else sys.argv[1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
