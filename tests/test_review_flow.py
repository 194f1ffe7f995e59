"""The real verify_articles flow (Prefect test harness) reuses a reviewer's decision in the next run."""

import pytest

from review import auth, decisions, queue
from review.reuse import RULE
from sources.embed import HashEmbedder
from sources.ingest import ingest_passages
from sources.store import Store


@pytest.fixture(scope="module")
def harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness():
        yield


def test_next_run_of_the_flow_takes_the_decision(harness, tmp_path, seed_dir):
    from flows.verify import verify_articles

    db = str(tmp_path / "s.duckdb")
    with Store(db) as st:
        ingest_passages(st, seed_dir / "passages.jsonl", HashEmbedder())
    first = verify_articles([str(seed_dir / "article.md")], db, embedder="hash")
    with Store(db) as st:
        auth.add_user(st, "kari", password="correct horse battery")
        item = queue.list_queue(st).items[0]
        d = decisions.decide(st, item.claim_id, reviewer="kari", label="SUPPORTED", note="phoned the ministry")
    assert item.run_id == first.run_id
    second = verify_articles([str(seed_dir / "article.md")], db, embedder="hash")
    by_claim = {v.claim.id: v for v in second.verdicts}
    v = by_claim[item.claim_id]
    assert v.label.value == "SUPPORTED" and not v.review.needed and d.decision_id in v.explanation
    assert v.evidence[0].rule == RULE and v.evidence[0].passage_id == d.decision_id
    assert sum(1 for x in second.verdicts if x.evidence and x.evidence[0].rule == RULE) == 1
    with Store(db, read_only=True) as st:
        assert queue.list_queue(st).total == len([x for x in first.verdicts if x.review.needed]) - 1
        assert queue.get_claim(st, item.claim_id).run_id == second.run_id
