"""Write one article's claims, verdicts and evidence links into the store, all or nothing.

Rows are keyed by (id, run_id); writing the same article in the same run again replaces its rows,
so a rerun never duplicates anything.
"""
from __future__ import annotations

import json
from typing import Callable, Sequence

from claims.model import Article, Claim
from sources.store import Store, now
from verdicts.export import _plain, claim_to_dict
from verdicts.model import Verdict


def save_article(store: Store, run_id: str, article: Article, claims: Sequence[Claim], verdicts: Sequence[Verdict],
                 *, also: Callable[[object], None] | None = None) -> None:
    """`also(con)`, when given, runs in the same transaction (e.g. to mark the article done in a run plan)."""
    created = now()
    with store.transaction() as con:
        for table in ("evidence_links", "verdicts", "claims", "articles"):
            key = "verdict_id IN (SELECT verdict_id FROM verdicts WHERE article_id = ? AND run_id = ?) AND run_id = ?" \
                if table == "evidence_links" else "article_id = ? AND run_id = ?"
            params = [article.id, run_id, run_id] if table == "evidence_links" else [article.id, run_id]
            con.execute(f"DELETE FROM {table} WHERE {key}", params)
        con.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [article.id, run_id, article.content_hash, article.title, article.url, article.language,
             article.published, article.path, article.text],
        )
        _insert_rows(con, "claims", [
            (c.id, run_id, c.article_id, c.text, c.span.start, c.span.end, c.type.value, c.language,
             c.checkworthy, c.checkable, c.extractor, json.dumps(claim_to_dict(c), ensure_ascii=False))
            for c in {c.id: c for c in claims}.values()
        ])
        verdict_rows, link_rows = [], []
        for v in {v.id: v for v in verdicts}.values():
            verdict_rows.append(
                (v.id, run_id, v.claim.id, v.claim.article_id, v.label.value, v.confidence, v.review.needed,
                 json.dumps(list(v.review.reasons), ensure_ascii=False), v.explanation,
                 json.dumps(_plain(v.provenance), ensure_ascii=False), created))
            link_rows.extend((v.id, run_id, e.rank, e.passage_id, e.retrieval_score, e.stance.value, e.stance_score,
                              e.rule, e.explanation, e.load_id) for e in {e.passage_id: e for e in v.evidence}.values())
        _insert_rows(con, "verdicts", verdict_rows)
        _insert_rows(con, "evidence_links", link_rows)
        if also is not None:
            also(con)


def _insert_rows(con, table: str, rows: list[tuple], chunk: int = 500) -> None:
    """Insert rows with one multi-row INSERT per `chunk` rows: DuckDB's executemany runs a statement per row,
    which for an article's few hundred evidence links took longer than checking it (measured)."""
    for i in range(0, len(rows), chunk):
        part = rows[i:i + chunk]
        one = "(" + ", ".join("?" * len(part[0])) + ")"
        con.execute(f"INSERT INTO {table} VALUES " + ", ".join([one] * len(part)), [x for row in part for x in row])
