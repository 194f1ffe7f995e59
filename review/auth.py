"""Who may review: users with argon2id-hashed passwords or CLI-made tokens, two roles, expiring sessions.

Passwords are hashed with argon2id (argon2-cffi's defaults: slow and memory-hard on purpose). Sign-in
tokens are 256-bit random strings made by `factcheck review users add --token`; only their sha256 is
stored (a fast hash is enough for a random secret of that size). Session cookies are random too, and
the store keeps only their sha256, with an expiry time and the session's CSRF token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from review.errors import AuthError, BadUserError, ForbiddenError, SessionExpiredError, UserExistsError
from sources import tables_review
from sources.store import Store, now

ROLES = ("reviewer", "read-only")
DEFAULT_SESSION_TTL = dt.timedelta(hours=8)
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class User:
    username: str
    role: str

    @property
    def can_decide(self) -> bool:
        return self.role == "reviewer"


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str
    expires_at: dt.datetime


def add_user(
    store: Store,
    username: str,
    role: str = "reviewer",
    *,
    password: str | None = None,
    token: bool = False,
    created_by: str = "cli",
) -> str | None:
    """Create a user with a password and/or a sign-in token. Returns the token (shown once) if one was made."""
    if not _USERNAME.match(username or ""):
        raise BadUserError(
            f"user name {username!r} is not allowed. Use 1-64 lower-case letters, digits, '.', '_' "
            "or '-', starting with a letter or digit."
        )
    if role not in ROLES:
        raise BadUserError(f"unknown role {role!r}. Use one of: {', '.join(ROLES)}.")
    if password is None and not token:
        raise BadUserError(f"user {username!r} needs a password or a token. Give --password-stdin or --token.")
    if password is not None and len(password) < MIN_PASSWORD:
        raise BadUserError(
            f"the password for {username!r} has {len(password)} characters; use at least {MIN_PASSWORD}."
        )
    pw_hash = _hasher().hash(password) if password is not None else None
    tok = "fct_" + secrets.token_urlsafe(32) if token else None
    with store.transaction() as con:
        if tables_review.user_exists(con, username):
            raise UserExistsError(f"user {username!r} already exists. Choose another name.")
        tables_review.insert_user(con, username, role, pw_hash, _sha256(tok) if tok else None, created_by)
    return tok


def list_users(store: Store) -> list[tuple[str, str, bool, bool, dt.datetime]]:
    """(username, role, has password, has token, created) for every user."""
    return [tuple(r) for r in tables_review.list_users(store.con)]


def get_user(store: Store, username: str) -> User | None:
    row = tables_review.user_row(store.con, username)
    return User(row[0], row[1]) if row else None


def require_reviewer(store: Store, username: str) -> User:
    """The user, if it exists and may decide; else AuthError / ForbiddenError."""
    user = get_user(store, username)
    if user is None:
        raise AuthError(f"no user {username!r}. Create one with: factcheck review users add {username}")
    if not user.can_decide:
        raise ForbiddenError(f"user {username!r} is {user.role}: only reviewers may record decisions.")
    return user


_DUMMY_HASH: list[str] = []


def authenticate(store: Store, username: str, password: str) -> User:
    """The user whose password this is; AuthError (FC504) for an unknown user or a wrong password."""
    from argon2.exceptions import InvalidHashError, VerificationError

    row = tables_review.user_row(store.con, username or "")
    ph = _hasher()
    if row is None or row[2] is None:
        if not _DUMMY_HASH:  # spend the same time as a real check, so timing does not reveal user names
            _DUMMY_HASH.append(ph.hash(secrets.token_hex(8)))
        try:
            ph.verify(_DUMMY_HASH[0], password or "")
        except VerificationError:
            pass
        raise AuthError("wrong user name or password.")
    try:
        ph.verify(row[2], password or "")
    except (VerificationError, InvalidHashError):
        raise AuthError("wrong user name or password.") from None
    return User(row[0], row[1])


def authenticate_token(store: Store, token: str) -> User:
    """The user a CLI-made sign-in token belongs to; AuthError (FC504) otherwise."""
    if not token:
        raise AuthError("empty sign-in token.")
    row = tables_review.user_of_token(store.con, _sha256(token))
    if row is None:
        raise AuthError("unknown sign-in token. Make one with: factcheck review users add NAME --token")
    return User(row[0], row[1])


def create_session(store: Store, user: User, ttl: dt.timedelta = DEFAULT_SESSION_TTL) -> tuple[str, Session]:
    """A new session: (cookie value to give the browser, Session). Expired sessions are purged."""
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    created = now()
    expires = created + ttl
    with store.transaction() as con:
        tables_review.purge_sessions(con, created)
        tables_review.insert_session(con, _sha256(cookie), user.username, csrf, created, expires)
    return cookie, Session(user, csrf, expires)


def get_session(store: Store, cookie: str | None, at: dt.datetime | None = None) -> Session:
    """The live session for a cookie; SessionExpiredError (FC505) if missing, unknown or expired."""
    if not cookie:
        raise SessionExpiredError("not signed in. Sign in again.")
    row = tables_review.session_row(store.con, _sha256(cookie))
    if row is None:
        raise SessionExpiredError("unknown session. Sign in again.")
    if row[3] <= (at or now()):
        raise SessionExpiredError(f"the session expired at {row[3]:%Y-%m-%d %H:%M} UTC. Sign in again.")
    return Session(User(row[0], row[1]), row[2], row[3])


def end_session(store: Store, cookie: str | None) -> None:
    if cookie:
        tables_review.delete_session(store.con, _sha256(cookie))


def csrf_ok(session: Session, submitted: str | None) -> bool:
    """True when the form's CSRF token is the session's (constant-time comparison)."""
    return bool(submitted) and hmac.compare_digest(session.csrf_token.encode(), (submitted or "").encode())
