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
    return extract_claims(article.id, article.text, sentences, language=article.language, published=article.published)


CONTEXT_HITS = 4  # passages a short claim's sentence may add to the claim's own hits
SHORT_CLAIM = 0.6  # a claim shorter than this share of its sentence is searched with the sentence too


def _with_context_hits(claims, contexts, hit_lists, retriever, *, k, exclude_urls, filters, languages):
    """A short claim that states a figure or a date ("fødselsoverskuddet var 5.800", cut from "Nettoinnvandringen
    endte på 9.400 og fødselsoverskuddet var 5.800.") is also searched with its whole sentence, which says what the
    figure is about; each distinct sentence is embedded once."""
    short = [
        i
        for i, (c, ctx) in enumerate(zip(claims, contexts))
        if ctx and ctx.strip() != c.text.strip() and len(c.text) < SHORT_CLAIM * len(ctx) and (c.quantities or c.dates)
    ]
    if not short:
        return hit_lists
    distinct = list(dict.fromkeys(contexts[i] for i in short))
    lang_of = {contexts[i]: languages[i] for i in short} if languages else {}
    found = retriever.search(
        distinct,
        k=k,
        exclude_urls=exclude_urls,
        filters=filters,
        languages=[lang_of[t] for t in distinct] if languages else None,
    )
    extra = dict(zip(distinct, found))
    out = list(hit_lists)
    for i in short:
        seen = {h.passage.id for h in out[i]}
        added = [h for h in extra[contexts[i]] if h.passage.id not in seen][:CONTEXT_HITS]
        out[i] = list(out[i]) + added
    return out


def verify_claims(
    claims: Sequence[Claim],
    retriever: Retriever,
    provenance: Provenance,
    *,
    exclude_urls: Sequence[str] = (),
    k: int = 8,
    config: DecideConfig | None = None,
    filters=None,
    vectors=None,
    verifier=None,
    contexts: Sequence[str] | None = None,
) -> list[Verdict]:
    """One verdict per claim; the evidence rows' load ids are added to each verdict's provenance.

    filters (sources.retrieve.Filters): what evidence may be used (sources, dates); vectors: the
    claims' query vectors when the caller already has them; contexts: each claim's sentence, so that a short
    claim that states a figure or a date, cut from a longer sentence ("fødselsoverskuddet var 5.800"), is also
    searched with the sentence that says what it is about (up to CONTEXT_HITS more passages, after its own)."""
    if not claims:
        return []
    texts = [c.text for c in claims]
    langs = [c.language for c in claims] if all(c.language for c in claims) else None
    if vectors is None:
        hit_lists = retriever.search(texts, k=k, exclude_urls=exclude_urls, filters=filters, languages=langs)
    else:
        hit_lists = retriever.search_vectors(
            vectors, k=k, exclude_urls=exclude_urls, filters=filters, texts=texts, languages=langs
        )
    if contexts is not None:
        hit_lists = _with_context_hits(
            claims, contexts, hit_lists, retriever, k=k, exclude_urls=exclude_urls, filters=filters, languages=langs
        )
    probs = [None] * len(claims)
    if verifier is not None:  # one batched predict call for every on-topic hit of every claim
        from verdicts.decide import verifier_info, verifier_probabilities

        probs = verifier_probabilities(verifier, claims, hit_lists, config)
        if not any(m.role == "verifier" for m in provenance.models):
            provenance = replace(provenance, models=tuple(provenance.models) + (verifier_info(verifier),))
    verdicts = []
    for claim, hits, vp in zip(claims, hit_lists, probs):
        loads = tuple(sorted({h.load_id for h in hits if h.load_id}))
        verdicts.append(
            decide(claim, hits, provenance=replace(provenance, store_load_ids=loads), config=config, verifier_probs=vp)
        )
    return verdicts


