"""Which boards there are and who reaches them: the support and vendor boards made on first
need, the boards an actor may see, and central adding a board for staff or chosen schools.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from helpdesk.access import can, require, scope_of
from helpdesk.boards.models import Board, BoardKind, BoardSchool, Thread
from helpdesk.boards.policies import can_see_board, central_vendor_ids, local_org_ids
from helpdesk.directory.models import Organisation, School, Vendor
from helpdesk.errors import NotFound, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id

SUPPORT_BOARD_NAME = "Supportgruppen"
VENDOR_BOARD_NAME = "Leverantörsforum"


def _get_or_make(stmt, make) -> Board:
    board = db.session.scalar(stmt)
    if board is not None:
        return board
    try:
        # A savepoint: if another request made the board first, the unique index refuses
        # ours and we use theirs, without losing the rest of the transaction.
        with db.session.begin_nested():
            board = make()
            db.session.add(board)
    except IntegrityError:
        board = db.session.scalar(stmt)
    return board


def ensure_support_board(org: Organisation) -> Board:
    """The organisation's default "Supportgruppen" board, made the first time it is needed."""
    return _get_or_make(
        select(Board).where(Board.organisation_id == org.id, Board.is_default.is_(True)),
        lambda: Board(organisation_id=org.id, name=SUPPORT_BOARD_NAME, kind=BoardKind.SUPPORT_GROUP,
                      is_default=True, description=""))


def ensure_vendor_board(vendor: Vendor) -> Board:
    return _get_or_make(
        select(Board).where(Board.vendor_id == vendor.id, Board.kind == BoardKind.VENDOR),
        lambda: Board(vendor_id=vendor.id, name=VENDOR_BOARD_NAME, kind=BoardKind.VENDOR, description=""))


def support_board_of(org_id: int) -> Board:
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound()
    return ensure_support_board(org)


def visible_boards(actor) -> list[Board]:
    """The boards the actor may see; the support boards of their organisations are made on
    first access, so an organisation made after the demo gets its board too."""
    require(actor, "boards.use")
    scope = scope_of(actor)
    org_ids, vendor_ids = _reach(scope)
    for org in db.session.scalars(select(Organisation).where(Organisation.id.in_(org_ids))):
        if scope.is_central_for(org.id) or org.id in local_org_ids(scope):
            ensure_support_board(org)
    for vendor in db.session.scalars(select(Vendor).where(Vendor.id.in_(vendor_ids))):
        ensure_vendor_board(vendor)
    return existing_visible_boards(actor)


def existing_visible_boards(actor) -> list[Board]:
    """The boards the actor may see among those that exist, without making any: one query
    (and the boards' schools), for pages that list boards beside something else."""
    require(actor, "boards.use")
    scope = scope_of(actor)
    org_ids, vendor_ids = _reach(scope)
    candidates = db.session.scalars(
        select(Board).where(or_(Board.organisation_id.in_(org_ids), Board.vendor_id.in_(vendor_ids)))
        .order_by(Board.is_default.desc(), Board.kind, Board.name))
    return [b for b in candidates if can_see_board(scope, b)]


def _reach(scope) -> tuple[set[int], set[int]]:
    """(organisation ids, vendor ids) whose boards the scope may reach."""
    org_ids = set(scope.central_org_ids) | local_org_ids(scope)
    if scope.organisation_id:
        org_ids.add(scope.organisation_id)
    vendor_ids = set(central_vendor_ids(scope))
    if scope.vendor_id:
        vendor_ids.add(scope.vendor_id)
    return org_ids, vendor_ids


def board_summaries(boards: list[Board]) -> dict[int, tuple[int, datetime | None]]:
    """{board id: (thread count, latest activity)} in one query."""
    if not boards:
        return {}
    rows = db.session.execute(
        select(Thread.board_id, func.count(Thread.id), func.max(Thread.last_activity_at))
        .where(Thread.board_id.in_([b.id for b in boards])).group_by(Thread.board_id))
    return {board_id: (n, latest) for board_id, n, latest in rows}


def get_board(actor, board_id: int) -> Board:
    # A board outside the actor's reach answers like a missing one: a 403 would confirm it exists.
    board = db.session.get(Board, as_id(board_id) or 0)
    if board is None or not can(actor, "boards.view_board", board):
        raise NotFound(_l("That board does not exist."))
    return board


def create_board(actor, *, organisation_id: int, name: str, description: str = "",
                 kind: BoardKind = BoardKind.STAFF, school_ids: list[int] | None = None) -> Board:
    """Central adds a board for all staff of the organisation or for chosen schools."""
    scope = scope_of(actor)
    if not scope.is_central_for(organisation_id):
        raise PermissionDenied()
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_l("Give the board a name."), field="name")
    if len(name) > 120:
        raise ValidationFailed(_l("The name is too long (at most %(n)d characters).", n=120), field="name")
    if kind not in (BoardKind.STAFF, BoardKind.SCHOOLS):
        raise ValidationFailed(_l("Choose who the board is for."), field="kind")
    board = Board(organisation_id=organisation_id, name=name, kind=kind,
                  description=(description or "").strip()[:500])
    if kind is BoardKind.SCHOOLS:
        wanted = set(school_ids or [])
        valid = set(db.session.scalars(select(School.id).where(
            School.id.in_(wanted), School.organisation_id == organisation_id)))
        if not wanted or valid != wanted:
            raise ValidationFailed(_l("Choose one or more schools of the organisation."), field="schools")
        board.schools = [BoardSchool(school_id=s) for s in sorted(valid)]
    db.session.add(board)
    db.session.flush()
    return board

