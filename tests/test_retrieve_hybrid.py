"""Hybrid retrieval, filters and the indexes beside the store, against brute-force oracles."""

import datetime as dt
import json

import numpy as np
import pytest

from sources.index import LexicalIndex, VectorIndex, analyse, analyse_query, build_ivf, index_dir
from sources.ingest import ingest_passages
from sources.retrieve import Filters, Retriever
from sources.store import Store

WORDS = (
    "gaza hamas fatah beijing election abbas norway killed born talks ministry government unity war "
    "climate warming ocean glacier vaccine virus school budget"
).split()


def write_rows(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def make_rows(n, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        rows.append(
            {
                "id": f"R{i}",
                "text": " ".join(rng.choice(WORDS, size=7)) + f" item{i}",
                "source_url": f"https://site{i % 5}.example/{i}",
                "language": "en",
                "published_date": str(dt.date(2024, 1, 1) + dt.timedelta(days=int(i))),
                "publisher": f"site{i % 5}.example",
            }
        )
    return rows


@pytest.fixture
def store(tmp_path, hash_embedder):
    rows = make_rows(120)
    st = Store(str(tmp_path / "s.duckdb"))
    ingest_passages(st, write_rows(tmp_path / "p.jsonl", rows), hash_embedder)
    yield st, rows
    st.close()


def test_bm25_ranks_the_passage_with_the_rare_words_first(store, hash_embedder):
    st, rows = store
    hits = Retriever(st, hash_embedder, mode="bm25").search(["item17 glacier"], k=3, languages=["en"])[0]
    assert hits[0].passage.external_id == "R17"
    assert all(h.method == "bm25" for h in hits)


def test_hybrid_is_reciprocal_rank_fusion_of_dense_and_bm25_with_dense_scores(store, hash_embedder):
    st, rows = store
    q = "abbas born norway item42"
    dense = Retriever(st, hash_embedder, mode="dense", candidates=200).search([q], k=200)[0]
    lex = Retriever(st, hash_embedder, mode="bm25", candidates=200).search([q], k=200, languages=["en"])[0]
    hybrid = Retriever(st, hash_embedder, mode="hybrid", candidates=200, w_bm25=0.5, rrf_k=60)
    hits = hybrid.search([q], k=10, languages=["en"])[0]
    fused = {}
    for rank, h in enumerate(dense, 1):
        fused[h.passage.id] = fused.get(h.passage.id, 0) + 1.0 / (60 + rank)
    for rank, h in enumerate(lex, 1):
        fused[h.passage.id] = fused.get(h.passage.id, 0) + 0.5 / (60 + rank)
    want = sorted(fused.values(), reverse=True)[:10]
    got = [fused[h.passage.id] for h in hits]
    assert np.allclose(got, want)
    qv = hash_embedder.queries([q])[0]
    for h in hits:
        assert h.method == "hybrid"
        assert abs(float(hash_embedder.passages([h.passage.text])[0] @ qv) - h.score) < 1e-5


def test_default_mode_is_hybrid_unless_the_environment_says_otherwise(store, hash_embedder, monkeypatch):
    from sources.retrieve import DEFAULT_MODE

    st, _ = store
    monkeypatch.delenv("FACTCHECK_RETRIEVAL_MODE", raising=False)
    assert DEFAULT_MODE == "hybrid" and Retriever(st, hash_embedder).mode == "hybrid"
    monkeypatch.setenv("FACTCHECK_RETRIEVAL_MODE", "dense")
    assert Retriever(st, hash_embedder).mode == "dense"


def test_filters_match_a_brute_force_oracle(store, hash_embedder):
    st, rows = store
    f = Filters(
        exclude_urls=("https://www.site1.example/1/",),
        deny_sources=("site2.example",),
        anchor=dt.date(2024, 2, 15),
        days_before=30,
        days_after=0,
    )
    allowed = []
    for r in rows:
        day = dt.date.fromisoformat(r["published_date"])
        ok = (
            r["source_url"] != "https://site1.example/1"
            and "site2.example" not in r["source_url"]
            and dt.date(2024, 1, 16) <= day <= dt.date(2024, 2, 15)
        )
        if ok:
            allowed.append(r["id"])
    for mode in ("dense", "bm25", "hybrid"):
        hits = Retriever(st, hash_embedder, mode=mode).search(["gaza war killed"], k=200, filters=f, languages=["en"])[
            0
        ]
        got = {h.passage.external_id for h in hits}
        assert got <= set(allowed), mode
        if mode == "dense":
            assert got == set(allowed)


def test_allow_list_by_host_and_url_prefix(store, hash_embedder):
    st, rows = store
    r = Retriever(st, hash_embedder)
    hits = r.search(["gaza"], k=200, filters=Filters(allow_sources=("site3.example",)))[0]
    assert hits and {h.passage.publisher for h in hits} == {"site3.example"}
    hits = r.search(["gaza"], k=200, filters=Filters(allow_sources=("https://site4.example/9",)))[0]
    assert [h.passage.external_id for h in hits] == ["R9"]


def test_undated_passages_pass_a_date_window_unless_told(tmp_path, hash_embedder):
    rows = [{"text": "dated gaza", "published_date": "2020-01-01"}, {"text": "undated gaza"}]
    with Store(str(tmp_path / "u.duckdb")) as st:
        ingest_passages(st, write_rows(tmp_path / "u.jsonl", rows), hash_embedder)
        r = Retriever(st, hash_embedder)
        f = Filters(anchor=dt.date(2024, 4, 30), days_before=365)
        assert [h.passage.text for h in r.search(["gaza"], filters=f)[0]] == ["undated gaza"]
        from dataclasses import replace

        assert r.search(["gaza"], filters=replace(f, keep_undated=False))[0] == []


def test_absolute_dates_and_a_window_anchored_at_each_article_match_an_oracle(store, hash_embedder):
    st, rows = store  # rows published 2024-01-01 + i days
    r = Retriever(st, hash_embedder)
    f = Filters(since=dt.date(2024, 2, 1), until=dt.date(2024, 3, 1), days_before=10, days_after=5)
    assert f.window_unapplied and f.for_article(None).window_unapplied  # no article date: no relative window
    anchored = f.for_article(dt.date(2024, 2, 25))
    assert anchored.anchor == dt.date(2024, 2, 25) and anchored.for_article(dt.date(2020, 1, 1)) == anchored
    want = {
        x["id"]
        for x in rows
        if dt.date(2024, 2, 15) <= dt.date.fromisoformat(x["published_date"]) <= dt.date(2024, 3, 1)
    }  # the tighter of both windows on each side
    got = {h.passage.external_id for h in r.search(["gaza"], k=200, filters=anchored)[0]}
    assert got == want and len(want) == 16
    only_abs = {h.passage.external_id for h in r.search(["gaza"], k=200, filters=f.for_article(None))[0]}
    assert only_abs == {x["id"] for x in rows if "2024-02-01" <= x["published_date"] <= "2024-03-01"}


def clustered(n, d=384, centers=60, seed=1):
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centers, d)).astype(np.float32)
    x = c[rng.integers(0, centers, n)] + 0.6 * rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_ivf_recall_at_10_against_exact_search():
    x = clustered(30_000)
    q = clustered(200, seed=2)
    ann = build_ivf(x)
    idx = VectorIndex(ids=np.arange(len(x)).astype(str).astype(object), vectors=x, ann=ann)
    approx, _ = idx.search(q, 10)
    exact, exact_scores = idx.search(q, 10, exact=True)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)])
    assert recall >= 0.95
    oracle = np.sort(q @ x.T, axis=1)[:, ::-1][:, :10]  # numpy brute force
    assert np.allclose(exact_scores, oracle, atol=1e-5)
    mask = np.zeros(len(x), bool)
    mask[::3] = True
    got, _ = idx.search(q[:20], 10, allowed=mask)
    assert (got >= 0).all() and mask[got].all()  # filters hold inside faiss
    few = np.ones(len(x), bool)
    few[approx[:20, 0]] = False  # a few rows excluded: the deeper-search path
    got2, _ = idx.search(q[:20], 10, allowed=few)
    assert (got2 >= 0).all() and few[got2].all()
    for a, g in zip(approx[:20], got2):
        kept = [p for p in a if few[p]]
        assert list(g[: len(kept)]) == kept


