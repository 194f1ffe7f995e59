"""Load reference passages into the store: validated, embedded, idempotent, all-or-nothing.

A passage's id is a hash of its source URL and text, so loading the same file twice adds nothing.
Bad rows are reported with their line numbers while the good ones load (or, with strict=True, the
whole load is refused). The load runs in one transaction: a failure or a kill leaves no rows behind.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

from claims.errors import InputError, ModelError
from claims.read import parse_date_value, read_text
from sources.embed import Embedder
from sources.model import Passage
from sources.store import Store

Progress = Callable[[int, int], None]   # (done, total)


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class IngestReport:
    path: str
    load_id: str
    embed_model: str
    added: int
    skipped: int                        # already in the store (or repeated in the file)
    rejected: tuple[RejectedRow, ...]

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.skipped} already stored", f"{len(self.rejected)} rejected"]
        return f"{self.path}: " + ", ".join(parts)


def publisher_of(url: str) -> str:
    host = urlparse(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def passage_from_record(rec: dict) -> Passage:
    """Build a Passage from one input record; raises ValueError naming what is wrong."""
    if not isinstance(rec, dict):
        raise ValueError("expected a JSON object")
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing or empty 'text'")
    url = str(rec.get("source_url") or rec.get("url") or "")
    raw_date = rec.get("published_date", rec.get("published", rec.get("date", "")))
    return Passage(
        text=text.strip(),
        source_url=url,
        source_title=str(rec.get("source_title") or rec.get("title") or ""),
        publisher=str(rec.get("publisher") or publisher_of(url)),
        published=parse_date_value(raw_date),
        published_raw="" if raw_date is None else str(raw_date),
        language=str(rec.get("language") or ""),
        quote_type=str(rec.get("quote_type") or ""),
        external_id=str(rec.get("id") or ""),
    )


def read_passages(path: str | Path) -> tuple[list[Passage], list[RejectedRow]]:
    """Passages from a .jsonl or .csv file, and the rows that could not be read, with line numbers."""
    path = Path(path)
    text = read_text(path)
    suffix = path.suffix.lower()
    good: list[Passage] = []
    bad: list[RejectedRow] = []
    if suffix in (".jsonl", ".ndjson", ".json"):
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                good.append(passage_from_record(json.loads(line)))
            except json.JSONDecodeError as exc:
                bad.append(RejectedRow(lineno, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            except ValueError as exc:
                bad.append(RejectedRow(lineno, str(exc)))
    elif suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        for rec in reader:
            try:
                good.append(passage_from_record(dict(rec)))
            except ValueError as exc:
                bad.append(RejectedRow(reader.line_num, str(exc)))
    else:
        raise InputError(
            f"{path}: cannot ingest {suffix or 'a file without extension'} files. "
            "Give passages as .jsonl (one JSON object a line, with at least 'text') or .csv.",
            code="FC105",
        )
    return good, bad


def ingest_passages(
    store: Store,
    path: str | Path,
    embedder: Embedder,
    *,
    strict: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Embed and store the passages in path that the store does not hold yet."""
    path = Path(path)
    passages, rejected = read_passages(path)
    if rejected and strict:
        first = rejected[0]
        raise InputError(
            f"{path}: {len(rejected)} bad row(s), first at line {first.line}: {first.reason}. "
            "Nothing was loaded (--strict). Fix the rows, or drop --strict to load the good ones.",
            code="FC104",
        )
    if not passages and not rejected:
        raise InputError(f"{path}: no passages in the file. Each line needs a JSON object with 'text'.", code="FC101")
    stored_models = store.embed_models()
    if stored_models and embedder.name not in stored_models:
        raise ModelError(
            f"{store.path} holds vectors from {', '.join(stored_models)}, not {embedder.name}. "
            "Use the same embedder, or re-embed into a new store with --db NEW.duckdb.",
            code="FC303",
        )
    unique: dict[str, Passage] = {}
    for p in passages:
        unique.setdefault(p.id, p)
    existing = store.existing_passage_ids(list(unique))
    new = [p for pid, p in unique.items() if pid not in existing]
    skipped = len(passages) - len(new)

    vectors = embedder.passages([])
    if new:
        import numpy as np

        chunks = []
        step = 64
        for i in range(0, len(new), step):
            chunks.append(embedder.passages([p.text for p in new[i : i + step]]))
            if progress:
                progress(min(i + step, len(new)), len(new))
        vectors = np.concatenate(chunks)

    source_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    with store.transaction():
        load_id = store.begin_load("passages", str(path), source_hash, embedder.name)
        store.insert_passages(new, vectors, embedder.name, load_id)
        store.finish_load(load_id, added=len(new), skipped=skipped, rejected=len(rejected))
    return IngestReport(
        path=str(path), load_id=load_id, embed_model=embedder.name, added=len(new), skipped=skipped,
        rejected=tuple(rejected),
    )

