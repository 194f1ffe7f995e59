"""Reviewers' decisions: an append-only audit trail (who, when, label before and after, note).

A decision is never edited or deleted: deciding a claim again adds a row that names the decision it
supersedes. The claim's current decision is its newest row.

    d = decide(store, "c-1234", reviewer="kari", label="REFUTED", note="ministry figure is 34,535")
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from claims.model import content_hash
from review.auth import require_reviewer
from review.errors import BadLabelError, StaleDecisionError, UnknownClaimError
from sources import tables_review
from sources.store import Store, now
from verdicts.model import Label

ACTIONS = ("confirm", "change")
SOURCES = ("web", "cli")


@dataclass(frozen=True, slots=True)
class Decision:
    decision_id: str
    claim_id: str
    run_id: str
    verdict_id: str
    article_id: str
    claim_text: str
    claim_language: str
    reviewer: str
    decided_at: dt.datetime
    action: str  # "confirm" (keep the label) or "change"
    label_before: str
    label_after: str
    confidence_before: float | None
    note: str
    supersedes: str | None
    source: str  # "web" or "cli"

    def to_dict(self) -> dict:
        return {
            "decision_id": self.decision_id,
            "claim_id": self.claim_id,
            "run_id": self.run_id,
            "verdict_id": self.verdict_id,
            "article_id": self.article_id,
            "claim_text": self.claim_text,
            "claim_language": self.claim_language,
            "reviewer": self.reviewer,
            "decided_at": self.decided_at.isoformat(timespec="seconds") + "Z",
            "action": self.action,
            "label_before": self.label_before,
            "label_after": self.label_after,
            "confidence_before": self.confidence_before,
            "note": self.note,
            "supersedes": self.supersedes,
            "source": self.source,
        }


def _row(r) -> Decision:
    """A Decision from a row in tables_review.DECISION_COLUMNS order."""
    return Decision(
        r[0],
        r[1],
        r[2],
        r[3] or "",
        r[4] or "",
        r[5],
        r[6] or "",
        r[7],
        r[8],
        r[9],
        r[10],
        r[11],
        r[12],
        r[13] or "",
        r[14],
        r[15],
    )


def parse_label(label: str) -> Label:
    """A Label from its name, case-insensitive, with '-'/' ' for '_' ("not enough evidence" works)."""
    key = (label or "").strip().upper().replace("-", "_").replace(" ", "_")
    try:
        return Label(key)
    except ValueError:
        raise BadLabelError(f"unknown label {label!r}. Use one of: {', '.join(lab.value for lab in Label)}.") from None


def _check_not_stale(claim_id: str, previous: Decision | None, expected_previous: str | None) -> None:
    """Raise StaleDecisionError (FC511) when a decision was recorded since the reviewer's expected_previous."""
    if expected_previous is not None and (previous.decision_id if previous else "") != expected_previous:
        who = f"{previous.reviewer} ({previous.label_after})" if previous else "nobody"
        raise StaleDecisionError(
            f"claim {claim_id} was decided by {who} since you opened it. Reload the page and decide again."
        )


def _values(decision: Decision) -> list:
    """The decision's values in tables_review.DECISION_COLUMNS order (its field order)."""
    return [getattr(decision, f.name) for f in fields(Decision)]


def decide(
    store: Store,
    claim_id: str,
    *,
    reviewer: str,
    label: str | None = None,
    note: str = "",
    run_id: str | None = None,
    source: str = "cli",
    expected_previous: str | None = None,
) -> Decision:
    """Record a decision on the claim's current verdict (or run_id's): label None confirms the label in force.

    expected_previous is the decision id the reviewer saw (or "" for none); if another decision was
    recorded since, StaleDecisionError (FC511) is raised instead of silently overriding it.
    """
    require_reviewer(store, reviewer)
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    with store.transaction() as con:
        row = tables_review.verdict_to_decide(con, claim_id, run_id or None)
        if row is None:
            raise UnknownClaimError(f"no verdict for claim {claim_id!r}. List the queue with: factcheck review list")
        verdict_id, run, article_id, machine_label, conf, text, lang = row
        prev = tables_review.latest_decision(con, claim_id)
        previous = _row(prev) if prev else None
        _check_not_stale(claim_id, previous, expected_previous)
        before = previous.label_after if previous else machine_label
        after = parse_label(label).value if label else before
        decided_at = now()
        decision = Decision(
            decision_id="d-" + content_hash(claim_id, reviewer, decided_at.isoformat(), after, note, length=20),
            claim_id=claim_id,
            run_id=run,
            verdict_id=verdict_id,
            article_id=article_id,
            claim_text=text,
            claim_language=lang or "",
            reviewer=reviewer,
            decided_at=decided_at,
            action="confirm" if after == before else "change",
            label_before=before,
            label_after=after,
            confidence_before=float(conf),
            note=note or "",
            supersedes=previous.decision_id if previous else None,
            source=source,
        )
        tables_review.insert_decision(con, _values(decision))
    return decision


def history(store: Store, claim_id: str) -> list[Decision]:
    """Every decision on the claim, oldest first (the audit trail)."""
    return [_row(r) for r in tables_review.decisions_of_claim(store.con, claim_id)]


def get_decision(store: Store, decision_id: str) -> Decision | None:
    r = tables_review.decision_by_id(store.con, decision_id)
    return _row(r) if r else None


def current_decisions(store: Store) -> list[Decision]:
    """The newest decision of every decided claim (the ones in force), newest first."""
    return [_row(r) for r in tables_review.decisions_in_force(store.con)]
