"""What the store's table modules share: the time and ids stored rows carry, and two small SQL helpers.

The store owns all SQL. `sources/store.py` opens the file and applies `sources/migrations/` (the only place the
schema changes); one module per table group holds every statement on those tables, and every other module calls
them with plain values and gets plain rows back:

    tables_passages  loads, passages, documents, retired_passages (and the reads retrieval and its indexes make)
    tables_facts     facts, facts_history
    tables_prior     prior_checks
    tables_cache     embedding_cache
    tables_runs      runs, articles, claims, verdicts, evidence_links
    tables_review    review_users, review_sessions, review_decisions, review_vectors, and the queue's reads
    tables_nightly   nightly_runs, run_articles, nightly_attempts
    tables_gate      corrections, gate_runs

Each function takes a DuckDB connection (`store.con`, or the one `store.transaction()` yields, which is the same
connection) so that callers decide what runs in one transaction. `tests/test_store_owner.py` fails when SQL shows
up anywhere else, or when an INSERT does not name its columns.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Sequence


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def new_id(prefix: str) -> str:
    stamp = now().strftime("%Y%m%dT%H%M%S")
    return f"{prefix}-{stamp}-{uuid.uuid4().hex[:8]}"


def has_table(con, name: str) -> bool:
    """Whether the store has the table (a read-only store of an old schema may lack later tables)."""
    return bool(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0]
    )


def table_names(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def insert_many(
    con, table: str, columns: Sequence[str], rows: Sequence[Sequence], *, chunk: int = 500, on_conflict: str = ""
) -> None:
    """Insert rows (tuples in `columns` order) with one multi-row INSERT per `chunk` rows: DuckDB's executemany runs
    a statement per row, which for an article's few hundred evidence links took longer than checking it (measured).
    on_conflict: "" or "DO NOTHING"."""
    cols = ", ".join(columns)
    one = "(" + ", ".join("?" * len(columns)) + ")"
    tail = f" ON CONFLICT {on_conflict}" if on_conflict else ""
    for i in range(0, len(rows), chunk):
        part = rows[i : i + chunk]
        con.execute(
            f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([one] * len(part)) + tail,
            [x for row in part for x in row],
        )


def execute_many(con, table: str, columns: Sequence[str], rows: Sequence[Sequence], *, on_conflict: str = "") -> None:
    """Insert rows (tuples in `columns` order) with executemany: one statement per row (for rows whose values a
    multi-row VALUES list would have to unify, such as vectors)."""
    if rows:
        tail = f" ON CONFLICT {on_conflict}" if on_conflict else ""
        con.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}){tail}", rows
        )
