"""One error base for the whole library, with stable codes and messages that name the fix.

The library raises these and never prints or exits; the CLI turns them into one line and an
exit code. `transient` errors (a locked file, a timeout) are worth retrying; terminal ones are not.
Every code, with its meaning and its fix, is defined once in claims/error_codes.py (the README's table is generated
from it); a new kind of failure gets a new code there, never an old code with a second meaning.
"""

from __future__ import annotations


class FactcheckError(Exception):
    """Base of every error the library raises on purpose."""

    code = "FC000"
    transient = False

    def __init__(self, message: str, *, code: str | None = None, transient: bool | None = None):
        if code:
            self.code = code
        if transient is not None:
            self.transient = transient
        super().__init__(message)

    def __str__(self) -> str:
        return f"[{self.code}] {self.args[0]}"


class InputError(FactcheckError):
    """A file or value given by the user cannot be used (empty, binary, wrong encoding, malformed)."""

    code = "FC100"


class StoreError(FactcheckError):
    """The reference store cannot be opened or used as asked."""

    code = "FC200"


class StoreLockedError(StoreError):
    """Another process holds the DuckDB write lock; worth retrying later."""

    code = "FC201"
    transient = True


class ModelError(FactcheckError):
    """A model cannot be loaded or does not match what the store holds."""

    code = "FC300"


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, FactcheckError) and exc.transient
