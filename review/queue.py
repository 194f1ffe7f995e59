"""The review queue: flagged claims in priority order, and everything a reviewer needs about one claim.

A claim's current verdict is the one from the latest run that checked it (or from the run given as a
filter). The queue holds the claims whose current verdict is flagged for review, plus the ones a
person has decided, in this order:

    0  REFUTED with high confidence          (most confident first)
    1  CONFLICTING
    2  check-worthy claim without evidence   (most check-worthy first)
    3  low confidence                        (least confident first)
    4  any other flag (exclusivity not established, undated evidence, ...)

The queries are sources/tables_review.py's: fixed SQL texts with bound parameters (filters are parameters, never
spliced in).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from claims.model import Span
from review.errors import ReviewError, UnknownClaimError
from sources import tables_review, tables_runs
from sources.store import Store
from verdicts.decide import NO_EVIDENCE, DecideConfig

STATUSES = ("pending", "decided", "all")
PRIORITY_NAMES = {
    0: "refuted with high confidence",
    1: "conflicting evidence",
    2: "check-worthy, no evidence",
    3: "low confidence",
    4: "other flag",
}
_CONFIG = DecideConfig.load()
HIGH_CONFIDENCE = _CONFIG.refuted_high  # from which a REFUTED is "refuted with high confidence" (real articles)
LOW_CONFIDENCE = _CONFIG.review_below  # below which a verdict is "low confidence"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    run_id: str | None = None
    article_id: str | None = None
    label: str | None = None  # the machine's label
    language: str | None = None
    status: str = "pending"  # pending | decided | all
    reviewer: str | None = None  # decided by this reviewer (implies decided claims)
    limit: int = 50
    offset: int = 0

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ReviewError(f"unknown status {self.status!r}. Use one of: {', '.join(STATUSES)}.", code="FC512")
        if not (1 <= self.limit <= 1000) or self.offset < 0:
            raise ReviewError(
                f"page size {self.limit} / offset {self.offset} out of range (1-1000, >= 0).", code="FC512"
            )


@dataclass(frozen=True, slots=True)
class QueueItem:
    claim_id: str
    run_id: str
    verdict_id: str
    article_id: str
    article_title: str
    claim_text: str
    language: str
    label: str
    confidence: float
    reasons: tuple[str, ...]
    priority: int
    checkworthy: float
    decided_label: str | None = None  # the latest decision's label, if any
    decided_by: str | None = None
    decided_at: dt.datetime | None = None

    @property
    def priority_name(self) -> str:
        return PRIORITY_NAMES[self.priority]


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: tuple[QueueItem, ...]
    total: int
    filter: QueueFilter


def list_queue(store: Store, f: QueueFilter | None = None) -> QueuePage:
    """One page of the queue, in priority order, with the total number of matching claims."""
    f = f or QueueFilter()
    rows = tables_review.queue_rows(
        store.con,
        run_id=f.run_id or None,
        high=HIGH_CONFIDENCE,
        low=LOW_CONFIDENCE,
        no_evidence=NO_EVIDENCE,
        article_id=f.article_id or None,
        label=f.label or None,
        language=f.language or None,
        reviewer=f.reviewer or None,
        status="decided" if f.reviewer and f.status == "pending" else f.status,
        limit=f.limit,
        offset=f.offset,
    )
    items = tuple(
        QueueItem(
            claim_id=r[0],
            run_id=r[1],
            verdict_id=r[2],
            article_id=r[3],
            article_title=r[4],
            claim_text=r[5],
            language=r[6],
            label=r[7],
            confidence=float(r[8]),
            reasons=tuple(json.loads(r[9] or "[]")),
            priority=int(r[10]),
            checkworthy=float(r[11]),
            decided_label=r[12],
            decided_by=r[13],
            decided_at=r[14],
        )
        for r in rows
    )
    return QueuePage(items=items, total=int(rows[0][15]) if rows else 0, filter=f)


def facets(store: Store) -> dict[str, list[str]]:
    """The values the queue's filters can take: runs (newest first), labels, languages, reviewers."""
    con = store.con
    return {
        "runs": tables_runs.run_ids(con, 50),
        "labels": ["REFUTED", "CONFLICTING", "NOT_ENOUGH_EVIDENCE", "SUPPORTED"],
        "languages": tables_runs.claim_languages(con),
        "reviewers": tables_review.reviewers(con),
    }


# -- one claim -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EvidenceCard:
    rank: int
    passage_id: str
    text: str
    highlight: Span | None  # the part of text that bears on the claim
    source_url: str
    source_title: str
    publisher: str
    published: str  # ISO date, the raw date as given, or ""
    language: str
    retrieval_score: float | None
    stance: str
    stance_score: float | None
    rule: str
    explanation: str
    load_id: str


@dataclass(frozen=True, slots=True)
class ClaimDetail:
    claim_id: str
    run_id: str
    verdict_id: str
    article_id: str
    article_title: str
    article_url: str
    article_published: dt.date | None
    article_language: str
    article_text: str
    span: Span
    claim_text: str  # the claim as extracted (normalised where the extractor rewrote it)
    claim_type: str
    language: str
    checkworthy: float
    fields: dict  # quantities, dates, entities, exclusivity as stored
    label: str
    confidence: float
    review_needed: bool
    reasons: tuple[str, ...]
    explanation: str
    provenance: dict
    evidence: tuple[EvidenceCard, ...]
    priority: int
    runs: tuple[str, ...] = field(default=())  # every run that checked this claim, newest first

    @property
    def quote(self) -> str:
        return self.span.of(self.article_text)


