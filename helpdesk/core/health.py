"""Health checks that capabilities add (the database here, search in its own).

Three probes, from cheapest to fullest:
- /livez: the process answers; touches nothing (a load balancer's liveness probe, and the floor
  the benchmarks compare against).
- /readyz: every part can serve, checked cheaply (one trivial query each, no counts, no index
  walk, the schema looked at once per process), for a readiness probe every few seconds.
- /healthz: the full report with counts, for people and dashboards.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import inspect, text

from helpdesk.extensions import db

_CHECKS: dict[str, Callable[[], dict]] = {}
_READINESS: dict[str, Callable[[], bool]] = {}


def add_check(name: str, check: Callable[[], dict], *, ready: Callable[[], bool] | None = None) -> None:
    """`check` reports fully for /healthz; `ready` answers cheaply for /readyz."""
    _CHECKS[name] = check
    if ready is not None:
        _READINESS[name] = ready


def database_check() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        migrated = inspect(db.engine).has_table("alembic_version") or inspect(db.engine).has_table("user_account")
        return {"ok": bool(migrated), "backend": db.engine.dialect.name,
                "state": "ready" if migrated else "not migrated"}
    except Exception as exc:  # the whole point is to report, not to raise
        db.session.rollback()
        return {"ok": False, "backend": db.engine.dialect.name, "state": type(exc).__name__}


_migrated_engines: set[int] = set()


def database_ready() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        if id(db.engine) not in _migrated_engines:  # the schema does not come and go: look once
            if not database_check()["ok"]:
                return False
            _migrated_engines.add(id(db.engine))
        return True
    except Exception:
        db.session.rollback()
        return False


add_check("database", database_check, ready=database_ready)


def run_checks() -> tuple[bool, dict]:
    results = {name: check() for name, check in _CHECKS.items()}
    return all(r.get("ok", False) for r in results.values()), results


def run_readiness() -> tuple[bool, dict[str, bool]]:
    results = {name: ready() for name, ready in _READINESS.items()}
    return all(results.values()), results
