"""What changed between runs: verdict diffs, evidence that changed under earlier verdicts, the night report.

Everything here reads stored rows (never in-memory results), so the report of a night is the same
whether the night ran straight through or was killed and resumed.

- `load_verdicts(con, [(article_id, run_id)])`: stored verdicts as `VerdictRecord`s.
- `diff_verdicts(before, after)`: claims whose label or review flag changed, with the evidence that
  came and went (claims are matched by id, else by article and text, since an edit moves spans).
- `evidence_changed(...)`: which earlier verdicts rest on rows that changed: an evidence passage
  that is gone from the store, or a passage added since that now enters the claim's top k.
- `review_priority(v)`: the order reviewers see flagged claims in.
- `night_report(...)`: the Markdown report of a night.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from sources import tables_passages, tables_runs
from verdicts.model import Label

LABELS = [label.value for label in Label]


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    passage_id: str
    stance: str
    stance_score: float
    retrieval_score: float
    rule: str
    source_url: str
    source_title: str
    text: str


@dataclass(frozen=True, slots=True)
class VerdictRecord:
    verdict_id: str
    run_id: str
    claim_id: str
    article_id: str
    article_title: str
    claim_text: str
    span: tuple[int, int]
    checkworthy: float
    label: str
    confidence: float
    review_needed: bool
    reasons: tuple[str, ...]
    evidence: tuple[EvidenceRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class VerdictChange:
    before: VerdictRecord
    after: VerdictRecord
    added: tuple[EvidenceRecord, ...]  # evidence the new verdict has and the old one had not
    removed: tuple[EvidenceRecord, ...]  # evidence the old verdict had and the new one has not


def load_verdicts(con, pairs: Iterable[tuple[str, str]]) -> dict[str, list[VerdictRecord]]:
    """article_id -> its verdicts stored by run_id, in span order, with evidence (retired passages too)."""
    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    rows, ev_rows = tables_runs.verdicts_with_evidence(con, pairs)
    evidence: dict[tuple[str, str], list[EvidenceRecord]] = defaultdict(list)
    for r in ev_rows:
        evidence[(r[0], r[1])].append(
            EvidenceRecord(r[2], r[3] or "", float(r[4]), float(r[5]), r[6], r[7], r[8], r[9])
        )
    out: dict[str, list[VerdictRecord]] = defaultdict(list)
    for r in rows:
        out[r[3]].append(
            VerdictRecord(
                verdict_id=r[0],
                run_id=r[1],
                claim_id=r[2],
                article_id=r[3],
                article_title=r[4],
                claim_text=r[5],
                span=(int(r[6]), int(r[7])),
                checkworthy=float(r[8]),
                label=r[9],
                confidence=float(r[10]),
                review_needed=bool(r[11]),
                reasons=tuple(json.loads(r[12]) if r[12] else ()),
                evidence=tuple(evidence.get((r[0], r[1]), ())),
            )
        )
    return dict(out)


def diff_verdicts(before: Sequence[VerdictRecord], after: Sequence[VerdictRecord]) -> list[VerdictChange]:
    """Claims present in both whose label or review flag changed, in the order of `after`."""
    by_id = {v.claim_id: v for v in before}
    by_text = {(v.article_id, v.claim_text): v for v in before}
    changes = []
    for new in after:
        old = by_id.get(new.claim_id) or by_text.get((new.article_id, new.claim_text))
        if old is None or (old.label == new.label and old.review_needed == new.review_needed):
            continue
        old_ids = {e.passage_id: e for e in old.evidence}
        new_ids = {e.passage_id: e for e in new.evidence}
        changes.append(
            VerdictChange(
                old,
                new,
                tuple(e for pid, e in new_ids.items() if pid not in old_ids or old_ids[pid].stance != e.stance),
                tuple(e for pid, e in old_ids.items() if pid not in new_ids or new_ids[pid].stance != e.stance),
            )
        )
    return changes


_LABEL_WEIGHT = {"REFUTED": 3.0, "CONFLICTING": 2.0, "NOT_ENOUGH_EVIDENCE": 1.0, "SUPPORTED": 0.5}


def review_priority(v: VerdictRecord) -> float:
    """Higher first: refuted before conflicting before unverifiable before weakly supported; within a
    label, more check-worthy and (for refuted) more confident claims first."""
    certainty = v.confidence if v.label == "REFUTED" else 1.0 - v.confidence
    return round(_LABEL_WEIGHT.get(v.label, 1.0) + v.checkworthy + 0.5 * certainty, 4)


def evidence_changed(
    con,
    claims: Mapping[str, Sequence[tuple[str, str]]],
    verified_at: Mapping[str, dt.datetime],
    search,
    *,
    exclude_urls: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, str]:
    """article_id -> why its earlier verdicts must be redone, for the articles whose evidence changed.

    claims: article_id -> [(claim_id, verdict_run_id)] of its stored claims; verified_at: article_id ->
    when that verification began. `search(texts, exclude_urls) -> list[list[passage_id]]` is the
    current top k of each claim text (the retriever; its query vectors come from the cache).
    """
    if not claims:
        return {}
    oldest = min(verified_at.values())
    out: dict[str, str] = {}
    # 1. Evidence rows that are gone from the store.
    carried = [(a, c, r) for a, items in claims.items() for c, r in items]
    gone = tables_runs.evidence_gone(con, carried)
    for article_id, pid in gone:
        out.setdefault(article_id, f"evidence passage {pid} was removed from the store")
    # 2. Passages added since: do any of them enter a claim's top k now?
    added = tables_passages.passages_added_since(con, oldest)
    if added:
        texts = tables_runs.claim_texts(con, carried)
        todo = [(a, c) for a, items in claims.items() if a not in out for c, _ in items if f"{a}\x1f{c}" in texts]
        by_article: dict[str, list[str]] = defaultdict(list)
        for a, c in todo:
            by_article[a].append(c)
        for article_id in sorted(by_article):
            ids = by_article[article_id]
            found = search([texts[f"{article_id}\x1f{c}"] for c in ids], (exclude_urls or {}).get(article_id, ()))
            since = verified_at[article_id]
            for claim_id, top in zip(ids, found):
                newer = [pid for pid in top if pid in added and added[pid] >= since]
                if newer:
                    out[article_id] = f"new passage {newer[0]} now among the evidence for claim {claim_id}"
                    break
    return dict(sorted(out.items()))


def _cell(text: str, width: int = 140) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def label_counts(verdicts: Iterable[VerdictRecord]) -> dict[str, int]:
    counts = {label: 0 for label in LABELS}
    for v in verdicts:
        counts[v.label] = counts.get(v.label, 0) + 1
    return counts


def _label_lines(whole: Sequence[VerdictRecord], tonight: Sequence[VerdictRecord]) -> list[str]:
    """The report's table of verdicts by label, whole inbox and tonight."""
    lines = ["", "## Verdicts by label", "", "| label | whole inbox | verified tonight |", "|---|---|---|"]
    all_counts, new_counts = label_counts(whole), label_counts(tonight)
    for label in all_counts:
        lines.append(f"| {label} | {all_counts[label]} | {new_counts.get(label, 0)} |")
    lines.append(f"| total | {sum(all_counts.values())} | {sum(new_counts.values())} |")
    return lines


