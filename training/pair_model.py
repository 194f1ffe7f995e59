"""The pair the verifier trains on and is measured with, and how the pair readers (training.pairs,
training.pairs_nordic) open the shared data files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from claims.errors import InputError

STANCE_OF = {
    "SUPPORTS": "supports",
    "SUPPORT": "supports",
    "SUPPORTED": "supports",
    "REFUTES": "refutes",
    "REFUTE": "refutes",
    "CONTRADICT": "refutes",
    "REFUTED": "refutes",
    "NOT ENOUGH INFO": "neutral",
    "NOT_ENOUGH_INFO": "neutral",
    "NOTENOUGHINFO": "neutral",
    "NEI": "neutral",
    "NOT ENOUGH EVIDENCE": "neutral",
}


class PairDataError(InputError):
    """A pair data set is missing or not in its original format."""

    code = "FC736"


@dataclass(frozen=True, slots=True)
class Pair:
    claim: str
    evidence: str
    stance: str  # one of verdicts.entail.STANCES
    source: str  # the set's name (SETS)
    key: str  # the grouping key of the split rule
    held_out: bool  # never trained on


def need_file(path: Path) -> Path:
    if not path.is_file():
        raise PairDataError(
            f"missing data file {path}. Give the folder that holds the shared data sets with --data "
            "(e.g. --data ../shared/data; see its README.md for the layout)."
        )
    return path


def read_jsonl(path: Path) -> Iterator[dict]:
    with open(need_file(path), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise PairDataError(f"{path}:{n} is not JSON ({exc}); the file must be JSON Lines.") from exc


@dataclass(frozen=True, slots=True)
class SeedPair:
    claim_id: str
    sentence_no: str  # the Norwegian sentence of the article
    claim_en: str  # the English normalised claim
    evidence: str  # the gold evidence passage
    evidence_language: str
    stance: str  # supports / refutes
    case: str = "seed"  # the case folder (articles/NAME or seed)
