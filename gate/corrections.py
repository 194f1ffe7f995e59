"""Editorial corrections: records in the store or in a file in the newsroom's repository, and the check
that a text states a corrected error again.

A correction names the article (its id, or its path relative to the repository), the claim as it
was, the corrected text ('' when the statement was removed), the date and a note:

    c = Correction(article="articles/abbas.md", claim_as_was="87 år gamle Abbas",
                   corrected_text="88 år gamle Abbas", date=dt.date(2024, 5, 2), note="He was 88.")
    add_correction(store, c)                       # or keep it in corrections.toml ([[correction]] tables)
    find_restatements(article, claims, [c], embedder, threshold=0.93)

A claim restates a correction when
- the claim as it was appears word for word in the article (case, punctuation and spacing ignored),
  and the finding is put on the claim that overlaps that place most ("text"), or
- the claim's embedding (e5 query mode on both sides) has cosine >= threshold with the claim as it
  was, every number and day/month date of the claim as it was also appears in the claim, and the
  claim is closer to the claim as it was than to the corrected text ("embedding").
Numbers decide between "87 år gamle Abbas" (restated) and "88 år gamle Abbas" (the correction).

Errors: FC610-FC615 (InputError subclasses).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from claims.errors import InputError
from claims.model import Article, Claim, Span, content_hash
from claims.normalise import parse_dates, parse_quantities
from sources import tables_gate
from sources.store import Store, now

FIELDS = ("article", "claim_as_was", "corrected_text", "date", "note", "language")
_ALIASES = {"was": "claim_as_was", "claim": "claim_as_was", "corrected": "corrected_text", "corrected_on": "date"}
_WORD = re.compile(r"\w+")
_CONTENT_WORD = re.compile(r"\w{4,}")


class CorrectionError(InputError):
    """A correction record or corrections file cannot be used."""

    code = "FC610"


class CorrectionsFileNotFound(CorrectionError):
    code = "FC611"


class CorrectionsFileMalformed(CorrectionError):
    code = "FC612"


class CorrectionFieldError(CorrectionError):
    code = "FC613"


class CorrectionDateError(CorrectionError):
    code = "FC614"


@dataclass(frozen=True, slots=True)
class Correction:
    article: str  # the article's id, or its path relative to the repository
    claim_as_was: str  # the wrong statement as it was published
    corrected_text: str = ""  # what the article states now ('' when the statement was removed)
    date: dt.date | None = None  # when the correction was made
    note: str = ""
    language: str = ""
    origin: str = ""  # 'cli' (the store), or the file the record was read from
    id: str = ""

    def __post_init__(self):
        if not self.id:
            object.__setattr__(
                self, "id", "corr-" + content_hash(self.article, _norm(self.claim_as_was), _norm(self.corrected_text))
            )

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "article": self.article,
            "claim_as_was": self.claim_as_was,
            "corrected_text": self.corrected_text,
            "date": self.date.isoformat() if self.date else None,
            "note": self.note,
            "language": self.language,
            "origin": self.origin,
        }


@dataclass(frozen=True, slots=True)
class Restatement:
    """A place in an article that states a corrected error again."""

    correction: Correction
    article_id: str
    span: Span  # where in article.text (the claim's span, or the matched words)
    quote: str  # article.text[span]
    claim: Claim | None  # the claim the finding is put on, when one covers the place
    method: str  # 'text' or 'embedding'
    similarity: float  # 1.0 for a word-for-word match


def _norm(text: str) -> str:
    return " ".join(_WORD.findall((text or "").casefold()))


# -- records ------------------------------------------------------------------------------------
def parse_correction(record: dict, where: str, *, origin: str = "") -> Correction:
    """A Correction from a dict (file row or CLI options); `where` names it in error messages."""
    if not isinstance(record, dict):
        raise CorrectionsFileMalformed(
            f"{where}: a correction must be a table/object, got {type(record).__name__}. "
            "Write it as [[correction]] with article, claim_as_was, corrected_text, date."
        )
    rec = {_ALIASES.get(k, k): v for k, v in record.items()}
    unknown = sorted(set(rec) - set(FIELDS) - {"id", "origin"})
    if unknown:
        raise CorrectionFieldError(f"{where}: unknown field(s) {', '.join(unknown)}. Known: {', '.join(FIELDS)}.")
    for key in ("article", "claim_as_was"):
        if not isinstance(rec.get(key), str) or not rec[key].strip():
            raise CorrectionFieldError(
                f"{where}: '{key}' is missing or empty. Give the article's id or path as "
                "'article' and the wrong statement as 'claim_as_was'."
            )
    if not _norm(rec["claim_as_was"]):
        raise CorrectionFieldError(f"{where}: claim_as_was {rec['claim_as_was']!r} has no words to match.")
    for key in ("corrected_text", "note", "language"):
        if rec.get(key) is not None and not isinstance(rec[key], str):
            raise CorrectionFieldError(f"{where}: '{key}' must be text, got {rec[key]!r}.")
    date = rec.get("date")
    if date is None or date == "":
        raise CorrectionDateError(f"{where}: 'date' is missing. Give the day of the correction as YYYY-MM-DD.")
    if isinstance(date, dt.datetime):
        date = date.date()
    elif isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date.strip())
        except ValueError:
            raise CorrectionDateError(f"{where}: date {date!r} is not a date. Write it as YYYY-MM-DD.") from None
    elif not isinstance(date, dt.date):
        raise CorrectionDateError(f"{where}: date {date!r} is not a date. Write it as YYYY-MM-DD.")
    return Correction(
        article=rec["article"].strip(),
        claim_as_was=rec["claim_as_was"].strip(),
        corrected_text=(rec.get("corrected_text") or "").strip(),
        date=date,
        note=(rec.get("note") or "").strip(),
        language=(rec.get("language") or "").strip(),
        origin=origin,
    )


def read_corrections_file(path: str | Path) -> list[Correction]:
    """Corrections kept in the repository: a .toml file of [[correction]] tables, or .jsonl (one a line)."""
    path = Path(path)
    if not path.is_file():
        raise CorrectionsFileNotFound(
            f"no corrections file at {path}. Create it, or fix corrections.file in factcheck.toml."
        )
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorrectionsFileMalformed(f"{path} is not UTF-8 text ({exc.reason}). Save it as UTF-8.") from None
    origin = str(path)
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise CorrectionsFileMalformed(f"{path} is not valid TOML: {exc}. Fix the file.") from None
        unknown = sorted(set(data) - {"correction"})
        if unknown:
            raise CorrectionsFileMalformed(
                f"{path}: unknown top-level key(s) {', '.join(unknown)}. "
                "Write each correction as a [[correction]] table."
            )
        rows = data.get("correction", [])
        if not isinstance(rows, list):
            raise CorrectionsFileMalformed(f"{path}: 'correction' must be an array of tables: write [[correction]].")
        return [parse_correction(r, f"{path} correction {i}", origin=origin) for i, r in enumerate(rows, 1)]
    if path.suffix.lower() == ".jsonl":
        out = []
        for number, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorrectionsFileMalformed(
                    f"{path} line {number} is not JSON ({exc.msg}). Write one JSON object a line."
                ) from None
            out.append(parse_correction(rec, f"{path} line {number}", origin=origin))
        return out
    raise CorrectionsFileMalformed(f"{path}: corrections files must be .toml ([[correction]] tables) or .jsonl.")


class CorrectionsTableMissing(CorrectionError):
    code = "FC615"


def _require_table(store: Store) -> None:
    if not tables_gate.has_corrections_table(store.con):
        raise CorrectionsTableMissing(
            f"{store.path} has no corrections table although its schema is v{store.schema_version()} (it was "
            "migrated by a factcheck without migration 003). Build the store again with this factcheck "
            "(factcheck store ingest ... --db NEW.duckdb)."
        )


def add_correction(store: Store, correction: Correction, *, added_by: str = "", origin: str = "cli") -> bool:
    """Store a correction; False (and nothing written) when the store already holds the same one."""
    _require_table(store)
    with store.transaction() as con:
        if tables_gate.correction_exists(con, correction.id):
            return False
        load_id = store.begin_load("corrections", origin, correction.id, "")
        tables_gate.insert_correction(
            con,
            correction_id=correction.id,
            article=correction.article,
            claim_as_was=correction.claim_as_was,
            corrected_text=correction.corrected_text,
            corrected_on=correction.date or now().date(),
            note=correction.note or None,
            language=correction.language or None,
            added_by=added_by or None,
            origin=origin,
            load_id=load_id,
        )
        store.finish_load(load_id, added=1, skipped=0, rejected=0)
    return True


def list_corrections(store: Store) -> list[Correction]:
    _require_table(store)
    rows = tables_gate.correction_rows(store.con)
    return [
        Correction(
            article=r[1],
            claim_as_was=r[2],
            corrected_text=r[3] or "",
            date=r[4],
            note=r[5] or "",
            language=r[6] or "",
            origin=r[7] or "store",
            id=r[0],
        )
        for r in rows
    ]


def merge_corrections(*groups: Iterable[Correction]) -> list[Correction]:
    """One list, the first of each id kept (the store's before a file's duplicate)."""
    seen: dict[str, Correction] = {}
    for group in groups:
        for c in group:
            seen.setdefault(c.id, c)
    return list(seen.values())


def is_for_article(correction: Correction, article: Article, rel_path: str = "") -> bool:
    """Whether the correction names this article (by id, or by its path relative to the repository)."""
    key = correction.article.strip().removeprefix("./")
    return key in {article.id, rel_path.removeprefix("./")} - {""}


# -- restatement ----------------------------------------------------------------------------------
def signature(text: str, language: str = "") -> frozenset:
    """The numbers and day/month dates a text states: what a restatement must repeat."""
    sig: set = {("n", round(q.value, 6)) for q in parse_quantities(text, language)}
    sig |= {
        ("d", d.value.isoformat(), d.precision.value)
        for d in parse_dates(text, language)
        if d.precision.value != "year"
    }
    return frozenset(sig)


def word_pattern(text: str) -> re.Pattern[str]:
    """A pattern for text's words in order, whatever the case, punctuation and spacing between them."""
    words = _WORD.findall(text)
    return re.compile(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE)


