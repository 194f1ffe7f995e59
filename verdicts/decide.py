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
`python -m training.tune_verdicts`; for rule decisions it is the combined rule strength (hand-set, see rules.py).

With a verifier (verdicts.entail.Verifier, or its per-hit probabilities precomputed by `verifier_probs`):
hits that no rule decides and that are on topic (cosine >= `verifier_min_similarity`) take the verifier's
stance (argmax of supports / refutes / neutral). Without a decisive rule, the claim is aggregated from the
verifier: s = max P(supports), r = max P(refutes) over on-topic hits; both >= `verifier_decisive` ->
CONFLICTING, else the larger side at or above it, else NOT_ENOUGH_EVIDENCE. The raw score of the label
(s, r, min(s, r), 1 - max(s, r)) is mapped to a probability that the label is right by the per-label Platt
calibration in thresholds.json (`verifier_calibration`, fitted by `python -m training.calibrate` on training
splits only), used when it was fitted for the same verifier name and version. A rule decision whose hit
the verifier reads the other way is flagged "exact check and verifier disagree". See docs/verdicts.md.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claims.cues import now_marker, superlative_marker
from claims.model import Claim
from claims.normalise import causal_marker, normalise_language
from sources.model import Hit
from verdicts import rules
from verdicts.aggregate import feature_vector, load_aggregator
from verdicts.model import Evidence, Label, ModelInfo, Provenance, Review, Stance, Verdict
from verdicts.rules import RULES_VERSION, RuleResult

THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.json"

__all__ = ["DecideConfig", "RULES_VERSION", "decide", "THRESHOLDS_PATH", "verifier_probabilities", "verifier_info"]

NOT_CHECKABLE = "opinion or prediction: not checkable"
NO_EVIDENCE = "check-worthy claim without evidence"
EXCLUSIVITY = "exclusivity not established"
CONFLICT = "conflicting evidence"
REFUTED_HIGH = "refuted with high confidence"
DISAGREE = "exact check and verifier disagree"
VERIFIER_AGAINST = "label goes against the verifier's reading"
VERIFIER_STANCES = (Stance.SUPPORTS, Stance.REFUTES, Stance.NEUTRAL)  # column order of Verifier.predict
SIMILARITY_GATED = ("exclusivity", "date")  # rules that rely on the passage being about the claim


@dataclass(frozen=True, slots=True)
class DecideConfig:
    relevant: float = 0.83  # cosine at or above which a hit is on topic (tuned)
    support: float = 0.86  # cosine at or above which a hit weakly supports (tuned)
    rule_min_similarity: float = 0.82  # cosine below which exclusivity/date rules are not trusted (tuned)
    review_below: float = 0.6  # confidence below which a verdict goes to review
    # a REFUTED at or above this is "refuted with high confidence": chosen on real articles for REFUTED precision
    # (python -m training.calibrate_articles --write)
    refuted_high: float = 0.6
    decisive: float = 0.5  # combined rule strength that decides a side
    conflict_ratio: float = 0.6  # weaker/stronger side at or above which the verdict is CONFLICTING
    checkworthy_min: float = 0.5  # check-worthiness from which a claim without evidence is flagged
    keep_unrelated: int = 3  # closest unrelated hits kept when nothing is relevant
    max_confidence: float = 0.97
    not_checkable_confidence: float = 0.9
    cross_lingual_allowance: float = 0.03  # cosine added when claim and passage languages differ (hand-set)
    relevant_a: float = 60.0  # P(on topic | cos) = sigmoid(a*cos + b)
    relevant_b: float = -50.0
    support_a: float = 30.0  # P(supports | cos) = sigmoid(a*cos + b)
    support_b: float = -26.0
    verifier_min_similarity: float = 0.8344  # cosine below which the verifier is not asked (on-topic gate)
    verifier_decisive: float = 0.5  # max P(supports) / P(refutes) over hits that decides a side
    disagree_min: float = 0.6  # verifier probability of the opposite stance that flags a rule decision
    # ((verifier "name@version", label, a, b), ...): P(right) = sigmoid(a * logit(raw) + b)
    verifier_calibration: tuple = ()
    rule_calibration: tuple = ()  # ((label, a, b), ...): the same map for labels the exact rules decide
    source: str = ""  # the file the values came from

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
        vc = data.get("verifier_calibration") or {}
        if vc.get("verifier") and vc.get("labels"):
            values["verifier_calibration"] = tuple(
                (str(vc["verifier"]), str(label), float(ab["a"]), float(ab["b"]))
                for label, ab in sorted(vc["labels"].items())
            )
        rc = data.get("rule_calibration") or {}
        if rc.get("labels"):
            values["rule_calibration"] = tuple(
                (str(label), float(ab["a"]), float(ab["b"])) for label, ab in sorted(rc["labels"].items())
            )
        values["source"] = str(p)
        return cls(**values)

    def calibrated(self, verifier: str, label: Label, raw: float) -> float | None:
        """P(label is right | raw aggregated score) for this verifier ("name@version"); None when not fitted."""
        for name, lab, a, b in self.verifier_calibration:
            if name == verifier and lab == label.value:
                r = min(1 - 1e-6, max(1e-6, raw))
                return _sigmoid(a * math.log(r / (1 - r)) + b)
        return None

    def rule_calibrated(self, label: Label, raw: float) -> float:
        """P(label is right | the rules' combined strength), when fitted (python -m training.calibrate --rules);
        else the strength itself."""
        for lab, a, b in self.rule_calibration:
            if lab == label.value:
                r = min(1 - 1e-6, max(1e-6, raw))
                return _sigmoid(a * math.log(r / (1 - r)) + b)
        return raw

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
    cos: float  # retrieval cosine, plus the cross-lingual allowance
    stance: Stance
    score: float
    rule: str = ""
    explanation: str = ""
    result: RuleResult | None = None
    superseded: bool = False
    vp: tuple[float, float, float] | None = None  # verifier P(supports, refutes, neutral), when asked


