"""`factcheck`: the command line. A thin shell over the library and the flows.

Data goes to stdout, progress and messages to stderr. Exit codes: 0 ok, 1 error, 2 usage.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

import flows  # noqa: F401  (quiet, offline Prefect defaults)
from claims.errors import FactcheckError
from cli.options import FactcheckGroup, db_option, embedder_option, err, fail

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_SEED = PROJECT_ROOT / "data" / "seed"
FORMATS = ["table", "jsonl", "json", "markdown"]


def _version() -> str:
    from claims.version import code_version

    return code_version()


@click.group(cls=FactcheckGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(version=None, package_name="factcheck", message="factcheck %(version)s")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's own log lines.")
def cli(verbose: bool) -> None:
    """Check the claims in news articles against a reference store, offline.

    \b
    Quick start:
      factcheck store ingest passages.jsonl --db store.duckdb
      factcheck check article.md --db store.duckdb
    """
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
        flows.quiet_logging()


# -- store ----------------------------------------------------------------------------------------
@cli.group()
def store() -> None:
    """Build and inspect the reference store (a DuckDB file)."""


@store.command("migrate")
@db_option
def store_migrate(db: str) -> None:
    """Bring the store's schema up to this version of factcheck.

    \b
    Example:
      factcheck store migrate --db store.duckdb
    """
    from sources.store import SCHEMA_VERSION, Store

    try:
        with Store(db, migrate=False) as st:
            pass
    except FactcheckError as exc:
        if exc.code != "FC204":
            fail(exc)
    try:
        with Store(db) as st:
            err(f"{db}: schema v{st.schema_version()} (this factcheck: v{SCHEMA_VERSION})")
    except FactcheckError as exc:
        fail(exc)


# -- check ----------------------------------------------------------------------------------------
@cli.command()
@click.argument("articles", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option
@embedder_option
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="What to print on stdout."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Also write verdicts.jsonl and report.md into this folder.",
)
@click.option(
    "-k",
    "--top-k",
    "k",
    default=8,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Evidence passages retrieved per claim.",
)
@click.option(
    "--exclude-url",
    "exclude_urls",
    multiple=True,
    help="Never use passages from this URL as evidence (repeatable). The article's own URL is always excluded.",
)
@click.option(
    "--retrieval",
    "mode",
    type=click.Choice(["dense", "bm25", "hybrid"]),
    default=None,
    envvar="FACTCHECK_RETRIEVAL_MODE",
    show_envvar=True,
    help="How evidence is found: e5 vectors (dense), words (bm25) or both fused (hybrid). "
    "Default: the measured best, sources.retrieve.DEFAULT_MODE (see docs/store.md).",
)
@click.option(
    "--prior/--no-prior",
    default=True,
    show_default=True,
    help="Show earlier fact-checks of the same claim (any language) first, when the store holds any.",
)
@click.option(
    "--allow-source",
    "allow_sources",
    multiple=True,
    metavar="DOMAIN",
    help="Use evidence only from these publishers (repeatable): a host such as reuters.com (subdomains "
    "too) or a URL prefix.",
)
@click.option(
    "--deny-source",
    "deny_sources",
    multiple=True,
    metavar="DOMAIN",
    help="Never use evidence from these publishers (repeatable): a host or a URL prefix.",
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Use evidence published on or after this date (YYYY-MM-DD).",
)
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Use evidence published on or before this date (YYYY-MM-DD).",
)
@click.option(
    "--window-days",
    type=click.IntRange(0),
    default=None,
    metavar="N",
    help="Use evidence published within N days of each article's date, before or after it.",
)
@click.option(
    "--after-days",
    type=click.IntRange(0),
    default=None,
    metavar="N",
    help="Use evidence published at most N days after each article's date (0: nothing published after "
    "the article). Default: no limit, or --window-days when given.",
)
@click.option(
    "--verifier",
    "verifier",
    default="none",
    show_default=True,
    envvar="FACTCHECK_VERIFIER",
    metavar="SPEC",
    help="Claim/evidence verifier read with the exact rules: none (rules + similarity), bundled (the "
    "trained model in verdicts/verifier; needs the [hf] extra for torch; English claims and "
    "evidence only, others are judged as with none), dir:PATH, hf:NAME. See docs/verdicts.md.",
)
@click.option(
    "--drop-undated",
    is_flag=True,
    help="With a date limit, also drop evidence without a publication date (kept by default).",
)
@click.option(
    "--prefect/--direct",
    "use_prefect",
    default=False,
    show_default=True,
    envvar="FACTCHECK_PREFECT",
    show_envvar=True,
    help="Run as the Prefect flow verify_articles (its runs show in Prefect's UI; a temporary local "
    "server starts unless PREFECT_API_URL names one) instead of directly in this process (the "
    "default: seconds faster). Both record the run in the store and give the same verdicts.",
)
def check(
    articles,
    db,
    embedder,
    fmt,
    out_dir,
    k,
    exclude_urls,
    mode,
    prior,
    allow_sources,
    deny_sources,
    since,
    until,
    window_days,
    after_days,
    drop_undated,
    verifier,
    use_prefect,
) -> None:
    """Check articles (.md with front matter, .txt, .html, .jsonl) against the store.

    Stores runs, claims, verdicts and evidence links in the DuckDB file and prints the verdicts.
    Earlier fact-checks of a claim come first; evidence may be limited by source and by date. Runs in
    this process; --prefect runs the same steps as the Prefect flow `verify_articles` (no network).

    \b
    Examples:
      factcheck check article.md --db store.duckdb
      factcheck check inbox/*.md --db store.duckdb --format jsonl > verdicts.jsonl
      factcheck check article.md --db store.duckdb --out report/
      factcheck check article.md --db store.duckdb --window-days 365 --after-days 0 --deny-source example.com
      factcheck check article.md --db store.duckdb --verifier bundled
      factcheck check article.md --db store.duckdb --prefect
    """
    filters = _filters(allow_sources, deny_sources, since, until, window_days, after_days, drop_undated)
    _preflight(db, verifier)
    already_read = _read_first(articles)
    started = time.perf_counter()
    err(f"checking {len(articles)} file(s) against {db} ...")
    options = _run_options(out_dir, embedder, k, exclude_urls, mode, prior, filters, verifier)
    summary = _run_check(list(articles), db, options, use_prefect, already_read)
    _print_run(summary, fmt)
    err(f"run {summary.run_id}: {len(summary.verdicts)} verdict(s) in {time.perf_counter() - started:.1f}s")
    if summary.failures:
        sys.exit(1)


def _filters(allow_sources, deny_sources, since, until, window_days, after_days, drop_undated):
    """The evidence filters the options ask for; --since after --until is a usage error (exit 2)."""
    from sources.retrieve import Filters

    if since and until and since > until:
        err(f"error: --since {since.date()} is after --until {until.date()}. Swap them.")
        sys.exit(2)
    return Filters(
        allow_sources=tuple(allow_sources),
        deny_sources=tuple(deny_sources),
        since=since.date() if since else None,
        until=until.date() if until else None,
        days_before=window_days,
        days_after=after_days if after_days is not None else window_days,
        keep_undated=not drop_undated,
    )


def _run_options(out_dir, embedder, k, exclude_urls, mode, prior, filters, verifier) -> dict:
    """The keyword arguments that the direct run and the Prefect flow both take."""
    return dict(
        out_dir=out_dir,
        embedder=embedder,
        k=k,
        exclude_urls=list(exclude_urls),
        on_article=_article_checked,
        mode=mode,
        prior=prior,
        filters=filters,
        verifier=verifier,
    )


def _article_checked(result) -> None:
    """One line on stderr per article checked: its path (or id) and how many claims it held."""
    err(f"  {result.article.path or result.article.id}: {len(result.claims)} claim(s)")


def _run_check(articles: list, db: str, options: dict, use_prefect: bool, already_read):
    """Check the articles as the Prefect flow verify_articles, or directly in this process (reusing the files read)."""
    if use_prefect:
        from flows.verify import verify_articles

        return verify_articles(articles, db, **options)
    from review.reuse import DecisionReuse
    from verdicts.batch import check_files

    return check_files(articles, db, **options, reuse=DecisionReuse, read=already_read)


def _preflight(db: str, verifier: str) -> None:
    """Fail fast, before Prefect or a model starts: no store, a locked or out-of-date one, a bad verifier spec
    (its weights load later, once)."""
    from sources.store import Store
    from verdicts.entail import get_verifier

    if not Path(db).exists():
        raise FactcheckError(
            f"no store at {db}. Create one first: factcheck store ingest PASSAGES.jsonl --db {db}", code="FC202"
        )
    Store(db).close()
    get_verifier(verifier)


def _read_first(articles):
    """Read every file once before the run: when none can be checked, say why in one line each and exit 1 with no
    run recorded. Returns the reader the direct run uses instead of reading again."""
    from claims.read import read_articles

    read: dict[str, tuple | FactcheckError] = {}
    for path in articles:
        warnings: list[str] = []
        try:
            read[path] = (read_articles(path, warnings=warnings), warnings)
        except FactcheckError as exc:
            read[path] = exc
    if all(isinstance(r, FactcheckError) for r in read.values()):
        for exc in read.values():
            err(f"error: {exc}")
        sys.exit(1)

    def already_read(path: str) -> tuple:
        if isinstance(read[path], FactcheckError):
            raise read[path]
        return read[path]

    return already_read


def _print_run(summary, fmt: str) -> None:
    """The run's warnings and failures on stderr, its verdicts on stdout in the chosen format."""
    from verdicts.export import markdown_report, to_jsonl, verdict_rows

    for w in summary.warnings:
        err(f"warning: {w}")
    for path, msg in summary.failures:
        err(f"error: {path}: {msg}")
    rows = verdict_rows((r.article, r.verdicts) for r in summary.results)
    if fmt == "jsonl":
        click.echo(to_jsonl(rows), nl=False)
    elif fmt == "json":
        click.echo(json.dumps({"run_id": summary.run_id, "verdicts": rows}, ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(
            markdown_report(
                [(r.article, r.verdicts) for r in summary.results], run_id=summary.run_id, failures=summary.failures
            ),
            nl=False,
        )
    else:
        _print_table(summary)
    for path in summary.outputs.values():
        err(f"wrote {path}")


def _print_table(summary) -> None:
    from rich.console import Console
    from rich.table import Table

    from verdicts.export import label_counts, table

    console = Console(width=max(120, Console().width))
    for r in summary.results:
        t = Table(
            title=f"{r.article.title or r.article.id} ({r.article.language}, {r.article.published or 'undated'})",
            show_lines=False,
        )
        for col in ("span", "label", "conf", "review", "claim"):
            t.add_column(col, overflow="fold")
        for row in table(r.verdicts):
            t.add_row(*row)
        console.print(t)
    counts = label_counts(summary.verdicts)
    console.print("  ".join(f"{k}: {v}" for k, v in counts.items()))


# -- demo -----------------------------------------------------------------------------------------
@cli.command()
@click.option(
    "--dir",
    "work_dir",
    default="demo",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where the demo store and report files go.",
)
@embedder_option
@click.pass_context
def demo(ctx, work_dir: str, embedder: str) -> None:
    """Build a store from the bundled seed passages and check the seed article.

    Uses ../shared/data/seed when present, else the copy bundled in data/seed. The check runs as the
    Prefect flow verify_articles in Prefect's local mode (a temporary server, no network), as a
    scheduled run would; `factcheck check` runs the same steps directly unless given --prefect.

    \b
    Example:
      factcheck demo --dir demo
    """
    seed = _seed_dir()
    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    db = str(work / "store.duckdb")
    err(f"seed data: {seed}")
    from cli.store import store_ingest

    ctx.invoke(store_ingest, files=(str(seed / "passages.jsonl"),), db=db, embedder=embedder, strict=False)
    ctx.invoke(
        check,
        articles=(str(seed / "article.md"),),
        db=db,
        embedder=embedder,
        fmt="table",
        out_dir=str(work),
        k=8,
        exclude_urls=(),
        use_prefect=True,
    )


def _seed_dir() -> Path:
    shared = PROJECT_ROOT.parent / "shared" / "data" / "seed"
    if (shared / "article.md").exists() and (shared / "passages.jsonl").exists():
        return shared
    return BUNDLED_SEED


# -- eval -----------------------------------------------------------------------------------------
@cli.group("eval")
def eval_group() -> None:
    """Measure quality against gold data."""


@eval_group.command("seed")
@click.option(
    "--gold",
    type=click.Path(exists=True, dir_okay=False),
    help="Gold claims (default: ../shared/data/seed/claims.gold.jsonl).",
)
@click.option(
    "--verdicts",
    "verdicts_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="verdicts.jsonl written by `factcheck check --out`.",
)
@click.option(
    "--article",
    type=click.Path(exists=True, dir_okay=False),
    help="The article the verdicts are for (default: the seed article).",
)
def eval_seed(gold, verdicts_path, article) -> None:
    """Score verdicts against the seed gold claims: coverage of gold sentences and label agreement.

    \b
    Example:
      factcheck check data/seed/article.md --db demo/store.duckdb --out demo
      factcheck eval seed --verdicts demo/verdicts.jsonl
    """
    from eval.seed import evaluate_seed

    gold = gold or str(PROJECT_ROOT.parent / "shared" / "data" / "seed" / "claims.gold.jsonl")
    if not Path(gold).exists():
        fail(FactcheckError(f"no gold file at {gold}. Give one with --gold PATH.", code="FC106"))
    article = article or str(_seed_dir() / "article.md")
    try:
        result = evaluate_seed(gold, verdicts_path, article)
    except FactcheckError as exc:
        fail(exc)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


# -- commands that live in their own modules ----------------------------------------------------
# Each module defines a click command or group and imports its heavy dependencies inside functions,
# so `factcheck --help` stays fast. Add one line per module here.
def _register_commands() -> None:
    from cli.eval_claims import eval_claims

    eval_group.add_command(eval_claims)  # noqa: E702
    from cli.eval_verdicts import eval_articles, eval_verdicts

    eval_group.add_command(eval_verdicts)
    eval_group.add_command(eval_articles)  # noqa: E501,E702
    from cli.gate import corrections, gate

    cli.add_command(gate)
    cli.add_command(corrections)  # noqa: E702
    from cli.nightly import OLD_SPELLINGS, nightly_group

    [cli.add_command(c) for c in (nightly_group, *OLD_SPELLINGS)]  # noqa: E501,E702
    from cli.models import models, reembed

    cli.add_command(models)
    store.add_command(reembed)  # noqa: E702
    from cli.review import review
    from cli.serve import serve

    cli.add_command(review)
    cli.add_command(serve)  # noqa: E702
    from cli.store import register

    register(store, eval_group)  # noqa: E702
    from cli.train import train

    cli.add_command(train)  # noqa: E702
    pass


_register_commands()


def main() -> None:
    cli(prog_name="factcheck")


if __name__ == "__main__":
    main()
