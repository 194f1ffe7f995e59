"""The review web app (FastAPI + Jinja2): sign in, the queue, a claim page, decisions, export.

    app = create_app("store.duckdb")          # `factcheck serve` runs this with uvicorn on 127.0.0.1

Safety: every page but the sign-in page needs a live session (cookie: random, HttpOnly,
SameSite=Strict; the store keeps only its sha256); every form carries the session's CSRF token (the
sign-in form a double-submit token); only reviewers may decide; every query is fixed SQL with bound
parameters; static files come from the package's static/ folder only; a Content-Security-Policy
forbids inline scripts and framing. Refusals: 401 (not signed in, wrong password, expired session),
403 (forged form, read-only user), 404 (unknown claim, any path outside the app), 409 (someone decided
the claim meanwhile), 503 (the store is being written by another process: try again).

Store access (StoreAccess): per request (keep_open=0, the library default), kept open while requests
keep coming and closed after keep_open idle seconds (`factcheck serve` default: 3 s), or held until the
app stops (keep_open=inf, `--hold`). While the app holds the file no other process can write it: a
nightly `factcheck check` runs in the idle gaps.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from claims.errors import FactcheckError, StoreLockedError
from review import auth, decisions, queue
from review.errors import AuthError, ForbiddenError, SessionExpiredError, StaleDecisionError, UnknownClaimError
from sources.store import Store
from verdicts.model import Label

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "fc_session"
LOGIN_CSRF_COOKIE = "fc_login_csrf"
CLAIM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
LABELS = [label.value for label in Label]
KEYS = {"SUPPORTED": "1", "REFUTED": "2", "NOT_ENOUGH_EVIDENCE": "3", "CONFLICTING": "4"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class StoreAccess:
    """Opens the store for requests.

    keep_open = 0: the store is opened per request and closed after it (other processes can write between
    requests). keep_open = N seconds: it stays open while requests keep coming and is closed after N idle
    seconds (fast pages while someone reviews; the file is free again soon after). keep_open = inf: held until
    the app stops. The file is attached to the process's shared DuckDB instance (Store(attach=True)) rather than
    given an instance of its own, so an open and close costs ~7 ms instead of ~40.
    """

    def __init__(self, db: str, keep_open: float = 0.0):
        self.db, self.keep_open = db, keep_open
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._last = 0.0
        self._timer: threading.Timer | None = None
        if keep_open == float("inf"):
            self._store = Store(db, attach=True)
        else:
            Store(db, attach=True).close()  # create or migrate the file once, up front

    @contextlib.contextmanager
    def open(self):
        with self._lock:
            if self._store is None:
                self._store = Store(self.db, attach=True)  # attached: ~35 ms less per open than a fresh instance
            try:
                yield self._store
            finally:
                self._last = time.monotonic()
                if self.keep_open <= 0:
                    self._store.close()
                    self._store = None
                elif self.keep_open != float("inf"):
                    self._schedule()

    def _schedule(self) -> None:
        if self._timer is None:
            self._timer = threading.Timer(self.keep_open, self._idle)
            self._timer.daemon = True
            self._timer.start()

    def _idle(self) -> None:
        with self._lock:
            self._timer = None
            if self._store is None:
                return
            left = self.keep_open - (time.monotonic() - self._last)
            if left <= 0:
                self._store.close()
                self._store = None
            else:
                self._timer = threading.Timer(left, self._idle)
                self._timer.daemon = True
                self._timer.start()

    def close(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._store is not None:
                self._store.close()
                self._store = None


def _segments(text: str, span) -> tuple[str, str, str]:
    if span is None:
        return text, "", ""
    return text[: span.start], text[span.start : span.end], text[span.end :]


def create_app(
    db: str, *, keep_open: float = 0.0, session_ttl=auth.DEFAULT_SESSION_TTL, secure_cookies: bool = False
) -> FastAPI:
    """The app for one store file (keep_open: see StoreAccess). secure_cookies=True marks cookies Secure."""
    access = StoreAccess(db, keep_open=keep_open)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        access.close()

    app = FastAPI(title="factcheck review", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.access = access
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(labels=LABELS, keys=KEYS, priority_names=queue.PRIORITY_NAMES)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.middleware("http")(_headers_and_timing)
    ui = _Pages(access, templates, session_ttl, secure_cookies)
    _add_auth_routes(app, ui)
    _add_queue_routes(app, ui)
    _add_claim_routes(app, ui)
    _add_decision_routes(app, ui)
    _add_export_routes(app, ui)

    @app.get("/healthz")
    def healthz():
        return PlainTextResponse("ok")

    return app


async def _headers_and_timing(request: Request, call_next):
    """Middleware: add the security headers and a Server-Timing header to every response."""
    started = time.perf_counter()
    response = await call_next(request)
    for k, v in SECURITY_HEADERS.items():
        response.headers.setdefault(k, v)
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


class _Pages:
    """What the routes share: the store access, the templates and the cookie settings, with the page helpers."""

    def __init__(self, access: StoreAccess, templates: Jinja2Templates, session_ttl, secure_cookies: bool):
        self.access, self.templates = access, templates
        self.session_ttl, self.secure_cookies = session_ttl, secure_cookies

    def page(self, request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
        """The template rendered with context, with this status."""
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    def login_page(self, request: Request, message: str = "", status: int = 200) -> HTMLResponse:
        """The sign-in page with a fresh double-submit CSRF token (form field and cookie)."""
        token = secrets.token_urlsafe(24)
        resp = self.page(request, "login.html", {"message": message, "csrf": token, "user": None}, status)
        resp.set_cookie(
            LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=self.secure_cookies, path="/login"
        )
        return resp

    def session_of(self, request: Request, st: Store) -> auth.Session:
        """The live session of the request's session cookie (SessionExpiredError if none)."""
        return auth.get_session(st, request.cookies.get(SESSION_COOKIE))

    def refuse(self, request: Request, status: int, title: str, message: str, user=None) -> HTMLResponse:
        """The error page saying why the request was refused, with this status."""
        return self.page(request, "error.html", {"title": title, "message": message, "user": user}, status)

    def guarded(self, request: Request, fn):
        """Run fn(store, session) for a signed-in user; the right refusal otherwise."""
        try:
            with self.access.open() as st:
                try:
                    session = self.session_of(request, st)
                except SessionExpiredError as exc:
                    return self.login_page(request, str(exc.args[0]), status=401)
                return fn(st, session)
        except StoreLockedError:
            return self.refuse(
                request,
                503,
                "Store busy",
                "Another process (a verification run?) is writing the store. Try again in a minute.",
            )


