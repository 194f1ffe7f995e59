"""Claim matching quality: MAP@k and recall@k of previously verified claims found for new ones.

Reads the CheckThat! 2022 task 2A format as it lies in ../shared/data/checkthat2022-2a:
queries TSV (`id<TAB>text`, CSV quoting), qrels TSV (`query_id 0 vclaim_id 1`), verified claims
JSONL (`vclaim_id`, `vclaim`, `title`, ...). Only queries that appear in the qrels are scored, so
the same command runs on the train, dev and dev-test splits:

    factcheck eval matching --queries CT2022-Task2A-EN-Dev-Test_Queries.tsv \
        --qrels CT2022-Task2A-EN-Dev-Test_QRELs.tsv --claims vclaims.jsonl --out report.json
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from pathlib import Path
from typing import Sequence

from claims.errors import InputError
from claims.read import read_text

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "checkthat2022-2a"


def matching_store_path(claims_path: str | Path, embedder) -> str:
    """The cached store of embedded verified claims for this claims file, embedder and match text recipe
    (sources.prior.PriorCheck.MATCH_TEXT_VERSION): a change to any of them gets a fresh store."""
    from sources.prior import PriorCheck

    h = hashlib.sha256(Path(claims_path).read_bytes())
    h.update(PriorCheck.MATCH_TEXT_VERSION.encode())
    name = f"eval-matching-{h.hexdigest()[:12]}-{embedder.name.replace('/', '_')}.duckdb"
    return str(Path.home() / ".cache" / "factcheck" / name)


def load_vclaims(store, claims_path: str | Path, embedder, progress=None) -> list:
    """The verified claims of a CheckThat vclaims file, embedded into the store unless it holds them all."""
    from sources import tables_prior
    from sources.prior import ingest_prior_checks, read_checkthat_vclaims

    checks, rejected = read_checkthat_vclaims(claims_path)
    have, unfilled = tables_prior.count_prior_checks(store.con, "checkthat")
    if have < len({c.id for c in checks}) or unfilled:  # unfilled: stored before schema v8 (no summary yet)
        digest = hashlib.sha256(Path(claims_path).read_bytes()).hexdigest()
        ingest_prior_checks(
            store,
            checks,
            embedder,
            source_path=str(claims_path),
            source_hash=digest,
            rejected=rejected,
            progress=progress,
        )
    return checks


def read_queries(path: str | Path) -> dict[str, str]:
    text = read_text(Path(path))
    out = {}
    for n, row in enumerate(csv.reader(io.StringIO(text), delimiter="\t"), 1):
        if not row or not row[0].strip():
            continue
        if len(row) < 2:
            raise InputError(f"{path}:{n}: expected 'id<TAB>text', got {row[0][:40]!r}.", code="FC214")
        if n == 1 and row[0].lower() in ("tweet_id", "id", "iclaim_id"):
            continue
        out[row[0].strip()] = row[1]
    return out


def read_qrels(path: str | Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for n, line in enumerate(read_text(Path(path)).splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 3:
            raise InputError(f"{path}:{n}: expected 'query_id 0 vclaim_id [relevance]'.", code="FC214")
        if len(parts) >= 4 and parts[3] in ("0", "0.0"):
            continue
        out.setdefault(parts[0], set()).add(parts[2])
    return out


def average_precision(ranked: Sequence[str], gold: set[str], k: int) -> float:
    hits, total = 0, 0.0
    for i, x in enumerate(ranked[:k], 1):
        if x in gold:
            hits += 1
            total += hits / i
    return total / len(gold) if gold else 0.0


def score(ranked: dict[str, list[str]], qrels: dict[str, set[str]], ks: Sequence[int] = (1, 5, 10)) -> dict:
    qids = [q for q in qrels if q in ranked]
    n = len(qids)
    out: dict = {"queries": n}
    if not n:
        return out
    for k in ks:
        out[f"map@{k}"] = round(sum(average_precision(ranked[q], qrels[q], k) for q in qids) / n, 4)
        out[f"recall@{k}"] = round(sum(len(set(ranked[q][:k]) & qrels[q]) / len(qrels[q]) for q in qids) / n, 4)
    out["mrr"] = round(
        sum(next((1 / i for i, x in enumerate(ranked[q], 1) if x in qrels[q]), 0.0) for q in qids) / n, 4
    )
    return out


def _missing_queries(queries: dict[str, str], qrels: dict[str, set[str]], queries_path, qrels_path) -> list[str]:
    """The qrels' queries that the queries file lacks; an error when it lacks all of them."""
    missing = [q for q in qrels if q not in queries]
    if len(missing) == len(qrels):
        raise InputError(
            f"none of the {len(qrels)} queries in {qrels_path} is in {queries_path}. "
            "Give the queries file of the same split.",
            code="FC214",
        )
    return missing


def _rank(matcher, qids: list[str], texts: list[str], kmax: int) -> dict[str, list[str]]:
    """The ids of the kmax best verified claims for every query, ranked in batches of 64."""
    ranked = {}
    for i in range(0, len(qids), 64):
        for q, checks_found in zip(qids[i : i + 64], matcher.rank(texts[i : i + 64], k=kmax)):
            ranked[q] = [c.external_id for c in checks_found]
    return ranked


def evaluate_matching(
    queries_path,
    qrels_path,
    claims_path,
    *,
    db: str,
    embedder,
    mode: str = "hybrid",
    ks: Sequence[int] = (1, 5, 10),
    progress=None,
    w_bm25: float | None = None,
    rrf_k: int | None = None,
) -> dict:
    """Load the verified claims into db (once), rank them for every scored query, and score."""
    from sources.prior import PriorMatcher
    from sources.store import Store

    queries = read_queries(queries_path)
    qrels = read_qrels(qrels_path)
    missing = _missing_queries(queries, qrels, queries_path, qrels_path)
    with Store(db) as store:
        checks = load_vclaims(store, claims_path, embedder, progress)
        matcher = PriorMatcher(store, embedder, mode=mode)
        if w_bm25 is not None:
            matcher.w_bm25 = w_bm25
        if rrf_k is not None:
            matcher.rrf_k = rrf_k
        qids = [q for q in qrels if q in queries]
        texts = [queries[q] for q in qids]
        started = time.perf_counter()
        ranked = _rank(matcher, qids, texts, max(ks))
        elapsed = time.perf_counter() - started
    result = score(ranked, qrels, ks)
    if mode == "hybrid":
        result.update({"rrf_k": matcher.rrf_k, "w_bm25": matcher.w_bm25})
    result.update(
        {
            "mode": mode,
            "claims": len(checks),
            "missing_queries": len(missing),
            "seconds": round(elapsed, 2),
            "queries_file": str(queries_path),
            "qrels_file": str(qrels_path),
        }
    )
    return result