def _label_of(hit: Hit) -> str:
    p = hit.passage
    return p.external_id or p.id


def _similarity_item(hit: Hit, cos: float, cfg: DecideConfig, capped: str) -> _Item:
    """Stance from the cosine alone; `capped` names why this claim cannot be supported by similarity ("" if it can)."""
    shown = f"cosine {hit.score:.3f}" + (f" +{cos - hit.score:.2f} cross-lingual" if cos != hit.score else "")
    if cos >= cfg.support and not capped:
        return _Item(
            hit,
            cos,
            Stance.SUPPORTS,
            round(cfg.p_support(cos), 4),
            "",
            f"near paraphrase of the claim ({shown} >= {cfg.support:.3f}); no exact rule applied",
        )
    if cos >= cfg.relevant:
        why = capped if capped and cos >= cfg.support else "does not decide it"
        return _Item(
            hit,
            cos,
            Stance.NEUTRAL,
            round(cfg.p_relevant(cos), 4),
            "",
            f"on topic ({shown} >= {cfg.relevant:.3f}) but {why}",
        )
    return _Item(
        hit,
        cos,
        Stance.UNRELATED,
        round(1 - cfg.p_relevant(cos), 4),
        "",
        f"not about the claim ({shown} < {cfg.relevant:.3f})",
    )


def _date_preference(it: _Item, anchor) -> tuple[int, int]:
    """Smaller is better: dated on/before the claim and closest to it, then after it, then undated. A source
    dated to a month or year only ("2018-11") counts by the day of that span closest to the claim."""
    bounds = it.hit.passage.published_bounds
    if bounds is None:
        return (2, 0)
    first, last = bounds
    if anchor is None:
        return (0, -last.toordinal())
    if last <= anchor:
        return (0, (anchor - last).days)
    if first <= anchor:
        return (0, 0)
    return (1, (first - anchor).days)


