"""`factcheck eval verdicts`: verdict quality end to end (a thin shell over eval.verdicts)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from claims.errors import FactcheckError
from cli.options import embedder_option

_SETS = ("seed", "climate-fever", "scifact", "averitec", "check-covid", "vitaminc")


def _progress():
    """A one-line progress bar on stderr: stage, done/total, elapsed."""
    started = time.perf_counter()
    state = {"stage": None}

    def report(stage: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        if state["stage"] not in (None, stage):
            click.echo("", err=True)
        state["stage"] = stage
        click.echo(
            f"\r{stage:<16} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
            f"{time.perf_counter() - started:6.1f}s",
            err=True,
            nl=done >= total,
        )
        if done >= total:
            state["stage"] = None

    return report


def _verifier_option(f):
    return click.option(
        "--verifier",
        "verifier_spec",
        default="none",
        show_default=True,
        help="Verifier: none (rules + similarity), bundled, dir:PATH, hf:PATH (see docs/verdicts.md).",
    )(f)


def _work_option(f):
    return click.option(
        "--work",
        "work_dir",
        type=click.Path(file_okay=False),
        help="Where built stores are cached (default: ~/.cache/factcheck/eval).",
    )(f)


def _verifier_from(spec: str):
    """The verifier a --verifier value names, warmed up; None for "none". FC747 when this install has no torch."""
    if not spec or spec.strip().lower() == "none":
        return None
    try:
        from verdicts.entail import get_verifier
    except ImportError as exc:
        raise FactcheckError(f"no verifier module in this install ({exc}). Use --verifier none.", code="FC747") from exc
    verifier = get_verifier(spec)
    if verifier is not None:
        verifier.warm_up()
    return verifier


@click.command("verdicts")
@click.option("--dataset", type=click.Choice(_SETS), help="A data set read in its original format from --data.")
@click.option(
    "--claims",
    "claims_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Generic claims JSONL (id, claim, label, optional language, date); needs --db.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    help="The store to retrieve from (with --claims), built by `factcheck store ingest`.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    help="Folder holding the data sets (default: ../shared/data).",
)
@click.option(
    "--split",
    type=click.Choice(["heldout", "dev", "train", "aggregate", "all"]),
    help="Which part (default: dev for SciFact and Check-COVID, the held-out fold of eval/splits.py for "
    "Climate-FEVER, AVeriTeC and VitaminC, all for seed; aggregate: the fold reserved for fitting "
    "the verdict aggregator, never trained on by the verifier).",
)
@_verifier_option
@embedder_option
@click.option(
    "-k",
    "--top-k",
    "k",
    default=5,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Evidence passages retrieved per claim.",
)
@click.option("--limit", type=click.IntRange(1), help="Only the first N claims (quick runs).")
@_work_option
@click.option(
    "--scifact-corpus",
    type=click.Choice(["cited", "full"]),
    default="cited",
    show_default=True,
    help="SciFact store: the abstracts the split cites, or all 5,183.",
)
@click.option("--per-claim", is_flag=True, help="Add every claim's gold, label and confidence to --out.")
@click.option(
    "--title-context",
    is_flag=True,
    help="Build the data set's store as `store ingest --title-context` would (passages embedded and "
    "indexed after their source title; a separate cached store).",
)
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Write the report as JSON here.")
def eval_verdicts(
    dataset,
    claims_path,
    db,
    data_dir,
    split,
    verifier_spec,
    embedder,
    k,
    limit,
    work_dir,
    scifact_corpus,
    per_claim,
    title_context,
    out_path,
) -> None:
    """Score verdicts end to end: evidence retrieved from a store, labels against gold.

    Prints accuracy, macro-F1, per-label precision / recall / F1, the confusion matrix and the
    expected calibration error (ECE, 10 bins); --out writes the same as JSON.

    \b
    Examples:
      factcheck eval verdicts --dataset climate-fever --out cf.json
      factcheck eval verdicts --dataset scifact --split dev --verifier bundled
      factcheck eval verdicts --dataset vitaminc --limit 500
      factcheck eval verdicts --claims claims.jsonl --db store.duckdb
    """
    from eval.verdicts import format_report

    _check_choice(dataset, claims_path, db)
    try:
        eset = _eval_set(dataset, claims_path, data_dir, split, scifact_corpus, limit, title_context)
        verifier = _verifier_from(verifier_spec)
        _note_set(eset)
        report = _evaluate(eset, verifier, db if claims_path else None, work_dir, embedder, k, per_claim)
    except FactcheckError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    report["options"] = _options(dataset, claims_path, db, eset.split, verifier_spec, embedder, k, limit, title_context)
    click.echo(format_report(report))
    _write_json(report, out_path)


def _check_choice(dataset: str | None, claims_path: str | None, db: str | None) -> None:
    """Usage errors: exactly one of --dataset and --claims, and --claims only with --db."""
    if bool(dataset) == bool(claims_path):
        raise click.UsageError("give either --dataset NAME or --claims FILE (with --db STORE).")
    if claims_path and not db:
        raise click.UsageError("--claims needs --db STORE (built with `factcheck store ingest`).")


def _eval_set(dataset, claims_path, data_dir, split, scifact_corpus: str, limit, title_context: bool):
    """The claims to score: a generic claims file or a named data set, cut to --limit, titled if asked."""
    from eval.verdicts import claims_file, load_set

    if claims_path:
        eset = claims_file(claims_path)
    else:
        options = {"corpus": scifact_corpus} if dataset == "scifact" else {}
        eset = load_set(dataset, data_dir, split, **options)
    eset = eset.limited(limit)
    if title_context:
        eset = eset.titled()
    return eset


def _note_set(eset) -> None:
    """What is about to be scored, on stderr: the set, its split, how many claims and passages."""
    click.echo(
        f"{eset.name} ({eset.split}): {len(eset.claims)} claim(s), {len(eset.passages)} passage(s)"
        + (f"; {eset.note}" if eset.note else ""),
        err=True,
    )


def _evaluate(eset, verifier, db: str | None, work_dir: str | None, embedder: str, k: int, per_claim: bool) -> dict:
    """Score the set end to end (eval.verdicts.evaluate) with a progress bar on stderr."""
    from eval.verdicts import evaluate

    return evaluate(
        eset, verifier=verifier, db=db, work=work_dir, embedder=embedder, k=k, progress=_progress(), per_claim=per_claim
    )


def _options(dataset, claims_path, db, split, verifier_spec, embedder, k, limit, title_context) -> dict:
    """The options the report records that it was run with."""
    return {
        "dataset": dataset,
        "claims": claims_path,
        "db": db,
        "split": split,
        "verifier": verifier_spec,
        "embedder": embedder,
        "k": k,
        "limit": limit,
        "title_context": title_context,
    }


def _write_json(report: dict, out_path: str | None) -> None:
    """Write the report as JSON to out_path when given, and say so on stderr."""
    if out_path:
        Path(out_path).parent.mkdir(parents=True, exist_ok=True)
        Path(out_path).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        click.echo(f"wrote {out_path}", err=True)


@click.command("articles")
@click.argument("folders", nargs=-1, type=click.Path(exists=True, file_okay=False))
@_verifier_option
@embedder_option
@click.option(
    "-k",
    "--top-k",
    "k",
    default=8,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Evidence passages retrieved per claim (factcheck check's default).",
)
@_work_option
@click.option("--per-claim", is_flag=True, help="Add every gold claim's label, paired claim and explanation to --out.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Write the report as JSON here.")
def eval_articles(folders, verifier_spec, embedder, k, work_dir, per_claim, out_path) -> None:
    """Check real articles end to end and score them as a desk reads the flags.

    FOLDERS are case folders (article.md, claims.gold.jsonl, passages.jsonl) or folders of them; default:
    ../shared/data/seed and every folder of ../shared/data/articles. Each case's passages become its
    store, the article is checked as `factcheck check` checks it, and gold and produced claims are paired
    one to one. Prints per article and pooled: claim recall, label accuracy, balanced label recall,
    REFUTED called, false alarms, real errors caught (docs/verdicts.md).

    \b
    Examples:
      factcheck eval articles
      factcheck eval articles ../shared/data/articles/*/ --per-claim --out articles.json
      factcheck eval articles ../shared/data/seed --verifier bundled
    """
    from eval.articles import default_folders, evaluate_articles, format_articles_report

    try:
        verifier = _verifier_from(verifier_spec)
        report = evaluate_articles(
            list(folders) or default_folders(),
            verifier=verifier,
            embedder=embedder,
            k=k,
            work=work_dir,
            per_claim=per_claim,
            progress=_progress(),
        )
    except FactcheckError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(format_articles_report(report))
    _write_json(report, out_path)
