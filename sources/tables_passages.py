"""SQL on the reference store's loads, passages, documents and retired_passages (schema: sources/migrations/).

Every load of a source file is a `loads` row; every passage knows the load that wrote it. Passages a changed or
removed source no longer holds move to `retired_passages`, so nothing a verdict rested on is lost.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from claims.model import Span
from sources.model import Passage
from sources.tables import execute_many, new_id, now

EMBED_DIM = 384
PASSAGE_COLUMNS = (
    "passage_id, external_id, text, language, source_url, source_title, publisher, published, "
    "published_raw, quote_type, span_start, span_end, embedding, embed_model, load_id, created_at, "
    "context"
)

PASSAGE_READ = (
    "passage_id, external_id, text, language, source_url, source_title, publisher, published, "
    "published_raw, quote_type, span_start, span_end, load_id, context"
)


def passage_from_row(r) -> tuple[Passage, str]:
    """(the Passage, the load id that wrote it) from a row selected as PASSAGE_READ."""
    span = Span(r[10], r[11]) if r[10] is not None and r[11] is not None else None
    return Passage(
        text=r[2],
        source_url=r[4] or "",
        source_title=r[5] or "",
        publisher=r[6] or "",
        published=r[7],
        published_raw=r[8] or "",
        language=r[3] or "",
        quote_type=r[9] or "",
        span=span,
        external_id=r[1] or "",
        id=r[0],
        context=r[13] or "",
    ), r[12]


# -- loads -----------------------------------------------------------------------------------------
def begin_load(con, kind: str, source_path: str, source_hash: str, embed_model: str | None) -> str:
    load_id = new_id("load")
    con.execute(
        "INSERT INTO loads (load_id, kind, source_path, source_hash, embed_model, started_at, status) "
        "VALUES (?, ?, ?, ?, ?, ?, 'running')",
        [load_id, kind, source_path, source_hash, embed_model, now()],
    )
    return load_id


def finish_load(con, load_id: str, *, added: int, skipped: int, rejected: int, status: str = "done") -> None:
    con.execute(
        "UPDATE loads SET finished_at = ?, rows_added = ?, rows_skipped = ?, rows_rejected = ?, status = ? "
        "WHERE load_id = ?",
        [now(), added, skipped, rejected, status, load_id],
    )


def latest_load_id(con) -> str | None:
    row = con.execute(
        "SELECT load_id FROM loads WHERE status = 'done' ORDER BY started_at DESC, load_id DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def loaded_before(con, source_hash: str, embed_model: str) -> bool:
    """Whether a finished load read a file with this content hash with this embedder."""
    row = con.execute(
        "SELECT count(*) FROM loads WHERE status = 'done' AND source_hash = ? AND embed_model = ?",
        [source_hash, embed_model],
    ).fetchone()
    return bool(row[0])


def count_done_loads(con) -> int:
    return con.execute("SELECT count(*) FROM loads WHERE status = 'done'").fetchone()[0]


def recent_loads(con, limit: int = 10) -> list[tuple]:
    """(load_id, kind, source_path, rows_added, rows_skipped, rows_rejected, status, finished_at), newest first."""
    return con.execute(
        "SELECT load_id, kind, source_path, rows_added, rows_skipped, rows_rejected, status, finished_at "
        "FROM loads ORDER BY started_at DESC LIMIT ?",
        [limit],
    ).fetchall()


# -- passages --------------------------------------------------------------------------------------
def embed_models(con) -> list[str]:
    rows = con.execute("SELECT DISTINCT embed_model FROM passages WHERE embed_model IS NOT NULL ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def existing_passage_ids(con, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    rows = con.execute("SELECT passage_id FROM passages WHERE passage_id IN (SELECT unnest(?))", [list(ids)]).fetchall()
    return {r[0] for r in rows}


def insert_passages(con, passages: Sequence[Passage], vectors: np.ndarray, embed_model: str, load_id: str) -> None:
    """Insert passages with their vectors (one per passage, already checked by the caller)."""
    created = now()
    rows = [
        (
            p.id,
            p.external_id or None,
            p.text,
            p.language or None,
            p.source_url or None,
            p.source_title or None,
            p.publisher or None,
            p.published,
            p.published_raw or None,
            p.quote_type or None,
            p.span.start if p.span else None,
            p.span.end if p.span else None,
            vec.astype(np.float32).tolist(),
            embed_model,
            load_id,
            created,
            p.context or None,
        )
        for p, vec in zip(passages, vectors)
    ]
    insert_passage_rows(con, rows)


def insert_passage_rows(con, rows: Sequence[tuple], *, skip_existing: bool = False) -> None:
    """Insert raw rows in PASSAGE_COLUMNS order; skip_existing: a passage id already stored is left as it is."""
    execute_many(con, "passages", PASSAGE_COLUMNS.split(", "), rows, on_conflict="DO NOTHING" if skip_existing else "")


def passage_vectors(con, embed_model: str) -> tuple[list[str], np.ndarray]:
    """All passage ids and their vectors made by embed_model, as an (n, 384) float32 matrix."""
    res = con.execute(
        "SELECT passage_id, embedding FROM passages WHERE embed_model = ? ORDER BY passage_id", [embed_model]
    ).fetchnumpy()
    ids = [str(x) for x in res["passage_id"]]
    if not ids:
        return [], np.zeros((0, EMBED_DIM), dtype=np.float32)
    return ids, np.stack(list(res["embedding"])).astype(np.float32, copy=False)


def passages_by_id(con, ids: Sequence[str]) -> dict[str, tuple[Passage, str]]:
    """Passages with the load id that wrote each, keyed by passage id."""
    if not ids:
        return {}
    rows = con.execute(
        f"SELECT {PASSAGE_READ} FROM passages WHERE passage_id IN (SELECT unnest(?))", [list(ids)]
    ).fetchall()
    return {r[0]: passage_from_row(r) for r in rows}


_SAFE_ID = re.compile(r"^[A-Za-z0-9_.:#-]+$")


def passage_rows_by_id(con, ids: Sequence[str]) -> list[tuple]:
    """Rows selected as PASSAGE_READ for up to about 1,000 ids. When every id is safe to quote, with an IN list of
    literal ids, which DuckDB answers through the primary-key index (1 ms against about 5-10 ms for
    `IN (SELECT unnest(?))` at 100k passages, measured); else with one parameter per id."""
    cols = f"SELECT {PASSAGE_READ} FROM passages WHERE passage_id IN "
    if all(_SAFE_ID.match(i) for i in ids):
        return con.execute(cols + "(" + ", ".join(f"'{i}'" for i in ids) + ")").fetchall()
    return con.execute(cols + "(" + ", ".join("?" * len(ids)) + ")", list(ids)).fetchall()


def passage_filter_columns(con, no_date: int) -> dict[str, np.ndarray]:
    """Columns passage_id, source_url, publisher, day (days since 1970-01-01, or no_date) and language of every
    passage, as numpy arrays ('' for NULL): what retrieval's filters read (sources.rowmeta)."""
    return con.execute(
        "SELECT passage_id, coalesce(source_url, '') AS source_url, coalesce(publisher, '') AS publisher, "
        "coalesce(datediff('day', DATE '1970-01-01', published), ?) AS day, coalesce(language, '') AS language "
        "FROM passages ORDER BY passage_id",
        [no_date],
    ).fetchnumpy()


