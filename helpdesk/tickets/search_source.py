"""How search loads tickets and who may find them (a DocumentSource for kind "ticket").

The tokens mirror the `tickets.view` rule: the requester, the local agents of the school,
the central agents of the organisation. Only the subject and public messages are indexed,
never internal notes, so a requester's snippet never shows what agents wrote to each other.
Vendor agents do not search tickets: they see only what central shares with them, which a
snippet of the public conversation could go beyond.
"""
from __future__ import annotations

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.search.backends.base import SearchDocument
from helpdesk.search.sources import DocumentSource
from helpdesk.tickets.models import Ticket, TicketMessage


def access_tokens(ticket: Ticket) -> set[str]:
    tokens = {f"ticket:school:{ticket.school_id}", f"ticket:org:{ticket.organisation_id}"}
    if ticket.requester_id is not None:
        tokens.add(f"ticket:requester:{ticket.requester_id}")
    return tokens


def reader_tokens(scope) -> set[str]:
    if not scope.authenticated:
        return set()
    tokens = {f"ticket:requester:{scope.user.id}"}
    tokens |= {f"ticket:school:{s}" for s in scope.local_school_ids}
    tokens |= {f"ticket:org:{o}" for o in scope.central_org_ids}
    return tokens


def load(ids: list[int]) -> list[SearchDocument]:
    if not ids:
        return []
    if not has_request_context():  # url_for needs one; the indexer runs from the CLI
        with current_app.test_request_context("/"):
            return load(ids)
    tickets = db.session.scalars(select(Ticket).where(Ticket.id.in_(ids))).all()
    bodies: dict[int, list[str]] = {}
    for ticket_id, body in db.session.execute(
            select(TicketMessage.ticket_id, TicketMessage.body)
            .where(TicketMessage.ticket_id.in_(ids), ~TicketMessage.internal)
            .order_by(TicketMessage.id)):
        bodies.setdefault(ticket_id, []).append(body)
    docs = []
    for t in tickets:
        # Stored text is masked already; masking again costs little and guards the index.
        body = "\n\n".join(bodies.get(t.id, []))
        title = f"{t.number} {t.subject}"
        docs.append(SearchDocument(
            kind="ticket", object_id=t.id, language="sv", title=title, body=body,
            url=url_for("tickets.show", ticket_id=t.id), tags=[t.category.value],
            access=access_tokens(t)))
    return docs


def all_ids():
    return db.session.scalars(select(Ticket.id).order_by(Ticket.id)).all()


def source() -> DocumentSource:
    from flask_babel import lazy_gettext as _l

    return DocumentSource(kind="ticket", load=load, all_ids=all_ids, reader_tokens=reader_tokens,
                          label=lambda: str(_l("Tickets")), order=30)
