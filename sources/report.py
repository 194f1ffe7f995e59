"""What a load reports, and the checks every source format makes before it writes (sources.ingest, sources.facts
and sources.prior share them, so none imports another for them)."""

from __future__ import annotations

from dataclasses import dataclass

from claims.errors import InputError, ModelError
from sources.embed import Embedder, mixed_models_message
from sources.store import Store


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class IngestReport:
    path: str
    load_id: str
    embed_model: str
    added: int
    skipped: int  # already in the store (or repeated in the file)
    rejected: tuple[RejectedRow, ...]

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.skipped} already stored", f"{len(self.rejected)} rejected"]
        return f"{self.path}: " + ", ".join(parts)


def check_rejected(path: str, rejected: list[RejectedRow] | tuple[RejectedRow, ...], strict: bool) -> None:
    if rejected and strict:
        first = rejected[0]
        raise InputError(
            f"{path}: {len(rejected)} bad row(s), first at line {first.line}: {first.reason}. "
            "Nothing was loaded (--strict). Fix the rows, or drop --strict to load the good ones.",
            code="FC104",
        )


def check_embed_model(store: Store, embedder: Embedder) -> None:
    stored_models = store.embed_models()
    if stored_models and embedder.name not in stored_models:
        raise ModelError(mixed_models_message(store.path, stored_models, embedder), code="FC303")
