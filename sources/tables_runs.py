"""SQL on runs and what they recorded: runs, articles, claims, verdicts, evidence_links.

Rows are keyed by (id, run_id): a run's rows for an article are replaced as a whole, never duplicated.
"""

from __future__ import annotations

import json
from typing import Iterable, Sequence

from sources.tables import insert_many, new_id, now
from sources.tables_passages import latest_load_id

ARTICLE_COLUMNS = ("article_id", "run_id", "content_hash", "title", "url", "language", "published", "path", "text")
# fmt: off
CLAIM_COLUMNS = (
    "claim_id", "run_id", "article_id", "text", "span_start", "span_end", "type", "language", "checkworthy",
    "checkable", "extractor", "fields"
)
# fmt: on
# fmt: off
VERDICT_COLUMNS = (
    "verdict_id", "run_id", "claim_id", "article_id", "label", "confidence", "review_needed", "review_reasons",
    "explanation", "provenance", "created_at"
)
# fmt: on
# fmt: off
EVIDENCE_COLUMNS = (
    "verdict_id", "run_id", "rank", "passage_id", "retrieval_score", "stance", "stance_score", "rule", "explanation",
    "load_id"
)
# fmt: on


# -- runs ------------------------------------------------------------------------------------------
def begin_run(con, *, code_version: str, models: list[dict], rules_version: str, params: dict) -> str:
    run_id = new_id("run")
    con.execute(
        "INSERT INTO runs (run_id, started_at, status, code_version, models, rules_version, store_load_id, params) "
        "VALUES (?, ?, 'running', ?, ?, ?, ?, ?)",
        [
            run_id,
            now(),
            code_version,
            json.dumps(models),
            rules_version,
            latest_load_id(con),
            json.dumps(params, default=str),
        ],
    )
    return run_id


def finish_run(con, run_id: str, status: str = "done") -> None:
    """Ended with status, with its counts of articles and claims."""
    con.execute(
        "UPDATE runs SET finished_at = ?, status = ?, "
        "articles = (SELECT count(*) FROM articles WHERE run_id = ?), "
        "claims = (SELECT count(*) FROM claims WHERE run_id = ?) WHERE run_id = ?",
        [now(), status, run_id, run_id, run_id],
    )


def set_run_status(con, run_id: str, status: str) -> None:
    con.execute("UPDATE runs SET status = ? WHERE run_id = ?", [status, run_id])


def reopen_run(con, run_id: str) -> None:
    """Running again (a resumed run): no end time."""
    con.execute("UPDATE runs SET status = 'running', finished_at = NULL WHERE run_id = ?", [run_id])


def close_run(con, run_id: str, status: str) -> None:
    """Ended with status; an end time already set is kept."""
    con.execute(
        "UPDATE runs SET status = ?, finished_at = coalesce(finished_at, ?) WHERE run_id = ?", [status, now(), run_id]
    )


def run_ids(con, limit: int = 50) -> list[str]:
    """The newest runs' ids, newest first."""
    return [r[0] for r in con.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT ?", [limit]).fetchall()]


def count_runs(con) -> int:
    return con.execute("SELECT count(*) FROM runs").fetchone()[0]


def count_verdicts(con) -> int:
    return con.execute("SELECT count(*) FROM verdicts").fetchone()[0]


# -- an article's rows -----------------------------------------------------------------------------
def delete_article_rows(con, article_id: str, run_id: str) -> None:
    """The run's evidence links, verdicts, claims and article row of the article."""
    con.execute(
        "DELETE FROM evidence_links WHERE verdict_id IN (SELECT verdict_id FROM verdicts WHERE article_id = ? "
        "AND run_id = ?) AND run_id = ?",
        [article_id, run_id, run_id],
    )
    con.execute("DELETE FROM verdicts WHERE article_id = ? AND run_id = ?", [article_id, run_id])
    con.execute("DELETE FROM claims WHERE article_id = ? AND run_id = ?", [article_id, run_id])
    con.execute("DELETE FROM articles WHERE article_id = ? AND run_id = ?", [article_id, run_id])


def insert_articles(con, rows: Sequence[tuple]) -> None:
    """Rows in ARTICLE_COLUMNS order."""
    insert_many(con, "articles", ARTICLE_COLUMNS, rows)


def insert_claims(con, rows: Sequence[tuple]) -> None:
    """Rows in CLAIM_COLUMNS order."""
    insert_many(con, "claims", CLAIM_COLUMNS, rows)


def insert_verdicts(con, rows: Sequence[tuple]) -> None:
    """Rows in VERDICT_COLUMNS order."""
    insert_many(con, "verdicts", VERDICT_COLUMNS, rows)


def insert_evidence_links(con, rows: Sequence[tuple]) -> None:
    """Rows in EVIDENCE_COLUMNS order."""
    insert_many(con, "evidence_links", EVIDENCE_COLUMNS, rows)


def claim_languages(con) -> list[str]:
    """Every language a stored claim has, sorted."""
    return [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT language FROM claims WHERE language IS NOT NULL AND language <> '' ORDER BY 1"
        ).fetchall()
    ]


