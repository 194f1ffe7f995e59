"""SQL on embedding_cache: query and passage vectors kept by the content hash of their text (schema v5)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from sources.tables import now


def cached_vectors(con, model: str, mode: str, hashes: Sequence[str]) -> list[tuple[str, np.ndarray]]:
    """(text_hash, float32 vector) of the hashes cached for model and mode ('query' or 'passage')."""
    res = con.execute(
        "SELECT text_hash, vector FROM embedding_cache WHERE model = ? AND mode = ? "
        "AND text_hash IN (SELECT unnest(?))",
        [model, mode, list(hashes)],
    ).fetchnumpy()
    if not len(res["text_hash"]):
        return []
    vecs = np.stack(list(res["vector"])).astype(np.float32, copy=False)
    return [(str(h), v) for h, v in zip(res["text_hash"], vecs)]


def save_vectors(con, model: str, rows: Sequence[tuple[str, str, np.ndarray]]) -> None:
    """Insert (mode, text_hash, vector) rows not yet cached."""
    if not rows:
        return
    created = now()
    con.executemany(
        "INSERT INTO embedding_cache (model, mode, text_hash, vector, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [(model, mode, h, np.asarray(v, dtype=np.float32).tolist(), created) for mode, h, v in rows],
    )
