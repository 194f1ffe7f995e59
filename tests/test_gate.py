"""Unit tests of the gate: policy, corrections, restatement, evaluation, reports, git and the CLI, with fakes
(the hash embedder, temporary DuckDB files and git repositories)."""

import datetime as dt
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims.errors import FactcheckError
from claims.model import Article, Claim, Span
from gate import report as ci_report
from gate.check import (
    REVIEW_RULE,
    ArticleCheck,
    GateResult,
    Policy,
    evaluate,
    load_policy,
    policy_from_dict,
    reviewer_of,
)
from gate.corrections import (
    Correction,
    add_correction,
    find_restatements,
    list_corrections,
    merge_corrections,
    parse_correction,
    read_corrections_file,
    signature,
)
from sources.embed import HashEmbedder
from sources.store import Store
from verdicts.model import Evidence, Label, Provenance, Review, Stance, Verdict
from verdicts.pipeline import ArticleResult

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed"
TEXT = (
    "Abbas leder Fatah.\n\n87 år gamle Abbas har sittet på overtid siden 2009.\n\nOver 34.000 palestinere er drept.\n"
)
ABBAS = Correction(
    article="articles/a.md",
    claim_as_was="87 år gamle Abbas",
    corrected_text="88 år gamle Abbas",
    date=dt.date(2024, 5, 2),
    note="born 1935",
)


def claim_at(article: Article, quote: str, text: str | None = None) -> Claim:
    start = article.text.index(quote)
    return Claim(article.id, text or quote, Span(start, start + len(quote)), language="nb")


def verdict(claim: Claim, label: str, conf: float, evidence=()) -> Verdict:
    return Verdict(claim, Label(label), conf, tuple(evidence), Review(), Provenance("gate-test", "test"))


def check(text: str, labels: list[tuple[str, str, float]], path="articles/a.md", aid="a") -> ArticleCheck:
    art = Article(text=text, language="nb", id=aid, path="")
    claims = [claim_at(art, q) for q, _, _ in labels]
    verdicts = [verdict(c, lab, conf) for c, (_, lab, conf) in zip(claims, labels)]
    return ArticleCheck(art, path, ArticleResult(art, tuple(claims), tuple(verdicts)))


# -- policy ---------------------------------------------------------------------------------------
def test_default_policy_fails_refuted_at_0_8_and_includes_article_files():
    p = Policy()
    assert p.threshold("REFUTED") == 0.8 and p.threshold("CONFLICTING") is None
    assert p.selects("articles/x.md") and p.selects("a/b/c.html") and not p.selects("factcheck.toml")


def test_policy_file_is_read_with_paths_relative_to_it(tmp_path):
    (tmp_path / "factcheck.toml").write_text(
        '[gate]\nstore = "data/store.duckdb"\ninclude = ["articles/*.md"]\nexclude = ["articles/drafts/*"]\n'
        "unreviewed_conflicting = true\nk = 4\n[gate.fail_on]\nREFUTED = 0.9\nconflicting = 0.95\n"
        '[corrections]\nfile = "corrections.toml"\nrequire_notice = true\nsimilarity = 0.95\n',
        encoding="utf-8",
    )
    p = load_policy(tmp_path / "factcheck.toml")
    assert p.store == str(tmp_path.resolve() / "data" / "store.duckdb")
    assert p.corrections_file == str(tmp_path.resolve() / "corrections.toml")
    assert dict(p.fail_on) == {"REFUTED": 0.9, "CONFLICTING": 0.95}
    assert p.unreviewed_conflicting and p.require_notice and p.k == 4 and p.restate_similarity == 0.95
    assert p.selects("articles/a.md") and not p.selects("articles/drafts/b.md") and not p.selects("notes/c.md")


