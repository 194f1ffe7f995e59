"""The code version recorded with every run: package version plus git commit when available (the base package,
so that every layer may record it)."""

from __future__ import annotations

import functools
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


@functools.cache
def code_version() -> str:
    try:
        v = version("factcheck")
    except PackageNotFoundError:  # running from a checkout without install
        v = "0+unknown"
    try:
        root = Path(__file__).resolve().parent.parent
        sha = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return f"{v}+g{sha}{'.dirty' if dirty else ''}"
    except Exception:
        return v
