"""Telling people of new posts: @mentions (by e-mail local part, among those who see the
board) and mail to the followers of a thread or board.
"""
from __future__ import annotations

import re

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import func, or_, select

from helpdesk.access import scope_of
from helpdesk.auth.models import User
from helpdesk.boards.models import Board, Mention, Post, Subscription, Thread
from helpdesk.boards.policies import can_see_board
from helpdesk.extensions import db


def handle_of(user: User) -> str:
    """The name to @mention someone by: their e-mail address's local part."""
    return user.email.split("@", 1)[0].lower()


_MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def mentioned_handles(body: str) -> set[str]:
    return {m.lower() for m in _MENTION.findall(body or "")}


def _public_url(path: str) -> str:
    return current_app.config.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/") + path


def _mail(user: User, template: str, kind: str, **context) -> None:
    from helpdesk.notify.services import queue_mail

    with force_locale(user.locale or "sv"):
        text = render_template(f"boards/mail/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    queue_mail(user.email, subject.strip(), body.strip() + "\n", kind=kind)


def _notify(actor, thread: Thread, post: Post, *, new_thread: bool = False) -> None:
    """Mentions first (each mentioned person once), then followers of the thread or board."""
    board = thread.board
    url = _public_url(f"/boards/threads/{thread.id}#post-{post.id}")
    told: set[int] = {actor.id}
    for user in users_by_handles(mentioned_handles(post.body), board):
        if user.id in told:
            continue
        told.add(user.id)
        db.session.add(Mention(post_id=post.id, user_id=user.id))
        _mail(user, "mention", "board_mention", thread=thread, board=board, author=actor.display_name, url=url)
    subs = select(Subscription.user_id).where(Subscription.email.is_(True))
    subs = subs.where(or_(Subscription.thread_id == thread.id, Subscription.board_id == board.id)) \
        if new_thread else subs.where(Subscription.thread_id == thread.id)
    follower_ids = set(db.session.scalars(subs)) - told
    if follower_ids:
        for user in db.session.scalars(select(User).where(User.id.in_(follower_ids), User.enabled.is_(True))):
            if can_see_board(scope_of(user), board):
                _mail(user, "new_thread" if new_thread else "new_post", "board_post",
                      thread=thread, board=board, author=actor.display_name, url=url)
    db.session.flush()


def users_by_handles(handles: set[str], board: Board) -> list[User]:
    """Users whose handle (e-mail local part) matches, among those who can see the board."""
    found = []
    for handle in sorted(handles)[:20]:
        pattern = handle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "@%"
        for user in db.session.scalars(select(User).where(
                func.lower(User.email).like(pattern, escape="\\"), User.enabled.is_(True))):
            if can_see_board(scope_of(user), board):
                found.append(user)
    return found