def test_index_is_saved_beside_the_db_reused_updated_and_rebuilt(tmp_path, hash_embedder):
    db = str(tmp_path / "big.duckdb")
    with Store(db) as st:
        ingest_passages(st, write_rows(tmp_path / "a.jsonl", make_rows(300)), hash_embedder)
        first = VectorIndex.for_store(st, hash_embedder.name, threshold=100)
        assert first.built == "built" and first.kind == "faiss-ivf"
        assert (index_dir(st) / "faiss.ivf").exists()
        assert VectorIndex.for_store(st, hash_embedder.name, threshold=100).built == "loaded"
        more = [dict(r, id=f"S{i}", text=r["text"] + " extra") for i, r in enumerate(make_rows(50, seed=9))]
        ingest_passages(st, write_rows(tmp_path / "b.jsonl", more), hash_embedder)
        updated = VectorIndex.for_store(st, hash_embedder.name, threshold=100)
        assert updated.built == "updated" and len(updated) == 350 and updated.ann.ntotal == 350
        st.con.execute("DELETE FROM passages WHERE external_id = 'R5'")
        rebuilt = VectorIndex.for_store(st, hash_embedder.name, threshold=100)
        assert rebuilt.built == "built" and len(rebuilt) == 349
        # whatever the path, searches see exactly the stored rows
        r = Retriever(st, hash_embedder, threshold=100)
        assert r.index_kind == "faiss-ivf"
        top = r.search(["gaza hamas"], k=349)[0]
        assert "R5" not in {h.passage.external_id for h in top}


