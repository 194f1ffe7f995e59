"""Embeddings cached by content: the same text under the same model is embedded once.

`CachingEmbedder` wraps any embedder (same `name`, so stores and retrievers cannot tell it apart).
It looks vectors up in the store's `embedding_cache` table (schema v5), keeps what it computed in
`pending`, and the single writer drains `pending` into the table (`save_cached`) inside the same
transaction as the rows that used them. Workers of a Dask/Ray runner read the cache from a
read-only snapshot and hand their new vectors back to the writer the same way.
"""

from __future__ import annotations

import hashlib
from typing import Sequence

import numpy as np

from sources import tables_cache
from sources.store import Store


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachingEmbedder:
    """An embedder that reuses vectors stored by content hash; new ones are kept in `pending`."""

    def __init__(self, inner, store: Store | None = None):
        self.inner = inner
        self.name, self.version, self.dim = inner.name, inner.version, inner.dim
        self.store = store
        self.memory: dict[tuple[str, str], np.ndarray] = {}  # (mode, hash) -> vector
        self.pending: dict[tuple[str, str], np.ndarray] = {}
        self.looked_up: set[tuple[str, str]] = set()  # asked of the store already (found or not)
        self.hits = self.misses = 0

    def warm_up(self) -> None:
        if hasattr(self.inner, "warm_up"):
            self.inner.warm_up()

    def _lookup(self, mode: str, hashes: list[str]) -> None:
        missing = sorted({h for h in hashes if (mode, h) not in self.memory and (mode, h) not in self.looked_up})
        if not missing or self.store is None:
            return
        for h, v in tables_cache.cached_vectors(self.store.con, self.name, mode, missing):
            self.memory[(mode, h)] = v
        self.looked_up.update((mode, h) for h in missing)

    def prefetch(self, texts: Sequence[str], mode: str = "query") -> None:
        """Read the texts' cached vectors from the store now, so that encoding them later reads nothing from it
        (sources.retrieve loads the indexes over the same connection in another thread meanwhile)."""
        self._lookup(mode, [text_hash(t) for t in texts])

    def _encode(self, texts: Sequence[str], mode: str) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        hashes = [text_hash(t) for t in texts]
        self._lookup(mode, hashes)
        todo = [i for i, h in enumerate(hashes) if (mode, h) not in self.memory]
        unique_todo = list(dict.fromkeys(hashes[i] for i in todo))
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if unique_todo:
            first = {h: texts[hashes.index(h)] for h in unique_todo}
            fn = self.inner.queries if mode == "query" else self.inner.passages
            vecs = np.asarray(fn([first[h] for h in unique_todo]), dtype=np.float32)
            for h, v in zip(unique_todo, vecs):
                self.memory[(mode, h)] = v
                self.pending[(mode, h)] = v
        return np.stack([self.memory[(mode, h)] for h in hashes]).astype(np.float32, copy=False)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def take_pending(self) -> list[tuple[str, str, np.ndarray]]:
        """The vectors computed since the last call, as (mode, text_hash, vector), and forget them."""
        out = [(mode, h, v) for (mode, h), v in self.pending.items()]
        self.pending = {}
        return out


def save_cached(con, model: str, rows: Sequence[tuple[str, str, np.ndarray]]) -> int:
    """Insert (mode, text_hash, vector) rows not yet cached; run inside the caller's transaction."""
    if not rows:
        return 0
    tables_cache.save_vectors(con, model, rows)
    return len(rows)
