"""Search indexes over the store's passages, kept beside the database file.

- `VectorIndex`: the passage vectors as one float32 matrix. Below `EXACT_MAX` passages it searches
  exactly (numpy); above it, a faiss IVF-Flat index (inner product = cosine on L2-normalised e5
  vectors) is built, saved beside the DB (`store.duckdb.index/`) and reused. When passages change,
  an index whose rows are all still stored is updated by adding the new rows; any removal rebuilds
  it. Which rows an index holds is checked by a fingerprint of the passage ids (count and XOR of
  their hashes), so a stale index is never used.
- `LexicalIndex`: BM25 (the `bm25s` library) over the passage texts, each analysed in its own
  language (Snowball stemmer and stop words from PyStemmer / bm25s); saved and checked the same way.

A store opened as ":memory:" keeps its indexes in memory only.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from claims.errors import StoreError
from sources import tables_passages
from sources.model import indexed_text
from sources.rowmeta import RowMeta, ids_digest
from sources.store import Store

EXACT_MAX = 50_000  # above this many passages, search an approximate (faiss) index
NPROBE = 48  # IVF lists visited per query at least (recall vs exact checked in tests and bench)
INDEX_FORMAT = 1


class IndexError_(StoreError):
    """An index beside the store cannot be read or written."""

    code = "FC220"


def index_dir(store: Store) -> Path | None:
    if store.path == ":memory:":
        return None
    return Path(store.path + ".index")


def fingerprint(store: Store, embed_model: str | None = None, table: str = "passages") -> tuple[int, int]:
    """(count, XOR of hash(passage_id)) of the passages (of one embedding model): which rows exist."""
    return tables_passages.fingerprint(store.con, embed_model, table)


_CONTROLLER = None


def few_threads(nq: int):
    """A context that runs BLAS on one thread for a few queries: on a busy machine waking OpenBLAS's
    threads costs far more than the product itself (30 ms against 0.4 ms for one query at 12k
    passages, measured here); batches keep every core."""
    global _CONTROLLER
    import contextlib

    if nq >= 16:
        return contextlib.nullcontext()
    try:
        if _CONTROLLER is None:
            from threadpoolctl import ThreadpoolController

            _CONTROLLER = ThreadpoolController()
        return _CONTROLLER.limit(limits=1, user_api="blas")
    except Exception:  # pragma: no cover - threadpoolctl missing or unusable
        return contextlib.nullcontext()


def _faiss(threads: int | None = None):
    """The faiss module with its OpenMP threads set: all cores for building and batches, one for a
    single query (threads spinning on a busy machine cost more than they give)."""
    import faiss

    faiss.omp_set_num_threads(max(1, threads or os.cpu_count() or 1))
    return faiss


def _read_ivf(folder: Path, writable: bool):
    """The saved faiss index: its lists memory-mapped from the file (opens in milliseconds at 1M passages, searches
    as fast as a copy in memory; measured, docs/speed.md), or read into memory when it is to be added to."""
    faiss = _faiss()
    return faiss.read_index(str(folder / "faiss.ivf"), 0 if writable else faiss.IO_FLAG_MMAP_IFC)


def build_ivf(vectors: np.ndarray, *, nlist: int | None = None, seed: int = 0):
    """An IVF-Flat inner-product index over vectors (rows added in order: position = faiss id)."""
    faiss = _faiss()
    n, d = vectors.shape
    nlist = nlist or int(min(4096, max(16, 2 * np.sqrt(n))))
    quantizer = faiss.IndexFlatIP(d)
    index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(seed)
    sample = vectors if n <= nlist * 40 else vectors[np.sort(rng.choice(n, nlist * 40, replace=False))]
    index.train(np.ascontiguousarray(sample, dtype=np.float32))
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    index.nprobe = max(NPROBE, nlist // 20)  # 1M passages, 2000 lists: 100 probed (recall@10 0.96, bench)
    return index


@dataclass
class VectorIndex:
    """Passage ids and vectors (same order), with a faiss index when large."""

    ids: np.ndarray  # object array of passage ids
    vectors: np.ndarray  # (n, 384) float32, maybe memory-mapped
    ann: object | None = None  # faiss index, or None for exact search
    fingerprint: tuple[int, int] = (0, 0)
    loads: list[str] = field(default_factory=list)
    built: str = ""  # "loaded", "built", "updated", "memory"
    build_seconds: float = 0.0
    folder: Path | None = None  # where this index was loaded from or saved to (its row metadata goes there too)
    _meta: RowMeta | None = field(default=None, init=False, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def kind(self) -> str:
        return "faiss-ivf" if self.ann is not None else "exact"

    def row_meta(self, store: Store) -> RowMeta:
        """URL, host, date and language codes of every row (sources.rowmeta): read from beside the index when
        saved there for these rows in this order, else built from the store and saved there when possible."""
        if self._meta is None:
            digest = ids_digest(self.ids)
            meta = RowMeta.load(self.folder, self.fingerprint, digest, len(self)) if self.folder else None
            if meta is None:
                meta = RowMeta.build(store.con, self.ids)
                if self.folder is not None:
                    try:
                        meta.save(self.folder, self.fingerprint, digest)
                    except OSError:
                        pass  # a read-only folder: the metadata is rebuilt by the next process, nothing is lost
            self._meta = meta
        return self._meta

    # -- search ---------------------------------------------------------------------------------
    def search(
        self, qv: np.ndarray, k: int, allowed: np.ndarray | None = None, exact: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """(positions, scores) of the top k rows per query, best first; -1 pads missing rows.

        allowed, a boolean mask over rows, restricts the search (filters)."""
        qv = np.ascontiguousarray(qv, dtype=np.float32)
        n = len(self.ids)
        nq = len(qv)
        k = max(1, min(k, n)) if n else 1
        if n == 0:
            return np.full((nq, k), -1), np.full((nq, k), -np.inf, np.float32)
        n_allowed = n if allowed is None else int(allowed.sum())
        if self.ann is not None and not exact and n_allowed > 20_000:
            faiss = _faiss(1 if nq < 16 else None)
            if allowed is not None and n - n_allowed <= 256:
                # a few rows excluded (the article's own URL): search a little deeper and drop them,
                # much faster than faiss's ID selector
                scores, pos = self.ann.search(qv, k + (n - n_allowed))
                keep = (pos >= 0) & allowed[np.clip(pos, 0, None)]
                out_pos = np.full((nq, k), -1)
                out_scores = np.full((nq, k), -np.inf, np.float32)
                for i in range(nq):
                    p_i, s_i = pos[i][keep[i]][:k], scores[i][keep[i]][:k]
                    out_pos[i, : len(p_i)], out_scores[i, : len(s_i)] = p_i, s_i
                if (out_pos[:, -1] >= 0).all():
                    return out_pos, out_scores
            if allowed is not None and n_allowed < n:
                bits = np.packbits(allowed.astype(np.uint8), bitorder="little")
                params = faiss.SearchParametersIVF(
                    sel=faiss.IDSelectorBitmap(n, faiss.swig_ptr(bits)), nprobe=self.ann.nprobe
                )
                scores, pos = self.ann.search(qv, k, params=params)
                del bits
            else:
                scores, pos = self.ann.search(qv, k)
            if (pos[:, -1] >= 0).all() or n_allowed < k:
                return pos, scores
        return self._exact(qv, k, allowed)

    def _exact(self, qv, k, allowed):
        if allowed is not None and not allowed.all():
            rows = np.flatnonzero(allowed)
            if not len(rows):
                return np.full((len(qv), k), -1), np.full((len(qv), k), -np.inf, np.float32)
            sub = self.vectors[rows]
        else:
            rows, sub = None, self.vectors
        with few_threads(len(qv)):
            scores = qv @ np.asarray(sub).T
        kk = min(k, scores.shape[1])
        top = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
        top_scores = np.take_along_axis(scores, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        top_scores = np.take_along_axis(top_scores, order, axis=1)
        if rows is not None:
            top = rows[top]
        if kk < k:
            top = np.pad(top, ((0, 0), (0, k - kk)), constant_values=-1)
            top_scores = np.pad(top_scores, ((0, 0), (0, k - kk)), constant_values=-np.inf)
        return top, top_scores

    # -- building, saving, loading -------------------------------------------------------------
    @classmethod
    def for_store(
        cls, store: Store, embed_model: str, *, threshold: int = EXACT_MAX, rebuild: bool = False, save: bool = True
    ) -> "VectorIndex":
        """The index for the store's current passages: loaded from beside the DB when it matches,
        updated when rows were only added, rebuilt otherwise."""
        fp = fingerprint(store, embed_model)
        folder = index_dir(store)
        old = None if (rebuild or folder is None) else cls.load(folder, embed_model)
        started = time.perf_counter()
        if old is not None and old.fingerprint == fp and (old.ann is not None) == (fp[0] > threshold):
            old.built = "loaded"
            return old
        if old is not None and old.loads and (old.ann is not None) == (fp[0] > threshold):
            new_ids, new_vecs, new_loads = tables_passages.read_vectors(store.con, embed_model, old.loads)
            xor = old.fingerprint[1]
            added_fp = tables_passages.fingerprint_outside_loads(store.con, embed_model, old.loads)
            if old.fingerprint[0] + int(added_fp[0]) == fp[0] and (xor ^ int(added_fp[1])) == fp[1]:
                ann = old.ann
                if ann is not None and len(new_ids):
                    ann = _read_ivf(folder, writable=True)  # the loaded one maps the file read-only
                    ann.nprobe = old.ann.nprobe
                index = cls(
                    ids=np.concatenate([np.asarray(old.ids, dtype=object), new_ids]),
                    vectors=np.concatenate([np.asarray(old.vectors), new_vecs]) if len(new_ids) else old.vectors,
                    ann=ann,
                    fingerprint=fp,
                    loads=sorted(set(old.loads) | set(new_loads)),
                )
                if index.ann is not None and len(new_ids):
                    index.ann.add(np.ascontiguousarray(new_vecs))
                index.built, index.build_seconds = "updated", time.perf_counter() - started
                if save and folder is not None:
                    index.save(folder, embed_model)
                return index
        ids, vecs, loads = tables_passages.read_vectors(store.con, embed_model)
        ann = build_ivf(vecs) if len(ids) > threshold else None
        index = cls(ids=ids, vectors=vecs, ann=ann, fingerprint=fp, loads=loads)
        index.built, index.build_seconds = "built", time.perf_counter() - started
        if save and folder is not None and (ann is not None or len(ids) > 2_000):
            index.save(folder, embed_model)
        return index

    def save(self, folder: Path, embed_model: str) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        try:
            if tmp.exists():
                shutil.rmtree(tmp)
            tmp.mkdir(parents=True)
            np.save(tmp / "vectors.npy", np.ascontiguousarray(self.vectors, dtype=np.float32))
            np.save(tmp / "ids.npy", np.asarray(self.ids, dtype=str))
            if self.ann is not None:
                _faiss().write_index(self.ann, str(tmp / "faiss.ivf"))
            (tmp / "meta.json").write_text(
                json.dumps(
                    {
                        "format": INDEX_FORMAT,
                        "embed_model": embed_model,
                        "count": self.fingerprint[0],
                        "xor": str(self.fingerprint[1]),
                        "loads": self.loads,
                        "kind": self.kind,
                        "nprobe": getattr(self.ann, "nprobe", None),
                    }
                )
            )
            old = folder.with_name(folder.name + ".old")
            if folder.exists():
                if old.exists():
                    shutil.rmtree(old)
                folder.rename(old)
            tmp.rename(folder)
            if old.exists():
                shutil.rmtree(old)
            self.folder = folder
        except OSError as exc:
            raise IndexError_(
                f"cannot write the search index beside the store at {folder} ({exc}). "
                "Check the folder is writable, or open the store read-only to search without saving.",
                code="FC220",
            ) from exc

    @classmethod
    def load(cls, folder: Path, embed_model: str) -> "VectorIndex | None":
        meta_path = folder / "meta.json"
        if not meta_path.exists():
            return None
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("format") != INDEX_FORMAT or meta.get("embed_model") != embed_model:
                return None
            ids = np.load(folder / "ids.npy", mmap_mode="r")
            vecs = np.load(folder / "vectors.npy", mmap_mode="r")
            ann = None
            if (folder / "faiss.ivf").exists():
                ann = _read_ivf(folder, writable=False)
                ann.nprobe = int(meta.get("nprobe") or NPROBE)
            return cls(
                ids=ids,
                vectors=vecs,
                ann=ann,
                fingerprint=(int(meta["count"]), int(meta["xor"])),
                loads=list(meta.get("loads", [])),
                folder=folder,
            )
        except (OSError, ValueError, KeyError, RuntimeError):
            return None  # a damaged index is rebuilt from the store


# -- lexical ----------------------------------------------------------------------------------------
_ANALYSERS = {
    "en": ("english", "en"),
    "nb": ("norwegian", "no"),
    "nn": ("norwegian", "no"),
    "no": ("norwegian", "no"),
    "sv": ("swedish", "sv"),
    "da": ("danish", "da"),
    "de": ("german", "de"),
    "fr": ("french", "fr"),
    "es": ("spanish", "es"),
    "it": ("italian", "it"),
    "pt": ("portuguese", "pt"),
    "nl": ("dutch", "nl"),
    "ru": ("russian", "ru"),
    "tr": ("turkish", "tr"),
    "fi": ("finnish", None),
    "ar": ("arabic", None),
}


def _analyser(language: str):
    """(stemmer or None, stop words) for a language code; unknown languages are only lower-cased."""
    from bm25s import stopwords as sw

    lang = (language or "").lower().split("-")[0]
    stem_name, stop_key = _ANALYSERS.get(lang, (None, None))
    stemmer = None
    if stem_name:
        import Stemmer

        stemmer = Stemmer.Stemmer(stem_name)
    stops = {
        "en": sw.STOPWORDS_EN_PLUS,
        "no": sw.STOPWORDS_NORWEGIAN,
        "sv": sw.STOPWORDS_SWEDISH,
        "da": sw.STOPWORDS_DANISH,
        "de": sw.STOPWORDS_GERMAN,
        "fr": sw.STOPWORDS_FRENCH,
        "es": sw.STOPWORDS_SPANISH,
        "it": sw.STOPWORDS_ITALIAN,
        "pt": sw.STOPWORDS_PORTUGUESE,
        "nl": sw.STOPWORDS_DUTCH,
        "ru": sw.STOPWORDS_RUSSIAN,
        "tr": sw.STOPWORDS_TURKISH,
    }.get(stop_key, ())
    return stemmer, list(stops)


def analyse(texts: Sequence[str], language: str, extra_stopwords: Sequence[str] = ()) -> list[list[str]]:
    """Token lists for texts in one language: lower-cased words, stop words out, stemmed."""
    import bm25s

    stemmer, stops = _analyser(language)
    return bm25s.tokenize(
        list(texts), stopwords=stops + list(extra_stopwords), stemmer=stemmer, return_ids=False, show_progress=False
    )


def analyse_query(text: str, language: str) -> list[str]:
    """A query's tokens under its own language's analysis and English's (names and numbers match
    across languages; English is the commonest language of reference text). The English pass also
    drops the query language's stop words."""
    language = language or "en"
    out = list(dict.fromkeys(analyse([text], language)[0]))
    if language != "en":
        own_stops = _analyser(language)[1]
        for tok in analyse([text], "en", own_stops)[0]:
            if tok not in out:
                out.append(tok)
    return out


