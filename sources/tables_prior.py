"""SQL on prior_checks: previously fact-checked claims (ClaimReview, the AVeriTeC pool, CheckThat)."""

from __future__ import annotations

from typing import Sequence

from sources.tables import has_table
from sources.tables_passages import source_where

# fmt: off
PRIOR_COLUMNS = (
    "check_id", "claim_text", "rating", "label", "url", "publisher", "claimant", "claim_date", "review_date",
    "language", "title", "external_id", "source_format", "embedding", "embed_model", "load_id", "created_at",
    "summary"
)
# fmt: on


def has_prior_checks_table(con) -> bool:
    """False for a store from before schema v4 opened read-only."""
    return has_table(con, "prior_checks")


def insert_prior_checks(con, rows: Sequence[tuple]) -> None:
    """Rows in PRIOR_COLUMNS order."""
    if rows:
        con.executemany(
            "INSERT INTO prior_checks (check_id, claim_text, rating, label, url, publisher, claimant, claim_date, "
            "review_date, language, title, external_id, source_format, embedding, embed_model, load_id, created_at, "
            "summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            list(rows),
        )


def existing_check_ids(con, ids: Sequence[str]) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "SELECT check_id FROM prior_checks WHERE check_id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
    }


def check_ids_without_summary(con, ids: Sequence[str]) -> set[str]:
    """Of ids, the checks stored before schema v8 (summary NULL)."""
    return {
        r[0]
        for r in con.execute(
            "SELECT check_id FROM prior_checks WHERE summary IS NULL AND check_id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
    }


def fill_summaries(con, rows: Sequence[tuple[str | None, str]]) -> None:
    """(summary, check_id) pairs: set the summary of checks that have none yet."""
    con.executemany("UPDATE prior_checks SET summary = ? WHERE check_id = ? AND summary IS NULL", list(rows))


def count_checks_of_model(con, embed_model: str) -> int:
    return con.execute("SELECT count(*) FROM prior_checks WHERE embed_model = ?", [embed_model]).fetchone()[0]


def fingerprint(con, embed_model: str) -> tuple[int, int]:
    """(count, XOR of hash(check_id, claim_text, title, summary)) of embed_model's checks: which rows exist and
    the words BM25 indexes of them (a later load fills the summaries of checks stored before v8)."""
    row = con.execute(
        "SELECT count(*), coalesce(bit_xor(hash(check_id, claim_text, title, summary)), 0) FROM prior_checks "
        "WHERE embed_model = ?",
        [embed_model],
    ).fetchone()
    return int(row[0]), int(row[1])


def check_rows(con, embed_model: str, vectors: bool = True) -> list[tuple]:
    """(check_id, claim_text, rating, label, url, publisher, claimant, claim_date, review_date, language, title,
    external_id, source_format, load_id, summary[, embedding]) of embed_model's checks, by id."""
    return con.execute(
        "SELECT check_id, claim_text, rating, label, url, publisher, claimant, claim_date, review_date, "
        f"language, title, external_id, source_format, load_id, summary{', embedding' if vectors else ''} "
        "FROM prior_checks WHERE embed_model = ? ORDER BY check_id",
        [embed_model],
    ).fetchall()


def check_urls(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT url FROM prior_checks WHERE url IS NOT NULL").fetchall()]


def check_ids_of_source(con, load_id: str | None, path: str | None, urls: Sequence[str] | None) -> list[str]:
    where, params = source_where(load_id, path, urls, "url")
    return [r[0] for r in con.execute(f"SELECT check_id FROM prior_checks WHERE {where}", params).fetchall()]


def delete_checks(con, ids: Sequence[str]) -> None:
    if ids:
        con.execute("DELETE FROM prior_checks WHERE check_id IN (SELECT unnest(?))", [list(ids)])


def prior_check_counts(con) -> dict:
    """{"total": n, "by_label": {label or '?': n}} for `factcheck store stats`."""
    return {
        "total": con.execute("SELECT count(*) FROM prior_checks").fetchone()[0],
        "by_label": dict(
            con.execute("SELECT coalesce(label, '?'), count(*) FROM prior_checks GROUP BY 1 ORDER BY 2 DESC").fetchall()
        ),
    }


def count_prior_checks(con, source_format: str) -> tuple[int, int]:
    """(checks of this source format, of them stored without a summary: before schema v8)."""
    return con.execute(
        "SELECT count(*), count(*) FILTER (WHERE summary IS NULL) FROM prior_checks WHERE source_format = ?",
        [source_format],
    ).fetchone()