def _supersede_counts(items: list[_Item], claim: Claim) -> None:
    """A count is valid at a date: keep the figure dated on/before the claim and closest to it; drop older or
    later figures that disagree with it from the aggregation (they stay as evidence, marked). A figure its source
    states as a correction is kept over all others (the first release it replaced is repeated by many pages)."""
    counted = [it for it in items if it.rule == "quantity" and it.stance in (Stance.SUPPORTS, Stance.REFUTES)]
    if len(counted) < 2:
        return

    def key(it: _Item):
        return _date_preference(it, claim.anchor_date)

    def supersede(it: _Item, by: str) -> None:
        it.superseded = True
        it.score = round(it.score * 0.5, 4)
        it.explanation += f" (superseded by {by})"

    corrections = [it for it in counted if it.result is not None and it.result.corrected]
    if corrections:  # a stated correction replaces the first release, whatever the dates of the pages repeating it
        best = max(corrections, key=lambda it: it.score)
        for it in counted:
            if it.stance is not best.stance:
                supersede(it, f"the correction in {_label_of(best.hit)}")
        return
    best = min(counted, key=lambda it: (key(it), -it.score))
    bk = key(best)
    for it in counted:
        k = key(it)
        if it.stance is not best.stance and (k[0] != bk[0] or k[1] > bk[1] + 3):
            supersede(it, f"the closer-dated figure in {_label_of(best.hit)}")


def _noisy_or(scores: list[float]) -> float:
    p = 1.0
    for s in scores:
        p *= 1.0 - s
    return 1.0 - p


def _evidence(it: _Item) -> Evidence:
    p = it.hit.passage
    return Evidence(
        passage_id=p.id,
        text=p.text,
        source_url=p.source_url,
        source_title=p.source_title,
        publisher=p.publisher,
        published=p.published,
        span=p.span,
        retrieval_score=float(it.hit.score),
        rank=it.hit.rank,
        stance=it.stance,
        stance_score=float(min(1.0, max(0.0, it.score))),
        rule=it.rule,
        explanation=it.explanation,
        load_id=it.hit.load_id,
        language=p.language,
        published_raw="" if p.published else p.published_raw,
    )


def _where(it: _Item) -> str:
    p = it.hit.passage
    who = p.publisher or p.source_title or p.source_url or "source"
    return f"{_label_of(it.hit)}, {who}, {p.published_label}"


def verifier_info(verifier) -> ModelInfo:
    """The provenance entry of a verifier (verdicts.entail.Verifier)."""
    return ModelInfo(str(verifier.name), str(verifier.version), "verifier")


def _cos(claim: Claim, hit: Hit, cfg: DecideConfig) -> float:
    return float(hit.score) + (cfg.cross_lingual_allowance if _cross_lingual(claim, hit) else 0.0)


_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\u00C0-\u00DE\"'(\[])")
_WORD = re.compile(r"[^\W_]{4,}")
FOCUS_CHARS = 400  # passages longer than this are cut to their sentences that share most words with the claim


def focus(claim: str, text: str, max_chars: int = FOCUS_CHARS) -> str:
    """The part of a long passage the verifier reads: its sentences sharing the most words (4+ letters) with
    the claim, in passage order, within max_chars (at least one sentence). Short passages are kept whole.
    A cross-encoder reads only its first ~128 tokens, so the deciding sentence of an abstract must be brought
    to the front."""
    if len(text) <= max_chars:
        return text
    sentences = [x for x in _SENT_END.split(text) if x.strip()]
    if len(sentences) <= 1:
        return text
    words = {w.lower() for w in _WORD.findall(claim)}
    scored = sorted(
        range(len(sentences)), key=lambda i: (-len(words & {w.lower() for w in _WORD.findall(sentences[i])}), i)
    )
    chosen, size = [], 0
    for i in scored:
        if chosen and size + len(sentences[i]) > max_chars:
            continue
        chosen.append(i)
        size += len(sentences[i]) + 1
    return " ".join(sentences[i] for i in sorted(chosen))


