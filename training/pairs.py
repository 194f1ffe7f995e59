"""Claim/evidence pairs with a stance (supports / refutes / neutral), read from the data sets in `../shared/data`
in their original formats, each marked train or held-out by the shared rule in eval/splits.py.

    for pair in read_pairs(Path("../shared/data"), "vitaminc_real"): ...

Sets (the name is `Pair.source`):

- ``vitaminc_real``, ``vitaminc_synthetic``, ``fever_adversarial``, ``fever_symmetric_dev``, ``fever_symmetric_test``,
  ``fever_triggers``, ``anli`` (vitaminc/*.jsonl): one pair a line. Held out: `held_out(case_id)` (else `unique_id`,
  else `id`).
- ``climate_fever``: every annotated evidence sentence of a claim, with its `evidence_label` (SUPPORTS / REFUTES /
  NOT_ENOUGH_INFO). Held out: `held_out(claim_id)`.
- ``scifact_train`` / ``scifact_dev``: each rationale's sentences joined -> supports (SUPPORT) / refutes (CONTRADICT);
  up to two sentences of a cited abstract that are no rationale, and two sentences of each cited abstract of a claim
  with no evidence (NEI) -> neutral. Train and dev files are the split.
- ``checkcovid_train`` / ``checkcovid_dev``: the claim against its evidence sentences joined (SUPPORT / REFUTE /
  NOTENOUGHINFO -> neutral). Train and dev files are the split.
- ``averitec``: the claim against its question/answer pairs joined ("Q? A." ...); Supported / Refuted / Not Enough
  Evidence; "Conflicting Evidence/Cherrypicking" is skipped (a mix of stances is not one pair stance). Held out:
  `held_out(index in train.json)`.
- ``seed``: the seed article's gold evidence items (stance supports / refutes; "qualifies" is skipped), read with
  `read_seed_pairs` for the cross-lingual check (Norwegian sentence vs English evidence and the other way round).
- Norwegian and Danish (training/pairs_nordic.py, NORDIC_SETS): ``danfever_train``, ``danfever_dev``, ``danfever_mt``
  (DanFEVER), ``norwegian_ud`` (pairs made by rule from Universal Dependencies sentences) and ``articles`` (the real
  articles' and the seed's gold evidence, for measuring only).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Iterator

from eval.splits import held_out
from training.pair_model import STANCE_OF, Pair, PairDataError, SeedPair, need_file, read_jsonl
from training.pairs_nordic import NORDIC_SETS, read_gold_evidence, read_nordic_pairs

VITAMINC_FILES = (
    "vitaminc_real",
    "vitaminc_synthetic",
    "fever_adversarial",
    "fever_symmetric_dev",
    "fever_symmetric_test",
    "fever_triggers",
    "anli",
)
SETS = VITAMINC_FILES + (
    "climate_fever",
    "scifact_train",
    "scifact_dev",
    "checkcovid_train",
    "checkcovid_dev",
    "averitec",
)


def _vitaminc(data: Path, name: str) -> Iterator[Pair]:
    for r in read_jsonl(data / "vitaminc" / f"{name}.jsonl"):
        stance = STANCE_OF.get(str(r.get("label", "")).upper())
        if stance is None or not r.get("claim") or not r.get("evidence"):
            continue
        key = str(r.get("case_id") or r.get("unique_id") or r.get("id"))
        yield Pair(r["claim"], r["evidence"], stance, name, key, held_out(key))


def _climate_fever(data: Path) -> Iterator[Pair]:
    for r in read_jsonl(data / "climate-fever" / "climate-fever.jsonl"):
        key = str(r["claim_id"])
        for e in r.get("evidences", []):
            stance = STANCE_OF.get(str(e.get("evidence_label", "")).upper())
            if stance and e.get("evidence"):
                yield Pair(r["claim"], e["evidence"], stance, "climate_fever", key, held_out(key))


def _scifact(data: Path, split: str) -> Iterator[Pair]:
    corpus = {str(d["doc_id"]): d["abstract"] for d in read_jsonl(data / "scifact" / "corpus.jsonl")}
    name = f"scifact_{split}"
    for r in read_jsonl(data / "scifact" / f"claims_{split}.jsonl"):
        key, claim = str(r["id"]), r["claim"]
        rng = random.Random(f"scifact:{key}")
        evidence = r.get("evidence") or {}
        for doc in [str(d) for d in r.get("cited_doc_ids", [])]:
            sents = corpus.get(doc)
            if not sents:
                continue
            used: set[int] = set()
            for ev in evidence.get(doc, []):
                idx = [i for i in ev.get("sentences", []) if 0 <= i < len(sents)]
                stance = STANCE_OF.get(str(ev.get("label", "")).upper())
                if idx and stance:
                    used.update(idx)
                    yield Pair(claim, " ".join(sents[i] for i in sorted(idx)), stance, name, key, split == "dev")
            rest = [i for i in range(len(sents)) if i not in used]
            for i in sorted(rng.sample(rest, min(2, len(rest)))):
                yield Pair(claim, sents[i], "neutral", name, key, split == "dev")


def _checkcovid(data: Path, split: str) -> Iterator[Pair]:
    corpus = {d["cord_id"]: d["abstract"] for d in read_jsonl(data / "check-covid" / "corpus.json")}
    name = f"checkcovid_{split}"
    for r in read_jsonl(data / "check-covid" / f"covidCheck_{split}_composed+extracted.json"):
        sents = corpus.get(r.get("cord_id"))
        stance = STANCE_OF.get(str(r.get("label", "")).upper())
        if not sents or not stance:
            continue
        idx = sorted({e["sent_index"] for e in r.get("evidence_set", []) if 0 <= e.get("sent_index", -1) < len(sents)})
        if idx:
            yield Pair(r["claim"].strip(), " ".join(sents[i] for i in idx), stance, name, str(r["id"]), split == "dev")


def averitec_evidence(claim: dict) -> str:
    """An AVeriTeC claim's question/answer pairs as one evidence text."""
    parts = []
    for q in claim.get("questions") or []:
        answers = []
        for a in q.get("answers") or []:
            text = str(a.get("answer") or "").strip()
            expl = str(a.get("boolean_explanation") or "").strip()
            answers.append(f"{text}. {expl}" if expl else text)
        parts.append(f"{q.get('question', '').strip()} {' '.join(answers)}".strip())
    return " ".join(p for p in parts if p)


