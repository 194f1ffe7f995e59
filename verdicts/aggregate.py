"""The verdict aggregator: one claim's evidence signals -> a probability for each of the four labels.

When no exact rule decides a claim and a verifier has read its on-topic hits, the label comes from here: a
multinomial logistic regression over a few claim-level signals (`FEATURES`: retrieval cosines, the verifier's
supports / refutes / neutral probabilities over the hits, weak rule signals). Its probability of the chosen label
is the verdict's confidence, calibrated by construction (the fit minimises log-loss) and measured by
`factcheck eval verdicts` (ECE).

The weights live in verdicts/aggregator.json, fitted by `python -m training.fit_aggregator` on the reserved fold of
eval/splits.py: claims of Climate-FEVER, SciFact train, Check-COVID train and AVeriTeC train that the verifier
never trained on and that no evaluation figure uses. A file fitted for another verifier (name@version) is not
used: decide() falls back to its threshold rule. Prediction is plain numpy; scikit-learn is needed only to fit.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from verdicts.model import Label

AGGREGATOR_PATH = Path(__file__).resolve().parent / "aggregator.json"
FORMAT = "factcheck-aggregator/1"
LABELS = (Label.SUPPORTED.value, Label.REFUTED.value, Label.NOT_ENOUGH_EVIDENCE.value, Label.CONFLICTING.value)
FEATURES = (
    "best_cos",  # highest cosine of any hit (with the cross-lingual allowance)
    "read_share",  # share of the hits the verifier read (on topic)
    "any_read",  # 1 when the verifier read at least one hit
    "max_sup",  # highest P(supports) over the hits read
    "max_ref",  # highest P(refutes)
    "min_neu",  # lowest P(neutral) (1 when nothing was read)
    "top_sup",  # P(supports) of the closest hit read
    "top_ref",  # P(refutes) of the closest hit read
    "mean_sup",  # mean P(supports) over the hits read
    "mean_ref",  # mean P(refutes)
    "logit_sup",  # log-odds of max_sup
    "logit_ref",  # log-odds of max_ref
    "both",  # max_sup * max_ref: one source each way
    "rule_sup",  # combined weak rule support (below the deciding strength)
    "rule_ref",  # combined weak rule refutation
    "numeric",  # 1 when the claim states a figure other than a year
)

__all__ = ["AGGREGATOR_PATH", "Aggregator", "FEATURES", "LABELS", "feature_vector", "load_aggregator"]


def _logit(p: float) -> float:
    p = min(1 - 1e-4, max(1e-4, p))
    return math.log(p / (1 - p))


def feature_vector(
    cosines: Sequence[float],
    read: Sequence[tuple[float, tuple[float, float, float]]],
    rule_sup: float,
    rule_ref: float,
    numeric: bool,
) -> np.ndarray:
    """FEATURES of one claim. `cosines`: every hit's cosine; `read`: (cosine, (P(sup), P(ref), P(neu))) of the
    hits the verifier read; rule_sup / rule_ref: the combined strength of rule results that did not decide."""
    n = max(1, len(cosines))
    if read:
        top = max(read, key=lambda r: r[0])[1]
        sup = [r[1][0] for r in read]
        ref = [r[1][1] for r in read]
        neu = [r[1][2] for r in read]
        max_sup, max_ref, min_neu = max(sup), max(ref), min(neu)
        vals = [
            len(read) / n,
            1.0,
            max_sup,
            max_ref,
            min_neu,
            top[0],
            top[1],
            float(np.mean(sup)),
            float(np.mean(ref)),
            _logit(max_sup),
            _logit(max_ref),
            max_sup * max_ref,
        ]
    else:
        vals = [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, _logit(0.0), _logit(0.0), 0.0]
    best = max(cosines, default=0.0)
    return np.asarray([best, *vals, rule_sup, rule_ref, 1.0 if numeric else 0.0], dtype=np.float64)


@dataclass(frozen=True)
class Aggregator:
    """Fitted weights: P(label | x) = softmax(((x - mean) / scale) @ coef.T + intercept)."""

    verifier: str  # "name@version" of the verifier it was fitted with
    labels: tuple[str, ...]
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (len(labels), len(features))
    intercept: np.ndarray  # (len(labels),)
    info: dict

    def proba(self, x: np.ndarray) -> dict[str, float]:
        z = ((np.asarray(x, dtype=np.float64) - self.mean) / self.scale) @ self.coef.T + self.intercept
        z = np.exp(z - z.max())
        p = z / z.sum()
        return {lab: float(v) for lab, v in zip(self.labels, p)}

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "verifier": self.verifier,
            "labels": list(self.labels),
            "features": list(self.features),
            "mean": self.mean.round(8).tolist(),
            "scale": self.scale.round(8).tolist(),
            "coef": self.coef.round(8).tolist(),
            "intercept": self.intercept.round(8).tolist(),
            "fitted": self.info,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Aggregator":
        if data.get("format") != FORMAT or tuple(data.get("features", ())) != FEATURES:
            raise ValueError(f"not a {FORMAT} file for these features; refit with python -m training.fit_aggregator")
        return cls(
            str(data["verifier"]),
            tuple(data["labels"]),
            tuple(data["features"]),
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
            np.asarray(data["coef"], dtype=np.float64),
            np.asarray(data["intercept"], dtype=np.float64),
            dict(data.get("fitted") or {}),
        )


@functools.lru_cache(maxsize=8)
def _read(path: str, mtime_ns: int) -> Aggregator | None:
    try:
        return Aggregator.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load_aggregator(verifier: str, path: str | Path | None = None) -> Aggregator | None:
    """The aggregator fitted for this verifier ("name@version"), or None (no file, or fitted for another)."""
    p = Path(path) if path else AGGREGATOR_PATH
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        return None
    agg = _read(str(p), mtime)
    return agg if agg is not None and agg.verifier == verifier else None
