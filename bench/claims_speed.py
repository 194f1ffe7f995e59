"""Speed of claim extraction on an 800-word article (the issue's budget: under 0.5 s on 2 cores).

    python -m bench.claims_speed [--repeat 5]

The article is the seed article's body repeated to 800 words (Norwegian). Prints the median
wall time of sentence splitting + extract_claims with the rule score, and with the learned
check-worthiness model (which embeds every claim with e5; its first load is reported apart).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from claims.extract import extract_claims
from claims.read import read_articles
from claims.segment import split_sentences

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "article.md"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--words", type=int, default=800)
    args = ap.parse_args()
    art = read_articles(SEED)[0]
    paras = [p for p in art.text.split("\n\n") if p.strip()]
    body, k = [], 0
    while len(" ".join(body).split()) < args.words:
        body.append(paras[k % len(paras)])
        k += 1
    text = "\n\n".join(body)

    def run(mode: str) -> tuple[float, int]:
        t = time.perf_counter()
        claims = extract_claims(
            art.id, text, split_sentences(text, "nb"), language="nb", published=art.published, checkworthiness=mode
        )
        return time.perf_counter() - t, len(claims)

    out = {"words": len(text.split()), "repeat": args.repeat}
    times = [run("rules") for _ in range(args.repeat)]
    out["rules_median_s"] = round(statistics.median(t for t, _ in times), 3)
    out["claims"] = times[0][1]
    t0 = time.perf_counter()
    from claims.checkworthy import e5_model, load_model

    load_model()
    e5_model()
    out["model_load_s"] = round(time.perf_counter() - t0, 3)
    times = [run("model") for _ in range(max(1, args.repeat // 2))]
    out["model_median_s"] = round(statistics.median(t for t, _ in times), 3)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
