"""The rules of the boards: who posts where, accepted answers, subscriptions, mentions,
promote to FAQ (meetings.py and moderation.py hold the rest). Services take `actor`, flush
and never commit."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload, selectinload

from helpdesk import hooks
from helpdesk.access import can, require, scope_of
from helpdesk.auth.models import User
from helpdesk.boards import attachments as files
from helpdesk.boards import tickets_link
from helpdesk.boards.models import (
    Board,
    BoardKind,
    BoardSchool,
    Mention,
    Post,
    PostAttachment,
    PostRevision,
    ReadMarker,
    Subscription,
    Thread,
)
from helpdesk.boards.policies import (
    can_see_board,
    central_vendor_ids,
    is_moderator,
    local_org_ids,
)
from helpdesk.directory.models import Organisation, School, Vendor
from helpdesk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from helpdesk.events import content_changed
from helpdesk.extensions import db
from helpdesk.models_base import as_id, utcnow
from helpdesk.text import render_markdown

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SUPPORT_BOARD_NAME = "Supportgruppen"
VENDOR_BOARD_NAME = "Leverantörsforum"
MAX_BODY = 20_000
MAX_TITLE = 200
MAX_REASON = 1000
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


# ---------------------------------------------------------------- boards

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


# ---------------------------------------------------------------- text

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


def handle_of(user: User) -> str:
    """The name to @mention someone by: their e-mail address's local part."""
    return user.email.split("@", 1)[0].lower()


_MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def mentioned_handles(body: str) -> set[str]:
    return {m.lower() for m in _MENTION.findall(body or "")}


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


# ---------------------------------------------------------------- listing

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


# ---------------------------------------------------------------- subscriptions

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


# ---------------------------------------------------------------- notifications

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


# ---------------------------------------------------------------- search

def thread_document(thread_id: int) -> dict | None:
    """What the search index holds for a thread: the question, the accepted answer and the
    visible replies. Civic numbers are masked on save, so none reach the index."""
    thread = db.session.get(Thread, as_id(thread_id) or 0)
    if thread is None:
        return None
    posts = db.session.scalars(select(Post.body).where(Post.thread_id == thread.id, Post.hidden.is_(False))
                               .order_by(Post.id).limit(200))
    return {"title": thread.title, "body": "\n\n".join(posts),
            "organisation_id": thread.board.organisation_id, "board_id": thread.board_id,
            "solved": thread.solved}


def can_view_thread(user, thread) -> bool:
    return can(user, "boards.view_thread", thread)


def threads_for_ticket(ticket_id: int) -> list[Thread]:
    """Threads started from a ticket, so the ticket page can link to them."""
    return list(db.session.scalars(select(Thread).where(Thread.linked_ticket_id == ticket_id)))


# ---------------------------------------------------------------- promote to FAQ

def promote_to_faq(actor, thread: Thread):
    """A central contact turns a solved thread (question + accepted answer) into a draft
    article in the asker's language, linked back to the thread."""
    require(actor, "boards.view_thread", thread)
    if not thread.solved:
        raise Conflict(_l("Only a solved thread can become an FAQ article."))
    require(actor, "boards.promote", thread)
    create = hooks.get("create_draft_article")
    if create is None:
        raise Conflict(_l("The knowledge base is not installed, so no article can be made."))
    existing = promoted_article(actor, thread)
    if existing is not None:
        # Promoting twice used to make a second identical draft: hand back the one there is.
        return existing
    question, answer = first_post(thread), accepted_post(thread)
    if question is None or answer is None:
        raise Conflict(_l("The thread has no accepted answer."))
    language = thread.author.locale or "sv"
    with force_locale(language):
        body = render_template("boards/faq_draft.txt", question=question.body, answer=answer.body,
                               url=_public_url(f"/boards/threads/{thread.id}"))
    article = create(actor, thread.title, body, language, "thread", thread.id)
    thread.promoted_article_id = getattr(article, "id", None)
    db.session.flush()
    return article


def promoted_article(actor, thread: Thread) -> dict | None:
    """The FAQ draft (or article) already made from the thread, as {"id", "title", "url"},
    or None when there is none or it has since been deleted."""
    if not thread.promoted_article_id:
        return None
    find = hooks.get("article_for")
    return find(actor, thread.promoted_article_id) if find is not None else None


def promote_ticket_to_faq(actor, ticket_id: int):
    """A central contact turns a resolved ticket's resolution summary into a draft article."""
    ticket = tickets_link.get_ticket(ticket_id)
    if ticket is None or not tickets_link.can_see_ticket(actor, ticket):
        raise NotFound()
    require(actor, "boards.promote_ticket", ticket)
    summary = tickets_link.resolution_summary(ticket)
    if not summary:
        raise Conflict(_l("Only a resolved ticket with a resolution summary can become an FAQ article."))
    create = hooks.get("create_draft_article")
    if create is None:
        raise Conflict(_l("The knowledge base is not installed, so no article can be made."))
    existing = promoted_ticket_article(actor, ticket.id)
    if existing is not None:
        # As with threads: promoting twice hands back the draft there is.
        return existing
    title, question = tickets_link.ticket_question(ticket)
    language = "sv"
    with force_locale(language):
        body = render_template("boards/faq_draft.txt", question=question, answer=summary, url="")
    return create(actor, title, body, language, "ticket", ticket_id)


def promoted_ticket_article(actor, ticket_id: int) -> dict | None:
    """The FAQ draft (or article) the actor's organisation made from the ticket, as
    {"id", "title", "url"}, or None when there is none or it has since been deleted."""
    find = hooks.get("article_from")
    return find(actor, "ticket", ticket_id) if find is not None else None


def ticket_discussion(actor, ticket) -> dict:
    """What the ticket page shows of the forum, for a reader who sees the ticket: the
    threads started from it that the reader may open, and where to ask the support group
    or make an FAQ draft when the reader may."""
    from flask import url_for

    threads = [t for t in threads_for_ticket(ticket.id) if can(actor, "boards.view_thread", t)]
    promote = (can(actor, "boards.promote_ticket", ticket) and hooks.available("create_draft_article")
               and tickets_link.resolution_summary(ticket))
    return {
        "threads": [(t.title, url_for("boards.thread", thread_id=t.id)) for t in threads],
        "ask_url": (url_for("boards.ask_from_ticket", ticket_id=ticket.id)
                    if can(actor, "boards.ask_from_ticket", ticket) else None),
        "promote_url": url_for("boards.promote_ticket", ticket_id=ticket.id) if promote else None,
        "faq_draft": promoted_ticket_article(actor, ticket.id) if promote else None,
    }


def ticket_for_asking(actor, ticket_id: int):
    """The ticket a contact wants to take to the support group, or NotFound."""
    require(actor, "boards.ask_from_ticket")
    ticket = tickets_link.get_ticket(ticket_id)
    if ticket is None or not tickets_link.can_see_ticket(actor, ticket):
        raise NotFound(_l("That ticket could not be found."))
    return ticket


def ask_from_ticket(actor, ticket_id: int, title: str, body: str) -> Thread:
    """Start a thread on the support board from a ticket; the text is checked again for
    personal details, and thread and ticket point at each other."""
    ticket = ticket_for_asking(actor, ticket_id)
    board = support_board_of(ticket.organisation_id)
    body = tickets_link.strip_personal_details(body, ticket)
    title = tickets_link.strip_personal_details(title, ticket)
    return start_thread(actor, board, title, body, linked_ticket_id=ticket.id)
