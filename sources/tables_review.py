"""SQL on fact-checkers' review (schema v2): review_users, review_sessions, review_decisions, review_vectors, and
the reads of the review queue, a claim's page and the export (verdicts with their claims, articles, evidence and the
latest decision).

review_decisions is an audit trail: nothing here updates or deletes its rows. Every query is a fixed SQL text
with bound parameters; filters are parameters, never spliced in.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import numpy as np

from sources.tables import now

DECISION_COLUMNS = (
    "decision_id, claim_id, run_id, verdict_id, article_id, claim_text, claim_language, reviewer, "
    "decided_at, action, label_before, label_after, confidence_before, note, supersedes, source"
)


# -- users and sessions ----------------------------------------------------------------------------
def user_exists(con, username: str) -> bool:
    return con.execute("SELECT 1 FROM review_users WHERE username = ?", [username]).fetchone() is not None


def insert_user(
    con, username: str, role: str, password_hash: str | None, token_hash: str | None, created_by: str
) -> None:
    con.execute(
        "INSERT INTO review_users (username, role, password_hash, token_hash, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [username, role, password_hash, token_hash, now(), created_by],
    )


def list_users(con) -> list[tuple]:
    """(username, role, has password, has token, created_at) of every user, by name."""
    return con.execute(
        "SELECT username, role, password_hash IS NOT NULL, token_hash IS NOT NULL, created_at "
        "FROM review_users ORDER BY username"
    ).fetchall()


def user_row(con, username: str) -> tuple[str, str, str | None] | None:
    """(username, role, password_hash) of the user, or None."""
    return con.execute(
        "SELECT username, role, password_hash FROM review_users WHERE username = ?", [username]
    ).fetchone()


def user_of_token(con, token_hash: str) -> tuple[str, str] | None:
    """(username, role) of the user whose sign-in token has this sha256, or None."""
    return con.execute("SELECT username, role FROM review_users WHERE token_hash = ?", [token_hash]).fetchone()


def purge_sessions(con, expired_before: dt.datetime) -> None:
    con.execute("DELETE FROM review_sessions WHERE expires_at < ?", [expired_before])


def insert_session(
    con, session_hash: str, username: str, csrf_token: str, created_at: dt.datetime, expires_at: dt.datetime
) -> None:
    con.execute(
        "INSERT INTO review_sessions (session_hash, username, csrf_token, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [session_hash, username, csrf_token, created_at, expires_at],
    )


def session_row(con, session_hash: str) -> tuple | None:
    """(username, role, csrf_token, expires_at) of the session, or None."""
    return con.execute(
        "SELECT s.username, u.role, s.csrf_token, s.expires_at FROM review_sessions s "
        "JOIN review_users u ON u.username = s.username WHERE s.session_hash = ?",
        [session_hash],
    ).fetchone()


def delete_session(con, session_hash: str) -> None:
    con.execute("DELETE FROM review_sessions WHERE session_hash = ?", [session_hash])


# -- decisions -------------------------------------------------------------------------------------
def verdict_to_decide(con, claim_id: str, run_id: str | None) -> tuple | None:
    """(verdict_id, run_id, article_id, label, confidence, claim text, claim language) of the claim's verdict in
    run_id, else in the latest run that checked it; None when no run did."""
    return con.execute(
        "SELECT v.verdict_id, v.run_id, v.article_id, v.label, v.confidence, c.text, c.language "
        "FROM verdicts v JOIN runs r ON r.run_id = v.run_id "
        "JOIN claims c ON c.claim_id = v.claim_id AND c.run_id = v.run_id "
        "WHERE v.claim_id = $claim_id AND (CAST($run_id AS VARCHAR) IS NULL OR v.run_id = $run_id) "
        "ORDER BY r.started_at DESC, v.run_id DESC LIMIT 1",
        {"claim_id": claim_id, "run_id": run_id},
    ).fetchone()


def latest_decision(con, claim_id: str) -> tuple | None:
    """The claim's newest decision (DECISION_COLUMNS), or None."""
    return con.execute(
        f"SELECT {DECISION_COLUMNS} FROM review_decisions WHERE claim_id = ? "
        "ORDER BY decided_at DESC, decision_id DESC LIMIT 1",
        [claim_id],
    ).fetchone()


