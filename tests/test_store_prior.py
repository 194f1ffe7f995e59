"""Earlier fact-checks found first: in the pipeline (hash embedder) and across languages (real e5)."""

import json

import pytest

from sources.ingest import ingest_file, ingest_passages
from sources.prior import PriorMatcher, find_prior_checks
from sources.retrieve import Retriever
from sources.store import Store


def claimreview(claim, rating, url, lang="no"):
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim,
        "author": {"@type": "Organization", "name": "Faktisk.no"},
        "datePublished": "2024-05-02",
        "inLanguage": lang,
        "reviewRating": {"@type": "Rating", "alternateName": rating},
    }


def test_pipeline_puts_an_earlier_fact_check_first_with_rating_and_url(tmp_path, hash_embedder, seed_dir):
    from claims.read import read_articles
    from verdicts.decide import DecideConfig
    from verdicts.model import Provenance
    from verdicts.pipeline import check_article, claims_of

    article = read_articles(seed_dir / "article.md")[0]
    claim = claims_of(article)[0]
    cr = tmp_path / "cr.jsonl"
    cr.write_text(json.dumps(claimreview(claim.text, "Feil", "https://faktisk.no/x")) + "\n", encoding="utf-8")
    with Store(str(tmp_path / "s.duckdb")) as st:
        ingest_passages(st, seed_dir / "passages.jsonl", hash_embedder)
        ingest_file(st, cr, hash_embedder)
        prov = Provenance(run_id="r", code_version="test")
        plain = check_article(article, Retriever(st, hash_embedder), prov, config=DecideConfig.load())
        res = check_article(
            article,
            Retriever(st, hash_embedder),
            prov,
            config=DecideConfig.load(),
            prior=PriorMatcher(st, hash_embedder),
        )
    first = res.verdicts[0]
    assert first.evidence[0].rule == "prior_check" and first.evidence[0].source_url == "https://faktisk.no/x"
    assert "Feil" in first.evidence[0].explanation and first.evidence[0].stance.value == "refutes"
    assert first.review.needed and any("checked before" in r for r in first.review.reasons)
    assert first.label == plain.verdicts[0].label  # the pipeline's own label stands
    others = [v for v in res.verdicts if v.claim.span.start > claim.span.end + 300]  # other sentences
    assert others and all(e.rule != "prior_check" for v in others for e in v.evidence)


def test_real_e5_matches_an_earlier_check_across_languages(tmp_path, e5):
    cr = tmp_path / "cr.jsonl"
    rows = [
        claimreview(
            "Norway is the only Western country that has recognised Palestine",
            "False",
            "https://factcheck.example/norway",
            "en",
        ),
        claimreview("Vaksiner inneholder mikrobrikker", "Helt feil", "https://faktisk.no/chips"),
        claimreview("The Eiffel Tower was moved to Berlin in 2020", "False", "https://factcheck.example/eiffel", "en"),
    ]
    cr.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with Store(str(tmp_path / "s.duckdb")) as st:
        ingest_file(st, cr, e5)
        found = find_prior_checks(
            st,
            [
                "Norge er det eneste vestlige landet som har anerkjent Palestina",
                "Vaccines contain microchips",
                "Statsbudsjettet for 2025 er vedtatt",
            ],
            e5,
        )
    assert [c.url for c in found[0]][:1] == ["https://factcheck.example/norway"]
    assert [c.url for c in found[1]][:1] == ["https://faktisk.no/chips"]
    assert found[2] == []


VCLAIMS = [
    {
        "vclaim_id": "v-bears",
        "vclaim": "A photo shows a polar bear on a beach in Scotland.",
        "title": "Polar Bear in Scotland?",
        "subtitle": "The picture was taken at an Edinburgh zoo enclosure in 2019.",
    },
    {
        "vclaim_id": "v-fries",
        "vclaim": "McDonald's offers fries of any size for one dollar.",
        "title": "$1 Any Size Fries",
        "subtitle": "",
    },
]


def write_vclaims(path, rows=VCLAIMS):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_fact_checks_summary_is_read_stored_and_found_by_bm25_not_embedded(tmp_path, hash_embedder):
    from sources.prior import read_checkthat_vclaims

    checks, _ = read_checkthat_vclaims(write_vclaims(tmp_path / "v.jsonl"))
    assert checks[0].summary.startswith("The picture was taken") and checks[1].summary == ""
    assert "Edinburgh" in checks[0].bm25_text and "Edinburgh" not in checks[0].match_text
    with Store(str(tmp_path / "s.duckdb")) as st:
        ingest_file(st, tmp_path / "v.jsonl", hash_embedder)
        stored = dict(st.con.execute("SELECT external_id, summary FROM prior_checks").fetchall())
        assert stored == {"v-bears": checks[0].summary, "v-fries": ""}
        found = PriorMatcher(st, hash_embedder, mode="bm25").rank(["edinburgh zoo enclosure"], k=2)[0]
        assert found[0].external_id == "v-bears" and found[0].summary == checks[0].summary
        vec = st.con.execute("SELECT embedding FROM prior_checks WHERE external_id = 'v-bears'").fetchone()[0]
    assert vec == pytest.approx(hash_embedder.queries([checks[0].match_text])[0].tolist(), abs=1e-6)


def test_claimreview_description_is_the_summary():
    from sources.prior import check_from_claimreview

    cr = claimreview("Vaksiner inneholder mikrobrikker", "Helt feil", "https://faktisk.no/chips")
    assert check_from_claimreview(cr).summary == ""
    cr["description"] = "Ingen vaksiner inneholder sporingsbrikker, ifølge legemiddelverket."
    assert check_from_claimreview(cr).summary == cr["description"]


def test_checks_stored_before_v8_get_their_summary_on_the_next_load_without_re_embedding(tmp_path, hash_embedder):
    db = str(tmp_path / "s.duckdb")
    path = write_vclaims(tmp_path / "v.jsonl")
    with Store(db) as st:
        ingest_file(st, path, hash_embedder)
        st.con.execute("UPDATE prior_checks SET summary = NULL")  # as v8's migration leaves older rows
        before = st.con.execute("SELECT check_id, embedding, load_id FROM prior_checks ORDER BY 1").fetchall()
        found = PriorMatcher(st, hash_embedder, mode="bm25").rank(["edinburgh zoo enclosure"], k=2)[0]
        assert "v-bears" not in [c.external_id for c in found]  # the summary's words are not indexed
    with Store(db) as st:
        result = ingest_file(st, path, hash_embedder)
        assert (result.report.added, result.report.skipped) == (0, 2)
        assert st.con.execute("SELECT check_id, embedding, load_id FROM prior_checks ORDER BY 1").fetchall() == before
        assert dict(st.con.execute("SELECT external_id, summary FROM prior_checks").fetchall())["v-bears"].startswith(
            "The picture"
        )
        found = PriorMatcher(st, hash_embedder, mode="bm25").rank(["edinburgh zoo enclosure"], k=2)[0]
        assert found[0].external_id == "v-bears"
