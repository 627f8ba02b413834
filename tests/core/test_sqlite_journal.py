"""The embedded shape's SQLite runs in write-ahead-log mode with full syncs: a reader is never
held by a writer in another process (the job runner beside the web server), and a commit
that answered is on disk."""
from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine, text

from helpdesk.extensions import db


def test_the_apps_database_is_in_wal_mode_with_full_syncs(app):
    if app.test_database_kind != "sqlite":
        return  # PostgreSQL has its own log
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_a_reader_is_not_held_by_a_writer_in_another_process(app):
    if app.test_database_kind != "sqlite":
        return
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with app.app_context():
        db.session.execute(text("SELECT 1"))  # the pragma has run on a connection of the app
        db.session.remove()
    # Another process (the job runner) in the middle of a commit holds the database's write
    # lock; in the rollback journal's mode the exclusive lock of a commit keeps every reader
    # out for as long as it lasts, here until the reader's 0.2 s wait runs out.
    writer = sqlite3.connect(path, isolation_level=None)
    reader = sqlite3.connect(path, timeout=0.2)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("CREATE TABLE scratch_lock (x)")
        assert reader.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        reader.close()


def test_an_in_memory_database_is_left_alone(app):
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "memory"