def _add_auth_routes(app: FastAPI, ui: _Pages) -> None:
    """Sign in (GET and POST /login) and sign out (POST /logout)."""

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request):
        return ui.login_page(request)

    @app.post("/login")
    def login(
        request: Request,
        username: str = Form(""),
        password: str = Form(""),
        token: str = Form(""),
        csrf: str = Form(""),
    ):
        return _sign_in(ui, request, username, password, token, csrf)

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")):
        def fn(st, session):
            if not auth.csrf_ok(session, csrf):
                return ui.refuse(request, 403, "Forged form", "The form's security token is wrong.", session.user)
            auth.end_session(st, request.cookies.get(SESSION_COOKIE))
            resp = RedirectResponse("/login", status_code=303)
            resp.delete_cookie(SESSION_COOKIE, path="/")
            return resp

        return ui.guarded(request, fn)


def _sign_in(ui: _Pages, request: Request, username: str, password: str, token: str, csrf: str) -> Response:
    """Check the sign-in form and the credentials; the session cookie and a redirect to the queue, or the refusal."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected.encode(), csrf.encode()):
        return ui.refuse(
            request,
            403,
            "Forged form",
            "The sign-in form's security token is missing or wrong. Reload the sign-in page and try again.",
        )
    try:
        with ui.access.open() as st:
            user = auth.authenticate_token(st, token) if token else auth.authenticate(st, username, password)
            cookie, _ = auth.create_session(st, user, ui.session_ttl)
    except AuthError as exc:
        return ui.login_page(request, str(exc.args[0]), status=401)
    except StoreLockedError:
        return ui.refuse(request, 503, "Store busy", "Another process is writing the store. Try again.")
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="strict",
        secure=ui.secure_cookies,
        path="/",
        max_age=int(ui.session_ttl.total_seconds()),
    )
    resp.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return resp


def _add_queue_routes(app: FastAPI, ui: _Pages) -> None:
    """The queue page (GET /), filtered and paged."""

    @app.get("/", response_class=HTMLResponse)
    def queue_page(
        request: Request,
        run: str = "",
        article: str = "",
        label: str = "",
        language: str = "",
        status: str = "pending",
        reviewer: str = "",
        page_no: int = 1,
    ):
        def fn(st, session):
            try:
                result = queue.list_queue(st, _queue_filter(run, article, label, language, status, reviewer, page_no))
            except FactcheckError as exc:
                return ui.refuse(request, 400, "Bad filter", str(exc), session.user)
            params = {
                k: v
                for k, v in (
                    ("run", run),
                    ("article", article),
                    ("label", label),
                    ("language", language),
                    ("status", status),
                    ("reviewer", reviewer),
                )
                if v
            }
            return ui.page(request, "queue.html", _queue_context(request, st, session, result, params, page_no))

        return ui.guarded(request, fn)


def _queue_filter(
    run: str, article: str, label: str, language: str, status: str, reviewer: str, page_no: int
) -> queue.QueueFilter:
    """The queue filter for the queue page's query parameters (unknown labels and statuses ignored)."""
    return queue.QueueFilter(
        run_id=run or None,
        article_id=article or None,
        label=label if label in LABELS else None,
        language=language or None,
        status=status if status in queue.STATUSES else "pending",
        reviewer=reviewer or None,
        limit=50,
        offset=max(0, page_no - 1) * 50,
    )


