"""The nightly flow on a schedule, for real; prefect.yaml; Prefect quiet and offline by default.

The schedule test runs `factcheck serve-nightly --interval 10` in a subprocess exactly as a user
would (a temporary PREFECT_HOME; it starts `prefect server start` on 127.0.0.1 and a free port,
and serves the flow with `flow.serve`): the server's scheduler creates the runs and the served
runner executes them. Nothing runs the flow directly, so verdicts in the DuckDB file prove that a
scheduled run fired. Measured here: the first run's report appears about 30 s after the start
on a busy 2-core machine; the test waits at most 180 s.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import yaml

from sources.embed import HashEmbedder
from sources.ingest import ingest_passages
from sources.store import Store
from tests.test_nightly import make_inbox, split_sources

ROOT = Path(__file__).resolve().parent.parent


def open_when_free(db: str, timeout_s: float = 60) -> duckdb.DuckDBPyConnection:
    """A read-only connection, once no other process holds the file for writing."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return duckdb.connect(db, read_only=True)
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM (serve-nightly stops serving and its local server), then SIGKILL what is left of the group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the group this test started (start_new_session)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def test_a_scheduled_night_fires_and_records_verdicts(tmp_path):
    base, _ = split_sources(tmp_path)
    db = str(tmp_path / "store.duckdb")
    with Store(db) as st:
        ingest_passages(st, base, HashEmbedder())
    inbox = make_inbox(tmp_path / "inbox", 3)
    out = tmp_path / "reports"
    env = dict(
        os.environ, PYTHONUNBUFFERED="1", PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_RUNNER_POLL_FREQUENCY="2"
    )  # the served runner looks for due runs every 2 s, not 10
    env.pop("PREFECT_API_URL", None)
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli.main",
            "serve-nightly",
            "--inbox",
            str(inbox),
            "--db",
            db,
            "--embedder",
            "hash",
            "--interval",
            "10",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while not (out / "night-report.md").exists():
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (
                "no scheduled run finished within 180 s:\n" + (tmp_path / "serve.log").read_text()[-3000:]
            )
            time.sleep(1)
    finally:
        stop(proc)
        log.close()
    con = open_when_free(db)
    try:
        done = con.execute(
            "SELECT run_id, articles_new FROM nightly_runs WHERE status = 'done' ORDER BY started_at"
        ).fetchall()
        assert done and done[0][1] == 3
        first = done[0][0]
        assert con.execute("SELECT count(DISTINCT article_id) FROM verdicts WHERE run_id = ?", [first]).fetchone() == (
            3,
        )
        labels = {r[0] for r in con.execute("SELECT label FROM verdicts WHERE run_id = ?", [first]).fetchall()}
        assert labels and labels <= {"SUPPORTED", "REFUTED", "NOT_ENOUGH_EVIDENCE", "CONFLICTING"}
    finally:
        con.close()
    assert (out / "night-report.md").read_text().startswith("# Night report")


def test_prefect_yaml_declares_a_nightly_cron_in_oslo_time_for_the_nightly_flow():
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    (dep,) = [d for d in spec["deployments"] if d["name"] == "nightly"]
    assert dep["schedules"] == [{"cron": "0 2 * * *", "timezone": "Europe/Oslo", "active": True}]
    assert dep["concurrency_limit"] == 1
    # Load the entrypoint as a worker does, from the project folder (in a subprocess: loading a flow
    # by path puts its folder on sys.path, where cli/review.py would shadow the review package).
    code = (
        "import inspect, json, sys\n"
        "from prefect.flows import load_flow_from_entrypoint\n"
        "f = load_flow_from_entrypoint(sys.argv[1])\n"
        "print(json.dumps([f.name, list(inspect.signature(f.fn).parameters)]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, dep["entrypoint"]], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    name, params = json.loads(proc.stdout)
    assert name == "nightly" and set(dep["parameters"]) <= set(params)


def quiet_probe(env: dict) -> list[str]:
    """What a process that imports factcheck's flows reports about Prefect's (and Ray's) telemetry."""
    code = (
        "import os\nimport flows\n"
        "from prefect._internal.analytics.enabled import is_telemetry_enabled\n"
        "from prefect.settings import get_current_settings\n"
        "from flows.nightly import quiet_env\n"
        "print(is_telemetry_enabled(), get_current_settings().server.analytics_enabled,\n"
        "      quiet_env(os.environ).get('DO_NOT_TRACK'),\n"
        "      quiet_env(os.environ)['PREFECT_SERVER_ANALYTICS_ENABLED'],\n"
        "      os.environ.get('RAY_USAGE_STATS_ENABLED'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_prefect_telemetry_and_analytics_are_off_unless_the_user_turns_them_on():
    from prefect._internal.analytics.ci_detection import CI_ENV_VARS  # Prefect is silent in CI anyway

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in CI_ENV_VARS
        and k not in ("DO_NOT_TRACK", "PREFECT_SERVER_ANALYTICS_ENABLED", "RAY_USAGE_STATS_ENABLED")
    }
    # Plain Prefect would report (the probe can tell the difference) ...
    plain = subprocess.run(
        [
            sys.executable,
            "-c",
            "from prefect._internal.analytics.enabled import "
            "is_telemetry_enabled as t; from prefect.settings import get_current_settings as s; "
            "print(t(), s().server.analytics_enabled)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plain.stdout.split() == ["True", "True"], plain.stderr
    # ... factcheck's flows turn both off, for the client and for the local server they start,
    # (Ray's usage stats too, for --task-runner ray) ...
    assert quiet_probe(env) == ["False", "False", "1", "false", "0"]
    # ... and a user who opts in is respected.
    opted_in = dict(env, DO_NOT_TRACK="0", PREFECT_SERVER_ANALYTICS_ENABLED="true", RAY_USAGE_STATS_ENABLED="1")
    assert quiet_probe(opted_in) == ["True", "True", "0", "true", "1"]
