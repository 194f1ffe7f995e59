"""The filters' row metadata (sources/rowmeta.py): built in vectorised steps, it must say what a plain pass over
every row says; saved beside the index it must be used only for the rows it was built for, in their order."""

import datetime as dt
import json

import numpy as np

from sources.index import VectorIndex, index_dir
from sources.ingest import ingest_passages
from sources.retrieve import Filters, Retriever
from sources.rowmeta import NO_DATE, RowMeta, ids_digest, language_group, normalise_url
from sources.store import Store

URLS = [
    "https://www.nrk.no/nyheter/1/",
    "http://nrk.no/nyheter/1#kommentarer",
    "https://reuters.com:443/world/x",
    "https://www.reuters.com/world/x?id=3",
    "",
    "https://sub.ssb.no/statistikk",
    "  HTTPS://SSB.NO/a  ",
]
PUBLISHERS = ["nrk.no", "", "Reuters", "reuters.com", "www.vg.no", "", ""]
LANGS = ["nb", "nn", "en-GB", "", "und", "sv", "en"]


def rows(n):
    out = []
    for i in range(n):
        row = {"id": f"R{i}", "text": f"passage number {i} about gaza and oslo {i * 7}", "language": LANGS[i % 7]}
        if URLS[i % 7]:
            row["source_url"] = URLS[i % 7] + ("" if i < 7 else f"/{i % 11}")
        if PUBLISHERS[(i // 7) % 7]:
            row["publisher"] = PUBLISHERS[(i // 7) % 7]
        if i % 3:
            row["published_date"] = str(dt.date(2020, 1, 1) + dt.timedelta(days=17 * i))
        out.append(row)
    return out


def make_store(tmp_path, embedder, n=60, name="m.duckdb"):
    path = tmp_path / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows(n)))
    st = Store(str(tmp_path / name))
    ingest_passages(st, path, embedder)
    return st


def reference(st, ids):
    """What every row's URL, host, day and language group are, by a plain pass over the rows."""
    found = {
        r[0]: r[1:]
        for r in st.con.execute(
            "SELECT passage_id, coalesce(source_url, ''), coalesce(publisher, ''), published, "
            "coalesce(language, '') FROM passages"
        ).fetchall()
    }
    out = []
    for pid in ids:
        url, pub, day, lang = found[str(pid)]
        norm = normalise_url(url) if url else ""
        host = norm.split("/", 1)[0] if norm else normalise_url(pub) if pub else ""
        days = (day - dt.date(1970, 1, 1)).days if day else int(NO_DATE)
        out.append((norm, host, days, language_group(lang)))
    return out


def as_rows(meta):
    return [
        (str(meta.urls[u]), str(meta.hosts[h]), int(d), str(meta.langs[g]))
        for u, h, d, g in zip(meta.url_codes, meta.host_codes, meta.days, meta.lang_codes)
    ]


def test_built_metadata_says_what_a_pass_over_every_row_says(tmp_path, hash_embedder):
    with make_store(tmp_path, hash_embedder) as st:
        index = VectorIndex.for_store(st, hash_embedder.name, save=False)
        meta = RowMeta.build(st.con, index.ids)
        assert as_rows(meta) == reference(st, index.ids)
        assert [str(x) for x in np.asarray(index.ids)[meta.order]] == sorted(str(x) for x in index.ids)
        shuffled = np.asarray(index.ids, dtype=object)[np.random.default_rng(1).permutation(len(index))]
        assert as_rows(RowMeta.build(st.con, shuffled)) == reference(st, shuffled)  # any row order


def test_rows_of_url_and_source_mask(tmp_path, hash_embedder):
    with make_store(tmp_path, hash_embedder) as st:
        index = VectorIndex.for_store(st, hash_embedder.name, save=False)
        meta, ref = RowMeta.build(st.con, index.ids), reference(st, index.ids)
        target = ref[0][0]
        assert sorted(meta.rows_of_url("http://www." + target + "/")) == [
            i for i, r in enumerate(ref) if r[0] == target
        ]
        assert len(meta.rows_of_url("https://nowhere.example/x")) == 0 and len(meta.rows_of_url("")) == 0
        mask = meta.source_mask(["reuters.com", "ssb.no/a"])
        want = [r[1] == "reuters.com" or r[1].endswith(".reuters.com") or r[0] == "ssb.no/a" for r in ref]
        assert mask.tolist() == want and any(want)


def test_saved_metadata_is_reused_only_for_the_same_rows_in_the_same_order(tmp_path, hash_embedder):
    with make_store(tmp_path, hash_embedder, n=2100) as st:  # large enough for the index to be saved
        index = VectorIndex.for_store(st, hash_embedder.name)
        assert index.folder == index_dir(st)
        built = index.row_meta(st)
        assert (index.folder / "rows_meta.json").exists()
        loaded = VectorIndex.for_store(st, hash_embedder.name)
        assert loaded.built == "loaded"
        again = loaded.row_meta(st)
        assert isinstance(again.days, np.memmap) and as_rows(again) == as_rows(built)
        digest = ids_digest(loaded.ids)
        assert RowMeta.load(index.folder, loaded.fingerprint, digest, len(loaded)) is not None
        assert RowMeta.load(index.folder, (1, 2), digest, len(loaded)) is None  # other rows
        assert RowMeta.load(index.folder, loaded.fingerprint, ids_digest(loaded.ids[::-1]), len(loaded)) is None
        (index.folder / "rows_days.npy").write_bytes(b"not an array")
        assert RowMeta.load(index.folder, loaded.fingerprint, digest, len(loaded)) is None
        rebuilt = VectorIndex.for_store(st, hash_embedder.name).row_meta(st)  # damaged: built and saved again
        assert as_rows(rebuilt) == as_rows(built)
        assert RowMeta.load(index.folder, loaded.fingerprint, digest, len(loaded)) is not None


def test_filters_read_from_saved_metadata_match_a_fresh_build(tmp_path, hash_embedder):
    with make_store(tmp_path, hash_embedder, n=2100) as st:
        f = Filters(exclude_urls=(URLS[0],), deny_sources=("reuters.com",), since=dt.date(2021, 1, 1))
        first = Retriever(st, hash_embedder).search(["gaza oslo 70"], k=20, filters=f)
        assert (index_dir(st) / "rows_meta.json").exists()
        second = Retriever(st, hash_embedder).search(["gaza oslo 70"], k=20, filters=f)  # a new process would
        assert [h.passage.id for h in first[0]] == [h.passage.id for h in second[0]] and first[0]
        for h in second[0]:
            assert "reuters" not in h.passage.source_url and normalise_url(h.passage.source_url) != "nrk.no/nyheter/1"
            assert h.passage.published is None or h.passage.published >= dt.date(2021, 1, 1)


def test_bm25_rows_map_to_vector_rows_after_an_update(tmp_path, hash_embedder):
    """An updated index lists new passages after the old ones, out of id order: BM25's rows must still map."""
    with make_store(tmp_path, hash_embedder, n=2100) as st:
        r = Retriever(st, hash_embedder, threshold=100)
        r.search(["gaza"], k=3)
        more = tmp_path / "more.jsonl"
        more.write_text(
            "".join(json.dumps(dict(x, id=f"S{i}", text="zebra " + x["text"])) + "\n" for i, x in enumerate(rows(30)))
        )
        ingest_passages(st, more, hash_embedder)
        r2 = Retriever(st, hash_embedder, threshold=100)
        hits = r2.search(["zebra passage number 4"], k=5)[0]
        assert r2._index.built == "updated" and hits[0].passage.text.startswith("zebra")
        pos = {str(pid): i for i, pid in enumerate(r2._index.ids)}
        assert [pos[str(pid)] for pid in r2._lexical.ids] == list(r2._lex_to_vec)
