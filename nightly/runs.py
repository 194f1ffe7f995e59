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
from sources import tables_nightly, tables_runs
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
    reason: str  # 'new', 'changed', 'evidence', 'unchanged', 'unreadable'
    status: str  # 'pending', 'carried', 'failed'
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
                        f"another nightly run is using {self.path.name[: -len('.nightly.lock')]} ({holder}). "
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
    rows = tables_nightly.running_nights(store.con)
    if not rows:
        return []
    host = socket.gethostname()
    with store.transaction() as con:
        for run_id, attempts, started_at in rows:
            pid = tables_nightly.attempt_pid(con, run_id, attempts)
            msg = (
                f"attempt {attempts} (pid {pid[0] if pid and pid[0] else '?'}) ended without finishing: "
                f"the process was killed, crashed or its machine went down; noticed by pid {os.getpid()} "
                f"on {host}"
            )
            if pid is None:  # a night begun before schema v7 kept no attempts
                tables_nightly.insert_attempt(con, run_id, attempts, pid=None, host=None, started_at=started_at)
            tables_nightly.end_attempt(con, run_id, attempts, "interrupted", msg)
            tables_nightly.set_night_status(con, run_id, "interrupted", msg)
            tables_runs.set_run_status(con, run_id, "interrupted")
    return [r[0] for r in rows]


def unfinished_run(store: Store) -> Unfinished | None:
    """The latest nightly run if it did not finish (interrupted, failed, or still marked running)."""
    row = tables_nightly.latest_night(store.con)
    if row and row[2] in ("running", "interrupted", "failed"):
        return Unfinished(*row)
    return None


def resume(store: Store, run_id: str) -> int:
    """Start a new attempt at an unfinished night; returns its number."""
    with store.transaction() as con:
        attempt = tables_nightly.reopen_night(con, run_id)
        _begin_attempt(con, run_id, attempt)
        tables_runs.reopen_run(con, run_id)
    return attempt


def give_up(store: Store, run_id: str, why: str) -> None:
    """An unfinished night that will not be resumed: 'failed', with why (and its last error)."""
    with store.transaction() as con:
        last = tables_nightly.night_error(con, run_id)
        error = f"{why}; last error: {last}" if last else why
        tables_nightly.close_night(con, run_id, "failed", error)
        tables_runs.close_run(con, run_id, "failed")


def fail_nightly(store: Store, run_id: str, error: str, *, status: str = "failed") -> None:
    """The current attempt ended with an error ('failed') or was stopped ('interrupted')."""
    with store.transaction() as con:
        attempt = tables_nightly.night_attempts(con, run_id)
        tables_nightly.end_attempt(con, run_id, attempt, status, error)
        tables_nightly.end_night(con, run_id, status, error)
        store.finish_run(run_id, status=status)


def _begin_attempt(con, run_id: str, attempt: int) -> None:
    tables_nightly.insert_attempt(con, run_id, attempt, pid=os.getpid(), host=socket.gethostname(), started_at=now())


def previous_run(store: Store, before: str | None = None) -> str | None:
    """The last nightly run that finished successfully (other than `before`)."""
    return tables_nightly.last_done_night(store.con, before)


def known_articles(store: Store) -> dict[str, Known]:
    """The newest recorded verification of every article: from finished nights, else from any done run."""
    rows = tables_nightly.known_articles(store.con)
    return {r[0]: Known(r[1], r[2], r[3]) for r in rows}


def begin_nightly(
    store: Store,
    *,
    code_version: str,
    models: list[dict],
    rules_version: str,
    params: dict,
    inbox: Sequence[str],
    task_runner: str,
    plan: Sequence[PlanItem],
) -> str:
    """The runs row, the nightly_runs row and the whole plan, in one transaction; returns the run id."""
    with store.transaction():
        run_id = store.begin_run(code_version=code_version, models=models, rules_version=rules_version, params=params)
        tables_nightly.insert_night(store.con, run_id, inbox_key(inbox), previous_run(store), task_runner)
        _begin_attempt(store.con, run_id, 1)
        _insert_plan(store.con, run_id, plan)
    return run_id


def extend_plan(store: Store, run_id: str, plan: Sequence[PlanItem]) -> None:
    """Add articles that reached the inbox while an unfinished run was down."""
    with store.transaction() as con:
        _insert_plan(con, run_id, plan)


def _insert_plan(con, run_id: str, plan: Sequence[PlanItem]) -> None:
    tables_nightly.insert_plan(
        con,
        [
            (
                run_id,
                p.article_id,
                p.content_hash,
                p.path,
                p.reason,
                p.detail or None,
                p.status,
                p.verdict_run_id,
                p.previous_run_id,
                p.error or None,
            )
            for p in plan
        ],
    )


def planned(store: Store, run_id: str) -> dict[str, tuple[str, str]]:
    """article_id -> (status, content_hash) of every article in the run's plan."""
    return {r[0]: (r[1], r[2]) for r in tables_nightly.plan_status(store.con, run_id)}


def mark_done(con, run_id: str, article_id: str, content_hash: str, seconds: float) -> None:
    """Call inside the transaction that writes the article's rows."""
    tables_nightly.mark_article_done(con, run_id, article_id, content_hash, seconds)


def mark_failed(store: Store, run_id: str, article_id: str, error: str) -> None:
    tables_nightly.mark_article_failed(store.con, run_id, article_id, error)


def finish_nightly(
    store: Store,
    run_id: str,
    *,
    status: str,
    label_counts: dict,
    claims: int,
    verdicts_changed: int,
    durations: dict,
    report: str,
) -> None:
    with store.transaction() as con:
        counts = tables_nightly.plan_counts(con, run_id)
        n = lambda *keys: sum(v for k, v in counts.items() if k in keys)  # noqa: E731
        tables_nightly.finish_night(
            con,
            run_id,
            status=status,
            seen=sum(counts.values()),
            new=n("new:done", "new:failed"),
            changed=n("changed:done", "changed:failed"),
            evidence=n("evidence:done", "evidence:failed"),
            carried=n("unchanged:carried"),
            failed=sum(v for k, v in counts.items() if k.endswith(":failed")),
            claims=claims,
            verdicts_changed=verdicts_changed,
            label_counts=json.dumps(label_counts),
            durations=json.dumps(durations),
            report=report,
        )
        tables_nightly.end_current_attempt(con, run_id, status)
        store.finish_run(run_id, status=status)


def history(store: Store, limit: int = 20) -> list[dict]:
    """The latest nightly runs, newest first, with counts, durations and model and code versions."""
    out = []
    for rec in tables_nightly.history_rows(store.con, limit):
        for key in ("label_counts", "durations", "models"):
            rec[key] = json.loads(rec[key]) if rec[key] else None
        for key in ("started_at", "finished_at"):
            rec[key] = rec[key].isoformat() if rec[key] else None
        out.append(rec)
    if out:
        tries: dict[str, list[dict]] = {}
        for run_id, attempt, pid, host, started, finished, status, error in tables_nightly.attempt_rows(
            store.con, [r["run_id"] for r in out]
        ):
            tries.setdefault(run_id, []).append(
                {
                    "attempt": attempt,
                    "status": status,
                    "pid": pid,
                    "host": host,
                    "error": error,
                    "started_at": started.isoformat() if started else None,
                    "finished_at": finished.isoformat() if finished else None,
                }
            )
        for rec in out:
            rec["attempt_log"] = tries.get(rec["run_id"], [])
    return out
