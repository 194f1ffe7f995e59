"""One owner of the store: the schema changes only in sources/migrations/*.sql, and every SQL statement lives in
sources/store.py (connection, migrations, transactions) or in a table module beside it (sources/tables*.py, one
per table group). Every other module calls those functions with plain values. Every INSERT names its columns, so
a migration that adds or reorders a column cannot shift values into the wrong one.

Read from the source with `ast`, so a statement that creeps back fails here with the line that holds it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "claims",
    "sources",
    "verdicts",
    "review",
    "gate",
    "nightly",
    "flows",
    "cli",
    "eval",
    "training",
    "bench",
    "studies",
)
STORE_MODULES = {
    "sources/store.py",  # connection, migrations, transactions; re-exports now/new_id
    "sources/tables.py",  # now, new_id, has_table, the INSERT helpers
    "sources/tables_passages.py",  # loads, passages, documents, retired_passages
    "sources/tables_facts.py",  # facts, facts_history
    "sources/tables_prior.py",  # prior_checks
    "sources/tables_cache.py",  # embedding_cache
    "sources/tables_runs.py",  # runs, articles, claims, verdicts, evidence_links
    "sources/tables_review.py",  # review_users, review_sessions, review_decisions, review_vectors, queue reads
    "sources/tables_nightly.py",  # nightly_runs, run_articles, nightly_attempts
    "sources/tables_gate.py",  # corrections, gate_runs
}
# Tools whose own SQL has not moved yet (they were being edited elsewhere when the store got one owner). Move a
# file's statements into the table modules and take it off this list; an entry without SQL left fails below.
KNOWN_DEBT = {
    "bench/retrieval.py"  # builds a synthetic 1M-passage store for the benchmark
}
SQL_CALLS = {"execute", "executemany", "sql"}
STATEMENT = re.compile(
    r"^\s*(SELECT\s.+\sFROM\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|"
    r"CREATE\s+(OR\s+REPLACE\s+)?((TEMP|TEMPORARY)\s+)?(TABLE|INDEX|VIEW|SEQUENCE)\s|ALTER\s+TABLE\s|DROP\s+TABLE\s|"
    r"WITH\s+\w+\s+AS\s*\(|CHECKPOINT\b)",
    re.IGNORECASE | re.DOTALL,
)
INSERT = re.compile(r"\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\w+|\{\})\s*(\(?)", re.IGNORECASE)
SCHEMA = re.compile(
    r"\b(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?P<temp>(?:TEMP|TEMPORARY)\s+)?(?P<kind>TABLE|INDEX|VIEW|SEQUENCE)"
    r"\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<created>\w+)|ALTER\s+TABLE\s+(?P<altered>\w+)|"
    r"DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?P<dropped>\w+))",
    re.IGNORECASE,
)


def _files():
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def _text(node: ast.AST) -> str | None:
    """The text of a string expression: a literal, an f-string (each {...} as "{}") or a + of those."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def _strings(tree: ast.AST):
    """(line, text) of every whole string expression (not the parts of an f-string or of a + of literals)."""
    parts = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, (ast.JoinedStr, ast.BinOp)) and _text(node) is not None
        for child in ast.iter_child_nodes(node)
    }
    for node in ast.walk(tree):
        text = _text(node) if id(node) not in parts else None
        if text is not None:
            yield node.lineno, text