def verifier_probabilities(
    verifier,
    claims: Sequence[Claim],
    hit_lists: Sequence[Sequence[Hit]],
    config: DecideConfig | None = None,
    *,
    batch_size: int = 32,
) -> list:
    """The verifier's P(supports, refutes, neutral) for every hit of every claim, in ONE predict call.

    Only hits on topic enough to matter (cosine, with the cross-lingual allowance, at or above the lower of
    `verifier_min_similarity` and `rule_min_similarity`) are sent; the rows of the others are NaN.
    A verifier that names the languages it was trained on (`Verifier.languages`) reads only claims and
    passages in them: a claim in another language gets None (decide() then judges it without a verifier),
    a passage in another language a NaN row.
    Long passages are cut to their sentences closest to the claim (`focus`).
    Returns one (len(hits), 3) float array per claim, aligned with the hits as given.
    """
    import numpy as np

    cfg = config or DecideConfig.load()
    gate = min(cfg.verifier_min_similarity, cfg.rule_min_similarity)
    langs = getattr(verifier, "languages", None)
    reads = {normalise_language(x) for x in langs} if langs else None
    where: list[tuple[int, int]] = []
    pairs_c: list[str] = []
    pairs_e: list[str] = []
    skipped: set[int] = set()
    for ci, (claim, hits) in enumerate(zip(claims, hit_lists)):
        if reads and normalise_language(claim.language) not in reads:
            skipped.add(ci)
            continue
        for hi, hit in enumerate(hits):
            if reads and normalise_language(hit.passage.language) not in reads:
                continue
            if _cos(claim, hit, cfg) >= gate:
                where.append((ci, hi))
                pairs_c.append(claim.text)
                pairs_e.append(focus(claim.text, hit.passage.text))
    out = [np.full((len(hits), 3), np.nan) for hits in hit_lists]
    if pairs_c:
        probs = np.asarray(verifier.predict(pairs_c, pairs_e, batch_size=batch_size), dtype=float)
        for (ci, hi), row in zip(where, probs):
            out[ci][hi] = row
    return [None if ci in skipped else rows for ci, rows in enumerate(out)]


def _verifier_item(hit: Hit, cos: float, vp: tuple[float, float, float]) -> _Item:
    i = max(range(3), key=lambda j: vp[j])
    stance = VERIFIER_STANCES[i]
    return _Item(
        hit,
        cos,
        stance,
        round(vp[i], 4),
        "",
        f"verifier: supports {vp[0]:.2f}, refutes {vp[1]:.2f}, neutral {vp[2]:.2f} (cosine {hit.score:.3f})",
        vp=vp,
    )


def _items(claim: Claim, hits: Sequence[Hit], cfg: DecideConfig, verifier_probs) -> tuple[list[_Item], list[str]]:
    """One item per hit: its rule result, else the verifier's stance (on-topic hits it read), else similarity."""
    use_verifier = verifier_probs is not None
    row_of = {id(h): i for i, h in enumerate(hits)}
    numeric = any(not q.is_year for q in claim.quantities)
    capped = "states no matching figure" if numeric else "does not state exclusivity" if claim.exclusive else ""
    if use_verifier:
        capped = "the verifier did not read it"  # similarity alone never supports when a verifier is used
    cause = None if capped else causal_marker(claim.text, claim.language)
    superlative = None if capped else superlative_marker(claim.text)
    now = None if capped else now_marker(claim.text)
    items: list[_Item] = []
    rule_errors: list[str] = []
    for hit in sorted(hits, key=lambda h: (-h.score, h.rank, h.passage.id)):
        cos = _cos(claim, hit, cfg)
        vp = None
        if use_verifier:
            row = verifier_probs[row_of[id(hit)]]
            if row is not None and all(x == x for x in row):  # NaN: not asked
                vp = (float(row[0]), float(row[1]), float(row[2]))
        try:
            rr = rules.check(claim, hit.passage)
        except Exception as exc:  # one odd passage must not sink the claim; the reviewer is told
            rr = None
            rule_errors.append(f"rule error on {_label_of(hit)}: {type(exc).__name__}")
        if rr is not None and rr.rule in SIMILARITY_GATED and cos < cfg.rule_min_similarity:
            rr = None  # "only"/date words in a passage about something else say nothing about the claim
        if rr is not None:
            items.append(_Item(hit, cos, rr.stance, rr.score, rr.rule, rr.explanation, rr, vp=vp))
        elif vp is not None and cos >= cfg.verifier_min_similarity:
            items.append(_verifier_item(hit, cos, vp))
        elif cause and not causal_marker(hit.passage.text, hit.passage.language):
            items.append(_similarity_item(hit, cos, cfg, f"the claim states a cause ('{cause}'), the source none"))
        elif superlative and not superlative_marker(hit.passage.text):
            why = f"the claim states a superlative ('{superlative}'), the source none"
            items.append(_similarity_item(hit, cos, cfg, why))
        elif now and (why := _another_time(claim, hit.passage, now)):
            items.append(_similarity_item(hit, cos, cfg, why))
        else:
            items.append(_similarity_item(hit, cos, cfg, capped))
    _supersede_counts(items, claim)
    return items, rule_errors


