"""The CLI's shared parts: one error handler, one --db, the nightly group and its older spellings (in-process with
click's runner, so these are quick; tests/test_cli.py runs the real command in a subprocess)."""

from __future__ import annotations

import ast
from pathlib import Path

import click
from click.testing import CliRunner

from claims.errors import InputError
from cli.main import cli
from cli.options import FactcheckGroup

ROOT = Path(__file__).resolve().parent.parent


def _group_with_failing_command() -> click.Group:
    @click.group(cls=FactcheckGroup)
    @click.option("-v", "--verbose", is_flag=True)
    def root(verbose):
        pass

    @root.command("boom")
    def boom():
        raise InputError("tiny.md is empty. Give an article with text.", code="FC101")

    return root


def test_a_coded_error_from_any_command_is_one_line_and_exit_1():
    res = CliRunner().invoke(_group_with_failing_command(), ["boom"])
    assert res.exit_code == 1
    assert res.output.strip() == "error: [FC101] tiny.md is empty. Give an article with text."


def test_verbose_shows_the_traceback_of_a_coded_error():
    res = CliRunner().invoke(_group_with_failing_command(), ["-v", "boom"])
    assert (
        res.exit_code == 1 and "Traceback" in res.output and res.output.rstrip().endswith("Give an article with text.")
    )


def test_the_error_handler_and_the_db_option_are_defined_once():
    defined, db_options = [], []
    for path in sorted((ROOT / "cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined += [
            f"{path.name}:{n.name}"
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef) and n.name in ("fail", "_fail", "err", "_err")
        ]
        db_options += [
            f"{path.name}:{n.lineno}"
            for n in ast.walk(tree)
            if isinstance(n, ast.Call)
            and getattr(n.func, "attr", "") == "option"
            and n.args
            and getattr(n.args[0], "value", "") == "--db"
            and any(k.arg == "envvar" for k in n.keywords)
        ]
    assert sorted(defined) == ["options.py:err", "options.py:fail"]
    assert db_options == [db for db in db_options if db.startswith("options.py:")] and len(db_options) == 1


def test_nightly_is_a_group_and_the_older_spellings_still_work(tmp_path):
    runner = CliRunner()
    listed = runner.invoke(cli, ["nightly", "--help"])
    assert listed.exit_code == 0 and all(name in listed.output for name in ("run", "serve", "history"))
    db = str(tmp_path / "store.duckdb")
    new = runner.invoke(cli, ["nightly", "history", "--db", db])
    old = runner.invoke(cli, ["nightly-history", "--db", db])
    assert new.exit_code == 1 and old.exit_code == 1  # no store there yet: the same one-line error
    assert new.output == old.output and new.output.startswith("error: [FC202]")
    assert "nightly-history" not in runner.invoke(cli, ["--help"]).output  # old names hidden from --help
    for args in (["nightly", "--inbox", str(tmp_path / "nope")], ["nightly", "run", "--inbox", str(tmp_path / "nope")]):
        res = runner.invoke(cli, args)
        assert res.exit_code == 2 and "--inbox" in res.output  # the run's own usage error, both ways


def test_task_logs_keep_the_line_of_a_coded_error_but_not_its_traceback():
    import logging
    import sys

    import flows

    flows.quiet_logging()
    logger = logging.getLogger("prefect.task_runs")

    def record_of(exc: BaseException) -> logging.LogRecord:
        try:
            raise exc
        except BaseException:
            rec = logger.makeRecord(
                logger.name, logging.ERROR, __file__, 1, "Task run failed with exception: %r", (exc,), sys.exc_info()
            )
        assert all(f.filter(rec) for f in logger.filters)
        return rec

    coded = record_of(InputError("x.md is empty. Give a file with the article's text.", code="FC101"))
    assert coded.exc_info is None and "is empty" in coded.getMessage()
    bug = record_of(ValueError("a bug"))
    assert bug.exc_info is not None and bug.exc_info[0] is ValueError
    noisy = logging.getLogger("bm25s")
    assert not all(
        f.filter(noisy.makeRecord("bm25s", logging.DEBUG, __file__, 1, "Building index", (), None))
        for f in noisy.filters
    )