def _flagged_lines(tonight: Sequence[VerdictRecord], max_flagged: int) -> list[str]:
    """The report's section of tonight's flagged claims, highest priority first."""
    flagged = sorted(
        (v for v in tonight if v.review_needed), key=lambda v: (-review_priority(v), v.article_id, v.span, v.claim_id)
    )
    lines = ["", f"## Flagged for review ({len(flagged)}, highest priority first)", ""]
    if flagged:
        lines += ["| # | priority | label | confidence | claim | article | reasons |", "|---|---|---|---|---|---|---|"]
        for i, v in enumerate(flagged[:max_flagged], 1):
            lines.append(
                f"| {i} | {review_priority(v):.2f} | {v.label} | {v.confidence:.2f} | {_cell(v.claim_text)} | "
                f"{_cell(v.article_title or v.article_id, 60)} | {_cell('; '.join(v.reasons), 100)} |"
            )
        if len(flagged) > max_flagged:
            lines.append(f"\n…and {len(flagged) - max_flagged} more (see the review queue).")
    else:
        lines.append("Nothing verified tonight needs review.")
    return lines


def _change_lines(ch: VerdictChange, reverified: Mapping[str, str]) -> list[str]:
    """The report's subsection on one changed verdict: labels, why re-verified, evidence added and removed."""
    b, a = ch.before, ch.after
    flag = lambda v: " (review)" if v.review_needed else ""  # noqa: E731
    lines = [
        f"### {b.label}{flag(b)} → {a.label}{flag(a)}: {_cell(a.claim_text, 200)}",
        "",
        f"Article {_cell(a.article_title or a.article_id, 80)} (`{a.article_id}`); "
        f"confidence {b.confidence:.2f} → {a.confidence:.2f}.",
    ]
    why = reverified.get(a.article_id)
    if why:
        lines.append(f"Re-verified because {why}.")
    lines.append("")
    for sign, items in (("+", ch.added), ("−", ch.removed)):
        for e in items:
            lines.append(
                f"- {sign} **{e.stance}** ({e.stance_score:.2f}{', ' + e.rule if e.rule else ''}) "
                f"[{_cell(e.source_title or e.source_url, 80)}]({e.source_url}): {_cell(e.text, 200)}"
            )
    if not ch.added and not ch.removed:
        lines.append("- same evidence, weighed differently (rules or thresholds changed)")
    lines.append("")
    return lines


def night_report(
    *,
    run_id: str,
    previous_run_id: str | None,
    articles: Mapping[str, int],
    whole: Sequence[VerdictRecord],
    tonight: Sequence[VerdictRecord],
    changes: Sequence[VerdictChange],
    reverified: Mapping[str, str],
    failures: Sequence[tuple[str, str]],
    max_flagged: int = 100,
) -> str:
    """The morning report: counts by label, flagged claims by priority, verdicts that changed and why."""
    lines = [
        "# Night report",
        "",
        f"Run `{run_id}`" + (f", compared with `{previous_run_id}`." if previous_run_id else ", the first night."),
        "",
    ]
    lines.append("Articles: " + ", ".join(f"{n} {k}" for k, n in articles.items()) + ".")
    lines += _label_lines(whole, tonight)
    lines += _flagged_lines(tonight, max_flagged)

    lines += ["", f"## Verdicts changed since the previous run ({len(changes)})", ""]
    if not changes:
        lines.append("No verdict changed.")
    for ch in changes:
        lines += _change_lines(ch, reverified)

    if failures:
        lines += ["", "## Articles that could not be checked", ""]
        lines += [f"- `{_cell(where, 120)}`: {_cell(msg, 300)}" for where, msg in failures]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def top_k_ids(retriever, k: int):
    """A `search` for evidence_changed over a Retriever: the passage ids of each text's top k."""

    def search(texts: Sequence[str], exclude: Sequence[str]) -> list[list[str]]:
        qv = np.asarray(retriever.embedder.queries(list(texts)), dtype=np.float32)
        return [[h.passage.id for h in hits] for hits in retriever.search_vectors(qv, k=k, exclude_urls=exclude)]

    return search
