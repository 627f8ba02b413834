"""The rules of the boards: which boards there are, threads and posts, reading and read marks,
following, mentions and mail, promote to FAQ, threads from tickets (meetings.py and
moderation.py hold the rest). Services take `actor`, flush and never commit.

The rules live in modules by sub-capability, split by size; this module is their public face
(views, the API and the tests call `services.reply`, ...): boards, posting, reading,
following, notifications, promotion and ticket_threads.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from helpdesk.access import can
from helpdesk.boards.boards import (  # noqa: F401 (kept importable from services)
    SUPPORT_BOARD_NAME,
    VENDOR_BOARD_NAME,
    board_summaries,
    create_board,
    ensure_support_board,
    ensure_vendor_board,
    existing_visible_boards,
    get_board,
    support_board_of,
    visible_boards,
)
from helpdesk.boards.following import (  # noqa: F401 (kept importable from services)
    follow,
    followed_threads,
    is_following,
    unfollow,
    unread_total,
)
from helpdesk.boards.models import Post, Thread
from helpdesk.boards.notifications import handle_of, mentioned_handles, users_by_handles  # noqa: F401
from helpdesk.boards.posting import (  # noqa: F401 (kept importable from services)
    MAX_BODY,
    MAX_TITLE,
    accept_answer,
    edit_post,
    edit_title,
    first_post,
    get_attachment,
    get_post,
    get_thread,
    post_history,
    reply,
    revisions,
    start_thread,
    unaccept_answer,
)
from helpdesk.boards.promotion import (  # noqa: F401 (kept importable from services)
    promote_ticket_to_faq,
    promote_to_faq,
    promoted_article,
    promoted_ticket_article,
)
from helpdesk.boards.reading import (  # noqa: F401 (kept importable from services)
    FILTERS,
    POSTS_PER_PAGE,
    THREADS_PER_PAGE,
    Page,
    accepted_post,
    list_threads,
    mark_read,
    thread_posts,
    unread_counts,
)
from helpdesk.boards.ticket_threads import (  # noqa: F401 (kept importable from services)
    ask_from_ticket,
    threads_for_ticket,
    ticket_discussion,
    ticket_for_asking,
)
from helpdesk.extensions import db
from helpdesk.models_base import as_id

STOCKHOLM = ZoneInfo("Europe/Stockholm")


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

