"""Which tests are `slow`: by a rule, not by hand. A test is slow when it took over SLOW_SECONDS (set-up, call and
tear-down together) in a full run on the 2-core reference machine; tests/slow_tests.txt lists them and conftest.py
marks them, so `pytest -m "not slow"` is the quick loop and the default run still runs everything.

Regenerate after adding or speeding up tests (on a quiet machine):

    python -m pytest --durations=0 -p no:cacheprovider | tee /tmp/durations.log
    python -m tests.slow_tests /tmp/durations.log          # rewrites tests/slow_tests.txt
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

SLOW_SECONDS = 5.0
LIST = Path(__file__).with_name("slow_tests.txt")
_LINE = re.compile(r"^\s*([\d.]+)s\s+(setup|call|teardown)\s+(\S+)\s*$")


def slow_ids(durations_log: str) -> list[str]:
    """Node ids whose set-up, call and tear-down took over SLOW_SECONDS together, from pytest --durations=0."""
    total: dict[str, float] = defaultdict(float)
    for line in durations_log.splitlines():
        if m := _LINE.match(line):
            total[m.group(3)] += float(m.group(1))
    return sorted(node for node, seconds in total.items() if seconds > SLOW_SECONDS)


def listed() -> set[str]:
    if not LIST.exists():
        return set()
    return {
        line.strip()
        for line in LIST.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    ids = slow_ids(Path(argv[0]).read_text(encoding="utf-8"))
    header = (
        f"# tests over {SLOW_SECONDS:g} s (set-up + call + tear-down) in a full run on 2 cores; "
        "made by python -m tests.slow_tests (see tests/slow_tests.py)\n"
    )
    LIST.write_text(header + "".join(f"{i}\n" for i in ids), encoding="utf-8")
    print(f"{len(ids)} slow tests -> {LIST}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
