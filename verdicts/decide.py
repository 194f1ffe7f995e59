"""Evidence -> verdict: exact rules first, similarity second, one label with a calibrated confidence.

    verdict = decide(claim, hits, provenance=prov)            # config from verdicts/thresholds.json

Per hit: the rule result of `verdicts.rules.check` when a rule applies (rules override similarity), else a
similarity stance from the retrieval cosine: >= support -> SUPPORTS (weak), >= relevant -> NEUTRAL, below ->
UNRELATED. Unrelated hits stay out of the evidence, except that a verdict with no relevant evidence keeps the
`keep_unrelated` closest ones, marked UNRELATED, so a reviewer sees what was searched.

Aggregation: rule strengths are combined per side by noisy-or (count figures superseded by a closer-dated
figure are left out); both sides strong and comparable -> CONFLICTING; else the stronger decisive side wins;
without a decisive rule a claim can be SUPPORTED by similarity only when it states no number, age or
exclusivity. Confidence for similarity decisions comes from the Platt calibrations tuned by
`python -m eval.tune_verdicts`; for rule decisions it is the combined rule strength (hand-set, see rules.py).
"""
from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claims.model import Claim
from sources.model import Hit
from verdicts import rules
from verdicts.model import Evidence, Label, Provenance, Review, Stance, Verdict
from verdicts.rules import RULES_VERSION, RuleResult

THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.json"

__all__ = ["DecideConfig", "RULES_VERSION", "decide", "THRESHOLDS_PATH"]

NOT_CHECKABLE = "opinion or prediction: not checkable"
NO_EVIDENCE = "check-worthy claim without evidence"
EXCLUSIVITY = "exclusivity not established"
CONFLICT = "conflicting evidence"
REFUTED_HIGH = "refuted with high confidence"
SIMILARITY_GATED = ("exclusivity", "date")   # rules that rely on the passage being about the claim


@dataclass(frozen=True, slots=True)
class DecideConfig:
    relevant: float = 0.83              # cosine at or above which a hit is on topic (tuned)
    support: float = 0.86               # cosine at or above which a hit weakly supports (tuned)
    rule_min_similarity: float = 0.82   # cosine below which exclusivity/date rules are not trusted (tuned)
    review_below: float = 0.6           # confidence below which a verdict goes to review
    decisive: float = 0.5               # combined rule strength that decides a side
    conflict_ratio: float = 0.6         # weaker/stronger side at or above which the verdict is CONFLICTING
    checkworthy_min: float = 0.5        # check-worthiness from which a claim without evidence is flagged
    keep_unrelated: int = 3             # closest unrelated hits kept when nothing is relevant
    max_confidence: float = 0.97
    not_checkable_confidence: float = 0.9
    cross_lingual_allowance: float = 0.03  # cosine added when claim and passage languages differ (hand-set)
    relevant_a: float = 60.0            # P(on topic | cos) = sigmoid(a*cos + b)
    relevant_b: float = -50.0
    support_a: float = 30.0             # P(supports | cos) = sigmoid(a*cos + b)
    support_b: float = -26.0
    source: str = ""                    # the file the values came from

    @classmethod
    def load(cls, path: str | Path | None = None) -> "DecideConfig":
        """Read thresholds.json (default: the one next to this module). Unknown keys are ignored."""
        p = Path(path) if path else THRESHOLDS_PATH
        data = json.loads(p.read_text(encoding="utf-8"))
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        cal = data.get("calibration", {})
        for side in ("relevant", "support"):
            if side in cal:
                values[f"{side}_a"] = float(cal[side]["a"])
                values[f"{side}_b"] = float(cal[side]["b"])
        values["source"] = str(p)
        return cls(**values)

    def p_relevant(self, cos: float) -> float:
        return _sigmoid(self.relevant_a * cos + self.relevant_b)

    def p_support(self, cos: float) -> float:
        return _sigmoid(self.support_a * cos + self.support_b)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, x))))


_LANG_GROUPS = {"nb": "no", "nn": "no", "no": "no", "nob": "no", "nno": "no"}


def _cross_lingual(claim: Claim, hit: Hit) -> bool:
    a = _LANG_GROUPS.get(claim.language, claim.language)
    b = _LANG_GROUPS.get(hit.passage.language, hit.passage.language)
    return bool(a and b and a != b)


@dataclass(slots=True)
class _Item:
    hit: Hit
    cos: float                       # retrieval cosine, plus the cross-lingual allowance
    stance: Stance
    score: float
    rule: str = ""
    explanation: str = ""
    result: RuleResult | None = None
    superseded: bool = False


def _label_of(hit: Hit) -> str:
    p = hit.passage
    return p.external_id or p.id