def _averitec(data: Path) -> Iterator[Pair]:
    path = need_file(data / "averitec" / "train.json")
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise PairDataError(f"{path} is not JSON ({exc}).") from exc
    for i, r in enumerate(rows):
        label = str(r.get("label", "")).lower()
        stance = (
            "supports"
            if label.startswith("supported")
            else "refutes"
            if label.startswith("refuted")
            else "neutral"
            if label.startswith("not enough")
            else None
        )
        evidence = averitec_evidence(r)
        if stance and evidence and r.get("claim"):
            yield Pair(r["claim"], evidence, stance, "averitec", str(i), held_out(i))


def read_pairs(data: str | Path, name: str) -> Iterator[Pair]:
    """Pairs of one set (see SETS), in file order."""
    data = Path(data)
    if name in VITAMINC_FILES:
        return _vitaminc(data, name)
    if name == "climate_fever":
        return _climate_fever(data)
    if name in ("scifact_train", "scifact_dev"):
        return _scifact(data, name.split("_")[1])
    if name in ("checkcovid_train", "checkcovid_dev"):
        return _checkcovid(data, name.split("_")[1])
    if name == "averitec":
        return _averitec(data)
    if name in NORDIC_SETS:
        return read_nordic_pairs(data, name)
    raise PairDataError(f"unknown pair set {name!r}. Known: {', '.join(SETS + NORDIC_SETS)}.", code="FC739")


def read_seed_pairs(data: str | Path) -> list[SeedPair]:
    """The seed article's gold evidence items with a supports / refutes stance (every case folder's:
    training.pairs_nordic.read_gold_evidence / article_pairs)."""
    return read_gold_evidence(Path(data) / "seed", "seed")
