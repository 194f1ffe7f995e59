"""Every ingest format: documents with spans, ClaimReview, the AVeriTeC pool, facts; replacing a
changed source with history kept; removal; the CLI's summary and stats."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claims.errors import InputError
from sources.ingest import detect_kind, ingest_file, remove_source, store_summary
from sources.prior import PriorMatcher, label_of_rating, read_averitec_pool, read_claimreview
from sources.store import Store

ROOT = Path(__file__).resolve().parent.parent
POOL = ROOT.parent / "shared" / "data" / "averitec" / "claimreview_pool.json"

DOC = """---
title: Abbas profile
url: https://example.org/abbas
published: 2024-04-30
language: en
---
# Mahmoud Abbas

Mahmoud Abbas was born on 15 November 1935 in Safed. He has led Fatah since 2004.

## Gaza

More than 34,535 people have been killed in Gaza, the health ministry said on 30 April 2024.
"""

CLAIMREVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://www.faktisk.no/a/1",
    "claimReviewed": "Norge er det eneste landet i Vesten som anerkjenner Palestina",
    "author": {"@type": "Organization", "name": "Faktisk.no"},
    "datePublished": "2024-05-02",
    "inLanguage": "no",
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Helt feil",
    },
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "A politician"},
        "datePublished": "2024-04-30",
    },
}


def test_document_is_chunked_with_exact_spans_and_versions_replace_with_history(tmp_path, tmp_db, hash_embedder):
    doc = tmp_path / "abbas.md"
    doc.write_text(DOC, encoding="utf-8")
    with Store(tmp_db) as st:
        first = ingest_file(st, doc, hash_embedder)
        assert first.kind == "document" and first.report.added >= 2
        text = st.con.execute("SELECT text FROM documents WHERE retired_at IS NULL").fetchone()[0]
        rows = st.con.execute("SELECT text, span_start, span_end, source_url, published FROM passages").fetchall()
        for ptext, a, b, url, published in rows:
            assert text[a:b] == ptext
            assert url == "https://example.org/abbas" and str(published) == "2024-04-30"
        assert any("34,535" in r[0] for r in rows) and any(r[0].startswith("Mahmoud Abbas") for r in rows)
        again = ingest_file(st, doc, hash_embedder)
        assert again.unchanged and again.report.added == 0

        doc.write_text(DOC.replace("34,535", "34,568"), encoding="utf-8")
        changed = ingest_file(st, doc, hash_embedder)
        assert changed.report.added == 1 and changed.retired == 1
        live = [r[0] for r in st.con.execute("SELECT text FROM passages").fetchall()]
        assert any("34,568" in t for t in live) and not any("34,535" in t for t in live)
        retired = st.con.execute("SELECT text FROM retired_passages").fetchall()
        assert any("34,535" in r[0] for r in retired)  # history kept
        assert st.con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
        assert st.con.execute("SELECT count(*) FROM documents WHERE retired_at IS NULL").fetchone()[0] == 1


def test_claimreview_jsonld_and_html_are_read(tmp_path):
    js = tmp_path / "cr.json"
    js.write_text(json.dumps({"@graph": [CLAIMREVIEW, {"@type": "WebPage"}]}), encoding="utf-8")
    checks, bad = read_claimreview(js)
    assert len(checks) == 1 and not bad
    c = checks[0]
    assert (c.rating, c.label, c.publisher, c.claimant, str(c.review_date)) == (
        "Helt feil",
        "REFUTED",
        "Faktisk.no",
        "A politician",
        "2024-05-02",
    )
    html = tmp_path / "page.html"
    html.write_text(
        '<html><head><script type="application/ld+json">'
        + json.dumps(CLAIMREVIEW)
        + '</script><script type="application/ld+json">{bad</script></head></html>',
        encoding="utf-8",
    )
    checks, bad = read_claimreview(html)
    assert len(checks) == 1 and len(bad) == 1 and bad[0].line == 1
    assert detect_kind(html) == "claimreview"


@pytest.mark.parametrize(
    "rating,label",
    [
        ("False", "REFUTED"),
        ("Pants on Fire!", "REFUTED"),
        ("Mostly True", "CONFLICTING"),
        ("True", "SUPPORTED"),
        ("Misleading", "CONFLICTING"),
        ("Unproven", "NOT_ENOUGH_EVIDENCE"),
        ("Four Pinocchios", "REFUTED"),
        ("Satire", ""),
    ],
)
def test_ratings_map_to_labels(rating, label):
    assert label_of_rating(rating) == label


@pytest.mark.skipif(not POOL.exists(), reason="shared data not present")
def test_averitec_pool_is_read_in_its_own_format():
    checks, bad = read_averitec_pool(POOL)
    assert len(checks) == 7500 and not bad
    first = checks[0]
    assert first.url.startswith("https://misbar.com/") and first.publisher == "misbar.com"
    assert str(first.review_date) == "2021-01-16" and first.rating == "Suspicious"
    assert detect_kind(POOL) == "averitec-pool"


def test_prior_checks_load_idempotently_and_match_first(tmp_path, tmp_db, hash_embedder):
    pool = tmp_path / "pool.json"
    pool.write_text(
        json.dumps(
            [
                {
                    "claim_text": "The moon landing was staged in a studio",
                    "verdict_article": "False",
                    "web_archive": "https://web.archive.org/web/2021/https://fact.example/moon",
                    "fact_checking_date": "02-03-21T00:00:00",
                },
                {"claim_text": "", "verdict_article": "True"},
                {
                    "claim_text": "Vaccines contain microchips",
                    "verdict_article": "Pants on Fire",
                    "web_archive": "https://fact.example/chips",
                },
            ]
        ),
        encoding="utf-8",
    )
    with Store(tmp_db) as st:
        r = ingest_file(st, pool, hash_embedder)
        assert r.kind == "averitec-pool" and r.report.added == 2 and [x.line for x in r.report.rejected] == [2]
        assert ingest_file(st, pool, hash_embedder).report.added == 0
        found = PriorMatcher(st, hash_embedder, min_score=0.5).find(["vaccines contain microchips", "rain is wet"])
        assert [c.url for c in found[0]] == ["https://fact.example/chips"]
        assert found[0][0].label == "REFUTED" and found[0][0].rating == "Pants on Fire"
        assert found[1] == []
        with pytest.raises(InputError) as err:
            ingest_file(st, pool, hash_embedder, strict=True)
        assert err.value.code == "FC104" and "line 2" in str(err.value)


def test_facts_load_with_bad_rows_reported_and_replace_on_change(tmp_path, tmp_db, hash_embedder):
    facts = tmp_path / "facts.csv"
    facts.write_text(
        "subject,attribute,value,unit,valid_from,valid_to,source\n"
        "Mahmoud Abbas,birth date,1935-11-15,,,,https://example.org/abbas\n"
        "Gaza,people killed,34535,persons,2024-04-30,2024-04-30,https://example.org/moh\n"
        "Gaza,people killed,,persons,2024-04-30,,x\n"
        "Gaza,people killed,1,persons,someday,,x\n",
        encoding="utf-8",
    )
    with Store(tmp_db) as st:
        r = ingest_file(st, facts, hash_embedder)
        assert r.kind == "facts" and r.report.added == 2
        assert [x.line for x in r.report.rejected] == [4, 5]
        import datetime as dt

        from sources.facts import facts_about

        got = facts_about(st, "gaza", "people killed", on=dt.date(2024, 4, 30))
        assert [(f.value, f.unit) for f in got] == [("34535", "persons")]
        row = st.con.execute("SELECT load_id, value_number FROM facts WHERE subject = 'Gaza'").fetchone()
        assert row[0] == r.report.load_id and row[1] == 34535
        facts.write_text(
            "subject,attribute,value,unit,valid_from,valid_to,source\n"
            "Mahmoud Abbas,birth date,1935-11-15,,,,https://example.org/abbas\n",
            encoding="utf-8",
        )
        r2 = ingest_file(st, facts, hash_embedder)
        assert r2.retired == 1 and st.con.execute("SELECT count(*) FROM facts").fetchone()[0] == 1
        assert st.con.execute("SELECT subject FROM facts_history").fetchall() == [("Gaza",)]


def test_passage_file_replace_and_remove_keep_history(tmp_path, tmp_db, hash_embedder):
    p = tmp_path / "p.jsonl"
    rows = [{"text": f"passage number {i}", "source_url": f"https://ex.org/{i % 2}"} for i in range(4)]
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with Store(tmp_db) as st:
        ingest_file(st, p, hash_embedder)
        p.write_text("".join(json.dumps(r) + "\n" for r in rows[:3]))
        r = ingest_file(st, p, hash_embedder, replace=True)
        assert r.retired == 1 and st.con.execute("SELECT count(*) FROM passages").fetchone()[0] == 3
        removed = remove_source(st, source_url="http://www.ex.org/0/")
        assert removed["passages"] == 2
        assert st.con.execute("SELECT count(*) FROM passages").fetchone()[0] == 1
        assert st.con.execute("SELECT count(*) FROM retired_passages").fetchone()[0] == 3
        stats = store_summary(st)
        assert stats["passages"] == 1 and stats["retired_passages"] == 3
        with pytest.raises(InputError):
            remove_source(st)


def test_unknown_file_kind_names_the_accepted_formats(tmp_path):
    f = tmp_path / "x.pdf"
    f.write_bytes(b"%PDF")
    with pytest.raises(InputError) as err:
        detect_kind(f)
    assert err.value.code == "FC105" and "ClaimReview" in str(err.value)


def test_cli_ingests_mixed_formats_with_a_summary_and_shows_stats(tmp_path):
    doc = tmp_path / "abbas.md"
    doc.write_text(DOC, encoding="utf-8")
    cr = tmp_path / "cr.jsonld"
    cr.write_text(json.dumps(CLAIMREVIEW), encoding="utf-8")
    facts = tmp_path / "facts.jsonl"
    facts.write_text(
        json.dumps({"subject": "Mahmoud Abbas", "attribute": "birth date", "value": "1935-11-15"}) + "\n" + "{broken\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "s.duckdb")
    env = dict(os.environ, PYTHONUNBUFFERED="1")

    def run(*a):
        return subprocess.run(
            [sys.executable, "-m", "cli.main", *a], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
        )

    res = run("store", "ingest", str(doc), str(cr), str(facts), "--db", db, "--embedder", "hash")
    assert res.returncode == 0, res.stderr
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["kind"] for x in lines] == ["document", "claimreview", "facts"]
    assert lines[2]["rejected"] == 1 and f"{facts}:2: rejected" in res.stderr
    assert "total:" in res.stderr
    stats = json.loads(run("store", "stats", "--db", db).stdout)
    assert stats["prior_checks"]["total"] == 1 and stats["facts"] == 1 and stats["documents"]["live"] == 1
    assert stats["passages"] >= 2 and stats["recent_loads"][0]["kind"] == "facts"
    removed = run("store", "remove", "--url", "https://example.org/abbas", "--db", db)
    assert removed.returncode == 0 and json.loads(removed.stdout)["passages"] >= 2
    strict = run("store", "ingest", str(facts), "--db", db, "--embedder", "hash", "--strict")
    assert strict.returncode == 1 and "FC104" in strict.stderr
