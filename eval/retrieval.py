"""Retrieval quality: recall@k and MRR of gold evidence, with one adapter per data set.

Each adapter reads a data set in its original format (as it lies in ../shared/data) and returns
the passages that make up the store and the queries with their gold passage ids (the ids the data
set gives, stored as `external_id`). The same code runs on any split of the same set:

    seed           claims.gold.jsonl (evidence[].passage_id) against passages.jsonl
    scifact        claims_*.jsonl (evidence doc ids) against corpus.jsonl (one passage per abstract)
    climate-fever  climate-fever.jsonl: the unique evidence sentences are the store; a claim's gold
                   is its evidence sentences labelled SUPPORTS or REFUTES (all five with gold="all")

recall@k here is the share of queries with at least one gold passage in the top k (the issue's
definition); `gold_recall@k` is the mean share of a query's gold passages found in the top k.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from claims.errors import InputError
from eval.seed import read_jsonl
from sources import tables_passages
from sources.model import Hit, Passage

if TYPE_CHECKING:
    from sources.store import Store

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
SETS = ("seed", "scifact", "climate-fever")


@dataclass(frozen=True, slots=True)
class RetrievalQuery:
    id: str
    text: str
    gold: frozenset[str]  # external ids of the gold passages
    language: str = ""


@dataclass(frozen=True, slots=True)
class RetrievalSet:
    name: str
    source: str  # the corpus file the passages came from
    passages: tuple[Passage, ...]
    queries: tuple[RetrievalQuery, ...]

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for p in self.passages:
            h.update(p.store_key.encode())  # a titled store is another store; stores without context keep their name
        return h.hexdigest()[:12]


def _jsonl(path: str | Path) -> list[dict]:
    return read_jsonl(_need_file(Path(path)))


# -- adapters -------------------------------------------------------------------------------------
def seed_set(
    gold: str | Path | None = None, passages: str | Path | None = None, *, query: str = "source", embedder=None
) -> RetrievalSet:
    """The seed gold claims against the seed passages. query="source" uses the Norwegian sentence
    the claim comes from, "en" the English normalised claim, "claims" what the pipeline queries with: the
    claim it extracts from the article (article.md beside the gold file), paired with the gold claim as the
    verdict evaluation pairs them (eval.seed.pair_gold_claims, which needs the embedder). A gold claim the
    pipeline made no claim for keeps an empty query, which finds nothing."""
    from sources.ingest import read_passages

    gold = Path(gold or DATA / "seed" / "claims.gold.jsonl")
    passages = Path(passages or gold.parent / "passages.jsonl")
    stored, _ = read_passages(passages)
    records = _jsonl(gold)
    if query == "claims":  # paired over all gold claims, as the verdict evaluation pairs them
        texts, langs = _pipeline_queries(gold.parent / "article.md", records, embedder)
    else:
        texts = [rec["claim_en"] if query == "en" else rec.get("source_span_no") or rec["claim_en"] for rec in records]
        langs = ["en" if query == "en" else ""] * len(records)
    queries = []
    for rec, text, lang in zip(records, texts, langs):
        ids = frozenset(str(e["passage_id"]) for e in rec.get("evidence", []) if e.get("passage_id"))
        if ids:
            queries.append(RetrievalQuery(str(rec["id"]), text, ids, lang))
    return RetrievalSet("seed", str(passages), tuple(stored), tuple(queries))


def _pipeline_queries(article_path: Path, records: list[dict], embedder) -> tuple[list[str], list[str]]:
    from claims.read import read_articles
    from eval.seed import pair_gold_claims
    from verdicts.pipeline import claims_of

    if embedder is None:
        raise InputError(
            "the seed's claims query pairs gold claims with the pipeline's claims by embedding; give an embedder.",
            code="FC219",
        )
    article = read_articles(_need_file(article_path))[0]
    claims = claims_of(article)
    overlapping, paired = pair_gold_claims(
        article.text,
        [r.get("source_span_no") or "" for r in records],
        [r.get("claim_en") or "" for r in records],
        claims,
        embedder,
    )
    for i, idx in enumerate(overlapping):  # gold without English glosses: the sentence's first claim
        if idx and i not in paired:
            paired[i] = idx[0]
    texts = [claims[paired[i]].text if i in paired else "" for i in range(len(records))]
    langs = [claims[paired[i]].language if i in paired else "" for i in range(len(records))]
    return texts, langs


def _need_file(path: Path) -> Path:
    if not path.exists():
        raise InputError(f"no file at {path}. Give the data set's file with its option (see --help).", code="FC106")
    return path


def scifact_set(claims: str | Path | None = None, corpus: str | Path | None = None) -> RetrievalSet:
    """SciFact claims with evidence against its corpus, one passage per abstract (title + abstract)."""
    claims = Path(claims or DATA / "scifact" / "claims_dev.jsonl")
    corpus = Path(corpus or claims.parent / "corpus.jsonl")
    stored = []
    for doc in _jsonl(corpus):
        text = (doc.get("title", "").strip() + "\n" + " ".join(s.strip() for s in doc.get("abstract", []))).strip()
        stored.append(
            Passage(
                text=text,
                source_url=f"scifact:{doc['doc_id']}",
                source_title=doc.get("title", ""),
                language="en",
                external_id=str(doc["doc_id"]),
            )
        )
    queries = [
        RetrievalQuery(str(rec["id"]), rec["claim"], frozenset(str(d) for d in rec["evidence"]), "en")
        for rec in _jsonl(claims)
        if rec.get("evidence")
    ]
    return RetrievalSet("scifact", str(corpus), tuple(stored), tuple(queries))


def climate_fever_set(path: str | Path | None = None, *, gold: str = "labelled") -> RetrievalSet:
    """Climate-FEVER: its unique evidence sentences are the store; gold = SUPPORTS/REFUTES evidence
    (gold="all": all five annotated sentences of the claim)."""
    path = Path(path or DATA / "climate-fever" / "climate-fever.jsonl")
    by_text: dict[str, Passage] = {}
    ext_of_text: dict[str, str] = {}
    queries = []
    for rec in _jsonl(path):
        ids = set()
        for ev in rec.get("evidences", []):
            text = ev["evidence"].strip()
            if text not in by_text:
                article = ev.get("article", "")
                ext_of_text[text] = ev["evidence_id"]
                by_text[text] = Passage(
                    text=text,
                    source_url=f"https://en.wikipedia.org/wiki/{article.replace(' ', '_')}",
                    source_title=article,
                    language="en",
                    external_id=ev["evidence_id"],
                )
            if gold == "all" or ev.get("evidence_label") in ("SUPPORTS", "REFUTES"):
                ids.add(ext_of_text[text])
        if ids:
            queries.append(RetrievalQuery(str(rec["claim_id"]), rec["claim"], frozenset(ids), "en"))
    return RetrievalSet("climate-fever", str(path), tuple(by_text.values()), tuple(queries))


def titled(rset: RetrievalSet) -> RetrievalSet:
    """The set with each passage read after its source title, as `store ingest --title-context` stores it."""
    from dataclasses import replace

    from sources.ingest import with_title_context

    return replace(rset, passages=tuple(with_title_context(p) for p in rset.passages))


SPLITS = ("all", "tune", "held-out")


def select_split(rset: RetrievalSet, split: str = "all") -> RetrievalSet:
    """The set's queries of one side of eval/splits.py's rule (by query id): "tune" (folds 1-4, where
    fusion weights are chosen), "held-out" (fold 0, never tuned on) or "all". The store stays whole."""
    from dataclasses import replace

    from eval.splits import held_out

    if split == "all":
        return rset
    if split not in SPLITS:
        raise InputError(f"unknown split {split!r}. Use one of: {', '.join(SPLITS)}.", code="FC218")
    return replace(rset, queries=tuple(q for q in rset.queries if held_out(q.id) == (split == "held-out")))


def load_set(name: str, **paths) -> RetrievalSet:
    if name == "seed":
        return seed_set(
            paths.get("gold"), paths.get("corpus"), query=paths.get("query") or "source", embedder=paths.get("embedder")
        )
    if name == "scifact":
        return scifact_set(paths.get("gold"), paths.get("corpus"))
    if name == "climate-fever":
        return climate_fever_set(paths.get("gold"), gold=paths.get("gold_mode") or "labelled")
    raise InputError(f"unknown data set {name!r}. Use one of: {', '.join(SETS)}.", code="FC210")


# -- metrics --------------------------------------------------------------------------------------
def score_rankings(
    queries: Sequence[RetrievalQuery], ranked: Sequence[Sequence[str]], ks: Sequence[int] = (1, 5, 10)
) -> dict:
    """recall@k (any gold in top k), gold_recall@k (share of gold found) and MRR over the rankings."""
    n = len(queries)
    out: dict = {"queries": n}
    if not n:
        return out
    for k in ks:
        out[f"recall@{k}"] = round(sum(bool(set(r[:k]) & q.gold) for q, r in zip(queries, ranked)) / n, 4)
        out[f"gold_recall@{k}"] = round(
            sum(len(set(r[:k]) & q.gold) / len(q.gold) for q, r in zip(queries, ranked)) / n, 4
        )
    rr = 0.0
    for q, r in zip(queries, ranked):
        for i, pid in enumerate(r, 1):
            if pid in q.gold:
                rr += 1 / i
                break
    out["mrr"] = round(rr / n, 4)
    return out


def dedupe(ids: list[str]) -> list[str]:
    seen, out = set(), []
    for x in ids:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def store_path(rset: RetrievalSet, embedder) -> str:
    """The cached store of a set's passages for an embedder (~/.cache/factcheck/), reused by every run."""
    return str(
        Path.home() / ".cache" / "factcheck" / f"eval-{rset.name}-{rset.fingerprint()}-"
        f"{embedder.name.replace('/', '_')}.duckdb"
    )