def _similarity_item(hit: Hit, cos: float, cfg: DecideConfig, capped: str) -> _Item:
    """Stance from the cosine alone; `capped` names why this claim cannot be supported by similarity ("" if it can)."""
    shown = f"cosine {hit.score:.3f}" + (f" +{cos - hit.score:.2f} cross-lingual" if cos != hit.score else "")
    if cos >= cfg.support and not capped:
        return _Item(hit, cos, Stance.SUPPORTS, round(cfg.p_support(cos), 4), "",
                     f"near paraphrase of the claim ({shown} >= {cfg.support:.3f}); no exact rule applied")
    if cos >= cfg.relevant:
        why = capped if capped and cos >= cfg.support else "does not decide it"
        return _Item(hit, cos, Stance.NEUTRAL, round(cfg.p_relevant(cos), 4), "",
                     f"on topic ({shown} >= {cfg.relevant:.3f}) but {why}")
    return _Item(hit, cos, Stance.UNRELATED, round(1 - cfg.p_relevant(cos), 4), "",
                 f"not about the claim ({shown} < {cfg.relevant:.3f})")


def _date_preference(it: _Item, anchor) -> tuple[int, int]:
    """Smaller is better: dated on/before the claim and closest to it, then after it, then undated."""
    d = it.hit.passage.published
    if d is None:
        return (2, 0)
    if anchor is None:
        return (0, -d.toordinal())
    gap = (anchor - d).days
    return (0, gap) if gap >= 0 else (1, -gap)


def _supersede_counts(items: list[_Item], claim: Claim) -> None:
    """A count is valid at a date: keep the figure dated on/before the claim and closest to it; drop older or
    later figures that disagree with it from the aggregation (they stay as evidence, marked)."""
    counted = [it for it in items if it.rule == "quantity" and it.stance in (Stance.SUPPORTS, Stance.REFUTES)]
    if len(counted) < 2:
        return
    def key(it: _Item):
        return _date_preference(it, claim.anchor_date)

    best = min(counted, key=lambda it: (key(it), -it.score))
    bk = key(best)
    for it in counted:
        k = key(it)
        if it.stance is not best.stance and (k[0] != bk[0] or k[1] > bk[1] + 3):
            it.superseded = True
            it.score = round(it.score * 0.5, 4)
            it.explanation += f" (superseded by the closer-dated figure in {_label_of(best.hit)})"


def _noisy_or(scores: list[float]) -> float:
    p = 1.0
    for s in scores:
        p *= 1.0 - s
    return 1.0 - p


def _evidence(it: _Item) -> Evidence:
    p = it.hit.passage
    return Evidence(
        passage_id=p.id, text=p.text, source_url=p.source_url, source_title=p.source_title, publisher=p.publisher,
        published=p.published, span=p.span, retrieval_score=float(it.hit.score), rank=it.hit.rank, stance=it.stance,
        stance_score=float(min(1.0, max(0.0, it.score))), rule=it.rule, explanation=it.explanation,
        load_id=it.hit.load_id, language=p.language,
    )


def _where(it: _Item) -> str:
    p = it.hit.passage
    who = p.publisher or p.source_title or p.source_url or "source"
    when = p.published.isoformat() if p.published else "undated"
    return f"{_label_of(it.hit)}, {who}, {when}"