def _article_filters(article: Article, claims, filters):
    """The article's warnings, and the filters with their date window anchored at its publication date."""
    warnings = () if claims else (f"{article.path or article.id}: no check-worthy claims found",)
    if filters is not None:
        filters = filters.for_article(article.published)
        if filters.window_unapplied and claims:
            warnings += (
                f"{article.path or article.id}: no publication date, so the date window relative to it was not applied",
            )
    return warnings, filters


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
    filters=None,
    verifier=None,
) -> ArticleResult:
    """Claims and verdicts of one article.

    reuse (optional): applied to the verdicts at the end, e.g. review.reuse.DecisionReuse, which gives a
    claim that a reviewer already decided (or one meaning the same) that decision with its provenance.
    prior (optional): sources.prior.PriorMatcher, earlier fact-checks of the same claim put first.
    filters (optional): sources.retrieve.Filters; a window in days is anchored at the article's date.
    verifier (optional): verdicts.entail.Verifier, read with the rules (see verdicts.decide).
    """
    claims = claims_of(article)
    warnings, filters = _article_filters(article, claims, filters)
    excluded = tuple(exclude_urls) + ((article.url,) if article.url else ())
    qv = retriever.embedder.queries([c.text for c in claims]) if prior is not None and claims else None
    contexts = [article.text[c.sentence_span.start : c.sentence_span.end] if c.sentence_span else "" for c in claims]
    verdicts = verify_claims(
        claims,
        retriever,
        provenance,
        exclude_urls=excluded,
        k=k,
        config=config,
        filters=filters,
        vectors=qv,
        verifier=verifier,
        contexts=contexts,
    )
    # -- earlier fact-checks (sources.prior.PriorMatcher): shown first, as such; optional --
    if prior is not None and verdicts:
        verdicts = with_prior_checks(verdicts, prior, vectors=qv)
    # -- reviewers' decisions (review.reuse); kept apart from retrieval and deciding on purpose --
    if reuse is not None and verdicts:
        verdicts = list(reuse(verdicts))
    return ArticleResult(article, tuple(claims), tuple(verdicts), warnings)


def with_prior_checks(verdicts: Sequence[Verdict], matcher, vectors=None) -> list[Verdict]:
    """Put earlier fact-checks of the same claim (any language) first among each verdict's evidence,
    with their rating and URL, and flag the verdict for review when one is found. The label is the
    pipeline's own; the earlier rating is shown beside it. matcher: sources.prior.PriorMatcher."""
    from verdicts.model import Evidence, Review, Stance

    found = matcher.find([v.claim.text for v in verdicts], languages=[v.claim.language for v in verdicts], qv=vectors)
    stance = {"REFUTED": Stance.REFUTES, "SUPPORTED": Stance.SUPPORTS}
    out = []
    for v, checks in zip(verdicts, found):
        if not checks:
            out.append(v)
            continue
        items = tuple(
            Evidence(
                passage_id=c.id,
                text=c.claim_text,
                source_url=c.url,
                source_title=c.title or "earlier fact-check",
                publisher=c.publisher,
                published=c.review_date,
                span=None,
                retrieval_score=c.score,
                rank=0,
                stance=stance.get(c.label, Stance.NEUTRAL),
                stance_score=c.score,
                rule="prior_check",
                explanation=f"fact-checked before by {c.publisher or 'a fact-checker'}: rated "
                f"{c.rating or c.label or 'unrated'} ({c.url})",
                load_id=c.load_id,
                language=c.language,
            )
            for c in checks
        )
        c = checks[0]
        reason = f"checked before: {c.publisher or c.url} rated it {c.rating or c.label or 'unrated'}"
        loads = tuple(sorted(set(v.provenance.store_load_ids) | {c.load_id for c in checks if c.load_id}))
        out.append(
            replace(
                v,
                evidence=items + tuple(v.evidence),
                review=Review(needed=True, reasons=tuple(v.review.reasons) + (reason,)),
                provenance=replace(v.provenance, store_load_ids=loads),
                id="",
            )
        )  # id over the new evidence
    return out
