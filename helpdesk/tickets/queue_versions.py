"""Queue versions: a number per organisation that moves in the transaction of every change to
one of its tickets, and one (row 0) for the directory a queue page shows (schools, people,
accounts and their roles). The rendered queue pages are kept under these numbers
(queue_cache.py): a page kept before a change is never found after it.

Seen like the queue counters (counters.py), through the session:
- changes through the ORM: tickets new or deleted, or changed in a column a page shows or
  reads (`shown()`: its rows, counts, filters and order; not a reply's bookkeeping such as
  the message count, or every reply would throw the pages away), and directory rows new,
  changed or deleted;
- INSERT, UPDATE and DELETE statements run through the session: on tickets, the
  organisations of the rows matched (the tick's claims); on a directory table (the sync's
  bulk writes), the directory.
The organisations touched are bumped just before the commit, one upsert each in order (no
deadlock between two transactions). Rows written around the session (bulk loads) are followed
by `counters.rebuild()`, which bumps every organisation (`bump_all`).
Bumping too often only costs a page rendered again; too seldom would show a stale page, so
whatever is unsure bumps.
"""
from __future__ import annotations

import secrets

from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from helpdesk.extensions import db
from helpdesk.tickets.models import QueueVersion, Ticket

DIRECTORY = 0  # the row for the directory
# What a queue page shows besides the tickets: school names, colleagues (their names come
# from the person), roles (who is a colleague, which tabs one has), organisations.
DIRECTORY_TABLES = {"school", "organisation", "person", "user_account", "role_assignment", "vendor"}
_PENDING = "queue_versions"  # session.info: organisation ids to bump at the commit
_ALL = "queue_versions_all"  # session.info: bump every organisation and the directory at the commit
_SKIP = "_queue_versions"  # execution option on our own statements


def _pending(session: Session) -> set:
    return session.info.setdefault(_PENDING, set())


def _before_flush(session: Session, flush_context, instances) -> None:
    touched = _pending(session)
    changed = [o for o in session.dirty if session.is_modified(o)]
    for obj in (*session.new, *session.deleted, *changed):
        if isinstance(obj, Ticket):
            if obj in session.dirty and not _changes_shown(obj):
                continue  # a reply's bookkeeping (message count, updated_at, last author): no page shows it
            touched.add(obj.organisation_id)
            history = db.inspect(obj).attrs.organisation_id.history
            touched.update(v for v in history.deleted or () if v is not None)  # moved: the old one too
        elif obj.__table__.name in DIRECTORY_TABLES:
            touched.add(DIRECTORY)


_SHOWN: frozenset[str] = frozenset()


def shown() -> frozenset[str]:
    """The ticket columns a queue page shows or reads: its rows, the counters' columns its
    counts sum by (not the start page's "who wrote last"), its filters and its order."""
    global _SHOWN
    if not _SHOWN:
        from helpdesk.tickets.views_of_queue import ROW_COLUMNS

        _SHOWN = frozenset({c.key for c in ROW_COLUMNS} | {
            "organisation_id", "school_id", "vendor_id", "tier", "status", "assignee_id", "sla_due_at", "category"})
    return _SHOWN


def _changes_shown(ticket: Ticket) -> bool:
    state = db.inspect(ticket)
    return any(state.attrs[name].history.has_changes() for name in shown())


def _statement(state):
    if not (state.is_insert or state.is_update or state.is_delete) or state.execution_options.get(_SKIP):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name in DIRECTORY_TABLES:
        _pending(state.session).add(DIRECTORY)
    elif name == Ticket.__tablename__:
        if state.is_insert:  # an INSERT of tickets through the session: whose is not read here
            bump_all(state.session)
            return
        values = getattr(state.statement, "_values", None) or {}
        if state.is_update and values and not {getattr(k, "key", k) for k in values} & shown():
            return  # no column a page shows
        found = select(Ticket.organisation_id).distinct()
        if state.statement.whereclause is not None:
            found = found.where(state.statement.whereclause)
        touched = _pending(state.session)
        touched.update(state.session.execute(found, execution_options={_SKIP: True, "_counters": True}).scalars())
        if any(getattr(k, "key", k) == "organisation_id" for k in values):
            bump_all(state.session)  # moved between organisations by a statement: rare, bump all


def bump_all(session: Session) -> None:
    """Every organisation and the directory, at this transaction's commit (after a bulk load,
    or a change whose organisations are not read here)."""
    session.info[_ALL] = True


def _write_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()
    touched = session.info.pop(_PENDING, set())
    if session.info.pop(_ALL, False):
        from helpdesk.directory.models import Organisation

        touched |= set(session.execute(select(Organisation.id), execution_options={_SKIP: True}).scalars())
        touched.add(DIRECTORY)
    if touched:
        bump(session, touched)


def _end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended (committed or rolled back)
        session.info.pop(_PENDING, None)
        session.info.pop(_ALL, None)


def bump(session: Session, organisation_ids) -> None:
    """Move the numbers of these organisations (DIRECTORY: the directory's), in order."""
    make = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for org in sorted(o for o in organisation_ids if o is not None):
        stmt = make(QueueVersion).values(organisation_id=org, version=secrets.randbits(48))
        stmt = stmt.on_conflict_do_update(index_elements=["organisation_id"],
                                          set_={"version": QueueVersion.version + 1})
        session.execute(stmt, execution_options={_SKIP: True, "_counters": True})


_LISTENERS = (("before_flush", _before_flush), ("do_orm_execute", _statement),
              ("before_commit", _write_before_commit), ("after_transaction_end", _end))


def listen() -> None:
    """Keep the versions in every session's transactions (called once, by init_app, after the
    counters: their commit hook flushes, and what that flush changes must be seen here)."""
    for name, fn in _LISTENERS:
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
