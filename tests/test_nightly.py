"""The nightly flow under prefect_test_harness, with the fast hash embedder and real DuckDB files.

What a desk would notice: a second night verifies nothing that did not change; a changed article and
an article whose evidence changed are verified again and the flipped verdict is reported with the
evidence that flipped it; one bad article is reported and the rest finish; two nights on one store
never run at once; the Dask and Ray runners give the same verdicts as the default runner.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from sources.embed import HashEmbedder
from sources.ingest import ingest_passages
from sources.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed"
ABBAS = "87 år gamle Abbas har sittet på overtid siden 2009 og har siden nektet å holde valg."


def seed_paragraphs() -> list[str]:
    body = (SEED / "article.md").read_text(encoding="utf-8").split("---", 2)[2]
    return [p.strip() for p in body.split("\n\n") if len(p.strip()) > 60]


def make_inbox(folder: Path, n: int = 6) -> Path:
    """n small Norwegian articles cut from the seed article; art-00 holds the Abbas age claim."""
    folder.mkdir(parents=True, exist_ok=True)
    paras = [p for p in seed_paragraphs() if p != ABBAS]
    for i in range(n):
        text = ABBAS if i == 0 else "\n\n".join(paras[(2 * i + j) % len(paras)] for j in range(2))
        (folder / f"a{i:02d}.md").write_text(
            f"---\nid: art-{i:02d}\ntitle: Artikkel {i}\nlanguage: nb\npublished: 2024-04-30\n---\n\n{text}\n",
            encoding="utf-8",
        )
    return folder


def split_sources(tmp: Path) -> tuple[Path, Path]:
    """The seed passages without those giving Abbas's birth date, and those passages on their own."""
    rows = (SEED / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    birth = [r for r in rows if "1935" in json.loads(r)["text"]]
    base, extra = tmp / "base.jsonl", tmp / "births.jsonl"
    base.write_text("\n".join(r for r in rows if r not in birth) + "\n", encoding="utf-8")
    extra.write_text("\n".join(birth) + "\n", encoding="utf-8")
    assert birth
    return base, extra


def normalise(report: str) -> str:
    return re.sub(r"run-\d{8}T\d{6}-[0-9a-f]{8}", "RUN", report)


@pytest.fixture(scope="module")
def harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=240):  # the default 30 s is too little on a busy machine
        yield


@pytest.fixture
def store_db(tmp_path) -> tuple[str, Path]:
    base, extra = split_sources(tmp_path)
    db = str(tmp_path / "store.duckdb")
    with Store(db) as st:
        ingest_passages(st, base, HashEmbedder())
    return db, extra