def _queue_context(request: Request, st: Store, session, result, params: dict, page_no: int) -> dict:
    """The queue page's template context: the page of claims, filters, facets and the paging links."""
    return {
        "user": session.user,
        "csrf": session.csrf_token,
        "page": result,
        "filters": params,
        "facets": queue.facets(st),
        "page_no": page_no,
        "next_page": f"/?{urlencode(params | {'page_no': page_no + 1})}" if result.total > page_no * 50 else "",
        "prev_page": f"/?{urlencode(params | {'page_no': page_no - 1})}" if page_no > 1 else "",
        "decided": request.query_params.get("decided", ""),
    }


def _add_claim_routes(app: FastAPI, ui: _Pages) -> None:
    """One claim's page (GET /claims/{claim_id}) and the next pending claim after it."""

    @app.get("/claims/{claim_id}", response_class=HTMLResponse)
    def claim_page(request: Request, claim_id: str, run: str = ""):
        def fn(st, session):
            if not CLAIM_ID.match(claim_id) or (run and not CLAIM_ID.match(run)):
                return ui.refuse(request, 404, "Not found", "No such claim.", session.user)
            try:
                d = queue.get_claim(st, claim_id, run or None)
            except UnknownClaimError as exc:
                return ui.refuse(request, 404, "Not found", str(exc), session.user)
            trail = decisions.history(st, claim_id)
            return ui.page(request, "claim.html", _claim_context(request, session, d, trail))

        return ui.guarded(request, fn)

    @app.get("/claims/{claim_id}/next")
    def next_claim(request: Request, claim_id: str):
        """The pending claim after this one in queue order (the first pending one if this is not pending)."""

        def fn(st, session):
            ids = [it.claim_id for it in queue.list_queue(st, queue.QueueFilter(status="pending", limit=500)).items]
            if claim_id in ids:
                i = ids.index(claim_id)
                target = ids[i + 1] if i + 1 < len(ids) else ""
            else:
                target = ids[0] if ids else ""
            return RedirectResponse(f"/claims/{target}" if target else "/", status_code=303)

        return ui.guarded(request, fn)


