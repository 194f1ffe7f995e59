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
from typing import Callable, Sequence
from urllib.parse import urlparse

from claims.errors import InputError
from claims.read import parse_date_value, read_text
from sources import tables_passages
from sources.embed import Embedder
from sources.model import Passage
from sources.report import IngestReport, RejectedRow, check_embed_model, check_rejected
from sources.store import Store

Progress = Callable[[int, int], None]  # (done, total)


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
        context=str(rec.get("context") or "").strip(),
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
    title_context: bool = False,
) -> IngestReport:
    """Embed and store the passages in path that the store does not hold yet."""
    path = Path(path)
    passages, rejected = read_passages(path)
    return load_passages(
        store,
        passages,
        embedder,
        source_path=str(path),
        source_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
        rejected=rejected,
        strict=strict,
        progress=progress,
        title_context=title_context,
    )


def embed_texts(embedder: Embedder, texts: list[str], progress: Progress | None = None, step: int = 64):
    """Passage-mode vectors for texts, in batches, reporting progress after each batch."""
    import numpy as np

    if not texts:
        return np.zeros((0, getattr(embedder, "dim", 384)), dtype=np.float32)
    chunks = []
    for i in range(0, len(texts), step):
        chunks.append(embedder.passages(texts[i : i + step]))
        if progress:
            progress(min(i + step, len(texts)), len(texts))
    return np.concatenate(chunks)


def with_title_context(p: Passage) -> Passage:
    """The passage read under its source title, unless it has a context already or no title (or its
    text begins with the title, as a title-and-abstract passage does)."""
    from dataclasses import replace

    title = p.source_title.strip()
    if p.context or not title or p.text.startswith(title):
        return p
    return replace(p, context=title)


def _not_stored(store: Store, passages: list[Passage]) -> list[Passage]:
    """The passages the store does not hold yet, each id once, in first-seen order."""
    unique: dict[str, Passage] = {}
    for p in passages:
        unique.setdefault(p.id, p)
    existing = store.existing_passage_ids(list(unique))
    return [p for pid, p in unique.items() if pid not in existing]


def load_passages(
    store: Store,
    passages: list[Passage],
    embedder: Embedder,
    *,
    source_path: str,
    source_hash: str,
    rejected: list[RejectedRow] | tuple[RejectedRow, ...] = (),
    strict: bool = False,
    kind: str = "passages",
    progress: Progress | None = None,
    on_load=None,
    title_context: bool = False,
) -> IngestReport:
    """Embed and store the passages the store does not hold yet, in one transaction.

    title_context: each passage is embedded and indexed after its source title (`Passage.context`), for
    sentences of titled articles that do not name their subject; its text and id stay as they are, so a
    passage already stored keeps the vector it was stored with.

    on_load(load_id), when given, runs inside the transaction after the rows are written (for
    format-specific bookkeeping such as documents and their history).
    """
    check_rejected(source_path, rejected, strict)
    if not passages and not rejected:
        raise InputError(
            f"{source_path}: no passages in the file. Each line needs a JSON object with 'text'.", code="FC101"
        )
    check_embed_model(store, embedder)
    if title_context:
        passages = [with_title_context(p) for p in passages]
    new = _not_stored(store, passages)
    skipped = len(passages) - len(new)
    vectors = embed_texts(embedder, [p.indexed_text for p in new], progress)
    with store.transaction():
        load_id = store.begin_load(kind, source_path, source_hash, embedder.name)
        store.insert_passages(new, vectors, embedder.name, load_id)
        if on_load is not None:
            on_load(load_id)
        store.finish_load(load_id, added=len(new), skipped=skipped, rejected=len(rejected))
    return IngestReport(
        path=source_path,
        load_id=load_id,
        embed_model=embedder.name,
        added=len(new),
        skipped=skipped,
        rejected=tuple(rejected),
    )


# -- every source format ------------------------------------------------------------------------
DOCUMENT_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".txt")
KINDS = ("auto", "passages", "document", "claimreview", "averitec-pool", "checkthat", "facts")


def detect_kind(path: str | Path) -> str:
    """What a file holds, from its extension and first bytes."""
    from sources.facts import looks_like_facts
    from sources.prior import sniff_prior_format

    path = Path(path)
    suffix = path.suffix.lower()
    prior = sniff_prior_format(path)
    if suffix in (".html", ".htm") and prior is None:
        try:
            if "ClaimReview" in path.read_text(encoding="utf-8", errors="ignore"):
                return "claimreview"
        except OSError:
            pass
    if prior:
        return prior
    if suffix in DOCUMENT_SUFFIXES:
        return "document"
    if suffix in (".jsonl", ".ndjson", ".csv") and looks_like_facts(path):
        return "facts"
    if suffix in (".jsonl", ".ndjson", ".csv", ".json"):
        return "passages"
    raise InputError(
        f"{path}: cannot ingest {suffix or 'a file without extension'} files. Give passages (.jsonl/.csv), "
        "documents (.md/.html/.txt), fact-checks (ClaimReview JSON-LD, the AVeriTeC pool) or facts (.csv/.jsonl "
        "with subject, attribute, value).",
        code="FC105",
    )


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one file's load did, for the CLI summary."""

    kind: str
    report: IngestReport
    retired: int = 0  # rows a changed source no longer holds (moved to history)
    unchanged: bool = False  # the exact same version was loaded before: nothing read or embedded


