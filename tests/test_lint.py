"""Ruff, configured in pyproject.toml ([tool.ruff]), is clean: lint (pycodestyle errors and warnings, pyflakes,
import order) and format. Fix with `ruff check --fix . && ruff format .` (ruff comes with
`pip install -e '.[test]'`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_lint_is_clean():
    res = _ruff("check", "--no-cache", ".")
    assert res.returncode == 0, f"ruff check found problems (fix: ruff check --fix .):\n{res.stdout}{res.stderr}"


def test_ruff_format_is_clean():
    res = _ruff("format", "--check", "--no-cache", ".")
    assert res.returncode == 0, f"files ruff would reformat (fix: ruff format .):\n{res.stdout}{res.stderr}"