def _add_decision_routes(app: FastAPI, ui: _Pages) -> None:
    """Recording a reviewer's decision on a claim (POST /claims/{claim_id}/decide)."""

    @app.post("/claims/{claim_id}/decide")
    def decide(
        request: Request,
        claim_id: str,
        csrf: str = Form(""),
        action: str = Form("change"),
        label: str = Form(""),
        note: str = Form(""),
        expected_previous: str = Form(""),
        run: str = Form(""),
    ):
        def fn(st, session):
            refusal = _decide_refusal(ui, request, session, claim_id, csrf)
            if refusal is not None:
                return refusal
            try:
                dec = decisions.decide(
                    st,
                    claim_id,
                    reviewer=session.user.username,
                    label=None if action == "confirm" else (label or None),
                    note=note.strip(),
                    run_id=run or None,
                    source="web",
                    expected_previous=expected_previous,
                )
            except UnknownClaimError as exc:
                return ui.refuse(request, 404, "Not found", str(exc), session.user)
            except StaleDecisionError as exc:
                return ui.refuse(request, 409, "Decided meanwhile", str(exc), session.user)
            except (ForbiddenError, FactcheckError) as exc:
                return ui.refuse(request, 400, "Not recorded", str(exc), session.user)
            pending = queue.list_queue(st, queue.QueueFilter(status="pending", limit=1)).items
            target = f"/claims/{pending[0].claim_id}" if pending else "/"
            return RedirectResponse(f"{target}?{urlencode({'decided': dec.decision_id})}", status_code=303)

        return ui.guarded(request, fn)


def _claim_context(request: Request, session, d: queue.ClaimDetail, trail) -> dict:
    """The claim page's template context: the claim marked in its article, the evidence cards, the decisions."""
    before, mark, after = _segments(d.article_text, d.span)
    cards = [(e, _segments(e.text, e.highlight)) for e in d.evidence]
    current = trail[-1] if trail else None
    return {
        "user": session.user,
        "csrf": session.csrf_token,
        "d": d,
        "before": before,
        "mark": mark,
        "after": after,
        "cards": cards,
        "trail": trail,
        "current": current,
        "label_in_force": current.label_after if current else d.label,
        "just_decided": request.query_params.get("decided", ""),
    }


def _decide_refusal(ui: _Pages, request: Request, session, claim_id: str, csrf: str) -> HTMLResponse | None:
    """The refusal of a decision form (forged, read-only user, malformed claim id), or None to go ahead."""
    if not auth.csrf_ok(session, csrf):
        return ui.refuse(
            request,
            403,
            "Forged form",
            "The form's security token is missing or wrong, so nothing was recorded. "
            "Reload the claim page and decide again.",
            session.user,
        )
    if not session.user.can_decide:
        return ui.refuse(
            request,
            403,
            "Read-only",
            f"{session.user.username} is read-only: only reviewers may record decisions.",
            session.user,
        )
    if not CLAIM_ID.match(claim_id):
        return ui.refuse(request, 404, "Not found", "No such claim.", session.user)
    return None


def _add_export_routes(app: FastAPI, ui: _Pages) -> None:
    """The exports: ClaimReview JSON-LD and the decisions as CSV (GET /export/{name})."""

    @app.get("/export/{name}")
    def export_file(request: Request, name: str):
        from review.export import export

        kinds = {"claimreview.json": ("claimreview", "application/ld+json"), "decisions.csv": ("csv", "text/csv")}
        if name not in kinds:
            return PlainTextResponse("not found", status_code=404)

        def fn(st, session):
            fmt, media = kinds[name]
            base = str(request.base_url).rstrip("/")
            return Response(
                export(st, fmt, base_url=base),
                media_type=media,
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )

        return ui.guarded(request, fn)
