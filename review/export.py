"""Decisions and verdicts out: schema.org ClaimReview JSON-LD, and CSV for a desk's spreadsheet.

The rating scale (worst 1, best 4) puts the four labels in order of how true the claim is:

    1 False (REFUTED)   2 Mixed (CONFLICTING)   3 Unproven (NOT_ENOUGH_EVIDENCE)   4 True (SUPPORTED)

A decided claim is exported with the reviewer's label; with `machine=True`, claims nobody decided yet
are exported with the machine's label (and say so in the rating's explanation).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from importlib import resources

from review.errors import ExportError
from sources import tables_review
from sources.store import Store

RATING = {
    "REFUTED": (1, "False"),
    "CONFLICTING": (2, "Mixed"),
    "NOT_ENOUGH_EVIDENCE": (3, "Unproven"),
    "SUPPORTED": (4, "True"),
}
BEST, WORST = 4, 1
FORMATS = ("claimreview", "csv")


@dataclass(frozen=True, slots=True)
class ExportRow:
    claim_id: str
    run_id: str
    verdict_id: str
    article_id: str
    article_title: str
    article_url: str
    article_published: str
    claim_text: str
    quote: str
    language: str
    machine_label: str
    machine_confidence: float
    review_reasons: str
    label: str  # the label in force: the decision's, else the machine's
    decided: bool
    action: str
    reviewer: str
    decided_at: str
    note: str
    decision_id: str
    explanation: str


def export_rows(store: Store, *, machine: bool = False) -> list[ExportRow]:
    """One row per claim: every decided claim; with machine=True also every undecided claim's current verdict."""
    out = []
    for r in tables_review.export_rows(store.con, bool(machine)):
        decided = r[18] is not None
        out.append(
            ExportRow(
                claim_id=r[0],
                run_id=r[1],
                verdict_id=r[2],
                article_id=r[3],
                article_title=r[4],
                article_url=r[5],
                article_published=r[6].isoformat() if r[6] else "",
                claim_text=r[7],
                quote=r[8] or "",
                language=r[9],
                machine_label=r[10],
                machine_confidence=round(float(r[11]), 4),
                review_reasons="; ".join(json.loads(r[12])),
                label=r[13] if decided else r[10],
                decided=decided,
                action=r[14] or "",
                reviewer=r[15] or "",
                decided_at=r[16].isoformat(timespec="seconds") + "Z" if r[16] else "",
                note=r[17] or "",
                decision_id=r[18] or "",
                explanation=r[19],
            )
        )
    return out


def claim_review(row: ExportRow, *, base_url: str = "http://127.0.0.1:8000", org: str = "factcheck") -> dict:
    """One schema.org ClaimReview for a row."""
    value, name = RATING[row.label]
    base = base_url.rstrip("/")
    appearance = {"@type": "CreativeWork"}
    if row.article_url:
        appearance["url"] = row.article_url
    if row.article_title:
        appearance["headline"] = row.article_title
    if row.article_published:
        appearance["datePublished"] = row.article_published
    claim = {"@type": "Claim", "appearance": appearance, "text": row.quote or row.claim_text}
    if row.article_published:
        claim["datePublished"] = row.article_published
    if row.language:
        claim["inLanguage"] = row.language
    if row.decided:
        explanation = row.note or f"{row.action} by reviewer {row.reviewer}"
    else:
        explanation = f"machine verdict, not reviewed by a person: {row.explanation}"
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{base}/claims/{row.claim_id}",
        "claimReviewed": row.claim_text,
        "itemReviewed": claim,
        "author": {"@type": "Organization", "name": org},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": BEST,
            "worstRating": WORST,
            "alternateName": name,
            "ratingExplanation": explanation,
        },
        "datePublished": (row.decided_at[:10] if row.decided else None) or row.article_published or None,
        "identifier": row.decision_id or row.verdict_id,
    }
    if row.decided:
        review["contributor"] = {"@type": "Person", "name": row.reviewer}
    if row.language:
        review["inLanguage"] = row.language
    return {k: v for k, v in review.items() if v is not None}


# fmt: off
CSV_COLUMNS = (
    "claim_id", "label", "decided", "action", "reviewer", "decided_at", "note", "machine_label", "machine_confidence",
    "review_reasons", "claim_text", "quote", "language", "article_id", "article_title", "article_url",
    "article_published", "run_id", "verdict_id", "decision_id"
)
# fmt: on


