"""The reference store: migrations, idempotent ingest, bad rows, locks, atomic loads."""

import json

import duckdb
import numpy as np
import pytest

from claims.errors import InputError, ModelError, StoreError, StoreLockedError
from sources.ingest import ingest_passages, read_passages
from sources.store import SCHEMA_VERSION, Store


def write_jsonl(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


ROWS = [
    {
        "id": "A1",
        "text": "At least 34,535 people have been killed in Gaza.",
        "source_url": "https://www.example.org/a",
        "source_title": "Toll",
        "published_date": "2024-04-30",
        "language": "en",
        "quote_type": "verbatim",
    },
    {
        "id": "A2",
        "text": "Mahmoud Abbas was born on 15 November 1935.",
        "source_url": "https://example.org/b",
        "source_title": "Abbas",
        "published_date": "undated",
        "language": "en",
    },
]


def test_new_store_has_current_schema_and_stamps_loads(tmp_db, tmp_path, hash_embedder):
    path = write_jsonl(tmp_path / "p.jsonl", ROWS)
    with Store(tmp_db) as st:
        assert st.schema_version() == SCHEMA_VERSION
        report = ingest_passages(st, path, hash_embedder)
        assert (report.added, report.skipped, report.rejected) == (2, 0, ())
        rows = st.con.execute(
            "SELECT external_id, load_id, published, published_raw, publisher FROM passages ORDER BY 1"
        ).fetchall()
    assert [r[0] for r in rows] == ["A1", "A2"]
    assert {r[1] for r in rows} == {report.load_id}
    assert str(rows[0][2]) == "2024-04-30" and rows[1][2] is None and rows[1][3] == "undated"
    assert rows[0][4] == "example.org"


def test_second_ingest_adds_nothing(tmp_db, tmp_path, hash_embedder):
    path = write_jsonl(tmp_path / "p.jsonl", ROWS)
    with Store(tmp_db) as st:
        ingest_passages(st, path, hash_embedder)
        again = ingest_passages(st, path, hash_embedder)
        assert (again.added, again.skipped) == (0, 2)
        assert st.con.execute("SELECT count(*) FROM passages").fetchone()[0] == 2
        assert st.con.execute("SELECT count(*) FROM loads WHERE status='done'").fetchone()[0] == 2


def test_bad_rows_reported_with_line_numbers_and_good_rows_load(tmp_db, tmp_path, hash_embedder):
    path = write_jsonl(tmp_path / "p.jsonl", [ROWS[0], "{not json", {"id": "x", "text": "  "}, ROWS[1]])
    good, bad = read_passages(path)
    assert len(good) == 2
    assert [(b.line, b.reason.split(" (")[0]) for b in bad] == [(2, "not valid JSON"), (3, "missing or empty 'text'")]
    with Store(tmp_db) as st:
        report = ingest_passages(st, path, hash_embedder)
        assert report.added == 2 and len(report.rejected) == 2


def test_strict_refuses_the_whole_file_and_keeps_the_store_as_it_was(tmp_db, tmp_path, hash_embedder):
    first = write_jsonl(tmp_path / "first.jsonl", [ROWS[0]])
    bad = write_jsonl(tmp_path / "bad.jsonl", [ROWS[1], "{oops"])
    with Store(tmp_db) as st:
        ingest_passages(st, first, hash_embedder)
        with pytest.raises(InputError) as err:
            ingest_passages(st, bad, hash_embedder, strict=True)
        assert "line 2" in str(err.value) and err.value.code == "FC104"
        assert st.con.execute("SELECT count(*) FROM passages").fetchone()[0] == 1


def test_failed_load_leaves_no_rows(tmp_db, tmp_path, hash_embedder, monkeypatch):
    path = write_jsonl(tmp_path / "p.jsonl", ROWS)
    with Store(tmp_db) as st:

        def boom(*a, **k):
            raise RuntimeError("disk full")

        monkeypatch.setattr(st, "finish_load", boom)
        with pytest.raises(RuntimeError):
            ingest_passages(st, path, hash_embedder)
        assert st.con.execute("SELECT count(*) FROM passages").fetchone()[0] == 0
        assert st.con.execute("SELECT count(*) FROM loads").fetchone()[0] == 0


@pytest.mark.parametrize(
    "content,code", [(b"", "FC101"), (b"\x00\x01\x02binary", "FC102"), ("æøå".encode("latin-1"), "FC103")]
)
def test_unreadable_passage_files(tmp_path, content, code):
    path = tmp_path / "p.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_passages(path)
    assert err.value.code == code


def test_store_refuses_vectors_from_another_model(tmp_db, tmp_path, hash_embedder):
    path = write_jsonl(tmp_path / "p.jsonl", ROWS)

    class Other:
        name, version, dim = "other/model@1", "1", 384

        def passages(self, texts):
            return np.ones((len(texts), 384), np.float32) / np.sqrt(384)

        queries = passages

    with Store(tmp_db) as st:
        ingest_passages(st, path, hash_embedder)
        with pytest.raises(ModelError) as err:
            ingest_passages(st, path, Other())
        assert "test/hash-bow@1" in str(err.value)


def test_old_schema_read_only_names_the_migrate_command(tmp_db):
    duckdb.connect(tmp_db).close()  # an empty DuckDB file: schema v0
    with pytest.raises(StoreError) as err:
        Store(tmp_db, read_only=True)
    assert "factcheck store migrate" in str(err.value) and err.value.code == "FC204"
    with Store(tmp_db) as st:  # a writable open migrates it
        assert st.schema_version() == SCHEMA_VERSION


def test_second_writer_process_gets_a_clear_transient_error(tmp_db, held_by_another_process):
    Store(tmp_db).close()
    with held_by_another_process(tmp_db):
        with pytest.raises(StoreLockedError) as err:
            Store(tmp_db)
        assert err.value.transient and "another process" in str(err.value)


def test_a_migration_missing_below_the_files_version_is_detected(tmp_db):
    with Store(tmp_db) as st:
        latest = max(st.applied_migrations())
        st.con.execute("DELETE FROM schema_version WHERE version = 1")  # as if v1 came after the others
        st.con.execute("DROP TABLE evidence_links")
        assert st.pending_migrations() == [1] and st.schema_version() == latest
    with pytest.raises(StoreError) as err:
        Store(tmp_db, read_only=True)
    assert err.value.code == "FC204"


def test_a_store_that_skipped_v4_gets_its_tables_from_the_migration(tmp_db):
    """A store migrated past v4 without it (v4 came later) gets v4's tables on a writable open, through the
    migrations alone; this replaced a patch in sources.ingest that created them outside the migrations."""
    with Store(tmp_db) as st:
        st.con.execute("DROP TABLE documents; DROP TABLE prior_checks; DROP TABLE facts_history")
        st.con.execute("DELETE FROM schema_version WHERE version = 4")
    with Store(tmp_db) as st:
        assert st.pending_migrations() == []
        tables = {r[0] for r in st.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {"documents", "prior_checks", "facts_history"} <= tables
        cols = {
            r[0]
            for r in st.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'prior_checks'"
            ).fetchall()
        }
        assert "summary" in cols
