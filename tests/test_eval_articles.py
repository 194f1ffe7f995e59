"""`factcheck eval articles`: case folders checked end to end and scored as a desk reads the flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eval.articles import case_folders, case_set, desk_metrics, evaluate_articles, format_articles_report

ARTICLE = """---
id: test-case
title: Folketallet
language: nb
published: 2015-11-13
---
Folketallet i Testby økte med 1.200 personer i tredje kvartal. Ordføreren er 54 år gammel.
"""
GOLD = [
    {
        "id": "C01",
        "source_span_no": "Folketallet i Testby økte med 1.200 personer i tredje kvartal.",
        "claim_en": "Testby's population grew by 1,200 in the third quarter of 2015.",
        "verdict": "REFUTED",
        "evidence": [{"passage_id": "P1", "stance": "refutes"}],
    },
    {
        "id": "C02",
        "source_span_no": "Ordføreren er 54 år gammel.",
        "claim_en": "The mayor is 54.",
        "verdict": "NOT ENOUGH EVIDENCE",
        "evidence": [],
    },
]
PASSAGES = [
    {
        "id": "P1",
        "text": "Folketallet i Testby økte med 900 personer i tredje kvartal 2015.",
        "source_url": "https://ssb.example/testby",
        "published_date": "2015-11-12",
        "language": "no",
    }
]


def _case(root: Path, name: str = "case-a") -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "article.md").write_text(ARTICLE, encoding="utf-8")
    (folder / "claims.gold.jsonl").write_text(
        "\n".join(json.dumps(g, ensure_ascii=False) for g in GOLD) + "\n", encoding="utf-8"
    )
    (folder / "passages.jsonl").write_text(
        "\n".join(json.dumps(p, ensure_ascii=False) for p in PASSAGES) + "\n", encoding="utf-8"
    )
    return folder


def test_desk_metrics_count_false_alarms_and_catches():
    gold = ["REFUTED", "REFUTED", "SUPPORTED", "SUPPORTED", "NOT_ENOUGH_EVIDENCE"]
    pred = ["REFUTED", "SUPPORTED", "REFUTED", "SUPPORTED", "NOT_ENOUGH_EVIDENCE"]
    m = desk_metrics(gold, pred, [True, True, True, False, True])
    assert m["refuted_called"] == 2 and m["false_alarms"] == 1 and m["refuted_precision"] == 0.5
    assert m["real_errors"] == 2 and m["real_errors_caught"] == 1
    assert m["claim_recall"] == 0.8 and m["label_accuracy"] == 0.6
    # balanced: REFUTED 1/2, SUPPORTED 1/2, NEE 1/1
    assert m["balanced_label_recall"] == pytest.approx((0.5 + 0.5 + 1.0) / 3, abs=1e-4)
    assert desk_metrics(["SUPPORTED"], ["SUPPORTED"], [True])["refuted_precision"] is None


def test_case_folders_expand_a_folder_of_cases_and_name_a_bad_one(tmp_path):
    a, b = _case(tmp_path / "all", "b-case"), _case(tmp_path / "all", "a-case")
    assert case_folders([tmp_path / "all"]) == [b.parent / "a-case", b.parent / "b-case"]
    assert case_folders([a]) == [a]
    with pytest.raises(Exception, match="FC742"):
        case_folders([tmp_path])


def test_case_set_reads_gold_labels_glosses_and_passages(tmp_path):
    eset = case_set(_case(tmp_path))
    assert [c.label for c in eset.claims] == ["REFUTED", "NOT_ENOUGH_EVIDENCE"]
    assert eset.claims[0].gloss.startswith("Testby's population")
    assert len(eset.passages) == 1 and eset.article.endswith("article.md")


def test_a_case_checked_end_to_end_with_the_hash_embedder(tmp_path):
    report = evaluate_articles([_case(tmp_path / "cases")], embedder="hash", work=tmp_path / "work", per_claim=True)
    pooled = report["pooled"]
    assert pooled["gold_claims"] == 2 and pooled["articles"] == 1
    claims = report["per_article"][0]["claims"]
    assert [c["id"] for c in claims] == ["C01", "C02"]
    assert all(c["sentence"] for c in claims) and all("explanation" in c for c in claims)
    text = format_articles_report(report)
    assert "case-a" in text and "pooled (1 articles)" in text


def test_cli_writes_the_report(tmp_path):
    from cli.main import cli

    out = tmp_path / "r.json"
    res = CliRunner().invoke(
        cli,
        [
            "eval",
            "articles",
            str(_case(tmp_path / "c")),
            "--embedder",
            "hash",
            "--work",
            str(tmp_path / "w"),
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["pooled"]["gold_claims"] == 2
    bad = CliRunner().invoke(cli, ["eval", "articles", str(tmp_path)])
    assert bad.exit_code == 1 and "FC742" in bad.output
