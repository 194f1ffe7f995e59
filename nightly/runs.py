"""Nightly run records in the store (schema v5): the plan of a night, each article's status, history.

A night's plan is written in one transaction together with its `runs` row: one `run_articles` row
per article of the inbox, `pending` when it must be verified (new, changed, or its evidence
changed) and `carried` when its earlier verdicts still stand. An article becomes `done` in the same
transaction that writes its claims and verdicts (`mark_done` inside `save_article(also=...)`), so a
run killed at any point leaves each article either fully recorded or still pending, and running
the night again resumes it: only the pending articles are verified.

Every process that works on a night is an attempt (`nightly_attempts`). An attempt that raises is
marked `failed` with its error; one whose process vanished (kill -9, a crash) is marked
`interrupted` by the next run that takes the lock. The next run resumes the latest unfinished night
unless it has had `max_attempts` attempts already: then that night is marked `failed` for good and
a new night starts from a fresh plan, so a night that fails every time shows up as failed in the
history instead of being retried for ever.

`NightlyLock` keeps two nightly runs on one store from running at once, within one process or
across processes (an OS file lock next to the store, released by the OS even on kill -9).
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from claims.errors import FactcheckError
from sources.store import Store, now


class NightlyError(FactcheckError):
    """A nightly run cannot go ahead as asked."""

    code = "FC400"


class NightlyLockedError(NightlyError):
    """Another nightly run holds the store; worth retrying later."""

    code = "FC401"
    transient = True


@dataclass(frozen=True, slots=True)
class Known:
    """What the store knows about an article from earlier successful nights (or `factcheck check`)."""

    content_hash: str
    verdict_run_id: str
    verified_at: dt.datetime


@dataclass(frozen=True, slots=True)
class PlanItem:
    article_id: str
    content_hash: str
    path: str
    reason: str                  # 'new', 'changed', 'evidence', 'unchanged', 'unreadable'
    status: str                  # 'pending', 'carried', 'failed'
    verdict_run_id: str | None = None
    previous_run_id: str | None = None
    detail: str = ""
    error: str = ""


class NightlyLock:
    """An exclusive lock on `<db>.nightly.lock`; waits up to wait_s seconds, then raises FC401."""

    def __init__(self, db: str, wait_s: float = 0.0):
        self.path = Path(f"{db}.nightly.lock")
        self.wait_s = wait_s
        self._fd: int | None = None

    def __enter__(self) -> "NightlyLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + max(0.0, self.wait_s)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
                    os.close(fd)
                    raise NightlyLockedError(
                        f"another nightly run is using {self.path.name[:-len('.nightly.lock')]} ({holder}). "
                        "Wait for it to finish, or pass --wait SECONDS to queue behind it."
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {now().isoformat(timespec='seconds')}Z".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def inbox_key(inbox: Sequence[str]) -> str:
    return json.dumps(sorted(str(Path(p).resolve()) for p in inbox))


@dataclass(frozen=True, slots=True)
class Unfinished:
    """The latest nightly run, when it did not finish: interrupted (its process vanished) or failed."""

    run_id: str
    inbox: str
    status: str
    attempts: int
    error: str | None


def recover_unfinished(store: Store) -> list[str]:
    """Mark every night still 'running' as 'interrupted'; returns their run ids.

    Call only while holding the NightlyLock: then no live process is working on them (the lock is
    released by the OS when its holder dies, kill -9 included), so a 'running' row is a leftover.
    """
    rows = store.con.execute(
        "SELECT run_id, attempts, started_at FROM nightly_runs WHERE status = 'running'").fetchall()
    if not rows:
        return []
    host = socket.gethostname()
    with store.transaction() as con:
        for run_id, attempts, started_at in rows:
            pid = con.execute("SELECT pid FROM nightly_attempts WHERE run_id = ? AND attempt = ?",
                              [run_id, attempts]).fetchone()
            msg = (f"attempt {attempts} (pid {pid[0] if pid and pid[0] else '?'}) ended without finishing: "
                   f"the process was killed, crashed or its machine went down; noticed by pid {os.getpid()} "
                   f"on {host}")
            if pid is None:    # a night begun before schema v7 kept no attempts
                con.execute("INSERT INTO nightly_attempts (run_id, attempt, started_at, status) "
                            "VALUES (?, ?, ?, 'running')", [run_id, attempts, started_at])
            con.execute("UPDATE nightly_attempts SET status = 'interrupted', finished_at = ?, error = ? "
                        "WHERE run_id = ? AND attempt = ?", [now(), msg, run_id, attempts])
            con.execute("UPDATE nightly_runs SET status = 'interrupted', error = ? WHERE run_id = ?", [msg, run_id])
            con.execute("UPDATE runs SET status = 'interrupted' WHERE run_id = ?", [run_id])
    return [r[0] for r in rows]


def unfinished_run(store: Store) -> Unfinished | None:
    """The latest nightly run if it did not finish (interrupted, failed, or still marked running)."""
    row = store.con.execute(
        "SELECT run_id, inbox, status, attempts, error FROM nightly_runs "
        "ORDER BY started_at DESC, run_id DESC LIMIT 1"
    ).fetchone()
    if row and row[2] in ("running", "interrupted", "failed"):
        return Unfinished(*row)
    return None


def resume(store: Store, run_id: str) -> int:
    """Start a new attempt at an unfinished night; returns its number."""
    with store.transaction() as con:
        con.execute("UPDATE nightly_runs SET attempts = attempts + 1, status = 'running', finished_at = NULL "
                    "WHERE run_id = ?", [run_id])
        attempt = con.execute("SELECT attempts FROM nightly_runs WHERE run_id = ?", [run_id]).fetchone()[0]
        _begin_attempt(con, run_id, attempt)
        con.execute("UPDATE runs SET status = 'running', finished_at = NULL WHERE run_id = ?", [run_id])
    return attempt


def give_up(store: Store, run_id: str, why: str) -> None:
    """An unfinished night that will not be resumed: 'failed', with why (and its last error)."""
    with store.transaction() as con:
        last = con.execute("SELECT error FROM nightly_runs WHERE run_id = ?", [run_id]).fetchone()
        error = f"{why}; last error: {last[0]}" if last and last[0] else why
        con.execute("UPDATE nightly_runs SET status = 'failed', error = ?, finished_at = coalesce(finished_at, ?) "
                    "WHERE run_id = ?", [error, now(), run_id])
        con.execute("UPDATE runs SET status = 'failed', finished_at = coalesce(finished_at, ?) WHERE run_id = ?",
                    [now(), run_id])


def fail_nightly(store: Store, run_id: str, error: str, *, status: str = "failed") -> None:
    """The current attempt ended with an error ('failed') or was stopped ('interrupted')."""
    with store.transaction() as con:
        attempt = con.execute("SELECT attempts FROM nightly_runs WHERE run_id = ?", [run_id]).fetchone()[0]
        con.execute("UPDATE nightly_attempts SET status = ?, finished_at = ?, error = ? WHERE run_id = ? "
                    "AND attempt = ?", [status, now(), error, run_id, attempt])
        con.execute("UPDATE nightly_runs SET status = ?, error = ?, finished_at = ? WHERE run_id = ?",
                    [status, error, now(), run_id])
        store.finish_run(run_id, status=status)


def _begin_attempt(con, run_id: str, attempt: int) -> None:
    con.execute("INSERT INTO nightly_attempts (run_id, attempt, pid, host, started_at, status) "
                "VALUES (?, ?, ?, ?, ?, 'running')", [run_id, attempt, os.getpid(), socket.gethostname(), now()])


def previous_run(store: Store, before: str | None = None) -> str | None:
    """The last nightly run that finished successfully (other than `before`)."""
    row = store.con.execute(
        "SELECT run_id FROM nightly_runs WHERE status = 'done' AND run_id <> coalesce(?, '') "
        "ORDER BY finished_at DESC, run_id DESC LIMIT 1",
        [before],
    ).fetchone()
    return row[0] if row else None


def known_articles(store: Store) -> dict[str, Known]:
    """The newest recorded verification of every article: from finished nights, else from any done run."""
    rows = store.con.execute(
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
    return {r[0]: Known(r[1], r[2], r[3]) for r in rows}


def begin_nightly(store: Store, *, code_version: str, models: list[dict], rules_version: str, params: dict,
                  inbox: Sequence[str], task_runner: str, plan: Sequence[PlanItem]) -> str:
    """The runs row, the nightly_runs row and the whole plan, in one transaction; returns the run id."""
    with store.transaction():
        run_id = store.begin_run(code_version=code_version, models=models, rules_version=rules_version,
                                 params=params)
        store.con.execute(
            "INSERT INTO nightly_runs (run_id, inbox, previous_run_id, task_runner, started_at, status) "
            "VALUES (?, ?, ?, ?, ?, 'running')",
            [run_id, inbox_key(inbox), previous_run(store), task_runner, now()],
        )
        _begin_attempt(store.con, run_id, 1)
        _insert_plan(store.con, run_id, plan)
    return run_id


def extend_plan(store: Store, run_id: str, plan: Sequence[PlanItem]) -> None:
    """Add articles that reached the inbox while an unfinished run was down."""
    with store.transaction() as con:
        _insert_plan(con, run_id, plan)


def _insert_plan(con, run_id: str, plan: Sequence[PlanItem]) -> None:
    if plan:
        con.executemany(
            "INSERT INTO run_articles (run_id, article_id, content_hash, path, reason, detail, status, "
            "verdict_run_id, previous_run_id, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, p.article_id, p.content_hash, p.path, p.reason, p.detail or None, p.status,
              p.verdict_run_id, p.previous_run_id, p.error or None) for p in plan],
        )


def planned(store: Store, run_id: str) -> dict[str, tuple[str, str]]:
    """article_id -> (status, content_hash) of every article in the run's plan."""
    rows = store.con.execute(
        "SELECT article_id, status, content_hash FROM run_articles WHERE run_id = ?", [run_id]
    ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def mark_done(con, run_id: str, article_id: str, content_hash: str, seconds: float) -> None:
    """Call inside the transaction that writes the article's rows."""
    con.execute(
        "UPDATE run_articles SET status = 'done', verdict_run_id = ?, content_hash = ?, error = NULL, "
        "seconds = ?, finished_at = ? WHERE run_id = ? AND article_id = ?",
        [run_id, content_hash, seconds, now(), run_id, article_id],
    )


def mark_failed(store: Store, run_id: str, article_id: str, error: str) -> None:
    store.con.execute(
        "UPDATE run_articles SET status = 'failed', error = ?, finished_at = ? WHERE run_id = ? AND article_id = ?",
        [error, now(), run_id, article_id],
    )


def finish_nightly(store: Store, run_id: str, *, status: str, label_counts: dict, claims: int,
                   verdicts_changed: int, durations: dict, report: str) -> None:
    with store.transaction() as con:
        counts = dict(con.execute(
            "SELECT reason || ':' || status, count(*) FROM run_articles WHERE run_id = ? GROUP BY 1", [run_id]
        ).fetchall())
        n = lambda *keys: sum(v for k, v in counts.items() if k in keys)  # noqa: E731
        con.execute(
            "UPDATE nightly_runs SET status = ?, finished_at = ?, articles_seen = ?, articles_new = ?, "
            "articles_changed = ?, articles_evidence = ?, articles_carried = ?, articles_failed = ?, claims = ?, "
            "verdicts_changed = ?, label_counts = ?, durations = ?, report = ?, error = NULL WHERE run_id = ?",
            [status, now(), sum(counts.values()),
             n("new:done", "new:failed"), n("changed:done", "changed:failed"),
             n("evidence:done", "evidence:failed"), n("unchanged:carried"),
             sum(v for k, v in counts.items() if k.endswith(":failed")), claims, verdicts_changed,
             json.dumps(label_counts), json.dumps(durations), report, run_id],
        )
        con.execute("UPDATE nightly_attempts SET status = ?, finished_at = ? WHERE run_id = ? AND attempt = "
                    "(SELECT attempts FROM nightly_runs WHERE run_id = ?)", [status, now(), run_id, run_id])
        store.finish_run(run_id, status=status)


def history(store: Store, limit: int = 20) -> list[dict]:
    """The latest nightly runs, newest first, with counts, durations and model and code versions."""
    cur = store.con.execute(
        "SELECT n.run_id, n.status, n.started_at, n.finished_at, n.attempts, n.task_runner, n.articles_seen, "
        "n.articles_new, n.articles_changed, n.articles_evidence, n.articles_carried, n.articles_failed, "
        "n.claims, n.verdicts_changed, n.label_counts, n.durations, n.error, r.code_version, r.models, "
        "r.rules_version, r.store_load_id FROM nightly_runs n JOIN runs r USING (run_id) "
        "ORDER BY n.started_at DESC LIMIT ?",
        [limit],
    )
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        rec = dict(zip(names, row))
        for key in ("label_counts", "durations", "models"):
            rec[key] = json.loads(rec[key]) if rec[key] else None
        for key in ("started_at", "finished_at"):
            rec[key] = rec[key].isoformat() if rec[key] else None
        out.append(rec)
    if out:
        tries: dict[str, list[dict]] = {}
        for run_id, attempt, pid, host, started, finished, status, error in store.con.execute(
                "SELECT run_id, attempt, pid, host, started_at, finished_at, status, error FROM nightly_attempts "
                "WHERE run_id IN (SELECT unnest(?)) ORDER BY run_id, attempt", [[r["run_id"] for r in out]]
        ).fetchall():
            tries.setdefault(run_id, []).append({
                "attempt": attempt, "status": status, "pid": pid, "host": host, "error": error,
                "started_at": started.isoformat() if started else None,
                "finished_at": finished.isoformat() if finished else None})
        for rec in out:
            rec["attempt_log"] = tries.get(rec["run_id"], [])
    return out
