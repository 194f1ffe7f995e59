"""The suite cleans up after itself: the end-of-session check (tests/conftest.py) finds a process the tests
started for as long as it runs."""

import subprocess
import sys

from tests.conftest import _left_running


def test_a_process_the_tests_start_is_found_while_it_runs_and_not_after():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        assert proc.pid in {pid for pid, _ in _left_running()}
    finally:
        proc.kill()
        proc.wait()
    assert proc.pid not in {pid for pid, _ in _left_running()}


def test_the_slow_list_names_tests_that_exist_and_is_read_from_a_durations_log():
    import ast
    from pathlib import Path

    from tests.slow_tests import listed, slow_ids

    root = Path(__file__).resolve().parent.parent
    missing = []
    for node in sorted(listed()):
        path, _, name = node.partition("::")
        file = root / path
        names = (
            {n.name for n in ast.walk(ast.parse(file.read_text(encoding="utf-8"))) if isinstance(n, ast.FunctionDef)}
            if file.exists()
            else set()
        )
        if name.split("[")[0] not in names:
            missing.append(node)
    assert not missing, f"tests/slow_tests.txt names tests that no longer exist (regenerate it): {missing}"
    log = (
        "6.01s call     tests/test_a.py::test_slow\n2.50s setup    tests/test_a.py::test_split\n"
        "2.60s call     tests/test_a.py::test_split\n4.99s call     tests/test_a.py::test_quick\n"
    )
    assert slow_ids(log) == ["tests/test_a.py::test_slow", "tests/test_a.py::test_split"]
