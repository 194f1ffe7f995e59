"""The verifier interface (verdicts/entail.py): specs, label mapping of any HF NLI model, mismatch signals, and the
bundled artifact on held-out VitaminC pairs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from claims.errors import FactcheckError
from verdicts.entail import (
    FEATURE_NAMES,
    STANCES,
    E5CrossVerifier,
    HFVerifier,
    get_verifier,
    map_nli_labels,
    mismatch_features,
)

CASES = Path(__file__).parent / "cases" / "verifier"


def _feature(vec, name):
    return float(vec[FEATURE_NAMES.index(name)])


# -- specs ----------------------------------------------------------------------------------------
def test_none_spec_gives_no_verifier(monkeypatch):
    assert get_verifier("none") is None
    monkeypatch.setenv("FACTCHECK_VERIFIER", "none")
    assert get_verifier() is None


def test_default_is_bundled(monkeypatch):
    monkeypatch.delenv("FACTCHECK_VERIFIER", raising=False)
    v = get_verifier()
    assert isinstance(v, E5CrossVerifier) and v.spec == "bundled"
    assert v.name.startswith("factcheck-verifier") and len(v.version) == 12


@pytest.mark.parametrize(
    "spec, code",
    [
        ("nonsense", "FC730"),
        ("hf:", "FC730"),
        ("dir:/nonexistent/verifier", "FC731"),
        ("hf:/nonexistent/dir/model", "FC733"),
        ("hf:nobody-owns-this/not-a-cached-model-xyz", "FC733"),
    ],
)
def test_bad_specs_give_coded_errors(spec, code):
    with pytest.raises(FactcheckError) as err:
        get_verifier(spec)
    assert err.value.code == code
    assert "bundled" in str(err.value) or "hf:" in str(err.value) or "train verifier" in str(err.value)


def test_dir_spec_with_wrong_format(tmp_path):
    (tmp_path / "verifier.json").write_text(json.dumps({"format": "something-else/9"}))
    (tmp_path / "verifier.safetensors").write_bytes(b"")
    with pytest.raises(FactcheckError) as err:
        get_verifier(f"dir:{tmp_path}")
    assert err.value.code == "FC731" and "something-else/9" in str(err.value)


def test_predict_needs_one_evidence_per_claim():
    v = get_verifier("bundled")
    with pytest.raises(FactcheckError) as err:
        v.predict(["a", "b"], ["only one"])
    assert err.value.code == "FC735"
    assert v.predict([], []).shape == (0, 3)


# -- any Hugging Face NLI model -------------------------------------------------------------------
def test_map_nli_labels():
    assert map_nli_labels({0: "ENTAILMENT", 1: "NEUTRAL", 2: "CONTRADICTION"}) == [0, 2, 1]
    assert map_nli_labels({"0": "contradiction", "1": "entailment", "2": "neutral"}) == [1, 0, 2]
    assert map_nli_labels({0: "SUPPORTS", 1: "REFUTES", 2: "NOT ENOUGH INFO"}) == [0, 1, 2]
    with pytest.raises(FactcheckError) as err:
        map_nli_labels({0: "LABEL_0", 1: "LABEL_1"})
    assert err.value.code == "FC729" and "LABEL_0" in str(err.value)


def _tiny_nli_model(path: Path, favour: int) -> Path:
    """A tiny BERT sequence-classification model + WordPiece tokenizer, saved like a hub NLI model.
    Its classifier ignores the text and favours output `favour` (so the label mapping is what is tested)."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "tower", "is", "tall", "not", "30", "m", "."]
    path.mkdir(parents=True, exist_ok=True)
    (path / "vocab.txt").write_text("\n".join(words) + "\n")
    tok = BertTokenizerFast(vocab_file=str(path / "vocab.txt"))
    config = BertConfig(
        vocab_size=len(words),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=3,
        id2label={0: "entailment", 1: "neutral", 2: "contradiction"},
        label2id={"entailment": 0, "neutral": 1, "contradiction": 2},
    )
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.copy_(torch.tensor([8.0 if i == favour else 0.0 for i in range(3)]))
    model.save_pretrained(str(path))
    tok.save_pretrained(str(path))
    return path


