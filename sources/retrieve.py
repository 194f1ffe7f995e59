"""Evidence retrieval: dense (e5, query vs passage mode), lexical (BM25) or both fused, with filters.

- dense: cosine over the store's passage vectors, exact below `sources.index.EXACT_MAX` passages and
  through a faiss IVF index saved beside the database above it (sources/index.py).
- bm25: `bm25s` over texts analysed in their own language (stemming, stop words).
- hybrid: reciprocal rank fusion of the two rankings (weights and k tuned on training splits, see
  docs/store.md). Every hit's `score` is still the dense cosine of claim and passage, so verdict
  thresholds keep their meaning; `method` says how it was found.

Across languages (a Norwegian claim, English evidence): when the query's language is known (given, or
detected from its text), a passage in another language has CROSS_LINGUAL added to its cosine for ranking
(a translation scores lower than a same-language paraphrase, DESIGN.md), and in hybrid mode it is ranked by
the dense side alone, with the weight of both sides: BM25 matches words, so it cannot judge a passage in
another language and would otherwise push same-language passages ahead.

Filters (`Filters`) apply before ranking: the article's own URL and any excluded URL, source
allow / deny lists (a publisher host such as "reuters.com", which also matches its subdomains, or a
URL prefix), and a date window relative to the article's date.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from claims.errors import InputError, ModelError
from sources import tables_passages
from sources.embed import Embedder, mixed_models_message
from sources.model import Hit
from sources.rowmeta import NO_DATE, RowMeta, index_rows, language_group
from sources.store import Store
from sources.tables_passages import passage_from_row

MODES = ("dense", "bm25", "hybrid")
# The mode `Retriever(store, embedder)` and `factcheck check` use unless told otherwise
# ($FACTCHECK_RETRIEVAL_MODE, --retrieval): chosen by measurement (docs/store.md, "Choosing the default").
DEFAULT_MODE = "hybrid"
# Reciprocal rank fusion: score = w_dense / (RRF_K + dense rank) + w_bm25 / (RRF_K + bm25 rank).
# Tuned on the even-numbered half of the Climate-FEVER claims (docs/store.md).
RRF_K = 10
W_DENSE = 1.0
W_BM25 = 1.0
CANDIDATES = 100  # per ranking, before fusion
# Cosine added, for ranking only, to a passage in another language than the query: the hand-set value of
# verdicts' cross_lingual_allowance (DESIGN.md: translations score about 0.91; not tuned on the seed).
CROSS_LINGUAL = 0.03


@dataclass(frozen=True, slots=True)
class Filters:
    """What evidence may be used for a claim."""

    exclude_urls: tuple[str, ...] = ()  # never these URLs (the article's own URL is added by the pipeline)
    allow_sources: tuple[str, ...] = ()  # only these publishers / hosts / URL prefixes, when given
    deny_sources: tuple[str, ...] = ()  # never these publishers / hosts / URL prefixes
    anchor: dt.date | None = None  # the article's date; the window below is relative to it
    days_before: int | None = None  # drop passages published more than this many days before anchor
    days_after: int | None = None  # drop passages published more than this many days after anchor
    keep_undated: bool = True  # passages without a date pass the date windows
    since: dt.date | None = None  # drop passages published before this date (absolute)
    until: dt.date | None = None  # drop passages published after this date (absolute)

    def with_excluded(self, urls: Sequence[str]) -> "Filters":
        from dataclasses import replace

        return replace(self, exclude_urls=tuple(self.exclude_urls) + tuple(u for u in urls if u))

    @property
    def relative(self) -> bool:
        """True when a window relative to the article's date is asked for."""
        return self.days_before is not None or self.days_after is not None

    def for_article(self, published: dt.date | None) -> "Filters":
        """These filters with the relative window anchored at an article's date (when not anchored
        yet). An article without a date leaves the relative window unapplied (see `window_unapplied`)."""
        from dataclasses import replace

        if self.anchor is None and self.relative and published is not None:
            return replace(self, anchor=published)
        return self

    @property
    def window_unapplied(self) -> bool:
        return self.relative and self.anchor is None

    @property
    def empty(self) -> bool:
        return not (
            self.exclude_urls
            or self.allow_sources
            or self.deny_sources
            or self.since
            or self.until
            or (self.anchor and self.relative)
        )


