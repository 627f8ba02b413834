"""Whether the support forum has anything for a person, for the menu and the home page.

`boards.use` lets every member of staff open the boards pages; but a teacher who is no
support contact sees a board only when one for the whole staff (or for her school) exists.
Offering her a menu item that leads to "there are no boards for you" wastes her time, so
the menu asks here.
"""
from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import select

from helpdesk.access import can, scope_of
from helpdesk.boards.models import Board, BoardKind
from helpdesk.boards.policies import can_see_board
from helpdesk.extensions import db


def _offers(actor) -> bool:
    if not can(actor, "boards.use"):
        return False
    scope = scope_of(actor)
    # Support contacts and vendor agents always have their board (made on first visit); told
    # from the scope alone, so the menu costs them no query.
    if scope.central_org_ids or scope.local_school_ids or scope.vendor_id is not None:
        return True
    if not scope.staff_org_ids:
        return False
    candidates = select(Board).where(Board.organisation_id.in_(scope.staff_org_ids),
                                     Board.kind.in_((BoardKind.STAFF, BoardKind.SCHOOLS)))
    return any(can_see_board(scope, b) for b in db.session.scalars(candidates))


def offers_boards(actor) -> bool:
    """True when the actor may use the boards and at least one board is there for them;
    asked once per request (the menu and the home page both ask)."""
    if not has_request_context():
        return _offers(actor)
    cache = g.setdefault("boards_offered", {})
    key = getattr(actor, "id", None)
    if key not in cache:
        cache[key] = _offers(actor)
    return cache[key]
