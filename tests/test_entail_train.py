"""`factcheck train verifier` end to end on a tiny data folder written in the data sets' original formats, the pair
readers' held-out rule, and reproducibility (same seed -> the same weights)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from claims.errors import FactcheckError
from eval.splits import held_out
from training.pairs import read_pairs, read_seed_pairs


def _jsonl(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def make_data(root: Path) -> Path:
    """A few examples of every set, in the original file formats of ../shared/data."""
    vc_rows = []
    for i in range(12):
        n = 100 + i
        vc_rows += [
            {
                "unique_id": f"c{i}_1",
                "case_id": f"c{i}",
                "label": "SUPPORTS",
                "claim": f"The town has over {n} people .",
                "evidence": f"The town had {n + 50} inhabitants in 2010 .",
            },
            {
                "unique_id": f"c{i}_2",
                "case_id": f"c{i}",
                "label": "REFUTES",
                "claim": f"The town has over {n} people .",
                "evidence": f"The town had {n - 50} inhabitants in 2010 .",
            },
            {
                "unique_id": f"c{i}_3",
                "case_id": f"c{i}",
                "label": "NOT ENOUGH INFO",
                "claim": f"The town has over {n} people .",
                "evidence": "The town lies on a river .",
            },
        ]
    for name in (
        "vitaminc_real",
        "vitaminc_synthetic",
        "anli",
        "fever_adversarial",
        "fever_symmetric_dev",
        "fever_symmetric_test",
        "fever_triggers",
    ):
        _jsonl(root / "vitaminc" / f"{name}.jsonl", vc_rows if name == "vitaminc_real" else vc_rows[:6])
    _jsonl(
        root / "climate-fever" / "climate-fever.jsonl",
        [
            {
                "claim_id": str(i),
                "claim": f"Sea level rose {i} cm.",
                "claim_label": "SUPPORTS",
                "evidences": [
                    {"evidence_id": "a", "evidence_label": "SUPPORTS", "evidence": f"Sea level rose by {i} cm."},
                    {"evidence_id": "b", "evidence_label": "NOT_ENOUGH_INFO", "evidence": "Ice is cold."},
                ],
            }
            for i in range(8)
        ],
    )
    _jsonl(
        root / "scifact" / "corpus.jsonl",
        [
            {
                "doc_id": 1,
                "title": "t",
                "abstract": ["Drug X lowers blood pressure.", "It was a trial.", "Mice were used."],
            }
        ],
    )
    for split in ("train", "dev"):
        _jsonl(
            root / "scifact" / f"claims_{split}.jsonl",
            [
                {
                    "id": 1,
                    "claim": "Drug X lowers blood pressure.",
                    "evidence": {"1": [{"sentences": [0], "label": "SUPPORT"}]},
                    "cited_doc_ids": [1],
                },
                {
                    "id": 2,
                    "claim": "Drug X raises blood pressure.",
                    "evidence": {"1": [{"sentences": [0], "label": "CONTRADICT"}]},
                    "cited_doc_ids": [1],
                },
                {"id": 3, "claim": "Drug X cures colds.", "evidence": {}, "cited_doc_ids": [1]},
            ],
        )
    _jsonl(
        root / "check-covid" / "corpus.json",
        [{"cord_id": "x1", "title": "t", "abstract": ["Masks cut spread.", "N=90."]}],
    )
    for split in ("train", "dev"):
        _jsonl(
            root / "check-covid" / f"covidCheck_{split}_composed+extracted.json",
            [
                {
                    "id": "a_0",
                    "claim": "Masks cut spread.",
                    "cord_id": "x1",
                    "label": "SUPPORT",
                    "evidence_set": [{"sent_index": 0, "type": "PRIMARY"}],
                },
                {
                    "id": "a_1",
                    "claim": "Masks raise spread.",
                    "cord_id": "x1",
                    "label": "REFUTE",
                    "evidence_set": [{"sent_index": 0, "type": "PRIMARY"}],
                },
                {
                    "id": "a_2",
                    "claim": "Masks cure it.",
                    "cord_id": "x1",
                    "label": "NOTENOUGHINFO",
                    "evidence_set": [{"sent_index": 1, "type": "PRIMARY"}],
                },
            ],
        )
    (root / "averitec").mkdir(parents=True, exist_ok=True)
    (root / "averitec" / "train.json").write_text(
        json.dumps(
            [
                {
                    "claim": f"The mayor said taxes fell {i}%.",
                    "label": label,
                    "questions": [
                        {
                            "question": "Did taxes fall?",
                            "answers": [
                                {
                                    "answer": "Yes" if label == "Supported" else "No",
                                    "boolean_explanation": f"They fell {i}%.",
                                }
                            ],
                        }
                    ],
                }
                for i, label in enumerate(
                    ["Supported", "Refuted", "Not Enough Evidence", "Conflicting Evidence/Cherrypicking"] * 3
                )
            ]
        )
    )
    _jsonl(
        root / "seed" / "claims.gold.jsonl",
        [
            {
                "id": "C01",
                "source_span_no": "Abbas er 87 år gammel.",
                "claim_en": "Abbas is 87 years old.",
                "verdict": "REFUTED",
                "evidence": [
                    {"quote": "Abbas was born on 15 November 1935.", "stance": "refutes", "language": "en"},
                    {"quote": "Abbas er født 15. november 1935.", "stance": "refutes", "language": "no"},
                    {"quote": "Abbas is the Palestinian president.", "stance": "qualifies", "language": "en"},
                ],
            },
            {
                "id": "C02",
                "source_span_no": "Norge anerkjente Palestina.",
                "claim_en": "Norway recognised Palestine.",
                "verdict": "SUPPORTED",
                "evidence": [
                    {"quote": "Norway recognised Palestine in May 2024.", "stance": "supports", "language": "en"}
                ],
            },
        ],
    )
    return root


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return make_data(tmp_path_factory.mktemp("data"))


def test_readers_keep_the_original_formats_and_the_split_rule(data):
    vc = list(read_pairs(data, "vitaminc_real"))
    assert len(vc) == 36 and {p.stance for p in vc} == {"supports", "refutes", "neutral"}
    assert all(p.held_out == held_out(p.key) for p in vc) and any(p.held_out for p in vc)
    sf = list(read_pairs(data, "scifact_dev"))
    assert {(p.claim, p.stance) for p in sf} >= {
        ("Drug X lowers blood pressure.", "supports"),
        ("Drug X raises blood pressure.", "refutes"),
        ("Drug X cures colds.", "neutral"),
    }
    assert all(p.held_out for p in sf) and not any(p.held_out for p in read_pairs(data, "scifact_train"))
    av = list(read_pairs(data, "averitec"))
    assert len(av) == 9 and "Did taxes fall? No. They fell 1%." in av[1].evidence  # Conflicting skipped
    cc = list(read_pairs(data, "checkcovid_train"))
    assert [p.stance for p in cc] == ["supports", "refutes", "neutral"] and cc[2].evidence == "N=90."
    assert [p.stance for p in read_seed_pairs(data)] == ["refutes", "refutes", "supports"]


def test_missing_data_gives_a_coded_error(tmp_path):
    from training.verifier import TrainOptions, train_verifier

    with pytest.raises(FactcheckError) as err:
        train_verifier(TrainOptions(data=str(tmp_path / "nope"), out=str(tmp_path / "out")))
    assert err.value.code == "FC736" and "--data" in str(err.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FactcheckError) as err:
        train_verifier(TrainOptions(data=str(tmp_path / "empty"), out=str(tmp_path / "out")))
    assert err.value.code == "FC736" and "vitaminc" in str(err.value)
    with pytest.raises(FactcheckError) as err:
        train_verifier(TrainOptions(data=str(tmp_path / "empty"), out=str(tmp_path / "out"), layers=4, depth=3))
    assert err.value.code == "FC737"


TINY = ["--max-pairs", "40", "--epochs", "2", "--depth", "3", "--layers", "1", "--eval-scale", "0.01", "--seed", "3"]


def test_train_cli_end_to_end_and_reproducible(data, tmp_path):
    from cli.main import cli
    from training.verifier import TrainOptions, train_verifier
    from verdicts.entail import E5CrossVerifier, get_verifier

    out = tmp_path / "v"
    res = CliRunner().invoke(cli, ["train", "verifier", "--data", str(data), "--out", str(out), *TINY])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().splitlines()[-1] == str(out)
    card = json.loads((out / "verifier_card.json").read_text())
    assert card["pairs_trained"] == 40 and card["steps"] == 4 and card["options"]["seed"] == 3
    assert set(card["held_out"]) >= {"vitaminc_real", "scifact_dev", "checkcovid_dev"}
    assert card["cross_lingual_seed"]["no_sentence_vs_en_evidence"]["pairs"] == 2
    md = (out / "MODEL_CARD.md").read_text()
    assert "factcheck train verifier" in md and "--max-pairs 40" in md and "| vitaminc_real |" in md

    v = get_verifier(f"dir:{out}")
    assert isinstance(v, E5CrossVerifier) and v.version == card["version"]
    probs = v.predict(["The town has over 120 people ."] * 2, ["The town had 170 inhabitants .", "It is on a river ."])
    assert probs.shape == (2, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert get_verifier(str(out)).version == v.version  # a plain path works too

    res = CliRunner().invoke(
        cli,
        [
            "train",
            "measure",
            "--data",
            str(data),
            "--verifier",
            f"dir:{out}",
            "--set",
            "checkcovid_dev",
            "--set",
            "seed",
            "--out",
            str(tmp_path / "m.json"),
        ],
    )
    assert res.exit_code == 0, res.output
    report = json.loads((tmp_path / "m.json").read_text())
    assert list(report["held_out"]) == ["checkcovid_dev"] and report["version"] == card["version"]
    assert report["held_out"]["checkcovid_dev"]["pairs"] == 3
    seed_view = report["cross_lingual_seed"]["en_claim_vs_en_evidence"]
    assert seed_view["pairs"] == 2 and seed_view["auc_supports_over_refutes"] in (0.0, 0.5, 1.0)

    again = train_verifier(
        TrainOptions(
            data=str(data), out=str(tmp_path / "v2"), max_pairs=40, epochs=2, depth=3, layers=1, eval_scale=0.01, seed=3
        )
    )
    sha = [hashlib.sha256((d / "verifier.safetensors").read_bytes()).hexdigest() for d in (out, again.out)]
    assert sha[0] == sha[1], "same data, seed and threads must give the same weights"


def test_training_on_pairs_given_by_the_caller(data, tmp_path):
    """A caller's own pairs (e.g. relevance pairs for a reranker probe): trained on exactly those, no held-out
    stance measurement, and the card says where the pairs came from."""
    from training.pairs import Pair
    from training.verifier import TrainOptions, train_verifier
    from verdicts.entail import get_verifier

    pairs = [
        Pair(
            f"claim {i} about polar bears",
            f"passage {i} " + ("about polar bears" if i % 2 else "on tax law"),
            "supports" if i % 2 else "neutral",
            "probe",
            str(i),
            False,
        )
        for i in range(24)
    ]
    res = train_verifier(
        TrainOptions(data=str(data), out=str(tmp_path / "rel"), max_pairs=20, epochs=1, depth=3, layers=1, seed=1),
        pairs=pairs,
    )
    card = res.card
    assert card["pairs_trained"] == 20 and card["held_out"] == {} and card["cross_lingual_seed"] == {}
    assert card["data"] == {
        "probe": {"pairs": 20, "available": 20, "stances": {"supports": 10, "refutes": 0, "neutral": 10}}
    }
    assert card["trained_on"].startswith("pairs given by the caller")
    assert "pairs given by the caller" in (tmp_path / "rel" / "MODEL_CARD.md").read_text()
    assert get_verifier(f"dir:{tmp_path / 'rel'}").predict(["a claim"], ["a passage"]).shape == (1, 3)


def test_train_cli_reports_errors_in_one_line(tmp_path):
    from cli.main import cli

    res = CliRunner().invoke(
        cli, ["train", "verifier", "--data", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]
    )
    assert res.exit_code == 1 and "[FC736]" in res.output
    res = CliRunner().invoke(cli, ["train", "verifier", "--help"])
    assert res.exit_code == 0 and "factcheck train verifier --data ../shared/data" in res.output


def test_stance_metrics_against_a_hand_count():
    from training.verifier import stance_metrics

    gold = ["supports", "supports", "refutes", "neutral"]
    probs = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1], [0.6, 0.2, 0.2]])
    m = stance_metrics(gold, probs)
    assert m["accuracy"] == 0.5 and m["majority"] == 0.5
    assert m["per_stance"]["supports"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "gold": 2}
    assert m["per_stance"]["refutes"]["precision"] == 0.5 and m["per_stance"]["refutes"]["recall"] == 1.0
    assert m["per_stance"]["neutral"]["f1"] == 0.0
    assert m["macro_f1"] == round((0.5 + 2 / 3 + 0.0) / 3, 4)
    assert m["confusion"]["neutral"] == {"supports": 1, "refutes": 0, "neutral": 0}


def test_the_training_mixture_never_takes_held_out_or_reserved_pairs(data):
    from eval.splits import reserved
    from training.verifier import _mix

    chosen, stats = _mix(data, 10_000, seed=0)
    assert chosen and not any(p.held_out or reserved(p.key) for p in chosen)
    every = [p for name in stats for p in read_pairs(data, name)]
    assert any(reserved(p.key) and not p.held_out for p in every)  # the rule does leave some out


def test_an_excluded_set_gives_no_training_pairs_and_a_typo_is_refused(data):
    from training.verifier import TrainError, _mix

    chosen, stats = _mix(data, 10_000, seed=0, exclude=("averitec",))
    assert chosen and not any(p.source == "averitec" for p in chosen) and "averitec" not in stats
    with_it, _ = _mix(data, 10_000, seed=0)
    assert any(p.source == "averitec" for p in with_it)
    with pytest.raises(TrainError, match="averitek"):
        _mix(data, 100, seed=0, exclude=("averitek",))


def test_cross_validation_folds_partition_the_claims_and_carry_their_passages():
    from eval.verdicts import EvalClaim, EvalSet
    from sources.model import Passage
    from studies.cv_averitec import fold_set

    claims = tuple(EvalClaim(str(i), f"claim {i}", "SUPPORTED") for i in range(40))
    passages = tuple(Passage(f"answer {i}", external_id=f"{i}-q0-a0") for i in range(40))
    full = EvalSet("averitec", "all", "x", claims, passages)
    parts = [fold_set(full, f) for f in range(5)]
    assert sorted(c.id for p in parts for c in p.claims) == sorted(c.id for c in claims)
    for p in parts:
        assert {x.external_id.split("-q")[0] for x in p.passages} == {c.id for c in p.claims}
