"""The verify_articles flow under prefect_test_harness, with the fast hash embedder."""

import json

import duckdb
import pytest

from sources.embed import HashEmbedder
from sources.ingest import ingest_passages
from sources.store import Store


@pytest.fixture(scope="module")
def harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness():
        yield


def test_flow_checks_articles_records_rows_and_survives_a_bad_article(harness, tmp_path, seed_dir):
    from flows.verify import verify_articles

    db = str(tmp_path / "s.duckdb")
    with Store(db) as st:
        ingest_passages(st, seed_dir / "passages.jsonl", HashEmbedder())
    broken = tmp_path / "broken.md"
    broken.write_bytes(b"\x00\x00\x00")
    summary = verify_articles(
        [str(seed_dir / "article.md"), str(broken)], db, out_dir=str(tmp_path / "out"), embedder="hash"
    )
    assert len(summary.results) == 1 and summary.verdicts
    assert summary.failures and "broken.md" in summary.failures[0][0]
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT status FROM runs").fetchall() == [("done",)]
    n = con.execute("SELECT count(*) FROM verdicts WHERE run_id = ?", [summary.run_id]).fetchone()[0]
    assert n == len(summary.verdicts)
    lines = (tmp_path / "out" / "verdicts.jsonl").read_text().splitlines()
    assert len(lines) == n and all(json.loads(line)["provenance"]["run_id"] == summary.run_id for line in lines)
    con.close()


def test_rewriting_an_article_in_the_same_run_does_not_duplicate(harness, tmp_path, seed_dir):
    from claims.read import read_articles
    from sources.retrieve import Retriever
    from verdicts.decide import DecideConfig
    from verdicts.model import Provenance
    from verdicts.pipeline import check_article
    from verdicts.record import save_article

    db = str(tmp_path / "s.duckdb")
    emb = HashEmbedder()
    with Store(db) as st:
        ingest_passages(st, seed_dir / "passages.jsonl", emb)
        run_id = st.begin_run(code_version="test", models=[], rules_version="r", params={})
        prov = Provenance(run_id=run_id, code_version="test")
        article = read_articles(seed_dir / "article.md")[0]
        result = check_article(article, Retriever(st, emb), prov, config=DecideConfig.load())
        save_article(st, run_id, article, result.claims, result.verdicts)
        save_article(st, run_id, article, result.claims, result.verdicts)  # a rerun after a crash
        counts = st.con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM claims), (SELECT count(*) FROM verdicts)"
        ).fetchone()
    assert counts == (1, len(result.claims), len(result.verdicts))