def _best_claim(claims: Sequence[Claim], span: Span) -> Claim | None:
    best, best_overlap = None, 0
    for c in claims:
        overlap = min(c.span.end, span.end) - max(c.span.start, span.start)
        if overlap > best_overlap or (
            overlap == best_overlap and best is not None and overlap > 0 and len(c.span) < len(best.span)
        ):
            best, best_overlap = c, overlap
    return best


def _candidate_pairs(
    claims: Sequence[Claim], corrections: Sequence[Correction], found: Sequence[Restatement], lang: str
) -> list[tuple[Claim, Correction]]:
    """(claim, correction) pairs not matched yet whose numbers agree and that share a content word."""
    matched_spans: dict[str, list[Span]] = {}
    for r in found:
        matched_spans.setdefault(r.correction.id, []).append(r.claim.span if r.claim else r.span)
    pairs: list[tuple[Claim, Correction]] = []
    for corr in corrections:
        was_sig = signature(corr.claim_as_was, corr.language or lang)
        was_words = set(_CONTENT_WORD.findall(corr.claim_as_was.casefold()))
        for c in claims:
            if any(c.span.overlaps(s) for s in matched_spans.get(corr.id, ())):
                continue
            if not was_sig <= signature(c.text, c.language or lang):
                continue
            if was_words and not was_words & set(_CONTENT_WORD.findall(c.text.casefold())):
                continue
            pairs.append((c, corr))
    return pairs


