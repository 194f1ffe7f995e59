"""The library function behind a check: article -> claims -> evidence -> verdicts.

Flows call this per article; it does no I/O of its own beyond the retriever's reads.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

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
    reuse: Callable[[Sequence[Verdict]], Sequence[Verdict]] | None = None,
    prior=None,
) -> ArticleResult:
    """Claims and verdicts of one article.

    reuse (optional): applied to the verdicts at the end, e.g. review.reuse.DecisionReuse, which gives a
    claim that a reviewer already decided (or one meaning the same) that decision with its provenance.
    """
    claims = claims_of(article)
    warnings = () if claims else (f"{article.path or article.id}: no check-worthy claims found",)
    excluded = tuple(exclude_urls) + ((article.url,) if article.url else ())
    verdicts = verify_claims(claims, retriever, provenance, exclude_urls=excluded, k=k, config=config)
    # -- earlier fact-checks (sources.prior.PriorMatcher): shown first, as such; optional --
    if prior is not None and verdicts:
        verdicts = with_prior_checks(verdicts, prior)
    # -- reviewers' decisions (review.reuse); kept apart from retrieval and deciding on purpose --
    if reuse is not None and verdicts:
        verdicts = list(reuse(verdicts))
    return ArticleResult(article, tuple(claims), tuple(verdicts), warnings)


def with_prior_checks(verdicts: Sequence[Verdict], matcher) -> list[Verdict]:
    """Put earlier fact-checks of the same claim (any language) first among each verdict's evidence,
    with their rating and URL, and flag the verdict for review when one is found. The label is the
    pipeline's own; the earlier rating is shown beside it. matcher: sources.prior.PriorMatcher."""
    from verdicts.model import Evidence, Review, Stance

    found = matcher.find([v.claim.text for v in verdicts], languages=[v.claim.language for v in verdicts])
    stance = {"REFUTED": Stance.REFUTES, "SUPPORTED": Stance.SUPPORTS}
    out = []
    for v, checks in zip(verdicts, found):
        if not checks:
            out.append(v)
            continue
        items = tuple(
            Evidence(passage_id=c.id, text=c.claim_text, source_url=c.url, source_title=c.title or "earlier fact-check",
                     publisher=c.publisher, published=c.review_date, span=None, retrieval_score=c.score, rank=0,
                     stance=stance.get(c.label, Stance.NEUTRAL), stance_score=c.score, rule="prior_check",
                     explanation=f"fact-checked before by {c.publisher or 'a fact-checker'}: rated "
                                 f"{c.rating or c.label or 'unrated'} ({c.url})",
                     load_id=c.load_id, language=c.language)
            for c in checks)
        c = checks[0]
        reason = f"checked before: {c.publisher or c.url} rated it {c.rating or c.label or 'unrated'}"
        out.append(replace(v, evidence=items + tuple(v.evidence),
                           review=Review(needed=True, reasons=tuple(v.review.reasons) + (reason,))))
    return out
