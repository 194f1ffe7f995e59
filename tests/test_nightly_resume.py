"""A nightly run killed with SIGKILL in the middle of recording an article, then run again.

The real CLI runs in a subprocess on a real DuckDB file. To kill it at a known point, the killed
process runs the CLI through a small wrapper that wraps `nightly.runs.mark_done` (called inside
the transaction that writes an article's claims and verdicts): after the third article's rows are
written, and before they are committed, it tells the test and sleeps; the test then sends SIGKILL.
Nothing else of the product is changed. The same night run uninterrupted on a copy of the store is
the reference.

Also: a night whose attempts keep raising is marked failed (with the error) instead of being
retried for ever, and a run whose process vanished is marked interrupted in the history.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sources.store import Store
from tests.test_nightly import harness, make_inbox, normalise, rows, store_db  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent

KILLABLE = """
import os, sys, time
import nightly.runs as runs

real, seen = runs.mark_done, []

def mark_done(con, run_id, article_id, *args, **kw):
    real(con, run_id, article_id, *args, **kw)
    seen.append(article_id)
    if len(seen) == int(os.environ["PAUSE_AT"]):      # rows written, transaction not committed
        with open(os.environ["PAUSED"], "w") as f:
            f.write(article_id)
        time.sleep(600)

runs.mark_done = mark_done
from cli.main import cli
cli(sys.argv[1:], prog_name="factcheck")
"""


def cli_env(home: Path, **extra) -> dict:
    home.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        PYTHONUNBUFFERED="1",
        PREFECT_HOME=str(home),
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180",
        **extra,
    )  # a busy shared machine
    for key in ("DO_NOT_TRACK", "PREFECT_SERVER_ANALYTICS_ENABLED", "PREFECT_API_URL"):
        env.pop(key, None)  # the CLI's own defaults apply, and it starts its own temporary server
    return env


def nightly_args(inbox: Path, db: str, out: Path) -> list[str]:
    return ["nightly", "--inbox", str(inbox), "--db", db, "--embedder", "hash", "--out", str(out)]


def wait_for(path: Path, proc: subprocess.Popen, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(
                f"the nightly run exited ({proc.returncode}) before pausing:\n"
                f"{proc.stderr.read() if proc.stderr else ''}"
            )
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the nightly run did not reach the third article within {timeout_s:.0f}s")
        time.sleep(0.1)


def finished(proc: subprocess.Popen, what: str) -> str:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, f"{what} exited {proc.returncode}:\n{err}"
    return out


def duplicates(db: str) -> dict[str, int]:
    keys = {
        "articles": "article_id, run_id",
        "claims": "claim_id, run_id",
        "verdicts": "verdict_id, run_id",
        "evidence_links": "*",
        "run_articles": "run_id, article_id",
    }
    return {
        table: rows(db, f"SELECT count(*) FROM (SELECT {cols} FROM {table} GROUP BY ALL HAVING count(*) > 1)")[0][0]
        for table, cols in keys.items()
    }


def test_a_night_killed_mid_write_resumes_and_reports_as_if_never_killed(tmp_path, store_db):  # noqa: F811 (fixtures imported above)
    db, _ = store_db
    ref_db = str(tmp_path / "reference.duckdb")
    shutil.copyfile(db, ref_db)
    inbox = make_inbox(tmp_path / "inbox", 6)
    paused = tmp_path / "paused"

    # The uninterrupted reference night and the night to be killed run side by side.
    reference = subprocess.Popen(
        [sys.executable, "-m", "cli.main", *nightly_args(inbox, ref_db, tmp_path / "ref")],
        cwd=ROOT,
        env=cli_env(tmp_path / "home-ref"),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # In a session of its own, so that the kill takes its Prefect temporary server with it (as a machine crash
    # would); killing only the run would leave that server running after the tests.
    killed = subprocess.Popen(
        [sys.executable, "-c", KILLABLE, *nightly_args(inbox, db, tmp_path / "out")],
        cwd=ROOT,
        env=cli_env(tmp_path / "home-1", PAUSE_AT="3", PAUSED=str(paused)),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_for(paused, killed, timeout_s=240)
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)
    finally:
        try:
            os.killpg(killed.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert killed.returncode == -signal.SIGKILL
    half_done = paused.read_text()

    # After the kill: two articles fully recorded, the third not at all, the night still 'running'.
    ((run_id, status),) = rows(db, "SELECT run_id, status FROM nightly_runs")
    assert status == "running"
    done = {a for (a,) in rows(db, "SELECT article_id FROM run_articles WHERE status = 'done'")}
    assert len(done) == 2 and half_done not in done
    assert {a for (a,) in rows(db, "SELECT article_id FROM articles WHERE run_id = ?", [run_id])} == done
    assert {a for (a,) in rows(db, "SELECT DISTINCT article_id FROM claims WHERE run_id = ?", [run_id])} <= done
    assert {a for (a,) in rows(db, "SELECT DISTINCT article_id FROM verdicts WHERE run_id = ?", [run_id])} <= done
    assert rows(
        db,
        "SELECT count(*) FROM evidence_links e LEFT JOIN verdicts v USING (verdict_id, run_id) "
        "WHERE v.verdict_id IS NULL",
    ) == [(0,)]

    # Run the same command again: it resumes the night and verifies only the four left.
    again = subprocess.run(
        [sys.executable, "-m", "cli.main", *nightly_args(inbox, db, tmp_path / "out")],
        cwd=ROOT,
        env=cli_env(tmp_path / "home-2"),
        text=True,
        capture_output=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert f"resuming run {run_id}: 4 of 6 article(s) to verify" in again.stderr
    ref_report = finished(reference, "the reference night")

    assert rows(db, "SELECT run_id, status, attempts, error FROM nightly_runs") == [(run_id, "done", 2, None)]
    attempts = rows(db, "SELECT attempt, status, error FROM nightly_attempts WHERE run_id = ? ORDER BY 1", [run_id])
    assert [a[:2] for a in attempts] == [(1, "interrupted"), (2, "done")]
    assert "ended without finishing" in attempts[0][2]
    assert rows(db, "SELECT status, count(*) FROM run_articles GROUP BY 1") == [("done", 6)]
    dup = duplicates(db)
    assert dup == {t: 0 for t in dup}
    q = (
        "SELECT v.article_id, c.text, c.span_start, c.span_end, v.verdict_id, v.label, v.confidence "
        "FROM verdicts v JOIN claims c USING (claim_id, run_id) ORDER BY ALL"
    )
    assert rows(db, q) and rows(db, q) == rows(ref_db, q)
    ev = (
        "SELECT v.verdict_id, e.passage_id FROM evidence_links e JOIN verdicts v USING (verdict_id, run_id) "
        "ORDER BY ALL"
    )
    assert rows(db, ev) == rows(ref_db, ev)
    assert normalise(again.stdout) == normalise(ref_report)
    assert normalise((tmp_path / "out" / "night-report.md").read_text()) == normalise(ref_report)


def test_a_night_that_keeps_failing_is_marked_failed_then_given_up(harness, tmp_path, store_db, monkeypatch):  # noqa: F811 (fixtures imported above)
    import flows.nightly as nightly_mod
    from nightly.runs import history

    db, _ = store_db
    inbox = make_inbox(tmp_path / "inbox", 2)
    real_report = nightly_mod.night_summary

    def broken(*args, **kw):
        raise OSError("disk full while writing the report")

    monkeypatch.setattr(nightly_mod, "night_summary", broken)
    for attempt in (1, 2, 3):
        with pytest.raises(OSError):
            nightly_mod.nightly([str(inbox)], db, embedder="hash", max_attempts=3)
        ((run_id, status, attempts, error),) = rows(db, "SELECT run_id, status, attempts, error FROM nightly_runs")
        assert (status, attempts) == ("failed", attempt) and "disk full" in error
        assert rows(db, "SELECT status FROM runs WHERE run_id = ?", [run_id]) == [("failed",)]
    assert rows(db, "SELECT count(*) FROM run_articles WHERE status = 'done'") == [(2,)]  # kept for the resume

    monkeypatch.setattr(nightly_mod, "night_summary", real_report)
    fresh = nightly_mod.nightly([str(inbox)], db, embedder="hash", max_attempts=3)
    assert fresh.run_id != run_id and not fresh.resumed and fresh.articles["new"] == 2
    with Store(db, read_only=True) as st:
        hist = history(st)
    assert [(h["run_id"], h["status"]) for h in hist] == [(fresh.run_id, "done"), (run_id, "failed")]
    old = hist[1]
    assert old["error"].startswith("gave up after 3 attempts") and "disk full" in old["error"]
    assert [(a["attempt"], a["status"]) for a in old["attempt_log"]] == [(1, "failed"), (2, "failed"), (3, "failed")]
    assert hist[0]["attempt_log"][0]["status"] == "done" and hist[0]["error"] is None


def test_a_failed_night_is_resumed_when_the_cause_is_gone(harness, tmp_path, store_db, monkeypatch):  # noqa: F811 (fixtures imported above)
    import flows.nightly as nightly_mod

    db, _ = store_db
    inbox = make_inbox(tmp_path / "inbox", 2)
    real_report = nightly_mod.night_summary
    monkeypatch.setattr(nightly_mod, "night_summary", lambda *a, **kw: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        nightly_mod.nightly([str(inbox)], db, embedder="hash")
    monkeypatch.setattr(nightly_mod, "night_summary", real_report)
    night = nightly_mod.nightly([str(inbox)], db, embedder="hash")
    assert night.resumed and night.articles["new"] == 2
    assert rows(db, "SELECT count(*) FROM articles") == [(2,)]  # nothing verified twice
    assert rows(db, "SELECT attempt, status FROM nightly_attempts ORDER BY 1") == [(1, "failed"), (2, "done")]
