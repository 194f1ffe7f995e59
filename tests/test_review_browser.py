"""End-to-end: the review app in headless Chromium (Debian's, driven by Playwright's Python client).

Signs in, opens the queue, opens a claim, decides 10 claims with the keyboard alone, sees the decisions
persisted and reused by the next run, and checks each refusal (wrong password, expired session, forged
form, a path outside the app). Finds /usr/bin/chromium, installs it with apt when running as root, and
skips with the reason only when no browser can be had.

Set REVIEW_SCREENSHOT=docs/review-claim-page.png to (re)write the screenshot the docs show.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time

import pytest

from review import auth, decisions, queue
from review.fixtures import check_into_store, seed_store
from sources.embed import HashEmbedder
from sources.store import Store

PW = "correct horse battery"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _chromium() -> str | None:
    found = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, capture_output=True, timeout=600)
        return CHROMIUM if os.path.exists(CHROMIUM) else None
    return None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
    )
    exe = _chromium()
    if exe is None:
        pytest.skip(
            "no Chromium: /usr/bin/chromium is missing and it cannot be installed here "
            "(needs root and apt-get; run `make browser`)"
        )
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()


class Server:
    """uvicorn serving the app in a thread, on a free loopback port."""

    def __init__(self, app):
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            time.sleep(0.05)
        raise RuntimeError("uvicorn did not start")

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    import datetime as dt

    from review.app import create_app

    db = str(tmp_path_factory.mktemp("browser") / "store.duckdb")
    with Store(db) as st:
        seed_store(st, "data/seed", HashEmbedder())
        auth.add_user(st, "kari", "reviewer", password=PW)
    with Server(create_app(db, session_ttl=dt.timedelta(minutes=30))) as server:
        yield server, db


def _sign_in(page, base, user="kari", password=PW):
    page.goto(f"{base}/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.press("#password", "Enter")


def test_sign_in_queue_claim_decide_ten_with_keyboard_and_reuse(browser, site):
    server, db = site
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    _sign_in(page, server.url)
    page.wait_for_selector("body[data-keys=ready] #queue")
    total = int(page.text_content("#queue-total"))
    assert total >= 10
    # open the first claim from the queue with the keyboard
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("Enter")
    page.wait_for_selector("#claim-span")
    assert page.text_content("#claim-span") == "87 år gamle Abbas"
    assert page.locator(".card").count() >= 1
    assert page.locator(".card blockquote mark").count() >= 1
    shot = os.environ.get("REVIEW_SCREENSHOT")
    if shot:
        page.screenshot(path=shot, full_page=False)

    seen = []
    for i in range(10):
        page.wait_for_selector("body[data-keys=ready] #claim-span")
        cid = page.url.split("/claims/")[1].split("?")[0]
        seen.append(cid)
        with page.expect_navigation():
            if i % 2 == 0:
                page.keyboard.press("c")  # confirm the label in force
            else:
                page.keyboard.press("2")  # REFUTED
                page.keyboard.press("n")  # note
                page.keyboard.type("checked in the browser test")
                page.keyboard.press("Control+Enter")
        assert "decided=d-" in page.url
    assert len(set(seen)) == 10
    with Store(db) as st:
        trail = {cid: decisions.history(st, cid) for cid in seen}
        left = queue.list_queue(st).total
    assert all(len(t) == 1 and t[0].reviewer == "kari" and t[0].source == "web" for t in trail.values())
    assert trail[seen[1]][0].label_after == "REFUTED" and trail[seen[1]][0].note == "checked in the browser test"
    assert trail[seen[0]][0].action == "confirm"
    assert left == total - 10

    # the decision shows on the claim page after a reload (persisted), and the next run reuses it
    page.goto(f"{server.url}/claims/{seen[1]}")
    assert page.text_content("#decided-label") == "REFUTED"
    from review.reuse import DecisionReuse

    emb = HashEmbedder()
    with Store(db) as st:
        check_into_store(st, ["data/seed/article.md"], emb, reuse=DecisionReuse(st, emb))
    page.goto(f"{server.url}/claims/{seen[1]}")
    first_card = page.locator(".card").first
    assert "review decision" in first_card.text_content() and "reviewer kari" in first_card.text_content()
    ctx.close()


def test_refusals_in_the_browser(browser, site):
    server, db = site
    ctx = browser.new_context()
    page = ctx.new_page()
    # wrong password
    _sign_in(page, server.url, password="not the password")
    page.wait_for_selector("#login-message")
    assert "wrong user name or password" in page.text_content("#login-message")
    # path outside the app
    r = page.goto(f"{server.url}/static/..%2f..%2fsources%2fstore.py")
    assert r.status == 404
    # forged form: a tampered CSRF token records nothing
    _sign_in(page, server.url)
    page.wait_for_selector("#queue")
    page.click(".claim-link >> nth=0")
    page.wait_for_selector("#decide-form")
    cid = page.url.split("/claims/")[1].split("?")[0]
    with Store(db) as st:
        before = len(decisions.history(st, cid))
    page.eval_on_selector('#decide-form input[name="csrf"]', "el => el.value = 'forged'")
    page.click("#confirm")
    page.wait_for_selector("#refusal-title")
    assert page.text_content("#refusal-title") == "Forged form"
    with Store(db) as st:
        assert len(decisions.history(st, cid)) == before
    # expired session
    with Store(db) as st:
        st.con.execute("UPDATE review_sessions SET expires_at = TIMESTAMP '2000-01-01'")
    r = page.goto(f"{server.url}/")
    assert r.status == 401
    assert "expired" in page.text_content("#login-message")
    ctx.close()