def retire_passages(store: Store, ids: Sequence[str], by: str) -> int:
    """Move passages to retired_passages (kept for reports and replays) and out of the live store.
    Runs inside the caller's transaction."""
    return tables_passages.retire_passages(store.con, ids, by)


def document_passages(path: str | Path) -> tuple[list[Passage], dict]:
    """A Markdown / HTML / text document cut into passages with their spans in the document text."""
    from claims.model import (
        Span,  # noqa: F401  (spans come from chunk_spans)
        content_hash,
    )
    from claims.read import read_article
    from sources.chunk import chunk_spans

    path = Path(path)
    article = read_article(path)
    url = article.url or path.resolve().as_uri()
    doc_id = "d-" + content_hash(article.url or str(path.resolve()))
    version = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
    passages = [
        Passage(
            text=article.text[sp.start : sp.end],
            source_url=url,
            source_title=article.title,
            publisher=publisher_of(url) if article.url else "",
            published=article.published,
            published_raw=str(article.published or ""),
            language=article.language,
            span=sp,
            external_id=f"{doc_id}#{i}",
        )
        for i, sp in enumerate(chunk_spans(article.text, article.language))
    ]
    info = {
        "document_id": doc_id,
        "version_hash": version,
        "source_url": url,
        "source_path": str(path),
        "title": article.title,
        "format": article.format,
        "language": article.language,
        "published": article.published,
        "chars": len(article.text),
        "text": article.text,
    }
    return passages, info


def ingest_document(
    store: Store, path: str | Path, embedder: Embedder, *, progress: Progress | None = None, title_context: bool = False
) -> LoadResult:
    """Load a document as passages. The same version again adds nothing; a new version replaces the
    passages the old one held and this one does not (they move to retired_passages)."""
    passages, info = document_passages(path)
    if not passages:
        raise InputError(f"{path}: the document has no text to cut into passages.", code="FC101")
    current = tables_passages.live_document_versions(store.con, info["document_id"])
    if any(v == info["version_hash"] for v, _ in current):
        report = IngestReport(str(path), "", embedder.name, 0, len(passages), ())
        return LoadResult("document", report, unchanged=True)
    keep = {p.id for p in passages}
    holder: dict = {}

    def on_load(load_id: str) -> None:
        gone = sorted({pid for _, ids in current for pid in (ids or []) if pid not in keep})
        # still held by another live document
        shared = tables_passages.passages_of_other_documents(store.con, info["document_id"])
        holder["retired"] = retire_passages(store, [g for g in gone if g not in shared], load_id)
        tables_passages.retire_document(store.con, info["document_id"], load_id)
        tables_passages.insert_document(store.con, info, [p.id for p in passages], load_id)

    report = load_passages(
        store,
        passages,
        embedder,
        source_path=str(path),
        source_hash=info["version_hash"],
        kind="document",
        progress=progress,
        on_load=on_load,
        title_context=title_context,
    )
    return LoadResult("document", report, retired=holder.get("retired", 0))


