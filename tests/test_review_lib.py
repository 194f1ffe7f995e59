"""The review library: queue order and filters, claim detail, decisions (append-only), auth, export, reuse."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from review import auth, decisions, queue
from review.errors import (
    AuthError,
    BadLabelError,
    BadUserError,
    ForbiddenError,
    SessionExpiredError,
    StaleDecisionError,
    UnknownClaimError,
    UserExistsError,
)
from review.export import claim_review, export, validate
from review.fixtures import check_into_store, seed_store, synthetic_flagged
from sources.embed import HashEmbedder
from sources.store import Store

PW = "correct horse battery"


@pytest.fixture(scope="module")
def seed_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("review") / "seed.duckdb"
    with Store(path) as st:
        run = seed_store(st, "data/seed", HashEmbedder())
        auth.add_user(st, "kari", "reviewer", password=PW)
        auth.add_user(st, "ola", "read-only", password=PW)
    return path, run


@pytest.fixture
def st(seed_template, tmp_path):
    path = tmp_path / "store.duckdb"
    shutil.copy(seed_template[0], path)
    with Store(path) as store:
        yield store


def test_queue_is_in_priority_order_and_only_flagged(st):
    page = queue.list_queue(st, queue.QueueFilter(limit=1000))
    assert page.total == len(page.items) > 0
    prios = [it.priority for it in page.items]
    assert prios == sorted(prios)
    flagged = st.con.execute("SELECT count(*) FROM verdicts WHERE review_needed").fetchone()[0]
    assert page.total == flagged
    # the seed's age claim ("87 år gamle Abbas": he was 88) is refuted with high confidence: first in line
    first = page.items[0]
    assert first.label == "REFUTED" and first.priority == 0 and "Abbas" in first.claim_text
    for it in page.items:
        if it.priority == 2:
            assert any("without evidence" in r for r in it.reasons)


def test_queue_priority_tiers_on_synthetic_rows(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        synthetic_flagged(st, 40, claims_per_article=10)
        items = queue.list_queue(st, queue.QueueFilter(limit=1000)).items
    assert len(items) == 40
    tiers = [it.priority for it in items]
    assert tiers == sorted(tiers)
    refuted_high = [it for it in items if it.priority == 0]
    assert refuted_high and all(it.label == "REFUTED" and it.confidence >= 0.6 for it in refuted_high)
    assert [it.confidence for it in refuted_high] == sorted((it.confidence for it in refuted_high), reverse=True)
    assert items[len(refuted_high)].label == "CONFLICTING"
    low = [it for it in items if it.priority == 3]
    assert [it.confidence for it in low] == sorted(it.confidence for it in low)


def test_queue_filters(st, seed_template):
    _, run = seed_template
    all_items = queue.list_queue(st, queue.QueueFilter(limit=1000)).items
    refuted = queue.list_queue(st, queue.QueueFilter(label="REFUTED", limit=1000)).items
    assert refuted and all(it.label == "REFUTED" for it in refuted) and len(refuted) < len(all_items)
    assert queue.list_queue(st, queue.QueueFilter(language="en")).total == 0
    assert queue.list_queue(st, queue.QueueFilter(language="nb")).total == len(all_items)
    assert queue.list_queue(st, queue.QueueFilter(run_id=run)).total == len(all_items)
    assert queue.list_queue(st, queue.QueueFilter(run_id="run-nope")).total == 0
    art = all_items[0].article_id
    assert queue.list_queue(st, queue.QueueFilter(article_id=art)).total == len(all_items)
    assert queue.list_queue(st, queue.QueueFilter(article_id="a-other")).total == 0
    # decided / reviewer status
    decisions.decide(st, all_items[0].claim_id, reviewer="kari", label="refuted")
    assert queue.list_queue(st, queue.QueueFilter(limit=1000)).total == len(all_items) - 1
    done = queue.list_queue(st, queue.QueueFilter(status="decided")).items
    assert [it.claim_id for it in done] == [all_items[0].claim_id] and done[0].decided_by == "kari"
    assert queue.list_queue(st, queue.QueueFilter(reviewer="kari")).total == 1
    assert queue.list_queue(st, queue.QueueFilter(reviewer="ola")).total == 0
    assert queue.list_queue(st, queue.QueueFilter(status="all", limit=1000)).total == len(all_items)
    # paging
    p1 = queue.list_queue(st, queue.QueueFilter(limit=3)).items
    p2 = queue.list_queue(st, queue.QueueFilter(limit=3, offset=3)).items
    assert len(p1) == 3 and not {i.claim_id for i in p1} & {i.claim_id for i in p2}


def test_queue_uses_the_latest_run_per_claim(st):
    first = queue.list_queue(st).items[0]
    run2 = check_into_store(st, ["data/seed/article.md"], HashEmbedder())
    again = queue.list_queue(st).items[0]
    assert again.claim_id == first.claim_id and again.run_id == run2
    assert queue.list_queue(st, queue.QueueFilter(run_id=first.run_id)).items[0].run_id == first.run_id


def test_claim_detail_has_span_evidence_and_highlights(st):
    item = queue.list_queue(st).items[0]
    d = queue.get_claim(st, item.claim_id)
    assert d.quote == d.article_text[d.span.start : d.span.end] == "87 år gamle Abbas"
    assert d.label == "REFUTED" and d.reasons and d.explanation
    assert d.evidence and all(e.source_url and e.source_title for e in d.evidence)
    for e in d.evidence:
        if e.highlight:
            assert 0 <= e.highlight.start < e.highlight.end <= len(e.text)
    ruled = [e for e in d.evidence if e.rule == "age"]
    assert ruled and ruled[0].explanation
    with pytest.raises(UnknownClaimError) as exc:
        queue.get_claim(st, "c-doesnotexist")
    assert exc.value.code == "FC501" and "factcheck review list" in str(exc.value)


def test_relevant_part_prefers_what_the_check_quoted():
    p = "A Chinese diplomat met Hamas chief Ismail Haniyeh in Qatar last month, the ministry said."
    sp = queue.relevant_part(p, "forrige måned", "claim's date 'forrige måned' matches the source's 'last month'")
    assert sp.of(p) == "last month"
    p2 = "Israel's onslaught has killed more than 34,000 Palestinians. Talks continue."
    sp2 = queue.relevant_part(p2, "Over 34.000 drept", "claim says over 34,000 (killed); source says over 34,000")
    assert sp2.of(p2) == "34,000"
    sp3 = queue.relevant_part("Nothing here. Abbas was born in 1935 in Safed.", "Abbas born 1935", "")
    assert sp3.of("Nothing here. Abbas was born in 1935 in Safed.") == "Abbas was born in 1935 in Safed."


def test_decisions_are_an_append_only_audit_trail(st):
    cid = queue.list_queue(st).items[0].claim_id
    d1 = decisions.decide(st, cid, reviewer="kari")  # confirm
    assert (d1.action, d1.label_before, d1.label_after) == ("confirm", "REFUTED", "REFUTED")
    d2 = decisions.decide(st, cid, reviewer="kari", label="not enough evidence", note="birth date disputed")
    assert (d2.action, d2.label_before, d2.label_after, d2.supersedes) == (
        "change",
        "REFUTED",
        "NOT_ENOUGH_EVIDENCE",
        d1.decision_id,
    )
    trail = decisions.history(st, cid)
    assert [t.decision_id for t in trail] == [d1.decision_id, d2.decision_id]
    assert trail[0] == d1  # the first row is unchanged
    assert trail[1].note == "birth date disputed" and trail[1].reviewer == "kari"
    assert decisions.current_decisions(st)[0].decision_id == d2.decision_id
    with pytest.raises(StaleDecisionError):
        decisions.decide(st, cid, reviewer="kari", label="refuted", expected_previous=d1.decision_id)
    assert len(decisions.history(st, cid)) == 2


def test_decide_refuses_bad_label_reader_unknown_user_and_claim(st):
    cid = queue.list_queue(st).items[0].claim_id
    with pytest.raises(BadLabelError) as exc:
        decisions.decide(st, cid, reviewer="kari", label="MOSTLY_TRUE")
    assert "SUPPORTED" in str(exc.value)
    with pytest.raises(ForbiddenError):
        decisions.decide(st, cid, reviewer="ola", label="REFUTED")
    with pytest.raises(AuthError):
        decisions.decide(st, cid, reviewer="nobody")
    with pytest.raises(UnknownClaimError):
        decisions.decide(st, "c-missing", reviewer="kari")
    assert decisions.history(st, cid) == []


def test_passwords_are_argon2_hashed_and_checked(st):
    stored = st.con.execute("SELECT password_hash FROM review_users WHERE username = 'kari'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PW not in stored
    assert auth.authenticate(st, "kari", PW).role == "reviewer"
    with pytest.raises(AuthError):
        auth.authenticate(st, "kari", PW + "x")
    with pytest.raises(AuthError):
        auth.authenticate(st, "nobody", PW)
    with pytest.raises(UserExistsError):
        auth.add_user(st, "kari", password=PW)
    with pytest.raises(BadUserError):
        auth.add_user(st, "eve", password="short")
    with pytest.raises(BadUserError):
        auth.add_user(st, "Eve; DROP TABLE review_users", password=PW)
    with pytest.raises(BadUserError):
        auth.add_user(st, "eve", "admin", password=PW)


def test_tokens_and_sessions_expire(st):
    tok = auth.add_user(st, "bot", "read-only", token=True)
    assert tok.startswith("fct_")
    assert st.con.execute("SELECT count(*) FROM review_users WHERE token_hash = ?", [tok]).fetchone()[0] == 0
    user = auth.authenticate_token(st, tok)
    assert user.username == "bot" and not user.can_decide
    with pytest.raises(AuthError):
        auth.authenticate_token(st, tok + "x")
    cookie, session = auth.create_session(st, user, dt.timedelta(minutes=5))
    assert auth.get_session(st, cookie).user == user
    assert auth.csrf_ok(session, session.csrf_token) and not auth.csrf_ok(session, "forged")
    assert not auth.csrf_ok(session, "")
    with pytest.raises(SessionExpiredError):
        auth.get_session(st, cookie, at=session.expires_at + dt.timedelta(seconds=1))
    with pytest.raises(SessionExpiredError):
        auth.get_session(st, "not-a-session")
    auth.end_session(st, cookie)
    with pytest.raises(SessionExpiredError):
        auth.get_session(st, cookie)


def test_export_claimreview_validates_against_schema_org(st):
    items = queue.list_queue(st).items
    decisions.decide(st, items[0].claim_id, reviewer="kari", note="He was 88 on 30 April 2024.")
    decisions.decide(st, items[1].claim_id, reviewer="kari", label="supported")
    docs = json.loads(export(st, "claimreview", base_url="https://desk.example", org="NRK Faktisk"))
    assert len(docs) == 2
    for doc in docs:
        assert validate(doc) == [], validate(doc)
        assert doc["@type"] == "ClaimReview" and doc["url"].startswith("https://desk.example/claims/c-")
        claim = doc["itemReviewed"]
        assert claim["@type"] == "Claim" and claim["appearance"]["@type"] == "CreativeWork"
        assert claim["datePublished"] == "2024-04-30"
        r = doc["reviewRating"]
        assert (r["bestRating"], r["worstRating"]) == (4, 1) and r["alternateName"] in ("False", "True")
        assert doc["author"] == {"@type": "Organization", "name": "NRK Faktisk"}
    by_name = {d["reviewRating"]["alternateName"]: d for d in docs}
    assert by_name["False"]["reviewRating"]["ratingValue"] == 1
    assert by_name["False"]["itemReviewed"]["text"] == "87 år gamle Abbas"
    machine = json.loads(export(st, "claimreview", machine=True))
    assert len(machine) > 2 and all(validate(d) == [] for d in machine)


def test_validator_catches_what_schema_org_does_not_allow():
    good = claim_review(_row())
    assert validate(good) == []
    bad = json.loads(json.dumps(good))
    bad["itemReviewed"]["@type"] = "Claimm"
    assert any("unknown type" in p for p in validate(bad))
    bad = json.loads(json.dumps(good))
    bad["reviewRating"]["claimReviewed"] = "x"
    assert any("not a property of Rating" in p for p in validate(bad))
    bad = json.loads(json.dumps(good))
    bad["reviewRating"]["ratingValue"] = 9
    assert any("outside" in p for p in validate(bad))
    bad = json.loads(json.dumps(good))
    bad["author"] = {"@type": "Claim"}
    assert any("not allowed here" in p for p in validate(bad))
    bad = json.loads(json.dumps(good))
    bad["datePublished"] = "30 April"
    assert any("datePublished" in p for p in validate(bad))
    bad = json.loads(json.dumps(good))
    bad["verdict"] = "false"
    assert any("not a schema.org property" in p for p in validate(bad))


def _row():
    from review.export import ExportRow

    return ExportRow(
        claim_id="c-1",
        run_id="run-1",
        verdict_id="v-1",
        article_id="a-1",
        article_title="T",
        article_url="https://news.example/a",
        article_published="2024-04-30",
        claim_text="x is 3",
        quote="x is 3",
        language="en",
        machine_label="REFUTED",
        machine_confidence=0.9,
        review_reasons="",
        label="REFUTED",
        decided=True,
        action="confirm",
        reviewer="kari",
        decided_at="2026-01-02T03:04:05Z",
        note="",
        decision_id="d-1",
        explanation="",
    )


def test_export_csv_has_decisions_and_neutralises_formulas(st):
    cid = queue.list_queue(st).items[0].claim_id
    decisions.decide(st, cid, reviewer="kari", label="refuted", note='=HYPERLINK("http://evil")')
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(export(st, "csv"))))
    assert len(rows) == 1
    assert rows[0]["claim_id"] == cid and rows[0]["label"] == "REFUTED" and rows[0]["reviewer"] == "kari"
    assert rows[0]["note"].startswith("'=")
    with pytest.raises(Exception) as exc:
        export(st, "xml")
    assert "FC509" in str(exc.value)


def test_decision_reused_by_the_next_run_same_claim(st):
    from review.reuse import RULE, DecisionReuse, find_decision

    item = queue.list_queue(st).items[0]
    d = decisions.decide(st, item.claim_id, reviewer="kari", label="supported", note="checked by phone")
    emb = HashEmbedder()
    run2 = check_into_store(st, ["data/seed/article.md"], emb, reuse=DecisionReuse(st, emb))
    label, needed, expl = st.con.execute(
        "SELECT label, review_needed, explanation FROM verdicts WHERE run_id = ? AND claim_id = ?",
        [run2, item.claim_id],
    ).fetchone()
    assert label == "SUPPORTED" and not needed and d.decision_id in expl
    link = st.con.execute(
        "SELECT e.rule, e.explanation FROM evidence_links e JOIN verdicts v USING (verdict_id, run_id) "
        "WHERE v.run_id = ? AND v.claim_id = ? AND e.passage_id = ?",
        [run2, item.claim_id, d.decision_id],
    ).fetchone()
    assert link[0] == RULE and "kari" in link[1]
    detail = queue.get_claim(st, item.claim_id)
    assert detail.evidence[0].passage_id == d.decision_id and detail.evidence[0].publisher == "reviewer kari"
    assert find_decision(detail_claim(st, item.claim_id), st, emb).decision_id == d.decision_id
    # other claims were not touched
    others = st.con.execute(
        "SELECT count(*) FROM evidence_links WHERE run_id = ? AND rule = ?", [run2, RULE]
    ).fetchone()[0]
    assert others == 1


def detail_claim(st, claim_id):
    from claims.model import Claim, Span

    text, s0, s1, art, lang = st.con.execute(
        "SELECT text, span_start, span_end, article_id, language FROM claims WHERE claim_id = ? LIMIT 1", [claim_id]
    ).fetchone()
    return Claim(article_id=art, text=text, span=Span(s0, s1), language=lang, id=claim_id)


def test_reuse_needs_same_numbers_not_just_close_vectors(st):
    from claims.model import Claim, Span
    from review.reuse import DecisionIndex

    cid = queue.list_queue(st).items[0].claim_id
    st.con.execute("UPDATE claims SET text = 'Over 34.000 palestinere er drept' WHERE claim_id = ?", [cid])
    decisions.decide(st, cid, reviewer="kari", label="supported")
    idx = DecisionIndex(st, HashEmbedder(), threshold=0.5)
    same = Claim("a-x", "Over 34.000 palestinere er drept", Span(0, 32), language="nb")
    other = Claim("a-x", "Over 35.000 palestinere er drept", Span(0, 32), language="nb")
    m_same, m_other = idx.match([same, other])
    assert m_same is not None and m_same.how == "same meaning" and m_same.similarity > 0.99
    assert m_other is None
    # the vectors of decided claims are cached for later runs
    assert st.con.execute("SELECT count(*) FROM review_vectors").fetchone()[0] == 1
