"""`factcheck store ingest | stats | remove | index` and `factcheck eval retrieval | matching`.

Registered into cli/main.py's `store` and `eval` groups by `register(store, eval_group)`; the
`ingest` and `stats` defined here replace the passage-only ones (same options, same JSON on stdout,
more formats and more detail). Heavy imports happen inside the commands.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from claims.errors import FactcheckError
from cli.options import db_option, embedder_option, err, fail


def _progress():
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )


# -- store ----------------------------------------------------------------------------------------
@click.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option
@embedder_option
@click.option("--strict", is_flag=True, help="Refuse the whole file if any row is bad.")
@click.option(
    "--kind",
    type=click.Choice(["auto", "passages", "document", "claimreview", "averitec-pool", "checkthat", "facts"]),
    default="auto",
    show_default=True,
    help="What the files hold; auto tells it from the extension and the first bytes.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Passage files: retire the passages an earlier version of the same file held and this one "
    "does not (documents and facts always replace their earlier versions).",
)
@click.option(
    "--title-context",
    is_flag=True,
    help="Passages and documents: embed and index each passage after its source title (for sentences "
    "of titled articles, e.g. an encyclopedia, that do not name their subject). The stored text "
    "and ids do not change; passages already stored keep their vectors.",
)
def store_ingest(files, db, embedder, strict, kind, replace, title_context) -> None:
    """Load reference material into the store, embedding each passage once.

    \b
    Accepts:
      passages   .jsonl / .csv with 'text' (and id, source_url, source_title, published_date, language, context)
      documents  .md (front matter), .html, .txt: cut into passages that keep their spans
      fact-checks  ClaimReview JSON-LD (.json, .jsonld, .jsonl, .html), the AVeriTeC pool (.json),
                   CheckThat verified claims (.jsonl with vclaim)
      facts      .csv / .jsonl with subject, attribute, value, unit, valid_from, valid_to, source

    Rows already stored are skipped (ids are content hashes). Bad rows are reported with their line
    numbers and the good ones load, unless --strict. Prints one JSON line per file on stdout and a
    summary (added / skipped / rejected) on stderr.

    \b
    Examples:
      factcheck store ingest data/seed/passages.jsonl --db store.duckdb
      factcheck store ingest reports/*.md factchecks.jsonld facts.csv --db store.duckdb
      factcheck store ingest wiki-sentences.jsonl --title-context --db store.duckdb
    """
    from sources.embed import get_embedder
    from sources.store import Store

    totals = {"added": 0, "skipped": 0, "rejected": 0, "retired": 0}
    try:
        emb = get_embedder(embedder)
        with Store(db) as st:
            for path in files:
                result = _ingest_with_progress(st, path, emb, kind, strict, replace, title_context)
                _report_ingest(path, result, totals)
    except FactcheckError as exc:
        fail(exc)
    if len(files) > 1:
        err(
            f"total: {totals['added']} added, {totals['skipped']} already stored, {totals['rejected']} rejected"
            + (f", {totals['retired']} retired" if totals["retired"] else "")
        )


def _ingest_with_progress(st, path: str, emb, kind: str, strict: bool, replace: bool, title_context: bool):
    """Ingest one file into the open store, with a progress bar on stderr while it embeds."""
    from sources.ingest import ingest_file

    with _progress() as bar:
        task_id = bar.add_task(f"embedding {Path(path).name}", total=None)
        return ingest_file(
            st,
            path,
            emb,
            kind=kind,
            strict=strict,
            replace=replace,
            title_context=title_context,
            progress=lambda done, total: bar.update(task_id, completed=done, total=total),
        )


def _report_ingest(path: str, result, totals: dict) -> None:
    """One file's rejected rows and summary on stderr, its JSON line on stdout; adds its counts to totals."""
    report = result.report
    for row in report.rejected:
        err(f"warning: {path}:{row.line}: rejected: {row.reason}")
    note = " (unchanged since last load)" if result.unchanged else ""
    retired = f", {result.retired} retired" if result.retired else ""
    err(f"{report.summary()}{retired} [{result.kind}]{note}")
    totals["added"] += report.added
    totals["skipped"] += report.skipped
    totals["rejected"] += len(report.rejected)
    totals["retired"] += result.retired
    click.echo(
        json.dumps(
            {
                "path": report.path,
                "kind": result.kind,
                "load_id": report.load_id,
                "added": report.added,
                "skipped": report.skipped,
                "rejected": len(report.rejected),
                "retired": result.retired,
            }
        )
    )


@click.command("stats")
@db_option
def store_stats(db: str) -> None:
    """Show what the store holds: passages by language, source and load; documents, fact-checks, facts; indexes.

    \b
    Example:
      factcheck store stats --db store.duckdb
    """
    from sources.ingest import store_summary
    from sources.store import Store

    try:
        with Store(db, read_only=True) as st:
            out = store_summary(st)
    except FactcheckError as exc:
        fail(exc)
    out = {"db": db, **out}
    click.echo(json.dumps(out, indent=2, ensure_ascii=False, default=str))


@click.command("remove")
@db_option
@click.option("--url", "source_url", help="Remove every row from this source URL.")
@click.option("--load", "load_id", help="Remove every row a load wrote (see `factcheck store stats`).")
@click.option("--path", "path", help="Remove every row loaded from this file path.")
def store_remove(db, source_url, load_id, path) -> None:
    """Remove a source from the live store. Passages and facts are kept in history tables
    (retired_passages, facts_history), so verdicts that used them can still be shown and replayed.

    \b
    Examples:
      factcheck store remove --url https://example.org/report --db store.duckdb
      factcheck store remove --load load-20240430T101500-1a2b3c4d --db store.duckdb
    """
    from sources.ingest import remove_source
    from sources.store import Store

    if not Path(db).exists():
        fail(FactcheckError(f"no store at {db}. Give the store with --db PATH.", code="FC202"))
    try:
        with Store(db) as st:
            removed = remove_source(st, source_url=source_url, load_id=load_id, path=path)
    except FactcheckError as exc:
        fail(exc)
    err(
        f"removed {removed['passages']} passage(s), {removed['facts']} fact(s), {removed['prior_checks']} fact-check(s)"
    )
    click.echo(json.dumps(removed))


@click.command("index")
@db_option
@embedder_option
@click.option("--rebuild", is_flag=True, help="Build from scratch even when the saved index matches.")
@click.option(
    "--threshold",
    type=int,
    default=None,
    help="Passages above which the approximate (faiss) index is used (default 50000).",
)
def store_index(db, embedder, rebuild, threshold) -> None:
    """Build or update the search indexes saved beside the store (vectors, faiss, BM25).

    Searches build them on first use anyway; run this after a big ingest so that the first check
    does not wait.

    \b
    Example:
      factcheck store index --db store.duckdb
    """
    from sources.embed import get_embedder
    from sources.index import EXACT_MAX, LexicalIndex, VectorIndex
    from sources.store import Store

    try:
        emb = get_embedder(embedder)
        with Store(db, read_only=True) as st:
            vec = VectorIndex.for_store(st, emb.name, threshold=threshold or EXACT_MAX, rebuild=rebuild)
            lex = LexicalIndex.for_store(st, rebuild=rebuild)
    except FactcheckError as exc:
        fail(exc)
    click.echo(
        json.dumps(
            {
                "passages": len(vec),
                "vector_index": vec.kind,
                "vector": vec.built,
                "vector_seconds": round(vec.build_seconds, 2),
                "bm25": lex.built,
                "bm25_seconds": round(lex.build_seconds, 2),
            }
        )
    )


# -- eval -----------------------------------------------------------------------------------------
@click.command("retrieval")
@click.option(
    "--set",
    "set_name",
    type=click.Choice(["seed", "scifact", "climate-fever"]),
    default="seed",
    show_default=True,
    help="Which data set adapter reads the files.",
)
@click.option(
    "--gold",
    type=click.Path(dir_okay=False),
    help="Claims with gold evidence (seed: claims.gold.jsonl; scifact: claims_dev.jsonl; "
    "climate-fever: climate-fever.jsonl). Default: the file in ../shared/data.",
)
@click.option(
    "--corpus",
    type=click.Path(dir_okay=False),
    help="The passages (seed: passages.jsonl; scifact: corpus.jsonl). Default: beside --gold.",
)
@click.option(
    "--query",
    type=click.Choice(["source", "en", "claims"]),
    default="source",
    show_default=True,
    help="seed: query with the article's Norwegian sentence (source), the English gold claim (en), or "
    "the claim the pipeline extracts from the article, paired with the gold claim (claims).",
)
@click.option(
    "--mode",
    "modes",
    multiple=True,
    type=click.Choice(["dense", "bm25", "hybrid"]),
    help="Retrieval mode(s) to measure (repeatable; default: all three).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    help="Store to build or reuse for the set (default: a cache file under ~/.cache/factcheck).",
)
@embedder_option
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the JSON report here.")
@click.option(
    "--split",
    type=click.Choice(["all", "tune", "held-out"]),
    default="all",
    show_default=True,
    help="Which queries (eval/splits.py by query id): tune = folds 1-4, held-out = fold 0.",
)
@click.option("--rrf-k", type=int, default=None, help="Hybrid fusion: k of 1/(k + rank) (default: the tuned one).")
@click.option("--w-bm25", type=float, default=None, help="Hybrid fusion: weight of the BM25 ranking (default: tuned).")
@click.option(
    "--title-context",
    is_flag=True,
    help="Build the store as `store ingest --title-context` would: each passage embedded and indexed "
    "after its source title (a separate cached store).",
)
def eval_retrieval(
    set_name, gold, corpus, query, modes, db, embedder, out, split, rrf_k, w_bm25, title_context
) -> None:
    """Recall@k and MRR of gold evidence passages (any gold passage in the top k).

    \b
    Examples:
      factcheck eval retrieval --set seed
      factcheck eval retrieval --set seed --query claims     # the claims the pipeline extracts
      factcheck eval retrieval --set scifact --gold ../shared/data/scifact/claims_dev.jsonl
      factcheck eval retrieval --set climate-fever --mode hybrid --out cf.json
      factcheck eval retrieval --set climate-fever --title-context --split held-out
    """
    from eval.retrieval import load_set, select_split, store_path, titled
    from sources.embed import get_embedder

    fusion = {k: v for k, v in (("rrf_k", rrf_k), ("w_bm25", w_bm25)) if v is not None}
    try:
        emb = get_embedder(embedder) if set_name == "seed" and query == "claims" else None
        full = load_set(set_name, gold=gold, corpus=corpus, query=query, embedder=emb)
        if title_context:
            full = titled(full)
        rset = select_split(full, split)
        if tuple(modes) == ("bm25",) and not db:  # BM25 alone needs no store and no embedding
            _eval_bm25_alone(rset, set_name, query, title_context, out)
            return
        emb = emb or get_embedder(embedder)
        db = db or store_path(full, emb)
        results = _eval_modes(rset, set_name, db, emb, modes, fusion, query, split, title_context)
    except FactcheckError as exc:
        fail(exc)
    _print_report({"set": set_name, "db": db, "embedder": emb.name, "results": results}, out)


def _eval_bm25_alone(rset, set_name: str, query: str, title_context: bool, out: str | None) -> None:
    """Measure BM25 over the set's passages without a store, and print (and write) its report."""
    from eval.retrieval import evaluate_retrieval, lexical_search

    res = evaluate_retrieval(rset, lexical_search(rset), batch=256)
    res.update(
        {
            "mode": "bm25",
            "query": query if set_name == "seed" else "claim",
            "index": "bm25 (no store)",
            "title_context": title_context,
        }
    )
    _note_result(set_name, "bm25", res)
    _print_report({"set": set_name, "results": [res]}, out)


def _eval_modes(rset, set_name: str, db, emb, modes, fusion: dict, query: str, split: str, title_context: bool):
    """Build (or reuse) the set's store and measure each retrieval mode on it; one result per mode."""
    from eval.retrieval import build_store
    from sources.retrieve import Retriever

    results = []
    with _progress() as bar:
        t = bar.add_task(f"embedding {set_name}", total=None)
        store = build_store(rset, db, emb, progress=lambda d, n: bar.update(t, completed=d, total=n))
    try:
        qv = None
        for mode in modes or ("dense", "bm25", "hybrid"):
            retriever = Retriever(store, emb, mode=mode, **fusion)
            if qv is None:
                qv = _embed_queries(rset, emb)
            res = _evaluate_with(rset, retriever, qv)
            res.update(
                {
                    "mode": mode,
                    "query": query if set_name == "seed" else "claim",
                    "index": retriever.index_kind,
                    "split": split,
                    "title_context": title_context,
                }
            )
            if mode == "hybrid":
                res.update({"rrf_k": retriever.rrf_k, "w_bm25": retriever.w_bm25})
            _note_result(set_name, mode, res)
            results.append(res)
    finally:
        store.close()
    return results


def _embed_queries(rset, emb) -> dict:
    """Every query's vector by its text, embedded in batches of 32 with a progress bar on stderr."""
    import numpy as np

    with _progress() as bar:
        t = bar.add_task("embedding queries", total=len(rset.queries))
        texts = [q.text for q in rset.queries]
        chunks = []
        for i in range(0, len(texts), 32):
            chunks.append(emb.queries(texts[i : i + 32]))
            bar.update(t, completed=min(i + 32, len(texts)))
        return dict(zip(texts, np.concatenate(chunks)))


def _evaluate_with(rset, retriever, qv: dict) -> dict:
    """Recall@k and MRR of one retriever, searching with the queries' precomputed vectors."""
    import numpy as np

    from eval.retrieval import evaluate_retrieval

    langs = {q.text: q.language for q in rset.queries}
    return evaluate_retrieval(
        rset,
        lambda ts, k: retriever.search_vectors(
            np.stack([qv[x] for x in ts]),
            k=k,
            texts=ts,
            languages=[langs[x] or "" for x in ts] if all(langs[x] for x in ts) else None,
        ),
        batch=256,
    )


def _note_result(set_name: str, mode: str, res: dict) -> None:
    """One mode's headline figures on stderr."""
    err(
        f"{set_name} {mode}: recall@5 {res.get('recall@5')}, recall@10 {res.get('recall@10')}, "
        f"MRR {res.get('mrr')} over {res['queries']} queries"
    )


def _print_report(report: dict, out: str | None) -> None:
    """The JSON report on stdout, and into out when given."""
    text = json.dumps(report, indent=2)
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
    click.echo(text)


@click.command("matching")
@click.option(
    "--queries",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Queries TSV (id<TAB>text), e.g. CT2022-Task2A-EN-Dev-Test_Queries.tsv.",
)
@click.option(
    "--qrels",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Gold TSV (query_id 0 vclaim_id 1); only these queries are scored.",
)
@click.option(
    "--claims",
    "claims_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Verified claims JSONL (vclaim_id, vclaim, title, ...).",
)
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the JSON report here.")
@click.option("--mode", type=click.Choice(["dense", "bm25", "hybrid"]), default="hybrid", show_default=True)
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    help="Store holding the verified claims (default: a cache file under ~/.cache/factcheck).",
)
@embedder_option
@click.option("--rrf-k", type=int, default=None, help="Hybrid fusion: k of 1/(k + rank) (default: the tuned one).")
@click.option("--w-bm25", type=float, default=None, help="Hybrid fusion: weight of the BM25 ranking (default: tuned).")
def eval_matching(queries, qrels, claims_path, out, mode, db, embedder, rrf_k, w_bm25) -> None:
    """MAP@k and recall@k of previously fact-checked claims found for each query (CheckThat! 2A).

    \b
    Example:
      D=../shared/data/checkthat2022-2a
      factcheck eval matching --queries $D/CT2022-Task2A-EN-Dev-Test_Queries.tsv \\
        --qrels $D/CT2022-Task2A-EN-Dev-Test_QRELs.tsv --claims $D/vclaims.jsonl --out report.json
    """
    from eval.matching import evaluate_matching, matching_store_path
    from sources.embed import get_embedder

    try:
        emb = get_embedder(embedder)
        db = db or matching_store_path(claims_path, emb)
        with _progress() as bar:
            t = bar.add_task("embedding verified claims", total=None)
            result = evaluate_matching(
                queries,
                qrels,
                claims_path,
                db=db,
                embedder=emb,
                mode=mode,
                progress=lambda d, n: bar.update(t, completed=d, total=n),
                w_bm25=w_bm25,
                rrf_k=rrf_k,
            )
    except FactcheckError as exc:
        fail(exc)
    result["db"] = db
    text = json.dumps(result, indent=2)
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
    err(f"MAP@5 {result.get('map@5')}, recall@10 {result.get('recall@10')} over {result['queries']} queries")
    click.echo(text)


def register(store_group: click.Group, eval_group: click.Group) -> None:
    for cmd in (store_ingest, store_stats, store_remove, store_index):
        store_group.add_command(cmd)
    eval_group.add_command(eval_retrieval)
    eval_group.add_command(eval_matching)
