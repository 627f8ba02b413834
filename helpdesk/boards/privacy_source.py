"""What the boards hold about a person (threads and posts written, what they follow), for
the privacy capability's export and erasure."""
from __future__ import annotations

from sqlalchemy import delete, func, select

from helpdesk.boards.models import Mention, Post, ReadMarker, Subscription, Thread
from helpdesk.extensions import db
from helpdesk.privacy.registry import KEPT, REMOVED, ErasureLine, Holding


def export(person, user_ids: list[int]) -> dict:
    ids = user_ids or [-1]
    posts = db.session.scalars(select(Post).where(Post.author_id.in_(ids)).order_by(Post.id))
    return {
        "threads": [{"title": t.title, "board": t.board.name, "created_at": t.created_at.isoformat()}
                    for t in db.session.scalars(select(Thread).where(Thread.author_id.in_(ids)).order_by(Thread.id))],
        "posts": [{"thread": p.thread.title, "body": p.body, "created_at": p.created_at.isoformat(),
                   "hidden": p.hidden} for p in posts],
        "following": db.session.scalar(select(func.count(Subscription.id)).where(Subscription.user_id.in_(ids))) or 0,
    }


def erase(person, user_ids: list[int], *, dry_run: bool, keep_directory: bool) -> list[ErasureLine]:
    if not user_ids:
        return []
    lines = []
    posts = db.session.scalar(select(func.count(Post.id)).where(Post.author_id.in_(user_ids))) or 0
    if posts:
        # Posts are the support group's shared work; the author's name goes with the account.
        lines.append(ErasureLine("boards", "posts", KEPT, posts, "work_record"))
    for item, model in (("subscriptions", Subscription), ("read_markers", ReadMarker), ("mentions", Mention)):
        n = db.session.scalar(select(func.count(model.id)).where(model.user_id.in_(user_ids))) or 0
        if n:
            lines.append(ErasureLine("boards", item, REMOVED, n))
            if not dry_run:
                db.session.execute(delete(model).where(model.user_id.in_(user_ids))
                                   .execution_options(synchronize_session=False))
    return lines


def register() -> None:
    from helpdesk.privacy import registry

    registry.register_holding(Holding("boards", export, erase, order=40))
