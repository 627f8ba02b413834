"""Health checks that capabilities add to /healthz (the database here, search in its own)."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import inspect, text

from helpdesk.extensions import db

_CHECKS: dict[str, Callable[[], dict]] = {}


def add_check(name: str, check: Callable[[], dict]) -> None:
    _CHECKS[name] = check


def database_check() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        migrated = inspect(db.engine).has_table("alembic_version") or inspect(db.engine).has_table("user_account")
        return {"ok": bool(migrated), "backend": db.engine.dialect.name,
                "state": "ready" if migrated else "not migrated"}
    except Exception as exc:  # the whole point is to report, not to raise
        db.session.rollback()
        return {"ok": False, "backend": db.engine.dialect.name, "state": type(exc).__name__}


add_check("database", database_check)


def run_checks() -> tuple[bool, dict]:
    results = {name: check() for name, check in _CHECKS.items()}
    return all(r.get("ok", False) for r in results.values()), results
