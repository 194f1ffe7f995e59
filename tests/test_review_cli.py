"""`factcheck review list / show / decide / export / users` through the real CLI (click's CliRunner)."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from cli.main import cli
from review.export import validate
from review.fixtures import seed_store
from sources.embed import HashEmbedder
from sources.store import Store

PW = "correct horse battery"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("reviewcli") / "seed.duckdb"
    with Store(path) as st:
        seed_store(st, "data/seed", HashEmbedder())
    return path


@pytest.fixture
def db(template, tmp_path):
    path = tmp_path / "store.duckdb"
    shutil.copy(template, path)
    return str(path)


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_list_show_decide_export(db):
    r = run("review", "users", "add", "kari", "--db", db, "--password-stdin", input=PW + "\n")
    assert r.exit_code == 0, r.output
    r = run("review", "list", "--db", db, "--format", "jsonl")
    assert r.exit_code == 0, r.output
    items = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert items and items[0]["label"] == "REFUTED" and items[0]["priority"] == "refuted with high confidence"
    cid = items[0]["claim_id"]
    r = run("review", "show", cid, "--db", db)
    assert r.exit_code == 0 and "«87 år gamle Abbas»" in r.stdout and "flagged:" in r.stdout
    r = run("review", "show", cid, "--db", db, "--format", "json")
    shown = json.loads(r.stdout)
    assert shown["quote"] == "87 år gamle Abbas" and shown["evidence"] and shown["decisions"] == []
    r = run("review", "decide", cid, "--db", db, "--reviewer", "kari", "--label", "refuted", "--note", "88 then")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert (d["action"], d["label_before"], d["label_after"], d["source"]) == ("confirm", "REFUTED", "REFUTED", "cli")
    r = run("review", "list", "--db", db, "--status", "decided", "--format", "jsonl")
    assert [json.loads(line)["claim_id"] for line in r.stdout.splitlines()] == [cid]
    r = run("review", "list", "--db", db, "--format", "jsonl")
    assert cid not in r.stdout
    r = run("review", "export", "--db", db, "--format", "claimreview")
    docs = json.loads(r.stdout)
    assert len(docs) == 1 and validate(docs[0]) == []
    r = run("review", "export", "--db", db, "--format", "csv")
    assert r.stdout.splitlines()[0].startswith("claim_id,label") and cid in r.stdout
    r = run("review", "users", "list", "--db", db)
    assert r.stdout.startswith("kari\treviewer\tpassword")


def test_cli_errors_are_one_line_with_code(db):
    r = run("review", "users", "add", "kari", "--db", db, "--password-stdin", input=PW + "\n")
    r = run("review", "decide", "c-nope", "--db", db, "--reviewer", "kari")
    assert r.exit_code == 1 and "FC501" in r.output
    r = run("review", "decide", "c-nope", "--db", db, "--reviewer", "nobody")
    assert r.exit_code == 1 and "FC504" in r.output and "users add nobody" in r.output
    r = run("review", "users", "add", "ola", "--db", db, "--password-stdin", input="short\n")
    assert r.exit_code == 1 and "FC507" in r.output
    r = run("review", "list", "--db", db, "--label", "maybe")
    assert r.exit_code == 1 and "FC502" in r.output
    r = run("review", "list", "--db", str(db) + ".missing")
    assert r.exit_code == 1 and "FC202" in r.output


def test_token_user_prints_token_once(db):
    r = run("review", "users", "add", "desk-bot", "--db", db, "--role", "read-only", "--token")
    assert r.exit_code == 0
    token = r.stdout.strip()
    assert token.startswith("fct_")
    with Store(db) as st:
        from review.auth import authenticate_token

        assert authenticate_token(st, token).role == "read-only"