def bm25_rows(con) -> list[tuple]:
    """(passage_id, text, language or '', context) of every passage, by id: what the BM25 index reads."""
    return con.execute(
        "SELECT passage_id, text, coalesce(language, ''), context FROM passages ORDER BY passage_id"
    ).fetchall()


def fingerprint(con, embed_model: str | None = None, table: str = "passages") -> tuple[int, int]:
    """(count, XOR of hash(passage_id)) of the passages (of one embedding model): which rows exist."""
    where = "WHERE embed_model = ?" if embed_model else ""
    row = con.execute(
        f"SELECT count(*), coalesce(bit_xor(hash(passage_id)), 0) FROM {table} {where}",
        [embed_model] if embed_model else [],
    ).fetchone()
    return int(row[0]), int(row[1])


def fingerprint_outside_loads(con, embed_model: str, loads: Sequence[str]) -> tuple[int, int]:
    """The fingerprint of the passages of embed_model that none of `loads` wrote."""
    row = con.execute(
        "SELECT count(*), coalesce(bit_xor(hash(passage_id)), 0) FROM passages "
        "WHERE embed_model = ? AND load_id NOT IN (SELECT unnest(?))",
        [embed_model, list(loads)],
    ).fetchone()
    return int(row[0]), int(row[1])


def read_vectors(
    con, embed_model: str, exclude_loads: Sequence[str] | None = None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(ids, (n, 384) float32 vectors, load ids) of embed_model's passages (less those exclude_loads wrote), by id."""
    if exclude_loads is None:
        where, params = "WHERE embed_model = ?", [embed_model]
    else:
        where = "WHERE embed_model = ? AND load_id NOT IN (SELECT unnest(?))"
        params = [embed_model, list(exclude_loads)]
    res = con.execute(
        f"SELECT passage_id, embedding, load_id FROM passages {where} ORDER BY passage_id", params
    ).fetchnumpy()
    ids = np.asarray([str(x) for x in res["passage_id"]], dtype=object)
    if not len(ids):
        return ids, np.zeros((0, EMBED_DIM), np.float32), []
    vecs = np.stack(list(res["embedding"])).astype(np.float32, copy=False)
    return ids, vecs, sorted({str(x) for x in res["load_id"]})


def passages_added_since(con, since) -> dict[str, object]:
    """passage_id -> created_at of the passages stored at or after `since`."""
    return dict(con.execute("SELECT passage_id, created_at FROM passages WHERE created_at >= ?", [since]).fetchall())


# -- re-embedding ----------------------------------------------------------------------------------
def passages_not_embedded_by(con, embed_model: str) -> list[tuple[str, str, str | None]]:
    """(passage_id, text, context) of the passages whose vector another model made (or none), by id."""
    return con.execute(
        "SELECT passage_id, text, context FROM passages WHERE embed_model IS DISTINCT FROM ? ORDER BY passage_id",
        [embed_model],
    ).fetchall()


def count_embedded_by(con, embed_model: str) -> int:
    return int(con.execute("SELECT count(*) FROM passages WHERE embed_model = ?", [embed_model]).fetchone()[0])


def replace_vectors(con, ids: Sequence[str], vectors: np.ndarray, embed_model: str) -> None:
    """Set the vectors (and their model) of the passages ids; run inside the caller's transaction."""
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS _reembed (passage_id VARCHAR, embedding FLOAT[{EMBED_DIM}])")
    con.execute("DELETE FROM _reembed")
    con.executemany(
        "INSERT INTO _reembed (passage_id, embedding) VALUES (?, ?)",
        [(pid, v.tolist()) for pid, v in zip(ids, vectors)],
    )
    con.execute(
        "UPDATE passages SET embedding = r.embedding, embed_model = ? "
        "FROM _reembed r WHERE passages.passage_id = r.passage_id",
        [embed_model],
    )
    con.execute("DROP TABLE _reembed")


# -- retiring and removing ------------------------------------------------------------------------
def retire_passages(con, ids: Sequence[str], by: str) -> int:
    """Move passages to retired_passages (kept for reports and replays) and out of the live store.
    Runs inside the caller's transaction."""
    if not ids:
        return 0
    con.execute(
        "INSERT INTO retired_passages (passage_id, text, source_url, source_title, publisher, load_id, retired_by, "
        "retired_at) SELECT passage_id, text, source_url, source_title, publisher, load_id, ?, ? "
        "FROM passages WHERE passage_id IN (SELECT unnest(?)) ON CONFLICT DO NOTHING",
        [by, now(), list(ids)],
    )
    con.execute("DELETE FROM passages WHERE passage_id IN (SELECT unnest(?))", [list(ids)])
    return len(ids)


def passages_left_by_file(con, source_path: str, load_id: str, keep: Sequence[str]) -> list[str]:
    """Ids of passages that earlier loads of source_path (not load_id) wrote and that are not in keep."""
    return [
        r[0]
        for r in con.execute(
            "SELECT passage_id FROM passages WHERE load_id IN (SELECT load_id FROM loads WHERE source_path = ? "
            "AND load_id <> ?) AND passage_id NOT IN (SELECT unnest(?))",
            [source_path, load_id, list(keep)],
        ).fetchall()
    ]


def source_where(load_id: str | None, path: str | None, urls: Sequence[str] | None, url_col: str) -> tuple[str, list]:
    """The WHERE clause (and its parameters) that selects a source's rows, for the tables that have load_id and a
    URL column: by the load that wrote them, the path that load read, and/or one of urls (None: any URL)."""
    conds, params = [], []
    if load_id:
        conds.append("load_id = ?")
        params.append(load_id)
    if path:
        conds.append("load_id IN (SELECT load_id FROM loads WHERE source_path = ?)")
        params.append(str(path))
    where = " AND ".join(conds) if conds else "TRUE"
    if urls is not None:
        where += f" AND {url_col} IN (SELECT unnest(?))"
        params.append(list(urls))
    return where, params


def passage_source_urls(con) -> list[str]:
    return [
        r[0] for r in con.execute("SELECT DISTINCT source_url FROM passages WHERE source_url IS NOT NULL").fetchall()
    ]


def passage_ids_of_source(con, load_id: str | None, path: str | None, urls: Sequence[str] | None) -> list[str]:
    where, params = source_where(load_id, path, urls, "source_url")
    return [r[0] for r in con.execute(f"SELECT passage_id FROM passages WHERE {where}", params).fetchall()]


# -- documents -------------------------------------------------------------------------------------
def live_document_versions(con, document_id: str) -> list[tuple[str, list[str] | None]]:
    """(version_hash, passage_ids) of the document's versions not retired."""
    return con.execute(
        "SELECT version_hash, passage_ids FROM documents WHERE document_id = ? AND retired_at IS NULL", [document_id]
    ).fetchall()


def passages_of_other_documents(con, document_id: str) -> set[str]:
    """The passage ids that live documents other than document_id hold."""
    return {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT unnest(passage_ids) FROM documents WHERE retired_at IS NULL AND document_id <> ?",
            [document_id],
        ).fetchall()
    }


