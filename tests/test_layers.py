"""The packages import one way (docs/architecture.md):

    claims <- sources <- verdicts <- review <- gate | nightly <- flows <- cli

and the tools beside them: eval (the evaluation harness) may use the library; training may use the library and
eval; bench and studies (run from a checkout, not installed) may use anything. The library never imports a tool, no
two modules import each other (not even inside a function), and no package reaches into another's private names.
Read from the source with `ast`, so a new upward import fails here with the line that made it."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"claims": 0, "sources": 1, "verdicts": 2, "review": 3, "gate": 4, "nightly": 4, "flows": 5, "cli": 6}
TOOLS = {"eval": {"eval"}, "training": {"eval", "training"}, "bench": None, "studies": None}  # None: anything
INSTALLED = {"claims", "sources", "verdicts", "review", "gate", "nightly", "flows", "cli", "eval", "training"}


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


def _allowed(pkg: str, top: str) -> bool:
    if top == pkg or top not in (*LAYERS, *TOOLS):
        return True
    if pkg in TOOLS:
        extra = TOOLS[pkg]
        return extra is None or top in LAYERS or top in extra
    if top in TOOLS:
        return pkg == "cli"  # the CLI runs the harness and the trainers
    return LAYERS[top] < LAYERS[pkg] or (top == "flows" and pkg == "cli")


def test_no_package_imports_a_layer_above_it_or_a_tool():
    wrong = [
        f"{rel}:{line} imports {module}"
        for pkg, rel, path in _files()
        for line, module, _ in _imports(path)
        if not _allowed(pkg, module.split(".")[0])
    ]
    assert not wrong, "imports against the layers (docs/architecture.md):\n" + "\n".join(wrong)


def test_no_private_name_is_imported_from_another_package():
    wrong = []
    for pkg, rel, path in _files():
        for line, module, names in _imports(path):
            top = module.split(".")[0]
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if top != pkg and top in (*LAYERS, *TOOLS) and private:
                wrong.append(f"{rel}:{line} imports {', '.join(private)} from {module}")
    assert not wrong, "private names used across packages (make them public or move the code):\n" + "\n".join(wrong)


def _module_graph() -> dict[str, set[str]]:
    modules = {rel[:-3].replace("/", ".").removesuffix(".__init__"): path for _, rel, path in _files()}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in modules.items():
        for _, module, names in _imports(path):
            targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in modules] or [module]
            graph[mod].update(t for t in targets if t in modules and t != mod)
    return graph


def test_no_import_cycles_between_modules():
    graph, cycles = _module_graph(), []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(path[path.index(nxt) :] + [node, nxt]) if nxt in path else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, path + [node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not cycles, "modules that import each other (move the shared part down):\n" + "\n".join(cycles)


def test_only_the_products_packages_are_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(config["tool"]["setuptools"]["packages"]) == INSTALLED
    assert not {"bench", "studies", "tests"} & INSTALLED
