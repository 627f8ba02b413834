"""Promote to FAQ: a solved thread, or a resolved ticket's resolution summary, becomes a draft
help article (through the knowledge base's hook), made once.
"""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from helpdesk import hooks
from helpdesk.access import require
from helpdesk.boards import tickets_link
from helpdesk.boards.models import Thread
from helpdesk.boards.notifications import _public_url
from helpdesk.boards.posting import first_post
from helpdesk.boards.reading import accepted_post
from helpdesk.errors import Conflict, NotFound
from helpdesk.extensions import db


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