NOW_DAYS = 60  # a claim tied to its own time ("det siste året") is shown by a source from within this many days


def _another_time(claim: Claim, passage, marker: str) -> str:
    """Why a source cannot support, by similarity, a claim tied to the time it was written: it is from another
    time ("" when it is not, or when either date is unknown)."""
    if claim.anchor_date is None or passage.published is None:
        return ""
    days = (passage.published - claim.anchor_date).days
    if abs(days) <= NOW_DAYS:
        return ""
    return f"the claim speaks of its own time ('{marker}'), the source is from {passage.published.isoformat()}"


def _read(items: list[_Item]) -> list[_Item]:
    """The on-topic hits the verifier read and no rule decided."""
    return [it for it in items if not it.rule and it.vp is not None and it.stance is not Stance.UNRELATED]


def _signals(items: list[_Item], claim: Claim):
    """The aggregator's FEATURES of a claim from its items (verdicts/aggregate.py)."""
    ruled = [it for it in items if it.rule and not it.superseded]
    S = _noisy_or([it.score for it in ruled if it.stance is Stance.SUPPORTS])
    R = _noisy_or([it.score for it in ruled if it.stance is Stance.REFUTES])
    read = [(it.cos, it.vp) for it in _read(items)]
    return feature_vector([it.cos for it in items], read, S, R, any(not q.is_year for q in claim.quantities))


def claim_features(claim: Claim, hits: Sequence[Hit], *, verifier_probs, config: DecideConfig | None = None):
    """The aggregator's feature vector of one claim, exactly as decide() computes it (for fitting)."""
    items, _ = _items(claim, list(hits), config or DecideConfig.load(), verifier_probs)
    return _signals(items, claim)


@dataclasses.dataclass
class _Read:
    """What decide() reads off a claim's items: the rule signals, the on-topic items, the best cosine."""

    items: list[_Item]
    ruled: list[_Item]  # items a rule spoke on (not superseded)
    relevant: list[_Item]  # on-topic items
    sup: list[float]  # rule scores for and against
    ref: list[float]
    best_cos: float | None

    @classmethod
    def of(cls, items: list[_Item]) -> "_Read":
        ruled = [it for it in items if it.rule and not it.superseded]
        return cls(
            items,
            ruled,
            [it for it in items if it.stance is not Stance.UNRELATED],
            [it.score for it in ruled if it.stance is Stance.SUPPORTS],
            [it.score for it in ruled if it.stance is Stance.REFUTES],
            max((it.cos for it in items), default=None),
        )

    def weak_refutation(self) -> str | None:
        if not self.ref:
            return None
        return (
            "weak refutation signal: "
            + "; ".join(it.explanation for it in self.ruled if it.stance is Stance.REFUTES)[:300]
        )


def _verifier_setup(claim: Claim, hits: list, cfg, provenance: Provenance, verifier, verifier_probs):
    """The verifier's probabilities (asked when not given), the provenance naming it, and its name@version key."""
    if verifier is not None and verifier_probs is None:
        verifier_probs = verifier_probabilities(verifier, [claim], [hits], cfg)[0]
    if verifier is not None and verifier_probs is not None and not any(m.role == "verifier" for m in provenance.models):
        provenance = dataclasses.replace(provenance, models=tuple(provenance.models) + (verifier_info(verifier),))
    vmodel = next((m for m in provenance.models if m.role == "verifier"), None)
    vkey = f"{vmodel.name}@{vmodel.version}" if vmodel else ""
    return provenance, verifier_probs, vkey


