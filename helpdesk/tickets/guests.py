"""Questions from people without an account (guests): a confirmation link by e-mail, then a
follow link that lets them read and answer their own question."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from helpdesk.directory.models import (
    Organisation,
    School,
)
from helpdesk.errors import Conflict, NotFound, ValidationFailed, validate_all
from helpdesk.extensions import db
from helpdesk.models_base import as_id, utcnow
from helpdesk.tickets import notifications
from helpdesk.tickets.models import (
    AuthorRole,
    EventKind,
    RequesterRole,
    Ticket,
    TicketCategory,
    TicketMessage,
    TicketStatus,
    Tier,
)

# The ticket rules' own helpers: this module is part of the ticket service, split off by size.
from helpdesk.tickets.changes import BODY_MAX, _clean_text, _event, _recompute, _touch
from helpdesk.tickets.filing import _route_new, allocate_number
from helpdesk.tickets.messages import _add_message


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def public_schools() -> list[School]:
    return list(db.session.scalars(select(School).join(Organisation)
                                   .where(School.active).order_by(Organisation.name, School.name)))


def start_guest_request(*, name, email, school_id, body, locale="sv", purpose: str = "login"):
    """The public "I can't log in" form (and a visitor's accessibility report, purpose
    "accessibility"): nothing exists until the address is confirmed."""
    from email_validator import EmailNotValidError, validate_email

    from helpdesk.tickets.models import GuestRequest

    def checked_email():
        written = _clean_text(email, "email", max_length=254, label=_l("your e-mail address"))
        try:
            return validate_email(written, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            raise ValidationFailed(_l("Write a valid e-mail address."), field="email") from None

    def checked_school():
        school = db.session.get(School, as_id(school_id)) if as_id(school_id) else None
        if school is None or not school.active:
            raise ValidationFailed(_l("Choose your child's school."), field="school_id")
        return school

    # Every field is checked, so the form can list all its problems at once.
    name, email, school, body = validate_all(
        lambda: _clean_text(name, "name", max_length=200, label=_l("your name")),
        checked_email, checked_school,
        lambda: _clean_text(body, "body", max_length=BODY_MAX, label=_l("your question")))
    token = secrets.token_urlsafe(32)
    request_ = GuestRequest(organisation_id=school.organisation_id, school_id=school.id, name=name,
                            email=email, body=body, locale=locale if locale in ("sv", "en") else "sv",
                            verify_token_hash=_digest(token), purpose=purpose,
                            expires_at=utcnow() + timedelta(hours=24))
    db.session.add(request_)
    db.session.flush()
    notifications.guest_verification(request_, token)
    return request_, token


def pending_guest_request(token: str):
    from helpdesk.tickets.models import GuestRequest

    found = db.session.scalar(select(GuestRequest).where(GuestRequest.verify_token_hash == _digest(token or "")))
    if found is None or found.verified_at is not None or found.expires_at < utcnow():
        raise NotFound(_l("The link has already been used or has expired. Fill in the form again."))
    return found


def confirm_guest_request(token: str) -> tuple[Ticket, str]:
    """The verification link (single use) creates the ticket and a magic follow link."""
    guest = pending_guest_request(token)
    claimed = db.session.execute(
        update(type(guest)).where(type(guest).id == guest.id, type(guest).verified_at.is_(None))
        .values(verified_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        raise NotFound(_l("The link has already been used or has expired. Fill in the form again."))
    school = db.session.get(School, guest.school_id)
    org = db.session.get(Organisation, school.organisation_id)
    if guest.purpose == "accessibility":
        from helpdesk.tickets.accessibility import open_central_ticket

        ticket = open_central_ticket(org, school, actor=None, requester_name=guest.name, text=guest.body,
                                     locale=guest.locale, guest_email=guest.email)
        return ticket, _follow_link(guest, ticket)
    subject = "Kan inte logga in" if guest.locale == "sv" else "Cannot log in"
    ticket = Ticket(number=allocate_number(org), organisation_id=org.id, school_id=school.id,
                    requester_id=None, requester_role=RequesterRole.GUEST, requester_name=guest.name,
                    guest_email=guest.email, category=TicketCategory.LOGIN, subject=subject,
                    tier=Tier.LOCAL, status=TicketStatus.NEW, vendor_id=org.vendor_id, created_at=utcnow())
    db.session.add(ticket)
    _add_message(ticket, None, guest.body, role=AuthorRole.REQUESTER, author_name=guest.name)
    _route_new(ticket, None, school, actor_name=guest.name)
    _recompute(ticket)
    _touch(ticket)
    notifications.new_in_queue(ticket, None)
    return ticket, _follow_link(guest, ticket)


def _follow_link(guest, ticket: Ticket) -> str:
    """The magic link a guest follows their ticket with, mailed once."""
    follow = secrets.token_urlsafe(32)
    guest.follow_token_hash = _digest(follow)
    guest.ticket = ticket
    notifications.guest_follow_link(guest, ticket, follow)
    return follow


class FollowLinkExpired(NotFound):
    """A guest's follow link whose question closed longer ago than the link lives."""


def follow_link_expired(ticket: Ticket, now: datetime | None = None) -> bool:
    """A follow link works until GUEST_FOLLOW_LINK_DAYS after its question closed: a link
    in an old mail must not open a child's question for whoever finds it years later."""
    if ticket.status is not TicketStatus.CLOSED or ticket.closed_at is None:
        return False
    days = current_app.config["GUEST_FOLLOW_LINK_DAYS"]
    return (now or utcnow()) >= ticket.closed_at + timedelta(days=days)


def guest_ticket(follow_token: str) -> Ticket:
    from helpdesk.tickets.models import GuestRequest

    guest = db.session.scalar(select(GuestRequest).where(
        GuestRequest.follow_token_hash == _digest(follow_token or "")))
    if guest is None or guest.ticket is None:
        raise NotFound(_l("That link is not valid."))
    if follow_link_expired(guest.ticket):
        raise FollowLinkExpired(_l("The link has expired because the question was closed a while ago."))
    return guest.ticket


def guest_reply(follow_token: str, body) -> TicketMessage:
    ticket = guest_ticket(follow_token)
    body = _clean_text(body, "body", max_length=BODY_MAX, label=_l("a message"))
    if ticket.status is TicketStatus.CLOSED:
        raise Conflict(_l("The question is closed. Fill in the form again if you need more help."))
    message = _add_message(ticket, None, body, role=AuthorRole.REQUESTER, author_name=ticket.requester_name)
    if ticket.status in (TicketStatus.RESOLVED, TicketStatus.WAITING_FOR_REQUESTER):
        old = ticket.status
        ticket.status = TicketStatus.OPEN
        ticket.resolved_at = ticket.resolution_minutes = None
        _event(ticket, None, EventKind.REOPENED if old is TicketStatus.RESOLVED else EventKind.STATUS_CHANGED,
               from_value=old, to_value=ticket.status, actor_name=ticket.requester_name)
    _recompute(ticket)
    _touch(ticket)
    notifications.reply_from_requester(ticket, message, None)
    return message


def public_messages(ticket: Ticket) -> list[TicketMessage]:
    return list(db.session.scalars(select(TicketMessage).where(
        TicketMessage.ticket_id == ticket.id, TicketMessage.internal.is_(False)).order_by(TicketMessage.id)))