def insert_decision(con, values: Sequence) -> None:
    """One decision, values in DECISION_COLUMNS order."""
    con.execute(
        f"INSERT INTO review_decisions ({DECISION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        list(values),
    )


def decisions_of_claim(con, claim_id: str) -> list[tuple]:
    """Every decision on the claim (DECISION_COLUMNS), oldest first."""
    return con.execute(
        f"SELECT {DECISION_COLUMNS} FROM review_decisions WHERE claim_id = ? ORDER BY decided_at, decision_id",
        [claim_id],
    ).fetchall()


def decision_by_id(con, decision_id: str) -> tuple | None:
    return con.execute(
        f"SELECT {DECISION_COLUMNS} FROM review_decisions WHERE decision_id = ?", [decision_id]
    ).fetchone()


def decisions_in_force(con) -> list[tuple]:
    """The newest decision (DECISION_COLUMNS) of every decided claim, newest first."""
    return con.execute(
        f"SELECT {DECISION_COLUMNS} FROM (SELECT *, row_number() OVER (PARTITION BY claim_id "
        "ORDER BY decided_at DESC, decision_id DESC) AS rn FROM review_decisions) WHERE rn = 1 "
        "ORDER BY decided_at DESC, decision_id"
    ).fetchall()


def reviewers(con) -> list[str]:
    """Everyone who recorded a decision, sorted."""
    return [r[0] for r in con.execute("SELECT DISTINCT reviewer FROM review_decisions ORDER BY 1").fetchall()]


# -- claim vectors for decision reuse ------------------------------------------------------------
def review_vectors(con, embed_model: str, text_hashes: Sequence[str]) -> list[tuple[str, np.ndarray]]:
    """(text_hash, float32 vector) of the claim texts cached for embed_model."""
    return [
        (h, np.asarray(vec, dtype=np.float32))
        for h, vec in con.execute(
            "SELECT text_hash, embedding FROM review_vectors WHERE embed_model = ? AND text_hash IN (SELECT unnest(?))",
            [embed_model, list(text_hashes)],
        ).fetchall()
    ]


def save_review_vectors(con, embed_model: str, rows: Sequence[tuple[str, list[float]]]) -> None:
    """(text_hash, vector) rows; those cached already are left as they are."""
    con.executemany(
        "INSERT INTO review_vectors (text_hash, embed_model, embedding) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [(h, embed_model, v) for h, v in rows],
    )


# -- the queue -------------------------------------------------------------------------------------
# The current verdict per claim (from the latest run that checked it, or from $run_id), its claim and article
# rows, the claim's latest decision, and its priority tier (see review/queue.py).
_CURRENT = """
WITH latest AS (
    SELECT v.claim_id, arg_max(v.run_id, (r.started_at, v.run_id)) AS run_id
    FROM verdicts v JOIN runs r ON r.run_id = v.run_id
    WHERE (CAST($run_id AS VARCHAR) IS NULL OR v.run_id = $run_id)
    GROUP BY v.claim_id
), v AS (
    SELECT v.verdict_id, v.run_id, v.claim_id, v.article_id, v.label, v.confidence, v.review_needed,
           v.review_reasons, v.explanation, v.provenance, 1 AS rn
    FROM verdicts v JOIN latest l ON l.claim_id = v.claim_id AND l.run_id = v.run_id
), d AS (
    SELECT claim_id, decision_id, reviewer, label_after, decided_at,
           row_number() OVER (PARTITION BY claim_id ORDER BY decided_at DESC, decision_id DESC) AS rn
    FROM review_decisions
), q AS (
    SELECT v.*, c.text AS claim_text, c.language AS claim_language, c.checkworthy,
           a.title AS article_title,
           d.decision_id, d.reviewer, d.label_after, d.decided_at,
           CASE WHEN v.label = 'REFUTED' AND v.confidence >= $high THEN 0
                WHEN v.label = 'CONFLICTING' THEN 1
                WHEN contains(coalesce(v.review_reasons, ''), $no_evidence) THEN 2
                WHEN v.confidence < $low THEN 3
                ELSE 4 END AS priority
    FROM v
    JOIN claims c ON c.claim_id = v.claim_id AND c.run_id = v.run_id
    JOIN articles a ON a.article_id = v.article_id AND a.run_id = v.run_id
    LEFT JOIN d ON d.claim_id = v.claim_id AND d.rn = 1
    WHERE v.rn = 1 AND (v.review_needed OR d.decision_id IS NOT NULL)
)
"""

