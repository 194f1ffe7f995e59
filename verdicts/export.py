"""Verdicts out: plain dicts for JSON/JSONL, a Markdown report, and a terminal table.

`verdict_to_dict` is the one serialisation every output uses (JSONL is one of these a line), so the
shape scripts read is defined in exactly one place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from collections import Counter
from typing import Iterable, Sequence

from claims.frames import frame_dict, locate
from claims.model import Article, Claim, DateMention, Quantity, Span
from verdicts.model import Evidence, Label, Verdict


def _plain(value):
    """JSON-ready form of our dataclasses, enums, dates and spans."""
    if isinstance(value, Span):
        return [value.start, value.end]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


def claim_to_dict(claim: Claim) -> dict:
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "text": claim.text,
        "span": claim.span.to_list(),
        "sentence_span": claim.sentence_span.to_list() if claim.sentence_span else None,
        "type": claim.type.value,
        "language": claim.language,
        "checkworthy": round(claim.checkworthy, 4),
        "checkable": claim.checkable,
        "exclusive": claim.exclusive,
        "quantities": [_quantity(q, claim.text) for q in claim.quantities],
        "dates": [_date(d) for d in claim.dates],
        "entities": list(claim.entities),
        "anchor_date": claim.anchor_date.isoformat() if claim.anchor_date else None,
        "extractor": claim.extractor,
        "sources": [s.to_list() for s in claim.sources],
        "period": [d.isoformat() for d in claim.period] if claim.period else None,
    }


def _quantity(q: Quantity, claim_text: str = "") -> dict:
    out = {
        "value": q.value,
        "upper": q.upper,
        "unit": q.unit,
        "comparator": q.comparator.value,
        "text": q.text,
        "span": q.span.to_list(),
        "is_year": q.is_year,
    }
    at = locate(claim_text, q)
    if at is not None and not q.is_year:  # what the figure measures, as far as its sentence says (claims.frames)
        out["frame"] = frame_dict(claim_text, at)
    return out


def _date(d: DateMention) -> dict:
    return {
        "value": d.value.isoformat(),
        "precision": d.precision.value,
        "text": d.text,
        "span": d.span.to_list(),
        "last": d.last.isoformat(),
    }


def evidence_to_dict(e: Evidence) -> dict:
    return {
        "passage_id": e.passage_id,
        "source_url": e.source_url,
        "source_title": e.source_title,
        "publisher": e.publisher,
        "published": e.published.isoformat() if e.published else None,
        "published_raw": e.published_raw or None,
        "passage": e.text,
        "passage_span": e.span.to_list() if e.span else None,
        "language": e.language,
        "retrieval_score": round(e.retrieval_score, 4),
        "rank": e.rank,
        "stance": e.stance.value,
        "stance_score": round(e.stance_score, 4),
        "rule": e.rule,
        "explanation": e.explanation,
        "load_id": e.load_id,
    }


def verdict_to_dict(v: Verdict, article: Article | None = None, line: int | None = None) -> dict:
    out = {
        "verdict_id": v.id,
        "article_id": v.claim.article_id,
        "article_path": article.path if article else None,
        "line": line,
        "claim": claim_to_dict(v.claim)
        | ({"quote": v.claim.span.of(article.text)} if article and v.claim.article_id == article.id else {}),
        "label": v.label.value,
        "confidence": round(v.confidence, 4),
        "basis": v.basis,
        "review": {"needed": v.review.needed, "reasons": list(v.review.reasons)},
        "explanation": v.explanation,
        "evidence": [evidence_to_dict(e) for e in v.evidence],
        "provenance": _plain(v.provenance),
    }
    return out


def verdict_rows(results: Iterable[tuple[Article, Sequence[Verdict]]]) -> list[dict]:
    """One dict per verdict, with the claim's line in the article's source file where known."""
    from claims.read import line_number

    rows = []
    for article, verdicts in results:
        for v in verdicts:
            try:
                line = line_number(article, v.claim.span.start)
            except Exception:  # the source file may be gone; the span still locates the claim
                line = None
            rows.append(verdict_to_dict(v, article, line))
    return rows


def to_jsonl(rows: Iterable[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def label_counts(verdicts: Sequence[Verdict]) -> dict[str, int]:
    c = Counter(v.label.value for v in verdicts)
    return {label.value: c.get(label.value, 0) for label in Label}


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_verdict(i: int, v: Verdict) -> list[str]:
    """The report's lines for one verdict: heading, claim, span and type, explanation, evidence."""
    lines: list[str] = []
    c = v.claim
    flag = " — **review**: " + "; ".join(v.review.reasons) if v.review.needed else ""
    lines.append(f"### {i}. {v.label.value} ({v.confidence:.2f}){flag}")
    lines.append("")
    lines.append(f"> {_md_escape(c.text)}")
    lines.append("")
    lines.append(f"Span {c.span.start}–{c.span.end}, type {c.type.value}, check-worthiness {c.checkworthy:.2f}.")
    if v.explanation:
        lines.append(f"{v.explanation}")
    lines.append("")
    for e in v.evidence:
        date = e.published.isoformat() if e.published else (e.published_raw or "undated")
        why = f" {e.explanation}" if e.explanation else ""
        lines.append(
            f"- **{e.stance.value}** ({e.stance_score:.2f}, retrieval {e.retrieval_score:.3f}) "
            f"[{_md_escape(e.source_title or e.source_url)}]({e.source_url}), "
            f"{e.publisher or '?'}, {date}.{why}"
        )
        lines.append(f"  > {_md_escape(e.text)}")
    if v.evidence:
        lines.append("")
    return lines


def markdown_report(
    results: Sequence[tuple[Article, Sequence[Verdict]]], *, run_id: str, failures: Sequence[tuple[str, str]] = ()
) -> str:
    """A report a desk reads: per article, each claim with its span, label, confidence and evidence."""
    all_verdicts = [v for _, vs in results for v in vs]
    counts = label_counts(all_verdicts)
    lines = ["# Fact-check report", "", f"Run `{run_id}`: {len(results)} article(s), {len(all_verdicts)} claim(s).", ""]
    lines.append("| label | claims |")
    lines.append("|---|---|")
    for label, n in counts.items():
        lines.append(f"| {label} | {n} |")
    flagged = sum(v.review.needed for v in all_verdicts)
    lines += ["", f"{flagged} claim(s) flagged for review.", ""]
    if failures:
        lines += ["## Articles that could not be checked", ""]
        lines += [f"- `{path}`: {_md_escape(msg)}" for path, msg in failures]
        lines.append("")
    for article, verdicts in results:
        title = article.title or article.id
        lines += [f"## {title}", ""]
        meta = [f"id `{article.id}`"]
        if article.published:
            meta.append(f"published {article.published.isoformat()}")
        if article.language:
            meta.append(f"language {article.language}")
        if article.url:
            meta.append(article.url)
        lines += [", ".join(meta), ""]
        if not verdicts:
            lines += ["No check-worthy claims found.", ""]
        for i, v in enumerate(verdicts, 1):
            lines += _md_verdict(i, v)
    return "\n".join(lines).rstrip() + "\n"


def table(verdicts: Sequence[Verdict], width: int = 70) -> list[tuple[str, str, str, str, str]]:
    """Rows for a terminal table: span, label, confidence, review, claim text (shortened)."""
    rows = []
    for v in verdicts:
        text = v.claim.text if len(v.claim.text) <= width else v.claim.text[: width - 1] + "…"
        rows.append((str(v.claim.span), v.label.value, f"{v.confidence:.2f}", "yes" if v.review.needed else "", text))
    return rows
