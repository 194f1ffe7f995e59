"""Structured facts: (subject, attribute, value, unit, valid from, valid to, source), e.g.
("Mahmoud Abbas", "birth date", "1935-11-15") or ("Gaza", "people killed", "34535", "persons",
valid from 2024-04-30). Loaded from CSV or JSONL, idempotent by content hash, stamped with the load,
and a changed file replaces the facts its earlier versions held (moved to facts_history).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from claims.errors import InputError
from claims.model import content_hash
from claims.read import parse_date_value, read_text
from sources import tables_facts
from sources.store import Store, now

FACT_FIELDS = ("subject", "attribute", "value")


@dataclass(frozen=True, slots=True)
class Fact:
    subject: str
    attribute: str
    value: str
    unit: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source_url: str = ""
    source_title: str = ""
    external_id: str = ""
    id: str = ""

    def __post_init__(self):
        if not self.id:
            object.__setattr__(
                self,
                "id",
                "f-"
                + content_hash(
                    self.subject, self.attribute, self.value, self.unit, self.valid_from, self.valid_to, self.source_url
                ),
            )

    @property
    def number(self) -> float | None:
        try:
            return float(self.value.replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            return None


def _date(rec: dict, *keys: str) -> dt.date | None:
    for k in keys:
        v = rec.get(k)
        if v not in (None, ""):
            d = parse_date_value(str(v))
            if d is None:
                raise ValueError(f"'{k}' is not a date: {v!r} (use YYYY-MM-DD)")
            return d
    return None


def fact_from_record(rec: dict) -> Fact:
    if not isinstance(rec, dict):
        raise ValueError("expected a JSON object")
    missing = [f for f in FACT_FIELDS if not str(rec.get(f) or "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(repr(m) for m in missing)}")
    f = Fact(
        subject=str(rec["subject"]).strip(),
        attribute=str(rec["attribute"]).strip(),
        value=str(rec["value"]).strip(),
        unit=str(rec.get("unit") or "").strip(),
        valid_from=_date(rec, "valid_from", "valid from", "from", "date"),
        valid_to=_date(rec, "valid_to", "valid to", "to"),
        source_url=str(rec.get("source_url") or rec.get("source") or rec.get("url") or ""),
        source_title=str(rec.get("source_title") or ""),
        external_id=str(rec.get("id") or ""),
    )
    if f.valid_from and f.valid_to and f.valid_to < f.valid_from:
        raise ValueError(f"valid_to {f.valid_to} is before valid_from {f.valid_from}")
    return f


def looks_like_facts(path: str | Path) -> bool:
    """True when the file's first record has subject, attribute and value fields."""
    path = Path(path)
    try:
        head = path.open("rb").read(4096).decode("utf-8", "ignore")
    except OSError:
        return False
    first = next((ln for ln in head.splitlines() if ln.strip()), "")
    if path.suffix.lower() == ".csv":
        cols = {c.strip().lower() for c in next(csv.reader([first]), [])}
        return set(FACT_FIELDS) <= cols
    try:
        rec = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(rec, dict) and set(FACT_FIELDS) <= set(rec)


def read_facts(path: str | Path):
    from sources.report import RejectedRow

    path = Path(path)
    text = read_text(path)
    good, bad = [], []
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        for rec in reader:
            try:
                good.append(fact_from_record({(k or "").strip().lower(): v for k, v in rec.items()}))
            except ValueError as exc:
                bad.append(RejectedRow(reader.line_num, str(exc)))
    else:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                good.append(fact_from_record(json.loads(line)))
            except json.JSONDecodeError as exc:
                bad.append(RejectedRow(n, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            except ValueError as exc:
                bad.append(RejectedRow(n, str(exc)))
    return good, bad


def _fact_row(f: Fact, load_id: str, created) -> tuple:
    """A fact as a row for tables_facts.insert_facts."""
    return (
        f.id,
        f.subject,
        f.attribute,
        f.value,
        f.unit or None,
        f.valid_from,
        f.valid_to,
        f.source_url or None,
        load_id,
        f.source_title or None,
        f.external_id or None,
        f.number,
        created,
    )


def ingest_facts(store: Store, path: str | Path, *, strict: bool = False, replace: bool = True):
    """Load the facts in path; with replace, facts earlier versions of the same file held and this
    one does not are moved to facts_history."""
    import hashlib

    from sources.report import IngestReport, check_rejected

    path = Path(path)
    facts, rejected = read_facts(path)
    check_rejected(str(path), rejected, strict)
    if not facts and not rejected:
        raise InputError(f"{path}: no facts in the file. Each row needs subject, attribute and value.", code="FC215")
    unique: dict[str, Fact] = {}
    for f in facts:
        unique.setdefault(f.id, f)
    have = tables_facts.existing_fact_ids(store.con, list(unique))
    new = [f for fid, f in unique.items() if fid not in have]
    created = now()
    with store.transaction() as con:
        load_id = store.begin_load("facts", str(path), hashlib.sha256(path.read_bytes()).hexdigest(), None)
        tables_facts.insert_facts(con, [_fact_row(f, load_id, created) for f in new])
        retired = 0
        if replace:
            gone = tables_facts.facts_left_by_file(con, str(path), load_id, list(unique))
            retired = retire_facts(store, gone, load_id)
        store.finish_load(load_id, added=len(new), skipped=len(facts) - len(new), rejected=len(rejected))
    report = IngestReport(
        path=str(path),
        load_id=load_id,
        embed_model="",
        added=len(new),
        skipped=len(facts) - len(new),
        rejected=tuple(rejected),
    )
    return report, retired


def retire_facts(store: Store, ids: Sequence[str], by: str) -> int:
    """Move facts to facts_history (inside the caller's transaction)."""
    return tables_facts.retire_facts(store.con, ids, by)


def facts_about(store: Store, subject: str, attribute: str | None = None, on: dt.date | None = None) -> list[Fact]:
    """Facts of a subject (case-insensitive), optionally one attribute, valid on a date."""
    rows = tables_facts.facts_about(store.con, subject, attribute, on)
    return [Fact(r[0], r[1], r[2], r[3] or "", r[4], r[5], r[6] or "", r[7] or "", r[8] or "", r[9]) for r in rows]