@dataclass
class Retriever:
    """Finds evidence passages for claims. `Retriever(store, embedder)` searches in DEFAULT_MODE
    (hybrid: dense + BM25 fused) or in the mode named by $FACTCHECK_RETRIEVAL_MODE; give mode= to choose."""

    store: Store
    embedder: Embedder
    mode: str = field(default_factory=lambda: os.environ.get("FACTCHECK_RETRIEVAL_MODE") or DEFAULT_MODE)
    threshold: int | None = None  # passages above which the faiss index is used (None: the default)
    rrf_k: int = RRF_K
    w_dense: float = W_DENSE
    w_bm25: float = W_BM25
    candidates: int = CANDIDATES
    cross_lingual: float = CROSS_LINGUAL
    _index: object = field(default=None, init=False, repr=False)
    _langs: tuple | None = field(default=None, init=False, repr=False)  # (group names, code per index row)
    _foreign_cache: dict = field(default_factory=dict, init=False, repr=False)
    _lexical: object = field(default=None, init=False, repr=False)
    _meta: RowMeta | None = field(default=None, init=False, repr=False)
    _lex_to_vec: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self):
        if self.mode not in MODES:
            raise InputError(f"unknown retrieval mode {self.mode!r}. Use one of: {', '.join(MODES)}.", code="FC211")

    # -- loading -------------------------------------------------------------------------------
    def warm_up(self) -> None:
        if self._index is not None:
            return
        from sources.index import EXACT_MAX, IndexError_, VectorIndex

        stored = self.store.embed_models()
        if stored and self.embedder.name not in stored:
            raise ModelError(mixed_models_message(self.store.path, stored, self.embedder), code="FC303")
        threshold = EXACT_MAX if self.threshold is None else self.threshold
        try:
            self._index = VectorIndex.for_store(self.store, self.embedder.name, threshold=threshold)
        except IndexError_:
            self._index = VectorIndex.for_store(self.store, self.embedder.name, threshold=threshold, save=False)
        if self.mode in ("bm25", "hybrid"):
            self._warm_lexical()

    def _warm_lexical(self) -> None:
        from sources.index import IndexError_, LexicalIndex

        try:
            self._lexical = LexicalIndex.for_store(self.store)
        except IndexError_:
            self._lexical = LexicalIndex.for_store(self.store, save=False)
        self._lex_to_vec = index_rows(self._index.ids, self._warm_meta().order, self._lexical.ids)

    def _warm_meta(self) -> RowMeta:
        if self._meta is None:
            self._meta = self._index.row_meta(self.store)
        return self._meta

    def __len__(self) -> int:
        self.warm_up()
        return len(self._index)

    @property
    def index_kind(self) -> str:
        self.warm_up()
        return self._index.kind

    # -- filters -------------------------------------------------------------------------------
    def allowed_mask(self, filters: Filters | None) -> np.ndarray | None:
        """Boolean mask over the index rows that pass the filters (None: everything passes)."""
        if filters is None or filters.empty:
            return None
        meta = self._warm_meta()
        n = len(self._index)
        mask = np.ones(n, dtype=bool)
        for u in filters.exclude_urls:
            mask[meta.rows_of_url(u)] = False
        if filters.allow_sources:
            mask &= meta.source_mask(filters.allow_sources)
        if filters.deny_sources:
            mask &= ~meta.source_mask(filters.deny_sources)
        lo, hi = [], []  # earliest / latest allowed day, as days since epoch
        epoch = dt.date(1970, 1, 1)
        if filters.anchor is not None and filters.days_before is not None:
            lo.append((filters.anchor - epoch).days - filters.days_before)
        if filters.anchor is not None and filters.days_after is not None:
            hi.append((filters.anchor - epoch).days + filters.days_after)
        if filters.since is not None:
            lo.append((filters.since - epoch).days)
        if filters.until is not None:
            hi.append((filters.until - epoch).days)
        if lo or hi:
            dated = meta.days != NO_DATE
            ok = np.ones(n, dtype=bool)
            if lo:
                ok &= meta.days >= max(lo)
            if hi:
                ok &= meta.days <= min(hi)
            mask &= np.where(dated, ok, filters.keep_undated)
        return mask

    # -- search --------------------------------------------------------------------------------
    def search(
        self,
        queries: Sequence[str],
        *,
        k: int = 8,
        exclude_urls: Sequence[str] = (),
        filters: Filters | None = None,
        languages: Sequence[str] | None = None,
    ) -> list[list[Hit]]:
        """Top-k passages for each query, best first; filtered passages never appear. On a first search the
        indexes load while the queries are embedded (the model's matrix work leaves the other core free)."""
        if not queries:
            self.warm_up()
            return []
        qv = self._embed_while_warming(list(queries))
        if not len(self._index):
            return [[] for _ in queries]
        return self.search_vectors(
            qv, k=k, exclude_urls=exclude_urls, filters=filters, texts=list(queries), languages=languages
        )

    def _embed_while_warming(self, queries: list[str]) -> np.ndarray:
        """The queries' vectors; a first call loads the indexes in a second thread meanwhile. An embedder that reads
        the store too (sources.embed_cache.CachingEmbedder) reads its cached vectors first, in this thread: one
        DuckDB connection is not for two threads at once, and encoding the rest reads nothing."""
        store_backed = getattr(self.embedder, "store", None) is not None
        if self._index is not None or (store_backed and not hasattr(self.embedder, "prefetch")):
            self.warm_up()
            return self.embedder.queries(queries)
        if store_backed:
            self.embedder.prefetch(queries)
        import threading

        failed: list[BaseException] = []

        def warm() -> None:
            try:
                self.warm_up()
            except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
                failed.append(exc)

        loader = threading.Thread(target=warm, name="factcheck-index-load", daemon=True)
        loader.start()
        try:
            qv = self.embedder.queries(queries)
        finally:
            loader.join()
        if failed:
            raise failed[0]
        return qv

    def search_vectors(
        self,
        qv: np.ndarray,
        *,
        k: int = 8,
        exclude_urls: Sequence[str] = (),
        filters: Filters | None = None,
        texts: Sequence[str] | None = None,
        languages: Sequence[str] | None = None,
    ) -> list[list[Hit]]:
        self.warm_up()
        filters = (filters or Filters()).with_excluded(exclude_urls) if exclude_urls else filters
        mask = self.allowed_mask(filters)
        qv = np.asarray(qv, dtype=np.float32)
        if texts is not None:
            languages = self._query_languages(texts, languages)
        foreign = self._foreign_rows(languages) if texts is not None and self.mode != "bm25" else None
        if self.mode == "dense" or texts is None:
            return self._search_dense(qv, k, mask, foreign)
        lex = self._lexical_rankings(texts, languages, mask)
        if self.mode == "bm25":
            return self._search_bm25(qv, lex, k)
        return self._search_hybrid(qv, lex, k, mask, foreign)

    def _search_dense(self, qv: np.ndarray, k: int, mask, foreign) -> list[list[Hit]]:
        """Dense search: the index's top k, or, with foreign rows, the top k in _dense_order of more candidates."""
        if foreign is None:
            pos, scores = self._index.search(qv, k, mask)
            return self._hits_all(
                [
                    [(int(p), float(s)) for p, s in zip(prow, srow) if p >= 0 and np.isfinite(s)]
                    for prow, srow in zip(pos, scores)
                ],
                "dense",
            )
        pos, scores = self._index.search(qv, max(self.candidates, k), mask)
        out = []
        for qi, (prow, srow) in enumerate(zip(pos, scores)):
            ranked = self._dense_order(prow, srow, foreign[qi])[:k]
            out.append([(r, float(srow[j])) for r, j in ranked])
        return self._hits_all(out, "dense")

    def _search_bm25(self, qv: np.ndarray, lex, k: int) -> list[list[Hit]]:
        """BM25 search: the lexical top k, scored by cosine with the query."""
        out = []
        for q, ranking in zip(qv, lex):
            rows = [r for r, _ in ranking[:k]]
            cos = np.asarray(self._index.vectors[np.asarray(rows, dtype=np.int64)]) @ q if rows else []
            out.append([(r, float(c)) for r, c in zip(rows, cos)])
        return self._hits_all(out, "bm25")

    def _search_hybrid(self, qv: np.ndarray, lex, k: int, mask, foreign) -> list[list[Hit]]:
        """Hybrid search: dense and BM25 rankings fused by weighted reciprocal rank, scored by cosine."""
        pos, scores = self._index.search(qv, max(self.candidates, k), mask)
        out = []
        for qi, (q, prow, srow, ranking) in enumerate(zip(qv, pos, scores, lex)):
            other = foreign[qi] if foreign is not None else None
            fused = self._fused(prow, srow, ranking, other)
            best = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
            rows = [r for r, _ in best]
            cos = np.asarray(self._index.vectors[np.asarray(rows, dtype=np.int64)]) @ q if rows else []
            out.append([(r, float(c)) for r, c in zip(rows, cos)])
        return self._hits_all(out, "hybrid")

    def _fused(self, prow, srow, ranking, other) -> dict[int, float]:
        """One query's reciprocal-rank-fused score per row, from its dense and its BM25 ranking."""
        fused: dict[int, float] = {}
        for rank, (p, _) in enumerate(self._dense_order(prow, srow, other), 1):
            w = self.w_dense + (self.w_bm25 if other is not None and other[p] else 0.0)
            fused[p] = fused.get(p, 0.0) + w / (self.rrf_k + rank)
        rank = 0
        for r, _ in ranking:
            if other is not None and other[r]:  # BM25 cannot judge a passage in another language
                continue
            rank += 1
            fused[r] = fused.get(r, 0.0) + self.w_bm25 / (self.rrf_k + rank)
        return fused

    def _query_languages(self, texts: Sequence[str], languages: Sequence[str] | None) -> list[str]:
        """Each query's language: as given, else detected from its text."""
        from claims.language import detect_language

        given = list(languages) if languages else [""] * len(texts)
        return [g if g and g != "und" else detect_language(t) for g, t in zip(given, texts)]

    def _warm_langs(self) -> tuple[list[str], np.ndarray]:
        if self._langs is None:
            self._langs = self._warm_meta().language_groups()
        return self._langs

    def _foreign_rows(self, languages: Sequence[str]) -> list[np.ndarray | None] | None:
        """Per query: a boolean mask of the index rows whose passage is in another known language than the
        query's, or None (the query's language unknown, or no such passage). None for all: nothing to adjust."""
        if not self.cross_lingual:
            return None
        names, codes = self._warm_langs()
        masks = self._foreign_cache
        out: list[np.ndarray | None] = []
        for lang in languages:
            g = language_group(lang)
            if g not in masks:
                other = np.asarray([n not in ("", g) for n in names], dtype=bool)
                masks[g] = other[codes] if g and other.any() else None
            out.append(masks[g])
        return out if any(o is not None for o in out) else None

    def _dense_order(self, prow: np.ndarray, srow: np.ndarray, other: np.ndarray | None) -> list[tuple[int, int]]:
        """(row, position in prow) of the dense candidates, best first; passages in another language than the
        query ranked with `cross_lingual` added to their cosine."""
        keep = [j for j in range(len(prow)) if prow[j] >= 0 and np.isfinite(srow[j])]
        if other is None:
            return [(int(prow[j]), j) for j in keep]
        adj = {j: float(srow[j]) + (self.cross_lingual if other[prow[j]] else 0.0) for j in keep}
        return [(int(prow[j]), j) for j in sorted(keep, key=lambda j: (-adj[j], j))]

    def _lexical_rankings(self, texts, languages, mask) -> list[list[tuple[int, float]]]:
        """BM25 rankings as (vector-index row, score), filtered, best first."""
        from claims.language import detect_language
        from sources.index import analyse_query

        self.warm_up()
        if self._lexical is None:
            self._warm_lexical()
        langs = list(languages) if languages else [detect_language(t) for t in texts]
        toks = [analyse_query(t, lang if lang and lang != "und" else "en") for t, lang in zip(texts, langs)]
        weight = None
        if mask is not None:
            rows = self._lex_to_vec
            weight = np.where(rows >= 0, mask[np.clip(rows, 0, None)], False).astype(np.float32)
        out = []
        for ranking in self._lexical.search(toks, self.candidates, weight):
            out.append([(int(self._lex_to_vec[i]), s) for i, s in ranking if self._lex_to_vec[i] >= 0])
        return out

    def _hits_all(self, scored_lists: list[list[tuple[int, float]]], method: str) -> list[list[Hit]]:
        """Hits for each query's (row, score) pairs, best first, reading every query's passages in one
        statement (one per query cost about 3 ms each, measured), 1,000 ids at a time with
        tables_passages.passage_rows_by_id (literal ids where safe: the primary-key index answers those)."""
        ids_of = [[str(self._index.ids[r]) for r, _ in scored] for scored in scored_lists]
        wanted = list(dict.fromkeys(i for ids in ids_of for i in ids))
        found: dict[str, tuple] = {}
        for n in range(0, len(wanted), 1000):
            part = wanted[n : n + 1000]
            rows = tables_passages.passage_rows_by_id(self.store.con, part)
            found.update((r[0], passage_from_row(r)) for r in rows)
        out = []
        for ids, scored in zip(ids_of, scored_lists):
            hits: list[Hit] = []
            for pid, (_, score) in zip(ids, scored):
                if pid in found:
                    hits.append(
                        Hit(
                            passage=found[pid][0],
                            score=float(score),
                            rank=len(hits) + 1,
                            method=method,
                            load_id=found[pid][1],
                        )
                    )
            out.append(hits)
        return out
