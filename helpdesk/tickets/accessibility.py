"""Accessibility problems reported from the accessibility statement.

The law (lagen om tillgänglighet till digital offentlig service) asks for a way to tell the
organisation about an accessibility problem. A report is a ticket that goes straight to the
organisation's central team (they answer for the portal, not the school's local contact).
Logged-in people file it at once; a visitor gives an e-mail address and confirms it, through
the same guest request as "I can't log in" (single-use link, rate limit, honeypot).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from helpdesk.access import scope_of
from helpdesk.directory.models import Organisation, School
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id, utcnow
from helpdesk.tickets import notifications
from helpdesk.tickets.models import (
    AuthorRole,
    EventKind,
    RequesterRole,
    Ticket,
    TicketCategory,
    TicketStatus,
    Tier,
)

PURPOSE = "accessibility"
PAGE_MAX = 300
SUBJECTS = {"sv": "Tillgänglighetsproblem", "en": "Accessibility problem"}


def schools_for(actor) -> list[School]:
    """The schools a reporter may name: their own organisation's, or any for a visitor."""
    from helpdesk.tickets.guests import public_schools

    schools = public_schools()
    org_id = scope_of(actor).organisation_id if getattr(actor, "is_authenticated", False) else None
    return [s for s in schools if s.organisation_id == org_id] if org_id else schools


def _school(actor, school_id) -> School:
    wanted = as_id(school_id)
    found = next((s for s in schools_for(actor) if s.id == wanted), None)
    if found is None:
        raise ValidationFailed(_l("Choose the school the problem concerns."), field="school_id")
    return found


def report_text(page, body) -> str:
    """The page and the description as one message (the page first, so central sees where)."""
    from helpdesk.tickets.changes import BODY_MAX, _clean_text

    page = _clean_text(page, "page", max_length=PAGE_MAX, label=_l("the page"), required=False)
    body = _clean_text(body, "body", max_length=BODY_MAX - PAGE_MAX - 10, label=_l("the problem"))
    return f"{page}\n\n{body}" if page else body


def open_central_ticket(org: Organisation, school: School, *, actor, requester_name: str, text: str,
                        locale: str, guest_email: str | None = None) -> Ticket:
    """A ticket in the central team's queue from the start (the history says so)."""
    from helpdesk.tickets.changes import _event, _recompute, _touch
    from helpdesk.tickets.filing import allocate_number
    from helpdesk.tickets.messages import _add_message

    role = RequesterRole.GUEST if actor is None else (
        RequesterRole.GUARDIAN if scope_of(actor).is_guardian and not scope_of(actor).is_staff else RequesterRole.STAFF)
    ticket = Ticket(number=allocate_number(org), organisation_id=org.id, school_id=school.id,
                    requester_id=getattr(actor, "id", None), requester_role=role, requester_name=requester_name,
                    guest_email=guest_email, category=TicketCategory.FEEDBACK,
                    subject=SUBJECTS.get(locale, SUBJECTS["sv"]), tier=Tier.CENTRAL, status=TicketStatus.NEW,
                    vendor_id=org.vendor_id, created_at=utcnow())
    db.session.add(ticket)
    _add_message(ticket, actor, text, role=AuthorRole.REQUESTER, author_name=requester_name)
    _event(ticket, actor, EventKind.CREATED, to_value=Tier.CENTRAL, actor_name=requester_name)
    _recompute(ticket)
    _touch(ticket)
    notifications.new_in_queue(ticket, actor)
    return ticket


def report_problem(actor, *, school_id, page, body, locale: str = "sv") -> Ticket:
    """A logged-in person reports an accessibility problem: a ticket to central at once."""
    text = report_text(page, body)
    school = _school(actor, school_id)
    org = db.session.get(Organisation, school.organisation_id)
    return open_central_ticket(org, school, actor=actor, requester_name=actor.display_name, text=text,
                               locale=locale)


def start_report(*, name, email, school_id, page, body, locale: str = "sv"):
    """A visitor's report waits for their e-mail address to be confirmed, like "I can't log in"."""
    from helpdesk.tickets.guests import start_guest_request

    text = report_text(page, body)
    school = _school(None, school_id)
    return start_guest_request(name=name, email=email, school_id=school.id, body=text, locale=locale,
                               purpose=PURPOSE)
