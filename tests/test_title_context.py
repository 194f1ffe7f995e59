"""Passages read under their source title (`store ingest --title-context`, a row's own `context`):
what is embedded and indexed, what is stored, and stores written before schema v8."""

import json

import numpy as np
import pytest

from eval.retrieval import RetrievalQuery, RetrievalSet, titled
from sources.ingest import ingest_file, ingest_passages, with_title_context
from sources.model import Passage
from sources.reembed import reembed_store
from sources.retrieve import Retriever
from sources.store import SCHEMA_VERSION, Store

ROWS = [
    {
        "id": "S1",
        "text": "It is the largest land carnivore and feeds mainly on seals.",
        "source_url": "https://en.wikipedia.org/wiki/Polar_bear",
        "source_title": "Polar bear",
        "language": "en",
    },
    {
        "id": "S2",
        "text": "Sea ice extent has declined in every month since 1979.",
        "source_url": "https://en.wikipedia.org/wiki/Arctic_sea_ice",
        "source_title": "Arctic sea ice decline",
        "language": "en",
    },
    {
        "id": "S3",
        "text": "Untitled sentence about glaciers retreating.",
        "source_url": "https://example.org/x",
        "language": "en",
    },
]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def stored(st):
    return {
        r[0]: r[1:]
        for r in st.con.execute("SELECT external_id, passage_id, text, context, embedding FROM passages").fetchall()
    }


def test_title_context_embeds_title_and_text_but_stores_the_text_and_id_unchanged(tmp_path, hash_embedder):
    path = write_jsonl(tmp_path / "p.jsonl", ROWS)
    with Store(str(tmp_path / "plain.duckdb")) as st:
        ingest_passages(st, path, hash_embedder)
        plain = stored(st)
    with Store(str(tmp_path / "titled.duckdb")) as st:
        ingest_passages(st, path, hash_embedder, title_context=True)
        withtitle = stored(st)
    for rid in ("S1", "S2", "S3"):
        assert withtitle[rid][0] == plain[rid][0] and withtitle[rid][1] == plain[rid][1]  # id, text
    assert plain["S1"][2] is None and withtitle["S1"][2] == "Polar bear"
    assert withtitle["S3"][2] is None  # no title: the text alone, as before
    expect = hash_embedder.passages(["Polar bear: " + ROWS[0]["text"], ROWS[2]["text"]])
    assert np.allclose(withtitle["S1"][3], expect[0], atol=1e-6)
    assert np.allclose(withtitle["S3"][3], expect[1], atol=1e-6)
    assert np.allclose(plain["S1"][3], hash_embedder.passages([ROWS[0]["text"]])[0], atol=1e-6)


def test_bm25_finds_a_passage_by_its_title_only_with_title_context(tmp_path, hash_embedder):
    path = write_jsonl(tmp_path / "p.jsonl", ROWS)
    found = {}
    for name, flag in (("plain", False), ("titled", True)):
        with Store(str(tmp_path / f"{name}.duckdb")) as st:
            ingest_passages(st, path, hash_embedder, title_context=flag)
            hits = Retriever(st, hash_embedder, mode="bm25").search(["polar bear"], k=3, languages=["en"])[0]
            found[name] = [h.passage.external_id for h in hits]
            if flag:
                assert hits[0].passage.context == "Polar bear"  # read back with the hit
                assert hits[0].passage.text == ROWS[0]["text"]  # evidence shown is the text alone
    assert "S1" not in found["plain"]
    assert found["titled"][0] == "S1"


def test_a_rows_own_context_is_used_and_wins_over_the_title(tmp_path, hash_embedder):
    rows = [dict(ROWS[0], context="Ursus maritimus")]
    with Store(str(tmp_path / "s.duckdb")) as st:
        ingest_passages(st, write_jsonl(tmp_path / "p.jsonl", rows), hash_embedder, title_context=True)
        _, _, context, vec = stored(st)["S1"]
    assert context == "Ursus maritimus"
    assert np.allclose(vec, hash_embedder.passages(["Ursus maritimus: " + ROWS[0]["text"]])[0], atol=1e-6)
    with Store(str(tmp_path / "noflag.duckdb")) as st:  # a row's context needs no flag (nightly loads)
        ingest_passages(st, tmp_path / "p.jsonl", hash_embedder)
        assert stored(st)["S1"][2] == "Ursus maritimus"


