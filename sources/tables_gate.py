"""SQL on the CI gate's tables (schema v3): corrections (what an article stated wrongly, and what it says now),
and gate_runs (one row per recorded gate run, with its findings)."""

from __future__ import annotations

import datetime as dt

from sources.tables import has_table, new_id, now


def has_corrections_table(con) -> bool:
    return has_table(con, "corrections")


def correction_exists(con, correction_id: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM corrections WHERE correction_id = ?", [correction_id]).fetchone()[0])


def insert_correction(
    con,
    *,
    correction_id: str,
    article: str,
    claim_as_was: str,
    corrected_text: str,
    corrected_on: dt.date,
    note: str | None,
    language: str | None,
    added_by: str | None,
    origin: str,
    load_id: str,
) -> None:
    con.execute(
        "INSERT INTO corrections (correction_id, article, claim_as_was, corrected_text, corrected_on, note, language, "
        "added_by, origin, load_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            correction_id,
            article,
            claim_as_was,
            corrected_text,
            corrected_on,
            note,
            language,
            added_by,
            origin,
            load_id,
            now(),
        ],
    )


def correction_rows(con) -> list[tuple]:
    """(correction_id, article, claim_as_was, corrected_text, corrected_on, note, language, origin) of every
    correction, oldest first."""
    return con.execute(
        "SELECT correction_id, article, claim_as_was, corrected_text, corrected_on, note, language, origin "
        "FROM corrections ORDER BY corrected_on, created_at, correction_id"
    ).fetchall()


def insert_gate_run(
    con,
    *,
    run_id: str,
    base: str | None,
    head: str | None,
    policy_path: str | None,
    status: str,
    articles: int,
    claims: int,
    failures: int,
    findings: str,
) -> str:
    """A gate run that ended now (findings: JSON); returns its id."""
    gate_run_id = new_id("gaterun")
    con.execute(
        "INSERT INTO gate_runs (gate_run_id, run_id, started_at, finished_at, base, head, policy_path, status, "
        "articles, claims, failures, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [gate_run_id, run_id, now(), now(), base, head, policy_path, status, articles, claims, failures, findings],
    )
    return gate_run_id
