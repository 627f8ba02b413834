"""Counting the SQL a piece of work sends, for query-count assertions (never timing)."""
from __future__ import annotations

from sqlalchemy import event

from helpdesk.extensions import db


def statements(app, fn) -> tuple[object, list[str]]:
    """Run fn() and return its result and every SQL statement the app's engine executed."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def before(_conn, _cursor, statement, *_rest):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        result = fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return result, seen


def count_queries(app, fn) -> int:
    return len(statements(app, fn)[1])


def count_rendered(app, fn) -> int:
    """The queries of fn() with nothing kept from earlier pages (helpdesk/tickets/queue_cache.py):
    what a page costs rendered from nothing, the same on every call."""
    from helpdesk.tickets import queue_cache

    for name in ("queue_cache", "queue_cache_directory"):
        queue_cache.store(app, name).entries.clear()
    return count_queries(app, fn)
