"""Moderating the boards: pinning, locking, moving threads, hiding posts, and handling reports."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from helpdesk.access import can, require, scope_of
from helpdesk.boards.models import (
    Board,
    Post,
    Report,
    Thread,
)
from helpdesk.boards.policies import (
    is_moderator,
)

# The board rules' own helpers: moderation is part of the board service, split off by size.
from helpdesk.boards.boards import existing_visible_boards
from helpdesk.boards.posting import _changed
from helpdesk.errors import Conflict, NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id, utcnow

MAX_REASON = 1000


def _require_moderator(actor, thread_or_board) -> None:
    require(actor, "boards.moderate", thread_or_board)


def set_pinned(actor, thread: Thread, pinned: bool) -> None:
    _require_moderator(actor, thread)
    thread.pinned = bool(pinned)
    db.session.flush()
    _changed(thread)


def set_locked(actor, thread: Thread, locked: bool) -> None:
    _require_moderator(actor, thread)
    thread.locked = bool(locked)
    db.session.flush()
    _changed(thread)


def move_targets(actor, thread: Thread) -> list[Board]:
    scope = scope_of(actor)
    return [b for b in existing_visible_boards(actor) if b.id != thread.board_id and is_moderator(scope, b)]


def move_thread(actor, thread: Thread, board_id: int) -> None:
    _require_moderator(actor, thread)
    target = db.session.get(Board, as_id(board_id)) if as_id(board_id) else None
    if target is None or target.id == thread.board_id or not is_moderator(scope_of(actor), target):
        raise ValidationFailed(_l("Choose a board you moderate."), field="board")
    thread.board_id, thread.board = target.id, target
    db.session.flush()
    _changed(thread)


def hide_post(actor, post: Post, reason: str) -> None:
    """Moderators hide a post with a reason; the post is kept, never deleted."""
    _require_moderator(actor, post.thread)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(_l("Say why the post is hidden."), field="reason")
    if len(reason) > 500:
        raise ValidationFailed(_l("The reason is too long (at most %(n)d characters).", n=500), field="reason")
    post.hidden, post.hidden_reason, post.hidden_by_id = True, reason, actor.id
    if post.thread.accepted_post_id == post.id:
        post.thread.accepted_post_id, post.thread.solved = None, False
    db.session.flush()
    _changed(post.thread)


def unhide_post(actor, post: Post) -> None:
    _require_moderator(actor, post.thread)
    post.hidden, post.hidden_reason, post.hidden_by_id = False, None, None
    db.session.flush()
    _changed(post.thread)


def report_post(actor, post: Post, reason: str) -> Report:
    """Everyone who sees a post may report it to the moderators."""
    require(actor, "boards.report_post", post)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(_l("Say what is wrong with the post."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(_l("The reason is too long (at most %(n)d characters).", n=MAX_REASON),
                               field="reason")
    report = Report(post_id=post.id, reporter_id=actor.id, reason=reason)
    db.session.add(report)
    db.session.flush()
    return report


def open_reports(actor) -> list[Report]:
    require(actor, "boards.manage")
    scope = scope_of(actor)
    reports = db.session.scalars(
        select(Report).where(Report.resolved_at.is_(None)).order_by(Report.created_at)
        .options(selectinload(Report.post).selectinload(Post.thread).selectinload(Thread.board)))
    return [r for r in reports if is_moderator(scope, r.post.thread.board)]


def resolve_report(actor, report_id: int, *, hide_reason: str | None = None) -> Report:
    report = db.session.get(Report, as_id(report_id) or 0)
    if report is None or not can(actor, "boards.view_thread", report.post.thread):
        raise NotFound()  # a report about a thread out of reach is not confirmed by a 403
    _require_moderator(actor, report.post.thread)
    if report.resolved_at is not None:
        raise Conflict(_l("The report has already been dealt with."))
    if hide_reason:
        hide_post(actor, report.post, hide_reason)
    report.resolved_at, report.resolved_by_id = utcnow(), actor.id
    db.session.flush()
    return report
