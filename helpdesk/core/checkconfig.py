"""`flask --app helpdesk check-config`: the settings that are fine for the demo on one machine
but unsafe for a real service, each with what to do about it."""
from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext


def _workers() -> int:
    raw = os.environ.get("WEB_WORKERS") or os.environ.get("WEB_CONCURRENCY") or "1"
    return int(raw) if raw.isdigit() else 1


def _loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def warnings_for(config: dict, *, debug: bool, workers: int, secret_from_env: bool) -> list[str]:
    """Every unsafe setting, in words an operator acts on. Pure, so it is tested directly."""
    found = []
    sqlite = config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    https = config.get("PUBLIC_URL", "").startswith("https://")
    if debug:
        found.append("Debug mode is on: tracebacks and the debugger reach visitors. Unset FLASK_DEBUG.")
    if not secret_from_env and (workers > 1 or not sqlite):
        found.append("SECRET_KEY comes from the instance folder's file. With several workers or hosts "
                     "set the same SECRET_KEY in every host's environment, or sessions break.")
    if sqlite and workers > 1:
        found.append(f"SQLite with {workers} workers: SQLite has one writer. Use PostgreSQL "
                     "(DATABASE_URL) for more than one worker.")
    if workers > 1 and config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        found.append("Login limits are counted in each worker's memory. Set RATELIMIT_STORAGE_URI="
                     "redis://... so every worker counts together.")
    if https and not config.get("SESSION_COOKIE_SECURE"):
        found.append("PUBLIC_URL is https but cookies are sent without Secure. Set SESSION_COOKIE_SECURE=1.")
    if not https and not _loopback(urlsplit(config.get("PUBLIC_URL", "")).hostname or ""):
        found.append("PUBLIC_URL is plain http on a public name: links in e-mail and logins travel "
                     "unencrypted. Serve over HTTPS and set PUBLIC_URL=https://...")
    mail = config.get("MAIL_SERVER", "")
    if mail and not _loopback(mail) and not config.get("MAIL_USE_TLS"):
        found.append(f"Mail goes to {mail} without TLS. Set MAIL_USE_TLS=1.")
    return found


@click.command("check-config")
@click.option("--strict", is_flag=True, help="Exit with status 1 when anything is unsafe.")
@with_appcontext
def check_config_command(strict: bool):
    """Warn about settings that are unsafe for a production service."""
    found = warnings_for(current_app.config, debug=current_app.debug, workers=_workers(),
                         secret_from_env=bool(os.environ.get("SECRET_KEY")))
    for line in found:
        click.echo(f"warning: {line}")
    if not found:
        click.echo("No unsafe settings found.")
    if found and strict:
        raise SystemExit(1)
