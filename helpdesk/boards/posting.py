"""Threads and posts: starting a thread, replying, editing (earlier text kept as revisions),
attachments, and accepting an answer.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.access import can, require, scope_of
from helpdesk.boards import attachments as files
from helpdesk.boards.following import _follow
from helpdesk.boards.models import Board, Post, PostAttachment, PostRevision, Thread
from helpdesk.boards.notifications import _notify
from helpdesk.boards.policies import is_moderator
from helpdesk.boards.reading import _mark_read
from helpdesk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from helpdesk.events import content_changed
from helpdesk.extensions import db
from helpdesk.models_base import as_id, utcnow
from helpdesk.text import render_markdown

MAX_BODY = 20_000
MAX_TITLE = 200


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationFailed(_l("Write a title."), field="title")
    if len(title) > MAX_TITLE:
        raise ValidationFailed(_l("The title is too long (at most %(n)d characters).", n=MAX_TITLE),
                               field="title")
    return title  # the column masks civic numbers


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationFailed(_l("Write something first."), field="body")
    if len(body) > MAX_BODY:
        raise ValidationFailed(_l("The text is too long (at most %(n)d characters).", n=MAX_BODY),
                               field="body")
    # People paste personnummer into questions; the body and body_html columns mask them.
    return body


def _changed(thread: Thread) -> None:
    content_changed.send("thread", object_id=thread.id, deleted=False)


# ---------------------------------------------------------------- threads and posts

def get_thread(actor, thread_id: int) -> Thread:
    thread = db.session.get(Thread, as_id(thread_id) or 0)
    if thread is None or not can(actor, "boards.view_thread", thread):
        raise NotFound(_l("That thread does not exist."))
    return thread


def get_post(actor, post_id: int) -> Post:
    post = db.session.get(Post, as_id(post_id) or 0)
    if post is None or not can(actor, "boards.view_thread", post.thread):
        raise NotFound(_l("That post does not exist."))
    return post


def _add_post(actor, thread: Thread, body: str, quoted_post_id: int | None = None,
              checked_files: list | None = None) -> Post:
    now = utcnow()
    post = Post(thread_id=thread.id, author_id=actor.id, body=body, body_html=render_markdown(body),
                quoted_post_id=quoted_post_id, created_at=now)
    db.session.add(post)
    db.session.flush()
    for name, content_type, data in checked_files or []:
        db.session.add(PostAttachment(post_id=post.id, filename=name, content_type=content_type,
                                      size=len(data), data=data))
    thread.post_count = (thread.post_count or 0) + 1
    thread.last_post_id = post.id
    thread.last_activity_at = now
    _follow(actor, thread=thread)
    _mark_read(actor, thread, post.id)
    return post


def start_thread(actor, board: Board, title: str, body: str, *, linked_ticket_id: int | None = None,
                 attachments: list | None = None) -> Thread:
    """Anyone who sees the board may start a thread in it."""
    require(actor, "boards.start_thread", board)
    title, body = _clean_title(title), _clean_body(body)
    checked = files.check(attachments or [])
    thread = Thread(board_id=board.id, board=board, title=title, author_id=actor.id,
                    linked_ticket_id=linked_ticket_id, post_count=0, created_at=utcnow(),
                    last_activity_at=utcnow())
    db.session.add(thread)
    db.session.flush()
    post = _add_post(actor, thread, body, checked_files=checked)
    _notify(actor, thread, post, new_thread=True)
    _changed(thread)
    return thread


def reply(actor, thread: Thread, body: str, *, quoted_post_id: int | None = None,
          attachments: list | None = None) -> Post:
    """A reply to a thread the actor sees; never to a locked thread."""
    require(actor, "boards.view_thread", thread)
    if thread.locked:
        raise Conflict(_l("The thread is locked; no new replies can be posted."))
    body = _clean_body(body)
    checked = files.check(attachments or [])
    quoted_post_id = as_id(quoted_post_id)
    if quoted_post_id is not None:
        quoted = db.session.get(Post, quoted_post_id)
        if quoted is None or quoted.thread_id != thread.id:
            quoted_post_id = None
    post = _add_post(actor, thread, body, quoted_post_id, checked_files=checked)
    _notify(actor, thread, post)
    _changed(thread)
    return post


def get_attachment(actor, attachment_id: int) -> PostAttachment:
    """A file, for whoever sees the thread; a hidden post's files only for moderators."""
    attachment = db.session.get(PostAttachment, as_id(attachment_id) or 0)
    if attachment is None or not can(actor, "boards.view_thread", attachment.post.thread):
        raise NotFound()
    if attachment.post.hidden and not is_moderator(scope_of(actor), attachment.post.thread.board):
        raise NotFound()
    return attachment


def edit_post(actor, post: Post, body: str) -> Post:
    """The author edits their own post; the earlier text is kept as a revision."""
    require(actor, "boards.view_thread", post.thread)
    if post.author_id != actor.id:
        raise PermissionDenied(_l("Only the author can edit a post."))
    if post.thread.locked:
        raise Conflict(_l("The thread is locked; posts can no longer be edited."))
    if post.hidden:
        raise Conflict(_l("A hidden post cannot be edited."))
    body = _clean_body(body)
    if body == post.body:
        return post
    db.session.add(PostRevision(post_id=post.id, body=post.body,
                                written_at=post.edited_at or post.created_at, edited_by_id=actor.id))
    post.body, post.body_html, post.edited_at = body, render_markdown(body), utcnow()
    db.session.flush()
    _changed(post.thread)
    return post


def edit_title(actor, thread: Thread, title: str) -> Thread:
    require(actor, "boards.view_thread", thread)
    if thread.author_id != actor.id and not is_moderator(scope_of(actor), thread.board):
        raise PermissionDenied()
    thread.title = _clean_title(title)
    db.session.flush()
    _changed(thread)
    return thread


def post_history(actor, post_id: int) -> tuple[Post, list[PostRevision]]:
    """A post's earlier versions; a hidden post's history is for its moderators only."""
    post = get_post(actor, post_id)
    if post.hidden and not is_moderator(scope_of(actor), post.thread.board):
        raise NotFound(_l("That post does not exist."))
    return post, revisions(post)


def revisions(post: Post) -> list[PostRevision]:
    return list(db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)
                                   .order_by(PostRevision.id.desc())))


def first_post(thread: Thread) -> Post | None:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1))


def accept_answer(actor, thread: Thread, post_id: int) -> Post:
    """The asker or a central contact marks one reply as the accepted answer."""
    require(actor, "boards.view_thread", thread)
    if not can(actor, "boards.accept", thread):
        raise PermissionDenied(_l("Only the person who asked, or a central contact, can accept an answer."))
    post = db.session.get(Post, as_id(post_id)) if as_id(post_id) else None
    if post is None or post.thread_id != thread.id:
        raise ValidationFailed(_l("Choose a reply in this thread."), field="post_id")
    first = first_post(thread)
    if first is not None and post.id == first.id:
        raise ValidationFailed(_l("The question itself cannot be its answer."), field="post_id")
    if post.hidden:
        raise ValidationFailed(_l("A hidden post cannot be the accepted answer."), field="post_id")
    thread.accepted_post_id, thread.solved = post.id, True
    db.session.flush()
    _changed(thread)
    return post


def unaccept_answer(actor, thread: Thread) -> None:
    if not can(actor, "boards.accept", thread):
        raise PermissionDenied()
    thread.accepted_post_id, thread.solved = None, False
    db.session.flush()
    _changed(thread)

