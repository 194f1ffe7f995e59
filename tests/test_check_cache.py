"""factcheck check keeps its claims' vectors in the store's embedding cache: a second check of an article embeds
nothing it has embedded before, and gives the same verdicts."""

from sources.embed import HashEmbedder
from sources.ingest import ingest_passages
from sources.store import Store
from verdicts.batch import check_files


def test_a_second_check_of_an_article_embeds_only_what_is_new(tmp_path, seed_dir, monkeypatch):
    db = str(tmp_path / "s.duckdb")
    with Store(db) as st:
        ingest_passages(st, seed_dir / "passages.jsonl", HashEmbedder())
    embedded: list[str] = []
    plain = HashEmbedder.queries
    monkeypatch.setattr(HashEmbedder, "queries", lambda self, texts: (embedded.extend(texts), plain(self, texts))[1])
    article = str(seed_dir / "article.md")
    first = check_files([article], db, embedder="hash")
    assert embedded  # the claims were embedded once
    embedded.clear()
    second = check_files([article], db, embedder="hash")
    assert embedded == []  # ... and read from the store the second time
    labels = [
        [(v.claim.text, v.label, v.confidence) for v in r.verdicts] for r in (first.results[0], second.results[0])
    ]
    assert labels[0] == labels[1] and labels[0]
