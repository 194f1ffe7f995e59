"""SQL on nightly runs (schema v5, v7): nightly_runs (one row per night, sharing its run_id with `runs`),
run_articles (the night's plan: one row per article and its status), nightly_attempts (each process that worked
on a night). What the statuses mean, and when each is set, is nightly/runs.py's business.
"""

from __future__ import annotations

from typing import Sequence

from sources.tables import now

# fmt: off
PLAN_COLUMNS = (
    "run_id", "article_id", "content_hash", "path", "reason", "detail", "status", "verdict_run_id", "previous_run_id",
    "error"
)
# fmt: on


# -- nights ----------------------------------------------------------------------------------------
def insert_night(con, run_id: str, inbox: str, previous_run_id: str | None, task_runner: str) -> None:
    con.execute(
        "INSERT INTO nightly_runs (run_id, inbox, previous_run_id, task_runner, started_at, status) "
        "VALUES (?, ?, ?, ?, ?, 'running')",
        [run_id, inbox, previous_run_id, task_runner, now()],
    )


def running_nights(con) -> list[tuple]:
    """(run_id, attempts, started_at) of every night still marked 'running'."""
    return con.execute("SELECT run_id, attempts, started_at FROM nightly_runs WHERE status = 'running'").fetchall()


def latest_night(con) -> tuple | None:
    """(run_id, inbox, status, attempts, error) of the newest night, or None."""
    return con.execute(
        "SELECT run_id, inbox, status, attempts, error FROM nightly_runs ORDER BY started_at DESC, run_id DESC LIMIT 1"
    ).fetchone()


def last_done_night(con, other_than: str | None = None) -> str | None:
    """The run id of the night that finished successfully last (other than other_than)."""
    row = con.execute(
        "SELECT run_id FROM nightly_runs WHERE status = 'done' AND run_id <> coalesce(?, '') "
        "ORDER BY finished_at DESC, run_id DESC LIMIT 1",
        [other_than],
    ).fetchone()
    return row[0] if row else None


def night_attempts(con, run_id: str) -> int:
    """How many attempts the night has had (the number of the current one)."""
    return con.execute("SELECT attempts FROM nightly_runs WHERE run_id = ?", [run_id]).fetchone()[0]


def night_error(con, run_id: str) -> str | None:
    row = con.execute("SELECT error FROM nightly_runs WHERE run_id = ?", [run_id]).fetchone()
    return row[0] if row else None


def night_previous_run(con, run_id: str) -> str | None:
    """The night's previous_run_id: the night it is compared with."""
    return con.execute("SELECT previous_run_id FROM nightly_runs WHERE run_id = ?", [run_id]).fetchone()[0]


def reopen_night(con, run_id: str) -> int:
    """One more attempt at the night, running again; returns the attempt's number."""
    con.execute(
        "UPDATE nightly_runs SET attempts = attempts + 1, status = 'running', finished_at = NULL WHERE run_id = ?",
        [run_id],
    )
    return night_attempts(con, run_id)


def set_night_status(con, run_id: str, status: str, error: str | None) -> None:
    """Status and error, no end time (a night noticed as interrupted)."""
    con.execute("UPDATE nightly_runs SET status = ?, error = ? WHERE run_id = ?", [status, error, run_id])


def end_night(con, run_id: str, status: str, error: str | None) -> None:
    """Status, error and end time now."""
    con.execute(
        "UPDATE nightly_runs SET status = ?, error = ?, finished_at = ? WHERE run_id = ?",
        [status, error, now(), run_id],
    )


def close_night(con, run_id: str, status: str, error: str | None) -> None:
    """Status and error; an end time already set is kept."""
    con.execute(
        "UPDATE nightly_runs SET status = ?, error = ?, finished_at = coalesce(finished_at, ?) WHERE run_id = ?",
        [status, error, now(), run_id],
    )


def finish_night(
    con,
    run_id: str,
    *,
    status: str,
    seen: int,
    new: int,
    changed: int,
    evidence: int,
    carried: int,
    failed: int,
    claims: int,
    verdicts_changed: int,
    label_counts: str,
    durations: str,
    report: str,
) -> None:
    """The night's end: status, counts, JSON label_counts and durations, the report; its error cleared."""
    con.execute(
        "UPDATE nightly_runs SET status = ?, finished_at = ?, articles_seen = ?, articles_new = ?, "
        "articles_changed = ?, articles_evidence = ?, articles_carried = ?, articles_failed = ?, claims = ?, "
        "verdicts_changed = ?, label_counts = ?, durations = ?, report = ?, error = NULL WHERE run_id = ?",
        [
            status,
            now(),
            seen,
            new,
            changed,
            evidence,
            carried,
            failed,
            claims,
            verdicts_changed,
            label_counts,
            durations,
            report,
            run_id,
        ],
    )


