"""Prefect flows and the CLI: orchestration only; the work lives in claims/, sources/, verdicts/.

Importing this package turns Prefect's telemetry and analytics off unless the user has set them,
so runs stay quiet and offline by default.
"""
import os

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")     # --task-runner ray: no usage reports either
# The temporary local server Prefect starts when no PREFECT_API_URL is set gets 20 s by default,
# too little on a busy 2-core machine (measured: it failed there under load); allow 90 s.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