def test_with_title_context_leaves_passages_that_already_start_with_their_title():
    scifact_like = Passage(text="Polar bear\nIt is the largest land carnivore.", source_title="Polar bear")
    assert with_title_context(scifact_like) is scifact_like
    assert with_title_context(Passage(text="No title here.")).context == ""
    p = with_title_context(Passage(text="It hunts seals.", source_title=" Polar bear ", source_url="u"))
    assert p.context == "Polar bear" and p.indexed_text == "Polar bear: It hunts seals."
    assert p.id == Passage(text="It hunts seals.", source_url="u").id


def test_documents_take_title_context_from_their_front_matter(tmp_path, hash_embedder):
    doc = tmp_path / "bears.md"
    doc.write_text(
        "---\ntitle: Polar bear\nurl: https://example.org/bears\nlanguage: en\n---\n\n"
        "It is the largest land carnivore. It feeds mainly on seals.\n",
        encoding="utf-8",
    )
    with Store(str(tmp_path / "s.duckdb")) as st:
        ingest_file(st, doc, hash_embedder, title_context=True)
        rows = st.con.execute("SELECT text, context FROM passages").fetchall()
    assert rows and all(c == "Polar bear" and not t.startswith("Polar bear") for t, c in rows)


def test_reembedding_keeps_reading_passages_under_their_context(tmp_path, hash_embedder):
    from sources.embed import HashEmbedder

    class Other(HashEmbedder):
        name = "test/other-hash@1"

        def passages(self, texts):
            return super().passages([t.upper() for t in texts])

    with Store(str(tmp_path / "s.duckdb")) as st:
        ingest_passages(st, write_jsonl(tmp_path / "p.jsonl", ROWS), hash_embedder, title_context=True)
        other = Other()
        report = reembed_store(st, other)
        assert report.reembedded == 3
        vec = stored(st)["S1"][3]
    assert np.allclose(vec, other.passages(["Polar bear: " + ROWS[0]["text"]])[0], atol=1e-6)


def test_a_store_written_before_v8_migrates_and_keeps_its_passages(tmp_path, hash_embedder):
    db = str(tmp_path / "old.duckdb")
    with Store(db) as st:
        ingest_passages(st, write_jsonl(tmp_path / "p.jsonl", ROWS), hash_embedder)
        before = st.con.execute("SELECT passage_id, text, embedding FROM passages ORDER BY 1").fetchall()
        st.con.execute("ALTER TABLE passages DROP COLUMN context")  # as a v7 store has it
        st.con.execute("DELETE FROM schema_version WHERE version = 8")
    with Store(db) as st:  # a writable open migrates it
        assert st.schema_version() == SCHEMA_VERSION >= 8
        after = st.con.execute("SELECT passage_id, text, embedding FROM passages ORDER BY 1").fetchall()
        assert after == before
        assert st.con.execute("SELECT count(*) FROM passages WHERE context IS NOT NULL").fetchone()[0] == 0
        hits = Retriever(st, hash_embedder, mode="hybrid").search(["sea ice extent"], k=2, languages=["en"])[0]
        assert hits[0].passage.external_id == "S2" and hits[0].passage.context == ""


def test_eval_titled_set_is_another_store_only_when_a_title_applies():
    q = (RetrievalQuery("q1", "bears hunt seals", frozenset({"S1"}), "en"),)
    with_titles = RetrievalSet(
        "x", "src", (Passage(text="It hunts seals.", source_title="Polar bear", external_id="S1"),), q
    )
    without = RetrievalSet("x", "src", (Passage(text="It hunts seals.", external_id="S1"),), q)
    assert titled(with_titles).fingerprint() != with_titles.fingerprint()
    assert titled(without).fingerprint() == without.fingerprint()
    assert titled(with_titles).passages[0].indexed_text == "Polar bear: It hunts seals."


@pytest.mark.parametrize("flag", [True, False])
def test_cli_ingest_title_context(tmp_path, flag):
    from click.testing import CliRunner

    from cli.main import cli

    db = str(tmp_path / "s.duckdb")
    args = ["store", "ingest", str(write_jsonl(tmp_path / "p.jsonl", ROWS)), "--db", db, "--embedder", "hash"]
    res = CliRunner().invoke(cli, args + (["--title-context"] if flag else []))
    assert res.exit_code == 0, res.output
    with Store(db, read_only=True) as st:
        contexts = dict(st.con.execute("SELECT external_id, context FROM passages").fetchall())
    assert contexts == (
        {"S1": "Polar bear", "S2": "Arctic sea ice decline", "S3": None}
        if flag
        else {"S1": None, "S2": None, "S3": None}
    )
    stats = CliRunner().invoke(cli, ["store", "stats", "--db", db])
    assert json.loads(stats.output)["with_context"] == (2 if flag else 0)
