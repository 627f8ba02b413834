"""Keeping the queue counters (models.TicketCount) equal to the tickets.

A ticket counts once under its key: organisation, school, vendor, tier, status, assignee, and
whether the asker wrote the last public message (the start page's "the asker answered") and
central the last one shared with the vendor (the vendor's "central answered").
Whatever moves a ticket from one key to another, in the same transaction, takes one from the
old key's row and adds one to the new key's:

- changes through the ORM (the ticket services, filing, erasure): before a flush the keys the
  database holds for the tickets about to change are read (locked on PostgreSQL, so nobody
  moves them in between), after it the keys they hold now;
- UPDATE and DELETE statements on tickets run through the session (the tick's claims, which
  escalate and close with a conditional UPDATE): the same, around the statement.

The differences are added up per transaction (a savepoint rolled back takes its own with it)
and written just before the commit with one upsert per key, in key order (no deadlock between
two transactions). Rows written around the session (bulk loads: the demo's history, the
benchmarks) are counted again by `rebuild()`: `flask --app helpdesk tickets counters rebuild`.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import case, delete, event, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from helpdesk.extensions import db
from helpdesk.tickets.models import AuthorRole, Ticket, TicketCount, TicketMessage, TicketStatus, Tier

KEY = ("organisation_id", "school_id", "vendor_id", "tier", "status", "assignee_id", "asker_answered",
       "central_answered")
# The ticket columns the key is made of: a change to any other leaves the counters as they are.
WATCHED = {"organisation_id", "school_id", "vendor_id", "tier", "status", "assignee_id", "last_public_role",
           "last_vendor_role"}


def _key_columns() -> list:
    """The key of each ticket, as SQL (no vendor or assignee: 0; the flags never NULL)."""
    return [Ticket.organisation_id, Ticket.school_id, func.coalesce(Ticket.vendor_id, 0), Ticket.tier,
            Ticket.status, func.coalesce(Ticket.assignee_id, 0),
            case((Ticket.last_public_role == AuthorRole.REQUESTER, True), else_=False),
            case((Ticket.last_vendor_role == AuthorRole.CENTRAL, True), else_=False)]


_PENDING = "ticket_counts"  # session.info: {transaction: Counter(key -> difference)}
_BEFORE = "ticket_counts_before"  # session.info: {ticket id: key} read before the flush


def _key(row) -> tuple:
    org, school, vendor, tier, status, assignee, asker, central = row
    tier, status = Tier(tier), TicketStatus(status)  # a grouped CASE may hand back plain strings
    return (org, school, vendor or 0, tier, status, assignee or 0, bool(asker), bool(central))


def _keys_of(session: Session, ids, *, lock: bool) -> dict[int, tuple]:
    if not ids:
        return {}
    stmt = select(Ticket.id, *_key_columns()).where(Ticket.id.in_(list(ids)))
    if lock:
        stmt = stmt.with_for_update()
    with session.no_autoflush:
        return {row[0]: _key(row[1:]) for row in session.execute(stmt, execution_options={"_counters": True})}


def _bucket(session: Session) -> Counter:
    tx = session.get_nested_transaction() or session.get_transaction()
    return session.info.setdefault(_PENDING, {}).setdefault(tx, Counter())


def _moved(session: Session, before: dict[int, tuple], after: dict[int, tuple]) -> None:
    bucket = _bucket(session)
    for ticket_id in before.keys() | after.keys():
        old, new = before.get(ticket_id), after.get(ticket_id)
        if old == new:
            continue
        if old is not None:
            bucket[old] -= 1
        if new is not None:
            bucket[new] += 1


def _changes_key(ticket: Ticket) -> bool:
    state = db.inspect(ticket)
    return any(state.attrs[name].history.has_changes() for name in WATCHED)


def _before_flush(session: Session, flush_context, instances) -> None:
    ids = {t.id for t in session.deleted if isinstance(t, Ticket)}
    ids |= {t.id for t in session.dirty if isinstance(t, Ticket) and t.id is not None and _changes_key(t)}
    session.info[_BEFORE] = _keys_of(session, ids, lock=True)


def _after_flush(session: Session, flush_context) -> None:
    before = session.info.pop(_BEFORE, {})
    new_ids = {t.id for t in session.new if isinstance(t, Ticket)}
    ids = (before.keys() | new_ids) - {t.id for t in session.deleted if isinstance(t, Ticket)}
    _moved(session, before, _keys_of(session, ids, lock=False))


def _around_statement(state):
    """An UPDATE or DELETE of tickets run through the session: the keys of the rows it
    matches before and after it."""
    if not (state.is_update or state.is_delete) or state.execution_options.get("_counters"):
        return None
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ is not Ticket:
        return None
    where = state.statement.whereclause
    values = getattr(state.statement, "_values", None)
    if state.is_update and values and not {getattr(k, "key", k) for k in values} & WATCHED:
        return None
    session = state.session
    found = select(Ticket.id, *_key_columns())
    if where is not None:
        found = found.where(where)
    before = {row[0]: _key(row[1:]) for row in session.execute(
        found.with_for_update(), execution_options={"_counters": True})}
    result = state.invoke_statement()
    _moved(session, before, _keys_of(session, before.keys(), lock=False))
    return result


def _merge_savepoint(session: Session) -> None:
    """A savepoint committed: its differences become its parent's."""
    nested = session.get_nested_transaction()
    pending = session.info.get(_PENDING)
    if nested is None or not pending or nested not in pending:
        return
    pending.setdefault(nested.parent, Counter()).update(pending.pop(nested))


