"""Errors of the review package: codes FC500-FC519."""

from __future__ import annotations

from claims.errors import FactcheckError


class ReviewError(FactcheckError):
    """Something asked of the review queue or its decisions cannot be done."""

    code = "FC500"


class UnknownClaimError(ReviewError):
    code = "FC501"


class BadLabelError(ReviewError):
    code = "FC502"


class UserExistsError(ReviewError):
    code = "FC503"


class AuthError(ReviewError):
    """Wrong user name, password or token."""

    code = "FC504"


class SessionExpiredError(ReviewError):
    code = "FC505"


class ForbiddenError(ReviewError):
    """The user's role does not allow this (a read-only user deciding)."""

    code = "FC506"


class BadUserError(ReviewError):
    """A user name, role or password that cannot be used."""

    code = "FC507"


class CsrfError(ReviewError):
    code = "FC508"


class ExportError(ReviewError):
    code = "FC509"


class ServeError(ReviewError):
    code = "FC510"


class StaleDecisionError(ReviewError):
    """The claim was decided by someone else since the page was loaded."""

    code = "FC511"