def test_lexical_analysis_is_language_aware():
    assert analyse(["Palestinerne ble drept i angrepene"], "nb")[0] == ["palestinern", "drept", "angrep"]
    assert analyse(["The talks were held in Beijing"], "en")[0] == ["talk", "held", "beij"]
    toks = analyse_query("Abbas ble født i 1935", "nb")
    assert {"abba", "født", "1935"} <= set(toks) and "i" not in toks and "ble" not in toks


def test_lexical_index_saved_and_reused(tmp_path, hash_embedder):
    db = str(tmp_path / "lex.duckdb")
    with Store(db) as st:
        ingest_passages(st, write_rows(tmp_path / "a.jsonl", make_rows(2100)), hash_embedder)
        assert LexicalIndex.for_store(st).built == "built"
        assert LexicalIndex.for_store(st).built == "loaded"


def test_real_e5_hybrid_crosses_languages_both_ways(tmp_path, e5, seed_dir):
    with Store(str(tmp_path / "seed.duckdb")) as st:
        ingest_passages(st, seed_dir / "passages.jsonl", e5)
        r = Retriever(st, e5, mode="hybrid")
        hits = r.search(["Over 34.000 palestinere er siden drept i israelske angrep i Gaza"], k=5)[0]
        assert any("34," in h.passage.text or "34 " in h.passage.text for h in hits)
        assert any(h.passage.language == "en" for h in hits)
        en = [
            "The Hamas delegation to the next meeting was to be led by Ismail Haniyeh, who lives in Qatar",
            "Israel is worried about the health of the 82-year-old Palestinian president Mahmoud Abbas",
        ]
        found = r.search(en, k=5, languages=["en", "en"])
        assert "P017" in [h.passage.external_id for h in found[0]]  # the Norwegian passages that say so
        assert "X02" in [h.passage.external_id for h in found[1]]


@pytest.fixture
def bilingual(tmp_path, hash_embedder):
    rows = make_rows(80, seed=3)
    for i, r in enumerate(rows):
        r["language"] = "no" if i % 2 else "en"
    st = Store(str(tmp_path / "b.duckdb"))
    ingest_passages(st, write_rows(tmp_path / "b.jsonl", rows), hash_embedder)
    yield st, {r["id"]: r["language"] for r in rows}
    st.close()


def test_passages_in_another_language_get_the_cross_lingual_allowance_and_no_bm25(bilingual, hash_embedder):
    st, lang = bilingual
    q = "abbas born norway gaza item7"
    raw = Retriever(st, hash_embedder, mode="dense", candidates=200, cross_lingual=0.0).search([q], k=80)[0]
    foreign = {h.passage.id for h in raw if lang[h.passage.external_id] == "en"}
    adjusted = sorted(raw, key=lambda h: -(h.score + (0.05 if h.passage.id in foreign else 0.0)))
    dense = Retriever(st, hash_embedder, mode="dense", candidates=200, cross_lingual=0.05)
    got = dense.search([q], k=10, languages=["nb"])[0]
    assert [h.passage.id for h in got] == [h.passage.id for h in adjusted[:10]]
    assert [h.score for h in got] == pytest.approx([h.score for h in adjusted[:10]])  # scores stay cosines

    lex = Retriever(st, hash_embedder, mode="bm25", candidates=200).search([q], k=80, languages=["nb"])[0]
    fused = {}
    for rank, h in enumerate(adjusted, 1):
        fused[h.passage.id] = (2.0 if h.passage.id in foreign else 1.0) / (10 + rank)
    for rank, h in enumerate(h for h in lex if h.passage.id not in foreign):
        fused[h.passage.id] = fused.get(h.passage.id, 0) + 1.0 / (10 + rank + 1)
    want = sorted(fused, key=lambda pid: -fused[pid])[:10]
    hybrid = Retriever(st, hash_embedder, mode="hybrid", candidates=200, cross_lingual=0.05, rrf_k=10)
    assert [h.passage.id for h in hybrid.search([q], k=10, languages=["nb"])[0]] == want


def test_a_store_in_the_query_language_ranks_as_without_the_adjustment(store, hash_embedder):
    st, rows = store  # every passage is English
    q = "election ministry abbas item12"
    for mode in ("dense", "hybrid"):
        plain = Retriever(st, hash_embedder, mode=mode, cross_lingual=0.0).search([q], k=10, languages=["en"])[0]
        got = Retriever(st, hash_embedder, mode=mode).search([q], k=10, languages=["en"])[0]
        assert [h.passage.id for h in got] == [h.passage.id for h in plain]
    # a Norwegian query against it: every passage is in another language, so BM25 is left out of the fusion
    dense = Retriever(st, hash_embedder, mode="dense").search([q], k=10, languages=["nb"])[0]
    hybrid = Retriever(st, hash_embedder, mode="hybrid").search([q], k=10, languages=["nb"])[0]
    assert [h.passage.id for h in hybrid] == [h.passage.id for h in dense]
