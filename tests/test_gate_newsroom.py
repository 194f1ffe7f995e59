"""The gate as a newsroom uses it: a git repository of articles, a policy file, a corrections file, a
reference store built with the real bundled e5 model, and `factcheck gate` run as a process.

Revisions on a pull-request branch:
1. the seed article as published ("87 år gamle Abbas", refuted: he was 88) -> fails, naming the claim and line 32;
2. the age corrected to 88, with a correction record in corrections.toml -> passes;
3. "87 år gamle Abbas" back in the article -> fails as a correction undone;
4. another article stating it again -> fails as a correction undone there too.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed"
ARTICLE = "articles/abbas.md"

POLICY = """\
[gate]
store = "store.duckdb"
include = ["articles/*.md"]

[gate.fail_on]
REFUTED = 0.8

[corrections]
file = "corrections.toml"
"""

CORRECTION = """\
[[correction]]
article = "articles/abbas.md"
claim_as_was = "87 år gamle Abbas"
corrected_text = "88 år gamle Abbas"
date = 2024-05-02
note = "Abbas was born 15 November 1935: he was 88 on 30 April 2024."
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def gate(repo: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    report = repo.parent / f"gate-{len(list(repo.parent.glob('gate-*.json')))}.json"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("FACTCHECK_DB", None)
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "gate", *args, "--json", str(report)],
        capture_output=True,
        text=True,
        cwd=repo,
        env=env,
        timeout=600,
    )
    data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    return proc, data


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory, e5):
    from sources.ingest import ingest_passages
    from sources.store import Store

    work = tmp_path_factory.mktemp("newsroom")
    repo = work / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "desk@example.org")
    git(repo, "config", "user.name", "Desk")
    (repo / "factcheck.toml").write_text(POLICY, encoding="utf-8")
    (repo / ".gitignore").write_text("store.duckdb\nstore.duckdb.wal\n", encoding="utf-8")
    (repo / "articles").mkdir()
    (repo / "articles" / "README.md").write_text("Published articles, one a file.\n", encoding="utf-8")
    main = commit(repo, "newsroom repository")
    with Store(repo / "store.duckdb") as store:  # the real e5 model, as in production
        ingest_passages(store, SEED / "passages.jsonl", e5)
    git(repo, "checkout", "-q", "-b", "abbas")

    shutil.copy(SEED / "article.md", repo / ARTICLE)
    rev1 = commit(repo, "Publish: Fatah and Hamas in Beijing")
    first = gate(repo, "--base", main, "--format", "github")

    text = (repo / ARTICLE).read_text(encoding="utf-8")
    assert text.count("87 år gamle Abbas") == 1
    (repo / ARTICLE).write_text(text.replace("87 år gamle Abbas", "88 år gamle Abbas"), encoding="utf-8")
    (repo / "corrections.toml").write_text(CORRECTION, encoding="utf-8")
    rev2 = commit(repo, "Correction: Abbas is 88")
    second = gate(repo, "--base", rev1)

    (repo / ARTICLE).write_text(text, encoding="utf-8")  # the old sentence comes back
    rev3 = commit(repo, "Revert to the first version")
    third = gate(repo, "--base", rev2, "--format", "github")

    shutil.copy(SEED / "article.md", repo / "articles" / "abbas-2.md")
    (repo / ARTICLE).write_text(text.replace("87 år gamle Abbas", "88 år gamle Abbas"), encoding="utf-8")
    commit(repo, "A follow-up article restates the old age")
    fourth = gate(repo, "--base", rev3)
    return {"repo": repo, "first": first, "second": second, "third": third, "fourth": fourth}


def test_first_revision_fails_naming_the_refuted_claim_and_its_line(newsroom):
    proc, report = newsroom["first"]
    assert proc.returncode == 3, proc.stderr
    failures = [f for f in report["findings"] if f["severity"] == "error"]
    assert [(f["kind"], f["path"], f["line"], f["quote"], f["label"]) for f in failures] == [
        ("label", ARTICLE, 32, "87 år gamle Abbas", "REFUTED")
    ]
    assert failures[0]["confidence"] >= 0.8
    line32 = (newsroom["repo"] / ARTICLE).read_text(encoding="utf-8").splitlines()[31]
    assert "87 år gamle Abbas" in line32 or "88 år gamle Abbas" in line32
    assert f"::error file={ARTICLE},line=32," in proc.stdout and "87 år gamle Abbas" in proc.stdout
    assert report["files"] == [ARTICLE] and report["status"] == "fail"


def test_corrected_revision_passes(newsroom):
    proc, report = newsroom["second"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report["status"] == "pass" and report["failures"] == 0
    assert [c["claim_as_was"] for c in report["corrections"]] == ["87 år gamle Abbas"]
    # the corrected claim was checked and is not refuted
    ages = [c for c in report["claims"] if "88 år" in c["quote"]]
    assert ages and all(c["label"] != "REFUTED" for c in ages), report["claims"]
    assert "PASS" in proc.stdout


def test_reintroduced_error_fails_as_a_correction_undone(newsroom):
    proc, report = newsroom["third"]
    assert proc.returncode == 3
    undone = [f for f in report["findings"] if f["kind"] == "correction-undone"]
    assert len(undone) == 1
    assert (undone[0]["path"], undone[0]["line"], undone[0]["quote"]) == (ARTICLE, 32, "87 år gamle Abbas")
    assert "2024-05-02" in undone[0]["message"] and "88 år gamle Abbas" in undone[0]["message"]
    assert f"::error file={ARTICLE},line=32,title=factcheck%3A correction undone::" in proc.stdout


def test_another_article_stating_the_corrected_error_fails(newsroom):
    proc, report = newsroom["fourth"]
    assert proc.returncode == 3
    assert sorted(report["files"]) == ["articles/abbas-2.md", ARTICLE]
    undone = [f for f in report["findings"] if f["kind"] == "correction-undone"]
    assert [(f["path"], f["line"]) for f in undone] == [("articles/abbas-2.md", 32)]
    assert "corrected in articles/abbas.md" in undone[0]["message"]