def history_rows(con, limit: int) -> list[dict]:
    """The newest nights, newest first, with their runs rows: run_id, status, started_at, finished_at, attempts,
    task_runner, articles_* counts, claims, verdicts_changed, label_counts, durations, error (of the night),
    code_version, models, rules_version, store_load_id (of the run), as stored."""
    cur = con.execute(
        "SELECT n.run_id, n.status, n.started_at, n.finished_at, n.attempts, n.task_runner, n.articles_seen, "
        "n.articles_new, n.articles_changed, n.articles_evidence, n.articles_carried, n.articles_failed, "
        "n.claims, n.verdicts_changed, n.label_counts, n.durations, n.error, r.code_version, r.models, "
        "r.rules_version, r.store_load_id FROM nightly_runs n JOIN runs r USING (run_id) "
        "ORDER BY n.started_at DESC LIMIT ?",
        [limit],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def known_articles(con) -> list[tuple]:
    """(article_id, content_hash, verdict_run_id, started_at of that run) of the newest recorded verification of
    every article: from nights that finished, else from any run that finished outside a night."""
    return con.execute(
        """
        WITH night AS (
            SELECT ra.article_id, ra.content_hash, ra.verdict_run_id, r.started_at, n.finished_at AS done_at
            FROM run_articles ra
            JOIN nightly_runs n ON n.run_id = ra.run_id AND n.status = 'done'
            JOIN runs r ON r.run_id = ra.verdict_run_id
            WHERE ra.status IN ('done', 'carried')
        ), other AS (
            SELECT a.article_id, a.content_hash, a.run_id AS verdict_run_id, r.started_at, r.finished_at AS done_at
            FROM articles a JOIN runs r ON r.run_id = a.run_id AND r.status = 'done'
            WHERE a.run_id NOT IN (SELECT run_id FROM nightly_runs)
        )
        SELECT article_id, content_hash, verdict_run_id, started_at FROM (
            SELECT * FROM night UNION ALL SELECT * FROM other
        ) QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY done_at DESC, verdict_run_id DESC) = 1
        """
    ).fetchall()


# -- attempts --------------------------------------------------------------------------------------
def attempt_pid(con, run_id: str, attempt: int) -> tuple | None:
    """(pid,) of the attempt, or None when no row records it."""
    return con.execute(
        "SELECT pid FROM nightly_attempts WHERE run_id = ? AND attempt = ?", [run_id, attempt]
    ).fetchone()


def insert_attempt(con, run_id: str, attempt: int, *, pid: int | None, host: str | None, started_at) -> None:
    """An attempt, 'running' (pid and host None for one noticed only afterwards)."""
    con.execute(
        "INSERT INTO nightly_attempts (run_id, attempt, pid, host, started_at, status) "
        "VALUES (?, ?, ?, ?, ?, 'running')",
        [run_id, attempt, pid, host, started_at],
    )


def end_attempt(con, run_id: str, attempt: int, status: str, error: str | None) -> None:
    con.execute(
        "UPDATE nightly_attempts SET status = ?, finished_at = ?, error = ? WHERE run_id = ? AND attempt = ?",
        [status, now(), error, run_id, attempt],
    )


def end_current_attempt(con, run_id: str, status: str) -> None:
    """The night's current attempt ended with status (its error left as it is)."""
    con.execute(
        "UPDATE nightly_attempts SET status = ?, finished_at = ? WHERE run_id = ? AND attempt = "
        "(SELECT attempts FROM nightly_runs WHERE run_id = ?)",
        [status, now(), run_id, run_id],
    )


def attempt_rows(con, run_ids: Sequence[str]) -> list[tuple]:
    """(run_id, attempt, pid, host, started_at, finished_at, status, error) of the nights' attempts, in order."""
    return con.execute(
        "SELECT run_id, attempt, pid, host, started_at, finished_at, status, error FROM nightly_attempts "
        "WHERE run_id IN (SELECT unnest(?)) ORDER BY run_id, attempt",
        [list(run_ids)],
    ).fetchall()


# -- the plan --------------------------------------------------------------------------------------
def insert_plan(con, rows: Sequence[tuple]) -> None:
    """Rows in PLAN_COLUMNS order."""
    if rows:
        con.executemany(
            "INSERT INTO run_articles (run_id, article_id, content_hash, path, reason, detail, status, "
            "verdict_run_id, previous_run_id, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            list(rows),
        )


def plan_status(con, run_id: str) -> list[tuple[str, str, str]]:
    """(article_id, status, content_hash) of every article in the night's plan."""
    return con.execute(
        "SELECT article_id, status, content_hash FROM run_articles WHERE run_id = ?", [run_id]
    ).fetchall()


def plan_rows(con, run_id: str) -> list[tuple]:
    """(article_id, status, reason, verdict_run_id, previous_run_id, detail, error, path) of the night's plan, by
    article id."""
    return con.execute(
        "SELECT article_id, status, reason, verdict_run_id, previous_run_id, detail, error, path "
        "FROM run_articles WHERE run_id = ? ORDER BY article_id",
        [run_id],
    ).fetchall()


def plan_counts(con, run_id: str) -> dict[str, int]:
    """'reason:status' -> how many of the night's articles."""
    return dict(
        con.execute(
            "SELECT reason || ':' || status, count(*) FROM run_articles WHERE run_id = ? GROUP BY 1", [run_id]
        ).fetchall()
    )


def mark_article_done(con, run_id: str, article_id: str, content_hash: str, seconds: float) -> None:
    con.execute(
        "UPDATE run_articles SET status = 'done', verdict_run_id = ?, content_hash = ?, error = NULL, "
        "seconds = ?, finished_at = ? WHERE run_id = ? AND article_id = ?",
        [run_id, content_hash, seconds, now(), run_id, article_id],
    )


def mark_article_failed(con, run_id: str, article_id: str, error: str) -> None:
    con.execute(
        "UPDATE run_articles SET status = 'failed', error = ?, finished_at = ? WHERE run_id = ? AND article_id = ?",
        [error, now(), run_id, article_id],
    )
