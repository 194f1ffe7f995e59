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

from claims.errors import InputError, ModelError
from claims.read import parse_date_value, read_text
from sources.embed import Embedder, mixed_models_message
from sources.model import Passage
from sources.report import IngestReport, RejectedRow, check_embed_model, check_rejected
from sources.store import Store

Progress = Callable[[int, int], None]   # (done, total)


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
        store, passages, embedder, source_path=str(path),
        source_hash=hashlib.sha256(path.read_bytes()).hexdigest(), rejected=rejected, strict=strict,
        progress=progress, title_context=title_context,
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
    unique: dict[str, Passage] = {}
    for p in passages:
        unique.setdefault(p.id, p)
    existing = store.existing_passage_ids(list(unique))
    new = [p for pid, p in unique.items() if pid not in existing]
    skipped = len(passages) - len(new)
    vectors = embed_texts(embedder, [p.indexed_text for p in new], progress)
    with store.transaction():
        load_id = store.begin_load(kind, source_path, source_hash, embedder.name)
        store.insert_passages(new, vectors, embedder.name, load_id)
        if on_load is not None:
            on_load(load_id)
        store.finish_load(load_id, added=len(new), skipped=skipped, rejected=len(rejected))
    return IngestReport(
        path=source_path, load_id=load_id, embed_model=embedder.name, added=len(new), skipped=skipped,
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
    retired: int = 0            # rows a changed source no longer holds (moved to history)
    unchanged: bool = False     # the exact same version was loaded before: nothing read or embedded


def retire_passages(store: Store, ids: Sequence[str], by: str) -> int:
    """Move passages to retired_passages (kept for reports and replays) and out of the live store.
    Runs inside the caller's transaction."""
    from sources.store import now

    if not ids:
        return 0
    store.con.execute(
        "INSERT INTO retired_passages SELECT passage_id, text, source_url, source_title, publisher, load_id, ?, ? "
        "FROM passages WHERE passage_id IN (SELECT unnest(?)) ON CONFLICT DO NOTHING", [by, now(), list(ids)])
    store.con.execute("DELETE FROM passages WHERE passage_id IN (SELECT unnest(?))", [list(ids)])
    return len(ids)


def document_passages(path: str | Path) -> tuple[list[Passage], dict]:
    """A Markdown / HTML / text document cut into passages with their spans in the document text."""
    from claims.read import read_article
    from claims.model import content_hash
    from claims.model import Span  # noqa: F401  (spans come from chunk_spans)
    from sources.chunk import chunk_spans

    path = Path(path)
    article = read_article(path)
    url = article.url or path.resolve().as_uri()
    doc_id = "d-" + content_hash(article.url or str(path.resolve()))
    version = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
    passages = [
        Passage(text=article.text[sp.start:sp.end], source_url=url, source_title=article.title,
                publisher=publisher_of(url) if article.url else "", published=article.published,
                published_raw=str(article.published or ""), language=article.language, span=sp,
                external_id=f"{doc_id}#{i}")
        for i, sp in enumerate(chunk_spans(article.text, article.language))
    ]
    info = {"document_id": doc_id, "version_hash": version, "source_url": url, "source_path": str(path),
            "title": article.title, "format": article.format, "language": article.language,
            "published": article.published, "chars": len(article.text), "text": article.text}
    return passages, info


def ingest_document(store: Store, path: str | Path, embedder: Embedder, *, progress: Progress | None = None,
                    title_context: bool = False) -> LoadResult:
    """Load a document as passages. The same version again adds nothing; a new version replaces the
    passages the old one held and this one does not (they move to retired_passages)."""
    from sources.store import now

    passages, info = document_passages(path)
    if not passages:
        raise InputError(f"{path}: the document has no text to cut into passages.", code="FC101")
    current = store.con.execute(
        "SELECT version_hash, passage_ids FROM documents WHERE document_id = ? AND retired_at IS NULL",
        [info["document_id"]]).fetchall()
    if any(v == info["version_hash"] for v, _ in current):
        report = IngestReport(str(path), "", embedder.name, 0, len(passages), ())
        return LoadResult("document", report, unchanged=True)
    keep = {p.id for p in passages}
    holder: dict = {}

    def on_load(load_id: str) -> None:
        gone = sorted({pid for _, ids in current for pid in (ids or []) if pid not in keep})
        shared = {r[0] for r in store.con.execute(   # still held by another live document
            "SELECT DISTINCT unnest(passage_ids) FROM documents WHERE retired_at IS NULL AND document_id <> ?",
            [info["document_id"]]).fetchall()}
        holder["retired"] = retire_passages(store, [g for g in gone if g not in shared], load_id)
        store.con.execute("UPDATE documents SET retired_at = ?, retired_by = ? WHERE document_id = ? AND retired_at IS NULL",
                          [now(), load_id, info["document_id"]])
        store.con.execute(
            "INSERT INTO documents (document_id, version_hash, source_url, source_path, title, format, language, "
            "published, chars, passages, passage_ids, text, load_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET retired_at = NULL, "
            "retired_by = NULL, load_id = excluded.load_id",
            [info["document_id"], info["version_hash"], info["source_url"], info["source_path"], info["title"],
             info["format"], info["language"], info["published"], info["chars"], len(passages),
             [p.id for p in passages], info["text"], load_id, now()])

    report = load_passages(store, passages, embedder, source_path=str(path), source_hash=info["version_hash"],
                           kind="document", progress=progress, on_load=on_load, title_context=title_context)
    return LoadResult("document", report, retired=holder.get("retired", 0))


def ingest_file(store: Store, path: str | Path, embedder: Embedder, *, kind: str = "auto", strict: bool = False,
                replace: bool = False, progress: Progress | None = None, title_context: bool = False) -> LoadResult:
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
        report = ingest_passages(store, path, embedder, strict=strict, progress=progress,
                                 title_context=title_context)
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
    report = ingest_prior_checks(store, checks, embedder, source_path=str(path),
                                 source_hash=hashlib.sha256(path.read_bytes()).hexdigest(), rejected=rejected,
                                 strict=strict, progress=progress)
    return LoadResult(kind, report)


def retire_missing_from_file(store: Store, path: Path, load_id: str) -> int:
    """Retire (to retired_passages) the passages that earlier loads of the same passage file put in the
    store and this version of the file no longer holds; load_id is the current load. Returns how many.
    The one library function for this (`store ingest --replace` and the nightly ingest flow)."""
    passages, _ = read_passages(path)
    keep = sorted({p.id for p in passages})
    with store.transaction() as con:
        gone = [r[0] for r in con.execute(
            "SELECT passage_id FROM passages WHERE load_id IN (SELECT load_id FROM loads WHERE source_path = ? "
            "AND load_id <> ?) AND passage_id NOT IN (SELECT unnest(?))", [str(path), load_id, keep]).fetchall()]
        return retire_passages(store, gone, load_id)


def remove_source(store: Store, *, source_url: str | None = None, load_id: str | None = None,
                  path: str | None = None) -> dict:
    """Remove a source's rows from the live store: passages (to retired_passages), facts (to
    facts_history), prior checks, documents (marked retired). Select by URL, load id or loaded path."""
    from sources.facts import retire_facts
    from sources.retrieve import normalise_url
    from sources.store import new_id, now

    if not (source_url or load_id or path):
        raise InputError("say what to remove: --url URL, --load LOAD_ID or --path PATH.", code="FC217")
    by = new_id("remove")
    conds, params = [], []
    if load_id:
        conds.append("load_id = ?")
        params.append(load_id)
    if path:
        conds.append("load_id IN (SELECT load_id FROM loads WHERE source_path = ?)")
        params.append(str(path))
    url_match = ""
    if source_url:
        norm = normalise_url(source_url)
        rows = store.con.execute("SELECT DISTINCT source_url FROM passages WHERE source_url IS NOT NULL").fetchall()
        rows += store.con.execute("SELECT DISTINCT source_url FROM facts WHERE source_url IS NOT NULL").fetchall()
        rows += store.con.execute("SELECT DISTINCT url FROM prior_checks WHERE url IS NOT NULL").fetchall()
        urls = sorted({r[0] for r in rows if normalise_url(r[0]) == norm})
        url_match = urls
    where = " AND ".join(conds) if conds else "TRUE"
    with store.transaction() as con:
        def ids(table: str, key: str, url_col: str) -> list[str]:
            sql = f"SELECT {key} FROM {table} WHERE {where}"
            p = list(params)
            if source_url:
                sql += f" AND {url_col} IN (SELECT unnest(?))"
                p.append(url_match)
            return [r[0] for r in con.execute(sql, p).fetchall()]

        passage_ids = ids("passages", "passage_id", "source_url")
        fact_ids = ids("facts", "fact_id", "source_url")
        check_ids = ids("prior_checks", "check_id", "url")
        removed = {"passages": retire_passages(store, passage_ids, by), "facts": retire_facts(store, fact_ids, by)}
        if check_ids:
            con.execute("DELETE FROM prior_checks WHERE check_id IN (SELECT unnest(?))", [check_ids])
        removed["prior_checks"] = len(check_ids)
        doc_sql = "UPDATE documents SET retired_at = ?, retired_by = ? WHERE retired_at IS NULL AND "
        if source_url:
            con.execute(doc_sql + "source_url IN (SELECT unnest(?))", [now(), by, url_match])
        if load_id:
            con.execute(doc_sql + "load_id = ?", [now(), by, load_id])
        if path:
            con.execute(doc_sql + "source_path = ?", [now(), by, str(path)])
    removed["removal_id"] = by
    return removed


def store_summary(store: Store) -> dict:
    """What the store holds, for `factcheck store stats` (a plain dict, JSON-ready)."""
    from sources.index import fingerprint, index_dir

    s = store.stats()
    one = lambda sql, p=(): store.con.execute(sql, list(p)).fetchone()[0]  # noqa: E731
    has = {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    out: dict = {
        "schema_version": s.schema_version, "passages": s.passages, "sources": s.sources,
        "languages": dict(s.languages), "embed_models": list(s.embed_models), "loads": s.loads,
        "runs": s.runs, "verdicts": s.verdicts,
    }
    out["with_context"] = one("SELECT count(*) FROM passages WHERE context IS NOT NULL")   # --title-context
    out["publishers"] = dict(store.con.execute(
        "SELECT coalesce(publisher, '?'), count(*) FROM passages GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10").fetchall())
    lo, hi, undated = store.con.execute(
        "SELECT min(published), max(published), count(*) FILTER (WHERE published IS NULL) FROM passages").fetchone()
    out["published"] = {"from": lo, "to": hi, "undated": undated}
    if "documents" in has:
        out["documents"] = {"live": one("SELECT count(*) FROM documents WHERE retired_at IS NULL"),
                            "versions": one("SELECT count(*) FROM documents")}
    if "prior_checks" in has:
        out["prior_checks"] = {"total": one("SELECT count(*) FROM prior_checks"), "by_label": dict(
            store.con.execute("SELECT coalesce(label, '?'), count(*) FROM prior_checks GROUP BY 1 ORDER BY 2 DESC"
                              ).fetchall())}
    out["facts"] = one("SELECT count(*) FROM facts")
    if "retired_passages" in has:
        out["retired_passages"] = one("SELECT count(*) FROM retired_passages")
    if "facts_history" in has:
        out["retired_facts"] = one("SELECT count(*) FROM facts_history")
    out["recent_loads"] = [
        {"load_id": r[0], "kind": r[1], "path": r[2], "added": r[3], "skipped": r[4], "rejected": r[5],
         "status": r[6], "finished": r[7]}
        for r in store.con.execute(
            "SELECT load_id, kind, source_path, rows_added, rows_skipped, rows_rejected, status, finished_at "
            "FROM loads ORDER BY started_at DESC LIMIT 10").fetchall()]
    folder = index_dir(store)
    if folder is not None:
        import json as _json

        meta = folder / "meta.json"
        info = {"path": str(folder), "saved": meta.exists()}
        if meta.exists():
            m = _json.loads(meta.read_text())
            fp = fingerprint(store, m.get("embed_model"))
            info.update({"kind": m.get("kind"), "rows": m.get("count"),
                         "current": (m.get("count"), str(m.get("xor"))) == (fp[0], str(fp[1]))})
        out["index"] = info
    return out
