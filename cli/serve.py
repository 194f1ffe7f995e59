"""`factcheck serve`: the review web app on loopback, over the embedded DuckDB file."""

from __future__ import annotations

import ipaddress
import sys

import click

from claims.errors import FactcheckError
from cli.options import db_option


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a non-loopback --host. Put the app behind HTTPS (and use --secure-cookies) if you do.",
)
@click.option("--secure-cookies", is_flag=True, help="Mark cookies Secure (when served behind HTTPS).")
@click.option(
    "--keep-open",
    default=3.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds the store stays open after the last request (0: open and close it per request). "
    "While it is open no other process (a nightly run) can write the file.",
)
@click.option("--hold", is_flag=True, help="Keep the store open until the app stops (fastest; blocks other writers).")
@click.option(
    "--session-hours",
    default=8.0,
    show_default=True,
    type=click.FloatRange(0.01, 24 * 30),
    help="How long a sign-in lasts.",
)
def serve(db, host, port, allow_remote, secure_cookies, keep_open, hold, session_hours) -> None:
    """Start the review web app (sign in with a user made by `factcheck review users add`).

    \b
    Example:
      factcheck review users add kari --db store.duckdb
      factcheck serve --db store.duckdb            # then open http://127.0.0.1:8000
    """
    import datetime as dt
    from pathlib import Path

    if not _is_loopback(host) and not allow_remote:
        click.echo(
            f"error: [FC510] --host {host} is not a loopback address. The app serves on 127.0.0.1 by "
            "default; add --allow-remote to listen on other addresses (behind HTTPS).",
            err=True,
        )
        sys.exit(2)
    if not Path(db).exists():
        click.echo(
            f"error: [FC202] no store at {db}. Check articles first: factcheck check ARTICLE --db {db}", err=True
        )
        sys.exit(1)
    import uvicorn

    from review.app import create_app

    try:
        app = create_app(
            db,
            keep_open=float("inf") if hold else keep_open,
            session_ttl=dt.timedelta(hours=session_hours),
            secure_cookies=secure_cookies,
        )
    except FactcheckError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"serving {db} on http://{host}:{port} (Ctrl+C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