_QUEUE_SQL = (
    _CURRENT
    + """
SELECT claim_id, run_id, verdict_id, article_id, coalesce(article_title, ''), claim_text,
       coalesce(claim_language, ''), label, confidence, review_reasons, priority, coalesce(checkworthy, 0),
       label_after, reviewer, decided_at, count(*) OVER () AS total
FROM q
WHERE (CAST($article_id AS VARCHAR) IS NULL OR article_id = $article_id)
  AND (CAST($label AS VARCHAR) IS NULL OR label = $label)
  AND (CAST($language AS VARCHAR) IS NULL OR claim_language = $language)
  AND (CAST($reviewer AS VARCHAR) IS NULL OR reviewer = $reviewer)
  AND ($status = 'all' OR ($status = 'pending' AND decision_id IS NULL)
       OR ($status = 'decided' AND decision_id IS NOT NULL))
ORDER BY decision_id IS NOT NULL, priority,
         CASE WHEN priority = 0 THEN -confidence WHEN priority = 3 THEN confidence ELSE -checkworthy END,
         claim_id
LIMIT $limit OFFSET $offset
"""
)


def queue_rows(
    con,
    *,
    run_id: str | None,
    high: float,
    low: float,
    no_evidence: str,
    article_id: str | None,
    label: str | None,
    language: str | None,
    reviewer: str | None,
    status: str,
    limit: int,
    offset: int,
) -> list[tuple]:
    """One page of flagged or decided claims, undecided first, then by priority tier (0 REFUTED at or above
    confidence `high`, 1 CONFLICTING, 2 a reason containing `no_evidence`, 3 below `low`, 4 other); None filters
    match anything; status 'pending', 'decided' or 'all'. Rows: (claim_id, run_id, verdict_id, article_id,
    article title, claim text, claim language, label, confidence, review_reasons, priority, checkworthy,
    decided label, reviewer, decided_at, total matching)."""
    return con.execute(
        _QUEUE_SQL,
        {
            "run_id": run_id,
            "high": high,
            "low": low,
            "no_evidence": no_evidence,
            "article_id": article_id,
            "label": label,
            "language": language,
            "reviewer": reviewer,
            "status": status,
            "limit": limit,
            "offset": offset,
        },
    ).fetchall()


_DETAIL_SQL = """
SELECT v.verdict_id, v.run_id, v.article_id, v.label, v.confidence, v.review_needed, v.review_reasons,
       v.explanation, v.provenance, c.text, c.span_start, c.span_end, c.type, c.language, c.checkworthy,
       c.fields, a.title, a.url, a.published, a.language, a.text
FROM verdicts v
JOIN runs r ON r.run_id = v.run_id
JOIN claims c ON c.claim_id = v.claim_id AND c.run_id = v.run_id
JOIN articles a ON a.article_id = v.article_id AND a.run_id = v.run_id
WHERE v.claim_id = $claim_id AND (CAST($run_id AS VARCHAR) IS NULL OR v.run_id = $run_id)
ORDER BY r.started_at DESC, v.run_id DESC
LIMIT 1
"""

