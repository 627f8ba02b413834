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
