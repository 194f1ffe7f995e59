"""The review web app through FastAPI's TestClient: pages, decisions, and each refusal."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from fastapi.testclient import TestClient

from review import auth, decisions, queue  # noqa: E402
from review.app import create_app  # noqa: E402
from review.fixtures import seed_store  # noqa: E402
from sources.embed import HashEmbedder  # noqa: E402
from sources.store import Store  # noqa: E402

PW = "correct horse battery"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("reviewapp") / "seed.duckdb"
    with Store(path) as st:
        seed_store(st, "data/seed", HashEmbedder())
        auth.add_user(st, "kari", "reviewer", password=PW)
        auth.add_user(st, "ola", "read-only", password=PW)
    return path


@pytest.fixture
def db(template, tmp_path):
    path = tmp_path / "store.duckdb"
    shutil.copy(template, path)
    return str(path)


def client(db, **kw) -> TestClient:
    return TestClient(create_app(db, **kw), base_url="http://127.0.0.1:8000")


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(c: TestClient, user="kari", password=PW):
    form = c.get("/login")
    return c.post(
        "/login", data={"username": user, "password": password, "csrf": csrf_of(form.text)}, follow_redirects=False
    )


def test_sign_in_queue_claim_decide_persisted(db):
    c = client(db)
    assert c.get("/", follow_redirects=False).status_code == 401  # not signed in: the sign-in page
    r = sign_in(c)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    q = c.get("/")
    assert q.status_code == 200 and "Review queue" in q.text
    assert q.headers["content-security-policy"].startswith("default-src 'self'")
    first = re.search(r'href="/claims/([^"?]+)"', q.text).group(1)
    page = c.get(f"/claims/{first}")
    assert page.status_code == 200
    assert '<mark id="claim-span" data-start=' in page.text and ">87 år gamle Abbas</mark>" in page.text
    assert "Why flagged" in page.text and "refuted with high confidence" in page.text
    assert 'class="card stance-' in page.text
    token = csrf_of(page.text)
    r = c.post(
        f"/claims/{first}/decide",
        data={
            "csrf": token,
            "action": "change",
            "label": "NOT_ENOUGH_EVIDENCE",
            "note": "<script>alert(1)</script>",
            "expected_previous": "",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and "decided=d-" in r.headers["location"]
    with Store(db, read_only=True) as st:
        trail = decisions.history(st, first)
    assert len(trail) == 1 and trail[0].reviewer == "kari" and trail[0].label_after == "NOT_ENOUGH_EVIDENCE"
    assert trail[0].source == "web"
    page = c.get(f"/claims/{first}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert(1)" not in page.text
    assert 'id="decided-label">NOT_ENOUGH_EVIDENCE' in page.text
    decided = c.get("/?status=decided")
    assert first in decided.text


def test_wrong_password_and_unknown_token_refused(db):
    c = client(db)
    r = sign_in(c, password="wrong password!")
    assert r.status_code == 401 and "wrong user name or password" in r.text
    assert "fc_session" not in r.headers.get("set-cookie", "")
    r = sign_in(c, user="mallory")
    assert r.status_code == 401
    form = c.get("/login")
    r = c.post("/login", data={"token": "fct_forged", "csrf": csrf_of(form.text)}, follow_redirects=False)
    assert r.status_code == 401
    assert c.get("/").status_code == 401


def test_token_sign_in(db):
    with Store(db) as st:
        tok = auth.add_user(st, "desk-bot", "read-only", token=True)
    c = client(db)
    form = c.get("/login")
    r = c.post("/login", data={"token": tok, "csrf": csrf_of(form.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/").status_code == 200


def test_expired_session_refused(db):
    c = client(db, session_ttl=dt.timedelta(seconds=60))
    assert sign_in(c).status_code == 303
    assert c.get("/").status_code == 200
    with Store(db) as st:  # time passes: the session's expiry is now in the past
        st.con.execute("UPDATE review_sessions SET expires_at = expires_at - INTERVAL 2 MINUTE")
    r = c.get("/")
    assert r.status_code == 401 and "expired" in r.text and 'id="login-form"' in r.text
    with Store(db, read_only=True) as st:
        cid = queue.list_queue(st).items[0].claim_id
    r = c.post(f"/claims/{cid}/decide", data={"csrf": "x", "action": "confirm"}, follow_redirects=False)
    assert r.status_code == 401


def test_forged_forms_refused(db):
    c = client(db)
    # sign-in form without its double-submit token
    r = c.post("/login", data={"username": "kari", "password": PW, "csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    assert sign_in(c).status_code == 303
    with Store(db, read_only=True) as st:
        cid = queue.list_queue(st).items[0].claim_id
    for data in ({"action": "confirm"}, {"action": "confirm", "csrf": "forged-token"}):
        r = c.post(f"/claims/{cid}/decide", data=data, follow_redirects=False)
        assert r.status_code == 403 and "Forged form" in r.text
    r = c.post("/logout", data={"csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    with Store(db, read_only=True) as st:
        assert decisions.history(st, cid) == []


def test_read_only_user_cannot_decide(db):
    c = client(db)
    assert sign_in(c, user="ola").status_code == 303
    with Store(db, read_only=True) as st:
        cid = queue.list_queue(st).items[0].claim_id
    page = c.get(f"/claims/{cid}")
    assert page.status_code == 200 and 'id="decide-form"' not in page.text and 'id="read-only"' in page.text
    r = c.post(f"/claims/{cid}/decide", data={"csrf": csrf_of(page.text), "action": "confirm"}, follow_redirects=False)
    assert r.status_code == 403
    with Store(db, read_only=True) as st:
        assert decisions.history(st, cid) == []


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/review/app.py",
        "/static/..%2fapp.py",
        "/claims/..%2f..%2fetc%2fpasswd",
        "/../../etc/passwd",
        "/export/..%2f..%2fstore.duckdb",
        "/admin",
        "/claims/c-nope",
    ],
)
def test_paths_outside_the_app_refused(db, path):
    c = client(db)
    assert sign_in(c).status_code == 303
    r = c.get(path, follow_redirects=False)
    assert r.status_code == 404, (path, r.status_code)
    assert "root:" not in r.text and "create_app" not in r.text


def test_static_files_served(db):
    c = client(db)
    r = c.get("/static/app.js")
    assert r.status_code == 200 and "keydown" in r.text


def test_stale_decision_conflict(db):
    c = client(db)
    assert sign_in(c).status_code == 303
    with Store(db, read_only=True) as st:
        cid = queue.list_queue(st).items[0].claim_id
    page = c.get(f"/claims/{cid}")
    with Store(db) as st:
        decisions.decide(st, cid, reviewer="kari", label="SUPPORTED")
    r = c.post(
        f"/claims/{cid}/decide",
        data={"csrf": csrf_of(page.text), "action": "confirm", "expected_previous": ""},
        follow_redirects=False,
    )
    assert r.status_code == 409


def test_export_endpoints(db):
    c = client(db)
    assert c.get("/export/decisions.csv").status_code == 401
    assert sign_in(c).status_code == 303
    r = c.get("/export/claimreview.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert c.get("/export/decisions.csv").text.startswith("claim_id,label,")


def test_serve_refuses_non_loopback_without_flag(db):
    from click.testing import CliRunner

    from cli.main import cli

    r = CliRunner().invoke(cli, ["serve", "--db", db, "--host", "0.0.0.0"])
    assert r.exit_code == 2 and "FC510" in r.output


def test_next_pending_follows_queue_order(db):
    c = client(db)
    assert sign_in(c).status_code == 303
    with Store(db, read_only=True) as st:
        ids = [it.claim_id for it in queue.list_queue(st, queue.QueueFilter(limit=3)).items]
    r = c.get(f"/claims/{ids[0]}/next", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/claims/{ids[1]}"
    r = c.get("/claims/c-not-pending/next", follow_redirects=False)
    assert r.headers["location"] == f"/claims/{ids[0]}"


def test_store_kept_open_while_busy_and_released_when_idle(db):
    import time

    from review.app import StoreAccess

    access = StoreAccess(db, keep_open=0.3)
    with access.open() as st1:
        pass
    with access.open() as st2:
        assert st2 is st1  # back-to-back requests share the open store
    time.sleep(1.0)
    assert access._store is None  # idle: the file is free for a nightly run
    with Store(db, read_only=True) as st:  # a different configuration can open it again
        assert st.schema_version() >= 2
    per_request = StoreAccess(db, keep_open=0)
    with per_request.open():
        pass
    assert per_request._store is None


def test_factcheck_serve_starts_on_loopback(db):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    try:
        body = None
        for _ in range(200):
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read().decode()
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        assert body is not None and 'id="login-form"' in body, proc.stderr.read1().decode() if proc.poll() else ""
    finally:
        proc.terminate()
        proc.wait(10)
