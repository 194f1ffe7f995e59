"""Re-embed a store's passages with another embedder, all or nothing.

A store holds vectors from one model (the name of the model and runtime is stored with each
vector), and retrieval refuses to compare vectors of different models. Switching the embedder of an
existing store therefore means embedding every passage again: `reembed_store` does it in one
transaction and records it as a load of kind "reembed", so a failure or a kill leaves the store as
it was. Passage texts, ids and the loads that wrote them do not change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable

import numpy as np

from claims.errors import StoreError
from sources import tables_passages
from sources.embed import Embedder
from sources.model import indexed_text
from sources.store import EMBED_DIM, Store

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ReembedReport:
    load_id: str
    embed_model: str
    reembedded: int
    unchanged: int  # already embedded by this model
    previous_models: tuple[str, ...]


def reembed_store(
    store: Store, embedder: Embedder, *, batch: int = 64, progress: Progress | None = None
) -> ReembedReport:
    """Embed (passage mode) every passage whose vector was not made by `embedder`, and store the new vectors."""
    if store.read_only:
        raise StoreError(f"{store.path} is open read-only; re-embedding writes to it.", code="FC320")
    previous = tuple(m for m in store.embed_models() if m != embedder.name)
    rows = tables_passages.passages_not_embedded_by(store.con, embedder.name)
    unchanged = tables_passages.count_embedded_by(store.con, embedder.name)
    ids = [r[0] for r in rows]
    chunks = []
    for i in range(0, len(rows), batch):
        chunks.append(
            np.asarray(embedder.passages([indexed_text(r[1], r[2]) for r in rows[i : i + batch]]), dtype=np.float32)
        )
        if progress:
            progress(min(i + batch, len(rows)), len(rows))
    vectors = np.concatenate(chunks) if chunks else np.zeros((0, EMBED_DIM), np.float32)
    if len(ids) and vectors.shape[1] != EMBED_DIM:
        raise StoreError(
            f"{embedder.name} makes {vectors.shape[1]}-dimensional vectors; this store holds "
            f"{EMBED_DIM}-dimensional vectors. Use an embedder with {EMBED_DIM} dimensions.",
            code="FC206",
        )
    if not ids:
        return ReembedReport("", embedder.name, 0, int(unchanged), previous)
    digest = hashlib.sha256("\n".join(ids).encode() + embedder.name.encode()).hexdigest()
    with store.transaction() as con:
        load_id = store.begin_load("reembed", store.path, digest, embedder.name)
        tables_passages.replace_vectors(con, ids, vectors, embedder.name)
        store.finish_load(load_id, added=len(ids), skipped=int(unchanged), rejected=0)
    return ReembedReport(load_id, embedder.name, len(ids), int(unchanged), previous)
