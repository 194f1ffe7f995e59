"""Prefect flows and the CLI: orchestration only; the work lives in claims/, sources/, verdicts/.

Importing this package turns Prefect's telemetry and analytics off unless the user has set them,
so runs stay quiet and offline by default.
"""
import os

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
