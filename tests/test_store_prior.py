"""Earlier fact-checks found first: in the pipeline (hash embedder) and across languages (real e5)."""
import json

import pytest

from sources.ingest import ingest_file, ingest_passages
from sources.prior import PriorMatcher, find_prior_checks
from sources.retrieve import Retriever
from sources.store import Store


def claimreview(claim, rating, url, lang="no"):
    return {"@context": "https://schema.org", "@type": "ClaimReview", "url": url, "claimReviewed": claim,
            "author": {"@type": "Organization", "name": "Faktisk.no"}, "datePublished": "2024-05-02",
            "inLanguage": lang, "reviewRating": {"@type": "Rating", "alternateName": rating}}


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
        res = check_article(article, Retriever(st, hash_embedder), prov, config=DecideConfig.load(),
                            prior=PriorMatcher(st, hash_embedder))
    first = res.verdicts[0]
    assert first.evidence[0].rule == "prior_check" and first.evidence[0].source_url == "https://faktisk.no/x"
    assert "Feil" in first.evidence[0].explanation and first.evidence[0].stance.value == "refutes"
    assert first.review.needed and any("checked before" in r for r in first.review.reasons)
    assert first.label == plain.verdicts[0].label                      # the pipeline's own label stands
    others = [v for v in res.verdicts if v.claim.span.start > claim.span.end + 300]   # other sentences
    assert others and all(e.rule != "prior_check" for v in others for e in v.evidence)


@pytest.mark.slow
def test_real_e5_matches_an_earlier_check_across_languages(tmp_path, e5):
    cr = tmp_path / "cr.jsonl"
    rows = [claimreview("Norway is the only Western country that has recognised Palestine", "False",
                        "https://factcheck.example/norway", "en"),
            claimreview("Vaksiner inneholder mikrobrikker", "Helt feil", "https://faktisk.no/chips"),
            claimreview("The Eiffel Tower was moved to Berlin in 2020", "False", "https://factcheck.example/eiffel", "en")]
    cr.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with Store(str(tmp_path / "s.duckdb")) as st:
        ingest_file(st, cr, e5)
        found = find_prior_checks(st, ["Norge er det eneste vestlige landet som har anerkjent Palestina",
                                       "Vaccines contain microchips",
                                       "Statsbudsjettet for 2025 er vedtatt"], e5)
    assert [c.url for c in found[0]][:1] == ["https://factcheck.example/norway"]
    assert [c.url for c in found[1]][:1] == ["https://faktisk.no/chips"]
    assert found[2] == []
