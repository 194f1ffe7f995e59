"""One error registry (claims/error_codes.py): every FCnnn code the source uses is defined there once, every code
there is used, no two exception classes default to one code, and the README's "Error codes" section is the table
the registry renders. Read from the source with `ast`, so a new code fails here with the file and line that use it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from claims.error_codes import CODES, GROUPS, REGISTRY, group_of, markdown
from claims.errors import FactcheckError

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("claims", "sources", "verdicts", "review", "gate", "nightly", "flows", "cli", "eval", "training")
REGISTRY_FILE = "claims/error_codes.py"  # defines the codes; using them is everyone else's
_EXACT = re.compile(r"FC\d{3}")
_IN_TEXT = re.compile(r"\[(FC\d{3})\]")  # "[FC108] path: ..." in warnings and CLI lines
FIX = "Run `python -m claims.error_codes` and paste its output under '## Error codes' in README.md."


def _trees():
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel != REGISTRY_FILE:
                yield rel, ast.parse(path.read_text(encoding="utf-8"))


def _source_codes() -> dict[str, list[str]]:
    """code -> ["file:line", ...] for every string constant that is a code ("FC204") or shows one ("[FC108] ...");
    docstrings naming a range ("FC740-FC749") are prose, not codes."""
    found: dict[str, list[str]] = defaultdict(list)
    for rel, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                codes = [node.value] if _EXACT.fullmatch(node.value) else _IN_TEXT.findall(node.value)
                for code in codes:
                    found[code].append(f"{rel}:{node.lineno}")
    return found


def _class_defaults() -> dict[str, list[str]]:
    """code -> ["file:Class", ...] for every class body that sets `code = "FCnnn"`."""
    found: dict[str, list[str]] = defaultdict(list)
    for rel, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if (
                        isinstance(stmt, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == "code" for t in stmt.targets)
                        and isinstance(stmt.value, ast.Constant)
                    ):
                        found[stmt.value.value].append(f"{rel}:{node.name}")
    return found


def _readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"^## Error codes\n(.*?)(?=^## |\Z)", text, flags=re.DOTALL | re.MULTILINE)
    assert m, "README.md has no '## Error codes' section. " + FIX
    return m.group(1).strip()


def test_the_registry_is_well_formed():
    codes = [e.code for e in REGISTRY]
    assert len(codes) == len(set(codes)), f"defined twice: {sorted(c for c in set(codes) if codes.count(c) > 1)}"
    assert codes == sorted(codes), "keep REGISTRY in code order (the README table follows it)"
    for e in REGISTRY:
        assert _EXACT.fullmatch(e.code), e
        assert group_of(e.code) in GROUPS, f"{e.code}: no group for FC{group_of(e.code)}xx in GROUPS"
        assert e.meaning.strip() and e.fix.strip(), f"{e.code} needs a meaning and a fix"


def test_every_code_in_the_source_is_in_the_registry():
    missing = {c: sites for c, sites in _source_codes().items() if c not in CODES}
    assert not missing, (
        "codes used but not defined in claims/error_codes.py (add each with its meaning and fix, "
        f"then update the README): {missing}"
    )


def test_every_registry_code_is_used():
    unused = sorted(set(CODES) - set(_source_codes()))
    assert not unused, f"defined in claims/error_codes.py but raised nowhere (remove them): {unused}"


def test_no_code_is_the_default_of_two_exception_classes():
    shared = {c: owners for c, owners in _class_defaults().items() if len(owners) > 1}
    assert not shared, f"one code, two exception classes (give the second class a new code): {shared}"


def test_readme_table_is_the_registry():
    assert _readme_section() == markdown().strip(), "README.md's Error codes section differs from the registry. " + FIX


def test_the_module_prints_the_table():
    out = subprocess.run(
        [sys.executable, "-m", "claims.error_codes"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out == markdown()
    assert "| FC204 | the store's schema is older than this factcheck | Run: `factcheck store migrate" in out


# -- codes that once meant two things now mean one each -----------------------------------------------------------
def test_retrieval_eval_split_set_and_embedder_have_their_own_codes(tmp_path):
    from eval.retrieval import RetrievalSet, _pipeline_queries, load_set, select_split

    with pytest.raises(FactcheckError) as err:
        select_split(RetrievalSet("x", "", (), ()), "sideways")
    assert err.value.code == "FC218" and "held-out" in str(err.value)
    with pytest.raises(FactcheckError) as err:
        load_set("no-such-set")
    assert err.value.code == "FC210" and "scifact" in str(err.value)
    with pytest.raises(FactcheckError) as err:
        _pipeline_queries(tmp_path / "article.md", [], None)
    assert err.value.code == "FC219" and "embedder" in str(err.value)


def test_unknown_pair_set_is_not_a_training_option_error(tmp_path):
    from training.pairs import read_pairs
    from training.pairs_nordic import read_nordic_pairs

    for read in (read_pairs, read_nordic_pairs):
        with pytest.raises(FactcheckError) as err:
            read(tmp_path, "no-such-set")
        assert err.value.code == "FC739" and "no-such-set" in str(err.value)
