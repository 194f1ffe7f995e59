"""The verdict aggregator (verdicts/aggregate.py): fitting on labelled claims, the saved file, its use by
decide() for the verifier it was fitted with only, and the verifier's language gate."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np
import pytest

from claims.model import Claim, ClaimType, Span
from sources.model import Hit, Passage
from training.fit_aggregator import cross_validate, fit
from verdicts import aggregate
from verdicts.aggregate import FEATURES, LABELS, Aggregator, feature_vector, load_aggregator
from verdicts.decide import DecideConfig, claim_features, decide, verifier_probabilities
from verdicts.model import Label, ModelInfo, Provenance

ANCHOR = dt.date(2024, 4, 30)
PROV = Provenance(run_id="run-1", code_version="0.1.0", models=(ModelInfo("e5", "1", "embedder"),))
CFG = dataclasses.replace(DecideConfig.load(), verifier_calibration=())


class FakeVerifier:
    name, version = "fake-verifier", "agg-1"

    def __init__(self, table, languages=None):
        self.table, self.calls, self.languages = table, [], languages

    def warm_up(self):
        pass

    def predict(self, claims, evidence, batch_size=32):
        self.calls.append((list(claims), list(evidence)))
        return np.asarray([self.table.get(e, (0.1, 0.1, 0.8)) for e in evidence], dtype=float)


def claim(text, language="en"):
    return Claim(
        "a-test", text, Span(0, len(text)), language=language, checkworthy=0.8, anchor_date=ANCHOR, type=ClaimType.EVENT
    )


def hit(text, score, ext="P1", language="en"):
    p = Passage(
        text,
        source_url=f"https://example.org/{ext}",
        source_title=ext,
        publisher="Pub",
        published=ANCHOR,
        language=language,
        external_id=ext,
    )
    return Hit(p, score, 1, "dense", "load-1")


def synthetic(n=600, seed=0):
    """Claims whose label follows the verifier's strongest side, as real data roughly does."""
    rng = np.random.default_rng(seed)
    X, y, sets = [], [], []
    for i in range(n):
        label = LABELS[i % 3]
        s, r = (0.8, 0.1) if label == "SUPPORTED" else (0.1, 0.8) if label == "REFUTED" else (0.2, 0.2)
        s, r = float(np.clip(s + rng.normal(0, 0.1), 0.01, 0.98)), float(np.clip(r + rng.normal(0, 0.1), 0.01, 0.98))
        read = [(0.86, (s, r, max(0.0, 1 - s - r)))]
        X.append(feature_vector([0.86, 0.8], read, 0.0, 0.0, False))
        y.append(label)
        sets.append("a" if i % 2 else "b")
    return np.asarray(X), y, sets


def test_fit_learns_the_labels_and_the_file_round_trips(tmp_path):
    X, y, sets = synthetic()
    agg = fit(X, y, sets, "fake-verifier@agg-1", {"command": "test"})
    pred = [max(p, key=p.get) for p in (agg.proba(x) for x in X)]
    assert np.mean([a == b for a, b in zip(pred, y)]) > 0.9
    p = agg.proba(X[0])
    assert set(p) == set(LABELS) and sum(p.values()) == pytest.approx(1.0)
    assert p[Label.CONFLICTING.value] < 1e-6  # never seen in the fit data: never predicted
    again = Aggregator.from_json(json.loads(json.dumps(agg.to_json())))
    assert again.proba(X[5]) == pytest.approx(agg.proba(X[5]))
    cv = cross_validate(X, y, sets)
    assert set(cv) == {"a", "b"} and min(cv.values()) > 0.85


def test_a_file_for_other_features_or_another_verifier_is_not_used(tmp_path):
    X, y, sets = synthetic(90)
    path = tmp_path / "aggregator.json"
    path.write_text(json.dumps(fit(X, y, sets, "fake-verifier@agg-1", {}).to_json()))
    assert load_aggregator("fake-verifier@agg-1", path) is not None
    assert load_aggregator("fake-verifier@other", path) is None
    data = json.loads(path.read_text())
    data["features"] = data["features"][:-1]
    path.write_text(json.dumps(data))
    assert load_aggregator("fake-verifier@agg-1", path) is None
    assert load_aggregator("fake-verifier@agg-1", tmp_path / "missing.json") is None


def test_decide_takes_the_label_and_confidence_from_the_fitted_aggregator(tmp_path, monkeypatch):
    X, y, sets = synthetic()
    path = tmp_path / "aggregator.json"
    path.write_text(json.dumps(fit(X, y, sets, "fake-verifier@agg-1", {}).to_json()))
    monkeypatch.setattr(aggregate, "AGGREGATOR_PATH", path)
    sup, ref = "Fatah and Hamas held talks in Beijing.", "The talks were held in Cairo, not Beijing."
    v = FakeVerifier({sup: (0.75, 0.1, 0.15), ref: (0.1, 0.7, 0.2)})
    c = claim("The talks between Fatah and Hamas took place in Beijing")
    hits = [hit(sup, 0.87)]
    out = decide(c, hits, provenance=PROV, config=CFG, verifier=v)
    probs = verifier_probabilities(v, [c], [hits], CFG)[0]
    expected = load_aggregator("fake-verifier@agg-1", path).proba(
        claim_features(c, hits, verifier_probs=probs, config=CFG)
    )
    assert out.label is Label.SUPPORTED
    assert out.confidence == pytest.approx(min(CFG.max_confidence, expected["SUPPORTED"]), abs=1e-4)
    assert out.evidence[0].passage_id == hits[0].passage.id
    refuted = decide(c, [hit(ref, 0.87, "P2")], provenance=PROV, config=CFG, verifier=v)
    assert refuted.label is Label.REFUTED and "refuted" in " ".join(refuted.review.reasons)


