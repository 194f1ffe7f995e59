"""The claim evaluation harness: alignment, adapters, metrics, and the CLI on the real seed gold."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from claims.checkworthy import roc_auc
from claims.errors import InputError
from eval.claims import (
    BenchDoc,
    align,
    binary_scores,
    eval_decomposition,
    eval_seed,
    factcheck_bench_docs,
    one_claim_per_sentence,
    read_checkworthy,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed"
SHARED = ROOT.parent / "shared" / "data"


def _hash_encoder():
    from sources.embed import HashEmbedder

    emb = HashEmbedder()
    return lambda texts: emb.queries(list(texts))


def test_alignment_is_one_to_one_and_greedy():
    sim = np.array([[0.95, 0.90], [0.94, 0.50], [0.10, 0.20]])
    # produced 0 takes gold 0 (best pair), produced 1 cannot take gold 0 again, gold 1 goes to nobody above 0.92
    assert align(sim, 0.92) == [(0, 0, 0.95)]
    # gold 1's best partner (produced 0, 0.90) is taken, and produced 1 scores 0.50 with it: no match
    assert align(sim, 0.85) == [(0, 0, 0.95)]
    allowed = np.array([[False, True], [True, False], [True, True]])
    assert align(sim, 0.85, allowed) == [(1, 0, 0.94), (0, 1, 0.9)]


def test_roc_auc_matches_brute_force():
    rng = np.random.default_rng(0)
    s = rng.integers(0, 5, 60).astype(float)
    y = rng.integers(0, 2, 60)
    pos, neg = s[y == 1], s[y == 0]
    brute = np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg])
    assert roc_auc(s, y) == pytest.approx(brute)
    assert binary_scores([1, 0, 1, 1], [1, 0, 0, 1])["f1"] == pytest.approx(0.8)


def test_seed_adapter_with_a_fake_encoder_counts_the_identity_extractor(tmp_path):
    article = tmp_path / "a.md"
    article.write_text(
        "---\nid: t\nlanguage: en\npublished: 2024-04-30\n---\n\nHamas won the election in 2006. "
        "It is unclear who will govern Gaza.\n",
        encoding="utf-8",
    )
    gold = tmp_path / "g.jsonl"
    gold.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {
                    "id": "G1",
                    "source_span_no": "Hamas won the election in 2006.",
                    "claim_en": "Hamas won the election in 2006.",
                    "type": "event",
                },
                {
                    "id": "G2",
                    "source_span_no": "It is unclear who will govern Gaza.",
                    "claim_en": "It is unclear who will govern Gaza.",
                    "type": "opinion/not-checkable",
                },
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    r = eval_seed(gold, article, encode=_hash_encoder(), threshold=0.99)
    assert (r["gold_checkable"], r["recall_matched"], r["recall"]) == (1, 1, 1.0)
    assert r["precision"] == 1.0 and r["type_accuracy"] == 1.0
    assert r["checkable_decision_accuracy"] == 1.0  # the opinion is kept but marked not checkable


def test_gold_rows_without_the_needed_fields_are_refused(tmp_path):
    gold = tmp_path / "g.jsonl"
    gold.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="FC121"):
        eval_seed(gold, SEED / "article.md", encode=_hash_encoder())


def test_decomposition_beats_nothing_on_a_toy_document():
    docs = [
        BenchDoc(
            "Jack Dorsey founded Twitter in 2006 and founded Square in 2009.",
            ("Jack Dorsey founded Twitter in 2006.", "Jack Dorsey founded Square in 2009."),
        )
    ]
    r = eval_decomposition(docs, encode=_hash_encoder(), threshold=0.7)
    assert r["baseline_one_per_sentence"]["matched"] <= 1
    assert r["claims"]["matched"] == 2 and r["claims"]["recall"] == 1.0


def test_checkworthy_readers(tmp_path):
    tsv = tmp_path / "x.tsv"
    tsv.write_text(
        'topic\ttweet_id\ttweet_url\ttweet_text\tclass_label\nc\t1\tu\tA claim "quoted"\t1\nc\t2\tu\tlol\t0\n',
        encoding="utf-8",
    )
    assert read_checkworthy(tsv) == (['A claim "quoted"', "lol"], [1, 0])
    with pytest.raises(InputError, match="FC123"):
        read_checkworthy(tmp_path / "missing.tsv")


@pytest.mark.skipif(not (SHARED / "factcheck-bench" / "Factbench.jsonl").exists(), reason="needs ../shared/data")
def test_factcheck_bench_adapter_reads_the_661_factual_gold_claims():
    docs = factcheck_bench_docs(SHARED / "factcheck-bench")
    assert len(docs) == 92  # 94 responses, 2 of them without any atomic claim
    assert sum(len(d.claims) for d in docs) == 661


def test_cli_on_the_real_seed_gold_with_e5(tmp_path):
    """The real harness: bundled e5, the seed article and its 36 gold claims, through the CLI."""
    from cli.main import cli

    gold = (SHARED / "seed" / "claims.gold.jsonl") if (SHARED / "seed" / "claims.gold.jsonl").exists() else None
    if gold is None:
        pytest.skip("needs ../shared/data/seed/claims.gold.jsonl")
    out = tmp_path / "r.json"
    res = CliRunner().invoke(
        cli, ["eval", "claims", "--gold", str(gold), "--article", str(SEED / "article.md"), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "seed gold" in res.output and "recall" in res.output
    report = json.loads(out.read_text(encoding="utf-8"))["seed"]
    assert report["gold_claims"] == 36 and report["gold_checkable"] == 34
    # the figures this issue reports (docs/claims.md); a regression in decomposition shows up here
    assert report["recall"] >= 0.8 and report["precision"] >= 0.8
    assert len(report["per_gold"]) == 36


def test_identity_baseline_gives_one_claim_per_sentence():
    from claims.segment import split_sentences

    text = "One fact here. Another fact there."
    cs = one_claim_per_sentence("x", text, split_sentences(text, "en"), language="en", published=None)
    assert [c.text for c in cs] == ["One fact here.", "Another fact there."]