def to_csv(rows: list[ExportRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow([_csv_safe(getattr(r, c)) for c in CSV_COLUMNS])
    return buf.getvalue()


def _csv_safe(value):
    """Neutralise spreadsheet formulas: a cell starting with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export(
    store: Store, fmt: str, *, machine: bool = False, base_url: str = "http://127.0.0.1:8000", org: str = "factcheck"
) -> str:
    """The export as text: a JSON array of ClaimReview objects, or CSV."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}. Use one of: {', '.join(FORMATS)}.")
    rows = export_rows(store, machine=machine)
    if fmt == "csv":
        return to_csv(rows)
    return json.dumps([claim_review(r, base_url=base_url, org=org) for r in rows], ensure_ascii=False, indent=2) + "\n"


# -- validation against the schema.org vocabulary -----------------------------------------------
def vocabulary() -> dict:
    """The bundled subset of schema.org (types, their parents, properties with domains and ranges)."""
    return json.loads((resources.files("review") / "schemaorg_subset.json").read_text(encoding="utf-8"))


def _ancestors(types: dict, t: str) -> set[str]:
    """The type t and every type it inherits from, in the vocabulary's types."""
    seen, todo = set(), [t]
    while todo:
        cur = todo.pop()
        if cur in seen or cur not in types:
            continue
        seen.add(cur)
        todo.extend(types[cur].get("parents", []))
    return seen


def _check_node(node, where: str, expected: list[str] | None, vocab: dict, problems: list[str]) -> None:
    """Append to problems what is wrong with one JSON-LD node (and, recursively, its values)."""
    types, props = vocab["types"], vocab["properties"]
    if isinstance(node, list):
        for i, item in enumerate(node):
            _check_node(item, f"{where}[{i}]", expected, vocab, problems)
        return
    if not isinstance(node, dict):
        if expected and not _literal_ok(node, expected):
            problems.append(f"{where}: value {node!r} is not one of {expected}")
        return
    t = node.get("@type")
    if t is None:
        problems.append(f"{where}: object without @type")
        return
    if t not in types:
        problems.append(f"{where}: unknown type {t!r}")
        return
    anc = _ancestors(types, t)
    if expected and not (anc & set(expected)):
        problems.append(f"{where}: type {t} is not allowed here (expected {expected})")
    for key, value in node.items():
        if key.startswith("@"):
            if key not in ("@type", "@context", "@id"):
                problems.append(f"{where}: unknown keyword {key}")
            continue
        spec = props.get(key)
        if spec is None:
            problems.append(f"{where}.{key}: not a schema.org property (in the bundled vocabulary)")
            continue
        if not (anc & set(spec["domain"])):
            problems.append(f"{where}.{key}: not a property of {t} (domain {spec['domain']})")
        _check_node(value, f"{where}.{key}", spec["range"], vocab, problems)
    if t == "Rating" and all(k in node for k in ("ratingValue", "bestRating", "worstRating")):
        if not node["worstRating"] <= node["ratingValue"] <= node["bestRating"]:
            problems.append(
                f"{where}: ratingValue {node['ratingValue']} outside [{node['worstRating']}, {node['bestRating']}]"
            )


def validate(obj, vocab: dict | None = None, path: str = "$") -> list[str]:
    """Problems with a JSON-LD object against the vocabulary: unknown types, properties outside their
    type's domain, values outside a property's range, ratings outside their scale. [] when valid."""
    vocab = vocab or vocabulary()
    problems: list[str] = []
    if isinstance(obj, dict) and obj.get("@context") not in (
        "https://schema.org",
        "http://schema.org",
        "https://schema.org/",
    ):
        problems.append(f"{path}: @context must be https://schema.org")
    _check_node(obj, path, None, vocab, problems)
    return problems


def _literal_ok(value, expected: list[str]) -> bool:
    import datetime as dt
    import re

    for t in expected:
        if t in ("Text", "URL") and isinstance(value, str):
            if t == "URL" and not re.match(r"^https?://", value):
                continue
            return True
        if t == "Number" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if t in ("Date", "DateTime") and isinstance(value, str):
            try:
                (dt.date.fromisoformat if t == "Date" else dt.datetime.fromisoformat)(value.rstrip("Z"))
                return True
            except ValueError:
                continue
    return False
