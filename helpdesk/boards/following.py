"""Following a board or a thread (subscriptions), and the followed threads with their unread
counts for the menu and the "following" page.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from helpdesk.access import require, scope_of
from helpdesk.boards.models import Board, Subscription, Thread
from helpdesk.boards.policies import can_see_board
from helpdesk.boards.reading import unread_counts
from helpdesk.extensions import db


def _follow(actor, *, board: Board | None = None, thread: Thread | None = None) -> Subscription:
    stmt = select(Subscription).where(Subscription.user_id == actor.id)
    stmt = stmt.where(Subscription.board_id == board.id) if board else stmt.where(
        Subscription.thread_id == thread.id)
    sub = db.session.scalar(stmt)
    if sub is None:
        sub = Subscription(user_id=actor.id, board_id=board.id if board else None,
                           thread_id=thread.id if thread else None)
        db.session.add(sub)
        db.session.flush()
    return sub


def follow(actor, *, board: Board | None = None, thread: Thread | None = None) -> Subscription:
    if board is not None:
        require(actor, "boards.view_board", board)
    else:
        require(actor, "boards.view_thread", thread)
    return _follow(actor, board=board, thread=thread)


def unfollow(actor, *, board: Board | None = None, thread: Thread | None = None) -> None:
    stmt = select(Subscription).where(Subscription.user_id == actor.id)
    stmt = stmt.where(Subscription.board_id == board.id) if board else stmt.where(
        Subscription.thread_id == thread.id)
    for sub in db.session.scalars(stmt):
        db.session.delete(sub)
    db.session.flush()


def is_following(actor, *, board: Board | None = None, thread: Thread | None = None) -> bool:
    stmt = select(Subscription.id).where(Subscription.user_id == actor.id)
    stmt = stmt.where(Subscription.board_id == board.id) if board else stmt.where(
        Subscription.thread_id == thread.id)
    return db.session.scalar(stmt.limit(1)) is not None


def followed_threads(actor, limit: int = 50) -> list[tuple[Thread, int]]:
    """Threads the actor follows, latest activity first, with their unread counts."""
    threads = list(db.session.scalars(
        select(Thread).join(Subscription, Subscription.thread_id == Thread.id)
        .where(Subscription.user_id == actor.id)
        .options(selectinload(Thread.board))
        .order_by(Thread.last_activity_at.desc()).limit(limit)))
    scope = scope_of(actor)
    threads = [t for t in threads if can_see_board(scope, t.board)]
    unread = unread_counts(actor, threads)
    return [(t, unread.get(t.id, 0)) for t in threads]


def unread_total(actor) -> int:
    return sum(n for _t, n in followed_threads(actor))
