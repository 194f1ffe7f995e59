"""Store(path, attach=True): the file attached to the process's shared DuckDB instance (what the review app opens
per request). Locked for other processes while open, free and complete on disk once closed, shared within the
process both ways with stores opened the ordinary way."""

import subprocess
import sys

import pytest

from claims.errors import StoreLockedError
from sources.store import _ATTACHED, SCHEMA_VERSION, Store


def other_process_runs(db: str) -> int | None:
    """The number of runs another process reads from db, or None when it cannot open the file (locked)."""
    code = f"import duckdb\ntry:\n    c = duckdb.connect({db!r})\nexcept duckdb.IOException:\n    print('locked')\n"
    code += "else:\n    print(c.execute('SELECT count(*) FROM runs').fetchone()[0])\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    return None if out == "locked" else int(out)


def begin_run(st: Store) -> str:
    return st.begin_run(code_version="t", models=[], rules_version="t", params={})


def test_an_attached_store_is_locked_while_open_and_written_out_when_closed(tmp_db):
    st = Store(tmp_db, attach=True)  # a new file: created and migrated through the attachment
    assert st.schema_version() == SCHEMA_VERSION and _ATTACHED.holds(tmp_db)
    with st.transaction():
        begin_run(st)
    begin_run(st)
    assert other_process_runs(tmp_db) is None
    st.close()
    assert not _ATTACHED.holds(tmp_db)
    assert other_process_runs(tmp_db) == 2  # no checkpoint asked for: detaching wrote it out
    with Store(tmp_db, read_only=True) as ro:  # the ordinary way, another configuration
        assert ro.stats().runs == 2


def test_stores_of_one_file_share_it_until_the_last_closes(tmp_db):
    first = Store(tmp_db, attach=True)
    second = Store(tmp_db)  # the file is attached already: the ordinary open shares the attachment
    run_id = begin_run(first)
    assert second.con.execute("SELECT count(*) FROM runs WHERE run_id = ?", [run_id]).fetchone()[0] == 1
    first.close()
    assert second.stats().runs == 1 and other_process_runs(tmp_db) is None
    second.close()
    assert other_process_runs(tmp_db) == 1


def test_a_file_opened_the_ordinary_way_is_shared_by_an_attached_open(tmp_db):
    with Store(tmp_db) as ordinary:
        begin_run(ordinary)
        with Store(tmp_db, attach=True) as attached:  # joins the instance duckdb.connect made
            assert attached.stats().runs == 1 and not _ATTACHED.holds(tmp_db)
    assert other_process_runs(tmp_db) == 1


def test_an_attached_open_of_a_file_another_process_writes_is_a_transient_error(tmp_db, held_by_another_process):
    Store(tmp_db).close()
    with held_by_another_process(tmp_db):
        with pytest.raises(StoreLockedError) as err:
            Store(tmp_db, attach=True)
        assert err.value.transient and not _ATTACHED.holds(tmp_db)
    with Store(tmp_db, attach=True) as st:  # the failed attach left nothing behind
        assert st.schema_version() == SCHEMA_VERSION


def test_two_files_attached_at_once_keep_their_own_rows(tmp_path):
    a, b = str(tmp_path / "a.duckdb"), str(tmp_path / "b.duckdb")
    with Store(a, attach=True) as sa, Store(b, attach=True) as sb:
        begin_run(sa)
        begin_run(sa)
        begin_run(sb)
        assert (sa.stats().runs, sb.stats().runs) == (2, 1)
    assert (other_process_runs(a), other_process_runs(b)) == (2, 1)
