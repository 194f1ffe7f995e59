"""`factcheck review ...`: the review queue, decisions, users and export from the command line.

The CLI twins of the web app (`factcheck serve`): the same library calls in review/.
"""

from __future__ import annotations

import json
import sys

import click

from claims.errors import FactcheckError
from cli.options import db_option, fail


def _open(db: str, read_only: bool = False):
    from pathlib import Path

    from sources.store import Store

    if not Path(db).exists():
        raise FactcheckError(f"no store at {db}. Check articles first: factcheck check ARTICLE --db {db}", code="FC202")
    return Store(db, read_only=read_only)


@click.group("review")
def review() -> None:
    """Review flagged claims: list the queue, show a claim, record decisions, manage users, export.

    \b
    Examples:
      factcheck review list --db store.duckdb
      factcheck review show c-1a2b3c --db store.duckdb
      factcheck review decide c-1a2b3c --reviewer kari --label refuted --note "ministry: 34,535"
      factcheck review export --format claimreview > claimreviews.json
    """


@review.command("list")
@db_option
@click.option("--run", "run_id", help="Only claims of this run (default: each claim's latest run).")
@click.option("--article", "article_id", help="Only claims of this article id.")
@click.option("--label", help="Only this machine label (REFUTED, CONFLICTING, NOT_ENOUGH_EVIDENCE, SUPPORTED).")
@click.option("--language", help="Only claims in this language (nb, nn, en, ...).")
@click.option("--status", type=click.Choice(["pending", "decided", "all"]), default="pending", show_default=True)
@click.option("--reviewer", help="Only claims decided by this reviewer.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0))
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def review_list(db, run_id, article_id, label, language, status, reviewer, limit, offset, fmt) -> None:
    """The review queue in priority order: high-confidence REFUTED, CONFLICTING, no evidence, low confidence.

    \b
    Example:
      factcheck review list --db store.duckdb --label REFUTED --language nb
    """
    from review.decisions import parse_label
    from review.queue import QueueFilter, list_queue

    try:
        with _open(db, read_only=True) as st:
            f = QueueFilter(
                run_id=run_id,
                article_id=article_id,
                label=parse_label(label).value if label else None,
                language=language,
                status=status,
                reviewer=reviewer,
                limit=limit,
                offset=offset,
            )
            page = list_queue(st, f)
    except FactcheckError as exc:
        fail(exc)
    if fmt == "jsonl":
        for it in page.items:
            click.echo(json.dumps(_queue_item_json(it), ensure_ascii=False))
    else:
        for it in page.items:
            decided = f"  -> {it.decided_label} by {it.decided_by}" if it.decided_label else ""
            text = it.claim_text if len(it.claim_text) <= 70 else it.claim_text[:69] + "…"
            click.echo(
                f"{it.claim_id}  {it.label:<19} {it.confidence:.2f}  {it.priority_name:<29} "
                f"{it.language:<3} {text}{decided}"
            )
    click.echo(f"{len(page.items)} of {page.total} claim(s)", err=True)


def _queue_item_json(it) -> dict:
    """One queue item as the JSON line `review list --format jsonl` prints."""
    return {
        "claim_id": it.claim_id,
        "run_id": it.run_id,
        "article_id": it.article_id,
        "label": it.label,
        "confidence": it.confidence,
        "priority": it.priority_name,
        "reasons": list(it.reasons),
        "language": it.language,
        "claim": it.claim_text,
        "decided_label": it.decided_label,
        "decided_by": it.decided_by,
    }


@review.command("show")
@click.argument("claim_id")
@db_option
@click.option("--run", "run_id", help="The verdict of this run (default: the latest).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def review_show(claim_id, db, run_id, fmt) -> None:
    """One claim: its sentence in the article, verdict, evidence with scores, and its decisions.

    \b
    Example:
      factcheck review show c-1a2b3c --db store.duckdb
    """
    from review.decisions import history
    from review.queue import get_claim

    try:
        with _open(db, read_only=True) as st:
            d = get_claim(st, claim_id, run_id)
            trail = history(st, claim_id)
    except FactcheckError as exc:
        fail(exc)
    if fmt == "json":
        click.echo(json.dumps(_claim_json(d, trail), ensure_ascii=False, indent=2))
        return
    _print_claim(d, trail)


def _claim_json(d, trail) -> dict:
    """One claim, its verdict, evidence and decisions as the JSON `review show --format json` prints."""
    return {
        "claim_id": d.claim_id,
        "run_id": d.run_id,
        "verdict_id": d.verdict_id,
        "article_id": d.article_id,
        "article_title": d.article_title,
        "span": d.span.to_list(),
        "quote": d.quote,
        "claim": d.claim_text,
        "label": d.label,
        "confidence": d.confidence,
        "review_needed": d.review_needed,
        "reasons": list(d.reasons),
        "explanation": d.explanation,
        "evidence": [_evidence_json(e) for e in d.evidence],
        "decisions": [x.to_dict() for x in trail],
    }


def _evidence_json(e) -> dict:
    """One evidence passage of a claim, with its scores and highlight, as JSON."""
    return {
        "rank": e.rank,
        "passage_id": e.passage_id,
        "source_title": e.source_title,
        "publisher": e.publisher,
        "published": e.published,
        "url": e.source_url,
        "stance": e.stance,
        "stance_score": e.stance_score,
        "retrieval_score": e.retrieval_score,
        "rule": e.rule,
        "explanation": e.explanation,
        "passage": e.text,
        "highlight": e.highlight.to_list() if e.highlight else None,
    }


def _print_claim(d, trail) -> None:
    """One claim as text: sentence, verdict, each evidence passage with its scores, then the decisions."""
    click.echo(f"{d.claim_id}  {d.label} ({d.confidence:.2f})  run {d.run_id}")
    click.echo(f"article: {d.article_title or d.article_id} {d.article_url}".rstrip())
    click.echo(f"span {d.span.start}-{d.span.end}: «{d.quote}»")
    if d.claim_text != d.quote:
        click.echo(f"claim: {d.claim_text}")
    click.echo(f"flagged: {'; '.join(d.reasons) or 'no'}")
    click.echo(f"why: {d.explanation}")
    for e in d.evidence:
        scores = f"retrieval {e.retrieval_score:.3f}" if e.retrieval_score is not None else ""
        click.echo(
            f"  [{e.rank}] {e.stance} {e.stance_score or 0:.2f} {scores} {e.source_title} — "
            f"{e.publisher}, {e.published or 'undated'} {e.source_url}".rstrip()
        )
        if e.explanation:
            click.echo(f"      {e.rule + ': ' if e.rule else ''}{e.explanation}")
    for x in trail:
        click.echo(
            f"decision {x.decision_id}: {x.reviewer} {x.action} {x.label_before} -> {x.label_after} "
            f"at {x.decided_at:%Y-%m-%d %H:%M} UTC{': ' + x.note if x.note else ''}"
        )


@review.command("decide")
@click.argument("claim_id")
@db_option
@click.option("--reviewer", required=True, help="Who decides (a user with the reviewer role).")
@click.option("--label", help="The right label; leave out to confirm the label in force.")
@click.option("--note", default="", help="Why (kept in the audit trail).")
@click.option("--run", "run_id", help="Decide on the verdict of this run (default: the latest).")
def review_decide(claim_id, db, reviewer, label, note, run_id) -> None:
    """Confirm a claim's label or change it, with a note. Decisions are appended, never edited.

    \b
    Examples:
      factcheck review decide c-1a2b3c --reviewer kari                    # confirm
      factcheck review decide c-1a2b3c --reviewer kari --label supported --note "NTB 30.4"
    """
    from review.decisions import decide

    try:
        with _open(db) as st:
            d = decide(st, claim_id, reviewer=reviewer, label=label, note=note, run_id=run_id, source="cli")
    except FactcheckError as exc:
        fail(exc)
    click.echo(json.dumps(d.to_dict(), ensure_ascii=False))
    click.echo(f"{d.action}: {d.label_before} -> {d.label_after} ({d.decision_id})", err=True)


@review.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["claimreview", "csv"]), default="claimreview", show_default=True)
@click.option("--machine", is_flag=True, help="Also export claims nobody has decided, with the machine's label.")
@click.option(
    "--base-url",
    default="http://127.0.0.1:8000",
    show_default=True,
    help="Where the review app is published: each ClaimReview's url points to its claim page there.",
)
@click.option("--org", default="factcheck", show_default=True, help="The organisation named as author.")
def review_export(db, fmt, machine, base_url, org) -> None:
    """Decisions (and verdicts) as schema.org ClaimReview JSON-LD or CSV, on stdout.

    \b
    Examples:
      factcheck review export --format claimreview --org "NRK Faktisk" > claimreviews.json
      factcheck review export --format csv --machine > review.csv
    """
    from review.export import export

    try:
        with _open(db, read_only=True) as st:
            click.echo(export(st, fmt, machine=machine, base_url=base_url, org=org), nl=False)
    except FactcheckError as exc:
        fail(exc)


