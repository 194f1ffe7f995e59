"""Prefect flows and tasks: orchestration only; the work lives in claims/, sources/, verdicts/ and the packages
above them, and the command line in cli/.

Importing this package turns Prefect's telemetry and analytics off unless the user has set them,
so runs stay quiet and offline by default.
"""

import logging
import os

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # --task-runner ray: no usage reports either
# The temporary local server Prefect starts when no PREFECT_API_URL is set gets 20 s by default,
# too little on a busy 2-core machine (measured: it failed there under load); allow 90 s.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


class _NoTracebackForCodedErrors(logging.Filter):
    """A task or flow that fails on one of our coded errors (bad input, a locked store) logs its one line, not a
    traceback: the error names the problem and the fix, and the traceback only hides it. Other errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        from claims.errors import FactcheckError

        if record.exc_info and isinstance(record.exc_info[1], FactcheckError):
            record.exc_info, record.exc_text = None, None
        return True


def quiet_logging() -> None:
    """Prefect's task and flow run logs without tracebacks of expected errors, and no DEBUG lines from libraries
    that log through Prefect's console handler (bm25s). The CLI calls this unless -v is given."""
    quiet = _NoTracebackForCodedErrors()
    for name in ("prefect.task_runs", "prefect.flow_runs", "prefect.flow_engine", "prefect.task_engine"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _NoTracebackForCodedErrors) for f in logger.filters):
            logger.addFilter(quiet)
    bm25s = logging.getLogger("bm25s")  # it sets itself to DEBUG when imported; a filter outlasts that
    if not any(isinstance(f, _WarningsOnly) for f in bm25s.filters):
        bm25s.addFilter(_WarningsOnly())


class _WarningsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING
