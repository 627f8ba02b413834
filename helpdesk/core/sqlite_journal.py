"""SQLite (the embedded shape) in write-ahead-log mode.

SQLite's default rollback journal makes every commit create, sync and delete a journal file
beside the database (three syncs; ~9 ms a commit under the load test, most of a worker's
waiting), and while one process writes, every other process's reads wait: under `make run`
the job runner's rounds held the web server's pages. In WAL mode a commit appends to one log
with one sync, and readers never wait for the writer. `synchronous` stays FULL, so a commit
that answered survives a power cut as well as a killed process (NORMAL would skip that sync
and could lose the last commits on power loss: nothing is ever lost here).

The mode is kept in the database file itself; the pragma runs on every new connection because
it costs nothing once set and a database made by an older version is converted on its first
connection. In-memory databases have no log and are left alone.
"""
from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


def _on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def install() -> None:
    """For every engine of the process (the app's, Alembic's, the CLI's and benchmarks' own)."""
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