def sql_outside_store(rel: str, source: str) -> list[str]:
    """Where a module that is not a store module runs SQL or holds an SQL statement."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            found.append(f"{rel}:{node.lineno} calls .{node.func.attr}(...)")
    for line, text in _strings(tree):
        if STATEMENT.match(text):
            found.append(f"{rel}:{line} holds SQL: {' '.join(text.split())[:80]}")
    return sorted(set(found))


def inserts_without_columns(rel: str, source: str) -> list[str]:
    if rel.endswith(".sql"):
        texts = [(source[: m.start()].count("\n") + 1, m.group(0)) for m in INSERT.finditer(source)]
    else:
        texts = list(_strings(ast.parse(source)))
    return sorted(
        {
            f"{rel}:{line}: {' '.join(m.group(0).split())}..."
            for line, text in texts
            for m in INSERT.finditer(text)
            if not m.group(2)
        }
    )


def schema_changes_outside_migrations(rel: str, source: str) -> list[str]:
    """CREATE / ALTER / DROP of anything but a temporary table (TEMP, or dropped by its _name), outside
    sources/migrations/; sources/store.py may create the schema_version table the migrations are counted in."""
    found = []
    for line, text in _strings(ast.parse(source)):
        for m in SCHEMA.finditer(text):
            if m.group("created"):
                if m.group("kind").upper() == "TABLE" and (
                    m.group("temp") or (rel == "sources/store.py" and m.group("created") == "schema_version")
                ):
                    continue
            elif m.group("dropped") and m.group("dropped").startswith("_"):
                continue
            found.append(f"{rel}:{line}: {' '.join(m.group(0).split())}")
    return sorted(set(found))


def test_the_store_modules_named_here_are_the_ones_in_sources():
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "sources").glob("tables*.py")} | {"sources/store.py"}
    assert on_disk == STORE_MODULES, "name each store module in STORE_MODULES (and nothing else)"


def test_only_the_store_modules_run_sql():
    wrong = [
        hit
        for rel, source in _files()
        if rel not in STORE_MODULES | KNOWN_DEBT
        for hit in sql_outside_store(rel, source)
    ]
    assert not wrong, (
        "SQL outside the store: add a function to the table module of its tables "
        "(sources/tables_*.py) and call it:\n" + "\n".join(wrong)
    )


def test_the_known_debt_still_holds_sql():
    sources = dict(_files())
    paid = sorted(rel for rel in KNOWN_DEBT if not sql_outside_store(rel, sources[rel]))
    assert not paid, f"no SQL left in {', '.join(paid)}: take them off KNOWN_DEBT"


def test_every_insert_names_its_columns():
    files = [
        *_files(),
        *(
            (p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))
            for p in sorted((ROOT / "sources" / "migrations").glob("*.sql"))
        ),
    ]
    wrong = [hit for rel, source in files for hit in inserts_without_columns(rel, source)]
    assert not wrong, "INSERTs that do not name their columns (write INSERT INTO t (a, b) VALUES ...):\n" + "\n".join(
        wrong
    )


def test_the_schema_changes_only_in_migrations():
    wrong = [hit for rel, source in _files() for hit in schema_changes_outside_migrations(rel, source)]
    assert not wrong, "schema changes outside sources/migrations/ (add a numbered migration instead):\n" + "\n".join(
        wrong
    )


def test_the_checks_find_what_they_look_for():
    bad = """
def record(store, rows, table):
    store.con.execute("INSERT INTO gate_runs VALUES (?, ?)", rows[0])
    store.con.executemany(f"INSERT INTO {table} SELECT * FROM x", rows)
    store.con.execute("ALTER TABLE runs ADD COLUMN note VARCHAR")
QUERY = "SELECT count(*) FROM passages"
"""
    assert len(sql_outside_store("review/x.py", bad)) == 7  # 3 calls, 4 statements
    assert [h.split(":")[1] for h in inserts_without_columns("review/x.py", bad)] == ["3", "4"]
    assert len(schema_changes_outside_migrations("review/x.py", bad)) == 1
    good = """
def record(con, rows):
    con.execute("CREATE OR REPLACE TEMP TABLE _w (a VARCHAR)")
    con.executemany("INSERT INTO _w (a) VALUES (?)", rows)
    con.execute("DROP TABLE _w")
"""
    assert sql_outside_store("sources/tables_x.py", good)  # SQL all right, but only in a store module
    assert not inserts_without_columns("sources/tables_x.py", good)
    assert not schema_changes_outside_migrations("sources/tables_x.py", good)