def test_features_follow_the_declared_names():
    x = feature_vector([0.9, 0.7], [(0.9, (0.7, 0.2, 0.1))], 0.3, 0.0, True)
    named = dict(zip(FEATURES, x))
    assert len(x) == len(FEATURES)
    assert named["best_cos"] == 0.9 and named["read_share"] == 0.5 and named["max_sup"] == 0.7
    assert named["rule_sup"] == 0.3 and named["numeric"] == 1.0
    empty = dict(zip(FEATURES, feature_vector([0.7], [], 0.0, 0.0, False)))
    assert empty["any_read"] == 0.0 and empty["min_neu"] == 1.0


def test_a_verifier_reads_only_the_languages_it_was_trained_on():
    sup = "Fatah og Hamas møttes i Beijing."
    v = FakeVerifier({sup: (0.1, 0.1, 0.8)}, languages=("en",))
    no_claim = claim("Fatah og Hamas har møttes i Beijing", language="nb")
    assert verifier_probabilities(v, [no_claim], [[hit(sup, 0.90, language="no")]], CFG) == [None]
    assert v.calls == []
    out = decide(no_claim, [hit(sup, 0.90, language="no")], provenance=PROV, config=CFG, verifier=v)
    plain = decide(no_claim, [hit(sup, 0.90, language="no")], provenance=PROV, config=CFG)
    assert out.label is plain.label is Label.SUPPORTED  # judged as without a verifier
    en = claim("Fatah and Hamas met in Beijing")
    rows = verifier_probabilities(v, [en], [[hit(sup, 0.90, "P1", "no"), hit("Fatah and Hamas met.", 0.9, "P2")]], CFG)[
        0
    ]
    assert np.isnan(rows[0]).all() and not np.isnan(rows[1]).any()


def test_a_label_against_every_verifier_reading_is_flagged_for_review(tmp_path, monkeypatch):
    from verdicts.decide import VERIFIER_AGAINST

    path = tmp_path / "aggregator.json"
    n = len(FEATURES)
    coef = np.zeros((4, n))
    coef[0, FEATURES.index("max_ref")] = 5.0  # a perverse fit: more P(refutes), more SUPPORTED
    agg = Aggregator("fake-verifier@agg-1", LABELS, FEATURES, np.zeros(n), np.ones(n), coef, np.zeros(4), {})
    path.write_text(json.dumps(agg.to_json()))
    monkeypatch.setattr(aggregate, "AGGREGATOR_PATH", path)
    ref = "The talks were held in Cairo, not Beijing."
    v = FakeVerifier({ref: (0.1, 0.8, 0.1)})
    out = decide(
        claim("The talks between Fatah and Hamas took place in Beijing"),
        [hit(ref, 0.87)],
        provenance=PROV,
        config=CFG,
        verifier=v,
    )
    assert out.label is Label.SUPPORTED and out.review.needed
    assert any(r.startswith(VERIFIER_AGAINST) and "refutes 0.80" in r for r in out.review.reasons)
    sup = "Fatah and Hamas held talks in Beijing."
    agreeing = decide(
        claim("The talks between Fatah and Hamas took place in Beijing"),
        [hit(sup, 0.87)],
        provenance=PROV,
        config=CFG,
        verifier=FakeVerifier({sup: (0.8, 0.1, 0.1)}),
    )
    assert not any(r.startswith(VERIFIER_AGAINST) for r in agreeing.review.reasons)


def test_gate_tuning_cross_validates_and_keeps_the_rules_labels():
    from training.tune_gate import cross_validated_accuracy

    rng = np.random.default_rng(0)
    rows = []
    for i in range(200):
        label = ("SUPPORTED", "REFUTED")[i % 2]
        x = rng.normal(0, 0.3, len(FEATURES))
        x[FEATURES.index("max_sup")] += 1.0 if label == "SUPPORTED" else 0.0
        x[FEATURES.index("max_ref")] += 1.0 if label == "REFUTED" else 0.0
        rule = i % 10 == 0  # a rule decided, wrongly: its label is kept, not the aggregator's
        rows.append(("a" if i < 100 else "b", x, label, "CONFLICTING" if rule else "", "rule" if rule else "verifier"))
    acc = cross_validated_accuracy(rows, {"a", "b"})
    assert 0.85 <= acc["a"] <= 0.9 and 0.85 <= acc["b"] <= 0.9  # separable, less the 10 % rule claims
    assert acc["mean"] == round((acc["a"] + acc["b"]) / 2, 3)
    only_a = cross_validated_accuracy(rows, {"a"})  # b predicted by a fit on a alone
    assert set(only_a) == {"a", "b", "mean"}
