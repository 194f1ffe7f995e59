"""Dense retrieval against a numpy brute-force oracle, URL exclusion, and the real e5 model."""

import json

import numpy as np

from sources.ingest import ingest_passages
from sources.retrieve import Retriever
from sources.rowmeta import normalise_url
from sources.store import Store


def make_store(tmp_path, embedder, n=60):
    rng = np.random.default_rng(0)
    words = "gaza hamas fatah beijing election abbas norway killed born talks ministry government unity war".split()
    rows = []
    for i in range(n):
        text = " ".join(rng.choice(words, size=6)) + f" item{i}"
        rows.append({"id": f"R{i}", "text": text, "source_url": f"https://site{i % 7}.example/{i}", "language": "en"})
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    st = Store(str(tmp_path / "s.duckdb"))
    ingest_passages(st, path, embedder)
    return st, rows


def test_topk_matches_brute_force_oracle(tmp_path, hash_embedder):
    st, rows = make_store(tmp_path, hash_embedder)
    with st:
        queries = ["abbas born norway", "killed in gaza war", "unity government talks beijing"]
        hits = Retriever(st, hash_embedder, mode="dense").search(queries, k=5)
        texts = [r["text"] for r in rows]
        P = hash_embedder.passages(texts)
        Q = hash_embedder.queries(queries)
        for q, got in zip(Q, hits):
            scores = P @ q
            want = np.sort(scores)[::-1][:5]
            assert np.allclose([h.score for h in got], want, atol=1e-5)
            assert [h.rank for h in got] == [1, 2, 3, 4, 5]
            for h in got:
                assert abs(scores[texts.index(h.passage.text)] - h.score) < 1e-5


def test_excluded_urls_never_come_back(tmp_path, hash_embedder):
    st, rows = make_store(tmp_path, hash_embedder)
    with st:
        target = rows[3]
        url = target["source_url"].replace("https://", "http://www.") + "/"
        hits = Retriever(st, hash_embedder).search([target["text"]], k=60, exclude_urls=[url])[0]
        assert target["text"] not in [h.passage.text for h in hits]
        assert len(hits) == 59


def test_url_normalisation():
    assert normalise_url("https://www.trtworld.com:443/article/1/") == normalise_url("http://trtworld.com/article/1#x")


def test_empty_store_returns_no_hits(tmp_path, hash_embedder):
    with Store(str(tmp_path / "e.duckdb")) as st:
        assert Retriever(st, hash_embedder).search(["anything"]) == [[]]


def test_real_e5_finds_english_evidence_for_a_norwegian_claim(tmp_path, e5, seed_dir):
    with Store(str(tmp_path / "seed.duckdb")) as st:
        ingest_passages(st, seed_dir / "passages.jsonl", e5)
        claim = "Over 34.000 palestinere er siden drept i israelske angrep i Gaza"
        hits = Retriever(st, e5).search([claim], k=5)[0]
        top_texts = " ".join(h.passage.text for h in hits)
        assert "34," in top_texts or "34." in top_texts  # a death-toll passage is among the top 5
        assert any(h.passage.language == "en" for h in hits)
