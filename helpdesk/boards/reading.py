"""Reading the boards: a board's threads by latest activity with filters, a thread's posts,
the accepted answer, and each reader's read marker and unread counts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from helpdesk.access import require
from helpdesk.auth.models import User
from helpdesk.boards.models import Board, Post, ReadMarker, Subscription, Thread
from helpdesk.extensions import db
from helpdesk.models_base import utcnow

THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 250
FILTERS = ("all", "unanswered", "solved", "mine", "following")


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int
    extra: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def list_threads(actor, board: Board, *, filter: str = "all", page: int = 1) -> Page:
    """Latest activity first (pinned threads on top), with filters and pagination."""
    require(actor, "boards.view_board", board)
    if filter not in FILTERS:
        filter = "all"
    page = max(1, page)
    conds = [Thread.board_id == board.id]
    if filter == "unanswered":
        conds.append(Thread.post_count <= 1)
    elif filter == "solved":
        conds.append(Thread.solved.is_(True))
    elif filter == "mine":
        conds.append(Thread.author_id == actor.id)
    elif filter == "following":
        conds.append(Thread.id.in_(select(Subscription.thread_id).where(
            Subscription.user_id == actor.id, Subscription.thread_id.is_not(None))))
    # Counted on the listing index, not over a subquery of whole rows.
    total = db.session.scalar(select(func.count(Thread.id)).where(*conds))
    items = list(db.session.scalars(
        select(Thread).where(*conds).options(_authors(Thread.author))
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(THREADS_PER_PAGE).offset((page - 1) * THREADS_PER_PAGE)))
    return Page(items, page, THREADS_PER_PAGE, total, extra={"unread": unread_counts(actor, items)})


def _authors(relationship):
    """Loading the authors of a page of threads or posts: with their person and organisation
    (the names shown) in one query; not their roles (selectin by default, never shown)."""
    return selectinload(relationship).options(joinedload(User.person), joinedload(User.organisation),
                                              lazyload(User.roles))


def unread_counts(actor, threads: list[Thread]) -> dict[int, int]:
    """{thread id: unread posts} for the threads the actor has opened before."""
    if not threads:
        return {}
    ids = [t.id for t in threads]
    rows = db.session.execute(
        select(Post.thread_id, func.count(Post.id))
        .join(ReadMarker, and_(ReadMarker.thread_id == Post.thread_id, ReadMarker.user_id == actor.id))
        .where(Post.thread_id.in_(ids), Post.id > ReadMarker.last_read_post_id)
        .group_by(Post.thread_id))
    return dict(rows.all())


def thread_posts(actor, thread: Thread, *, page: int = 1) -> Page:
    require(actor, "boards.view_thread", thread)
    page = max(1, page)
    items = list(db.session.scalars(
        select(Post).where(Post.thread_id == thread.id).options(_authors(Post.author))
        .order_by(Post.id).limit(POSTS_PER_PAGE).offset((page - 1) * POSTS_PER_PAGE)))
    return Page(items, page, POSTS_PER_PAGE, thread.post_count)


def accepted_post(thread: Thread) -> Post | None:
    if thread.accepted_post_id is None:
        return None
    post = db.session.get(Post, thread.accepted_post_id)
    return post if post is not None and post.thread_id == thread.id and not post.hidden else None


def _mark_read(actor, thread: Thread, post_id: int | None) -> bool:
    """Moves the actor's read marker on to `post_id`; True when that changed something."""
    if post_id is None:
        return False
    marker = db.session.scalar(select(ReadMarker).where(ReadMarker.user_id == actor.id,
                                                        ReadMarker.thread_id == thread.id))
    if marker is None:
        db.session.add(ReadMarker(user_id=actor.id, thread_id=thread.id, last_read_post_id=post_id,
                                  read_at=utcnow()))
    elif marker.last_read_post_id < post_id:
        marker.last_read_post_id, marker.read_at = post_id, utcnow()
    else:
        return False
    db.session.flush()
    return True


def mark_read(actor, thread: Thread, upto_post_id: int | None = None) -> bool:
    """True when the marker moved (and so there is something to commit)."""
    require(actor, "boards.view_thread", thread)
    return _mark_read(actor, thread, upto_post_id or thread.last_post_id)
