"""Evidence retrieval: exact dense search over the store's passage vectors, with exclusions.

The matrix of passage vectors is read once per Retriever and searched with numpy (exact top-k,
about 7 ms a query at 100k passages on this machine, DESIGN.md). Queries use e5's query mode,
passages were embedded in passage mode.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from claims.errors import ModelError
from sources.embed import Embedder
from sources.model import Hit
from sources.store import Store


def normalise_url(url: str) -> str:
    """Scheme, 'www.', default ports, trailing slashes and fragments do not make a URL different."""
    u = url.strip().lower()
    for prefix in ("https://", "http://"):
        if u.startswith(prefix):
            u = u[len(prefix):]
    u = u.split("#", 1)[0].rstrip("/")
    host, _, rest = u.partition("/")
    host = host.removeprefix("www.").removesuffix(":443").removesuffix(":80")
    return host + ("/" + rest if rest else "")


@dataclass
class Retriever:
    store: Store
    embedder: Embedder
    _ids: list[str] = field(default_factory=list, init=False)
    _matrix: np.ndarray | None = field(default=None, init=False)
    _urls: dict[str, str] = field(default_factory=dict, init=False)

    def warm_up(self) -> None:
        if self._matrix is not None:
            return
        stored = self.store.embed_models()
        if stored and self.embedder.name not in stored:
            raise ModelError(
                f"{self.store.path} holds vectors from {', '.join(stored)}, but the query embedder is "
                f"{self.embedder.name}. Use the same embedder, or ingest the passages again into a new store.",
                code="FC303",
            )
        self._ids, self._matrix = self.store.passage_vectors(self.embedder.name)
        rows = self.store.con.execute("SELECT passage_id, coalesce(source_url, '') FROM passages").fetchall()
        self._urls = {pid: normalise_url(url) for pid, url in rows if url}

    def __len__(self) -> int:
        self.warm_up()
        return len(self._ids)

    def search(
        self, queries: Sequence[str], *, k: int = 8, exclude_urls: Sequence[str] = ()
    ) -> list[list[Hit]]:
        """Top-k passages for each query, best first; passages from excluded URLs never appear."""
        self.warm_up()
        if not queries:
            return []
        if not self._ids:
            return [[] for _ in queries]
        qv = self.embedder.queries(list(queries))
        return self.search_vectors(qv, k=k, exclude_urls=exclude_urls)

    def search_vectors(
        self, qv: np.ndarray, *, k: int = 8, exclude_urls: Sequence[str] = ()
    ) -> list[list[Hit]]:
        self.warm_up()
        scores = qv @ self._matrix.T                      # cosine: both sides are L2-normalised
        excluded = {normalise_url(u) for u in exclude_urls if u}
        if excluded:
            mask = np.array([self._urls.get(pid) in excluded for pid in self._ids])
            if mask.any():
                scores[:, mask] = -np.inf
        k_eff = min(k, scores.shape[1])
        out = []
        for row in scores:
            top = np.argpartition(-row, k_eff - 1)[:k_eff]
            top = top[np.argsort(-row[top], kind="stable")]
            picked = [(self._ids[i], float(row[i])) for i in top if np.isfinite(row[i])]
            out.append(self.store.hits(picked))
        return out
