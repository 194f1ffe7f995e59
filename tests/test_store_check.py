"""`factcheck check` with the store's wiring, through the real CLI in a subprocess (Prefect's temporary
server, a DuckDB file): earlier fact-checks first (on by default, --no-prior), source allow / deny
lists, absolute and article-relative date windows, the retrieval mode, the article's own URL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent

ARTICLE = """---
id: wiring-article
title: Wiring
url: https://news.example/article
language: nb
published: 2024-04-30
---

Over 34.000 palestinere er drept i Gaza siden oktober, ifølge helsedepartementet.

Mahmoud Abbas er 87 år gammel.
"""
# (host, published): one day before the article, long before, 32 days after, undated
HOSTS = [
    ("a.example", "2024-04-29"),
    ("b.example", "2023-01-01"),
    ("c.example", "2024-06-01"),
    ("d.example", "undated"),
]


def factcheck(*args):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600
    )


def ok(proc):
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from claims.read import read_articles
    from verdicts.pipeline import claims_of

    work = tmp_path_factory.mktemp("wiring")
    (work / "article.md").write_text(ARTICLE, encoding="utf-8")
    rows = [
        {
            "id": f"{h}-{i}",
            "text": f"Over 34.000 palestinere er drept i Gaza siden oktober, ifølge helsedepartementet ({h} {i}).",
            "source_url": f"https://{h}/{i}",
            "published_date": date,
            "language": "nb",
        }
        for i in range(3)
        for h, date in HOSTS
    ]
    rows.append(
        {
            "id": "own",
            "text": "Over 34.000 palestinere er drept i Gaza siden oktober, ifølge helsedepartementet.",
            "source_url": "https://www.news.example/article/",
            "published_date": "2024-04-30",
            "language": "nb",
        }
    )
    (work / "passages.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    claim = claims_of(read_articles(work / "article.md")[0])[0].text
    (work / "cr.jsonl").write_text(
        json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": "https://faktisk.no/sjekk/gaza",
                "claimReviewed": claim,
                "author": {"@type": "Organization", "name": "Faktisk.no"},
                "datePublished": "2024-05-02",
                "inLanguage": "nb",
                "reviewRating": {"@type": "Rating", "alternateName": "Stemmer"},
            }
        )
        + "\n",
        encoding="utf-8",
    )
    db = str(work / "s.duckdb")
    ok(
        factcheck(
            "store", "ingest", str(work / "passages.jsonl"), str(work / "cr.jsonl"), "--db", db, "--embedder", "hash"
        )
    )
    base = ["check", str(work / "article.md"), "--db", db, "--embedder", "hash", "--format", "json"]
    out = {"db": db, "base": base}
    out["default"] = json.loads(ok(factcheck(*base)).stdout)
    out["narrow"] = json.loads(
        ok(factcheck(*base, "--no-prior", "--deny-source", "b.example", "--window-days", "30", "--drop-undated")).stdout
    )
    out["allow"] = json.loads(
        ok(
            factcheck(
                *base,
                "--allow-source",
                "c.example",
                "--allow-source",
                "d.example",
                "--since",
                "2024-05-01",
                "--retrieval",
                "hybrid",
            )
        ).stdout
    )
    return out


def hosts(result) -> set[str]:
    return {
        e["source_url"].split("/")[2]
        for v in result["verdicts"]
        for e in v["evidence"]
        if e.get("rule") != "prior_check"
    }


def test_earlier_fact_check_comes_first_by_default_and_no_prior_turns_it_off(runs):
    first = runs["default"]["verdicts"][0]
    assert first["evidence"][0]["rule"] == "prior_check"
    assert first["evidence"][0]["source_url"] == "https://faktisk.no/sjekk/gaza"
    assert "Stemmer" in first["evidence"][0]["explanation"]
    assert any("checked before" in r for r in first["review"]["reasons"])
    assert not any(e["rule"] == "prior_check" for v in runs["narrow"]["verdicts"] for e in v["evidence"])


def test_without_filters_every_source_is_used_but_never_the_articles_own_url(runs):
    assert hosts(runs["default"]) == {"a.example", "b.example", "c.example", "d.example"}


def test_deny_list_and_window_around_the_article_date_keep_only_what_passes(runs):
    # b.example denied; c.example 32 days after the article (outside 30); d.example undated, dropped
    assert hosts(runs["narrow"]) == {"a.example"}
    for v in runs["narrow"]["verdicts"]:
        assert all("2024-03-31" <= e["published"] <= "2024-05-30" for e in v["evidence"])


def test_allow_list_and_absolute_since_keep_undated_and_later_sources(runs):
    # a.example (before --since) and b.example are not allowed; undated passages pass a date limit by default
    assert hosts(runs["allow"]) == {"c.example", "d.example"}


def test_run_records_the_retrieval_mode_prior_and_filters(runs):
    con = duckdb.connect(runs["db"], read_only=True)
    params = [json.loads(r[0]) for r in con.execute("SELECT params FROM runs ORDER BY started_at").fetchall()]
    con.close()
    assert [p["prior"] for p in params] == [True, False, True]
    assert params[1]["filters"] == {
        "deny_sources": ["b.example"],
        "days_before": 30,
        "days_after": 30,
        "keep_undated": False,
    }
    assert params[2]["retrieval"] == "hybrid" and params[2]["filters"]["since"] == "2024-05-01"


def test_since_after_until_is_a_usage_error(tmp_path):
    proc = factcheck(
        "check",
        str(tmp_path / "a.md"),
        "--db",
        str(tmp_path / "s.duckdb"),
        "--since",
        "2024-05-01",
        "--until",
        "2024-01-01",
    )
    assert proc.returncode == 2 and "--since 2024-05-01 is after --until 2024-01-01" in proc.stderr


EN_ARTICLE = """---
id: verifier-article
title: Talks
language: en
published: 2024-04-30
---

