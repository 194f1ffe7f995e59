"""PriorMatcher's cache beside the store (`<db>.prior/`): a later open loads the vectors and BM25 index instead of
building them, finds exactly what a matcher without the cache finds, and never uses a stale or damaged cache."""

import random

import numpy as np
import pytest

from sources import prior, tables_prior
from sources.prior import PriorCheck, PriorMatcher, ingest_prior_checks, prior_dir
from sources.store import Store

WORDS = (
    "vaccine microchip election fraud border wall climate tax pension hospital nurse salary bridge tunnel "
    "oil price fuel wind farm whale ferry school teacher exam fish salmon farm wolf hunt king palace"
).split()
QUERIES = [
    "vaccine microchip in every school",
    "the wind farm killed a whale",
    "pension tax for nurses",
    "salmon farm price",
    "nothing of the kind zzz",
]


def checks(n: int, seed: int = 0) -> list[PriorCheck]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = rng.sample(WORDS, 6)
        out.append(
            PriorCheck(
                claim_text=" ".join(words),
                rating=rng.choice(["False", "True", "Misleading"]),
                url=f"https://fc.example/{seed}/{i}",
                title=" ".join(rng.sample(WORDS, 3)) if i % 3 else "",
                summary=" ".join(rng.sample(WORDS, 4)) if i % 2 else "",
            )
        )
    return out


def add(st: Store, found: list[PriorCheck], embedder) -> None:
    ingest_prior_checks(st, found, embedder, source_path=f"x{len(found)}.jsonl", source_hash=str(random.random()))


def ranked(st: Store, embedder, mode: str = "hybrid") -> tuple[str, list[list[PriorCheck]]]:
    """(how the matcher was warmed, what a fresh matcher ranks for QUERIES)."""
    m = PriorMatcher(st, embedder, mode=mode)
    m.warm_up()
    return m.built, m.rank(QUERIES, k=5)


def uncached(st: Store, embedder, mode: str = "hybrid") -> list[list[PriorCheck]]:
    saved, prior.CACHE_MIN = prior.CACHE_MIN, 10**9
    try:
        built, res = ranked(st, embedder, mode)
    finally:
        prior.CACHE_MIN = saved
    assert built == "built"
    return res


@pytest.fixture
def small_cache(monkeypatch):
    monkeypatch.setattr(prior, "CACHE_MIN", 10)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_the_cache_is_written_once_then_loaded_with_the_same_results(tmp_path, hash_embedder, small_cache, mode):
    db = str(tmp_path / "s.duckdb")
    with Store(db) as st:
        add(st, checks(40), hash_embedder)
        expected = uncached(st, hash_embedder, mode)
        assert not prior_dir(st).exists()  # the uncached matcher wrote nothing
        assert ranked(st, hash_embedder, mode) == ("built", expected)
        assert (prior_dir(st) / "vectors.npy").exists() and (prior_dir(st) / "bm25").is_dir()
        assert ranked(st, hash_embedder, mode) == ("loaded", expected)
    assert sum(len(r) for r in expected) > 10 and expected[0][0].score > 0
    with Store(db, read_only=True) as st:  # another process opening the store to search
        assert ranked(st, hash_embedder, mode) == ("loaded", expected)
        assert len(PriorMatcher(st, hash_embedder)) == 40


def test_small_and_in_memory_stores_write_no_cache(tmp_path, hash_embedder):
    with Store(str(tmp_path / "s.duckdb")) as st:
        add(st, checks(40), hash_embedder)  # under CACHE_MIN (2,000)
        assert ranked(st, hash_embedder)[0] == "built" and not prior_dir(st).exists()
    with Store(":memory:") as st:
        assert prior_dir(st) is None


