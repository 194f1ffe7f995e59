"""The packages import one way: claims <- sources <- verdicts <- review <- flows (the Prefect flows and the CLI), and
eval and bench (measuring) may use the library but the library never uses them; no package reaches into another's
private names. Read from the source with `ast`, so a new upward import fails here with the line that made it."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"claims": 0, "sources": 1, "verdicts": 2, "review": 3, "flows": 4}
TOOLS = {"eval", "bench"}        # may import any layer; no layer imports them, but the CLI that runs them
CLI = {"flows/cli.py", "flows/eval_claims.py", "flows/eval_verdicts.py", "flows/store_cli.py", "flows/train_cli.py",
       "flows/nightly_cli.py", "flows/models.py", "flows/review.py", "flows/serve.py", "flows/gate.py"}
# Known debt, to be moved (issue 17: training gets a package of its own): each entry is "file -> module".
DEBT = {"verdicts/train_verifier.py -> eval.pairs", "verdicts/train_verifier.py -> eval.pairs_nordic",
        "verdicts/train_verifier.py -> eval.splits"}


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name, []


def _files():
    for pkg in (*LAYERS, *TOOLS):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            yield pkg, path.relative_to(ROOT).as_posix(), path


def test_no_layer_imports_a_layer_above_it_or_the_measuring_tools():
    wrong = []
    for pkg, rel, path in _files():
        if pkg in TOOLS:
            continue
        for line, module, _ in _imports(path):
            top = module.split(".")[0]
            if top == pkg or f"{rel} -> {module}" in DEBT:
                continue
            if (top in LAYERS and LAYERS[top] > LAYERS[pkg]) or (top in TOOLS and rel not in CLI):
                wrong.append(f"{rel}:{line} imports {module}")
    assert not wrong, "imports against the layers (claims <- sources <- verdicts <- review <- flows):\n" + \
        "\n".join(wrong)


def test_no_private_name_is_imported_from_another_package():
    wrong = []
    for pkg, rel, path in _files():
        for line, module, names in _imports(path):
            top = module.split(".")[0]
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if top != pkg and top in (*LAYERS, *TOOLS) and private:
                wrong.append(f"{rel}:{line} imports {', '.join(private)} from {module}")
    assert not wrong, "private names used across packages (make them public or move the code):\n" + "\n".join(wrong)


def test_the_debt_list_holds_only_imports_that_still_exist():
    found = {f"{rel} -> {module}" for _, rel, path in _files() for _, module, _ in _imports(path)}
    assert DEBT <= found, f"no longer imported, drop from DEBT: {sorted(DEBT - found)}"
