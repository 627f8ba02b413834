"""The support group follows appointments (`events.role_changed`), not the role tables.

A newly appointed local admin joins the organisation's support group at once: the board is
made if missing and they follow it (new threads reach them by e-mail). A removed one who is
no longer a contact of that organisation leaves it: their follows of the board and its
threads end. Who may *see* the board is the boards policy's business, from their roles.
"""
from __future__ import annotations

from sqlalchemy import delete, select

from helpdesk.auth.models import Role, User
from helpdesk.boards.models import Subscription, Thread
from helpdesk.directory.models import Organisation, School
from helpdesk.events import role_changed
from helpdesk.extensions import db

_CONTACT_ROLES = (Role.LOCAL_ADMIN.value, Role.CENTRAL_ADMIN.value)


def _organisation_of(organisation_id, school_id) -> Organisation | None:
    if school_id:
        school = db.session.get(School, school_id)
        organisation_id = school.organisation_id if school else organisation_id
    return db.session.get(Organisation, organisation_id) if organisation_id else None


def _still_contact(user: User, org: Organisation) -> bool:
    for a in user.roles:
        if a.role is Role.CENTRAL_ADMIN and a.organisation_id == org.id:
            return True
        if a.role is Role.LOCAL_ADMIN:
            school = db.session.get(School, a.school_id)
            if school is not None and school.organisation_id == org.id:
                return True
    return False


def follow_appointments(change: str, *, user_id: int, role: str, organisation_id=None, school_id=None,
                        group_id=None, **_ignored) -> None:
    if role not in _CONTACT_ROLES:
        return
    user = db.session.get(User, user_id)
    org = _organisation_of(organisation_id, school_id)
    if user is None or org is None:
        return
    from helpdesk.boards.boards import ensure_support_board
    from helpdesk.boards.following import _follow

    board = ensure_support_board(org)
    if change == "appointed":
        _follow(user, board=board)
    elif not _still_contact(user, org):
        db.session.execute(delete(Subscription).where(
            Subscription.user_id == user.id,
            (Subscription.board_id == board.id) | Subscription.thread_id.in_(
                select(Thread.id).where(Thread.board_id == board.id))))


def init_app() -> None:
    role_changed.connect(follow_appointments, weak=False)