def retire_document(con, document_id: str, by: str) -> None:
    con.execute(
        "UPDATE documents SET retired_at = ?, retired_by = ? WHERE document_id = ? AND retired_at IS NULL",
        [now(), by, document_id],
    )


def insert_document(con, info: dict, passage_ids: Sequence[str], load_id: str) -> None:
    """The document's version (info: document_id, version_hash, source_url, source_path, title, format, language,
    published, chars, text); the same version stored before becomes live again under this load."""
    con.execute(
        "INSERT INTO documents (document_id, version_hash, source_url, source_path, title, format, language, "
        "published, chars, passages, passage_ids, text, load_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET retired_at = NULL, "
        "retired_by = NULL, load_id = excluded.load_id",
        [
            info["document_id"],
            info["version_hash"],
            info["source_url"],
            info["source_path"],
            info["title"],
            info["format"],
            info["language"],
            info["published"],
            info["chars"],
            len(passage_ids),
            list(passage_ids),
            info["text"],
            load_id,
            now(),
        ],
    )


def retire_documents_of_source(
    con, by: str, *, urls: Sequence[str] | None = None, load_id: str | None = None, path: str | None = None
) -> None:
    """Mark retired the live documents with one of urls, written by load_id, or read from path (each given)."""
    doc_sql = "UPDATE documents SET retired_at = ?, retired_by = ? WHERE retired_at IS NULL AND "
    if urls is not None:
        con.execute(doc_sql + "source_url IN (SELECT unnest(?))", [now(), by, list(urls)])
    if load_id:
        con.execute(doc_sql + "load_id = ?", [now(), by, load_id])
    if path:
        con.execute(doc_sql + "source_path = ?", [now(), by, str(path)])


