"""SQL on structured facts: facts, and facts_history (facts a changed or removed source no longer holds)."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from sources.tables import now
from sources.tables_passages import source_where

# fmt: off
FACT_COLUMNS = (
    "fact_id", "subject", "attribute", "value", "unit", "valid_from", "valid_to", "source_url", "load_id",
    "source_title", "external_id", "value_number", "created_at"
)
# fmt: on


def existing_fact_ids(con, ids: Sequence[str]) -> set[str]:
    return {
        r[0]
        for r in con.execute("SELECT fact_id FROM facts WHERE fact_id IN (SELECT unnest(?))", [list(ids)]).fetchall()
    }


def insert_facts(con, rows: Sequence[tuple]) -> None:
    """Rows in FACT_COLUMNS order."""
    if rows:
        con.executemany(
            "INSERT INTO facts (fact_id, subject, attribute, value, unit, valid_from, valid_to, source_url, "
            "load_id, source_title, external_id, value_number, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            list(rows),
        )


def facts_left_by_file(con, source_path: str, load_id: str, keep: Sequence[str]) -> list[str]:
    """Ids of facts that earlier loads of source_path (not load_id) wrote and that are not in keep."""
    return [
        r[0]
        for r in con.execute(
            "SELECT fact_id FROM facts WHERE load_id IN (SELECT load_id FROM loads WHERE source_path = ? "
            "AND load_id <> ?) AND fact_id NOT IN (SELECT unnest(?))",
            [source_path, load_id, list(keep)],
        ).fetchall()
    ]


def retire_facts(con, ids: Sequence[str], by: str) -> int:
    """Move facts to facts_history (inside the caller's transaction)."""
    if not ids:
        return 0
    con.execute(
        "INSERT INTO facts_history (fact_id, subject, attribute, value, unit, valid_from, valid_to, source_url, "
        "load_id, retired_by, retired_at) SELECT fact_id, subject, attribute, value, unit, valid_from, valid_to, "
        "source_url, load_id, ?, ? FROM facts WHERE fact_id IN (SELECT unnest(?)) ON CONFLICT DO NOTHING",
        [by, now(), list(ids)],
    )
    con.execute("DELETE FROM facts WHERE fact_id IN (SELECT unnest(?))", [list(ids)])
    return len(ids)


def facts_about(con, subject: str, attribute: str | None = None, on: dt.date | None = None) -> list[tuple]:
    """(subject, attribute, value, unit, valid_from, valid_to, source_url, source_title, external_id, fact_id) of
    the facts of a subject (case-insensitive), optionally one attribute, valid on a date."""
    sql = (
        "SELECT subject, attribute, value, unit, valid_from, valid_to, source_url, source_title, external_id, "
        "fact_id FROM facts WHERE lower(subject) = lower(?)"
    )
    params: list = [subject]
    if attribute:
        sql += " AND lower(attribute) = lower(?)"
        params.append(attribute)
    if on:
        sql += " AND (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?)"
        params += [on, on]
    return con.execute(sql + " ORDER BY valid_from NULLS FIRST, fact_id", params).fetchall()


def fact_source_urls(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT source_url FROM facts WHERE source_url IS NOT NULL").fetchall()]


def fact_ids_of_source(con, load_id: str | None, path: str | None, urls: Sequence[str] | None) -> list[str]:
    where, params = source_where(load_id, path, urls, "source_url")
    return [r[0] for r in con.execute(f"SELECT fact_id FROM facts WHERE {where}", params).fetchall()]


def count_facts(con) -> int:
    return con.execute("SELECT count(*) FROM facts").fetchone()[0]


def count_facts_history(con) -> int:
    return con.execute("SELECT count(*) FROM facts_history").fetchone()[0]