_EVIDENCE_SQL = """
SELECT e.rank, e.passage_id, coalesce(p.text, d.claim_text, ''), p.source_url, p.source_title, p.publisher,
       p.published, p.published_raw, p.language, e.retrieval_score, e.stance, e.stance_score, e.rule,
       e.explanation, e.load_id, d.reviewer, d.decided_at
FROM evidence_links e
LEFT JOIN passages p ON p.passage_id = e.passage_id
LEFT JOIN review_decisions d ON d.decision_id = e.passage_id
WHERE e.verdict_id = $verdict_id AND e.run_id = $run_id
ORDER BY e.rank, e.passage_id
"""


def claim_detail_row(con, claim_id: str, run_id: str | None) -> tuple | None:
    """The claim's verdict in run_id, else in the latest run that checked it, with its claim and article:
    (verdict_id, run_id, article_id, label, confidence, review_needed, review_reasons, explanation, provenance,
    claim text, span_start, span_end, type, claim language, checkworthy, fields, article title, url, published,
    language, text); None when no run checked it."""
    return con.execute(_DETAIL_SQL, {"claim_id": claim_id, "run_id": run_id}).fetchone()


def evidence_card_rows(con, verdict_id: str, run_id: str) -> list[tuple]:
    """The verdict's evidence by rank: (rank, passage_id, text, source_url, source_title, publisher, published,
    published_raw, language, retrieval_score, stance, stance_score, rule, explanation, load_id, reviewer,
    decided_at); reviewer and decided_at are set where the evidence is a reused review decision."""
    return con.execute(_EVIDENCE_SQL, {"verdict_id": verdict_id, "run_id": run_id}).fetchall()


def runs_of_claim(con, claim_id: str) -> list[str]:
    """Every run that checked the claim, newest first."""
    return [
        r[0]
        for r in con.execute(
            "SELECT v.run_id FROM verdicts v JOIN runs r ON r.run_id = v.run_id WHERE v.claim_id = $claim_id "
            "ORDER BY r.started_at DESC",
            {"claim_id": claim_id},
        ).fetchall()
    ]


_EXPORT_SQL = """
WITH v AS (
    SELECT v.*, row_number() OVER (PARTITION BY v.claim_id ORDER BY r.started_at DESC, v.run_id DESC) AS rn
    FROM verdicts v JOIN runs r ON r.run_id = v.run_id
), d AS (
    SELECT *, row_number() OVER (PARTITION BY claim_id ORDER BY decided_at DESC, decision_id DESC) AS rn
    FROM review_decisions
)
SELECT v.claim_id, v.run_id, v.verdict_id, v.article_id, coalesce(a.title, ''), coalesce(a.url, ''),
       a.published, c.text, substr(a.text, c.span_start + 1, c.span_end - c.span_start), coalesce(c.language, ''),
       v.label, v.confidence, coalesce(v.review_reasons, '[]'), d.label_after, d.action, d.reviewer,
       d.decided_at, d.note, d.decision_id, coalesce(v.explanation, '')
FROM v
JOIN claims c ON c.claim_id = v.claim_id AND c.run_id = v.run_id
JOIN articles a ON a.article_id = v.article_id AND a.run_id = v.run_id
LEFT JOIN d ON d.claim_id = v.claim_id AND d.rn = 1
WHERE v.rn = 1 AND (d.decision_id IS NOT NULL OR $machine)
ORDER BY d.decided_at DESC NULLS LAST, v.claim_id
"""


def export_rows(con, machine: bool) -> list[tuple]:
    """Each decided claim's current verdict with its latest decision (with machine, every undecided claim's too),
    newest decision first: (claim_id, run_id, verdict_id, article_id, article title, url, published, claim text,
    quote, language, label, confidence, review_reasons, decided label, action, reviewer, decided_at, note,
    decision_id, explanation)."""
    return con.execute(_EXPORT_SQL, {"machine": bool(machine)}).fetchall()