def decide(claim: Claim, hits: Sequence[Hit], *, provenance: Provenance,
           config: DecideConfig | None = None) -> Verdict:
    """One verdict for one claim from its retrieved hits. Deterministic: same inputs, same verdict id.

    `provenance` is used as given, except that an empty rules_version is set to RULES_VERSION and empty
    store_load_ids are filled from the hits' load ids.
    """
    cfg = config or DecideConfig.load()
    numeric = any(not q.is_year for q in claim.quantities)
    capped = ("states no matching figure" if numeric
              else "does not state exclusivity" if claim.exclusive else "")
    items: list[_Item] = []
    rule_errors: list[str] = []
    for hit in sorted(hits, key=lambda h: (-h.score, h.rank, h.passage.id)):
        cos = float(hit.score) + (cfg.cross_lingual_allowance if _cross_lingual(claim, hit) else 0.0)
        try:
            rr = rules.check(claim, hit.passage)
        except Exception as exc:  # one odd passage must not sink the claim; the reviewer is told
            rr = None
            rule_errors.append(f"rule error on {_label_of(hit)}: {type(exc).__name__}")
        if rr is not None and rr.rule in SIMILARITY_GATED and cos < cfg.rule_min_similarity:
            rr = None   # "only"/date words in a passage about something else say nothing about the claim
        if rr is not None:
            items.append(_Item(hit, cos, rr.stance, rr.score, rr.rule, rr.explanation, rr))
        else:
            items.append(_similarity_item(hit, cos, cfg, capped))
    _supersede_counts(items, claim)

    reasons: list[str] = list(rule_errors)
    ruled = [it for it in items if it.rule and not it.superseded]
    strong = [it for it in ruled if it.rule != "date"]   # date signals never decide alone
    sup = [it.score for it in ruled if it.stance is Stance.SUPPORTS]
    ref = [it.score for it in ruled if it.stance is Stance.REFUTES]
    S, R = _noisy_or(sup), _noisy_or(ref)
    has_strong_sup = any(it.stance is Stance.SUPPORTS for it in strong)
    has_strong_ref = any(it.stance is Stance.REFUTES for it in strong)
    relevant = [it for it in items if it.stance is not Stance.UNRELATED]
    best_cos = max((it.cos for it in items), default=None)

    decided_by: list[_Item] = []
    if (S >= cfg.decisive and R >= cfg.decisive and has_strong_sup and has_strong_ref
            and min(S, R) / max(S, R) >= cfg.conflict_ratio):
        label, conf = Label.CONFLICTING, min(S, R)
        decided_by = [it for it in ruled if it.stance in (Stance.SUPPORTS, Stance.REFUTES)]
    elif R >= cfg.decisive and R >= S and has_strong_ref:
        label, conf = Label.REFUTED, R * (1 - 0.5 * S)
        decided_by = [it for it in ruled if it.stance is Stance.REFUTES]
    elif S >= cfg.decisive and has_strong_sup:
        label, conf = Label.SUPPORTED, S * (1 - 0.5 * R)
        decided_by = [it for it in ruled if it.stance is Stance.SUPPORTS]
    else:
        sim_sup = [it for it in items if not it.rule and it.stance is Stance.SUPPORTS]
        if sim_sup and not ref:
            top = max(sim_sup, key=lambda it: it.cos)
            label, conf = Label.SUPPORTED, cfg.p_support(top.cos)
            decided_by = [top]
        elif relevant:
            label = Label.NOT_ENOUGH_EVIDENCE
            conf = 1.0 - cfg.p_support(max(it.cos for it in relevant))
        else:
            label = Label.NOT_ENOUGH_EVIDENCE
            conf = 1.0 - cfg.p_relevant(best_cos) if best_cos is not None else cfg.max_confidence
        if ref:
            reasons.append("weak refutation signal: " + "; ".join(it.explanation for it in ruled
                                                                   if it.stance is Stance.REFUTES)[:300])

    if not claim.checkable:
        label, conf, decided_by = Label.NOT_ENOUGH_EVIDENCE, cfg.not_checkable_confidence, []
        reasons.insert(0, NOT_CHECKABLE)
    conf = round(min(cfg.max_confidence, max(1.0 - cfg.max_confidence, conf)), 4)

    # Review reasons.
    if label is Label.REFUTED:
        reasons.append(REFUTED_HIGH if conf >= cfg.review_below else "refuted")
    if label is Label.CONFLICTING:
        reasons.append(CONFLICT)
    if claim.checkable and conf < cfg.review_below:
        reasons.append(f"low confidence ({conf:.2f} < {cfg.review_below:.2f})")
    if claim.checkable and not relevant and claim.checkworthy >= cfg.checkworthy_min:
        reasons.append(NO_EVIDENCE)
    if claim.exclusive and not any(it.rule == "exclusivity" and it.stance is Stance.SUPPORTS for it in items):
        reasons.append(EXCLUSIVITY)
    undated = [it for it in relevant if it.hit.passage.published is None
               and (it in decided_by or it.explanation.startswith("undated"))]
    if undated:
        reasons.append("undated evidence: " + ", ".join(sorted({_label_of(it.hit) for it in undated})))
    if claim.checkable:
        needed = bool(reasons)
    else:
        needed = claim.checkworthy >= cfg.checkworthy_min and len(reasons) > 1

    # Evidence: relevant items, rule-decided first, then by retrieval score.
    kept = relevant or sorted(items, key=lambda it: -it.hit.score)[: cfg.keep_unrelated]
    kept = sorted(kept, key=lambda it: (0 if it.rule else 1, -it.hit.score, it.hit.rank, it.hit.passage.id))
    evidence = tuple(_evidence(it) for it in kept)

    # One-line explanation.
    if not claim.checkable:
        explanation = f"{label.value}: {NOT_CHECKABLE}"
    elif decided_by:
        pref = {id(it): _date_preference(it, claim.anchor_date) for it in decided_by}
        top = min(decided_by, key=lambda it: (not it.rule, -it.score, pref[id(it)], -it.hit.score))
        n_sup = sum(1 for it in ruled if it.stance is Stance.SUPPORTS)
        n_ref = sum(1 for it in ruled if it.stance is Stance.REFUTES)
        tally = f" [{n_sup} supporting, {n_ref} refuting by rules]" if top.rule else ""
        kind = f"{top.rule}: " if top.rule else ""
        explanation = f"{label.value}: {kind}{top.explanation} ({_where(top)}){tally}"
    elif relevant:
        explanation = (f"{label.value}: {len(relevant)} on-topic source(s), none decides the claim"
                       + (f"; {relevant[0].explanation}" if relevant[0].rule else ""))
    elif best_cos is not None:
        explanation = f"{label.value}: no relevant evidence (best cosine {best_cos:.3f} < {cfg.relevant:.3f})"
    else:
        explanation = f"{label.value}: no evidence retrieved"

    prov = provenance
    if not prov.rules_version:
        prov = dataclasses.replace(prov, rules_version=RULES_VERSION)
    if not prov.store_load_ids:
        loads = tuple(sorted({e.load_id for e in evidence if e.load_id}))
        if loads:
            prov = dataclasses.replace(prov, store_load_ids=loads)

    return Verdict(claim=claim, label=label, confidence=conf, evidence=evidence,
                   review=Review(needed=needed, reasons=tuple(dict.fromkeys(reasons))),
                   provenance=prov, explanation=explanation)