@pytest.mark.parametrize(
    "text, code, words",
    [
        ("[gate\n", "FC602", "not valid TOML"),
        ("[gate]\nstroe = 'x'\n", "FC603", "stroe"),
        ("[gates]\n", "FC603", "gates"),
        ("[gate]\nk = 'many'\n", "FC603", "'k' must be int"),
        ("[gate.fail_on]\nWRONG = 0.5\n", "FC603", "WRONG"),
        ("[gate.fail_on]\nREFUTED = 1.5\n", "FC603", "from 0 to 1"),
        ("[corrections]\nnotice_pattern = '('\n", "FC604", "notice_pattern"),
    ],
)
def test_bad_policy_files_say_what_and_where(tmp_path, text, code, words):
    f = tmp_path / "factcheck.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(FactcheckError) as exc:
        load_policy(f)
    assert exc.value.code == code and words in str(exc.value) and str(f) in str(exc.value)


def test_missing_policy_file_is_FC601(tmp_path):
    with pytest.raises(FactcheckError) as exc:
        load_policy(tmp_path / "nope.toml")
    assert exc.value.code == "FC601"


# -- corrections ----------------------------------------------------------------------------------
def test_corrections_file_toml_and_jsonl(tmp_path):
    toml = tmp_path / "corrections.toml"
    toml.write_text(
        '[[correction]]\narticle = "articles/a.md"\nclaim_as_was = "87 år gamle Abbas"\n'
        'corrected_text = "88 år gamle Abbas"\ndate = 2024-05-02\nnote = "born 1935"\n',
        encoding="utf-8",
    )
    jsonl = tmp_path / "corrections.jsonl"
    jsonl.write_text(
        json.dumps(
            {
                "article": "articles/a.md",
                "was": "87 år gamle Abbas",
                "corrected": "88 år gamle Abbas",
                "date": "2024-05-02",
            }
        )
        + "\n\n",
        encoding="utf-8",
    )
    (a,), (b,) = read_corrections_file(toml), read_corrections_file(jsonl)
    assert a.id == b.id == ABBAS.id and a.date == dt.date(2024, 5, 2) and a.origin == str(toml)
    assert merge_corrections([a], [b]) == [a]


@pytest.mark.parametrize(
    "record, code",
    [
        ({"claim_as_was": "x", "date": "2024-01-01"}, "FC613"),
        ({"article": "a", "claim_as_was": " ", "date": "2024-01-01"}, "FC613"),
        ({"article": "a", "claim_as_was": "x", "date": "2 May"}, "FC614"),
        ({"article": "a", "claim_as_was": "x"}, "FC614"),
        ({"article": "a", "claim_as_was": "x", "date": "2024-01-01", "colour": "red"}, "FC613"),
    ],
)
def test_bad_correction_records(record, code):
    with pytest.raises(FactcheckError) as exc:
        parse_correction(record, "corrections.toml correction 1")
    assert exc.value.code == code and "corrections.toml correction 1" in str(exc.value)


def test_malformed_corrections_files(tmp_path):
    bad = tmp_path / "c.jsonl"
    bad.write_text('{"article": "a"\n', encoding="utf-8")
    with pytest.raises(FactcheckError) as exc:
        read_corrections_file(bad)
    assert exc.value.code == "FC612" and "line 1" in str(exc.value)
    with pytest.raises(FactcheckError) as exc:
        read_corrections_file(tmp_path / "none.toml")
    assert exc.value.code == "FC611"


def test_corrections_in_the_store_are_idempotent_and_know_their_load(tmp_db):
    with Store(tmp_db) as store:
        assert add_correction(store, ABBAS, added_by="kari") is True
        assert add_correction(store, ABBAS) is False
        (got,) = list_corrections(store)
        row = store.con.execute(
            "SELECT c.added_by, l.kind, l.status FROM corrections c JOIN loads l USING (load_id)"
        ).fetchall()
    assert got.id == ABBAS.id and got.claim_as_was == "87 år gamle Abbas" and got.date == ABBAS.date
    assert row == [("kari", "corrections", "done")]