def open_if_complete(db: str | Path, is_complete: Callable) -> "Store | None":
    """An evaluation's cached store opened read-only (so that several evaluations can read it at once) when
    is_complete(store) says it holds everything; None when it is missing or incomplete, or cannot be opened
    read-only (locked by a writer, or its schema needs migrating: the caller's writable open migrates it)."""
    from claims.errors import FactcheckError
    from sources.store import Store

    if not Path(db).exists():
        return None
    try:
        ro = Store(str(db), read_only=True)
    except FactcheckError:
        return None
    if is_complete(ro):
        return ro
    ro.close()
    return None


def build_store(rset: RetrievalSet, db: str, embedder, progress: Callable[[int, int], None] | None = None):
    """A store holding the set's passages (reused when db already holds them: ingest is idempotent).
    A complete store is opened read-only, so that several evaluations can read it at once."""
    from sources.ingest import load_passages
    from sources.store import Store

    n = len({p.id for p in rset.passages})
    ro = open_if_complete(db, lambda st: tables_passages.count_passages(st.con) >= n)
    if ro is not None:
        return ro
    store = Store(db)
    have = tables_passages.count_passages(store.con)
    if have < len({p.id for p in rset.passages}):
        load_passages(
            store,
            list(rset.passages),
            embedder,
            source_path=rset.source,
            source_hash=rset.fingerprint(),
            progress=progress,
        )
    return store


