"""Threads and tickets: the threads started from a ticket, what the ticket page shows of the
forum, and taking a ticket's question to the support group.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk import hooks
from helpdesk.access import can, require
from helpdesk.boards import tickets_link
from helpdesk.boards.boards import support_board_of
from helpdesk.boards.models import Thread
from helpdesk.boards.posting import start_thread
from helpdesk.boards.promotion import promoted_ticket_article
from helpdesk.errors import NotFound
from helpdesk.extensions import db


def threads_for_ticket(ticket_id: int) -> list[Thread]:
    """Threads started from a ticket, so the ticket page can link to them."""
    return list(db.session.scalars(select(Thread).where(Thread.linked_ticket_id == ticket_id)))


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