def rows(db: str, sql: str, params=()):
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_nights_are_incremental_and_report_changed_verdicts_with_their_evidence(harness, tmp_path, store_db):
    from flows.nightly import nightly

    db, births = store_db
    inbox = make_inbox(tmp_path / "inbox")
    out = tmp_path / "out"
    first = nightly([str(inbox)], db, out_dir=str(out), embedder="hash")
    assert first.articles["new"] == 6 and first.articles["failed"] == 0 and first.previous_run_id is None
    assert (out / "night-report.md").read_text(encoding="utf-8") == first.report
    abbas_before = rows(
        db,
        "SELECT v.label FROM verdicts v JOIN claims c USING (claim_id, run_id) "
        "WHERE v.article_id = 'art-00' AND c.text LIKE '%87 år%'",
    )
    assert abbas_before and abbas_before[0][0] != "REFUTED"

    second = nightly([str(inbox)], db, embedder="hash")
    assert second.articles["unchanged"] == 6 and second.articles["new"] == 0
    assert second.previous_run_id == first.run_id
    assert "No verdict changed." in second.report
    assert rows(db, "SELECT count(*) FROM articles WHERE run_id = ?", [second.run_id]) == [(0,)]  # nothing redone

    # The store learns Abbas's birth date (a new source file), and one article is edited.
    (inbox / "a03.md").write_text(
        (inbox / "a03.md").read_text(encoding="utf-8") + "\nNy setning om Gaza i 2024.\n", encoding="utf-8"
    )
    third = nightly([str(inbox)], db, sources=[str(births)], out_dir=str(out), embedder="hash")
    assert third.ingest and third.ingest.added > 0
    plan = dict(rows(db, "SELECT article_id, reason FROM run_articles WHERE run_id = ?", [third.run_id]))
    assert plan["art-00"] == "evidence" and plan["art-03"] == "changed"
    unchanged = {a for a, r in plan.items() if r == "unchanged"}
    assert len(unchanged) >= 2 and unchanged | {a for a, r in plan.items() if r == "evidence"} == {
        "art-00",
        "art-01",
        "art-02",
        "art-04",
        "art-05",
    }  # only the edited article is "changed"
    assert rows(db, "SELECT count(*) FROM articles WHERE run_id = ?", [third.run_id]) == [(6 - len(unchanged),)]
    assert third.changed >= 1
    report = third.report
    assert re.search(r"^### NOT_ENOUGH_EVIDENCE( \(review\))? → REFUTED( \(review\))?: .*87 år", report, re.M), report
    section = report.split("## Verdicts changed since the previous run")[1]
    assert "Re-verified because new passage" in section
    assert "+ **refutes**" in section and "1935" in section  # the evidence that changed it
    first_flagged = report.split("## Flagged for review")[1].splitlines()[4]  # highest priority first
    assert first_flagged.startswith("| 1 |") and "REFUTED" in first_flagged and "87 år" in first_flagged

    # Run history with counts, durations, model and code versions; carried verdicts are not copied.
    from nightly.runs import history

    with Store(db, read_only=True) as st:
        hist = history(st)
    assert [h["run_id"] for h in hist] == [third.run_id, second.run_id, first.run_id]
    h = hist[0]
    assert h["status"] == "done" and h["articles_evidence"] == 5 - len(unchanged) and h["articles_changed"] == 1
    assert h["articles_carried"] == len(unchanged) and h["verdicts_changed"] == third.changed
    assert h["models"][0]["name"] == HashEmbedder.name and h["code_version"] and h["durations"]["verify"] >= 0
    assert rows(
        db, "SELECT count(*) FROM (SELECT verdict_id, run_id FROM verdicts GROUP BY ALL HAVING count(*) > 1)"
    ) == [(0,)]


