"""The DuckDB reference store: one file, a versioned schema, and the only code that writes it.

Open it with `Store(path)`; a writable open applies pending migrations, a read-only open refuses
an out-of-date schema and names the command that fixes it. DuckDB lets one process write a file
at a time: a second writer gets `StoreLockedError` (transient, so callers may retry).
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import duckdb
import numpy as np

from claims.errors import StoreError, StoreLockedError
from claims.model import Span
from sources.model import Hit, Passage

EMBED_DIM = 384
PASSAGE_COLUMNS = ("passage_id, external_id, text, language, source_url, source_title, publisher, published, "
                   "published_raw, quote_type, span_start, span_end, embedding, embed_model, load_id, created_at, "
                   "context")

PASSAGE_READ = ("passage_id, external_id, text, language, source_url, source_title, publisher, published, "
                "published_raw, quote_type, span_start, span_end, load_id, context")


def passage_from_row(r) -> tuple[Passage, str]:
    """(the Passage, the load id that wrote it) from a row selected as PASSAGE_READ."""
    span = Span(r[10], r[11]) if r[10] is not None and r[11] is not None else None
    return Passage(text=r[2], source_url=r[4] or "", source_title=r[5] or "", publisher=r[6] or "",
                   published=r[7], published_raw=r[8] or "", language=r[3] or "", quote_type=r[9] or "",
                   span=span, external_id=r[1] or "", id=r[0], context=r[13] or ""), r[12]


def _migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file in sources/migrations, in order."""
    out = []
    for entry in (resources.files("sources") / "migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            out.append((int(name[:3]), name, entry.read_text(encoding="utf-8")))
    return sorted(out)


SCHEMA_VERSION = max(v for v, _, _ in _migrations())


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def new_id(prefix: str) -> str:
    stamp = now().strftime("%Y%m%dT%H%M%S")
    return f"{prefix}-{stamp}-{uuid.uuid4().hex[:8]}"


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
        has = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()[0]
        if not has:
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
                self.con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, now()])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            applied.append(version)
        return applied

    # -- loads and passages --------------------------------------------------------------------
    def begin_load(self, kind: str, source_path: str, source_hash: str, embed_model: str) -> str:
        load_id = new_id("load")
        self.con.execute(
            "INSERT INTO loads (load_id, kind, source_path, source_hash, embed_model, started_at, status) "
            "VALUES (?, ?, ?, ?, ?, ?, 'running')",
            [load_id, kind, source_path, source_hash, embed_model, now()],
        )
        return load_id

    def finish_load(self, load_id: str, *, added: int, skipped: int, rejected: int, status: str = "done") -> None:
        self.con.execute(
            "UPDATE loads SET finished_at = ?, rows_added = ?, rows_skipped = ?, rows_rejected = ?, status = ? "
            "WHERE load_id = ?",
            [now(), added, skipped, rejected, status, load_id],
        )

    def embed_models(self) -> list[str]:
        rows = self.con.execute(
            "SELECT DISTINCT embed_model FROM passages WHERE embed_model IS NOT NULL ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    def existing_passage_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        rows = self.con.execute(
            "SELECT passage_id FROM passages WHERE passage_id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
        return {r[0] for r in rows}

    def insert_passages(
        self, passages: Sequence[Passage], vectors: np.ndarray, embed_model: str, load_id: str
    ) -> None:
        """Insert new passages with their vectors (the caller has removed those already stored)."""
        if len(passages) != len(vectors):
            raise ValueError("one vector per passage")
        if len(passages) and vectors.shape[1] != EMBED_DIM:
            raise StoreError(
                f"vectors have {vectors.shape[1]} dimensions; this store holds {EMBED_DIM}-dimensional vectors",
                code="FC206",
            )
        created = now()
        rows = [
            (
                p.id, p.external_id or None, p.text, p.language or None, p.source_url or None,
                p.source_title or None, p.publisher or None, p.published, p.published_raw or None,
                p.quote_type or None, p.span.start if p.span else None, p.span.end if p.span else None,
                vec.astype(np.float32).tolist(), embed_model, load_id, created, p.context or None,
            )
            for p, vec in zip(passages, vectors)
        ]
        if rows:
            self.con.executemany(
                f"INSERT INTO passages ({PASSAGE_COLUMNS}) VALUES ({', '.join('?' * 17)})", rows
            )

    def passage_vectors(self, embed_model: str) -> tuple[list[str], np.ndarray]:
        """All passage ids and their vectors made by embed_model, as an (n, 384) float32 matrix."""
        res = self.con.execute(
            "SELECT passage_id, embedding FROM passages WHERE embed_model = ? ORDER BY passage_id",
            [embed_model],
        ).fetchnumpy()
        ids = [str(x) for x in res["passage_id"]]
        if not ids:
            return [], np.zeros((0, EMBED_DIM), dtype=np.float32)
        return ids, np.stack(list(res["embedding"])).astype(np.float32, copy=False)

    def passages_by_id(self, ids: Sequence[str]) -> dict[str, tuple[Passage, str]]:
        """Passages with the load id that wrote each, keyed by passage id."""
        if not ids:
            return {}
        rows = self.con.execute(
            f"SELECT {PASSAGE_READ} FROM passages WHERE passage_id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
        return {r[0]: passage_from_row(r) for r in rows}

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
        row = self.con.execute(
            "SELECT load_id FROM loads WHERE status = 'done' ORDER BY started_at DESC, load_id DESC LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    # -- runs and results ----------------------------------------------------------------------
    def begin_run(self, *, code_version: str, models: list[dict], rules_version: str, params: dict) -> str:
        run_id = new_id("run")
        self.con.execute(
            "INSERT INTO runs (run_id, started_at, status, code_version, models, rules_version, store_load_id, params) "
            "VALUES (?, ?, 'running', ?, ?, ?, ?, ?)",
            [run_id, now(), code_version, json.dumps(models), rules_version, self.latest_load_id(),
             json.dumps(params, default=str)],
        )
        return run_id

    def finish_run(self, run_id: str, status: str = "done") -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, "
            "articles = (SELECT count(*) FROM articles WHERE run_id = ?), "
            "claims = (SELECT count(*) FROM claims WHERE run_id = ?) WHERE run_id = ?",
            [now(), status, run_id, run_id, run_id],
        )

    def transaction(self) -> "_Transaction":
        return _Transaction(self.con)

    def stats(self) -> StoreStats:
        one = lambda sql: self.con.execute(sql).fetchone()[0]  # noqa: E731
        langs = self.con.execute(
            "SELECT coalesce(language, '?'), count(*) FROM passages GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        return StoreStats(
            schema_version=self.schema_version(),
            passages=one("SELECT count(*) FROM passages"),
            sources=one("SELECT count(DISTINCT source_url) FROM passages"),
            languages=tuple((str(a), int(b)) for a, b in langs),
            embed_models=tuple(self.embed_models()),
            loads=one("SELECT count(*) FROM loads WHERE status = 'done'"),
            runs=one("SELECT count(*) FROM runs"),
            verdicts=one("SELECT count(*) FROM verdicts"),
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
