"""`factcheck eval verdicts` and eval.verdicts: metrics, ECE, adapters on the real files, the CLI end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eval.verdicts import LABELS, SETS, claims_file, ece, gold_label, load_set, score

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
needs_data = pytest.mark.skipif(not DATA.exists(), reason=f"no shared data at {DATA} (CI has it)")


def test_ece_against_a_hand_computed_example():
    conf = [0.95, 0.95, 0.65, 0.65, 0.15]
    right = [True, False, True, True, False]
    # bins: 0.9-1.0 |0.5-0.95|*2/5 = 0.18; 0.6-0.7 |1.0-0.65|*2/5 = 0.14; 0.1-0.2 |0-0.15|*1/5 = 0.03
    err, table = ece(conf, right)
    assert err == pytest.approx(0.35)
    assert [b["n"] for b in table] == [1, 2, 2]
    assert ece([1.0, 1.0], [True, True])[0] == 0.0  # confidence 1.0 falls in the last bin


def test_score_counts_per_label_and_confusion():
    gold = ["SUPPORTED", "SUPPORTED", "REFUTED", "NOT_ENOUGH_EVIDENCE"]
    pred = ["SUPPORTED", "REFUTED", "REFUTED", "SUPPORTED"]
    r = score(gold, pred, [0.9, 0.8, 0.7, 0.6])
    assert r["accuracy"] == 0.5
    assert r["per_label"]["SUPPORTED"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2, "predicted": 2}
    assert r["per_label"]["REFUTED"]["precision"] == 0.5 and r["per_label"]["REFUTED"]["recall"] == 1.0
    # macro-F1 over the labels that occur in gold: (0.5 + 0.6667 + 0) / 3
    assert r["macro_f1"] == pytest.approx(0.3889, abs=1e-4)
    assert r["confusion"]["SUPPORTED"]["REFUTED"] == 1 and "CONFLICTING" not in r["confusion"]


def test_gold_labels_map_onto_the_four():
    assert gold_label("SUPPORTS") == gold_label("Supported") == gold_label("SUPPORT") == "SUPPORTED"
    assert gold_label("CONTRADICT") == gold_label("Refuted") == "REFUTED"
    assert gold_label("NOT_ENOUGH_INFO") == gold_label("NOTENOUGHINFO") == "NOT_ENOUGH_EVIDENCE"
    assert gold_label("DISPUTED") == gold_label("Conflicting Evidence/Cherrypicking") == "CONFLICTING"
    with pytest.raises(Exception, match="FC741"):
        gold_label("MOSTLY TRUE")


# -- the CLI, generic way in ---------------------------------------------------------------------
PASSAGES = [
    {
        "id": "P1",
        "text": "The Oslo city council approved the new tram line to Fornebu in March.",
        "source_url": "https://example.org/tram",
    },
    {
        "id": "P2",
        "text": "Salmon exports from Norway reached a record value last year.",
        "source_url": "https://example.org/salmon",
    },
]
CLAIMS = [
    {
        "id": "c1",
        "claim": "The Oslo city council approved the new tram line to Fornebu in March.",
        "label": "SUPPORTED",
    },
    {"id": "c2", "claim": "Penguins can be seen at the zoo in winter afternoons.", "label": "NOT_ENOUGH_EVIDENCE"},
    {"id": "c3", "claim": "Salmon exports from Norway reached a record value last year.", "label": "REFUTED"},
]


def _write(path: Path, rows) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def test_cli_generic_claims_against_an_ingested_store(tmp_path):
    from cli.main import cli

    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    res = runner.invoke(
        cli, ["store", "ingest", _write(tmp_path / "p.jsonl", PASSAGES), "--db", db, "--embedder", "hash"]
    )
    assert res.exit_code == 0, res.output
    out = tmp_path / "report.json"
    res = runner.invoke(
        cli,
        [
            "eval",
            "verdicts",
            "--claims",
            _write(tmp_path / "c.jsonl", CLAIMS),
            "--db",
            db,
            "--embedder",
            "hash",
            "--out",
            str(out),
            "--per-claim",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "accuracy" in res.stdout and "confusion" in res.stdout
    report = json.loads(out.read_text())
    got = {c["id"]: c["label"] for c in report["claims"]}
    assert got == {"c1": "SUPPORTED", "c2": "NOT_ENOUGH_EVIDENCE", "c3": "SUPPORTED"}
    assert report["n"] == 3 and report["accuracy"] == pytest.approx(2 / 3, abs=1e-3)
    assert report["confusion"]["REFUTED"]["SUPPORTED"] == 1
    assert 0 <= report["ece"] <= 1 and report["verifier"] == "none"


def test_cli_refuses_claims_without_a_store_and_bad_labels(tmp_path):
    from cli.main import cli

    runner = CliRunner()
    path = _write(tmp_path / "c.jsonl", CLAIMS)
    assert runner.invoke(cli, ["eval", "verdicts", "--claims", path]).exit_code == 2
    bad = _write(tmp_path / "bad.jsonl", [{"id": "x", "claim": "Something happened.", "label": "HALF TRUE"}])
    res = runner.invoke(cli, ["eval", "verdicts", "--claims", bad, "--db", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 1 and "FC741" in res.output
    with pytest.raises(Exception, match="FC744"):
        claims_file(_write(tmp_path / "empty.jsonl", [{"id": "x", "label": "SUPPORTED"}]))


# -- adapters on the real files --------------------------------------------------------------------
@needs_data
@pytest.mark.parametrize("name", SETS)
def test_each_adapter_reads_its_data_set(name):
    eset = load_set(name, DATA)
    assert eset.claims and all(c.label in LABELS for c in eset.claims)
    assert all(c.text.strip() for c in eset.claims[:50])
    if name == "vitaminc":
        assert eset.pairs and eset.claims[0].evidence.text
    else:
        assert eset.passages and not eset.pairs
    if name == "seed":
        assert len(eset.claims) == 36


@needs_data
@pytest.mark.parametrize("name", ["climate-fever", "averitec"])
def test_held_out_fold_and_training_folds_do_not_overlap(name):
    held = {c.id for c in load_set(name, DATA, "heldout").claims}
    train = {c.id for c in load_set(name, DATA, "train").claims}
    everything = {c.id for c in load_set(name, DATA, "all").claims}
    assert held and train and not held & train and held | train == everything
    assert 0.15 < len(held) / len(everything) < 0.25
    reserved = {c.id for c in load_set(name, DATA, "aggregate").claims}
    assert reserved and reserved <= train and not reserved & held


@needs_data
@pytest.mark.parametrize("name", ["scifact", "check-covid"])
def test_the_aggregate_split_of_a_file_split_set_is_part_of_its_train_file(name):
    from eval.splits import reserved

    train = {c.id for c in load_set(name, DATA, "train").claims}
    agg = {c.id for c in load_set(name, DATA, "aggregate").claims}
    assert agg and agg < train and all(reserved(i) for i in agg)
    assert not agg & {c.id for c in load_set(name, DATA, "dev").claims}


@needs_data
def test_cli_end_to_end_on_a_real_data_set(tmp_path):
    """Check-COVID dev: the store built from its own corpus (hash embedder to stay fast), evidence retrieved."""
    from cli.main import cli

    out = tmp_path / "cc.json"
    res = CliRunner().invoke(
        cli,
        [
            "eval",
            "verdicts",
            "--dataset",
            "check-covid",
            "--limit",
            "6",
            "--embedder",
            "hash",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
            "--data",
            str(DATA),
        ],
    )
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text())
    assert report["set"] == "check-covid" and report["split"] == "dev" and report["n"] == 6
    assert report["store_passages"] == 347
    assert sum(sum(row.values()) for row in report["confusion"].values()) == 6
    assert list(Path(tmp_path / "work").glob("check-covid-*.duckdb"))


def test_a_cached_eval_store_of_an_older_schema_is_migrated_not_refused(tmp_path, hash_embedder):
    """The harness's own cached stores (~/.cache/factcheck/eval) outlive upgrades: an older one is
    migrated and reused, with nothing re-embedded."""
    from eval.verdicts import EvalClaim, EvalSet, build_store
    from sources.model import Passage
    from sources.store import SCHEMA_VERSION, Store

    eset = EvalSet(
        "t",
        "all",
        "src",
        (EvalClaim("c1", "Polar bears hunt seals.", "SUPPORTED"),),
        (Passage(text="Polar bears hunt seals on the sea ice.", source_url="https://example.org/a"),),
    )
    db = tmp_path / "t.duckdb"
    build_store(eset, db, hash_embedder).close()
    with Store(str(db)) as st:  # as a store of schema v7 was
        st.con.execute("ALTER TABLE passages DROP COLUMN context")
        st.con.execute("DELETE FROM schema_version WHERE version = 8")
        loads = st.con.execute("SELECT count(*) FROM loads").fetchone()[0]
    store = build_store(eset, db, hash_embedder)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.con.execute("SELECT count(*) FROM loads").fetchone()[0] == loads
        assert store.con.execute("SELECT count(*) FROM passages").fetchone()[0] == 1
    finally:
        store.close()
