"""Write one article's claims, verdicts and evidence links into the store, all or nothing.

Rows are keyed by (id, run_id); writing the same article in the same run again replaces its rows,
so a rerun never duplicates anything.
"""

from __future__ import annotations

import json
from typing import Callable, Sequence

from claims.model import Article, Claim
from sources import tables_runs
from sources.store import Store, now
from verdicts.export import _plain, claim_to_dict
from verdicts.model import Verdict


def save_article(
    store: Store,
    run_id: str,
    article: Article,
    claims: Sequence[Claim],
    verdicts: Sequence[Verdict],
    *,
    also: Callable[[object], None] | None = None,
) -> None:
    """`also(con)`, when given, runs in the same transaction (e.g. to mark the article done in a run plan)."""
    created = now()
    with store.transaction() as con:
        tables_runs.delete_article_rows(con, article.id, run_id)
        tables_runs.insert_articles(con, [_article_row(article, run_id)])
        tables_runs.insert_claims(con, _claim_rows(claims, run_id))
        verdict_rows, link_rows = _verdict_and_link_rows(verdicts, run_id, created)
        tables_runs.insert_verdicts(con, verdict_rows)
        tables_runs.insert_evidence_links(con, link_rows)
        if also is not None:
            also(con)


def _article_row(article: Article, run_id: str) -> tuple:
    """The article's row for the `articles` table."""
    return (
        article.id,
        run_id,
        article.content_hash,
        article.title,
        article.url,
        article.language,
        article.published,
        article.path,
        article.text,
    )


def _claim_rows(claims: Sequence[Claim], run_id: str) -> list[tuple]:
    """One `claims` row per distinct claim id (the last claim of each id wins, in first-seen order)."""
    return [
        (
            c.id,
            run_id,
            c.article_id,
            c.text,
            c.span.start,
            c.span.end,
            c.type.value,
            c.language,
            c.checkworthy,
            c.checkable,
            c.extractor,
            json.dumps(claim_to_dict(c), ensure_ascii=False),
        )
        for c in {c.id: c for c in claims}.values()
    ]


def _verdict_and_link_rows(verdicts: Sequence[Verdict], run_id: str, created) -> tuple[list[tuple], list[tuple]]:
    """The `verdicts` rows (one per distinct verdict id) and their `evidence_links` rows (one per passage)."""
    verdict_rows, link_rows = [], []
    for v in {v.id: v for v in verdicts}.values():
        verdict_rows.append(
            (
                v.id,
                run_id,
                v.claim.id,
                v.claim.article_id,
                v.label.value,
                v.confidence,
                v.review.needed,
                json.dumps(list(v.review.reasons), ensure_ascii=False),
                v.explanation,
                json.dumps(_plain(v.provenance), ensure_ascii=False),
                created,
            )
        )
        link_rows.extend(
            (
                v.id,
                run_id,
                e.rank,
                e.passage_id,
                e.retrieval_score,
                e.stance.value,
                e.stance_score,
                e.rule,
                e.explanation,
                e.load_id,
            )
            for e in {e.passage_id: e for e in v.evidence}.values()
        )
    return verdict_rows, link_rows
