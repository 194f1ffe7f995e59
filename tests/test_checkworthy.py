"""Check-worthiness: the logistic regression, the transparent features, the shipped model on real text."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from claims.checkworthy import (
    ARTIFACT,
    CARD,
    FEATURES,
    CheckworthyModel,
    features,
    fit_logistic,
    load_model,
    score_claims,
)
from claims.errors import ModelError
from claims.extract import extract_claims
from claims.segment import split_sentences


def test_fit_logistic_separates_and_matches_the_gradient_condition():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 3))
    y = (x[:, 0] - 2 * x[:, 1] + 0.3 * rng.normal(size=300) > 0).astype(float)
    w, b, mean, scale = fit_logistic(x, y, l2=1.0)
    m = CheckworthyModel(w, b, mean, scale, 0.5, use_embeddings=False)
    p = m.score_matrix(x)
    assert ((p >= 0.5) == (y == 1)).mean() > 0.9
    # at the optimum the penalised gradient is zero (what Newton's method solves for)
    xs = (x - mean) / scale
    grad = xs.T @ (p - y) + 1.0 * w
    assert np.abs(grad).max() < 1e-4
    assert w[0] > 0 > w[1]


def test_features_are_transparent_and_language_aware():
    f = features(
        ["Over 34.000 palestinere er drept siden 7. oktober 2023, sier Lin Jian.", "Jeg tror kanskje det går bra?"],
        "nb",
    )
    row = dict(zip(FEATURES, f[0]))
    assert row["quantity"] == 1 and row["date"] == 1 and row["reported"] == 1 and row["opinion"] == 0
    row = dict(zip(FEATURES, f[1]))
    assert row["opinion"] == 1 and row["question"] == 1 and row["first_person"] == 1 and row["quantity"] == 0


def test_missing_or_broken_model_files_are_coded_errors(tmp_path):
    with pytest.raises(ModelError, match="FC131"):
        load_model(str(tmp_path / "none.npz"))
    bad = tmp_path / "bad.npz"
    np.savez(bad, nothing=np.zeros(1))
    with pytest.raises(ModelError, match="FC132"):
        load_model(str(bad))


def test_saved_model_round_trips(tmp_path):
    m = CheckworthyModel(
        np.arange(len(FEATURES), dtype=np.float32) / 10,
        -0.5,
        np.zeros(len(FEATURES)),
        np.ones(len(FEATURES)),
        0.4,
        use_embeddings=False,
    )
    path = tmp_path / "m.npz"
    m.save(path)
    back = load_model(str(path))
    texts = ["Over 34,000 people were killed.", "I think so."]
    assert np.allclose(back.score(texts, "en"), m.score(texts, "en"), atol=1e-6)
    assert back.threshold == pytest.approx(0.4) and not back.use_embeddings


@pytest.mark.skipif(not ARTIFACT.exists(), reason="no shipped model: run python -m training.checkworthy")
def test_shipped_model_ranks_facts_above_opinions_in_norwegian_and_english():
    """The real artifact with the real e5 model; trained on English, it must transfer to Norwegian."""
    card = json.loads(CARD.read_text(encoding="utf-8"))
    assert card["metrics"]["checkthat2022_1a_dev_test"]["f1_positive"] > 0.3
    model = load_model()
    facts = [
        "Over 34.000 palestinere er drept i israelske angrep i Gaza siden 7. oktober.",
        "More than 34,000 Palestinians have been killed in Gaza since 7 October.",
    ]
    chatter = ["Jeg håper alle får en fin helg!", "Good morning everyone, have a lovely day!"]
    s = model.score(facts + chatter, "")
    assert min(s[:2]) > max(s[2:])
    text = "Over 34.000 palestinere er drept i Gaza. Jeg tror det blir bedre."
    claims = extract_claims("x", text, split_sentences(text, "nb"), language="nb", published=dt.date(2024, 4, 30))
    scored = score_claims(claims, model)
    assert [c.text for c in scored] == [c.text for c in claims]
    assert scored[0].checkworthy > scored[1].checkworthy
    assert not scored[1].checkable  # the opinion stays marked not checkable whatever its score


def test_score_claims_uses_given_vectors_instead_of_embedding():
    """Retrieval embeds the claims in query mode already; the pipeline can hand those vectors over."""
    d = 384 + len(FEATURES)
    w = np.zeros(d, dtype=np.float32)
    w[0] = 5.0  # only the first embedding dimension counts
    m = CheckworthyModel(w, 0.0, np.zeros(d), np.ones(d), 0.5)
    text = "Over 34.000 palestinere er drept i Gaza. Hamas vant valget i januar 2006."
    claims = extract_claims("x", text, split_sentences(text, "nb"), language="nb", published=dt.date(2024, 4, 30))
    vecs = np.zeros((len(claims), 384), dtype=np.float32)
    vecs[0, 0], vecs[1, 0] = 1.0, -1.0
    scored = score_claims(claims, m, vectors=vecs)
    assert scored[0].checkworthy > 0.99 and scored[1].checkworthy < 0.01


def test_rules_checkworthiness_for_free_text():
    from claims.extract import rules_checkworthiness

    s = rules_checkworthiness(["Over 34,000 people were killed in Gaza since 7 October 2023.", "I think so."], "en")
    assert s[0] >= 0.7 and s[1] < 0.5


def test_eval_checkworthy_reports_the_model_and_the_rule_score(tmp_path):
    from eval.claims import eval_checkworthy

    tsv = tmp_path / "cw.tsv"
    tsv.write_text(
        "topic\ttweet_id\ttweet_url\ttweet_text\tclass_label\n"
        "c\t1\tu\tOver 34,000 people were killed in Gaza since 7 October 2023.\t1\n"
        "c\t2\tu\tGood morning, have a lovely day!\t0\n"
        "c\t3\tu\tI think this is fine\t0\n",
        encoding="utf-8",
    )
    m = CheckworthyModel(
        np.ones(len(FEATURES), dtype=np.float32),
        -3.0,
        np.zeros(len(FEATURES)),
        np.ones(len(FEATURES)),
        0.5,
        use_embeddings=False,
    )
    r = eval_checkworthy(tsv, model=m)
    assert r["n"] == 3 and r["positives"] == 1
    assert r["rules"]["threshold"] == 0.5 and r["rules"]["auc"] == 1.0 and r["rules"]["f1"] == 1.0