# -- restatement ----------------------------------------------------------------------------------
def test_word_for_word_restatement_ignores_case_and_punctuation():
    art = Article(text="Den 87 år  gamle, Abbas sa nei.\n", language="nb", id="b")
    c = claim_at(art, "Den 87 år  gamle, Abbas sa nei.")
    (r,) = find_restatements(art, [c], [ABBAS])
    assert r.method == "text" and r.quote == "87 år  gamle, Abbas" and r.claim == c


def test_the_corrected_figure_is_not_a_restatement_however_similar():
    art = Article(text="88 år gamle Abbas har sittet på overtid siden 2009.", language="nb", id="b")
    claims = [claim_at(art, "88 år gamle Abbas"), claim_at(art, art.text)]
    assert find_restatements(art, claims, [ABBAS], HashEmbedder(), threshold=0.0) == []
    assert signature("87 år gamle Abbas", "nb") != signature("88 år gamle Abbas", "nb")


def test_a_reworded_restatement_is_found_by_embedding_with_the_same_numbers():
    art = Article(text="Abbas 87 år gamle sa nei.", language="nb", id="b")
    c = claim_at(art, art.text)
    (r,) = find_restatements(art, [c], [ABBAS], HashEmbedder(), threshold=0.5)
    assert r.method == "embedding" and 0.5 <= r.similarity < 1.0 and r.claim == c
    assert find_restatements(art, [c], [ABBAS], HashEmbedder(), threshold=0.99) == []


# -- evaluation -----------------------------------------------------------------------------------
def test_refuted_fails_at_the_threshold_and_warns_below():
    chk = check(TEXT, [("87 år gamle Abbas", "REFUTED", 0.8), ("Abbas leder Fatah.", "REFUTED", 0.79)])
    found = evaluate([chk], Policy())
    assert [(f.kind, f.severity, f.quote) for f in found] == [
        ("refuted-low", "warning", "Abbas leder Fatah."),
        ("label", "error", "87 år gamle Abbas"),
    ]


def test_conflicting_fails_only_when_the_policy_says_and_nobody_decided():
    chk = check(TEXT, [("Abbas leder Fatah.", "CONFLICTING", 0.9)])
    assert evaluate([chk], Policy()) == []
    on = policy_from_dict({"gate": {"unreviewed_conflicting": True}})
    assert [f.kind for f in evaluate([chk], on)] == ["conflicting-unreviewed"]
    art = chk.article
    decided = Evidence(
        "d-1",
        "Abbas leder Fatah.",
        "",
        "review decision",
        "reviewer kari",
        None,
        None,
        1.0,
        0,
        Stance.NEUTRAL,
        1.0,
        rule=REVIEW_RULE,
    )
    v = verdict(chk.result.claims[0], "CONFLICTING", 0.95, [decided])
    assert reviewer_of(v) == "kari"
    chk2 = ArticleCheck(art, chk.path, ArticleResult(art, chk.result.claims, (v,)))
    assert evaluate([chk2], on) == []


def test_review_rule_name_matches_the_review_package():
    from review import reuse

    assert reuse.RULE == REVIEW_RULE


def test_corrections_undone_refuted_corrected_text_and_missing_notice():
    undone = check(TEXT, [("87 år gamle Abbas", "REFUTED", 0.5)], path="articles/a.md")
    other = check(TEXT, [("Abbas leder Fatah.", "SUPPORTED", 0.9)], path="articles/b.md", aid="b")
    found = evaluate([undone, other], Policy(), [ABBAS])
    assert [(f.kind, f.path, f.severity) for f in found] == [
        ("corrected-text-missing", "articles/a.md", "warning"),
        ("correction-undone", "articles/a.md", "error"),
        ("refuted-low", "articles/a.md", "warning"),
        ("correction-undone", "articles/b.md", "error"),
    ]
    assert "corrected in articles/a.md on 2024-05-02" in found[3].message
    assert "this article" in found[1].message

    fixed_text = TEXT.replace("87", "88")
    fixed = check(fixed_text, [("88 år gamle Abbas", "REFUTED", 0.6)])
    notice = policy_from_dict({"corrections": {"require_notice": True}})
    kinds = [f.kind for f in evaluate([fixed], notice, [ABBAS]) if f.fails]
    assert kinds == ["notice-missing", "correction-refuted"]
    with_notice = check(fixed_text + "\nRettelse: alderen var feil.\n", [("88 år gamle Abbas", "SUPPORTED", 0.6)])
    assert evaluate([with_notice], notice, [ABBAS]) == []


