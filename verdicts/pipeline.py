"""The library function behind a check: article -> claims -> evidence -> verdicts.

Flows call this per article; it does no I/O of its own beyond the retriever's reads.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from claims.extract import extract_claims
from claims.model import Article, Claim
from claims.segment import split_sentences
from sources.retrieve import Retriever
from verdicts.decide import DecideConfig, decide
from verdicts.model import Provenance, Verdict


@dataclass(frozen=True, slots=True)
class ArticleResult:
    article: Article
    claims: tuple[Claim, ...]
    verdicts: tuple[Verdict, ...]
    warnings: tuple[str, ...] = ()


def claims_of(article: Article) -> list[Claim]:
    """The article's check-worthy claims, with spans into article.text."""
    sentences = split_sentences(article.text, article.language)
    return extract_claims(
        article.id, article.text, sentences, language=article.language, published=article.published
    )


def verify_claims(
    claims: Sequence[Claim],
    retriever: Retriever,
    provenance: Provenance,
    *,
    exclude_urls: Sequence[str] = (),
    k: int = 8,
    config: DecideConfig | None = None,
) -> list[Verdict]:
    """One verdict per claim; the evidence rows' load ids are added to each verdict's provenance."""
    if not claims:
        return []
    hit_lists = retriever.search([c.text for c in claims], k=k, exclude_urls=exclude_urls)
    verdicts = []
    for claim, hits in zip(claims, hit_lists):
        loads = tuple(sorted({h.load_id for h in hits if h.load_id}))
        verdicts.append(decide(claim, hits, provenance=replace(provenance, store_load_ids=loads), config=config))
    return verdicts


def check_article(
    article: Article,
    retriever: Retriever,
    provenance: Provenance,
    *,
    exclude_urls: Sequence[str] = (),
    k: int = 8,
    config: DecideConfig | None = None,
) -> ArticleResult:
    claims = claims_of(article)
    warnings = () if claims else (f"{article.path or article.id}: no check-worthy claims found",)
    excluded = tuple(exclude_urls) + ((article.url,) if article.url else ())
    verdicts = verify_claims(claims, retriever, provenance, exclude_urls=excluded, k=k, config=config)
    return ArticleResult(article, tuple(claims), tuple(verdicts), warnings)