# -- what the store holds -------------------------------------------------------------------------
def passage_counts(con) -> tuple[int, int, list[tuple[str, int]]]:
    """(passages, distinct source URLs, [(language or '?', passages)] most first)."""
    langs = con.execute(
        "SELECT coalesce(language, '?'), count(*) FROM passages GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    return (
        con.execute("SELECT count(*) FROM passages").fetchone()[0],
        con.execute("SELECT count(DISTINCT source_url) FROM passages").fetchone()[0],
        langs,
    )


def passage_summary(con) -> dict:
    """Counts for `factcheck store stats`: with_context, publishers (top 10), published range, documents."""
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    lo, hi, undated = con.execute(
        "SELECT min(published), max(published), count(*) FILTER (WHERE published IS NULL) FROM passages"
    ).fetchone()
    return {
        "with_context": one("SELECT count(*) FROM passages WHERE context IS NOT NULL"),
        "publishers": dict(
            con.execute(
                "SELECT coalesce(publisher, '?'), count(*) FROM passages GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"
            ).fetchall()
        ),
        "published": {"from": lo, "to": hi, "undated": undated},
    }


def document_counts(con) -> dict:
    return {
        "live": con.execute("SELECT count(*) FROM documents WHERE retired_at IS NULL").fetchone()[0],
        "versions": con.execute("SELECT count(*) FROM documents").fetchone()[0],
    }


def count_retired_passages(con) -> int:
    return con.execute("SELECT count(*) FROM retired_passages").fetchone()[0]


def count_passages(con) -> int:
    return con.execute("SELECT count(*) FROM passages").fetchone()[0]