# -- reports --------------------------------------------------------------------------------------
def gate_result() -> GateResult:
    chk = check(
        TEXT, [("Abbas leder Fatah.", "REFUTED", 0.5), ("87 år gamle Abbas", "REFUTED", 0.97)], path="articles/a, b.md"
    )
    return GateResult(
        checks=[chk],
        findings=evaluate([chk], Policy(), [ABBAS]),
        corrections=[ABBAS],
        base="abc123",
        run_id="gate-1",
        files=["articles/a, b.md"],
    )


def test_junit_has_one_testcase_per_claim_and_a_failure_per_failing_claim():
    xml = ET.fromstring(ci_report.to_junit(gate_result()))
    cases = list(xml.iter("testcase"))
    assert [c.get("name") for c in cases][:2] == ["0:18: Abbas leder Fatah.", "20:37: 87 år gamle Abbas"]
    assert xml.get("failures") == "1" and cases[1].find("failure").get("type") in ("correction-undone", "label")
    assert cases[0].find("failure") is None and "refuted-low" in cases[0].find("system-err").text
    assert len(cases) == 2
    failure = cases[1].find("failure").text
    assert "[label] articles/a, b.md" in failure and "[correction-undone] articles/a, b.md" in failure


def test_github_annotations_escape_paths_and_messages():
    lines = ci_report.github_annotations(gate_result())
    errors = [line for line in lines if line.startswith("::error ")]
    assert errors and all(line.startswith("::error file=articles/a%2C b.md,title=") for line in errors)
    assert all("\n" not in line for line in lines)
    assert any(line.startswith("::warning ") for line in lines)


def test_markdown_and_json_agree():
    r = gate_result()
    md = ci_report.to_markdown(r)
    data = ci_report.to_json(r)
    assert md.startswith("## ❌ factcheck gate failed") and "| where | problem | claim | why |" in md
    assert data["status"] == "fail" and f"{data['failures']} failure(s)" in md and data["failures"] >= 1
    assert {c["quote"] for c in data["claims"]} == {"Abbas leder Fatah.", "87 år gamle Abbas"}
    json.dumps(data)


# -- git and the CLI ------------------------------------------------------------------------------
def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def hash_store(tmp_path_factory):
    from sources.ingest import ingest_passages

    db = tmp_path_factory.mktemp("hashstore") / "store.duckdb"
    with Store(db) as store:
        ingest_passages(store, SEED / "passages.jsonl", HashEmbedder())
    return db


@pytest.fixture
def repo(tmp_path, hash_store):
    r = tmp_path / "repo"
    (r / "articles").mkdir(parents=True)
    git(r, "init", "-q", "-b", "main")
    git(r, "config", "user.email", "t@example.org")
    git(r, "config", "user.name", "T")
    (r / "factcheck.toml").write_text(
        f'[gate]\nstore = "{hash_store}"\nembedder = "hash"\ninclude = ["articles/*.md"]\n[gate.fail_on]\n',
        encoding="utf-8",
    )
    (r / "articles" / "a.md").write_text(
        "---\nid: a\nlanguage: nb\npublished: 2024-04-30\n---\n\nAbbas leder Fatah.\n", encoding="utf-8"
    )
    git(r, "add", "-A")
    git(r, "commit", "-q", "-m", "one")
    return r