def test_retired_evidence_triggers_reverification(harness, tmp_path):
    from flows.ingest import ingest_sources
    from flows.nightly import nightly

    db = str(tmp_path / "s.duckdb")
    src = tmp_path / "refs.jsonl"
    src.write_text((SEED / "passages.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    first = ingest_sources([str(src)], db, embedder="hash")
    assert first.added == 103
    assert ingest_sources([str(src)], db, embedder="hash").unchanged == [str(src)]  # same bytes: skipped
    inbox = make_inbox(tmp_path / "inbox", 2)
    nightly([str(inbox)], db, embedder="hash")
    used = rows(
        db,
        "SELECT DISTINCT e.passage_id FROM evidence_links e JOIN verdicts v USING (verdict_id, run_id) "
        "WHERE v.article_id = 'art-00'",
    )
    assert used
    text_of = {p: t for p, t in rows(db, "SELECT passage_id, text FROM passages")}
    kept = [
        line for line in src.read_text(encoding="utf-8").splitlines() if json.loads(line)["text"] != text_of[used[0][0]]
    ]
    src.write_text("\n".join(kept) + "\n", encoding="utf-8")  # the source file changed: one passage gone
    changed = ingest_sources([str(src)], db, embedder="hash")
    assert changed.retired == 1 and changed.added == 0
    night = nightly([str(inbox)], db, embedder="hash")
    plan = dict(
        rows(
            db,
            "SELECT article_id, reason || ': ' || coalesce(detail, '') FROM run_articles WHERE run_id = ?",
            [night.run_id],
        )
    )
    assert plan["art-00"].startswith("evidence: evidence passage") and "removed" in plan["art-00"]


def test_one_failing_article_is_reported_and_retried_next_night(harness, tmp_path, store_db, monkeypatch):
    import verdicts.pipeline
    from flows.nightly import nightly
    from verdicts import batch as verify

    db, _ = store_db
    inbox = make_inbox(tmp_path / "inbox", 4)
    (inbox / "broken.md").write_bytes(b"\x00\x01binary")
    real = verdicts.pipeline.check_article

    def flaky(article, *a, **kw):
        if article.id == "art-02":
            raise RuntimeError("extractor crashed")
        return real(article, *a, **kw)

    monkeypatch.setattr(verify, "check_article", flaky)
    night = nightly([str(inbox)], db, embedder="hash")
    assert night.articles["new"] == 3 and night.articles["failed"] == 2
    where = dict(night.failures)
    assert "extractor crashed" in where[str(inbox / "a02.md")]
    assert any(k.endswith("broken.md") for k in where)
    assert "## Articles that could not be checked" in night.report
    monkeypatch.setattr(verify, "check_article", real)
    again = nightly([str(inbox)], db, embedder="hash")
    plan = dict(
        rows(db, "SELECT article_id, reason FROM run_articles WHERE run_id = ? AND status = 'done'", [again.run_id])
    )
    assert plan == {"art-02": "new"}


def test_a_second_night_on_the_same_store_waits_then_refuses(harness, tmp_path, store_db):
    import time

    from claims.errors import FactcheckError
    from flows.nightly import nightly
    from nightly.runs import NightlyLock

    db, _ = store_db
    inbox = make_inbox(tmp_path / "inbox", 1)
    with NightlyLock(db):
        started = time.monotonic()
        with pytest.raises(FactcheckError) as err:
            nightly([str(inbox)], db, embedder="hash", wait_s=1.0)
        assert time.monotonic() - started >= 1.0  # it waited before refusing
    assert err.value.code == "FC401" and "another nightly run" in str(err.value) and "--wait" in str(err.value)
    assert err.value.transient
    assert rows(db, "SELECT count(*) FROM nightly_runs") == [(0,)]  # nothing was written
    assert nightly([str(inbox)], db, embedder="hash").articles["new"] == 1  # free again


@pytest.mark.parametrize(
    "runner, package, extra",
    [
        ("dask", "prefect_dask", "dask"),
        ("ray", "prefect_ray", "ray"),  # ~300 MB installed, so only in the `ray` extra, not in `test`
    ],
)
def test_cluster_runners_give_the_same_verdicts_as_the_default_runner(
    harness, tmp_path, store_db, runner, package, extra
):
    pytest.importorskip(package, reason=f"the {runner} runner needs {package}: pip install -e '.[{extra}]'")
    import shutil

    from flows.nightly import nightly

    db, _ = store_db
    db2 = str(tmp_path / "copy.duckdb")
    shutil.copyfile(db, db2)
    inbox = make_inbox(tmp_path / "inbox", 4)
    default = nightly([str(inbox)], db, embedder="hash")
    fanned = nightly([str(inbox)], db2, embedder="hash", task_runner=runner, workers=2)  # a local 2-worker cluster
    q = "SELECT article_id, claim_id, verdict_id, label FROM verdicts ORDER BY ALL"
    assert rows(db, q) and rows(db, q) == rows(db2, q)
    assert normalise(default.report) == normalise(fanned.report)
    assert rows(db2, "SELECT task_runner FROM nightly_runs") == [(runner,)]
    assert not Path(f"{db2}.snapshots/{fanned.run_id}.duckdb").exists()  # the workers' snapshot is gone


def test_a_missing_cluster_runner_package_is_a_coded_error_naming_the_fix(harness, tmp_path, store_db, monkeypatch):
    import sys

    from claims.errors import FactcheckError
    from flows.nightly import nightly

    db, _ = store_db
    inbox = make_inbox(tmp_path / "inbox", 1)
    monkeypatch.setitem(sys.modules, "prefect_ray", None)  # as if prefect-ray were not installed
    with pytest.raises(FactcheckError) as err:
        nightly([str(inbox)], db, embedder="hash", task_runner="ray")
    assert err.value.code == "FC403" and "pip install 'factcheck[ray]'" in str(err.value)
    assert rows(db, "SELECT count(*) FROM nightly_runs") == [(0,)]


def test_embeddings_are_cached_by_content(tmp_path):
    import numpy as np

    from sources.embed_cache import CachingEmbedder, save_cached

    class Counting(HashEmbedder):
        calls = 0

        def queries(self, texts):
            Counting.calls += len(texts)
            return super().queries(texts)

    with Store(str(tmp_path / "c.duckdb")) as st:
        first = CachingEmbedder(Counting(), st)
        a = first.queries(["en setning", "en annen", "en setning"])
        assert Counting.calls == 2 and np.array_equal(a[0], a[2])
        with st.transaction() as con:
            save_cached(con, first.name, first.take_pending())
        second = CachingEmbedder(Counting(), st)
        b = second.queries(["en annen", "en setning", "ny tekst"])
        assert Counting.calls == 3 and second.hits == 2  # only "ny tekst" was embedded
        assert np.allclose(b[0], a[1]) and np.allclose(b[1], a[0])
        assert first.name == HashEmbedder.name  # stores and retrievers cannot tell it apart


def test_diff_and_priority():
    from nightly.changes import EvidenceRecord, VerdictRecord, diff_verdicts, review_priority

    def v(claim, label, conf=0.8, review=False, ev=(), text=None, cw=0.5):
        return VerdictRecord(
            f"v-{claim}-{label}", "r", claim, "a", "A", text or claim, (0, 1), cw, label, conf, review, (), tuple(ev)
        )

    e1 = EvidenceRecord("p1", "neutral", 0.5, 0.9, "", "u", "t", "x")
    e2 = EvidenceRecord("p2", "refutes", 0.9, 0.9, "age", "u", "t", "born 1935")
    before = [v("c1", "NOT_ENOUGH_EVIDENCE", ev=[e1]), v("c2", "SUPPORTED"), v("c3", "SUPPORTED", text="moved")]
    after = [v("c1", "REFUTED", ev=[e1, e2]), v("c2", "SUPPORTED"), v("c9", "REFUTED", text="moved")]
    changes = diff_verdicts(before, after)
    assert [(c.before.claim_id, c.after.claim_id) for c in changes] == [("c1", "c1"), ("c3", "c9")]
    assert changes[0].added == (e2,) and changes[0].removed == ()
    ranked = sorted(
        [
            v("s", "SUPPORTED", 0.4),
            v("n", "NOT_ENOUGH_EVIDENCE", 0.9),
            v("r", "REFUTED", 0.9),
            v("c", "CONFLICTING", 0.5),
        ],
        key=review_priority,
        reverse=True,
    )
    assert [x.claim_id for x in ranked] == ["r", "c", "n", "s"]


def test_a_night_with_a_verifier_records_it_and_asks_it(harness, tmp_path, store_db, monkeypatch):
    import numpy as np

    import verdicts.entail
    from flows.nightly import nightly

    class Fake:
        name, version, languages = "fake-verifier", "n1", None

        def __init__(self):
            self.pairs = 0

        def warm_up(self):
            pass

        def predict(self, claims, evidence, batch_size=32):
            self.pairs += len(claims)
            return np.tile([0.2, 0.1, 0.7], (len(claims), 1))

    import dataclasses

    from verdicts.decide import DecideConfig

    fake = Fake()
    monkeypatch.setattr(verdicts.entail, "get_verifier", lambda spec=None: fake if spec == "fake" else None)
    loaded = DecideConfig.load()  # the hash embedder's cosines are low: let the verifier read every hit
    monkeypatch.setattr(
        DecideConfig,
        "load",
        classmethod(
            lambda cls, path=None: dataclasses.replace(loaded, verifier_min_similarity=-1.0, rule_min_similarity=-1.0)
        ),
    )
    db, _ = store_db
    summary = nightly([str(make_inbox(tmp_path / "inbox", 2))], db, embedder="hash", verifier="fake")
    assert fake.pairs > 0
    params = json.loads(rows(db, "SELECT params FROM runs WHERE run_id = ?", [summary.run_id])[0][0])
    assert params["verifier"] == "fake"
    assert any(
        "fake-verifier" in str(r) for r in rows(db, "SELECT models FROM runs WHERE run_id = ?", [summary.run_id])
    )
