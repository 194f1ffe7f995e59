"""decide() with a verifier: stances from a fake verifier, aggregation into four labels, calibration,
review flags and provenance (no model loaded)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from claims.model import Claim, ClaimType, Comparator, Quantity, Span
from sources.model import Hit, Passage
from verdicts.decide import DISAGREE, NO_EVIDENCE, DecideConfig, decide, verifier_probabilities
from verdicts.model import Label, ModelInfo, Provenance, Stance

ANCHOR = dt.date(2024, 4, 30)
PROV = Provenance(run_id="run-1", code_version="0.1.0", models=(ModelInfo("e5", "1", "embedder"),))
CFG = dataclasses.replace(DecideConfig.load(), verifier_calibration=())


class FakeVerifier:
    """P(supports, refutes, neutral) looked up by evidence text; neutral for anything else."""

    name, version = "fake-verifier", "7"

    def __init__(self, table):
        self.table, self.calls = table, []

    def warm_up(self):
        pass

    def predict(self, claims, evidence, batch_size=32):
        self.calls.append((list(claims), list(evidence)))
        return np.asarray([self.table.get(e, (0.1, 0.1, 0.8)) for e in evidence], dtype=float)


def claim(text, quantities=(), checkworthy=0.8):
    return Claim(
        "a-test",
        text,
        Span(0, len(text)),
        language="en",
        quantities=tuple(quantities),
        checkworthy=checkworthy,
        anchor_date=ANCHOR,
        type=ClaimType.NUMERIC if quantities else ClaimType.EVENT,
    )


def hit(text, score, ext="P1", rank=1):
    p = Passage(
        text,
        source_url=f"https://example.org/{ext}",
        source_title=ext,
        publisher="Pub",
        published=ANCHOR,
        language="en",
        external_id=ext,
    )
    return Hit(p, score, rank, "dense", "load-1")


TALKS = claim("The unity talks between Fatah and Hamas took place in Beijing")
SUP = "Fatah and Hamas held unity talks in Beijing."
REF = "The unity talks between Fatah and Hamas were held in Cairo, not Beijing."
OFF = "The weather in Oslo was mild."


def test_verifier_supports_refutes_and_conflicts():
    v = FakeVerifier({SUP: (0.9, 0.05, 0.05), REF: (0.05, 0.85, 0.1)})
    s = decide(TALKS, [hit(SUP, 0.88)], provenance=PROV, config=CFG, verifier=v)
    assert s.label is Label.SUPPORTED and s.confidence == pytest.approx(0.9)
    assert s.evidence[0].stance is Stance.SUPPORTS and "verifier" in s.evidence[0].explanation
    r = decide(TALKS, [hit(REF, 0.88)], provenance=PROV, config=CFG, verifier=v)
    assert r.label is Label.REFUTED and "refuted" in " ".join(r.review.reasons)
    c = decide(TALKS, [hit(SUP, 0.88, "P1", 1), hit(REF, 0.87, "P2", 2)], provenance=PROV, config=CFG, verifier=v)
    assert c.label is Label.CONFLICTING and c.review.needed
    assert any("conflicting" in x for x in c.review.reasons)


def test_verifier_is_not_asked_about_off_topic_hits_and_records_provenance():
    v = FakeVerifier({OFF: (0.99, 0.0, 0.01)})  # would "support", but is below the on-topic gate
    out = decide(TALKS, [hit(OFF, 0.70)], provenance=PROV, config=CFG, verifier=v)
    assert v.calls == []
    assert out.label is Label.NOT_ENOUGH_EVIDENCE
    assert NO_EVIDENCE in out.review.reasons
    assert ModelInfo("fake-verifier", "7", "verifier") in out.provenance.models


def test_without_a_verifier_the_similarity_path_is_unchanged():
    plain = decide(TALKS, [hit(SUP, 0.90)], provenance=PROV, config=CFG)
    assert plain.label is Label.SUPPORTED  # near paraphrase by cosine
    assert not any(m.role == "verifier" for m in plain.provenance.models)
    v = FakeVerifier({SUP: (0.1, 0.1, 0.8)})  # the verifier reads it as neutral
    assert decide(TALKS, [hit(SUP, 0.90)], provenance=PROV, config=CFG, verifier=v).label is Label.NOT_ENOUGH_EVIDENCE


def test_rule_decides_and_a_disagreeing_verifier_flags_review():
    text = "Over 34,000 Palestinians have since been killed"
    over = claim(text, [Quantity(34000, Span(0, 11), "Over 34,000", "", Comparator.GT)])
    ev = "At least 34,535 people have been killed in the war, the health ministry said."
    agree = decide(over, [hit(ev, 0.86)], provenance=PROV, config=CFG, verifier=FakeVerifier({ev: (0.8, 0.1, 0.1)}))
    assert agree.label is Label.SUPPORTED and not any(DISAGREE in x for x in agree.review.reasons)
    odd = decide(over, [hit(ev, 0.86)], provenance=PROV, config=CFG, verifier=FakeVerifier({ev: (0.05, 0.9, 0.05)}))
    assert odd.label is Label.SUPPORTED  # rules win
    assert odd.review.needed and any(x.startswith(DISAGREE) for x in odd.review.reasons)


def test_calibration_maps_raw_scores_for_the_fitted_verifier_only():
    cal = (("fake-verifier@7", "SUPPORTED", 1.0, -1.0),)  # P = sigmoid(logit(raw) - 1)
    cfg = dataclasses.replace(CFG, verifier_calibration=cal)
    v = FakeVerifier({SUP: (0.9, 0.05, 0.05)})
    got = decide(TALKS, [hit(SUP, 0.88)], provenance=PROV, config=cfg, verifier=v).confidence
    expect = 1 / (1 + np.exp(-(np.log(0.9 / 0.1) - 1.0)))
    assert got == pytest.approx(expect, abs=1e-4)
    other = FakeVerifier({SUP: (0.9, 0.05, 0.05)})
    other.version = "8"
    assert decide(TALKS, [hit(SUP, 0.88)], provenance=PROV, config=cfg, verifier=other).confidence == pytest.approx(0.9)


def test_probabilities_for_all_claims_come_from_one_predict_call():
    v = FakeVerifier({SUP: (0.9, 0.05, 0.05), REF: (0.05, 0.85, 0.1)})
    claims = [TALKS, claim("Fatah and Hamas met in Beijing")]
    hit_lists = [[hit(SUP, 0.9), hit(OFF, 0.6, "P9", 2)], [hit(REF, 0.88)]]
    probs = verifier_probabilities(v, claims, hit_lists, CFG)
    assert len(v.calls) == 1 and len(v.calls[0][1]) == 2  # the off-topic hit is not sent
    assert probs[0].shape == (2, 3) and np.isnan(probs[0][1]).all()
    a = decide(claims[1], hit_lists[1], provenance=PROV, config=CFG, verifier_probs=probs[1])
    assert a.label is Label.REFUTED


def test_verify_claims_batches_the_verifier_once(tmp_db, hash_embedder):
    from sources.ingest import load_passages
    from sources.retrieve import Retriever
    from sources.store import Store
    from verdicts.pipeline import verify_claims

    with Store(tmp_db) as st:
        load_passages(
            st,
            [Passage(SUP, source_url="https://x.org/1"), Passage(REF, source_url="https://x.org/2")],
            hash_embedder,
            source_path="t",
            source_hash="h",
        )
        v = FakeVerifier({SUP: (0.9, 0.05, 0.05), REF: (0.05, 0.85, 0.1)})
        cfg = dataclasses.replace(CFG, verifier_min_similarity=-1.0, rule_min_similarity=-1.0)
        out = verify_claims(
            [TALKS, claim("Fatah and Hamas held talks in Cairo")],
            Retriever(st, hash_embedder),
            PROV,
            k=2,
            config=cfg,
            verifier=v,
        )
    assert len(v.calls) == 1 and len(v.calls[0][0]) == 4
    assert all(any(m.role == "verifier" for m in x.provenance.models) for x in out)
    assert out[0].label is Label.CONFLICTING


def test_calibration_fit_recovers_a_known_reliability_curve():
    from eval.verdicts import ece
    from training.calibrate import apply, fit

    rng = np.random.default_rng(0)
    raw = rng.uniform(0.5, 0.99, 3000)
    truth = 1 / (1 + np.exp(-(2.0 * np.log(raw / (1 - raw)) - 1.0)))  # right with this probability
    correct = list(rng.uniform(size=raw.size) < truth)
    labels = ["SUPPORTED"] * 2000 + ["REFUTED"] * 990 + ["CONFLICTING"] * 10
    cal = fit(labels, list(raw), correct)
    assert cal["SUPPORTED"]["a"] == pytest.approx(2.0, abs=0.4) and cal["SUPPORTED"]["b"] == pytest.approx(
        -1.0, abs=0.4
    )
    assert cal["CONFLICTING"].get("pooled")  # too few: the pooled fit
    assert ece(apply(cal, labels, list(raw)), correct)[0] < ece(list(raw), correct)[0]
    assert ece(apply(cal, labels, list(raw)), correct)[0] < 0.04


def test_long_passages_are_cut_to_the_sentences_that_share_words_with_the_claim():
    from verdicts.decide import focus

    filler = " ".join(f"Background sentence number {i} about unrelated cohorts." for i in range(12))
    key = "Vitamin D supplementation reduced fracture risk in elderly women."
    text = filler + " " + key
    got = focus("Vitamin D supplementation lowers fracture risk", text, max_chars=200)
    assert key in got and len(got) <= 200 + len(key)
    assert focus("anything", "Short passage.") == "Short passage."