def claims_of_articles(con, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(article_id, claim_id, run_id) of the claims stored for each (article_id, run_id), in span order."""
    return con.execute(
        "SELECT c.article_id, c.claim_id, c.run_id FROM claims c "
        "JOIN (SELECT unnest(?) AS article_id, unnest(?) AS run_id) w USING (article_id, run_id) "
        "ORDER BY c.article_id, c.span_start, c.claim_id",
        [[a for a, _ in pairs], [r for _, r in pairs]],
    ).fetchall()


# -- verdicts with their evidence ----------------------------------------------------------------
def verdicts_with_evidence(con, pairs: Iterable[tuple[str, str]]) -> tuple[list[tuple], list[tuple]]:
    """The verdicts stored for (article_id, run_id) pairs, and their evidence (retired passages too):

    verdicts: (verdict_id, run_id, claim_id, article_id, article title or '', claim text, span_start, span_end,
    checkworthy or 0, label, confidence, review_needed, review_reasons), by article and span;
    evidence: (verdict_id, run_id, passage_id, stance, stance_score or 0, retrieval_score or 0, rule or '',
    source_url, source_title, text), by verdict and rank."""
    con.execute("CREATE OR REPLACE TEMP TABLE _wanted (article_id VARCHAR, run_id VARCHAR)")
    pairs = list(pairs)
    if pairs:
        con.executemany("INSERT INTO _wanted (article_id, run_id) VALUES (?, ?)", pairs)
    rows = con.execute(
        """
        SELECT v.verdict_id, v.run_id, v.claim_id, v.article_id, coalesce(a.title, ''), c.text, c.span_start,
               c.span_end, coalesce(c.checkworthy, 0), v.label, v.confidence, v.review_needed, v.review_reasons
        FROM verdicts v
        JOIN _wanted w ON w.article_id = v.article_id AND w.run_id = v.run_id
        JOIN claims c ON c.claim_id = v.claim_id AND c.run_id = v.run_id
        LEFT JOIN articles a ON a.article_id = v.article_id AND a.run_id = v.run_id
        ORDER BY v.article_id, c.span_start, c.span_end, v.claim_id
        """
    ).fetchall()
    ev_rows = con.execute(
        """
        SELECT e.verdict_id, e.run_id, e.passage_id, e.stance, coalesce(e.stance_score, 0),
               coalesce(e.retrieval_score, 0), coalesce(e.rule, ''),
               coalesce(p.source_url, r.source_url, ''), coalesce(p.source_title, r.source_title, ''),
               coalesce(p.text, r.text, '')
        FROM evidence_links e
        JOIN verdicts v ON v.verdict_id = e.verdict_id AND v.run_id = e.run_id
        JOIN _wanted w ON w.article_id = v.article_id AND w.run_id = v.run_id
        LEFT JOIN passages p ON p.passage_id = e.passage_id
        LEFT JOIN (SELECT DISTINCT ON (passage_id) * FROM retired_passages) r ON r.passage_id = e.passage_id
        ORDER BY e.verdict_id, e.rank, e.passage_id
        """
    ).fetchall()
    con.execute("DROP TABLE _wanted")
    return rows, ev_rows


def _carried(con, rows: Sequence[tuple[str, str, str]]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE _carried (article_id VARCHAR, claim_id VARCHAR, run_id VARCHAR)")
    if rows:
        con.executemany("INSERT INTO _carried (article_id, claim_id, run_id) VALUES (?, ?, ?)", list(rows))


def evidence_gone(con, rows: Sequence[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """(article_id, passage_id) for the (article_id, claim_id, run_id) claims' evidence passages that are no
    longer in the store, sorted."""
    _carried(con, rows)
    gone = con.execute(
        """
        SELECT DISTINCT k.article_id, e.passage_id FROM _carried k
        JOIN verdicts v ON v.claim_id = k.claim_id AND v.run_id = k.run_id
        JOIN evidence_links e ON e.verdict_id = v.verdict_id AND e.run_id = v.run_id
        WHERE e.passage_id NOT IN (SELECT passage_id FROM passages) ORDER BY 1, 2
        """
    ).fetchall()
    con.execute("DROP TABLE _carried")
    return gone


def claim_texts(con, rows: Sequence[tuple[str, str, str]]) -> dict[str, str]:
    """article_id + '\\x1f' + claim_id -> claim text, for (article_id, claim_id, run_id) claims."""
    _carried(con, rows)
    texts = dict(
        con.execute(
            "SELECT DISTINCT k.article_id || '\x1f' || c.claim_id, c.text FROM _carried k "
            "JOIN claims c ON c.claim_id = k.claim_id AND c.run_id = k.run_id"
        ).fetchall()
    )
    con.execute("DROP TABLE _carried")
    return texts