def test_the_cache_is_rebuilt_when_checks_are_added_removed_or_get_a_summary(tmp_path, hash_embedder, small_cache):
    with Store(str(tmp_path / "s.duckdb")) as st:
        add(st, checks(40), hash_embedder)
        assert ranked(st, hash_embedder)[0] == "built"
        new = checks(5, seed=1)
        add(st, new, hash_embedder)
        built, res = ranked(st, hash_embedder)
        assert built == "built" and res == uncached(st, hash_embedder)
        assert len(PriorMatcher(st, hash_embedder)) == 45 and ranked(st, hash_embedder) == ("loaded", res)
        # as many checks as before, but one another: the fingerprint of the ids differs
        tables_prior.delete_checks(st.con, [new[0].id])
        add(st, checks(1, seed=2), hash_embedder)
        built, res = ranked(st, hash_embedder)
        assert built == "built" and res == uncached(st, hash_embedder)
        assert new[0].id not in {c.id for r in res for c in r}
        tables_prior.delete_checks(st.con, [new[1].id])
        assert ranked(st, hash_embedder) == ("built", uncached(st, hash_embedder))
        # a later load fills the summary of a check stored before v8: BM25 indexes it, so the cache is rebuilt
        bare = PriorCheck(claim_text="a ferry sank in the fjord", url="https://fc.example/ferry")
        add(st, [bare], hash_embedder)
        st.con.execute("UPDATE prior_checks SET summary = NULL WHERE check_id = ?", [bare.id])
        assert ranked(st, hash_embedder, "bm25")[0] == "built"
        tables_prior.fill_summaries(st.con, [("a rumour about the zyxwvut", bare.id)])
        built, res = ranked(st, hash_embedder, "bm25")
        assert built == "built" and res == uncached(st, hash_embedder, "bm25")
        found = PriorMatcher(st, hash_embedder, mode="bm25").rank(["zyxwvut"], k=1)[0]
        assert [c.id for c in found] == [bare.id]  # found by the words of its summary


def damage(folder, what: str) -> None:
    if what == "meta":
        (folder / "meta.json").write_text("{not json")
    elif what == "vectors":
        (folder / "vectors.npy").write_bytes(b"\x93NUMPY garbage")
    elif what == "ids":
        (folder / "ids.npy").unlink()
    elif what == "bm25":
        data = folder / "bm25" / "data.csc.index.npy"
        data.write_bytes(data.read_bytes()[:100])
    elif what == "foreign":  # a cache another embedding model's checks made
        (folder / "meta.json").write_text((folder / "meta.json").read_text().replace("test/hash-bow@1", "other"))
    elif what == "wrong rows":  # meta.json right, but the vectors of other rows
        np.save(folder / "vectors.npy", np.zeros((3, 384), np.float32))
    elif what == "file":  # not a folder at all
        import shutil

        shutil.rmtree(folder)
        folder.write_text("x")


@pytest.mark.parametrize("what", ["meta", "vectors", "ids", "bm25", "foreign", "wrong rows", "file"])
def test_a_damaged_or_foreign_cache_is_ignored_and_rebuilt(tmp_path, hash_embedder, small_cache, what):
    with Store(str(tmp_path / "s.duckdb")) as st:
        add(st, checks(40), hash_embedder)
        expected = uncached(st, hash_embedder)
        assert ranked(st, hash_embedder)[0] == "built"
        damage(prior_dir(st), what)
        assert ranked(st, hash_embedder) == ("built", expected)
        assert ranked(st, hash_embedder) == ("loaded", expected)
        left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("s.duckdb.prior"))
        assert left == ["s.duckdb.prior"]  # no tmp or old folder left


def test_a_cache_that_cannot_be_written_does_not_stop_matching(tmp_path, hash_embedder, small_cache, monkeypatch):
    (tmp_path / "a-file").write_text("x")
    monkeypatch.setattr(prior, "prior_dir", lambda store: tmp_path / "a-file" / "s.duckdb.prior")
    with Store(str(tmp_path / "s.duckdb")) as st:
        add(st, checks(40), hash_embedder)
        expected = uncached(st, hash_embedder)
        assert ranked(st, hash_embedder) == ("built, not saved", expected)
