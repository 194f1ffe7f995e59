"""Score a check of the seed article against its gold claims (shared data/seed/claims.gold.jsonl).

A gold claim is *covered* when a produced claim's span overlaps the gold claim's source sentence
in the article, and *covered with the gold label* when one of those produced claims got the gold
label. The full evaluation harness (data-set adapters, calibration) comes with later issues.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Sequence

from claims.errors import InputError
from claims.model import Span
from claims.read import read_articles

GOLD_LABELS = {
    "SUPPORTED": "SUPPORTED",
    "SUPPORTS": "SUPPORTED",
    "REFUTED": "REFUTED",
    "REFUTES": "REFUTED",
    "NOT ENOUGH EVIDENCE": "NOT_ENOUGH_EVIDENCE",
    "NOT_ENOUGH_EVIDENCE": "NOT_ENOUGH_EVIDENCE",
    "NOT ENOUGH INFO": "NOT_ENOUGH_EVIDENCE",
    "CONFLICTING": "CONFLICTING",
    "CONFLICTING EVIDENCE/CHERRYPICKING": "CONFLICTING",
}


def read_jsonl(path: str | Path) -> list[dict]:
    """The objects of a JSON Lines file (blank lines skipped); a bad line is FC104 with its line number.
    The one JSONL reader of the eval harnesses."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{path}:{n}: not valid JSON ({exc.msg}). Fix or remove that line.", code="FC104"
                ) from exc
    return rows


def pair_gold_claims(
    article_text: str, sentences: Sequence[str], glosses: Sequence[str], claims: Sequence, embedder
) -> tuple[list[list[int]], dict[int, int]]:
    """Which produced claims stand for each gold claim of the seed: (for each gold claim the indices of the
    produced claims whose span overlaps its source sentence, gold index -> the one produced claim paired with
    it). The pairs are the one-to-one assignment with the largest total e5 cosine (query mode, cross-lingual)
    between produced claims and the gold claims' English glosses, among claims overlapping the gold claim's
    sentence (as many gold claims paired as can be), so two gold claims of one sentence go to two different
    claims when the pipeline made them; a gold claim with no free overlapping claim left takes its closest
    one (the pipeline merged it with another). Without glosses, or without
    produced claims, nothing is paired (the caller falls back to the overlapping ones)."""
    import numpy as np

    overlapping: list[list[int]] = []
    for sentence in sentences:
        start = article_text.find(sentence)
        idx: list[int] = []
        if start >= 0:
            gspan = Span(start, start + len(sentence))
            idx = [i for i, c in enumerate(claims) if c.span.overlaps(gspan)]
        overlapping.append(idx)
    if not claims or not all(glosses):
        return overlapping, {}
    from scipy.optimize import linear_sum_assignment

    vv = np.asarray(embedder.queries([c.text for c in claims]), dtype=np.float32)
    gv = np.asarray(embedder.queries(list(glosses)), dtype=np.float32)
    # one to one, the pairing with the largest total cosine (pairs outside a gold claim's sentence not allowed)
    allowed = np.zeros((len(glosses), len(claims)), dtype=bool)
    for gi, idx in enumerate(overlapping):
        allowed[gi, idx] = True
    weight = np.where(allowed, 1.0 + gv @ vv.T, 0.0)  # any allowed pair outweighs leaving a gold claim out
    paired: dict[int, int] = {
        int(gi): int(i) for gi, i in zip(*linear_sum_assignment(weight, maximize=True)) if allowed[gi, i]
    }
    for gi, idx in enumerate(overlapping):
        if idx and gi not in paired:
            paired[gi] = max(idx, key=lambda i: float(vv[i] @ gv[gi]))
    return overlapping, paired


def _gold_row(g: dict, text: str, spans: list[tuple[Span, str]]) -> dict:
    """One gold claim's row: the labels of the produced claims that overlap its source sentence."""
    sentence = g["source_span_no"]
    start = text.find(sentence)
    gold_label = GOLD_LABELS.get(str(g["verdict"]).upper(), str(g["verdict"]))
    if start < 0:
        return {
            "id": g["id"],
            "covered": False,
            "gold": gold_label,
            "labels": [],
            "note": "source sentence not found in the article",
        }
    gspan = Span(start, start + len(sentence))
    labels = [label for span, label in spans if span.overlaps(gspan)]
    return {
        "id": g["id"],
        "type": g.get("type"),
        "gold": gold_label,
        "covered": bool(labels),
        "labels": labels,
        "gold_label_found": gold_label in labels,
    }


def evaluate_seed(gold_path: str | Path, verdicts_path: str | Path, article_path: str | Path) -> dict:
    article = read_articles(article_path)[0]
    gold = read_jsonl(gold_path)
    produced = [v for v in read_jsonl(verdicts_path) if v.get("article_id") == article.id]
    spans = [(Span(*v["claim"]["span"]), v["label"]) for v in produced]
    per_claim = []
    covered = covered_label = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for g in gold:
        row = _gold_row(g, article.text, spans)
        per_claim.append(row)
        if "gold_label_found" not in row:
            continue
        covered += row["covered"]
        covered_label += row["gold_label_found"]
        majority = Counter(row["labels"]).most_common(1)[0][0] if row["labels"] else "NONE"
        confusion[(row["gold"], majority)] += 1
    return {
        "article_id": article.id,
        "produced_claims": len(produced),
        "produced_labels": dict(Counter(v["label"] for v in produced)),
        "gold_claims": len(gold),
        "gold_covered": covered,
        "gold_covered_with_gold_label": covered_label,
        "confusion_gold_vs_majority": {f"{g} -> {p}": n for (g, p), n in sorted(confusion.items())},
        "per_claim": per_claim,
    }