def decide(
    claim: Claim,
    hits: Sequence[Hit],
    *,
    provenance: Provenance,
    config: DecideConfig | None = None,
    verifier=None,
    verifier_probs=None,
) -> Verdict:
    """One verdict for one claim from its retrieved hits. Deterministic: same inputs, same verdict id.

    `provenance` is used as given, except that an empty rules_version is set to RULES_VERSION, empty
    store_load_ids are filled from the hits' load ids, and a verifier that is used is added to its models.

    verifier: a verdicts.entail.Verifier (asked about the on-topic hits), or verifier_probs: its
    (len(hits), 3) probabilities precomputed by `verifier_probabilities` (rows aligned with `hits`, NaN rows
    not asked); with precomputed probabilities, name the verifier in provenance.models (role "verifier").
    Without either, the similarity stance decides as before.

    The steps, each a function below: the label (`_label`: rules, else the verifier, else similarity), the
    review reasons (`_review_reasons`), the evidence kept (`_kept_evidence`), the one-line explanation
    (`_explanation`), the provenance (`_provenance`).
    """
    cfg = config or DecideConfig.load()
    hits = list(hits)
    provenance, verifier_probs, vkey = _verifier_setup(claim, hits, cfg, provenance, verifier, verifier_probs)
    items, rule_errors = _items(claim, hits, cfg, verifier_probs)
    read = _Read.of(items)
    reasons: list[str] = list(rule_errors)
    label, conf, decided_by, basis = _label(claim, read, cfg, verifier_probs is not None, vkey, reasons)
    if not claim.checkable:
        label, conf, decided_by, basis = Label.NOT_ENOUGH_EVIDENCE, cfg.not_checkable_confidence, [], "not_checkable"
        reasons.insert(0, NOT_CHECKABLE)
    conf = round(min(cfg.max_confidence, max(1.0 - cfg.max_confidence, conf)), 4)
    needed = _review_reasons(claim, label, conf, read, decided_by, cfg, reasons)
    evidence = _kept_evidence(read, cfg)
    return Verdict(
        claim=claim,
        label=label,
        confidence=conf,
        evidence=evidence,
        review=Review(needed=needed, reasons=tuple(dict.fromkeys(reasons))),
        provenance=_provenance(provenance, evidence),
        explanation=_explanation(claim, label, read, decided_by, cfg),
        basis=basis,
    )


def _label(
    claim: Claim, read: _Read, cfg: DecideConfig, use_verifier: bool, vkey: str, reasons: list[str]
) -> tuple[Label, float, list[_Item], str]:
    """(label, raw confidence, the items that decided it, basis): decisive exact rules first, else the verifier
    (through the fitted aggregator when one matches it), else similarity. Appends to `reasons`."""
    ruled = read.ruled
    strong = [it for it in ruled if it.rule != "date"]  # date signals never decide alone
    S, R = _noisy_or(read.sup), _noisy_or(read.ref)
    has_strong_sup = any(it.stance is Stance.SUPPORTS for it in strong)
    has_strong_ref = any(it.stance is Stance.REFUTES for it in strong)
    if (
        S >= cfg.decisive
        and R >= cfg.decisive
        and has_strong_sup
        and has_strong_ref
        and min(S, R) / max(S, R) >= cfg.conflict_ratio
    ):
        decided = [it for it in ruled if it.stance in (Stance.SUPPORTS, Stance.REFUTES)]
        return Label.CONFLICTING, cfg.rule_calibrated(Label.CONFLICTING, min(S, R)), decided, "rule"
    if R >= cfg.decisive and R >= S and has_strong_ref:
        decided = [it for it in ruled if it.stance is Stance.REFUTES]
        return Label.REFUTED, cfg.rule_calibrated(Label.REFUTED, R * (1 - 0.5 * S)), decided, "rule"
    if S >= cfg.decisive and has_strong_sup:
        decided = [it for it in ruled if it.stance is Stance.SUPPORTS]
        return Label.SUPPORTED, cfg.rule_calibrated(Label.SUPPORTED, S * (1 - 0.5 * R)), decided, "rule"
    if use_verifier:
        agg = load_aggregator(vkey) if vkey else None
        if agg is not None:
            label, conf, decided_by = _aggregate_learned(agg, read.items, claim)
            against = _leans_against(label, _read(read.items))
            if against:
                reasons.append(against)
        else:
            label, conf, decided_by = _aggregate_verifier(read.items, read.relevant, read.best_cos, cfg, vkey)
        basis = "verifier"
    else:
        label, conf, decided_by, basis = _similarity_label(read, cfg)
    if weak := read.weak_refutation():
        reasons.append(weak)
    return label, conf, decided_by, basis