def run_gate(repo: Path, *args: str):
    from cli.main import cli

    old = os.getcwd()
    os.chdir(repo)
    try:
        return CliRunner().invoke(cli, ["gate", *args], catch_exceptions=False)
    finally:
        os.chdir(old)


def test_gate_checks_changed_files_and_fails_on_a_correction_undone(repo):
    (repo / "corrections.toml").write_text(
        '[[correction]]\narticle = "articles/a.md"\nclaim_as_was = "87 år gamle Abbas"\n'
        'corrected_text = "88 år gamle Abbas"\ndate = 2024-05-02\n',
        encoding="utf-8",
    )
    (repo / "articles" / "b.md").write_text(
        "---\nid: b\nlanguage: nb\npublished: 2024-06-01\n---\n\nHan sa at 87 år gamle Abbas var syk.\n",
        encoding="utf-8",
    )
    (repo / "notes.md").write_text("87 år gamle Abbas\n", encoding="utf-8")  # outside include
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "two")
    res = run_gate(repo, "--base", "main~1", "--format", "json")
    assert res.exit_code == 3, res.output
    data = json.loads(res.stdout)
    assert data["files"] == ["articles/b.md"]
    assert [(f["kind"], f["line"]) for f in data["findings"] if f["severity"] == "error"] == [("correction-undone", 7)]
    ok = run_gate(repo, "articles/a.md")
    assert ok.exit_code == 0 and "PASS" in ok.stdout


def test_gate_exit_codes_for_errors_and_usage(repo, tmp_path):
    assert run_gate(repo, "--format", "yaml").exit_code == 2
    missing = run_gate(repo, "--base", "no-such-branch")
    assert missing.exit_code == 1 and "FC606" in missing.stderr
    nostore = run_gate(repo, "articles/a.md", "--db", str(tmp_path / "none.duckdb"))
    assert nostore.exit_code == 1 and "FC202" in nostore.stderr
    (repo / "factcheck.toml").write_text("[gate]\nstroe = 1\n", encoding="utf-8")
    bad = run_gate(repo, "articles/a.md")
    assert bad.exit_code == 1 and "FC603" in bad.stderr


def test_default_base_is_the_merge_base_with_main(repo):
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "articles" / "c.md").write_text(
        "---\nid: c\nlanguage: nb\npublished: 2024-06-01\n---\n\nAbbas leder Fatah.\n", encoding="utf-8"
    )
    res = run_gate(repo, "--format", "json")  # uncommitted files are not tracked: nothing changed
    assert res.exit_code == 0 and json.loads(res.stdout)["files"] == []
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "c")
    res = run_gate(repo, "--format", "json")
    assert res.exit_code == 0 and json.loads(res.stdout)["files"] == ["articles/c.md"]
    git(repo, "branch", "-m", "main", "trunk")
    none = run_gate(repo)
    assert none.exit_code == 1 and "FC607" in none.stderr


def test_gate_records_its_run_only_when_the_policy_says(repo, hash_store, tmp_path):
    import shutil

    db = tmp_path / "rec.duckdb"
    shutil.copy(hash_store, db)
    run_gate(repo, "articles/a.md", "--db", str(db))
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM gate_runs").fetchone()[0] == 0
    policy = (repo / "factcheck.toml").read_text(encoding="utf-8").replace("[gate]\n", "[gate]\nrecord = true\n")
    (repo / "factcheck.toml").write_text(policy, encoding="utf-8")
    res = run_gate(repo, "articles/a.md", "--db", str(db))
    assert res.exit_code == 0, res.output
    with Store(db, read_only=True) as store:
        rows = store.con.execute(
            "SELECT g.status, g.articles, r.status FROM gate_runs g JOIN runs r USING (run_id)"
        ).fetchall()
        saved = store.con.execute("SELECT count(*) FROM articles WHERE article_id = 'a'").fetchone()[0]
    assert rows == [("pass", 1, "done")] and saved == 1