def evaluate_retrieval(
    rset: RetrievalSet,
    search: Callable[[list[str], int], list[list[Hit]]],
    *,
    ks: Sequence[int] = (1, 5, 10),
    batch: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Run every query through search(texts, k) and score the rankings of external ids."""
    kmax = max(ks)
    ranked: list[list[str]] = []
    texts = [q.text for q in rset.queries]
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        chunk = texts[i : i + batch]
        asked = [t for t in chunk if t]  # an empty query (a gold claim with no pipeline claim) finds nothing
        found = iter(search(asked, kmax * 2) if asked else [])
        for t in chunk:
            hits = next(found) if t else []
            ranked.append(dedupe([h.passage.external_id or h.passage.id for h in hits])[:kmax])
        if progress:
            progress(min(i + batch, len(texts)), len(texts))
    elapsed = time.perf_counter() - started
    result = score_rankings(rset.queries, ranked, ks)
    result.update({"set": rset.name, "passages": len({p.id for p in rset.passages}), "seconds": round(elapsed, 2)})
    return result


def lexical_search(rset: RetrievalSet):
    """search(texts, k) over the set's passages with BM25 alone: no store and no embedding needed."""
    from sources.index import LexicalIndex, analyse_query
    from sources.model import Hit

    passages = {p.id: p for p in rset.passages}
    ordered = list(passages.values())
    index = LexicalIndex.from_texts(
        [p.id for p in ordered], [p.indexed_text for p in ordered], [p.language for p in ordered]
    )
    langs = {q.text: q.language for q in rset.queries}

    def search(texts, k):
        toks = [analyse_query(t, langs.get(t) or "en") for t in texts]
        return [
            [Hit(passage=ordered[i], score=s, rank=r, method="bm25") for r, (i, s) in enumerate(ranking, 1)]
            for ranking in index.search(toks, k)
        ]

    return search