@pytest.mark.parametrize("favour, stance", [(0, "supports"), (1, "neutral"), (2, "refutes")])
def test_hf_model_from_a_local_directory(tmp_path, favour, stance):
    path = _tiny_nli_model(tmp_path / "nli", favour)
    v = get_verifier(f"hf:{path}")
    assert isinstance(v, HFVerifier) and v.name == "hf/nli" and v.version
    probs = v.predict(
        ["the tower is 30 m tall .", "the tower is not tall"] * 3,
        ["the tower is tall .", "the tower is 30 m ."] * 3,
        batch_size=4,
    )
    assert probs.shape == (6, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert (probs.argmax(axis=1) == STANCES.index(stance)).all()
    assert probs[:, STANCES.index(stance)].min() > 0.99


def test_hf_model_with_unmappable_labels(tmp_path):
    from transformers import AutoConfig

    path = _tiny_nli_model(tmp_path / "odd", 0)
    cfg = AutoConfig.from_pretrained(str(path))
    cfg.id2label = {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}
    cfg.label2id = {v: k for k, v in cfg.id2label.items()}
    cfg.save_pretrained(str(path))
    with pytest.raises(FactcheckError) as err:
        get_verifier(f"hf:{path}").predict(["a"], ["b"])
    assert err.value.code == "FC729"


# -- mismatch signals -----------------------------------------------------------------------------
def test_number_signals_respect_comparators():
    ok = mismatch_features(
        "Westlife made over 23.5 million sales in the UK.",
        "Westlife has a total of more than 24 million combined sales in the UK.",
    )
    bad = mismatch_features(
        "Westlife made under 23.5 million sales in the UK.",
        "Westlife has a total of more than 24 million combined sales in the UK.",
    )
    assert _feature(ok, "claim_has_number") == 1 and _feature(ok, "claim_number_satisfied") == 1
    assert _feature(bad, "claim_number_satisfied") == 0
    exact = mismatch_features("The stadium holds 84,115 fans.", "The biggest attendance was 62,241 fans.")
    assert _feature(exact, "claim_number_missing") == 1 and _feature(exact, "claim_number_satisfied") == 0


def test_date_and_negation_signals():
    f = mismatch_features("He was born in 1936.", "Abbas was born on 15 November 1935.")
    assert _feature(f, "claim_has_date") == 1 and _feature(f, "claim_date_missing") == 1
    g = mismatch_features("He was born in November 1935.", "Abbas was born on 15 November 1935.")
    assert _feature(g, "claim_date_match") == 1 and _feature(g, "claim_date_missing") == 0
    n = mismatch_features("Norge anerkjente ikke Palestina.", "Norway recognised Palestine in May 2024.")
    assert _feature(n, "claim_negated") == 1 and _feature(n, "negation_one_side") == 1
    assert _feature(mismatch_features("", ""), "content_overlap") == 0


# -- the bundled artifact -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundled():
    v = get_verifier("bundled")
    v.warm_up()
    return v


def test_bundled_predicts_probabilities(bundled):
    probs = bundled.predict(
        ["Abbas er 87 år gammel.", "The tower is 300 m tall."],
        ["Mahmoud Abbas was born on 15 November 1935.", "The tower is 300 metres tall."],
    )
    assert probs.shape == (2, 3) and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert bundled.version in (bundled.path / "MODEL_CARD.md").read_text()


def test_bundled_tells_the_supporting_revision_from_the_refuting_one(bundled):
    """24 held-out VitaminC real claims (tests/cases/verifier/vitaminc_contrast.jsonl, picked by a fixed rule before
    training: the first held-out cases whose supporting and refuting revisions differ in their numbers). The verifier
    must give the supporting revision the higher P(supports) - P(refutes) for most of them: chance is 12 of 24."""
    rows = [json.loads(line) for line in (CASES / "vitaminc_contrast.jsonl").read_text().splitlines()]
    claims = [r["claim"] for r in rows] * 2
    evidence = [r["supports"] for r in rows] + [r["refutes"] for r in rows]
    probs = bundled.predict(claims, evidence)
    margin = probs[:, 0] - probs[:, 1]
    wins = int((margin[: len(rows)] > margin[len(rows) :]).sum())
    assert wins >= 16, f"the supporting revision scored higher for only {wins} of {len(rows)} claims"


def test_int8_variant_is_named_apart_from_the_shipped_one(bundled):
    """Dynamic int8 is an opt-in speed variant: it must be recorded under its own name (its probabilities differ
    from the shipped bf16 model's by up to ~0.5 on these pairs, measured: see docs/verifier.md)."""
    v = get_verifier("bundled+int8")
    assert v.name == bundled.name + "+int8" and v.version == bundled.version and v.spec == "bundled+int8"
    claims = ["The tower is 300 m tall.", "The tower is 200 m tall.", "Abbas er 87 år gammel."]
    evidence = ["The tower is 300 metres tall.", "The tower is 300 metres tall.", "Mahmoud Abbas was born in 1935."]
    b = v.predict(claims, evidence)
    assert b.shape == (3, 3)
    np.testing.assert_allclose(b.sum(axis=1), 1.0, atol=1e-5)


def test_bf16_is_used_in_training_only_where_the_cpu_has_it():
    pytest.importorskip("torch", reason="needs torch: pip install torch==2.13.0 && pip install -e '.[hf]'")
    from click.testing import CliRunner

    from cli.main import cli
    from verdicts.entail import bf16_native

    assert isinstance(bf16_native(), bool)
    out = CliRunner().invoke(cli, ["train", "verifier", "--help"]).output
    assert "--bf16 / --no-bf16" in out and "natively" in out
