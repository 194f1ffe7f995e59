"""Speed of the verifier: stances for 30 claims x 5 evidence items (150 pairs), CPU.

    python -m bench.verifier                         # the bundled verifier as shipped (bf16), 2 threads
    python -m bench.verifier --variant fp32 --variant int8 --variant bf16
    python -m bench.verifier --spec dir:/tmp/v --runs 5

Pairs: the seed article's 36 gold claims (the Norwegian sentence of the first 30) against 5 passages of the bundled
seed store each (their gold evidence first, then other passages), so lengths are those of real verdicts. Prints one
JSON object per variant: load seconds, median wall seconds and median process CPU seconds over the runs (CPU time
is less sensitive to other load on a shared machine), pairs per second, and the load average.

Variants of the bundled e5 cross-encoder: "bf16" (bfloat16 autocast, what ships), "fp32", "int8" (dynamic int8
quantisation of every Linear layer, the spec suffix +int8: torch.ao.quantization.quantize_dynamic, fp32 elsewhere).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


def pairs(n_claims: int = 30, per_claim: int = 5) -> tuple[list[str], list[str]]:
    passages = {}
    for line in (ROOT / "data" / "seed" / "passages.jsonl").read_text(encoding="utf-8").splitlines():
        p = json.loads(line)
        passages[p["id"]] = p["text"]
    ids = list(passages)
    gold = SHARED / "seed" / "claims.gold.jsonl"
    claims, evidence = [], []
    if gold.exists():
        rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()][:n_claims]
    else:  # without the shared data: sentences of the bundled article as claims
        text = (ROOT / "data" / "seed" / "article.md").read_text(encoding="utf-8").split("---")[-1]
        rows = [{"source_span_no": s.strip(), "evidence": []} for s in text.split(". ") if len(s.strip()) > 30]
        rows = (rows * n_claims)[:n_claims]
    for i, r in enumerate(rows):
        chosen = [e["passage_id"] for e in r.get("evidence", []) if e.get("passage_id") in passages][:per_claim]
        k = i
        while len(chosen) < per_claim:
            pid = ids[k % len(ids)]
            k += 7
            if pid not in chosen:
                chosen.append(pid)
        for pid in chosen:
            claims.append(r["source_span_no"])
            evidence.append(passages[pid])
    return claims, evidence


def run(spec: str, variant: str, runs: int, threads: int, batch_size: int) -> dict:
    import torch

    from verdicts.entail import E5CrossVerifier, get_verifier

    torch.set_num_threads(threads)
    claims, evidence = pairs()
    t = time.perf_counter()
    v = get_verifier(spec + "+int8" if variant == "int8" else spec)
    if isinstance(v, E5CrossVerifier) and variant == "fp32":
        v.config = dict(v.config, bf16=False)
    v.warm_up()
    load = time.perf_counter() - t
    v.predict(claims[:8], evidence[:8], batch_size=batch_size)  # first-call overhead
    walls, cpus, probs = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        probs = v.predict(claims, evidence, batch_size=batch_size)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    wall = statistics.median(walls)
    return {
        "verifier": v.name,
        "version": v.version,
        "variant": variant,
        "pairs": len(claims),
        "threads": threads,
        "batch_size": batch_size,
        "load_s": round(load, 2),
        "median_wall_s": round(wall, 3),
        "median_cpu_s": round(statistics.median(cpus), 3),
        "pairs_per_s": round(len(claims) / wall, 1),
        "walls_s": [round(w, 3) for w in walls],
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "stances": {s: int((probs.argmax(1) == i).sum()) for i, s in enumerate(("supports", "refutes", "neutral"))},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", default="bundled")
    ap.add_argument("--variant", action="append", choices=["bf16", "fp32", "int8"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args()
    for variant in args.variant or ["bf16"]:
        print(json.dumps(run(args.spec, variant, args.runs, args.threads, args.batch_size)), flush=True)


if __name__ == "__main__":
    main()
