"""One gate run over files: open the store, load the corrections, check the files, and record the run when the
policy asks (cli.gate is the command around it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Sequence

from claims.version import code_version
from gate import report
from gate.check import GateResult, Policy, check_files
from gate.corrections import list_corrections, merge_corrections, read_corrections_file
from review.reuse import DecisionReuse
from sources import tables_gate
from sources.embed import get_embedder
from sources.embed_cache import CachingEmbedder, save_cached
from sources.retrieve import Retriever
from sources.store import Store, new_id
from verdicts.decide import RULES_VERSION
from verdicts.model import ModelInfo, Provenance
from verdicts.record import save_article


def run_gate(
    files: Sequence[str],
    policy: Policy,
    db_path: str,
    embedder_name: str,
    root: Path,
    note: Callable[[str], None] = lambda message: None,
) -> GateResult:
    """Open the store, load the corrections, check the files; record the run when the policy asks. `note` gets
    the progress lines a person reads (the CLI writes them to stderr)."""
    corrections_file = policy.corrections_file or (
        str(root / "corrections.toml") if (root / "corrections.toml").is_file() else ""
    )
    from_file = []
    if corrections_file and Path(corrections_file).is_file():
        from_file = read_corrections_file(corrections_file)
    elif corrections_file:
        note(f"note: no corrections file at {corrections_file} yet: only the store's corrections apply.")
    if not files:
        return GateResult(policy=policy, corrections=from_file)
    with Store(db_path, read_only=not policy.record) as store:
        # Query vectors cached by content (embedding_cache, filled by check and nightly runs): unchanged
        # claims of a changed article are not embedded again, and each claim is embedded once per gate.
        emb = CachingEmbedder(get_embedder(embedder_name), store)
        corrections = merge_corrections(list_corrections(store), from_file)
        models = [ModelInfo(emb.name, emb.version, "embedder")]
        if policy.record:
            run_id = store.begin_run(
                code_version=code_version(),
                models=[{"name": m.name, "version": m.version, "role": m.role} for m in models],
                rules_version=RULES_VERSION,
                params={"gate": True, "files": list(files), "policy": policy.path},
            )
        else:
            run_id = new_id("gate")
        provenance = Provenance(
            run_id=run_id, code_version=code_version(), models=tuple(models), rules_version=RULES_VERSION
        )
        retriever = Retriever(store, emb)
        note(f"gate: checking {len(files)} file(s) against {db_path} ({len(corrections)} correction(s)) ...")
        reuse = DecisionReuse(store, emb)  # reviewers' decisions in force, read-only
        result = check_files(files, policy, retriever, provenance, corrections=corrections, root=root, reuse=reuse)
        if policy.record:
            record_gate(store, result, run_id, emb)
    return result


def record_gate(store: Store, result: GateResult, run_id: str, emb: CachingEmbedder) -> None:
    """The run's verdicts, its new query vectors and a gate_runs row with its findings."""
    for chk in result.checks:
        save_article(store, run_id, chk.article, chk.result.claims, chk.result.verdicts)
    with store.transaction() as con:
        save_cached(con, emb.name, emb.take_pending())
    store.finish_run(run_id, status="done")
    findings = json.dumps([report.finding_to_dict(f) for f in result.findings], ensure_ascii=False)
    tables_gate.insert_gate_run(
        store.con,
        run_id=run_id,
        base=result.base or None,
        head=result.head or None,
        policy_path=result.policy.path or None,
        status=result.status,
        articles=len(result.checks),
        claims=result.claims,
        failures=len(result.failures),
        findings=findings,
    )
