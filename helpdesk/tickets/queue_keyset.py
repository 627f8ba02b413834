"""Pages of the queue by keyset: a page starts after (or ends before) the key of a row,
never at an offset, so a page costs the same at the first row or the ten-thousandth.

The order is the queue's: deadlines first (passed ones first, the nearest next), questions
without a deadline (paused) last, then the id. The queue indexes hold one range per place and
status in exactly that order (`ix_ticket_queue_*`: organisation or school or vendor, tier,
status, deadline, id), but a page mixes several statuses and places, and no index gives that
order: each (place, status) range is read in order up to a page's length, with and without a
deadline apart, and the few rows read are put in order; nothing else is read or sorted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Integer, literal, select, tuple_, union

from helpdesk.tickets.models import Ticket

_CURSOR = re.compile(r"^(n|\d{20})\.(\d{1,18})$")
_FORMAT = "%Y%m%d%H%M%S%f"


@dataclass(frozen=True)
class Key:
    """Where a row stands in the queue's order."""

    due: datetime | None
    id: int

    def __str__(self) -> str:
        return f"{'n' if self.due is None else self.due.astimezone(timezone.utc).strftime(_FORMAT)}.{self.id}"


def key_of(row) -> Key:
    return Key(row.sla_due_at, row.id)


def parse(text: str | None) -> Key | None:
    """A cursor from a link; None when it is not one (the caller shows the first page)."""
    found = _CURSOR.match(text or "")
    if not found:
        return None
    try:
        due = None if found[1] == "n" else datetime.strptime(found[1], _FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return Key(due, int(found[2]))


def _part(conds, *, dated: bool, key: Key | None, backwards: bool, limit: int):
    """One (place, status) range, with or without a deadline, from the key on, in order."""
    due_col = Ticket.sla_due_at
    where = [*conds, due_col.is_not(None) if dated else due_col.is_(None)]
    if key is not None:
        if dated and key.due is not None:
            pair, cut = tuple_(due_col, Ticket.id), tuple_(literal(key.due, due_col.type), literal(key.id))
            where.append(pair < cut if backwards else pair > cut)
        elif not dated and key.due is None:
            where.append(Ticket.id < key.id if backwards else Ticket.id > key.id)
        elif dated != backwards:  # dated rows after a paused key, or paused rows before a dated one
            return None
    # The paused range is ordered by (deadline, id) too, though its deadlines are all NULL:
    # then only the queue index gives the order, and PostgreSQL cannot choose to walk the
    # primary key in id order filtering for the range (at a million tickets it did, for a
    # rare or empty range, reading every row: 1.5 s each).
    order = [due_col, Ticket.id]
    inner = (select(Ticket.id.label("id"), due_col.label("due"), literal(0 if dated else 1, Integer).label("paused"))
             .where(*where).order_by(*[c.desc() if backwards else c for c in order]).limit(limit).subquery())
    return select(inner.c.id, inner.c.due, inner.c.paused)


def page_ids(slices: list[list], statuses, extra: list, *, key: Key | None, backwards: bool, limit: int):
    """The ids of one page (`limit` rows after or before `key`), as a subquery with columns
    id, due, paused; None when nothing can match."""
    parts = [p for conds in slices for status in statuses for dated in (True, False)
             if (p := _part([*conds, Ticket.status == status, *extra], dated=dated, key=key,
                            backwards=backwards, limit=limit)) is not None]
    if not parts:
        return None
    both = union(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    order = [both.c.paused, both.c.due, both.c.id]
    return select(both.c.id).order_by(*[c.desc() if backwards else c for c in order]).limit(limit).subquery()