def _similarity_label(read: _Read, cfg: DecideConfig) -> tuple[Label, float, list[_Item], str]:
    """Without a decisive rule or a verifier: the closest paraphrase supports (unless a rule refutes weakly),
    else there is not enough evidence, as sure as the best cosine says."""
    sim_sup = [it for it in read.items if not it.rule and it.stance is Stance.SUPPORTS]
    if sim_sup and not read.ref:
        top = max(sim_sup, key=lambda it: it.cos)
        return Label.SUPPORTED, cfg.p_support(top.cos), [top], "similarity"
    if read.relevant:
        return Label.NOT_ENOUGH_EVIDENCE, 1.0 - cfg.p_support(max(it.cos for it in read.relevant)), [], "similarity"
    if read.best_cos is not None:
        return Label.NOT_ENOUGH_EVIDENCE, 1.0 - cfg.p_relevant(read.best_cos), [], "similarity"
    return Label.NOT_ENOUGH_EVIDENCE, cfg.max_confidence, [], "none"


def _review_reasons(
    claim: Claim, label: Label, conf: float, read: _Read, decided_by: list[_Item], cfg: DecideConfig, reasons: list[str]
) -> bool:
    """Append why a person should look at this verdict to `reasons`; whether it goes to the review queue."""
    for it in read.ruled:
        if it.vp is None or it.stance not in (Stance.SUPPORTS, Stance.REFUTES):
            continue
        other, p = (Stance.REFUTES, it.vp[1]) if it.stance is Stance.SUPPORTS else (Stance.SUPPORTS, it.vp[0])
        if p >= cfg.disagree_min:
            reasons.append(
                f"{DISAGREE}: {it.rule} rule {it.stance.value}, verifier {other.value} {p:.2f} ({_label_of(it.hit)})"
            )
    if label is Label.REFUTED:
        reasons.append(REFUTED_HIGH if conf >= cfg.refuted_high else "refuted")
    if label is Label.CONFLICTING:
        reasons.append(CONFLICT)
    if claim.checkable and conf < cfg.review_below:
        reasons.append(f"low confidence ({conf:.2f} < {cfg.review_below:.2f})")
    if claim.checkable and not read.relevant and claim.checkworthy >= cfg.checkworthy_min:
        reasons.append(NO_EVIDENCE)
    if claim.exclusive and not any(it.rule == "exclusivity" and it.stance is Stance.SUPPORTS for it in read.items):
        reasons.append(EXCLUSIVITY)
    undated = [
        it
        for it in read.relevant
        if it.hit.passage.published_bounds is None and (it in decided_by or it.explanation.startswith("undated"))
    ]
    if undated:
        reasons.append("undated evidence: " + ", ".join(sorted({_label_of(it.hit) for it in undated})))
    if claim.checkable:
        return bool(reasons)
    return claim.checkworthy >= cfg.checkworthy_min and len(reasons) > 1


def _kept_evidence(read: _Read, cfg: DecideConfig) -> tuple:
    """The relevant items (or the best few unrelated ones), rule-decided first, then by retrieval score."""
    kept = read.relevant or sorted(read.items, key=lambda it: -it.hit.score)[: cfg.keep_unrelated]
    kept = sorted(kept, key=lambda it: (0 if it.rule else 1, -it.hit.score, it.hit.rank, it.hit.passage.id))
    return tuple(_evidence(it) for it in kept)


