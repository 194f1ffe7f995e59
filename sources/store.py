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

import os
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import duckdb
import numpy as np

from claims.errors import StoreError, StoreLockedError
from sources import tables_passages, tables_runs
from sources.model import Hit, Passage
from sources.tables import new_id, now  # noqa: F401  (new_id re-exported: `from sources.store import ...`)
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

    def __init__(self, path: str | Path, *, read_only: bool = False, migrate: bool = True, attach: bool = False):
        """attach=True (writable opens of a file): attach the file to this process's shared DuckDB instance (see
        _Attachments): the same store, locked the same way, but ~35 ms faster to open and close (for the review
        app, which opens the store per request)."""
        self.path = str(path)
        self.read_only = read_only
        self._attached: str | None = None  # the _ATTACHED key while attached
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
            self.con = self._connect(attach)
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
            self.close()
            raise

    def _connect(self, attach: bool) -> duckdb.DuckDBPyConnection:
        """A connection to the file: its own DuckDB instance, or (attach=True, or the file is attached already) a
        cursor on the shared instance; a file that duckdb.connect opened elsewhere in this process is shared the
        way duckdb.connect shares it."""
        if self.path != ":memory:" and not self.read_only and (attach or _ATTACHED.holds(self.path)):
            try:
                con, self._attached = _ATTACHED.open(self.path)
                return con
            except duckdb.ResourceInUseException:  # open through duckdb.connect in this process
                pass
        return duckdb.connect(self.path, read_only=self.read_only)

    def _check_schema(self, read_only: bool, migrate: bool) -> None:
        applied = self.applied_migrations()  # one query: the review app opens the store for every request
        version = max(applied, default=0)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema v{version}, newer than this factcheck (v{SCHEMA_VERSION}). "
                "Upgrade factcheck to use it.",
                code="FC205",
            )
        if any(v not in applied for v, _, _ in _migrations()):
            if read_only or not migrate:
                raise StoreError(
                    f"{self.path} has schema v{version}, expected v{SCHEMA_VERSION}. "
                    f"Run: factcheck store migrate --db {self.path}",
                    code="FC204",
                )
            self.migrate()

    # -- lifecycle -----------------------------------------------------------------------------
    def close(self) -> None:
        if self._attached is None:
            self.con.close()
        else:
            key, self._attached = self._attached, None
            _ATTACHED.close(key, self.con)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def schema_version(self) -> int:
        return max(self.applied_migrations(), default=0)

    def applied_migrations(self) -> set[int]:
        """Versions of the migrations the file has had (none for a new file).

        Reads schema_version directly: asking information_schema whether the table exists first cost ~10 ms
        on a fresh connection, paid on every open (the review app opens the store per request)."""
        try:
            rows = self.con.execute("SELECT version FROM schema_version").fetchall()
        except duckdb.CatalogException:  # a new file: no schema_version table yet
            return set()
        return {int(r[0]) for r in rows}

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


class _Attachments:
    """Store files attached to one in-memory DuckDB instance of this process (Store(path, attach=True)).

    duckdb.connect on a file starts a DuckDB instance, and closing its last connection shuts it down: ~30-40 ms
    together, most of it building and freeing the catalog of built-in functions (the same for an empty file). The
    review app opens the store per request, or again after 3 idle seconds, so it pays that on nearly every page.
    Attaching the file to an instance that stays up costs ~5 ms, detaching it ~2 ms; the file is locked while it is
    attached and free again once detached, as with connect and close. Stores of one file share its attachment
    until the last one closes, as connections share an instance. Each Store gets its own cursor (so its own
    transactions and temporary tables) with the file as its default database. A Store that is never closed keeps
    the file attached (and locked) until the process ends."""

    def __init__(self):
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._files: dict[str, list] = {}  # real path -> [alias, number of open Stores]
        self._made = 0

    @staticmethod
    def _key(path: str) -> str:
        return os.path.realpath(path)

    def holds(self, path: str) -> bool:
        return self._key(path) in self._files

    def open(self, path: str) -> tuple[duckdb.DuckDBPyConnection, str]:
        """(a cursor whose default database is the file, the key to close it with); attaches the file if needed."""
        key = self._key(path)
        with self._lock:
            if self._con is None:
                self._con = duckdb.connect(":memory:")
            entry = self._files.get(key)
            if entry is None:
                self._made += 1
                alias = f"fc_store_{self._made}"
                quoted = key.replace("'", "''")
                self._con.execute(f"ATTACH '{quoted}' AS {alias}")
                entry = self._files[key] = [alias, 0]
            cur = self._con.cursor()
            entry[1] += 1
        try:
            cur.execute(f"USE {entry[0]}")
        except BaseException:
            self.close(key, cur)
            raise
        return cur, key

    def close(self, key: str, cur: duckdb.DuckDBPyConnection) -> None:
        """Close the Store's cursor; detach the file (writing it out and unlocking it) when no Store holds it."""
        cur.close()
        with self._lock:
            entry = self._files[key]
            entry[1] -= 1
            if entry[1] == 0:
                self._con.execute(f"DETACH {entry[0]}")  # if this raises, the next open reuses the attachment
                del self._files[key]


_ATTACHED = _Attachments()


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
