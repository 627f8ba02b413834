"""Who may see and do what on the boards.

- Supportgruppen (support_group): the local contacts (local admins) of the organisation's
  schools and its central contacts (central admins).
- A staff board: every staff member of the organisation.
- A schools board: staff and local contacts of the chosen schools, and central.
- The vendor board: central admins of every organisation using the vendor, and the
  vendor's agents.
Guardians never see a board. Central admins of the organisation moderate its boards; the
vendor's agents moderate the vendor board.
"""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.access import Scope, rule
from helpdesk.boards.models import Board, BoardKind, Meeting, Post, Thread
from helpdesk.extensions import db


def _cached(scope: Scope, key: str, load):
    if key not in scope._cache:
        scope._cache[key] = load()
    return scope._cache[key]


def local_org_ids(scope: Scope) -> set[int]:
    """Organisations in which the user is a local contact of some school."""
    if not scope.local_school_ids:
        return set()
    from helpdesk.directory.models import School

    return _cached(scope, "boards_local_orgs", lambda: set(db.session.scalars(
        select(School.organisation_id).where(School.id.in_(scope.local_school_ids)))))


def central_vendor_ids(scope: Scope) -> set[int]:
    """Vendors used by the organisations the user is central admin of."""
    if not scope.central_org_ids:
        return set()
    from helpdesk.directory.models import Organisation

    return _cached(scope, "boards_vendors", lambda: set(db.session.scalars(
        select(Organisation.vendor_id).where(Organisation.id.in_(scope.central_org_ids),
                                             Organisation.vendor_id.is_not(None)))))


def _may_use_boards(scope: Scope) -> bool:
    # Guardians (and anyone who is neither staff nor vendor agent) never see boards.
    return scope.authenticated and (scope.is_staff or scope.is_vendor_agent)


def can_see_board(scope: Scope, board: Board) -> bool:
    if board is None or not _may_use_boards(scope):
        return False
    if board.kind is BoardKind.VENDOR:
        return (scope.vendor_id is not None and scope.vendor_id == board.vendor_id) or (
            board.vendor_id in central_vendor_ids(scope))
    org_id = board.organisation_id
    if scope.is_central_for(org_id):
        return True
    if board.kind is BoardKind.SUPPORT_GROUP:
        return org_id in local_org_ids(scope)
    if board.kind is BoardKind.STAFF:
        return org_id in scope.staff_org_ids or org_id in local_org_ids(scope)
    if board.kind is BoardKind.SCHOOLS:
        if not scope.belongs_to(org_id):
            return False
        chosen = board.school_ids
        return bool(chosen & scope.local_school_ids or chosen & scope.duty_school_ids)
    return False


def is_moderator(scope: Scope, board: Board) -> bool:
    if board is None or not scope.authenticated:
        return False
    if board.kind is BoardKind.VENDOR:
        return scope.vendor_id is not None and scope.vendor_id == board.vendor_id
    return scope.is_central_for(board.organisation_id)


@rule("boards.use")
def can_use(scope: Scope, _obj=None) -> bool:
    """The boards pages at all (the list shows only the boards one may see)."""
    return _may_use_boards(scope)


@rule("boards.view_board")
def can_view_board(scope: Scope, board: Board) -> bool:
    return can_see_board(scope, board)


@rule("boards.start_thread")
def can_start_thread(scope: Scope, board: Board) -> bool:
    return can_see_board(scope, board)


@rule("boards.view_thread")
def can_view_thread(scope: Scope, thread: Thread) -> bool:
    """Used by search too: a thread is seen by whoever sees its board."""
    return thread is not None and can_see_board(scope, thread.board)


@rule("boards.reply")
def can_reply(scope: Scope, thread: Thread) -> bool:
    return can_view_thread(scope, thread) and not thread.locked


@rule("boards.edit_post")
def can_edit_post(scope: Scope, post: Post) -> bool:
    return (post is not None and scope.user is not None and post.author_id == scope.user.id
            and not post.hidden and can_reply(scope, post.thread))


@rule("boards.report_post")
def can_report_post(scope: Scope, post: Post) -> bool:
    return post is not None and can_view_thread(scope, post.thread)


@rule("boards.accept")
def can_accept(scope: Scope, thread: Thread) -> bool:
    """The asker, or a central contact moderating the board."""
    if not can_view_thread(scope, thread):
        return False
    return thread.author_id == scope.user.id or is_moderator(scope, thread.board)


@rule("boards.moderate")
def can_moderate(scope: Scope, obj) -> bool:
    """Pin, lock, move, hide posts, work the report queue. `obj` is a board or a thread."""
    board = obj.board if isinstance(obj, Thread) else obj
    return is_moderator(scope, board)


@rule("boards.manage")
def can_manage(scope: Scope, _obj=None) -> bool:
    """Central tasks without a particular board: add boards, plan meetings, reports."""
    return bool(scope.central_org_ids) or scope.is_vendor_agent


@rule("boards.promote")
def can_promote(scope: Scope, thread: Thread) -> bool:
    return (thread is not None and thread.solved and thread.board.kind is not BoardKind.VENDOR
            and scope.is_central_for(thread.board.organisation_id))


@rule("boards.plan_meeting")
def can_plan_meeting(scope: Scope, _obj=None) -> bool:
    return bool(scope.central_org_ids)


@rule("boards.view_meeting")
def can_view_meeting(scope: Scope, meeting: Meeting) -> bool:
    if meeting is None or not _may_use_boards(scope):
        return False
    if meeting.invite_vendor and scope.vendor_id is not None and scope.vendor_id == meeting.organisation.vendor_id:
        return True  # the vendor's agents see a meeting they are invited to, nothing else
    return scope.is_central_for(meeting.organisation_id) or bool(
        meeting.school_ids & scope.local_school_ids)


@rule("boards.edit_meeting")
def can_edit_meeting(scope: Scope, meeting: Meeting) -> bool:
    return meeting is not None and scope.is_central_for(meeting.organisation_id)


@rule("boards.promote_ticket")
def can_promote_ticket(scope: Scope, ticket) -> bool:
    """The central team turns a ticket's resolution into an FAQ draft."""
    return ticket is not None and scope.is_central_for(ticket.organisation_id)


@rule("boards.ask_from_ticket")
def can_ask_from_ticket(scope: Scope, _ticket=None) -> bool:
    """Local and central contacts take a ticket's question to the support group."""
    return bool(scope.local_school_ids or scope.central_org_ids)