def _explanation(claim: Claim, label: Label, read: _Read, decided_by: list[_Item], cfg: DecideConfig) -> str:
    """The one line a reader sees: what decided the label, and where it was found."""
    if not claim.checkable:
        return f"{label.value}: {NOT_CHECKABLE}"
    if decided_by:
        pref = {id(it): _date_preference(it, claim.anchor_date) for it in decided_by}
        top = min(decided_by, key=lambda it: (not it.rule, -it.score, pref[id(it)], -it.hit.score))
        n_sup = sum(1 for it in read.ruled if it.stance is Stance.SUPPORTS)
        n_ref = sum(1 for it in read.ruled if it.stance is Stance.REFUTES)
        tally = f" [{n_sup} supporting, {n_ref} refuting by rules]" if top.rule else ""
        kind = f"{top.rule}: " if top.rule else ""
        return f"{label.value}: {kind}{top.explanation} ({_where(top)}){tally}"
    if read.relevant:
        return f"{label.value}: {len(read.relevant)} on-topic source(s), none decides the claim" + (
            f"; {read.relevant[0].explanation}" if read.relevant[0].rule else ""
        )
    if read.best_cos is not None:
        return f"{label.value}: no relevant evidence (best cosine {read.best_cos:.3f} < {cfg.relevant:.3f})"
    return f"{label.value}: no evidence retrieved"


def _provenance(provenance: Provenance, evidence: tuple) -> Provenance:
    """The run's provenance with the rules version and the evidence's store loads filled in when empty."""
    prov = provenance
    if not prov.rules_version:
        prov = dataclasses.replace(prov, rules_version=RULES_VERSION)
    if not prov.store_load_ids:
        loads = tuple(sorted({e.load_id for e in evidence if e.load_id}))
        if loads:
            prov = dataclasses.replace(prov, store_load_ids=loads)
    return prov


def _aggregate_learned(agg, items: list[_Item], claim: Claim) -> tuple[Label, float, list[_Item]]:
    """Label and confidence from the fitted aggregator (verdicts/aggregate.py): the most probable label."""
    probs = agg.proba(_signals(items, claim))
    best = max(probs, key=lambda lab: probs[lab])
    label = Label(best)
    read = _read(items)
    sides = {
        Label.SUPPORTED: (Stance.SUPPORTS,),
        Label.REFUTED: (Stance.REFUTES,),
        Label.CONFLICTING: (Stance.SUPPORTS, Stance.REFUTES),
    }.get(label, ())
    by = [it for it in read if it.stance in sides]
    if not by and sides:  # the label rests on the signals together: show the hit that leans that way most
        col = 0 if label is Label.SUPPORTED else 1
        by = [max(read, key=lambda it: it.vp[col])] if read else []
    return label, probs[best], by


def _leans_against(label: Label, read: list[_Item]) -> str:
    """A review reason when the aggregator's SUPPORTED / REFUTED goes against every hit the verifier read
    (each leans the other way): the signals together outweighed what the reviewer sees in the evidence."""
    if label not in (Label.SUPPORTED, Label.REFUTED) or not read:
        return ""
    mine, other = (0, 1) if label is Label.SUPPORTED else (1, 0)
    if all(it.vp[other] > it.vp[mine] for it in read):
        best = max(read, key=lambda it: it.vp[other])
        word = "refutes" if label is Label.SUPPORTED else "supports"
        return f"{VERIFIER_AGAINST}: verifier {word} {best.vp[other]:.2f} ({_label_of(best.hit)})"
    return ""


def _aggregate_verifier(
    items: list[_Item], relevant: list[_Item], best_cos: float | None, cfg: DecideConfig, vkey: str
) -> tuple[Label, float, list[_Item]]:
    """Label and calibrated confidence from the verifier's stances on the on-topic hits no rule decided."""
    read = _read(items)
    s = max((it.vp[0] for it in read), default=0.0)
    r = max((it.vp[1] for it in read), default=0.0)
    t = cfg.verifier_decisive
    sup = [it for it in read if it.stance is Stance.SUPPORTS]
    ref = [it for it in read if it.stance is Stance.REFUTES]
    if s >= t and r >= t:
        label, raw, by = Label.CONFLICTING, min(s, r), sup + ref
    elif r >= t and r >= s:
        label, raw, by = Label.REFUTED, r, ref
    elif s >= t:
        label, raw, by = Label.SUPPORTED, s, sup
    else:
        label, raw, by = Label.NOT_ENOUGH_EVIDENCE, 1.0 - max(s, r), []
    conf = cfg.calibrated(vkey, label, raw)
    if conf is None:  # no calibration fitted for this verifier: the raw score, as it is
        conf = raw
    return label, conf, by