def ingest_file(
    store: Store,
    path: str | Path,
    embedder: Embedder,
    *,
    kind: str = "auto",
    strict: bool = False,
    replace: bool = False,
    progress: Progress | None = None,
    title_context: bool = False,
) -> LoadResult:
    """Load one file of any supported kind. replace (passage files): passages that earlier versions
    of the same file held and this one does not are retired (documents and facts always replace).
    title_context (passages and documents): see load_passages."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} not found. Check the path.", code="FC106")
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}. Use one of: {', '.join(KINDS)}.", code="FC216")
    kind = detect_kind(path) if kind == "auto" else kind
    if kind == "passages":
        report = ingest_passages(store, path, embedder, strict=strict, progress=progress, title_context=title_context)
        retired = 0
        if replace:
            retired = retire_missing_from_file(store, path, report.load_id)
        return LoadResult(kind, report, retired=retired)
    if kind == "document":
        return ingest_document(store, path, embedder, progress=progress, title_context=title_context)
    if kind == "facts":
        from sources.facts import ingest_facts

        report, retired = ingest_facts(store, path, strict=strict)
        return LoadResult(kind, report, retired=retired)
    from sources.prior import READERS, ingest_prior_checks

    checks, rejected = READERS[kind](path)
    report = ingest_prior_checks(
        store,
        checks,
        embedder,
        source_path=str(path),
        source_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
        rejected=rejected,
        strict=strict,
        progress=progress,
    )
    return LoadResult(kind, report)


def retire_missing_from_file(store: Store, path: Path, load_id: str) -> int:
    """Retire (to retired_passages) the passages that earlier loads of the same passage file put in the
    store and this version of the file no longer holds; load_id is the current load. Returns how many.
    The one library function for this (`store ingest --replace` and the nightly ingest flow)."""
    passages, _ = read_passages(path)
    keep = sorted({p.id for p in passages})
    with store.transaction() as con:
        gone = tables_passages.passages_left_by_file(con, str(path), load_id, keep)
        return retire_passages(store, gone, load_id)


def remove_source(
    store: Store, *, source_url: str | None = None, load_id: str | None = None, path: str | None = None
) -> dict:
    """Remove a source's rows from the live store: passages (to retired_passages), facts (to
    facts_history), prior checks, documents (marked retired). Select by URL, load id or loaded path."""
    from sources import tables_facts, tables_prior
    from sources.facts import retire_facts
    from sources.rowmeta import normalise_url
    from sources.store import new_id

    if not (source_url or load_id or path):
        raise InputError("say what to remove: --url URL, --load LOAD_ID or --path PATH.", code="FC217")
    by = new_id("remove")
    url_match = None
    if source_url:
        norm = normalise_url(source_url)
        found = (
            tables_passages.passage_source_urls(store.con)
            + tables_facts.fact_source_urls(store.con)
            + tables_prior.check_urls(store.con)
        )
        url_match = sorted({u for u in found if normalise_url(u) == norm})
    with store.transaction() as con:
        passage_ids = tables_passages.passage_ids_of_source(con, load_id, path, url_match)
        fact_ids = tables_facts.fact_ids_of_source(con, load_id, path, url_match)
        check_ids = tables_prior.check_ids_of_source(con, load_id, path, url_match)
        removed = {"passages": retire_passages(store, passage_ids, by), "facts": retire_facts(store, fact_ids, by)}
        tables_prior.delete_checks(con, check_ids)
        removed["prior_checks"] = len(check_ids)
        tables_passages.retire_documents_of_source(con, by, urls=url_match, load_id=load_id, path=path)
    removed["removal_id"] = by
    return removed


def store_summary(store: Store) -> dict:
    """What the store holds, for `factcheck store stats` (a plain dict, JSON-ready)."""
    from sources import tables_facts, tables_prior
    from sources.index import index_dir
    from sources.tables import table_names

    s = store.stats()
    has = table_names(store.con)
    out: dict = {
        "schema_version": s.schema_version,
        "passages": s.passages,
        "sources": s.sources,
        "languages": dict(s.languages),
        "embed_models": list(s.embed_models),
        "loads": s.loads,
        "runs": s.runs,
        "verdicts": s.verdicts,
    }
    out.update(tables_passages.passage_summary(store.con))  # with_context (--title-context), publishers, published
    if "documents" in has:
        out["documents"] = tables_passages.document_counts(store.con)
    if "prior_checks" in has:
        out["prior_checks"] = tables_prior.prior_check_counts(store.con)
    out["facts"] = tables_facts.count_facts(store.con)
    if "retired_passages" in has:
        out["retired_passages"] = tables_passages.count_retired_passages(store.con)
    if "facts_history" in has:
        out["retired_facts"] = tables_facts.count_facts_history(store.con)
    out["recent_loads"] = _recent_loads(store)
    folder = index_dir(store)
    if folder is not None:
        out["index"] = _index_info(store, folder)
    return out


def _recent_loads(store: Store) -> list[dict]:
    """The ten most recent loads, for store_summary."""
    return [
        {
            "load_id": r[0],
            "kind": r[1],
            "path": r[2],
            "added": r[3],
            "skipped": r[4],
            "rejected": r[5],
            "status": r[6],
            "finished": r[7],
        }
        for r in tables_passages.recent_loads(store.con, 10)
    ]


def _index_info(store: Store, folder: Path) -> dict:
    """The saved vector index in folder: whether it is saved, its kind, rows, and whether it is current."""
    import json as _json

    from sources.index import fingerprint

    meta = folder / "meta.json"
    info = {"path": str(folder), "saved": meta.exists()}
    if meta.exists():
        m = _json.loads(meta.read_text())
        fp = fingerprint(store, m.get("embed_model"))
        info.update(
            {
                "kind": m.get("kind"),
                "rows": m.get("count"),
                "current": (m.get("count"), str(m.get("xor"))) == (fp[0], str(fp[1])),
            }
        )
    return info