@dataclass
class LexicalIndex:
    ids: np.ndarray
    bm25: object | None
    fingerprint: tuple[int, int] = (0, 0)
    built: str = ""
    build_seconds: float = 0.0

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def for_store(cls, store: Store, *, rebuild: bool = False, save: bool = True) -> "LexicalIndex":
        import bm25s

        fp = fingerprint(store)
        folder = index_dir(store)
        lex = None if folder is None else folder.with_name(folder.name.removesuffix(".index") + ".bm25")
        if lex is not None and not rebuild and (lex / "meta.json").exists():
            try:
                meta = json.loads((lex / "meta.json").read_text())
                if (int(meta["count"]), int(meta["xor"])) == fp:
                    model = bm25s.BM25.load(str(lex), show_progress=False, mmap=True) if fp[0] else None
                    ids = np.load(lex / "ids.npy", mmap_mode="r")
                    return cls(ids=ids, bm25=model, fingerprint=fp, built="loaded")
            except (OSError, ValueError, KeyError):
                pass
        started = time.perf_counter()
        res = tables_passages.bm25_rows(store.con)
        index = cls.from_texts([r[0] for r in res], [indexed_text(r[1], r[3]) for r in res], [r[2] for r in res])
        model, ids = index.bm25, index.ids
        index.fingerprint, index.build_seconds = fp, time.perf_counter() - started
        if save and lex is not None and len(ids) > 2_000:
            try:
                if lex.exists():
                    shutil.rmtree(lex)
                lex.mkdir(parents=True)
                model.save(str(lex), show_progress=False)
                np.save(lex / "ids.npy", ids.astype(str))
                (lex / "meta.json").write_text(json.dumps({"count": fp[0], "xor": str(fp[1])}))
            except OSError as exc:
                raise IndexError_(
                    f"cannot write the BM25 index at {lex} ({exc}). Check the folder is writable.", code="FC220"
                ) from exc
        return index

    @classmethod
    def from_texts(cls, ids: Sequence[str], texts: Sequence[str], languages: Sequence[str]) -> "LexicalIndex":
        """BM25 over texts, each analysed in its own language."""
        import bm25s

        tokens: list[list[str] | None] = [None] * len(texts)
        by_lang: dict[str, list[int]] = {}
        for i, lang in enumerate(languages):
            by_lang.setdefault(lang or "", []).append(i)
        for lang, rows in by_lang.items():
            for i, toks in zip(rows, analyse([texts[i] for i in rows], lang)):
                tokens[i] = toks
        model = None
        if len(texts):
            model = bm25s.BM25()
            model.index(tokens, show_progress=False)
        return cls(ids=np.asarray(list(ids), dtype=object), bm25=model, built="built")

    def search(
        self, query_tokens: list[list[str]], k: int, weight_mask: np.ndarray | None = None
    ) -> list[list[tuple[int, float]]]:
        """(row, bm25 score) pairs, best first, for each query's tokens; rows with score 0 left out."""
        if self.bm25 is None or not len(self.ids):
            return [[] for _ in query_tokens]
        k = min(k, len(self.ids))
        out = []
        vocab = self.bm25.vocab_dict
        for toks in query_tokens:
            known = [t for t in toks if t in vocab]
            if not known:
                out.append([])
                continue
            scores = self.bm25.get_scores(known)
            if weight_mask is not None:
                scores = scores * weight_mask
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top], kind="stable")]
            out.append([(int(i), float(scores[i])) for i in top if scores[i] > 0])
        return out
