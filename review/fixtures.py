"""Stores with flagged claims, for tests, the benchmark and trying the app: one real run, or many synthetic rows."""

from __future__ import annotations

import json
from pathlib import Path

from sources import tables_passages, tables_runs
from sources.store import Store, now


def check_into_store(store: Store, article_paths, embedder, *, reuse=None, k: int = 8) -> str:
    """Run the library pipeline (no Prefect) over articles and record the run; returns the run id.

    reuse is passed to check_article (see review.reuse.DecisionReuse).
    """
    from claims.read import read_articles
    from sources.retrieve import Retriever
    from verdicts.decide import RULES_VERSION, DecideConfig
    from verdicts.model import ModelInfo, Provenance
    from verdicts.pipeline import check_article
    from verdicts.record import save_article

    models = [ModelInfo(embedder.name, embedder.version, "embedder")]
    run_id = store.begin_run(
        code_version="test",
        models=[{"name": embedder.name, "version": embedder.version, "role": "embedder"}],
        rules_version=RULES_VERSION,
        params={},
    )
    prov = Provenance(run_id=run_id, code_version="test", models=tuple(models), rules_version=RULES_VERSION)
    retriever = Retriever(store, embedder)
    config = DecideConfig.load()
    for path in article_paths:
        for article in read_articles(path):
            kwargs = {"reuse": reuse} if reuse is not None else {}
            result = check_article(article, retriever, prov, k=k, config=config, **kwargs)
            save_article(store, run_id, article, result.claims, result.verdicts)
    store.finish_run(run_id)
    return run_id


def seed_store(store: Store, seed_dir: str | Path, embedder) -> str:
    """Ingest the seed passages and check the seed article; returns the run id."""
    from sources.ingest import ingest_passages

    seed_dir = Path(seed_dir)
    ingest_passages(store, seed_dir / "passages.jsonl", embedder)
    return check_into_store(store, [seed_dir / "article.md"], embedder)


_LABELS = ("REFUTED", "CONFLICTING", "NOT_ENOUGH_EVIDENCE", "SUPPORTED")
_BODY_SENTENCE = "Over {i} people were counted in the district on 30 April 2024, officials said. "


def synthetic_flagged(store: Store, n: int, *, claims_per_article: int = 20, passages_per_claim: int = 3) -> str:
    """Write one run with n flagged claims (synthetic text, real row shapes) straight into the tables."""
    run_id = store.begin_run(code_version="bench", models=[], rules_version="bench", params={"synthetic": n})
    created = now()
    articles, claims, verdicts, links = [], [], [], []
    n_articles = (n + claims_per_article - 1) // claims_per_article
    for a in range(n_articles):
        text = "".join(_BODY_SENTENCE.format(i=1000 + a * claims_per_article + j) for j in range(claims_per_article))
        art_id = f"a-bench-{a:06d}"
        articles.append(_article_row(art_id, run_id, a, text))
        pos = 0
        for j in range(claims_per_article):
            i = a * claims_per_article + j
            if i >= n:
                break
            sent = _BODY_SENTENCE.format(i=1000 + i).strip()
            start = text.index(sent, pos)
            pos = start + len(sent)
            claim, verdict, claim_links = _claim_rows(run_id, art_id, a, i, sent, start, created, passages_per_claim)
            claims.append(claim)
            verdicts.append(verdict)
            links.extend(claim_links)
    passages = [_passage_row(p, created) for p in range(min(5000, n * passages_per_claim))]
    with store.transaction() as con:
        tables_runs.insert_articles(con, articles)
        tables_runs.insert_claims(con, claims)
        tables_runs.insert_verdicts(con, verdicts)
        tables_runs.insert_evidence_links(con, links)
        tables_passages.insert_passage_rows(con, passages, skip_existing=True)
    store.finish_run(run_id)
    return run_id


def _article_row(art_id: str, run_id: str, a: int, text: str) -> tuple:
    """The `articles` row of synthetic article number a."""
    return (
        art_id,
        run_id,
        f"h{a}",
        f"Bench article {a}",
        f"https://example.org/{a}",
        "nb" if a % 2 else "en",
        None,
        None,
        text,
    )


def _synthetic_reasons(label: str, conf: float) -> list[str]:
    """The review reasons a flagged verdict with this label and confidence carries."""
    if label == "REFUTED":
        return ["refuted with high confidence"]
    if label == "CONFLICTING":
        return ["conflicting evidence"]
    if label == "NOT_ENOUGH_EVIDENCE":
        return ["check-worthy claim without evidence"]
    return [f"low confidence ({conf:.2f} < 0.60)"]


def _claim_rows(
    run_id: str, art_id: str, a: int, i: int, sent: str, start: int, created, passages_per_claim: int
) -> tuple[tuple, tuple, list[tuple]]:
    """Synthetic claim number i (sentence sent at start in article a): its claim row, verdict row and links."""
    cid, vid = f"c-bench-{i:07d}", f"v-bench-{i:07d}"
    label = _LABELS[i % 4]
    conf = round(0.3 + (i % 7) / 10, 2)
    reasons = _synthetic_reasons(label, conf)
    claim = (
        cid,
        run_id,
        art_id,
        sent,
        start,
        start + len(sent),
        "numeric",
        "nb" if a % 2 else "en",
        0.5 + (i % 5) / 10,
        True,
        "bench",
        "{}",
    )
    verdict = (
        vid,
        run_id,
        cid,
        art_id,
        label,
        conf,
        True,
        json.dumps(reasons),
        f"{label}: synthetic",
        json.dumps({"run_id": run_id}),
        created,
    )
    return claim, verdict, _link_rows(vid, run_id, i, passages_per_claim)


def _link_rows(vid: str, run_id: str, i: int, passages_per_claim: int) -> list[tuple]:
    """The `evidence_links` rows of synthetic verdict vid (claim number i): the first refutes, the rest are neutral."""
    return [
        (
            vid,
            run_id,
            r + 1,
            f"p-bench-{(i * passages_per_claim + r) % 5000:05d}",
            0.85,
            "refutes" if r == 0 else "neutral",
            0.7,
            "quantity" if r == 0 else "",
            f"claim says over {1000 + i}; source says {1000 + i + 7}",
            "load-bench",
        )
        for r in range(passages_per_claim)
    ]


def _passage_row(p: int, created) -> tuple:
    """The `passages` row of synthetic source passage number p."""
    return (
        f"p-bench-{p:05d}",
        None,
        f"Officials counted {1000 + p + 7} people in the district. The count was published on 30 April 2024.",
        "en",
        f"https://source.example/{p}",
        f"Source {p}",
        "source.example",
        None,
        None,
        None,
        None,
        None,
        None,
        "bench",
        "load-bench",
        created,
        None,
    )
