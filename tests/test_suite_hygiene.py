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
