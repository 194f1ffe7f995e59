"""Golden files for extraction: the seed article's claims (Norwegian) and a short English article.

Regenerate with `python -m pytest tests/test_extract_golden.py --regen-golden` and review the diff
of tests/cases/ like code: every changed line is a changed claim a fact-checker would see.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from claims.extract import extract_claims
from claims.read import read_articles
from claims.segment import split_sentences

CASES = Path(__file__).resolve().parent / "cases"
SEED_ARTICLE = Path(__file__).resolve().parents[1] / "data" / "seed" / "article.md"

EN_TEXT = (
    "The CEO of Twitter at the time of writing this answer is Jack Dorsey. He co-founded Twitter in 2006 and "
    "served as the CEO until 2008, and returned as CEO in 2015. Dorsey is also the CEO of Square, a financial "
    "services company, according to Reuters.\n\n"
    "The United States, France, China and Russia have nuclear power plants. Abacus computing is faster than "
    "DNA computing because it uses mechanical computation. Officials said that about 1,200 people were "
    "evacuated last weekend."
)


def _rows(text: str, claims) -> list[dict]:
    return [
        {
            "text": c.text,
            "quote": text[c.span.start : c.span.end],
            "sources": [text[s.start : s.end] for s in c.sources],
            "type": c.type.value,
            "checkable": c.checkable,
            "quantities": [[q.text, q.value, q.unit, q.comparator.value] for q in c.quantities],
            "dates": [[d.text, d.value.isoformat(), d.last.isoformat(), d.precision.value] for d in c.dates],
            "period": [d.isoformat() for d in c.period] if c.period else None,
            "entities": list(c.entities),
        }
        for c in claims
    ]


def _check(name: str, rows: list[dict], regen: bool) -> None:
    path = CASES / name
    got = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if regen:
        path.write_text(got, encoding="utf-8")
        pytest.skip(f"rewrote {path}")
    assert path.exists(), f"missing {path}: run pytest --regen-golden and review the diff"
    want = path.read_text(encoding="utf-8")
    assert got == want, f"extraction changed: run pytest {__file__} --regen-golden and review git diff {path}"


def test_seed_article_claims_match_golden(regen_golden):
    art = read_articles(SEED_ARTICLE)[0]
    claims = extract_claims(
        art.id, art.text, split_sentences(art.text, art.language), language=art.language, published=art.published
    )
    _check("seed_claims.jsonl", _rows(art.text, claims), regen_golden)


def test_english_claims_match_golden(regen_golden):
    claims = extract_claims(
        "en-golden", EN_TEXT, split_sentences(EN_TEXT, "en"), language="en", published=dt.date(2024, 4, 30)
    )
    _check("en_claims.jsonl", _rows(EN_TEXT, claims), regen_golden)