def test_corrections_add_list_and_import(tmp_path, hash_store):
    import shutil

    from cli.main import cli

    db = tmp_path / "c.duckdb"
    shutil.copy(hash_store, db)
    runner = CliRunner()
    add = [
        "corrections",
        "add",
        "--article",
        "articles/a.md",
        "--was",
        "87 år gamle Abbas",
        "--corrected",
        "88 år gamle Abbas",
        "--date",
        "2024-05-02",
        "--note",
        "born 1935",
        "--db",
        str(db),
    ]
    first = runner.invoke(cli, add)
    assert first.exit_code == 0 and json.loads(first.stdout)["id"] == ABBAS.id
    again = runner.invoke(cli, add)
    assert again.exit_code == 0 and "already recorded" in again.stderr
    bad = runner.invoke(cli, add[:-4] + ["--date", "yesterday", "--db", str(db)])
    assert bad.exit_code == 1 and "FC614" in bad.stderr
    f = tmp_path / "more.jsonl"
    f.write_text(
        json.dumps({"article": "b", "was": "Over 35.000 drept", "date": "2024-05-03"}) + "\n", encoding="utf-8"
    )
    assert runner.invoke(cli, ["corrections", "import", str(f), "--db", str(db)]).exit_code == 0
    listed = runner.invoke(cli, ["corrections", "list", "--db", str(db), "--format", "jsonl"])
    assert [json.loads(x)["claim_as_was"] for x in listed.stdout.splitlines()] == [
        "87 år gamle Abbas",
        "Over 35.000 drept",
    ]


def test_a_store_without_the_corrections_table_is_named_with_the_fix(tmp_db):
    with Store(tmp_db) as store:
        store.con.execute("DROP TABLE corrections")
        with pytest.raises(FactcheckError) as exc:
            list_corrections(store)
    assert exc.value.code == "FC615" and tmp_db in str(exc.value)


def test_a_reviewers_decision_recorded_in_the_store_decides_the_gate(repo, hash_store, tmp_path):
    import shutil

    from sources.store import now

    db = tmp_path / "decided.duckdb"
    shutil.copy(hash_store, db)
    policy = (repo / "factcheck.toml").read_text(encoding="utf-8") + "NOT_ENOUGH_EVIDENCE = 0.0\nSUPPORTED = 0.0\n"
    (repo / "factcheck.toml").write_text(policy, encoding="utf-8")  # every machine label fails
    first = run_gate(repo, "articles/a.md", "--db", str(db), "--format", "json")
    assert first.exit_code == 3
    (claim,) = json.loads(first.stdout)["claims"]
    assert claim["decided_by"] is None
    with Store(db) as store:
        store.con.execute(
            "INSERT INTO review_decisions (decision_id, claim_id, run_id, verdict_id, article_id, claim_text, "
            "claim_language, reviewer, decided_at, action, label_before, label_after, confidence_before, note, "
            "supersedes, source) VALUES ('d-1', ?, 'r', ?, 'a', ?, 'nb', 'kari', ?, 'change', ?, 'REFUTED', "
            "0.5, 'checked by phone', NULL, 'cli')",
            [claim["claim_id"], claim["verdict_id"], claim["text"], now(), claim["label"]],
        )
    policy = policy.replace("NOT_ENOUGH_EVIDENCE = 0.0\nSUPPORTED = 0.0\n", "")  # back to: nothing fails
    (repo / "factcheck.toml").write_text(policy + "REFUTED = 0.9\n", encoding="utf-8")
    second = run_gate(repo, "articles/a.md", "--db", str(db), "--format", "json")
    assert second.exit_code == 3, second.output
    data = json.loads(second.stdout)
    assert data["claims"][0]["decided_by"] == "kari" and data["claims"][0]["label"] == "REFUTED"
    assert "decided by kari" in data["findings"][0]["message"]
