"""The nouns of the verdict stage: labels, stances, evidence, review flags, provenance, verdicts."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from claims.model import Claim, Span, content_hash


class Label(str, enum.Enum):
    SUPPORTED = "SUPPORTED"
    REFUTED = "REFUTED"
    NOT_ENOUGH_EVIDENCE = "NOT_ENOUGH_EVIDENCE"
    CONFLICTING = "CONFLICTING"


class Stance(str, enum.Enum):
    """What one evidence item says about the claim."""

    SUPPORTS = "supports"
    REFUTES = "refutes"
    NEUTRAL = "neutral"  # on topic, but does not decide the claim
    UNRELATED = "unrelated"  # retrieved, but not about the claim


@dataclass(frozen=True, slots=True)
class Evidence:
    """One evidence item behind a verdict, with everything needed to show and replay it."""

    passage_id: str
    text: str
    source_url: str
    source_title: str
    publisher: str
    published: dt.date | None
    span: Span | None  # the passage's span in its source, when known
    retrieval_score: float
    rank: int
    stance: Stance
    stance_score: float  # probability-like strength of the stance, in [0, 1]
    rule: str = ""  # the exact check that decided the stance ("quantity", "age", ...)
    explanation: str = ""  # one line a reviewer reads
    load_id: str = ""  # the store load that wrote the passage row
    language: str = ""
    published_raw: str = ""  # the date as the source gave it when not a full date ("2018-11", "undated")


@dataclass(frozen=True, slots=True)
class Review:
    """Whether a person should look at the verdict, and why."""

    needed: bool = False
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    version: str
    role: str = ""  # "embedder", "verifier", ...


@dataclass(frozen=True, slots=True)
class Provenance:
    run_id: str
    code_version: str
    models: tuple[ModelInfo, ...] = ()
    store_load_ids: tuple[str, ...] = ()  # the loads that wrote the evidence rows
    rules_version: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    claim: Claim
    label: Label
    confidence: float  # probability that the label is right, in [0, 1]
    evidence: tuple[Evidence, ...]
    review: Review
    provenance: Provenance
    explanation: str = ""
    id: str = ""
    basis: str = ""  # what decided the label: rule, verifier, similarity, not_checkable, none

    def __post_init__(self):
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be in [0, 1], got {self.confidence}")
        if not self.id:
            # Same claim, same evidence rows, same rules and models -> same verdict id.
            object.__setattr__(
                self,
                "id",
                "v-"
                + content_hash(
                    self.claim.id,
                    self.label.value,
                    round(self.confidence, 4),
                    ",".join(f"{e.passage_id}:{e.stance.value}" for e in self.evidence),
                    self.provenance.rules_version,
                    ",".join(f"{m.name}@{m.version}" for m in self.provenance.models),
                ),
            )
