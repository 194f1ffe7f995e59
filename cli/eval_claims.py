"""`factcheck eval claims`: claim extraction against gold (a thin shell over eval.claims)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from claims.errors import FactcheckError

_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@click.command("claims")
@click.option(
    "--gold",
    type=click.Path(exists=True, dir_okay=False),
    help="Gold claims JSONL (source_span_no, claim_en, type). Default: ../shared/data/seed/claims.gold.jsonl.",
)
@click.option(
    "--article",
    type=click.Path(exists=True, dir_okay=False),
    help="The article the gold claims are for. Default: the seed article.",
)
@click.option(
    "--factcheck-bench",
    "bench_dir",
    type=click.Path(file_okay=False),
    help="Also score decomposition on Factcheck-Bench (folder with Factbench.jsonl).",
)
@click.option(
    "--checkworthy",
    "cw_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Also score check-worthiness on a CheckThat! TSV or Factcheck-Bench subtask JSONL (repeatable).",
)
@click.option(
    "--threshold",
    type=float,
    default=None,
    help="Similarity threshold for a match (default: measured, see docs/claims.md).",
)
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Write the full report as JSON here.")
def eval_claims(gold, article, bench_dir, cw_files, threshold, out_path) -> None:
    """Score claim extraction: recall / precision on gold claims, decomposition, check-worthiness.

    Prints a table on stdout and, with --out, writes the full JSON report (per gold claim).

    \b
    Examples:
      factcheck eval claims --out claims-report.json
      factcheck eval claims --gold g.jsonl --article a.md --factcheck-bench ../shared/data/factcheck-bench
      factcheck eval claims --checkworthy ../shared/data/checkthat2022-1/CT22_english_1A_checkworthy_dev_test.tsv
    """
    from eval.claims import (
        DEFAULT_THRESHOLD,
        e5_encoder,
        eval_checkworthy,
        eval_decomposition,
        eval_seed,
        factcheck_bench_docs,
        print_table,
    )

    gold = gold or str(_DATA / "seed" / "claims.gold.jsonl")
    article = article or str(_DATA / "seed" / "article.md")
    if not Path(gold).exists() or not Path(article).exists():
        click.echo(
            f"error: [FC120] no gold file at {gold} or no article at {article}. Give them with --gold and --article.",
            err=True,
        )
        sys.exit(1)
    report: dict = {}
    try:
        enc = e5_encoder()
        report["seed"] = eval_seed(gold, article, encode=enc, threshold=threshold)
        if bench_dir:
            report["factcheck_bench"] = eval_decomposition(
                factcheck_bench_docs(bench_dir), encode=enc, threshold=threshold or DEFAULT_THRESHOLD
            )
        if cw_files:
            report["checkworthy"] = [eval_checkworthy(p) for p in cw_files]
    except FactcheckError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(print_table(report))
    if out_path:
        Path(out_path).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        click.echo(f"wrote {out_path}", err=True)