def find_restatements(
    article: Article,
    claims: Sequence[Claim],
    corrections: Sequence[Correction],
    embedder=None,
    *,
    threshold: float = 0.93,
) -> list[Restatement]:
    """Places where the article states a corrected claim again (see the module docstring)."""
    found: list[Restatement] = []
    text = article.text
    lang = article.language
    for corr in corrections:
        for m in word_pattern(corr.claim_as_was).finditer(text):
            span = Span(m.start(), m.end())
            claim = _best_claim(claims, span)
            found.append(Restatement(corr, article.id, span, m.group(0), claim, "text", 1.0))
    if embedder is None or not claims or not corrections:
        return found
    # Embedding pass over the claims not already matched, only where the numbers agree and a content word
    # is shared (cheap filters first, so a gate embeds a handful of texts, not every claim).
    pairs = _candidate_pairs(claims, corrections, found, lang)
    if not pairs:
        return found
    texts = sorted(
        {c.text for c, _ in pairs}
        | {k.claim_as_was for _, k in pairs}
        | {k.corrected_text for _, k in pairs if k.corrected_text}
    )
    vectors = dict(zip(texts, np.asarray(embedder.queries(texts), dtype=np.float32)))
    for c, corr in pairs:
        sim = float(vectors[c.text] @ vectors[corr.claim_as_was])
        if sim < threshold:
            continue
        if corr.corrected_text and float(vectors[c.text] @ vectors[corr.corrected_text]) >= sim:
            continue
        found.append(Restatement(corr, article.id, c.span, c.span.of(text), c, "embedding", sim))
    # One finding per correction and claim (or place, when no claim covers it).
    unique: dict[tuple, Restatement] = {}
    for r in sorted(found, key=lambda r: (-r.similarity, r.span.start)):
        key = (r.correction.id, r.claim.id if r.claim else str(r.span))
        unique.setdefault(key, r)
    return sorted(unique.values(), key=lambda r: (r.span.start, r.correction.id))


def stated_corrected_text(article: Article, claims: Sequence[Claim], correction: Correction) -> list[Claim]:
    """The claims that state the correction's corrected text, where the article carries it word for word."""
    if not correction.corrected_text or not _norm(correction.corrected_text):
        return []
    out: dict[str, Claim] = {}
    for m in word_pattern(correction.corrected_text).finditer(article.text):
        span = Span(m.start(), m.end())
        for c in claims:
            if c.span.overlaps(span):
                out.setdefault(c.id, c)
    return list(out.values())


def with_origin(corrections: Iterable[Correction], origin: str) -> list[Correction]:
    return [replace(c, origin=origin) for c in corrections]