Fatah and Hamas held unity talks in Beijing on Tuesday, the Chinese foreign ministry said.
"""


def test_check_with_the_bundled_verifier_records_it_and_lets_it_read_english_evidence(tmp_path):
    pytest.importorskip("torch")
    (tmp_path / "a.md").write_text(EN_ARTICLE, encoding="utf-8")
    rows = [
        {
            "id": "P1",
            "text": "Fatah and Hamas held unity talks in Beijing on Tuesday, the Chinese foreign ministry said.",
            "source_url": "https://a.example/1",
            "language": "en",
            "published_date": "2024-04-30",
        },
        {
            "id": "P2",
            "text": "The weather in Oslo was mild.",
            "source_url": "https://b.example/2",
            "language": "en",
            "published_date": "2024-04-29",
        },
    ]
    (tmp_path / "p.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    ok(factcheck("store", "ingest", str(tmp_path / "p.jsonl"), "--db", db, "--embedder", "hash"))
    out = json.loads(
        ok(
            factcheck(
                "check",
                str(tmp_path / "a.md"),
                "--db",
                db,
                "--embedder",
                "hash",
                "--format",
                "json",
                "--verifier",
                "bundled",
            )
        ).stdout
    )
    roles = {m["role"] for v in out["verdicts"] for m in v["provenance"]["models"]}
    assert "verifier" in roles
    read = [
        e for v in out["verdicts"] for e in v["evidence"] if e["explanation"].startswith("verifier:") or e.get("rule")
    ]
    assert read, out["verdicts"]
    con = duckdb.connect(db, read_only=True)
    params = json.loads(con.execute("SELECT params FROM runs").fetchone()[0])
    con.close()
    assert params["verifier"] == "bundled"


def test_an_unknown_verifier_is_refused_before_the_run(tmp_path):
    (tmp_path / "a.md").write_text(EN_ARTICLE, encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    (tmp_path / "p.jsonl").write_text(json.dumps({"id": "P1", "text": "Talks in Beijing.", "language": "en"}) + "\n")
    ok(factcheck("store", "ingest", str(tmp_path / "p.jsonl"), "--db", db, "--embedder", "hash"))
    proc = factcheck("check", str(tmp_path / "a.md"), "--db", db, "--embedder", "hash", "--verifier", "nonsense")
    assert proc.returncode != 0 and "unknown verifier 'nonsense'" in proc.stderr
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
    con.close()