class _DetailRow(NamedTuple):
    """One tables_review.claim_detail_row row, by column."""

    verdict_id: str
    run: str
    article_id: str
    label: str
    conf: float
    needed: bool
    reasons: str | None  # JSON list
    explanation: str | None
    prov: str | None  # JSON object
    text: str
    s0: int
    s1: int
    ctype: str | None
    lang: str | None
    checkworthy: float | None
    fields: str | None  # JSON object
    a_title: str | None
    a_url: str | None
    a_pub: dt.date | None
    a_lang: str | None
    a_text: str


def get_claim(store: Store, claim_id: str, run_id: str | None = None) -> ClaimDetail:
    """The claim's current verdict (or the one of run_id) with its article and evidence cards."""
    row = tables_review.claim_detail_row(store.con, claim_id, run_id or None)
    if row is None:
        where = f" in run {run_id}" if run_id else ""
        raise UnknownClaimError(f"no verdict for claim {claim_id!r}{where}. List the queue with: factcheck review list")
    r = _DetailRow(*row)
    reasons_t = tuple(json.loads(r.reasons or "[]"))
    evidence = [_evidence_card(e, r.text) for e in tables_review.evidence_card_rows(store.con, r.verdict_id, r.run)]
    runs = tuple(tables_review.runs_of_claim(store.con, claim_id))
    priority = _priority(r.label, float(r.conf), reasons_t)
    return ClaimDetail(
        claim_id=claim_id,
        run_id=r.run,
        verdict_id=r.verdict_id,
        article_id=r.article_id,
        article_title=r.a_title or "",
        article_url=r.a_url or "",
        article_published=r.a_pub,
        article_language=r.a_lang or "",
        article_text=r.a_text,
        span=Span(int(r.s0), int(r.s1)),
        claim_text=r.text,
        claim_type=r.ctype or "",
        language=r.lang or "",
        checkworthy=float(r.checkworthy or 0),
        fields=json.loads(r.fields or "{}"),
        label=r.label,
        confidence=float(r.conf),
        review_needed=bool(r.needed),
        reasons=reasons_t,
        explanation=r.explanation or "",
        provenance=json.loads(r.prov or "{}"),
        evidence=tuple(evidence),
        priority=priority,
        runs=runs,
    )


def _evidence_card(e: tuple, claim_text: str) -> EvidenceCard:
    """One evidence row (tables_review.evidence_card_rows) as a card, with the part to highlight."""
    ptext = e[2] or ""
    published = e[6].isoformat() if e[6] else (e[7] or "")
    if e[15]:  # a reused review decision stands in the evidence list
        published = e[16].date().isoformat() if e[16] else ""
    return EvidenceCard(
        rank=int(e[0]),
        passage_id=e[1],
        text=ptext,
        highlight=relevant_part(ptext, claim_text, e[13] or ""),
        source_url=e[3] or "",
        source_title=e[4] or ("review decision" if e[15] else ""),
        publisher=e[5] or (f"reviewer {e[15]}" if e[15] else ""),
        published=published,
        language=e[8] or "",
        retrieval_score=None if e[9] is None else float(e[9]),
        stance=e[10] or "",
        stance_score=None if e[11] is None else float(e[11]),
        rule=e[12] or "",
        explanation=e[13] or "",
        load_id=e[14] or "",
    )


def _priority(label: str, confidence: float, reasons: tuple[str, ...]) -> int:
    """The same tiers as the queue's SQL (tables_review.queue_rows), for one claim."""
    if label == "REFUTED" and confidence >= HIGH_CONFIDENCE:
        return 0
    if label == "CONFLICTING":
        return 1
    if any(NO_EVIDENCE in r for r in reasons):
        return 2
    if confidence < LOW_CONFIDENCE:
        return 3
    return 4


# -- the part of a passage that bears on the claim --------------------------------------------------
_QUOTED = re.compile(r"'([^']{2,80})'")
_NUMBER = re.compile(r"\d[\d.,\u00a0 ]*\d|\d")
_WORD = re.compile(r"\w{3,}", re.UNICODE)


def relevant_part(passage: str, claim: str, explanation: str = "") -> Span | None:
    """The span of passage to highlight: what the exact check quoted, else the sentence closest to the claim.

    An exact check's explanation quotes the source ("... matches the source's 'last month'") or names
    its figure ("source says over 34,000"); the first of those found in the passage is highlighted.
    Otherwise the passage sentence sharing most words (and numbers, counted double) with the claim.
    """
    if not passage:
        return None
    low = passage.lower()
    for quoted in _QUOTED.findall(explanation):
        i = low.find(quoted.lower())
        if i >= 0:
            return Span(i, i + len(quoted))
    source_part = explanation.split("source says", 1)[1] if "source says" in explanation else ""
    for num in _NUMBER.findall(source_part):
        num = num.strip()
        for variant in dict.fromkeys((num, num.replace(",", " "), num.replace(",", "."), num.replace(",", ""))):
            i = passage.find(variant)
            if i >= 0:
                return Span(i, i + len(variant))
    from claims.segment import split_sentences

    words = {w.lower() for w in _WORD.findall(claim)}
    numbers = {n.strip() for n in _NUMBER.findall(claim)}
    best, best_score = None, 0.0
    for s in split_sentences(passage):
        sw = {w.lower() for w in _WORD.findall(s.text)}
        score = len(words & sw) + 2 * len(numbers & {n.strip() for n in _NUMBER.findall(s.text)})
        if score > best_score:
            best, best_score = s.span, score
    if best is None:
        return None
    # Trim the sentence span to its text without surrounding white space.
    text = best.of(passage)
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    return Span(best.start + lead, best.end - trail) if best.end - trail > best.start + lead else None