@review.group("users")
def users() -> None:
    """Who may sign in to the review app."""


@users.command("add")
@click.argument("username")
@db_option
@click.option("--role", type=click.Choice(["reviewer", "read-only"]), default="reviewer", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (first line).")
@click.option("--token", is_flag=True, help="Also make a sign-in token (printed once; only its hash is stored).")
def users_add(username, db, role, password_stdin, token) -> None:
    """Add a user. Prompts for a password unless --password-stdin or --token (token only) is given.

    \b
    Examples:
      factcheck review users add kari --role reviewer
      echo "$PW" | factcheck review users add ola --role read-only --password-stdin
      factcheck review users add desk-bot --token
    """
    from review.auth import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif token:
        password = None
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True, err=True)
    try:
        with _open(db) if _exists(db) else _create(db) as st:
            tok = add_user(st, username, role, password=password, token=token)
    except FactcheckError as exc:
        fail(exc)
    click.echo(f"added {username} ({role})", err=True)
    if tok:
        click.echo(tok)


@users.command("list")
@db_option
def users_list(db) -> None:
    """The users, their roles, and how they sign in.

    \b
    Example:
      factcheck review users list --db store.duckdb
    """
    from review.auth import list_users

    try:
        with _open(db, read_only=True) as st:
            for name, role, has_pw, has_tok, created in list_users(st):
                how = "+".join(x for x, on in (("password", has_pw), ("token", has_tok)) if on)
                click.echo(f"{name}\t{role}\t{how}\t{created:%Y-%m-%d}")
    except FactcheckError as exc:
        fail(exc)


def _exists(db: str) -> bool:
    from pathlib import Path

    return Path(db).exists()


def _create(db: str):
    from sources.store import Store

    return Store(db)
