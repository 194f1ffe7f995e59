"""Reviewers' decisions: an append-only audit trail (who, when, label before and after, note).

A decision is never edited or deleted: deciding a claim again adds a row that names the decision it
supersedes. The claim's current decision is its newest row.

    d = decide(store, "c-1234", reviewer="kari", label="REFUTED", note="ministry figure is 34,535")
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from claims.model import content_hash
from review.auth import require_reviewer
from review.errors import BadLabelError, StaleDecisionError, UnknownClaimError
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
    action: str                 # "confirm" (keep the label) or "change"
    label_before: str
    label_after: str
    confidence_before: float | None
    note: str
    supersedes: str | None
    source: str                 # "web" or "cli"

    def to_dict(self) -> dict:
        return {
            "decision_id": self.decision_id, "claim_id": self.claim_id, "run_id": self.run_id,
            "verdict_id": self.verdict_id, "article_id": self.article_id, "claim_text": self.claim_text,
            "claim_language": self.claim_language, "reviewer": self.reviewer,
            "decided_at": self.decided_at.isoformat(timespec="seconds") + "Z", "action": self.action,
            "label_before": self.label_before, "label_after": self.label_after,
            "confidence_before": self.confidence_before, "note": self.note, "supersedes": self.supersedes,
            "source": self.source,
        }


_COLUMNS = ("decision_id, claim_id, run_id, verdict_id, article_id, claim_text, claim_language, reviewer, "
            "decided_at, action, label_before, label_after, confidence_before, note, supersedes, source")


def _row(r) -> Decision:
    return Decision(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5], r[6] or "", r[7], r[8], r[9], r[10], r[11],
                    r[12], r[13] or "", r[14], r[15])


def parse_label(label: str) -> Label:
    """A Label from its name, case-insensitive, with '-'/' ' for '_' ("not enough evidence" works)."""
    key = (label or "").strip().upper().replace("-", "_").replace(" ", "_")
    try:
        return Label(key)
    except ValueError:
        raise BadLabelError(f"unknown label {label!r}. Use one of: {', '.join(l.value for l in Label)}.") from None


def decide(store: Store, claim_id: str, *, reviewer: str, label: str | None = None, note: str = "",
           run_id: str | None = None, source: str = "cli", expected_previous: str | None = None) -> Decision:
    """Record a decision on the claim's current verdict (or run_id's): label None confirms the label in force.

    expected_previous is the decision id the reviewer saw (or "" for none); if another decision was
    recorded since, StaleDecisionError (FC511) is raised instead of silently overriding it.
    """
    require_reviewer(store, reviewer)
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    with store.transaction() as con:
        row = con.execute(
            "SELECT v.verdict_id, v.run_id, v.article_id, v.label, v.confidence, c.text, c.language "
            "FROM verdicts v JOIN runs r ON r.run_id = v.run_id "
            "JOIN claims c ON c.claim_id = v.claim_id AND c.run_id = v.run_id "
            "WHERE v.claim_id = $claim_id AND (CAST($run_id AS VARCHAR) IS NULL OR v.run_id = $run_id) "
            "ORDER BY r.started_at DESC, v.run_id DESC LIMIT 1",
            {"claim_id": claim_id, "run_id": run_id or None}).fetchone()
        if row is None:
            raise UnknownClaimError(
                f"no verdict for claim {claim_id!r}. List the queue with: factcheck review list")
        verdict_id, run, article_id, machine_label, conf, text, lang = row
        prev = con.execute(
            f"SELECT {_COLUMNS} FROM review_decisions WHERE claim_id = ? "
            "ORDER BY decided_at DESC, decision_id DESC LIMIT 1", [claim_id]).fetchone()
        previous = _row(prev) if prev else None
        if expected_previous is not None and (previous.decision_id if previous else "") != expected_previous:
            who = f"{previous.reviewer} ({previous.label_after})" if previous else "nobody"
            raise StaleDecisionError(
                f"claim {claim_id} was decided by {who} since you opened it. Reload the page and decide again.")
        before = previous.label_after if previous else machine_label
        after = parse_label(label).value if label else before
        decided_at = now()
        decision = Decision(
            decision_id="d-" + content_hash(claim_id, reviewer, decided_at.isoformat(), after, note, length=20),
            claim_id=claim_id, run_id=run, verdict_id=verdict_id, article_id=article_id, claim_text=text,
            claim_language=lang or "", reviewer=reviewer, decided_at=decided_at,
            action="confirm" if after == before else "change", label_before=before, label_after=after,
            confidence_before=float(conf), note=note or "",
            supersedes=previous.decision_id if previous else None, source=source,
        )
        con.execute(
            f"INSERT INTO review_decisions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [decision.decision_id, decision.claim_id, decision.run_id, decision.verdict_id, decision.article_id,
             decision.claim_text, decision.claim_language, decision.reviewer, decision.decided_at,
             decision.action, decision.label_before, decision.label_after, decision.confidence_before,
             decision.note, decision.supersedes, decision.source])
    return decision


def history(store: Store, claim_id: str) -> list[Decision]:
    """Every decision on the claim, oldest first (the audit trail)."""
    rows = store.con.execute(
        f"SELECT {_COLUMNS} FROM review_decisions WHERE claim_id = ? ORDER BY decided_at, decision_id",
        [claim_id]).fetchall()
    return [_row(r) for r in rows]


def get_decision(store: Store, decision_id: str) -> Decision | None:
    r = store.con.execute(f"SELECT {_COLUMNS} FROM review_decisions WHERE decision_id = ?", [decision_id]).fetchone()
    return _row(r) if r else None


def current_decisions(store: Store) -> list[Decision]:
    """The newest decision of every decided claim (the ones in force), newest first."""
    rows = store.con.execute(
        f"SELECT {_COLUMNS} FROM (SELECT *, row_number() OVER (PARTITION BY claim_id "
        "ORDER BY decided_at DESC, decision_id DESC) AS rn FROM review_decisions) WHERE rn = 1 "
        "ORDER BY decided_at DESC, decision_id").fetchall()
    return [_row(r) for r in rows]