def _end(session: Session, transaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        pending.pop(transaction, None)  # committed (already written or merged) or rolled back


def _write_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()
    bucket = session.info.get(_PENDING, {}).pop(session.get_transaction(), None)
    if bucket:
        write(session, bucket)


def write(session: Session, differences: Counter) -> None:
    """Add the differences to the counter rows, one upsert per key, in key order."""
    dialect = session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    for key in sorted((k for k, d in differences.items() if d), key=lambda k: tuple(str(v) for v in k)):
        row = dict(zip(KEY, key, strict=True), n=differences[key])
        stmt = make(TicketCount).values(**row)
        stmt = stmt.on_conflict_do_update(index_elements=["organisation_id", "tier", "status", "school_id",
                                                          "vendor_id", "assignee_id", "asker_answered",
                                                          "central_answered"],
                                          set_={"n": TicketCount.n + stmt.excluded.n})
        session.execute(stmt, execution_options={"_counters": True})


def rebuild(*, last_roles: bool = True) -> int:
    """Count every key again from the tickets, after reading each ticket's last authors from
    its messages (the repair after a bulk load, or when in doubt; `last_roles=False`: a bulk
    load that wrote them itself). Returns the number of counter rows."""
    session = db.session
    session.flush()
    if last_roles:
        fill_last_roles()
    session.info.pop(_PENDING, None)  # what this transaction changed so far is counted below
    session.execute(delete(TicketCount), execution_options={"_counters": True})
    session.execute(insert(TicketCount).from_select([*KEY, "n"], _grouped()), execution_options={"_counters": True})
    session.flush()
    from helpdesk.tickets import queue_versions

    queue_versions.bump_all(session)  # whatever was written around the session: every page again
    return session.scalar(select(func.count()).select_from(TicketCount))


def _grouped():
    key = _key_columns()
    return select(*key, func.count()).group_by(*key)


def full_count() -> dict[tuple, int]:
    """Every key's count read from the tickets (what the counters must equal)."""
    return {_key(r[:-1]): r[-1] for r in db.session.execute(_grouped())}


def counted() -> dict[tuple, int]:
    """The counters as kept (keys with a count of zero left out)."""
    rows = db.session.execute(select(*[getattr(TicketCount, k) for k in KEY], TicketCount.n)
                              .where(TicketCount.n != 0))
    return {_key(r[:-1]): r[-1] for r in rows}


def fill_last_roles() -> None:
    """Who wrote each ticket's last public and last vendor-shared message, read from the
    messages (the repair for messages written around the reply service: bulk loads). One
    statement that rewrites only the tickets whose value is wrong, and keeps their
    `updated_at`: a repair is not a change anyone made to the question (and at a million
    tickets, rewriting every row twice took longer than writing them)."""
    last = {column: select(TicketMessage.author_role).where(TicketMessage.ticket_id == Ticket.id, visible)
            .order_by(TicketMessage.id.desc()).limit(1).scalar_subquery()
            for column, visible in ((Ticket.last_public_role, TicketMessage.internal.is_(False)),
                                    (Ticket.last_vendor_role, TicketMessage.shared_with_vendor.is_(True)))}
    db.session.execute(update(Ticket).where(or_(*[c.is_distinct_from(v) for c, v in last.items()]))
                       .values({**last, Ticket.updated_at: Ticket.updated_at}),
                       execution_options={"_counters": True, "synchronize_session": False})


def demo_step(ctx) -> None:
    rebuild()


_LISTENERS = (("before_flush", _before_flush), ("after_flush", _after_flush),
              ("do_orm_execute", _around_statement), ("after_commit", _merge_savepoint),
              ("after_transaction_end", _end), ("before_commit", _write_before_commit))


def listen() -> None:
    """Keep the counters in every session's transactions (called once, by init_app)."""
    for name, fn in _LISTENERS:
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def stop() -> None:
    """Switch the upkeep off (only the test that shows the counters drift without it)."""
    for name, fn in _LISTENERS:
        if event.contains(Session, name, fn):
            event.remove(Session, name, fn)
