"""The DuckDB reference store: one file, a versioned schema, and the only code that writes it.

Open it with `Store(path)`; a writable open applies pending migrations, a read-only open refuses
an out-of-date schema and names the command that fixes it. DuckDB lets one process write a file
at a time: a second writer gets `StoreLockedError` (transient, so callers may retry).

This module holds the connection, the migrations (sources/migrations/*.sql, the only place the schema
changes) and transactions. Every other SQL statement lives in a table module beside it
(sources/tables.py lists them): `sources.tables_passages` for passages and loads, `tables_runs` for runs,
claims and verdicts, `tables_review`, `tables_nightly`, `tables_gate`, ...; the methods below that read or
write rows call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import duckdb
import numpy as np

from claims.errors import StoreError, StoreLockedError
from sources import tables_passages, tables_runs
from sources.model import Hit, Passage
from sources.tables import has_table, new_id, now  # noqa: F401  (new_id re-exported: `from sources.store import ...`)
from sources.tables_passages import EMBED_DIM, PASSAGE_COLUMNS, PASSAGE_READ, passage_from_row  # noqa: F401


def _migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file in sources/migrations, in order."""
    out = []
    for entry in (resources.files("sources") / "migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            out.append((int(name[:3]), name, entry.read_text(encoding="utf-8")))
    return sorted(out)


SCHEMA_VERSION = max(v for v, _, _ in _migrations())


@dataclass(frozen=True, slots=True)
class StoreStats:
    schema_version: int
    passages: int
    sources: int
    languages: tuple[tuple[str, int], ...]
    embed_models: tuple[str, ...]
    loads: int
    runs: int
    verdicts: int


class Store:
    """A handle on one DuckDB file (or ":memory:" for tests)."""

    def __init__(self, path: str | Path, *, read_only: bool = False, migrate: bool = True):
        self.path = str(path)
        self.read_only = read_only
        if self.path != ":memory:":
            p = Path(self.path)
            if read_only and not p.exists():
                raise StoreError(
                    f"no store at {self.path}. Create one with: factcheck store ingest PASSAGES.jsonl --db {self.path}",
                    code="FC202",
                )
            if not read_only:
                p.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreLockedError(
                    f"{self.path} is being written by another process. Wait for it to finish and run "
                    "this again (DuckDB allows one writing process per file)."
                ) from exc
            raise StoreError(
                f"cannot open {self.path} as a DuckDB store ({msg.splitlines()[0]}). "
                "Check the path, or give a new file name with --db.",
                code="FC203",
            ) from exc
        try:
            self._check_schema(read_only, migrate)
        except BaseException:
            self.con.close()
            raise

    def _check_schema(self, read_only: bool, migrate: bool) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema v{version}, newer than this factcheck (v{SCHEMA_VERSION}). "
                "Upgrade factcheck to use it.",
                code="FC205",
            )
        if self.pending_migrations():
            if read_only or not migrate:
                raise StoreError(
                    f"{self.path} has schema v{version}, expected v{SCHEMA_VERSION}. "
                    f"Run: factcheck store migrate --db {self.path}",
                    code="FC204",
                )
            self.migrate()

    # -- lifecycle -----------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def schema_version(self) -> int:
        if not has_table(self.con, "schema_version"):
            return 0
        row = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def applied_migrations(self) -> set[int]:
        if not self.schema_version():
            return set()
        return {int(r[0]) for r in self.con.execute("SELECT version FROM schema_version").fetchall()}

    def pending_migrations(self) -> list[int]:
        """Versions of this factcheck's migrations that the file has not had (gaps included)."""
        applied = self.applied_migrations()
        return [v for v, _, _ in _migrations() if v not in applied]

    def migrate(self) -> list[int]:
        """Apply every migration the file has not had, in order, each in its own transaction."""
        applied = []
        pending = set(self.pending_migrations())
        for version, name, sql in _migrations():
            if version not in pending:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                if version == 1:
                    self.con.execute(
                        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
                    )
                self.con.execute(sql)
                self.con.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)", [version, name, now()]
                )
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            applied.append(version)
        return applied

    def transaction(self) -> "_Transaction":
        return _Transaction(self.con)

    def checkpoint(self) -> None:
        """Write DuckDB's write-ahead log into the file, so that a copy of the file holds every committed row."""
        self.con.execute("CHECKPOINT")

    # -- loads and passages (sources/tables_passages.py) ---------------------------------------------
    def begin_load(self, kind: str, source_path: str, source_hash: str, embed_model: str) -> str:
        return tables_passages.begin_load(self.con, kind, source_path, source_hash, embed_model)

    def finish_load(self, load_id: str, *, added: int, skipped: int, rejected: int, status: str = "done") -> None:
        tables_passages.finish_load(self.con, load_id, added=added, skipped=skipped, rejected=rejected, status=status)

    def embed_models(self) -> list[str]:
        return tables_passages.embed_models(self.con)

    def existing_passage_ids(self, ids: Sequence[str]) -> set[str]:
        return tables_passages.existing_passage_ids(self.con, ids)

    def insert_passages(self, passages: Sequence[Passage], vectors: np.ndarray, embed_model: str, load_id: str) -> None:
        """Insert new passages with their vectors (the caller has removed those already stored)."""
        if len(passages) != len(vectors):
            raise ValueError("one vector per passage")
        if len(passages) and vectors.shape[1] != EMBED_DIM:
            raise StoreError(
                f"vectors have {vectors.shape[1]} dimensions; this store holds {EMBED_DIM}-dimensional vectors",
                code="FC206",
            )
        tables_passages.insert_passages(self.con, passages, vectors, embed_model, load_id)

    def passage_vectors(self, embed_model: str) -> tuple[list[str], np.ndarray]:
        """All passage ids and their vectors made by embed_model, as an (n, 384) float32 matrix."""
        return tables_passages.passage_vectors(self.con, embed_model)

    def passages_by_id(self, ids: Sequence[str]) -> dict[str, tuple[Passage, str]]:
        """Passages with the load id that wrote each, keyed by passage id."""
        return tables_passages.passages_by_id(self.con, ids)

    def hits(self, scored: Iterable[tuple[str, float]], method: str = "dense") -> list[Hit]:
        """Turn (passage_id, score) pairs, best first, into Hits with their passages."""
        scored = list(scored)
        found = self.passages_by_id([pid for pid, _ in scored])
        return [
            Hit(passage=found[pid][0], score=float(score), rank=i + 1, method=method, load_id=found[pid][1])
            for i, (pid, score) in enumerate(scored)
            if pid in found
        ]

    def latest_load_id(self) -> str | None:
        return tables_passages.latest_load_id(self.con)

    # -- runs (sources/tables_runs.py) ---------------------------------------------------------------
    def begin_run(self, *, code_version: str, models: list[dict], rules_version: str, params: dict) -> str:
        return tables_runs.begin_run(
            self.con, code_version=code_version, models=models, rules_version=rules_version, params=params
        )

    def finish_run(self, run_id: str, status: str = "done") -> None:
        tables_runs.finish_run(self.con, run_id, status)

    def stats(self) -> StoreStats:
        passages, sources, langs = tables_passages.passage_counts(self.con)
        return StoreStats(
            schema_version=self.schema_version(),
            passages=passages,
            sources=sources,
            languages=tuple((str(a), int(b)) for a, b in langs),
            embed_models=tuple(self.embed_models()),
            loads=tables_passages.count_done_loads(self.con),
            runs=tables_runs.count_runs(self.con),
            verdicts=tables_runs.count_verdicts(self.con),
        )


class _Transaction:
    """BEGIN on enter; COMMIT on success, ROLLBACK on any error, so nothing half-written stays."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def __enter__(self):
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type, exc, tb):
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")
        return False
